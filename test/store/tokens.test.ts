import { Migrator } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrateToLatest, migrations } from '../../src/store/migrate.js';
import type { Store } from '../../src/store/connect.js';
import { claimToken, claimTokens, pruneTokens, releaseToken } from '../../src/store/tokens.repository.js';
import { createTestDatabase, type TestDatabase } from '../helper.js';

let database: TestDatabase;
let store: Store;
beforeAll(async () => {
  database = await createTestDatabase();
  store = await database.open();
});
afterAll(async () => {
  await store.db.destroy();
  await database.drop();
});

const T = 1_780_000_000_000;
const token = (n: number) => n.toString(16).toUpperCase().padStart(32, '0');

describe('the replay store', () => {
  it('moves the tokens of a store made before migration 0008 to the time-keyed table', async () => {
    const migrator = new Migrator({
      db: store.db,
      provider: { getMigrations: async () => migrations },
      ...(store.schema ? { migrationTableSchema: store.schema } : {}),
    });
    expect((await migrator.migrateTo('0007-meeting-day-counts')).error).toBeUndefined();
    // The table as it was: keyed by token, with the time its timeStamp leaves the default window.
    await (store.db as any)
      .insertInto('used_tokens')
      .values({ token: token(1), site_id: 1, expires_at: T + 300_000 })
      .execute();
    await migrateToLatest(store);
    expect(await store.db.selectFrom('used_tokens').selectAll().execute()).toEqual([
      { time_stamp: T, token: token(1), site_id: 1 },
    ]);
    expect(await claimToken(store.db, { time_stamp: T, token: token(1), site_id: 1 })).toBe(false);
  });

  it('refuses a token twice, alone or in a batch; gives one back; prunes by timeStamp', async () => {
    expect(await claimToken(store.db, { time_stamp: T + 1, token: token(2), site_id: 1 })).toBe(true);
    expect(await claimToken(store.db, { time_stamp: T + 1, token: token(2), site_id: 1 })).toBe(false);
    const batch = [2, 3, 4].map((n) => ({ time_stamp: T + 1, token: token(n), site_id: 1 }));
    expect([...(await claimTokens(store.db, batch))].sort()).toEqual([token(3), token(4)]);
    await releaseToken(store.db, { time_stamp: T + 1, token: token(3) });
    expect(await claimToken(store.db, { time_stamp: T + 1, token: token(3), site_id: 1 })).toBe(true);
    expect(await pruneTokens(store.db, T + 1)).toBe(1); // token 1, made for T
    expect(
      (await store.db.selectFrom('used_tokens').select('token').orderBy('token').execute()).map((r) => r.token),
    ).toEqual([token(2), token(3), token(4)]);
  });
});
