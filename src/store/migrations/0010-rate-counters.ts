import { sql, type Kysely } from 'kysely';
import { isPostgres, withoutRowid } from '../dialect.js';

/**
 * Rate-limit counters shared by every server process on PostgreSQL: one row per limited key (a client
 * address or a site) holding the count of its current fixed window. SQLite servers count in memory
 * (one process); the table exists there too, unused.
 *
 * On PostgreSQL the table is UNLOGGED: a count written per request then costs no WAL flush, and a
 * database crash, which empties it, only restarts the current minute's counts.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('rate_counters')
    .$call((builder) => (isPostgres(db) ? builder.modifyFront(sql`unlogged`) : builder))
    .addColumn('name', 'varchar(200)', (c) => c.primaryKey())
    .addColumn('window_start', 'bigint', (c) => c.notNull())
    .addColumn('hits', 'integer', (c) => c.notNull())
    .$call(withoutRowid(db))
    .execute();
  await db.schema.createIndex('rate_counters_window').on('rate_counters').column('window_start').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('rate_counters').execute();
}
