/**
 * The console's Webhooks (issue 19): endpoints added within createEndpoint's limits and target rules and
 * deleted; the delivery log with the answers' HTTP statuses; a delivery sent again. Viewers only look.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deliverDue } from '../../src/domain/webhooks.js';
import type { SiteRow } from '../../src/store/database.js';
import { buildTestApp, type TestApp } from '../helper.js';
import { ConsoleBrowser, consoleAccount } from './console-client.js';

const webhookTargets = { allowPrivate: true, allowedNetworks: [] };
let t: TestApp;
let acme: SiteRow;
let receiver: http.Server;
let receiverUrl: string;
/** What the receiver answers next, and the event ids it was sent. */
let answer = 500;
const received: string[] = [];

const signedIn = async (email: string) => {
  const browser = new ConsoleBrowser(t.app);
  expect((await browser.signIn(email)).status).toBe(200);
  return browser;
};
const deliverAll = async () => {
  for (let i = 0; i < 20 && (await deliverDue(t.store.db, t.clock.now, { targets: webhookTargets })) > 0; i += 1);
};

beforeAll(async () => {
  receiver = http.createServer((req, res) => {
    received.push(String(req.headers['huiguan-event-id']));
    req.resume();
    req.on('end', () => res.writeHead(answer).end());
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
  t = await buildTestApp({ config: { webhookTargets } });
  acme = await t.site({ siteSign: 'acme' });
  await consoleAccount(t, acme, 'owner@acme.example');
  await consoleAccount(t, acme, 'viewer@acme.example', 'viewer');
});
afterAll(async () => {
  await t?.close();
  await new Promise((resolve) => receiver?.close(resolve));
});

describe('webhooks in the console', () => {
  it('an owner adds an endpoint (its secret shown once), the API lists it; a URL the rules refuse is refused', async () => {
    const owner = await signedIn('owner@acme.example');
    const added = await owner.post('/console/api/sites/acme/webhooks', { url: receiverUrl, events: '*' });
    expect(added.status).toBe(200);
    expect(added.body).toEqual({
      id: expect.any(Number),
      url: receiverUrl,
      events: '*',
      createdAt: expect.stringMatching(/Z$/),
      secret: expect.stringMatching(/^[0-9a-f]{64}$/),
    });
    const api = await t.call('/webhooks/v1/listEndpoints', acme, {}, { subject: 'siteSign' });
    expect(api.body.data.map((e: { url: string }) => e.url)).toEqual([receiverUrl]);
    const page = await owner.get('/console/api/sites/acme/webhooks');
    expect(page.body.endpoints).toEqual([
      { id: added.body.id, url: receiverUrl, events: '*', createdAt: added.body.createdAt },
    ]);
    expect(JSON.stringify(page.body)).not.toContain(added.body.secret);
    expect(page.body.maxEndpoints).toBe(20);
    for (const [url, events] of [
      ['ftp://example.com/hook', '*'],
      [receiverUrl, 'no.such.event'],
    ]) {
      const refused = await owner.post('/console/api/sites/acme/webhooks', { url, events });
      expect(refused.status, url).toBe(400);
      expect(refused.body.error).toBe('code_109');
    }
  });

  it('the delivery log shows each delivery with its answer’s status; a failed one is sent again', async () => {
    const owner = await signedIn('owner@acme.example');
    answer = 500;
    const booked = await t.call('confReservation', acme, {
      userId: 'h1',
      userName: 'Host',
      confName: 'Hooked',
      startTime: '2026-06-02 10:00:00',
      duration: 30,
      confParties: 2,
    });
    expect(booked.body.status).toBe(100);
    await deliverAll();
    let log = (await owner.get('/console/api/sites/acme/webhooks')).body.deliveries;
    expect(log).toHaveLength(1);
    expect(log[0]).toMatchObject({
      type: 'meeting.created',
      status: 'pending',
      attempts: 1,
      lastStatusCode: 500,
      url: receiverUrl,
    });
    // Still being tried: sending it again is refused.
    const early = await owner.post(`/console/api/sites/acme/webhook-deliveries/${log[0].id}/resend`);
    expect(early.status).toBe(409);
    expect(early.body.error).toBe('still_pending');

    // Given up after a day of tries (as the worker does), then sent again from the console and delivered.
    await t.store.db.updateTable('webhook_deliveries').set({ status: 'failed' }).where('id', '=', log[0].id).execute();
    answer = 204;
    const resent = await owner.post(`/console/api/sites/acme/webhook-deliveries/${log[0].id}/resend`);
    expect(resent.status).toBe(200);
    await deliverAll();
    log = (await owner.get('/console/api/sites/acme/webhooks')).body.deliveries;
    expect(log.map((d: { status: string; lastStatusCode: number }) => [d.status, d.lastStatusCode])).toEqual([
      ['delivered', 204],
      ['failed', 500],
    ]);
    expect(log[0].eventId).toBe(log[1].eventId);
    expect(received.slice(-2)).toEqual([log[0].eventId, log[0].eventId]);
  });

  it('a viewer sees the log but changes nothing; deleting an endpoint stops its deliveries', async () => {
    const viewer = await signedIn('viewer@acme.example');
    const seen = (await viewer.get('/console/api/sites/acme/webhooks')).body;
    expect(seen.endpoints).toHaveLength(1);
    const id = seen.endpoints[0].id;
    for (const [url, body] of [
      ['/console/api/sites/acme/webhooks', { url: receiverUrl, events: '*' }],
      [`/console/api/sites/acme/webhooks/${id}/delete`, undefined],
      [`/console/api/sites/acme/webhook-deliveries/${seen.deliveries[0].id}/resend`, undefined],
    ] as const) {
      const res = await viewer.post(url, body);
      expect(res.status, url).toBe(403);
    }
    const owner = await signedIn('owner@acme.example');
    expect((await owner.post(`/console/api/sites/acme/webhooks/${id}/delete`)).status).toBe(200);
    expect((await owner.get('/console/api/sites/acme/webhooks')).body.endpoints).toEqual([]);
    const gone = await owner.post(`/console/api/sites/acme/webhook-deliveries/${seen.deliveries[0].id}/resend`);
    expect(gone.status).toBe(409);
    expect(gone.body.error).toBe('endpoint_deleted');
    const api = await t.call('/webhooks/v1/listEndpoints', acme, {}, { subject: 'siteSign' });
    expect(api.body.data).toEqual([]);
  });
});
