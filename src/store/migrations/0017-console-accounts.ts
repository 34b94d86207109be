import type { Kysely } from 'kysely';
import { idColumn, idType } from '../dialect.js';

/**
 * The site console's sign-in (issue 19):
 * - `console_accounts`: a person's account, of one site (`site_id`) or an operator's (`site_id` null, every
 *   site), with a role and a scrypt password hash (null until a set-password link is used);
 * - `console_sessions`: signed-in browsers, by the SHA-256 of the session id the cookie carries;
 * - `console_password_links`: one-time set-password links, by the SHA-256 of their secret;
 * - `console_sign_in_failures`: wrong passwords, per email and client address, for the lock-out.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('console_accounts')
    .addColumn('id', idType(db), idColumn(db))
    .addColumn('email', 'varchar(254)', (c) => c.notNull().unique())
    .addColumn('site_id', 'bigint', (c) => c.references('sites.id'))
    .addColumn('role', 'varchar(16)', (c) => c.notNull())
    .addColumn('password_hash', 'varchar(200)')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('disabled_at', 'bigint')
    .execute();
  await db.schema.createIndex('console_accounts_site').on('console_accounts').columns(['site_id', 'email']).execute();

  await db.schema
    .createTable('console_sessions')
    .addColumn('id_hash', 'varchar(64)', (c) => c.primaryKey())
    .addColumn('account_id', 'bigint', (c) => c.notNull().references('console_accounts.id'))
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('last_seen_at', 'bigint', (c) => c.notNull())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('console_sessions_account').on('console_sessions').column('account_id').execute();
  await db.schema.createIndex('console_sessions_expiry').on('console_sessions').column('expires_at').execute();

  await db.schema
    .createTable('console_password_links')
    .addColumn('secret_hash', 'varchar(64)', (c) => c.primaryKey())
    .addColumn('account_id', 'bigint', (c) => c.notNull().references('console_accounts.id'))
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .addColumn('used_at', 'bigint')
    .execute();
  await db.schema
    .createIndex('console_password_links_account')
    .on('console_password_links')
    .column('account_id')
    .execute();

  await db.schema
    .createTable('console_sign_in_failures')
    .addColumn('id', idType(db), idColumn(db))
    .addColumn('email', 'varchar(254)', (c) => c.notNull())
    .addColumn('client', 'varchar(64)', (c) => c.notNull())
    .addColumn('at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('console_sign_in_failures_email')
    .on('console_sign_in_failures')
    .columns(['email', 'at'])
    .execute();
  await db.schema
    .createIndex('console_sign_in_failures_client')
    .on('console_sign_in_failures')
    .columns(['client', 'at'])
    .execute();
  await db.schema.createIndex('console_sign_in_failures_at').on('console_sign_in_failures').column('at').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('console_sign_in_failures').execute();
  await db.schema.dropTable('console_password_links').execute();
  await db.schema.dropTable('console_sessions').execute();
  await db.schema.dropTable('console_accounts').execute();
}
