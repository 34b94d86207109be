import type { ConsoleAccountRow, ConsolePasswordLinkRow, ConsoleRole } from './console-tables.js';
import type { Db } from './database.js';

export async function findConsoleAccountByEmail(db: Db, email: string): Promise<ConsoleAccountRow | undefined> {
  return db.selectFrom('console_accounts').selectAll().where('email', '=', email).executeTakeFirst();
}

export async function findConsoleAccountById(db: Db, id: number): Promise<ConsoleAccountRow | undefined> {
  return db.selectFrom('console_accounts').selectAll().where('id', '=', id).executeTakeFirst();
}

/** Inserts an account; answers undefined when the email is taken. */
export async function insertConsoleAccount(
  db: Db,
  row: { email: string; site_id: number | null; role: ConsoleRole; created_at: number },
): Promise<ConsoleAccountRow | undefined> {
  return db
    .insertInto('console_accounts')
    .values({ ...row, password_hash: null, disabled_at: null })
    .onConflict((oc) => oc.column('email').doNothing())
    .returningAll()
    .executeTakeFirst();
}

/** A site's accounts (operators excluded), by email. */
export async function listConsoleAccountsOfSite(db: Db, siteId: number): Promise<ConsoleAccountRow[]> {
  return db.selectFrom('console_accounts').selectAll().where('site_id', '=', siteId).orderBy('email').execute();
}

export async function setConsolePasswordHash(db: Db, accountId: number, passwordHash: string): Promise<void> {
  await db.updateTable('console_accounts').set({ password_hash: passwordHash }).where('id', '=', accountId).execute();
}

/** Keeps a set-password link, and ends the account's links not used yet (one link works at a time). */
export async function replacePasswordLink(
  db: Db,
  row: { secret_hash: string; account_id: number; created_at: number; expires_at: number },
): Promise<void> {
  await db
    .deleteFrom('console_password_links')
    .where('account_id', '=', row.account_id)
    .where('used_at', 'is', null)
    .execute();
  await db
    .insertInto('console_password_links')
    .values({ ...row, used_at: null })
    .execute();
}

export async function findPasswordLink(db: Db, secretHash: string): Promise<ConsolePasswordLinkRow | undefined> {
  return db.selectFrom('console_password_links').selectAll().where('secret_hash', '=', secretHash).executeTakeFirst();
}

/** Marks a link used; answers false when it was used already (by a concurrent request). */
export async function usePasswordLink(db: Db, secretHash: string, now: number): Promise<boolean> {
  const used = await db
    .updateTable('console_password_links')
    .set({ used_at: now })
    .where('secret_hash', '=', secretHash)
    .where('used_at', 'is', null)
    .returning('secret_hash')
    .executeTakeFirst();
  return used !== undefined;
}
