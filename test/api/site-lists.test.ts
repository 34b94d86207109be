import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SiteRow } from '../../src/store/database.js';
import { DelFlag, MeetingStatus } from '../../src/domain/meeting-status.js';
import { buildTestApp, gmt, type TestApp } from '../helper.js';

// The site lists find their totals and page starts from per-day counts kept by triggers; these tests
// hold every page, with and without time bounds, against the meetings table itself after bookings,
// moves across days, cancellations, settling and a user's deletion.

let t: TestApp;
beforeAll(async () => {
  t = await buildTestApp();
});
afterAll(async () => t.close());

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** A small deterministic generator. */
function random(seed: number): () => number {
  let s = seed;
  return () => (s = (s * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
}

async function reserve(site: SiteRow, userId: string, start: number) {
  const res = await t.call('confReservation', site, {
    userId,
    userName: userId,
    confName: 'm',
    startTime: gmt(start),
    duration: 30,
    confParties: 1,
  });
  expect(res.body.status).toBe(100);
  return res.body.data as { confId: number };
}

/** What the list must be: the site's not-deleted meetings in `status`, by (start, id), from the table. */
async function expected(site: SiteRow, status: number, from?: number, to?: number) {
  let query = t.store.db
    .selectFrom('meetings')
    .select(['id', 'start_time'])
    .where('site_id', '=', site.id)
    .where('conf_status', '=', status)
    .where('conf_del_flag', '=', DelFlag.normal);
  if (from !== undefined) query = query.where('start_time', '>=', from);
  if (to !== undefined) query = query.where('start_time', '<=', to);
  return (await query.orderBy('start_time').orderBy('id').execute()).map((r) => r.id);
}

async function listed(site: SiteRow, name: string, params: Record<string, unknown>) {
  const res = await t.call(name, site, { userId: 'anyone', ...params });
  expect(res.body.status).toBe(100);
  return {
    ids: (res.body.data as { confId: number }[]).map((m) => m.confId),
    totalItems: res.body.totalItems as number,
    totalPage: res.body.totalPage as number,
  };
}

async function expectPages(
  site: SiteRow,
  name: string,
  status: number,
  bounds: { from?: number; to?: number },
  pageSize: number,
) {
  const params: Record<string, unknown> = { pageSize };
  if (bounds.from !== undefined) params.startTime = gmt(bounds.from);
  if (bounds.to !== undefined) params.endTime = gmt(bounds.to);
  await listed(site, name, params); // a list read settles the meetings whose time has passed
  const all = await expected(site, status, bounds.from, bounds.to);
  const pages = Math.ceil(all.length / pageSize);
  for (let pageNo = 1; pageNo <= pages + 1; pageNo++) {
    const page = await listed(site, name, { ...params, pageNo });
    expect(page.totalItems).toBe(all.length);
    expect(page.totalPage).toBe(pages);
    expect(page.ids).toEqual(all.slice((pageNo - 1) * pageSize, pageNo * pageSize));
  }
}

describe('site lists over many days', () => {
  it('page and count exactly like the meetings table, bounds cutting through days included', async () => {
    const site = await t.site({ totalNumParties: 10_000 });
    const next = random(7);
    const base = Math.ceil(t.clock.now / DAY) * DAY + DAY;
    const booked: { confId: number; userId: string }[] = [];
    // 8 users × 9 meetings over 12 days, at whole or half hours; a user’s are 2 h apart within a day so none conflict.
    for (let u = 0; u < 8; u++) {
      for (let k = 0; k < 9; k++) {
        const start =
          base + Math.floor(next() * 12) * DAY + (k * 2 + (u % 2)) * HOUR + (next() < 0.5 ? 30 * 60_000 : 0);
        booked.push({ ...(await reserve(site, `u${u}`, start)), userId: `u${u}` });
      }
    }
    // Cancel some, move some to other days, delete one user with their meetings.
    for (const m of booked.filter((_, i) => i % 7 === 3)) {
      expect((await t.call('cancelConf', site, { userId: m.userId, confId: m.confId })).body.status).toBe(100);
    }
    for (const m of booked.filter((_, i) => i % 11 === 5 && i % 7 !== 3)) {
      const res = await t.call('confModify2', site, {
        userId: m.userId,
        confId: m.confId,
        confPassword: '',
        startTime: gmt(base + 13 * DAY + (m.confId % 20) * HOUR),
        duration: 30,
        confParties: 1,
      });
      expect(res.body.status).toBe(100);
    }
    expect((await t.call('delUserByUserId', site, { userId: 'u5', isForceDel: 1 })).body.status).toBe(100);

    const name = 'getScheduledConfListBySiteSign';
    await expectPages(site, name, MeetingStatus.scheduled, {}, 10);
    await expectPages(site, name, MeetingStatus.scheduled, {}, 7);
    // Bounds in the middle of days, on one day, and on a day boundary.
    await expectPages(
      site,
      name,
      MeetingStatus.scheduled,
      { from: base + 2 * DAY + 5 * HOUR, to: base + 9 * DAY + 13 * HOUR },
      6,
    );
    await expectPages(
      site,
      name,
      MeetingStatus.scheduled,
      { from: base + 4 * DAY + 3 * HOUR, to: base + 4 * DAY + 20 * HOUR },
      3,
    );
    await expectPages(site, name, MeetingStatus.scheduled, { from: base + 3 * DAY }, 9);
    await expectPages(site, name, MeetingStatus.scheduled, { to: base + 6 * DAY - 1 }, 9);

    // Later, the first days' meetings are settled as ended (finished list) by the list read itself.
    t.clock.now = base + 5 * DAY;
    await expectPages(site, name, MeetingStatus.scheduled, {}, 10);
    await expectPages(site, 'getFinishedConfListBySiteSign', MeetingStatus.ended, {}, 8);
    await expectPages(site, 'getFinishedConfListBySiteSign', MeetingStatus.ended, { from: base + DAY + 6 * HOUR }, 4);
  });

  it('keeps the per-day counts equal to a recount of the meetings table', async () => {
    const recount = await t.store.db
      .selectFrom('meetings')
      .select(['site_id', 'conf_status', (eb) => eb.fn.countAll<number>().as('n')])
      .select((eb) => eb.fn<number>('floor', [eb('start_time', '/', DAY)]).as('day'))
      .where('conf_del_flag', '=', DelFlag.normal)
      .groupBy(['site_id', 'conf_status', 'day'])
      .execute();
    const counts = await t.store.db.selectFrom('meeting_day_counts').selectAll().where('n', '<>', 0).execute();
    const key = (r: { site_id: number; conf_status: number; day: number; n: number }) =>
      `${r.site_id}/${r.conf_status}/${Number(r.day)}=${Number(r.n)}`;
    expect(counts.map(key).sort()).toEqual(
      recount.map((r) => key({ ...r, n: Number(r.n), day: Number(r.day) })).sort(),
    );
    expect(counts.length).toBeGreaterThan(10);
  });
});
