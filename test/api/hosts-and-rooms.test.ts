import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SiteRow } from '../../src/store/database.js';
import { buildTestApp, gmt, type TestApp } from '../helper.js';

let t: TestApp;
beforeAll(async () => {
  t = await buildTestApp();
});
afterAll(async () => t.close());

const MIN = 60_000;

async function openMeeting(site: SiteRow, params: Record<string, unknown> = {}) {
  const res = await t.call('confReservation', site, {
    userId: 'host1',
    userName: 'Host',
    confName: 'Board room',
    startTime: gmt(Math.floor((t.clock.now - 5 * MIN) / 1000) * 1000),
    duration: 60,
    confParties: 10,
    ...params,
  });
  expect(res.body.status, res.body.message).toBe(100);
  return res.body.data as { confId: number; confNumber: string; joinUrl: string };
}

const join = (site: SiteRow, confNumber: string, participant: Record<string, unknown>) =>
  t.call(
    '/media/v1/events',
    site,
    { confNumber, events: [{ type: 'participant.joined', participant }] },
    { subject: 'confNumber', encoding: 'json' },
  );

describe('getHostKeyByConfNumber (2.29)', () => {
  it('answers the host user’s six-digit key, signed over confNumber', async () => {
    const site = await t.site();
    const m = await openMeeting(site);
    const res = await t.call('getHostKeyByConfNumber', site, { confNumber: m.confNumber }, { subject: 'confNumber' });
    const user = await t.call('getUserByUserId', site, { userId: 'host1' });
    expect(res.body).toEqual({ status: 100, message: 'success', data: { hostKey: user.body.userInfo.hostKey } });
    expect(
      (await t.call('getHostKeyByConfNumber', site, { confNumber: m.confNumber }, { subject: 'userId' })).body.status,
    ).toBe(102);
    expect(
      (await t.call('getHostKeyByConfNumber', site, { confNumber: '1000000000' }, { subject: 'confNumber' })).body
        .status,
    ).toBe(401);
  });

  it('lets a person who gives the host key on the join page come in as host', async () => {
    const site = await t.site();
    const m = await openMeeting(site);
    const hostKey = String(
      (await t.call('getHostKeyByConfNumber', site, { confNumber: m.confNumber }, { subject: 'confNumber' })).body.data
        .hostKey,
    );
    const [, n, secret] = /\/j\/(\d{10})\/([0-9A-F]{32})$/.exec(m.joinUrl)!;
    const enter = (body: Record<string, unknown>) =>
      t.app.inject({ method: 'POST', url: `/web/v1/links/j/${n}/${secret}/enter`, payload: body });
    const wrong = await enter({ name: 'Claimer', hostKey: '000000' });
    expect(wrong.statusCode).toBe(403);
    expect(wrong.json().error).toBe('bad_host_key');
    // Without the key an attendee waits for the host; with it, the claimer is the host and may start.
    expect((await enter({ name: 'Guest' })).json().state).toBe('host_wait');
    const claimed = await enter({ name: 'Claimer', hostKey });
    expect(claimed.json().state).toBe('admitted');
    const ticket = await t.store.db
      .selectFrom('tickets')
      .select('role')
      .where('token', '=', claimed.json().ticket)
      .executeTakeFirstOrThrow();
    expect(ticket.role).toBe('host');
  });
});

describe('changeRcPort (2.25)', () => {
  it('limits a meeting to one hardware-room device while rcPort is 1', async () => {
    const site = await t.site();
    const m = await openMeeting(site);
    const set = (rcPort: unknown) =>
      t.call('changeRcPort', site, { userId: 'host1', confNumber: m.confNumber, rcPort });
    expect((await set(1)).body).toEqual({ status: 100, message: 'success' });
    expect((await join(site, m.confNumber, { cuid: 'h', name: 'Host', role: 'host' })).body.status).toBe(100);
    expect(
      (await join(site, m.confNumber, { cuid: 'r1', name: 'Room 1', role: 'attendee', device: 'H.323/SIP' })).body
        .status,
    ).toBe(100);
    const second = await join(site, m.confNumber, { cuid: 'r2', name: 'Room 2', role: 'attendee', device: 'SIP' });
    expect(second.body.status).toBe(205);
    expect(second.body.message).toContain('rcPort');
    expect(
      (await join(site, m.confNumber, { cuid: 'p', name: 'Laptop', role: 'attendee', device: 'Windows' })).body.status,
    ).toBe(100);
    expect((await set(0)).body.status).toBe(100);
    expect(
      (await join(site, m.confNumber, { cuid: 'r2', name: 'Room 2', role: 'attendee', device: 'SIP' })).body.status,
    ).toBe(100);
    expect((await set(2)).body.status).toBe(109);
    expect(
      (await t.call('changeRcPort', site, { userId: 'host1', confNumber: '1000000000', rcPort: 1 })).body.status,
    ).toBe(401);
  });
});
