import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { peakUse } from '../../src/domain/schedule.js';
import { createSite } from '../../src/domain/sites.js';
import { computeToken } from '../../src/domain/token.js';
import type { Store } from '../../src/store/connect.js';
import type { SiteRow } from '../../src/store/database.js';
import { migrateToLatest } from '../../src/store/migrate.js';
import { createTestDatabase, gmt, type TestDatabase } from '../helper.js';
import { postForm, startServer, type ServerProcess } from '../server-process.js';

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

  function reserve(site: SiteRow, i: number, params: Record<string, string>) {
    const timeStamp = String(Date.now() + i);
    const token = computeToken(params.userId!, site.api_key, timeStamp);
    const server = servers[i % servers.length]!;
    return postForm(`${server.url}/openapi/v2/confReservation`, {
      userName: 'U',
      confName: 'load',
      duration: '60',
      siteSign: site.site_sign,
      timeStamp,
      token,
      ...params,
    });
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
});
