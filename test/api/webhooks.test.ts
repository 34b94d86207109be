import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyWebhook } from '../../packages/sdk/src/webhooks.js';
import { deliverDue } from '../../src/domain/webhooks.js';
import type { SiteRow } from '../../src/store/database.js';
import { buildTestApp, gmt, type TestApp } from '../helper.js';

interface Received {
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** A real HTTP receiver on the loopback; `fail` answers 500 to the next N deliveries. */
async function receiver() {
  const got: Received[] = [];
  const state = { fail: 0 };
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      if (state.fail > 0) {
        state.fail -= 1;
        res.writeHead(500).end('down');
        return;
      }
      got.push({ headers: req.headers, body });
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
  return { got, state, url, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

let t: TestApp;
let hook: Awaited<ReturnType<typeof receiver>>;
beforeAll(async () => {
  // The receiver is on the loopback, an internal address: allowed here as an installation would.
  t = await buildTestApp({ config: { webhookTargets } });
  hook = await receiver();
});
afterAll(async () => {
  await hook.close();
  await t.close();
});

const MIN = 60_000;
const webhookTargets = { allowPrivate: true, allowedNetworks: [] };

async function register(site: SiteRow, events?: string) {
  const res = await t.call(
    '/webhooks/v1/createEndpoint',
    site,
    { url: hook.url, ...(events ? { events } : {}) },
    { subject: 'siteSign' },
  );
  expect(res.body.status, res.body.message).toBe(100);
  return res.body.data as { id: number; secret: string };
}

/** Delivers until the outbox has nothing due. */
async function drain(now = t.clock.now) {
  for (let i = 0; i < 50 && (await deliverDue(t.store.db, now, { targets: webhookTargets })) > 0; i += 1);
}

async function holdMeeting(site: SiteRow) {
  const m = (
    await t.call('confReservation', site, {
      userId: 'h',
      userName: 'H',
      confName: 'hooked',
      startTime: gmt(t.clock.now - MIN),
      duration: 60,
      confParties: 5,
    })
  ).body.data;
  const events = (list: unknown[]) =>
    t.call(
      '/media/v1/events',
      site,
      { confNumber: m.confNumber, events: list },
      { subject: 'confNumber', encoding: 'json' },
    );
  await events([
    { type: 'participant.joined', participant: { cuid: 'h', name: 'Host', role: 'host', deviceType: 'pc' } },
  ]);
  await events([
    { type: 'participant.joined', participant: { cuid: 'a', name: 'Ann', role: 'attendee', deviceType: 'mobile' } },
  ]);
  await events([{ type: 'participant.left', participant: { cuid: 'a' } }]);
  expect((await t.call('endConf', site, { userId: 'h', confId: m.confId })).body.status).toBe(100);
  return m as { confId: number; confNumber: string };
}

describe('webhooks (extension)', () => {
  it('deliver a meeting’s events, signed, in order', async () => {
    const site = await t.site();
    const endpoint = await register(site);
    const m = await holdMeeting(site);
    hook.got.length = 0;
    await drain();
    const events = hook.got.map((r) =>
      verifyWebhook({ body: r.body, signatureHeader: String(r.headers['huiguan-signature']), secret: endpoint.secret }),
    );
    expect(events.map((e) => e.type)).toEqual([
      'meeting.created',
      'meeting.started',
      'participant.joined',
      'participant.joined',
      'participant.left',
      'participant.left',
      'meeting.ended',
    ]);
    expect(events.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(events[0]).toMatchObject({
      siteSign: site.site_sign,
      data: {
        confId: m.confId,
        confNumber: m.confNumber,
        userId: 'h',
        confName: 'hooked',
        startTime: gmt(t.clock.now - MIN),
        duration: 60,
        confParties: 5,
        confStatus: 0,
      },
    });
    expect(events[1]).toMatchObject({ data: { confId: m.confId, confNumber: m.confNumber, userId: 'h' } });
    expect(events[3]!.data).toMatchObject({
      cuid: 'a',
      participantName: 'Ann',
      role: 'attendee',
      deviceType: 'mobile',
    });
    expect(events[6]!.data).toMatchObject({ final: true });
    expect(hook.got[0]!.headers['huiguan-event-id']).toBe(events[0]!.id);
    expect(hook.got[0]!.headers['huiguan-event-type']).toBe('meeting.created');
    expect(() =>
      verifyWebhook({
        body: hook.got[0]!.body,
        signatureHeader: String(hook.got[0]!.headers['huiguan-signature']),
        secret: 'wrong',
      }),
    ).toThrow();
    // Delivered once: nothing more is due.
    expect(await deliverDue(t.store.db, t.clock.now, { targets: webhookTargets })).toBe(0);
  });

  it('retry with backoff after the receiver fails, keeping the order, and give up after a day', async () => {
    const site = await t.site();
    await register(site, 'registrant.created');
    const m = (
      await t.call('confReservation', site, {
        userId: 'h',
        userName: 'H',
        confName: 'x',
        startTime: gmt(t.clock.now + 60 * MIN),
        duration: 60,
        confParties: 5,
      })
    ).body.data;
    for (const email of ['a@example.com', 'b@example.com'])
      await t.call('addRegistrant', site, { userId: 'h', confId: m.confId, first_name: 'R', email });
    hook.got.length = 0;
    hook.state.fail = 1;
    await drain();
    expect(hook.got).toHaveLength(0);
    const pending = await t.store.db
      .selectFrom('webhook_deliveries')
      .selectAll()
      .where('status', '=', 'pending')
      .orderBy('id')
      .execute();
    expect(pending.map((d) => d.attempts)).toEqual([1, 0]);
    expect(pending[0]!.next_attempt_at).toBe(t.clock.now + MIN);
    expect(pending[0]!.last_error).toBe('HTTP 500');
    await drain(t.clock.now + MIN + 1);
    expect(hook.got.map((r) => JSON.parse(r.body).data.email)).toEqual(['a@example.com', 'b@example.com']);

    hook.got.length = 0;
    await t.call('addRegistrant', site, { userId: 'h', confId: m.confId, first_name: 'R', email: 'c@example.com' });
    hook.state.fail = 1000;
    let now = t.clock.now;
    for (let i = 0; i < 40 && now < t.clock.now + 25 * 3_600_000; i += 1) {
      await drain(now);
      now += 3_600_000;
    }
    hook.state.fail = 0;
    const last = await t.store.db
      .selectFrom('webhook_deliveries')
      .selectAll()
      .orderBy('id', 'desc')
      .executeTakeFirstOrThrow();
    expect(last.status).toBe('failed');
    expect(last.attempts).toBeGreaterThan(5);
  });

  it('tell of a booking changed, extended and cancelled, as it is after each change; a refused change tells nothing', async () => {
    const site = await t.site();
    await register(site, 'meeting.created,meeting.updated,meeting.cancelled');
    const book = (startTime: string) =>
      t.call('confReservation', site, {
        userId: 'h',
        userName: 'H',
        confName: 'Plan',
        startTime,
        duration: 60,
        confParties: 5,
      });
    const later = (await book(gmt(t.clock.now + 60 * MIN))).body.data;
    const modify = (params: Record<string, unknown>) =>
      t.call('confModify2', site, {
        userId: 'h',
        confId: later.confId,
        confName: 'Plan B',
        confPassword: '',
        startTime: gmt(t.clock.now + 120 * MIN),
        duration: 30,
        confParties: 4,
        ...params,
      });
    const modified = await modify({});
    expect(modified.body.status, modified.body.message).toBe(100);
    expect((await modify({ duration: 5000 })).body.status).not.toBe(100);
    expect((await t.call('cancelConf', site, { userId: 'h', confId: later.confId })).body.status).toBe(100);
    const now = (await book(gmt(t.clock.now - MIN))).body.data;
    await t.call(
      '/media/v1/events',
      site,
      {
        confNumber: now.confNumber,
        events: [{ type: 'participant.joined', participant: { cuid: 'h', name: 'H', role: 'host' } }],
      },
      { subject: 'confNumber', encoding: 'json' },
    );
    expect(
      (await t.call('openingconfModify', site, { userId: 'h', confId: now.confId, addDuration: 15 })).body.status,
    ).toBe(100);
    hook.got.length = 0;
    await drain();
    const events = hook.got.map((r) => JSON.parse(r.body));
    expect(events.map((e) => [e.type, e.data.confId])).toEqual([
      ['meeting.created', later.confId],
      ['meeting.updated', later.confId],
      ['meeting.cancelled', later.confId],
      ['meeting.created', now.confId],
      ['meeting.updated', now.confId],
    ]);
    expect(events[1].data).toMatchObject({
      confName: 'Plan B',
      startTime: gmt(t.clock.now + 120 * MIN),
      duration: 30,
      confParties: 4,
      confStatus: 0,
    });
    expect(events[2].data).toMatchObject({ confName: 'Plan B', confStatus: 9 });
    expect(events[4].data).toMatchObject({ duration: 75, confStatus: 2 });
  });

  it('send each delivery once when two processes deliver at the same time', async () => {
    const site = await t.site();
    await register(site);
    await holdMeeting(site);
    hook.got.length = 0;
    for (let i = 0; i < 10; i += 1)
      await Promise.all([
        deliverDue(t.store.db, t.clock.now, { targets: webhookTargets }),
        deliverDue(t.store.db, t.clock.now, { targets: webhookTargets }),
      ]);
    const ids = hook.got.map((r) => String(r.headers['huiguan-event-id']));
    expect(ids).toHaveLength(7);
    expect(new Set(ids).size).toBe(7);
  });

  it('let a receiver that was down catch up through the signed feed', async () => {
    const site = await t.site();
    await holdMeeting(site);
    const feed = await t.call('/webhooks/v1/events', site, { after: 3, limit: 3 }, { subject: 'siteSign' });
    expect(feed.body).toMatchObject({ status: 100, lastSeq: 7 });
    expect(feed.body.data.map((e: { seq: number }) => e.seq)).toEqual([4, 5, 6]);
    expect(feed.body.data[0]).toMatchObject({ type: 'participant.joined', siteSign: site.site_sign });
    expect((await t.call('/webhooks/v1/events', site, { after: 0 }, { subject: 'userId' })).body.status).toBe(102);
    const other = await t.site();
    expect((await t.call('/webhooks/v1/events', other, { after: 0 }, { subject: 'siteSign' })).body.data).toEqual([]);
  });

  it('register, list and remove endpoints; refuse bad URLs and event types', async () => {
    const site = await t.site();
    const bad = await t.call('/webhooks/v1/createEndpoint', site, { url: 'ftp://x' }, { subject: 'siteSign' });
    expect(bad.body.status).toBe(109);
    expect(bad.body.message).toContain('url');
    expect(
      (
        await t.call(
          '/webhooks/v1/createEndpoint',
          site,
          { url: hook.url, events: 'meeting.exploded' },
          { subject: 'siteSign' },
        )
      ).body.status,
    ).toBe(109);
    const e = await register(site, 'meeting.started,meeting.ended');
    const list = await t.call('/webhooks/v1/listEndpoints', site, {}, { subject: 'siteSign' });
    expect(list.body.data).toEqual([
      expect.objectContaining({ id: e.id, url: hook.url, events: 'meeting.started,meeting.ended' }),
    ]);
    expect(JSON.stringify(list.body)).not.toContain(e.secret);
    expect((await t.call('/webhooks/v1/deleteEndpoint', site, { id: e.id }, { subject: 'siteSign' })).body.status).toBe(
      100,
    );
    expect((await t.call('/webhooks/v1/listEndpoints', site, {}, { subject: 'siteSign' })).body.data).toEqual([]);
    expect((await t.call('/webhooks/v1/deleteEndpoint', site, { id: e.id }, { subject: 'siteSign' })).body.status).toBe(
      109,
    );
  });
});
