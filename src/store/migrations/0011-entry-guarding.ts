import type { Kysely } from 'kysely';
import { idColumn, idType, isPostgres } from '../dialect.js';

/**
 * Who may enter a meeting (issue 14):
 * - `entry_failures`: wrong host keys, meeting passwords and registrant links given on the join page, per
 *   meeting and client, so that every server process sees the same count (backoff and lock-out);
 * - `tickets.client`: the address a ticket was asked from, to tell a removed person coming back;
 * - `tickets.password_tag`: which meeting password the ticket was obtained with, so that a changed
 *   password ends the tickets obtained with the old one;
 * - `tickets.name` as long as a userName (200), for a host entering under their own name.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('entry_failures')
    .addColumn('id', idType(db), idColumn(db))
    .addColumn('meeting_id', 'bigint', (c) => c.notNull())
    .addColumn('host_user_pk', 'bigint', (c) => c.notNull())
    .addColumn('client', 'varchar(64)', (c) => c.notNull())
    .addColumn('kind', 'varchar(16)', (c) => c.notNull())
    .addColumn('at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('entry_failures_meeting_client')
    .on('entry_failures')
    .columns(['meeting_id', 'client', 'at'])
    .execute();
  await db.schema.createIndex('entry_failures_meeting').on('entry_failures').columns(['meeting_id', 'at']).execute();
  await db.schema
    .createIndex('entry_failures_host')
    .on('entry_failures')
    .columns(['host_user_pk', 'kind', 'at'])
    .execute();
  await db.schema.createIndex('entry_failures_at').on('entry_failures').column('at').execute();

  await db.schema
    .alterTable('tickets')
    .addColumn('client', 'varchar(64)', (c) => c.notNull().defaultTo(''))
    .execute();
  await db.schema.alterTable('tickets').addColumn('password_tag', 'varchar(64)').execute();
  // SQLite does not enforce a varchar's length.
  if (isPostgres(db))
    await db.schema
      .alterTable('tickets')
      .alterColumn('name', (c) => c.setDataType('varchar(200)'))
      .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('entry_failures').execute();
  await db.schema.alterTable('tickets').dropColumn('password_tag').execute();
  await db.schema.alterTable('tickets').dropColumn('client').execute();
}
