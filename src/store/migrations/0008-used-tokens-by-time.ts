import { sql, type Kysely } from 'kysely';
import { withoutRowid } from '../dialect.js';

/**
 * `used_tokens` keyed by (time_stamp, token) instead of by token. A token is an MD5 over its own
 * timeStamp, so a replay repeats both and still conflicts; but new rows now land at the end of the
 * key order (timeStamps are within a few minutes of now) instead of at random places of a large
 * index, so a batch of claims writes a page or two rather than a page per token, and pruning deletes
 * from the start of the key. Rows from before carry time_stamp = expires_at − 300 s, the default window.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('used_tokens_by_time')
    .addColumn('time_stamp', 'bigint', (c) => c.notNull())
    .addColumn('token', 'varchar(64)', (c) => c.notNull())
    .addColumn('site_id', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('used_tokens_by_time_pk', ['time_stamp', 'token'])
    .$call(withoutRowid(db))
    .execute();
  await sql`insert into used_tokens_by_time (time_stamp, token, site_id) select expires_at - 300000, token, site_id from used_tokens`.execute(
    db,
  );
  await db.schema.dropTable('used_tokens').execute();
  await db.schema.alterTable('used_tokens_by_time').renameTo('used_tokens').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('used_tokens_by_token')
    .addColumn('token', 'varchar(64)', (c) => c.primaryKey())
    .addColumn('site_id', 'bigint', (c) => c.notNull())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .execute();
  await sql`insert into used_tokens_by_token (token, site_id, expires_at) select token, site_id, time_stamp + 300000 from used_tokens`.execute(
    db,
  );
  await db.schema.dropTable('used_tokens').execute();
  await db.schema.alterTable('used_tokens_by_token').renameTo('used_tokens').execute();
  await db.schema.createIndex('used_tokens_expires').on('used_tokens').column('expires_at').execute();
}
