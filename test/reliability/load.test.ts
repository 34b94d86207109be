import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkInvariants, prepare, runLoad } from '../../scripts/load.js';
import type { Store } from '../../src/store/connect.js';
import { migrateToLatest } from '../../src/store/migrate.js';
import { createTestDatabase, type TestDatabase } from '../helper.js';
import { startServer, type ServerProcess } from '../server-process.js';

/** The short version of `npm run load` (60 s, 100 connections): 6 s, 30 connections, two servers. */
describe('mixed load against two server processes on one database', () => {
  let database: TestDatabase;
  let store: Store;
  let servers: ServerProcess[] = [];

  beforeAll(async () => {
    database = await createTestDatabase();
    store = await database.open();
    await migrateToLatest(store);
    servers = await Promise.all(
      [0, 1].map(() => startServer(database, { LOG_LEVEL: 'warn', HUIGUAN_RATE_LIMIT: 'off' })),
    );
  }, 60_000);
  afterAll(async () => {
    await Promise.all(servers.map((s) => s.stop()));
    await store?.db.destroy();
    await database?.drop();
  });

  it('answers only documented codes and keeps every invariant', async () => {
    const { site, liveMeetings } = await prepare(store.db, servers[0]!.url, 3, 300);
    const report = await runLoad({ urls: servers.map((s) => s.url), site, seconds: 6, connections: 30, liveMeetings });
    expect(report.failures).toEqual([]);
    expect(report.requests).toBeGreaterThan(100);
    expect(report.answers['reserve 100']).toBeGreaterThan(0);
    expect(report.answers['join 100']).toBeGreaterThan(0);
    const violations = await checkInvariants(store.db);
    expect(violations).toEqual({
      overlappingMeetingsOfOneUser: [],
      sitesOverLicence: [],
      participationsOutsideTheirSession: [],
      liveMeetingsWithoutSession: [],
      statisticsNotMatchingRows: [],
    });
  }, 60_000);
});
