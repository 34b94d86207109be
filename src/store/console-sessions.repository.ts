import type { ConsoleSessionRow } from './console-tables.js';
import type { Db } from './database.js';

export async function insertConsoleSession(db: Db, row: ConsoleSessionRow): Promise<void> {
  await db.insertInto('console_sessions').values(row).execute();
}

export async function findConsoleSession(db: Db, idHash: string): Promise<ConsoleSessionRow | undefined> {
  return db.selectFrom('console_sessions').selectAll().where('id_hash', '=', idHash).executeTakeFirst();
}

export async function touchConsoleSession(db: Db, idHash: string, now: number): Promise<void> {
  await db.updateTable('console_sessions').set({ last_seen_at: now }).where('id_hash', '=', idHash).execute();
}

export async function deleteConsoleSession(db: Db, idHash: string): Promise<void> {
  await db.deleteFrom('console_sessions').where('id_hash', '=', idHash).execute();
}

/** Ends every session of an account. */
export async function deleteConsoleSessionsOf(db: Db, accountId: number): Promise<void> {
  await db.deleteFrom('console_sessions').where('account_id', '=', accountId).execute();
}

/** Forgets sessions that ended before `now`. */
export async function pruneConsoleSessions(db: Db, now: number): Promise<void> {
  await db.deleteFrom('console_sessions').where('expires_at', '<', now).execute();
}
