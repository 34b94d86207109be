import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { splitByDay } from '../../src/domain/usage.js';
import type { SiteRow } from '../../src/store/database.js';
import { buildTestApp, type TestApp } from '../helper.js';

/**
 * A fixture of sessions, one across midnight, totalled by hand:
 * - A (user h1), session 06-01 23:10 → 06-02 00:40 (50 + 40 min): host pc 23:10–00:40 (50 + 40),
 *   a1 mobile 23:20–00:30 (40 + 30).
 * - B (user h2), session 06-02 10:00 → 10:35 by endConf (35): host pc 10:00– (35), a2 other 10:05– (30),
 *   a3 mobile 10:05– (30).
 * - C (h1) on 06-03, never held.
 * - D (h2), session from 06-03 12:00 still live at the time of the questions (host pc).
 * Per day: 06-01 meetings 50, participants 90, joins 2 (1 mobile, 1 pc); 06-02 meetings 75, participants
 * 165, joins 3 (1 mobile, 1 pc); 06-03 joins 1 (pc), no closed time.
 */
let t: TestApp;
let site: SiteRow;
const at = (text: string) => Date.parse(`${text.replace(' ', 'T')}Z`);

beforeAll(async () => {
  t = await buildTestApp();
  site = await t.site();
  const reserve = async (userId: string, startTime: string, duration: number) => {
    const res = await t.call('confReservation', site, {
      userId,
      userName: userId,
      confName: 'stats',
      startTime,
      duration,
      confParties: 10,
    });
    expect(res.body.status, res.body.message).toBe(100);
    return res.body.data as { confId: number; confNumber: string };
  };
  const a = await reserve('h1', '2026-06-01 23:00:00', 120);
  const b = await reserve('h2', '2026-06-02 10:00:00', 60);
  await reserve('h1', '2026-06-03 09:00:00', 30);
  const d = await reserve('h2', '2026-06-03 12:00:00', 60);
  const event = async (time: string, confNumber: string, type: string, participant?: Record<string, unknown>) => {
    // Two events in the same millisecond would sign alike: the second goes a millisecond later.
    t.clock.now = Math.max(at(time), t.clock.now);
    const res = await t.call(
      '/media/v1/events',
      site,
      { confNumber, events: [{ type, ...(participant ? { participant } : {}) }] },
      { subject: 'confNumber', encoding: 'json' },
    );
    expect(res.body.status, res.body.message).toBe(100);
  };
  const p = (cuid: string, role: string, deviceType: string) => ({ cuid, name: cuid, role, deviceType });
  await event('2026-06-01 23:10:00', a.confNumber, 'participant.joined', p('hostA', 'host', 'pc'));
  await event('2026-06-01 23:20:00', a.confNumber, 'participant.joined', p('a1', 'attendee', 'mobile'));
  await event('2026-06-02 00:30:00', a.confNumber, 'participant.left', { cuid: 'a1' });
  await event('2026-06-02 00:40:00', a.confNumber, 'participant.left', { cuid: 'hostA' });
  await event('2026-06-02 10:00:00', b.confNumber, 'participant.joined', p('hostB', 'host', 'pc'));
  await event('2026-06-02 10:05:00', b.confNumber, 'participant.joined', p('a2', 'attendee', '其他'));
  await event('2026-06-02 10:05:00', b.confNumber, 'participant.joined', p('a3', 'attendee', 'mobile'));
  t.clock.now = at('2026-06-02 10:35:00');
  expect((await t.call('endConf', site, { userId: 'h2', confId: b.confId })).body.status).toBe(100);
  await event('2026-06-03 12:00:00', d.confNumber, 'participant.joined', p('hostD', 'host', 'pc'));
  t.clock.now = at('2026-06-03 12:20:00');
});
afterAll(async () => t.close());

const ask = (name: string, startTime: string, endTime: string) =>
  t.call(name, site, { userId: 'admin', startTime, endTime });

describe('statistics from a fixture crossing midnight', () => {
  it('getTotalConfTimeForEveryDay (2.27) and getAllJoinTimeForEveryDay (2.28): minutes per day, every day listed', async () => {
    const meetings = await ask('getTotalConfTimeForEveryDay', '2026-06-01', '2026-06-04');
    expect(meetings.body).toEqual({
      status: 100,
      message: 'success',
      data: [
        { datetime: '2026-06-01', duration: 50 },
        { datetime: '2026-06-02', duration: 75 },
        { datetime: '2026-06-03', duration: 0 },
        { datetime: '2026-06-04', duration: 0 },
      ],
    });
    const people = await ask('getAllJoinTimeForEveryDay', '2026-06-01', '2026-06-02');
    expect(people.body.data).toEqual([
      { datetime: '2026-06-01', duration: 90 },
      { datetime: '2026-06-02', duration: 165 },
    ]);
    expect((await ask('getAllJoinTimeForEveryDay', '2026-06-02', '2026-06-01')).body.status).toBe(109);
    expect((await ask('getAllJoinTimeForEveryDay', '2026-06-01', '2027-06-03')).body.status).toBe(109);
    const bad = await ask('getTotalConfTimeForEveryDay', '2026-6-1', '2026-06-02');
    expect(bad.body.status).toBe(109);
    expect(bad.body.message).toContain('startTime');
  });

  it('2.27 and 2.28 without their optional dates: endTime today, startTime 30 days before endTime (GMT days)', async () => {
    // The fixture's clock stands at 2026-06-03 12:20 GMT.
    const both = await t.call('getTotalConfTimeForEveryDay', site, { userId: 'admin' });
    expect(both.body.status, both.body.message).toBe(100);
    expect(both.body.data).toHaveLength(31);
    expect(both.body.data[0]).toEqual({ datetime: '2026-05-04', duration: 0 });
    expect(both.body.data.slice(-3)).toEqual([
      { datetime: '2026-06-01', duration: 50 },
      { datetime: '2026-06-02', duration: 75 },
      { datetime: '2026-06-03', duration: 0 },
    ]);
    const people = await t.call('getAllJoinTimeForEveryDay', site, { userId: 'admin' });
    expect(people.body.status, people.body.message).toBe(100);
    expect(people.body.data.slice(-3).map((d: { duration: number }) => d.duration)).toEqual([90, 165, 0]);

    const onlyEnd = await t.call('getAllJoinTimeForEveryDay', site, { userId: 'admin', endTime: '2026-06-02' });
    expect(onlyEnd.body.data).toHaveLength(31);
    expect(onlyEnd.body.data[0].datetime).toBe('2026-05-03');
    expect(onlyEnd.body.data.at(-1)).toEqual({ datetime: '2026-06-02', duration: 165 });

    const onlyStart = await t.call('getTotalConfTimeForEveryDay', site, { userId: 'admin', startTime: '2026-06-02' });
    expect(onlyStart.body.data).toEqual([
      { datetime: '2026-06-02', duration: 75 },
      { datetime: '2026-06-03', duration: 0 },
    ]);
    // Blank values, as a form that leaves the fields empty sends them, count as left out.
    const blank = await t.call('getTotalConfTimeForEveryDay', site, { userId: 'admin', startTime: '', endTime: '' });
    expect(blank.body.data).toEqual(both.body.data);

    const future = await t.call('getTotalConfTimeForEveryDay', site, { userId: 'admin', startTime: '2026-07-01' });
    expect(future.body.status).toBe(109);
    expect(future.body.message).toContain('endTime left out: today, 2026-06-03');
  });

  it('getConfRecordTimeBySiteSign (2.22): totals in a range that cuts sessions at both ends', async () => {
    const inside = await ask('getConfRecordTimeBySiteSign', '2026-06-01 23:30:00', '2026-06-02 10:20:00');
    expect(inside.body).toEqual({ status: 100, message: 'success', data: { confCountTime: 90, confUserTime: 180 } });
    const overDays = await ask('getConfRecordTimeBySiteSign', '2026-06-01 23:30:00', '2026-06-03 00:10:00');
    expect(overDays.body.data).toEqual({ confCountTime: 105, confUserTime: 225 });
    const all = await ask('getConfRecordTimeBySiteSign', '2026-05-01 00:00:00', '2026-07-01 00:00:00');
    expect(all.body.data).toEqual({ confCountTime: 125, confUserTime: 255 });
    expect((await ask('getConfRecordTimeBySiteSign', '2026-06-02 00:00:00', '2026-06-01 00:00:00')).body.status).toBe(
      109,
    );
  });

  it('getUserCountsBySiteSign (2.24): participant-times that began in the range, mobile and pc', async () => {
    const some = await ask('getUserCountsBySiteSign', '2026-06-01 23:15:00', '2026-06-02 10:03:00');
    expect(some.body).toEqual({ status: 100, message: 'success', data: { allCounts: 2, mobileCount: 1, pcCount: 1 } });
    const all = await ask('getUserCountsBySiteSign', '2026-06-01 00:00:00', '2026-06-03 23:59:59');
    expect(all.body.data).toEqual({ allCounts: 6, mobileCount: 2, pcCount: 3 });
  });

  it('getConfCountBySiteSign (2.23): meetings held in the range, each once, with host and times', async () => {
    const res = await ask('getConfCountBySiteSign', '2026-06-02 00:00:00', '2026-06-03 13:00:00');
    expect(res.body.status).toBe(100);
    const { confCounts, confNumbers, confList } = res.body.data;
    expect(confCounts).toBe(3);
    expect(confList).toEqual([
      { confNo: confNumbers[0], startTime: '2026-06-01 23:10:00', endTime: '2026-06-02 00:40:00', userId: 'h1' },
      { confNo: confNumbers[1], startTime: '2026-06-02 10:00:00', endTime: '2026-06-02 10:35:00', userId: 'h2' },
      { confNo: confNumbers[2], startTime: '2026-06-03 12:00:00', endTime: '', userId: 'h2' },
    ]);
    expect(
      (await ask('getConfCountBySiteSign', '2026-06-02 01:00:00', '2026-06-03 00:00:00')).body.data.confCounts,
    ).toBe(1);
  });

  it('keeps each site’s statistics to itself', async () => {
    const other = await t.site();
    const res = await t.call('getConfRecordTimeBySiteSign', other, {
      userId: 'x',
      startTime: '2026-05-01 00:00:00',
      endTime: '2026-07-01 00:00:00',
    });
    expect(res.body.data).toEqual({ confCountTime: 0, confUserTime: 0 });
  });
});

describe('splitByDay', () => {
  it('cuts at GMT midnights', () => {
    expect(splitByDay(at('2026-06-01 23:10:00'), at('2026-06-03 00:40:00'))).toEqual([
      { day: '2026-06-01', ms: 50 * 60_000 },
      { day: '2026-06-02', ms: 24 * 3_600_000 },
      { day: '2026-06-03', ms: 40 * 60_000 },
    ]);
    expect(splitByDay(5, 5)).toEqual([]);
  });
});
