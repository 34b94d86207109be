/**
 * Limits on guessing console passwords, counted in the database (every server process sees the same
 * counts), in the manner of the join page's (entry-guard.ts):
 *
 * - An email (an account, or an email that has none: they are counted alike) that failed
 *   {@link SIGN_IN_LIMITS.account} `freeFailures` times within the window is locked: no try for it, from
 *   anywhere, the right password included, until `firstWaitMs` after the last failure, doubling with each
 *   further one, at most `maxWaitMs`. About 11 tries an hour (5, then after 1, 2, 4, 8, 16, 32 minutes).
 * - A client address that failed {@link SIGN_IN_LIMITS.client} `freeFailures` times within the window, on
 *   any emails, waits the same way: one address cannot try a password on many accounts.
 * - A successful sign-in forgets the email's failures.
 *
 * A try is counted before its password is checked (and forgotten again when it was right), under a lock
 * of its email and client, so that parallel tries cannot pass the check together.
 */
import type { Db } from '../store/database.js';
import {
  deleteSignInFailuresOf,
  insertSignInFailure,
  lockSignInCounts,
  pruneSignInFailures,
  signInFailures,
} from '../store/console-sign-in-failures.repository.js';
import { backoffWait, EntryLocked, type Backoff } from './entry-guard.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

/** The limits, as described above. */
export const SIGN_IN_LIMITS = {
  windowMs: HOUR,
  account: { freeFailures: 5, firstWaitMs: MINUTE, maxWaitMs: HOUR },
  client: { freeFailures: 20, firstWaitMs: MINUTE, maxWaitMs: HOUR },
} as const;

/**
 * Counts a sign-in try of `email` from `client` as failed, unless either is held: then throws
 * {@link EntryLocked} (HTTP 429, with the time to wait) and counts nothing. Runs in a transaction of its own.
 */
export async function countSignInTry(db: Db, email: string, client: string, now: number): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await lockSignInCounts(trx, email, client);
    const since = now - SIGN_IN_LIMITS.windowMs;
    const byEmail = await signInFailures(trx, { email }, since);
    const byClient = await signInFailures(trx, { client }, since);
    // Below the free failures nothing waits, whatever the clocks of the processes that counted them say.
    const until = (failures: { count: number; last: number }, limits: Backoff) =>
      failures.count < limits.freeFailures ? now : failures.last + backoffWait(failures.count, limits);
    const retryAt = Math.max(now, until(byEmail, SIGN_IN_LIMITS.account), until(byClient, SIGN_IN_LIMITS.client));
    if (retryAt > now) throw new EntryLocked(retryAt, now);
    await pruneSignInFailures(trx, since);
    await insertSignInFailure(trx, { email, client, at: now });
  });
}

/** The try was right: the email's failures (this try's count with them) are forgotten. */
export async function forgetSignInFailures(db: Db, email: string): Promise<void> {
  await deleteSignInFailuresOf(db, email);
}
