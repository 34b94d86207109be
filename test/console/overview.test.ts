/**
 * The console's Overview (issue 19): meetings live and coming, the licence in use, and per day the numbers
 * the statistics endpoints answer (2.24, 2.27, 2.28) with the peak of parties present at once. The fixture
 * is statistics.test.ts's, told through the media events API.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { peakPerDay } from '../../src/domain/console-overview.js';
import type { SiteRow } from '../../src/store/database.js';
import { buildTestApp, type TestApp } from '../helper.js';
import { ConsoleBrowser, consoleAccount } from './console-client.js';

let t: TestApp;
let site: SiteRow;
let upcomingNumber: string;
let liveNumber: string;
const at = (text: string) => Date.parse(`${text.replace(' ', 'T')}Z`);

beforeAll(async () => {
  t = await buildTestApp();
  site = await t.site({ siteSign: 'acme', totalNumParties: 40 });
  await consoleAccount(t, site, 'owner@acme.example');
  await consoleAccount(t, site, 'viewer@acme.example', 'viewer');
  const reserve = async (userId: string, startTime: string, duration: number) => {
    const res = await t.call('confReservation', site, {
      userId,
      userName: `Host ${userId}`,
      confName: `stats ${startTime.slice(0, 10)}`,
      startTime,
      duration,
      confParties: 10,
    });
    expect(res.body.status, res.body.message).toBe(100);
    return res.body.data as { confId: number; confNumber: string };
  };
  t.clock.now = at('2026-06-01 12:00:00');
  const a = await reserve('h1', '2026-06-01 23:00:00', 120);
  const b = await reserve('h2', '2026-06-02 10:00:00', 60);
  const d = await reserve('h2', '2026-06-03 12:00:00', 60);
  upcomingNumber = (await reserve('h1', '2026-06-04 09:00:00', 30)).confNumber;
  liveNumber = d.confNumber;
  const event = async (time: string, confNumber: string, type: string, participant?: Record<string, unknown>) => {
    t.clock.now = Math.max(at(time), t.clock.now + 1);
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
afterAll(async () => t?.close());

const overview = async (email: string, query = '') => {
  const browser = new ConsoleBrowser(t.app);
  expect((await browser.signIn(email)).status).toBe(200);
  return browser.get(`/console/api/sites/acme/overview${query}`);
};

describe('the overview', () => {
  it('answers the days as 2.27, 2.28 and 2.24 count them, with the peak of parties present at once', async () => {
    const res = await overview('viewer@acme.example', '?days=7');
    expect(res.status).toBe(200);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.body.days).toEqual([
      ...['05-28', '05-29', '05-30', '05-31'].map((d) => ({
        day: `2026-${d}`,
        meetingMinutes: 0,
        participantMinutes: 0,
        joins: 0,
        peakParties: 0,
      })),
      { day: '2026-06-01', meetingMinutes: 50, participantMinutes: 90, joins: 2, peakParties: 2 },
      { day: '2026-06-02', meetingMinutes: 75, participantMinutes: 165, joins: 3, peakParties: 3 },
      // The live meeting's time counts once closed (as 2.27 has it); its host is present now.
      { day: '2026-06-03', meetingMinutes: 0, participantMinutes: 0, joins: 1, peakParties: 1 },
    ]);
    expect(res.body.devices).toEqual({ pc: 3, mobile: 2, other: 1 });
    for (const [name, of] of [
      ['getTotalConfTimeForEveryDay', 'meetingMinutes'],
      ['getAllJoinTimeForEveryDay', 'participantMinutes'],
    ] as const) {
      const api = await t.call(name, site, { userId: 'admin', startTime: '2026-05-28', endTime: '2026-06-03' });
      expect(api.body.data.map((d: { duration: number }) => d.duration)).toEqual(
        res.body.days.map((d: Record<string, number>) => d[of]),
      );
    }
  });

  it('lists the meetings live now with who is present, and those to come; the licence booked and present', async () => {
    const res = await overview('owner@acme.example');
    expect(res.body.days).toHaveLength(30);
    expect(res.body.now).toMatch(/^2026-06-03T12:20:00\./);
    expect(res.body.licence).toEqual({ totalNumParties: 40, bookedNow: 10, presentNow: 1 });
    expect(res.body.liveTotal).toBe(1);
    expect(res.body.live).toEqual([
      {
        confId: expect.any(Number),
        confNumber: liveNumber,
        confName: 'stats 2026-06-03',
        hostName: 'Host h2',
        startTime: '2026-06-03T12:00:00.000Z',
        duration: 60,
        confParties: 10,
        present: 1,
      },
    ]);
    expect(res.body.upcomingTotal).toBe(1);
    expect(res.body.upcoming.map((m: { confNumber: string }) => m.confNumber)).toEqual([upcomingNumber]);
    expect(res.body.upcoming[0].startTime).toBe('2026-06-04T09:00:00.000Z');
  });

  it('refuses ranges it does not draw, and anyone signed out', async () => {
    const browser = new ConsoleBrowser(t.app);
    await browser.signIn('owner@acme.example');
    for (const days of ['6', '91', 'x']) {
      const res = await browser.get(`/console/api/sites/acme/overview?days=${days}`);
      expect(res.status, days).toBe(400);
      expect(res.body.error).toBe('bad_request');
    }
    const out = await new ConsoleBrowser(t.app).get('/console/api/sites/acme/overview');
    expect(out.status).toBe(401);
  });
});

describe('peakPerDay', () => {
  const DAY = 86_400_000;
  it('carries parties present across midnight and does not count a leave and a join at one instant together', () => {
    const spans = [
      { joined_at: DAY - 10, left_at: DAY + 100 },
      { joined_at: DAY + 100, left_at: DAY + 200 },
      { joined_at: 2 * DAY + 5, left_at: null },
    ];
    expect(peakPerDay(spans, [0, DAY, 2 * DAY, 3 * DAY], 3 * DAY + 1)).toEqual([1, 1, 1, 1]);
    expect(peakPerDay([], [0, DAY], DAY)).toEqual([0, 0]);
  });
});
