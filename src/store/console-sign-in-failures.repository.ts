import { createHash } from 'node:crypto';
import type { Db } from './database.js';
import { lockKey, LockSpace } from './dialect.js';

export async function insertSignInFailure(db: Db, row: { email: string; client: string; at: number }): Promise<void> {
  await db.insertInto('console_sign_in_failures').values(row).execute();
}

/** Forgets failures older than `before`. */
export async function pruneSignInFailures(db: Db, before: number): Promise<void> {
  await db.deleteFrom('console_sign_in_failures').where('at', '<', before).execute();
}

/** Whose failures to count: those given for one email (from anywhere), or those from one client (any email). */
export type SignInFailureScope = { email: string } | { client: string };

/** The failures of `scope` since `since`: how many, and the last one's time (0 when none). */
export async function signInFailures(
  db: Db,
  scope: SignInFailureScope,
  since: number,
): Promise<{ count: number; last: number }> {
  let query = db
    .selectFrom('console_sign_in_failures')
    .select((eb) => [eb.fn.countAll<number>().as('n'), eb.fn.max('at').as('last')])
    .where('at', '>=', since);
  query = 'email' in scope ? query.where('email', '=', scope.email) : query.where('client', '=', scope.client);
  const row = await query.executeTakeFirstOrThrow();
  return { count: Number(row.n), last: Number(row.last ?? 0) };
}

/** Forgets an email's failures (its password was just set). */
export async function deleteSignInFailuresOf(db: Db, email: string): Promise<void> {
  await db.deleteFrom('console_sign_in_failures').where('email', '=', email).execute();
}

/**
 * Holds the counts of `email` and of `client` until the transaction ends, so that concurrent tries are
 * checked and counted one by one (PostgreSQL: advisory locks; SQLite: one writer already).
 */
export async function lockSignInCounts(db: Db, email: string, client: string): Promise<void> {
  await lockKey(db, LockSpace.consoleSignIn, lockId(`email ${email}`));
  await lockKey(db, LockSpace.consoleSignIn, lockId(`client ${client}`));
}

function lockId(text: string): number {
  return createHash('sha256').update(text).digest().readInt32BE(0);
}
