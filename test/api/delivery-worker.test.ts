/**
 * The outbox worker the server's background loop drives (api/background.ts): look() starts the due
 * deliveries, each finished one looks again, stop() waits for those on their way and starts no more.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deliveryWorker, emitEvent } from '../../src/domain/webhooks.js';
import { buildTestApp, type TestApp } from '../helper.js';

describe('deliveryWorker', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await buildTestApp();
  });
  afterAll(async () => t?.close());

  it('sends a site’s queue in order from one look, and on stop waits for the delivery on its way', async () => {
    const site = await t.site();
    const created = await t.call(
      '/webhooks/v1/createEndpoint',
      site,
      { url: 'https://hooks.example.test/in' },
      { subject: 'siteSign' },
    );
    expect(created.body.status, created.body.message).toBe(100);
    for (const email of ['a@example.com', 'b@example.com', 'c@example.com']) {
      await emitEvent(t.store.db, site.id, 'registrant.created', { email }, t.clock.now);
    }

    const sent: string[] = [];
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let allSent!: () => void;
    const threeSent = new Promise<void>((resolve) => (allSent = resolve));
    let heldReached!: () => void;
    const fourthHeld = new Promise<void>((resolve) => (heldReached = resolve));
    const capture = (async (_url: string | URL | Request, init?: RequestInit) => {
      sent.push((JSON.parse(String(init?.body)) as { data: { email: string } }).data.email);
      if (sent.length === 3) allSent();
      if (sent.length === 4) {
        heldReached();
        await held;
      }
      return new Response(null, { status: 204 });
    }) as typeof fetch;
    const errors: unknown[] = [];
    const worker = deliveryWorker(t.store.db, { fetch: capture, onError: (err) => errors.push(err) });

    await worker.look();
    await threeSent;
    expect(sent).toEqual(['a@example.com', 'b@example.com', 'c@example.com']);

    // A fourth event, held by its endpoint: stop() ends only once it is answered.
    await emitEvent(t.store.db, site.id, 'registrant.created', { email: 'd@example.com' }, t.clock.now);
    await worker.look();
    await fourthHeld;
    let stopped = false;
    const stopping = worker.stop().then(() => (stopped = true));
    await new Promise((resolve) => setImmediate(resolve));
    expect(stopped).toBe(false);
    release();
    await stopping;

    // Stopped: a look starts nothing.
    await emitEvent(t.store.db, site.id, 'registrant.created', { email: 'e@example.com' }, t.clock.now);
    await worker.look();
    expect(sent).toHaveLength(4);
    expect(errors).toEqual([]);
  });
});
