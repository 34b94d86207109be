import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSite } from '../../src/domain/sites.js';
import type { Store } from '../../src/store/connect.js';
import { migrateToLatest } from '../../src/store/migrate.js';
import { prepared, preparedByColumns, statementName } from '../../src/store/prepared.js';
import { createTestDatabase, type TestDatabase } from '../helper.js';

let database: TestDatabase;
let store: Store;
beforeAll(async () => {
  database = await createTestDatabase();
  store = await database.open();
  await migrateToLatest(store);
  for (const [i, siteSign] of ['alpha', 'beta', 'gamma'].entries())
    await createSite(store.db, { siteSign, name: siteSign, totalNumParties: 10 }, 1000 + i);
});
afterAll(async () => {
  await store.db.destroy();
  await database.drop();
});

const bySign = prepared((db, p: { sign: string }) =>
  db.selectFrom('sites').select(['site_sign', 'created_at']).where('site_sign', '=', p.sign),
);

describe('a prepared query', () => {
  it('answers what the same query built anew answers, value after value, with constants of its shape kept', async () => {
    const after = prepared((db, p: { from: number; limit: number }) =>
      db
        .selectFrom('sites')
        .select('site_sign')
        .where('created_at', '>=', p.from)
        .where('site_sign', '<>', 'beta')
        .orderBy('id')
        .limit(p.limit),
    );
    for (const [from, limit] of [
      [0, 10],
      [1001, 10],
      [0, 1],
      [5000, 10],
    ] as const) {
      const fresh = await store.db
        .selectFrom('sites')
        .select('site_sign')
        .where('created_at', '>=', from)
        .where('site_sign', '<>', 'beta')
        .orderBy('id')
        .limit(limit)
        .execute();
      expect(await after.all(store.db, { from, limit }), `from ${from} limit ${limit}`).toEqual(fresh);
    }
    expect(await bySign.first(store.db, { sign: 'gamma' })).toEqual({ site_sign: 'gamma', created_at: 1002 });
    expect(await bySign.first(store.db, { sign: 'nobody' })).toBeUndefined();
  });

  it('compiles once: the same SQL text each time, only the values change', () => {
    const a = bySign.compile(store.db, { sign: 'alpha' });
    const b = bySign.compile(store.db, { sign: 'beta' });
    expect(a.sql).toBe(b.sql);
    expect(a.parameters).toEqual(['alpha']);
    expect(b.parameters).toEqual(['beta']);
  });

  it('runs inside a transaction, and writes', async () => {
    const rename = prepared((db, p: { sign: string; at: number }) =>
      db.updateTable('sites').set({ updated_at: p.at }).where('site_sign', '=', p.sign),
    );
    const updatedAt = prepared((db, p: { sign: string }) =>
      db.selectFrom('sites').select('updated_at').where('site_sign', '=', p.sign),
    );
    await store.db
      .transaction()
      .execute(async (trx) => {
        await rename.all(trx, { sign: 'alpha', at: 7777 });
        expect(await updatedAt.first(trx, { sign: 'alpha' })).toEqual({ updated_at: 7777 });
        throw new Error('roll back');
      })
      .catch(() => undefined);
    expect(await updatedAt.first(store.db, { sign: 'alpha' })).toEqual({ updated_at: 1000 });
  });

  it('refuses a shape whose placeholder was not passed as a value', () => {
    const wrong = prepared((db, p: { sign: string; all: boolean }) => {
      const query = db.selectFrom('sites').select('site_sign');
      return p.all ? query : query.where('site_sign', '=', p.sign);
    });
    expect(() => wrong.compile(store.db, { sign: 'alpha', all: true })).toThrow(/all not passed as values/);
  });

  it.skipIf(!process.env.DATABASE_URL)('runs on PostgreSQL as a named statement of the connection', async () => {
    await store.db.transaction().execute(async (trx) => {
      expect(await bySign.first(trx, { sign: 'beta' })).toEqual({ site_sign: 'beta', created_at: 1001 });
      expect(await bySign.first(trx, { sign: 'gamma' })).toEqual({ site_sign: 'gamma', created_at: 1002 });
      const { sql: text } = bySign.compile(trx, { sign: 'beta' });
      const held = await sql<{
        name: string;
        statement: string;
      }>`select name, statement from pg_prepared_statements`.execute(trx);
      expect(held.rows.filter((r) => r.statement === text)).toEqual([{ name: statementName(text), statement: text }]);
    });
  });

  it('by columns: a shape per set of columns given, values left undefined left out as Kysely leaves them out', async () => {
    type Change = { sign: string; name?: string | undefined; updated_at?: number | undefined };
    const change = preparedByColumns(
      (columns) => (db, p: Change) =>
        db
          .updateTable('sites')
          .set(Object.fromEntries(columns.filter((c) => c !== 'sign').map((c) => [c, p[c as keyof Change]])))
          .where('site_sign', '=', p.sign)
          .returning(['site_sign', 'name', 'updated_at']),
    );
    await store.db
      .transaction()
      .execute(async (trx) => {
        const both = change(trx, { sign: 'gamma', name: 'G', updated_at: 5 });
        const nameOnly = change(trx, { sign: 'gamma', name: 'H', updated_at: undefined });
        expect(change(trx, { sign: 'beta', name: 'B', updated_at: 6 }).sql).toBe(both.sql);
        expect(nameOnly.sql).not.toBe(both.sql);
        expect(nameOnly.parameters).toEqual(['H', 'gamma']);
        expect((await trx.executeQuery(both)).rows).toEqual([{ site_sign: 'gamma', name: 'G', updated_at: 5 }]);
        expect((await trx.executeQuery(nameOnly)).rows).toEqual([{ site_sign: 'gamma', name: 'H', updated_at: 5 }]);
        throw new Error('roll back');
      })
      .catch((err: Error) => expect(err.message).toBe('roll back'));
  });
});
