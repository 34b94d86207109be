import { randomBytes } from 'node:crypto';
import { PostgresIntrospector } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Store } from '../../src/store/connect.js';
import { migrateToLatest } from '../../src/store/migrate.js';
import { createTestDatabase, databaseUrl, type TestDatabase } from '../helper.js';

// PostgreSQL only: SQLite has one database per file and no schemas to confine the introspection to.
describe.skipIf(!databaseUrl)('the PostgreSQL store reads its own schema only', () => {
  let database: TestDatabase;
  let store: Store;
  let other: pg.Client;
  /** The other schema's changes, when under way: awaited before the client closes. */
  let churn: Promise<void> | undefined;
  const otherSchema = `hg_other_${randomBytes(6).toString('hex')}`;
  beforeAll(async () => {
    database = await createTestDatabase();
    store = await database.open();
    await migrateToLatest(store);
    other = new pg.Client({ connectionString: databaseUrl });
    await other.connect();
    await other.query(`create schema ${otherSchema}`);
    await other.query(`create table ${otherSchema}.elsewhere (id serial primary key, note text)`);
  });
  afterAll(async () => {
    await churn?.catch(() => undefined);
    await other.query(`drop schema if exists ${otherSchema} cascade`);
    await other.end();
    await store.db.destroy();
    await database.drop();
  });

  it("lists the schema's tables and columns as Kysely's own introspector describes them, and no other schema's", async () => {
    const ours = await store.db.introspection.getTables({ withInternalKyselyTables: true });
    const kysely = await new PostgresIntrospector(store.db).getTables({ withInternalKyselyTables: true });
    expect(ours.map((t) => t.name)).toContain('meetings');
    expect(ours.map((t) => t.name)).toContain('kysely_migration');
    expect(ours.every((t) => t.schema === store.schema)).toBe(true);
    expect(kysely.some((t) => t.schema === otherSchema)).toBe(true);
    expect(ours).toEqual(kysely.filter((t) => t.schema === store.schema));
    // At least one column is a serial one, so the auto-increment test above compared something.
    expect(ours.some((t) => t.columns.some((c) => c.isAutoIncrementing))).toBe(true);
    const withoutInternal = await store.db.introspection.getTables();
    expect(withoutInternal.map((t) => t.name)).not.toContain('kysely_migration');
    expect(withoutInternal.map((t) => t.name)).not.toContain('kysely_migration_lock');
  });

  it('starts (migrates) while another schema on the database is created, altered and dropped, again and again', async () => {
    // What CI met: Kysely's check for its migration table read every schema's columns, and another test
    // run dropping its schema (3F000) or a column (42703) meanwhile failed the server's start. Bounded: the
    // other schema changes for 3 s, and the migrator starts until then (and at least 5 times).
    const until = Date.now() + 3000;
    churn = (async () => {
      for (let i = 0; Date.now() < until; i++) {
        const name = `${otherSchema}_${i % 2}`;
        await other.query(`create schema if not exists ${name}`);
        await other.query(`create table if not exists ${name}.t (id serial primary key, a text, b text, c bigint)`);
        await other.query(`alter table ${name}.t drop column if exists b`);
        await other.query(`drop schema ${name} cascade`);
      }
    })();
    let done = false;
    void churn.then(
      () => (done = true),
      () => (done = true),
    );
    let starts = 0;
    while (!done || starts < 5) {
      expect(await migrateToLatest(store)).toEqual([]);
      starts++;
    }
    await churn;
  }, 90_000);
});
