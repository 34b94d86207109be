import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { joinMeeting, lockMeeting } from '../../src/domain/lifecycle.js';
import { sweep } from '../../src/domain/sweeper.js';
import type { SiteRow } from '../../src/store/database.js';
import { buildTestApp, gmt, send, type TestApp } from '../helper.js';

let t: TestApp;
beforeAll(async () => {
  t = await buildTestApp();
});
afterAll(async () => t.close());

const MIN = 60_000;

interface Booked {
  confId: number;
  confNumber: string;
}

/** A meeting of host1 whose window is open now (it started `ago` minutes ago, 60 minutes long). */
async function openMeeting(site: SiteRow, params: Record<string, unknown> = {}, ago = 5): Promise<Booked> {
  const res = await t.call('confReservation', site, {
    userId: 'host1',
    userName: 'Host',
    confName: 'Live',
    startTime: gmt(Math.floor((t.clock.now - ago * MIN) / 1000) * 1000),
    duration: 60,
    confParties: 10,
    ...params,
  });
  expect(res.body.status, res.body.message).toBe(100);
  return res.body.data;
}

const person = (cuid: string, role: 'host' | 'attendee' = 'attendee', extra: Record<string, unknown> = {}) => ({
  cuid,
  name: `name-${cuid}`,
  role,
  device: 'Windows',
  deviceType: 'pc',
  ip: '10.0.0.1',
  ...extra,
});

function events(site: SiteRow, confNumber: string, list: Record<string, unknown>[]) {
  return t.call('/media/v1/events', site, { confNumber, events: list }, { subject: 'confNumber', encoding: 'json' });
}

async function eventsOk(site: SiteRow, confNumber: string, list: Record<string, unknown>[]) {
  const res = await events(site, confNumber, list);
  expect(res.body, JSON.stringify(res.body)).toEqual({ status: 100, message: 'success' });
}

const detail = async (site: SiteRow, m: Booked, userId = 'host1') =>
  (await t.call('getConfDetailByConfId', site, { userId, confId: m.confId })).body.data;
const live = async (site: SiteRow, m: Booked, name = 'getLiveDetail') =>
  (await t.call(name, site, { confNo: m.confNumber }, { subject: 'confNo' })).body;

describe('a meeting held through the media-plane API', () => {
  it('goes live with its host, shows who is in, and reports everything after endConf', async () => {
    const site = await t.site();
    const m = await openMeeting(site);
    await eventsOk(site, m.confNumber, [{ type: 'participant.joined', participant: person('h', 'host') }]);
    expect(await detail(site, m)).toMatchObject({ confStatus: 2 });
    const living = await t.call('getLivingConfByUserId', site, { userId: 'host1' });
    expect(living.body.data.confInfo.map((c: Booked) => c.confId)).toEqual([m.confId]);
    const siteLiving = await t.call('getLivingConfListBySiteSign', site, { userId: 'x' });
    expect(siteLiving.body.data.map((c: Booked) => c.confId)).toEqual([m.confId]);

    t.clock.now += MIN;
    await eventsOk(site, m.confNumber, [
      {
        type: 'participant.joined',
        participant: person('a1', 'attendee', { device: 'Android', deviceType: 'mobile', userId: 'u-a1' }),
      },
      { type: 'participant.joined', participant: person('a2') },
    ]);
    const now = await live(site, m);
    expect(now.status).toBe(100);
    expect(now.data).toHaveLength(3);
    expect(now.data[1]).toEqual({
      openId: '',
      userId: 'u-a1',
      userName: 'name-a1',
      ipAddress: '10.0.0.1',
      device: 'Android',
      cn: '',
      city: '',
      viewOnly: false,
      joinTime: gmt(t.clock.now),
      deviceType: 'mobile',
    });
    expect(now.data[0]).toMatchObject({ userId: 'h', userName: 'name-h', deviceType: 'pc' });

    t.clock.now += MIN;
    await eventsOk(site, m.confNumber, [{ type: 'participant.left', participant: { cuid: 'a2' } }]);
    expect((await live(site, m)).data.map((p: { userName: string }) => p.userName)).toEqual(['name-h', 'name-a1']);
    const withLeft = (await live(site, m, 'getLiveDetail2')).data;
    expect(withLeft).toHaveLength(3);
    expect(withLeft[2]).toMatchObject({ userName: 'name-a2', leaveTime: gmt(t.clock.now) });
    expect(withLeft[0].leaveTime).toBe('');

    t.clock.now += MIN;
    const ended = await t.call('endConf', site, { userId: 'host1', confId: m.confId });
    expect(ended.body).toEqual({ status: 100, message: 'end conf success' });
    expect(await detail(site, m)).toMatchObject({ confStatus: 3 });
    expect((await live(site, m)).data).toEqual([]);

    const flat = await t.call(
      'getConfLogListByConfId',
      site,
      { userId: 'host1', confId: m.confId },
      { encoding: 'query', method: 'GET' },
    );
    expect(flat.body).toMatchObject({
      status: 100,
      message: 'success',
      totalPage: 1,
      currentPage: 1,
      totalItems: 3,
      pageSize: 10,
    });
    expect(flat.body.data).toMatchObject({ confId: m.confId, duration: 60 });
    expect(flat.body.data.logs).toHaveLength(3);
    expect(flat.body.data.logs[0]).toEqual({
      cuid: 'h',
      participantName: 'name-h',
      joinTime: gmt(t.clock.now - 3 * MIN),
      leaveTime: gmt(t.clock.now),
      device: 'Windows',
      deviceType: 'pc',
      ip: '10.0.0.1',
    });
    expect(flat.body.data.logs[2]).toMatchObject({ cuid: 'a2', leaveTime: gmt(t.clock.now - MIN) });

    const grouped = await t.call('getConfLogListByConfId2', site, { userId: 'host1', confId: m.confId });
    expect(grouped.body).toMatchObject({
      status: 100,
      message: 'success',
      totalPage: 1,
      currentPage: '1',
      totalItems: 3,
      pageSize: 10,
      recordStatus: 1,
    });
    expect(grouped.body.data).toMatchObject({
      confId: m.confId,
      confNumber: m.confNumber,
      confName: 'Live',
      duration: 60,
    });
    expect(grouped.body.data.records).toHaveLength(1);
    const [record] = grouped.body.data.records;
    expect(record).toMatchObject({ startTime: gmt(t.clock.now - 3 * MIN), endTime: gmt(t.clock.now), duration: 3 });
    expect(record.uuid).toMatch(/^[A-Za-z0-9+/]{22}==$/);
    expect(record.logs.map((l: { cuid: string }) => l.cuid)).toEqual(['h', 'a1', 'a2']);
  });

  it('keeps attendees out before the host unless optionJbh=1, and caps the meeting at confParties', async () => {
    const site = await t.site();
    const waiting = await openMeeting(site, { userId: 'w', optionJbh: 0 });
    const early = await events(site, waiting.confNumber, [{ type: 'participant.joined', participant: person('a') }]);
    expect(early.body.status).toBe(708);
    const jbh = await openMeeting(site, { userId: 'j', optionJbh: 1, confParties: 2 });
    await eventsOk(site, jbh.confNumber, [{ type: 'participant.joined', participant: person('a') }]);
    expect((await detail(site, jbh, 'j')).confStatus).toBe(2);
    await eventsOk(site, jbh.confNumber, [{ type: 'participant.joined', participant: person('b') }]);
    const full = await events(site, jbh.confNumber, [{ type: 'participant.joined', participant: person('c') }]);
    expect(full.body.status).toBe(205);
    // The same person joining again is not a new participant.
    await eventsOk(site, jbh.confNumber, [{ type: 'participant.joined', participant: person('b') }]);
    expect((await live(site, jbh)).data).toHaveLength(2);
  });

  it('refuses sessions outside the window (201), of ended (707) or cancelled (401) meetings, and unknown numbers', async () => {
    const site = await t.site();
    const future = await openMeeting(site, { userId: 'f' }, -120);
    expect((await events(site, future.confNumber, [{ type: 'session.started' }])).body.status).toBe(201);
    const done = await openMeeting(site, { userId: 'd' });
    await eventsOk(site, done.confNumber, [{ type: 'participant.joined', participant: person('h', 'host') }]);
    await t.call('endConf', site, { userId: 'd', confId: done.confId });
    expect((await events(site, done.confNumber, [{ type: 'session.started' }])).body.status).toBe(707);
    const cancelled = await openMeeting(site, { userId: 'c' });
    await t.call('cancelConf', site, { userId: 'c', confId: cancelled.confId });
    expect((await events(site, cancelled.confNumber, [{ type: 'session.started' }])).body.status).toBe(401);
    expect((await events(site, '1000000000', [{ type: 'session.started' }])).body.status).toBe(401);
  });

  it('returns the meeting to scheduled when everyone leaves, and starts a new session later', async () => {
    const site = await t.site();
    const m = await openMeeting(site);
    await eventsOk(site, m.confNumber, [
      { type: 'participant.joined', participant: person('h', 'host') },
      { type: 'participant.joined', participant: person('a') },
    ]);
    t.clock.now += 2 * MIN;
    await eventsOk(site, m.confNumber, [
      { type: 'participant.left', participant: { cuid: 'a' } },
      { type: 'participant.left', participant: { cuid: 'h' } },
    ]);
    expect((await detail(site, m)).confStatus).toBe(0);
    t.clock.now += 2 * MIN;
    await eventsOk(site, m.confNumber, [
      { type: 'session.started' },
      { type: 'participant.joined', participant: person('h', 'host') },
    ]);
    t.clock.now += MIN;
    await eventsOk(site, m.confNumber, [{ type: 'session.ended' }]);
    expect((await detail(site, m)).confStatus).toBe(0);
    const grouped = await t.call('getConfLogListByConfId2', site, { userId: 'host1', confId: m.confId });
    const uuids = grouped.body.data.records.map((r: { uuid: string }) => r.uuid);
    expect(uuids).toHaveLength(2);
    expect(new Set(uuids).size).toBe(2);
    expect(grouped.body.data.records[1].logs[0]).toMatchObject({ cuid: 'h', leaveTime: gmt(t.clock.now) });
    // Cancelling a meeting that was held ends it.
    await t.call('cancelConf', site, { userId: 'host1', confId: m.confId });
    expect((await detail(site, m)).confStatus).toBe(3);
  });

  it('validates events: signature, type, participant, time', async () => {
    const site = await t.site();
    const m = await openMeeting(site);
    const bad = await events(site, m.confNumber, [{ type: 'participant.danced' }]);
    expect(bad.body.status).toBe(109);
    expect(bad.body.message).toContain('events');
    const noOne = await events(site, m.confNumber, [{ type: 'participant.joined' }]);
    expect(noOne.body.status).toBe(109);
    expect(noOne.body.message).toContain('participant');
    const future = await events(site, m.confNumber, [{ type: 'session.started', at: gmt(t.clock.now + 10 * MIN) }]);
    expect(future.body.status).toBe(109);
    const stranger = await events(site, m.confNumber, [{ type: 'participant.left', participant: { cuid: 'nobody' } }]);
    expect(stranger.body.status).toBe(109);
    const wrongKey = await t.call(
      '/media/v1/events',
      site,
      { confNumber: m.confNumber, events: [{ type: 'session.started' }] },
      { subject: 'confNumber', encoding: 'json', apiKey: 'nope' },
    );
    expect(wrongKey.body.status).toBe(102);
    const first = await events(site, m.confNumber, [{ type: 'session.started' }]);
    expect(first.body.status).toBe(100);
    expect((await send(t.app, '/media/v1/events', first.sent, { encoding: 'json' })).body.status).toBe(704);
    // A failing batch changes nothing: the join before the bad event is rolled back.
    const mixed = await events(site, m.confNumber, [
      { type: 'participant.joined', participant: person('x') },
      { type: 'participant.left', participant: { cuid: 'y' } },
    ]);
    expect(mixed.body.status).toBe(109);
    expect((await live(site, m)).data).toEqual([]);
  });

  it('takes event times from `at`', async () => {
    const site = await t.site();
    const m = await openMeeting(site, {}, 30);
    const joinedAt = gmt(Math.floor((t.clock.now - 20 * MIN) / 1000) * 1000);
    const leftAt = gmt(Math.floor((t.clock.now - 10 * MIN) / 1000) * 1000);
    await eventsOk(site, m.confNumber, [
      { type: 'participant.joined', at: joinedAt, participant: person('h', 'host') },
      { type: 'participant.left', at: leftAt, participant: { cuid: 'h' } },
    ]);
    const flat = await t.call('getConfLogListByConfId', site, { userId: 'host1', confId: m.confId });
    expect(flat.body.data.logs[0]).toMatchObject({ joinTime: joinedAt, leaveTime: leftAt });
  });
});

describe('endConf (2.13) and openingconfModify (2.14)', () => {
  it('end and extend live meetings only, of their own user', async () => {
    const site = await t.site();
    const m = await openMeeting(site);
    expect((await t.call('endConf', site, { userId: 'host1', confId: m.confId })).body.status).toBe(708);
    expect(
      (await t.call('openingconfModify', site, { userId: 'host1', confId: m.confId, addDuration: 10 })).body.status,
    ).toBe(708);
    await eventsOk(site, m.confNumber, [{ type: 'participant.joined', participant: person('h', 'host') }]);
    await t.call('confReservation', site, {
      userId: 'other',
      userName: 'O',
      confName: 'x',
      startTime: gmt(t.clock.now + 90 * MIN),
      duration: 30,
      confParties: 2,
    });
    expect((await t.call('endConf', site, { userId: 'other', confId: m.confId })).body.status).toBe(401);
    expect((await t.call('openingconfModify', site, { userId: 'host1', confId: m.confId })).body.status).toBe(109);
  });

  it('extends the window and the cap, re-checking the host’s next meeting and the licence', async () => {
    const site = await t.site({ totalNumParties: 20 });
    const m = await openMeeting(site, { confParties: 2 });
    await eventsOk(site, m.confNumber, [
      { type: 'participant.joined', participant: person('h', 'host') },
      { type: 'participant.joined', participant: person('a') },
    ]);
    // The host's next meeting starts 60 minutes after this one ends; another user's takes 15 parties later.
    const start = Math.floor((t.clock.now - 5 * MIN) / 1000) * 1000;
    await t.call('confReservation', site, {
      userId: 'host1',
      userName: 'Host',
      confName: 'next',
      startTime: gmt(start + 120 * MIN),
      duration: 30,
      confParties: 2,
    });
    await t.call('confReservation', site, {
      userId: 'big',
      userName: 'B',
      confName: 'big',
      startTime: gmt(start + 70 * MIN),
      duration: 30,
      confParties: 15,
    });

    const res = await t.call('openingconfModify', site, {
      userId: 'host1',
      confId: m.confId,
      addDuration: 30,
      addNumParties: 1,
    });
    expect(res.body.status).toBe(100);
    expect(res.body.data).toMatchObject({ confId: m.confId, duration: 90, confParties: 3, confStatus: 2 });
    await eventsOk(site, m.confNumber, [{ type: 'participant.joined', participant: person('b') }]);

    expect(
      (await t.call('openingconfModify', site, { userId: 'host1', confId: m.confId, addDuration: 31 })).body.status,
    ).toBe(202);
    expect(
      (await t.call('openingconfModify', site, { userId: 'host1', confId: m.confId, addNumParties: 3 })).body.status,
    ).toBe(205);
    expect(
      (await t.call('openingconfModify', site, { userId: 'host1', confId: m.confId, addNumParties: 2 })).body.data
        .confParties,
    ).toBe(5);
  });
});

describe('reports', () => {
  it('say recordStatus 5 for a meeting never held, 3 while it may still be, 2 for one person once', async () => {
    const site = await t.site();
    const never = await openMeeting(site, { userId: 'n', duration: 10 }, 5);
    const report = (m: Booked, userId: string) => t.call('getConfLogListByConfId2', site, { userId, confId: m.confId });
    expect((await report(never, 'n')).body).toMatchObject({ recordStatus: 3, totalItems: 0, data: { records: [] } });
    const single = await openMeeting(site, { userId: 's', duration: 10 }, 5);
    await eventsOk(site, single.confNumber, [{ type: 'participant.joined', participant: person('solo', 'host') }]);
    t.clock.now += 10 * MIN;
    expect((await report(never, 'n')).body.recordStatus).toBe(5);
    await sweep(t.store.db, t.clock.now, 30_000);
    expect((await report(single, 's')).body.recordStatus).toBe(2);
    expect((await t.call('getConfLogListByConfId', site, { userId: 'n', confId: single.confId })).body.status).toBe(
      401,
    );
  });

  it('pages log rows', async () => {
    const site = await t.site();
    const m = await openMeeting(site, { confParties: 30 });
    await eventsOk(
      site,
      m.confNumber,
      Array.from({ length: 12 }, (_, i) => ({
        type: 'participant.joined',
        participant: person(`p${String(i).padStart(2, '0')}`, i === 0 ? 'host' : 'attendee'),
      })),
    );
    const page2 = await t.call('getConfLogListByConfId', site, {
      userId: 'host1',
      confId: m.confId,
      pageNo: 2,
      pageSize: 5,
    });
    expect(page2.body).toMatchObject({ totalPage: 3, currentPage: 2, totalItems: 12, pageSize: 5 });
    expect(page2.body.data.logs.map((l: { cuid: string }) => l.cuid)).toEqual(['p05', 'p06', 'p07', 'p08', 'p09']);
    const grouped = await t.call('getConfLogListByConfId2', site, {
      userId: 'host1',
      confId: m.confId,
      pageNo: 3,
      pageSize: 5,
    });
    expect(grouped.body).toMatchObject({ currentPage: '3', totalItems: 12 });
    expect(grouped.body.data.records[0].logs.map((l: { cuid: string }) => l.cuid)).toEqual(['p10', 'p11']);
    expect(grouped.body.data.records[0].endTime).toBe('');
  });
});

describe('the sweeper', () => {
  it('ends a live session at its window’s end, for good', async () => {
    const site = await t.site();
    const m = await openMeeting(site, { duration: 10 }, 5);
    await eventsOk(site, m.confNumber, [{ type: 'participant.joined', participant: person('h', 'host') }]);
    t.clock.now += 6 * MIN;
    const changed = await sweep(t.store.db, t.clock.now, 30_000);
    expect(changed).toEqual([m.confId]);
    expect((await detail(site, m)).confStatus).toBe(3);
    const logs = (await t.call('getConfLogListByConfId', site, { userId: 'host1', confId: m.confId })).body.data.logs;
    const windowEnd = Date.parse(`${(await detail(site, m)).startTime.replace(' ', 'T')}Z`) + 10 * MIN;
    expect(logs[0].leaveTime).toBe(gmt(windowEnd));
  });

  it('lets go of a page that stopped sending heartbeats, at its last heartbeat, and runs safely twice at once', async () => {
    const site = await t.site();
    const m = await openMeeting(site);
    const joinedAt = t.clock.now;
    await t.store.db.transaction().execute(async (trx) => {
      const meeting = (await lockMeeting(trx, site.id, m.confId, joinedAt))!;
      await joinMeeting(trx, meeting, { ...person('page', 'host'), ticket: 'T'.repeat(32) }, joinedAt);
    });
    expect((await detail(site, m)).confStatus).toBe(2);
    t.clock.now += 31_000;
    const [a, b] = await Promise.all([sweep(t.store.db, t.clock.now, 30_000), sweep(t.store.db, t.clock.now, 30_000)]);
    expect([...a, ...b]).toContain(m.confId);
    expect((await detail(site, m)).confStatus).toBe(0);
    const logs = (await t.call('getConfLogListByConfId', site, { userId: 'host1', confId: m.confId })).body.data.logs;
    expect(logs).toHaveLength(1);
    expect(logs[0].leaveTime).toBe(gmt(joinedAt));
  });
});
