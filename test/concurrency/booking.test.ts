import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Bounds, peakUse } from '../../src/domain/schedule.js';
import { createSite } from '../../src/domain/sites.js';
import { computeToken } from '../../src/domain/token.js';
import type { Store } from '../../src/store/connect.js';
import type { SiteRow } from '../../src/store/database.js';
import { occupancyPeak, rebuildOccupancy, siteOccupations } from '../../src/store/meetings.repository.js';
import { migrateToLatest } from '../../src/store/migrate.js';
import { createTestDatabase, gmt, type TestDatabase } from '../helper.js';
import { postForm, startServer, type ServerProcess } from '../server-process.js';

const MIN = 60_000;
const HOUR = 3_600_000;

/**
 * Two real server processes on one database, so that only the database can keep bookings apart:
 * every request goes out at once, alternating between the two servers.
 */
describe('bookings under concurrency, two server processes on one database', () => {
  let database: TestDatabase;
  let store: Store;
  let servers: ServerProcess[];
  const base = Math.ceil(Date.now() / HOUR) * HOUR + 24 * HOUR;

  beforeAll(async () => {
    database = await createTestDatabase();
    store = await database.open();
    await migrateToLatest(store);
    servers = await Promise.all([
      startServer(database, { LOG_LEVEL: 'warn' }),
      startServer(database, { LOG_LEVEL: 'warn' }),
    ]);
  }, 60_000);

  afterAll(async () => {
    await Promise.all(servers?.map((s) => s.stop()) ?? []);
    await store?.db.destroy();
    await database?.drop();
  });

  /** Calls `name` on server i mod 2. */
  function call(name: string, site: SiteRow, i: number, params: Record<string, string>) {
    const timeStamp = String(Date.now() + i);
    const server = servers[i % servers.length]!;
    return postForm(`${server.url}/openapi/v2/${name}`, {
      siteSign: site.site_sign,
      timeStamp,
      token: computeToken(params.userId!, site.api_key, timeStamp),
      ...params,
    });
  }

  function reserve(site: SiteRow, i: number, params: Record<string, string>) {
    return call('confReservation', site, i, { userName: 'U', confName: 'load', duration: '60', ...params });
  }

  it('gives exactly one of 50 simultaneous overlapping reservations of one userId a 100', async () => {
    const site = await createSite(
      store.db,
      { siteSign: 'race-user', name: 'Race', totalNumParties: 10_000 },
      Date.now(),
    );
    const answers = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        reserve(site, i, { userId: 'one', confParties: '2', startTime: gmt(base + i * 60_000) }),
      ),
    );
    const statuses = answers.map((a) => a.status);
    expect(statuses.filter((s) => s === 100)).toHaveLength(1);
    expect(statuses.filter((s) => s === 202)).toHaveLength(49);
    const rows = await store.db.selectFrom('meetings').select('id').where('site_id', '=', site.id).execute();
    expect(rows).toHaveLength(1);
  });

  it('never lets 50 simultaneous reservations push the site’s peak past its licence', async () => {
    const licence = 20;
    const site = await createSite(
      store.db,
      { siteSign: 'race-licence', name: 'Race', totalNumParties: licence },
      Date.now(),
    );
    const answers = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        reserve(site, i, {
          userId: `user${i}`,
          confParties: String(1 + (i % 5)),
          startTime: gmt(base + (i % 7) * 15 * 60_000),
        }),
      ),
    );
    const statuses = answers.map((a) => a.status);
    expect(
      statuses.every((s) => s === 100 || s === 205),
      JSON.stringify(answers.filter((a) => a.status !== 100 && a.status !== 205)),
    ).toBe(true);
    expect(statuses.filter((s) => s === 100).length).toBeGreaterThan(0);
    expect(statuses.filter((s) => s === 205).length).toBeGreaterThan(0);

    const rows = await store.db
      .selectFrom('meetings')
      .select(['window_start', 'window_end', 'conf_parties'])
      .where('site_id', '=', site.id)
      .where('conf_status', '=', 0)
      .execute();
    expect(rows).toHaveLength(statuses.filter((s) => s === 100).length);
    const occupations = rows.map((r) => ({ start: r.window_start, end: r.window_end, parties: r.conf_parties }));
    expect(peakUse(occupations, { start: base - HOUR, end: base + 10 * HOUR })).toBeLessThanOrEqual(licence);
    // The licence was used, not refused wholesale.
    expect(peakUse(occupations, { start: base - HOUR, end: base + 10 * HOUR })).toBeGreaterThan(licence - 5);
  });

  /** Meeting i: user i, one of a few overlapping windows on quarters of an hour and odd seconds. */
  const window = (i: number, shift = 0) => ({
    startTime: gmt(base + ((i + shift) % 9) * 15 * MIN + (i % 3) * 17_000),
    duration: String(30 + (i % 4) * 30),
    beforeTime: String(i % 2 === 0 ? 0 : 10),
    confParties: String(1 + (i % 7)),
  });

  // Cancellations and changes do not queue on the site's lock as bookings do: only the occupancy lock keeps
  // the timeline's read-modify-writes apart.
  it('keeps the occupancy timeline exact under simultaneous bookings, changes and cancellations', async () => {
    const site = await createSite(
      store.db,
      { siteSign: 'race-occupancy', name: 'Race', totalNumParties: 10_000 },
      Date.now(),
    );
    const booked = await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        call('confReservation', site, i, { userId: `u${i}`, userName: 'U', confName: 'first', ...window(i) }),
      ),
    );
    expect(booked.map((a) => a.status)).toEqual(booked.map(() => 100));
    const confIds = booked.map((a) => (a.data as { confId: number }).confId);

    const changes = await Promise.all([
      ...confIds.map((confId, i) =>
        i % 2 === 0
          ? call('cancelConf', site, i, { userId: `u${i}`, confId: String(confId) })
          : call('confModify2', site, i, {
              userId: `u${i}`,
              confId: String(confId),
              confPassword: '',
              ...window(i, 4),
            }),
      ),
      ...Array.from({ length: 20 }, (_, j) =>
        call('confReservation', site, j, { userId: `v${j}`, userName: 'V', confName: 'second', ...window(j, 2) }),
      ),
    ]);
    expect(changes.map((a) => a.status)).toEqual(changes.map(() => 100));

    for (let k = 0; k < 40; k += 1) {
      const from = base - HOUR + k * 7 * MIN;
      const to = from + (1 + (k % 5)) * HOUR;
      const occupations = await siteOccupations(store.db, site.id, { from, to, maxWindowMs: Bounds.maxWindowMs });
      expect(await occupancyPeak(store.db, site.id, { from, to })).toBe(peakUse(occupations, { start: from, end: to }));
    }
    const rows = () =>
      store.db.selectFrom('occupancy_timeline').selectAll().orderBy('site_id').orderBy('node').execute();
    const kept = await rows();
    await rebuildOccupancy(store.db);
    expect(await rows()).toEqual(kept);
  });
});
