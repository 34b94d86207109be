/**
 * Console sessions (issue 19): a sign-in opens a session whose random id only the browser's cookie holds;
 * the database keeps its SHA-256. A session ends at sign-out, after {@link CONSOLE_SESSION} `idleMs` without
 * a request, `lifetimeMs` after sign-in whatever its use, when its account's password is set again, and at
 * "sign out everywhere". State-changing calls carry a CSRF token derived from the session id.
 */
import { createHash } from 'node:crypto';
import { findConsoleAccountByEmail, findConsoleAccountById } from '../store/console-accounts.repository.js';
import {
  deleteConsoleSession,
  deleteConsoleSessionsOf,
  findConsoleSession,
  insertConsoleSession,
  pruneConsoleSessions,
  touchConsoleSession,
} from '../store/console-sessions.repository.js';
import type { ConsoleAccountRow } from '../store/console-tables.js';
import type { Db } from '../store/database.js';
import { newSecret, normaliseEmail, secretHash } from './console-accounts.js';
import { countSignInTry, forgetSignInFailures } from './console-lockout.js';
import { pageRefusal } from './errors.js';
import { decoyHash, verifyPassword } from './passwords.js';
import { safeEqual } from './token.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

/** Session lifetimes: 12 hours idle, 7 days at most; `last_seen_at` written at most once a minute. */
export const CONSOLE_SESSION = { idleMs: 12 * HOUR, lifetimeMs: 7 * 24 * HOUR, touchEveryMs: MINUTE } as const;

/** A signed-in request: the account, and the session id its cookie carried. */
export interface ConsoleSignedIn {
  account: ConsoleAccountRow;
  sessionId: string;
}

const badCredentials = () =>
  pageRefusal(401, 'bad_credentials', '邮箱或密码不正确 (the email or the password is not right)');

/**
 * Signs in with an email and a password, from `client` (entry-guard.ts `clientKey`): answers the new
 * session's id, for the cookie. Refused 401 `bad_credentials` alike for an unknown email, a wrong password,
 * an account without a password yet and a disabled one; 429 `too_many_attempts` while locked out
 * (console-lockout.ts).
 */
export async function signIn(
  db: Db,
  input: { email: string; password: string; client: string },
  now: number,
): Promise<ConsoleSignedIn> {
  let email: string;
  try {
    email = normaliseEmail(input.email);
  } catch {
    throw badCredentials();
  }
  await countSignInTry(db, email, input.client, now);
  const account = await findConsoleAccountByEmail(db, email);
  const usable = account !== undefined && account.password_hash !== null && account.disabled_at === null;
  // An unknown email costs the same scrypt as a known one, so that the time taken does not tell them apart.
  const right = await verifyPassword(input.password, usable ? account.password_hash! : await decoyHash());
  if (!usable || !right) throw badCredentials();
  await forgetSignInFailures(db, email);
  await pruneConsoleSessions(db, now);
  const sessionId = newSecret();
  await insertConsoleSession(db, {
    id_hash: secretHash(sessionId),
    account_id: account.id,
    created_at: now,
    last_seen_at: now,
    expires_at: now + CONSOLE_SESSION.lifetimeMs,
  });
  return { account, sessionId };
}

/** The signed-in account of a session id (from the cookie), or undefined when the session has ended. */
export async function resumeSession(db: Db, sessionId: string, now: number): Promise<ConsoleSignedIn | undefined> {
  const idHash = secretHash(sessionId);
  const session = await findConsoleSession(db, idHash);
  if (!session || session.expires_at <= now || session.last_seen_at + CONSOLE_SESSION.idleMs <= now) return undefined;
  const account = await findConsoleAccountById(db, session.account_id);
  if (!account || account.disabled_at !== null) return undefined;
  if (now - session.last_seen_at >= CONSOLE_SESSION.touchEveryMs) await touchConsoleSession(db, idHash, now);
  return { account, sessionId };
}

export async function signOut(db: Db, sessionId: string): Promise<void> {
  await deleteConsoleSession(db, secretHash(sessionId));
}

/** Ends every session of the account, in every browser. */
export async function signOutEverywhere(db: Db, account: ConsoleAccountRow): Promise<void> {
  await deleteConsoleSessionsOf(db, account.id);
}

/**
 * The session's CSRF token: a one-way function of its id, so the page can be told it (and a script of
 * another site cannot read it), and knowing it does not give the session.
 */
export function csrfToken(sessionId: string): string {
  return createHash('sha256').update(`huiguan-console-csrf\0${sessionId}`, 'utf8').digest('base64url');
}

/** Whether `presented` is the session's CSRF token (constant time). */
export function csrfTokenMatches(sessionId: string, presented: string | undefined): boolean {
  return presented !== undefined && safeEqual(presented, csrfToken(sessionId));
}
