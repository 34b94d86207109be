/**
 * Console accounts (issue 19): created by the CLI or by a site's owner, each given a one-time link to set
 * its password. A site account sees its own site; an operator account (no site) sees every site.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { ConsoleAccountView, ConsoleSiteView } from '../contract/console.js';
import {
  findConsoleAccountById,
  findPasswordLink,
  insertConsoleAccount,
  listConsoleAccountsOfSite,
  replacePasswordLink,
  setConsolePasswordHash,
  usePasswordLink,
} from '../store/console-accounts.repository.js';
import { deleteConsoleSessionsOf } from '../store/console-sessions.repository.js';
import type { ConsoleAccountRow, ConsoleRole } from '../store/console-tables.js';
import type { Db, SiteRow } from '../store/database.js';
import { findSiteById } from '../store/sites.repository.js';
import { forgetSignInFailures } from './console-lockout.js';
import { pageRefusal } from './errors.js';
import { hashPassword, PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH } from './passwords.js';
import { siteUsable } from './sites.js';
import { dateFromExpiry } from './time.js';

/** How long a set-password link works: 3 days. */
export const PASSWORD_LINK_TTL_MS = 3 * 24 * 3_600_000;

const EMAIL = /^[^\s@]+@[^\s@]+$/;

/** The email as accounts are keyed: trimmed, lower case. Refused (400 `bad_email`) when it is none. */
export function normaliseEmail(email: string): string {
  const normal = email.trim().toLowerCase();
  if (normal.length > 254 || !EMAIL.test(normal))
    throw pageRefusal(400, 'bad_email', `邮箱地址无效 (not an email address: "${email.slice(0, 254)}")`);
  return normal;
}

/** SHA-256 of a secret, hex: what the database keeps of session ids and link secrets. */
export function secretHash(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}

/** A new secret of 256 random bits, URL-safe. */
export function newSecret(): string {
  return randomBytes(32).toString('base64url');
}

/** The page that sets a password; the secret is in the fragment, which browsers never send to a server. */
export function setPasswordUrl(baseUrl: string, secret: string): string {
  return `${baseUrl.replace(/\/+$/, '')}/console/set-password#${secret}`;
}

export function viewConsoleAccount(account: ConsoleAccountRow, site: SiteRow | undefined): ConsoleAccountView {
  return {
    email: account.email,
    role: account.role,
    operator: account.site_id === null,
    siteSign: site?.site_sign ?? null,
    status: account.disabled_at !== null ? 'disabled' : account.password_hash === null ? 'invited' : 'active',
    createdAt: new Date(account.created_at).toISOString(),
  };
}

export function viewConsoleSite(site: SiteRow, now: number): ConsoleSiteView {
  return {
    siteSign: site.site_sign,
    name: site.name,
    totalNumParties: site.total_num_parties,
    state: site.state,
    expires: site.expires_at === null ? null : dateFromExpiry(site.expires_at),
    usable: siteUsable(site, now),
  };
}

/**
 * Creates an account of `site` (or an operator's, for `site` null) with no password, and a link to set one.
 * Refused (409 `email_taken`) when the email has an account, on any site.
 */
export async function addConsoleAccount(
  db: Db,
  input: { site: SiteRow | null; email: string; role: ConsoleRole },
  now: number,
): Promise<{ account: ConsoleAccountRow; secret: string; expiresAt: number }> {
  const email = normaliseEmail(input.email);
  const account = await insertConsoleAccount(db, {
    email,
    site_id: input.site?.id ?? null,
    role: input.site ? input.role : 'owner',
    created_at: now,
  });
  if (!account)
    throw pageRefusal(409, 'email_taken', `该邮箱已有账号 (an account with the email ${email} exists already)`);
  return { account, ...(await issuePasswordLink(db, account, now)) };
}

/** A new one-time set-password link for `account`; its earlier unused links stop working. */
export async function issuePasswordLink(
  db: Db,
  account: ConsoleAccountRow,
  now: number,
): Promise<{ secret: string; expiresAt: number }> {
  const secret = newSecret();
  const expiresAt = now + PASSWORD_LINK_TTL_MS;
  await replacePasswordLink(db, {
    secret_hash: secretHash(secret),
    account_id: account.id,
    created_at: now,
    expires_at: expiresAt,
  });
  return { secret, expiresAt };
}

const linkInvalid = () =>
  pageRefusal(
    404,
    'link_invalid',
    '链接无效、已使用或已过期 (this link is not valid: it was used, it expired, or it never existed)',
  );

/** The account a set-password link is for, while the link works; 404 `link_invalid` otherwise. */
export async function accountOfPasswordLink(
  db: Db,
  secret: string,
  now: number,
): Promise<{ account: ConsoleAccountRow; expiresAt: number }> {
  const link = await findPasswordLink(db, secretHash(secret));
  if (!link || link.used_at !== null || link.expires_at <= now) throw linkInvalid();
  const account = await findConsoleAccountById(db, link.account_id);
  if (!account || account.disabled_at !== null) throw linkInvalid();
  return { account, expiresAt: link.expires_at };
}

/** Holds a new password to the length rules; 400 `weak_password` otherwise. */
export function checkNewPassword(password: string): void {
  const length = [...password].length;
  if (length < PASSWORD_MIN_LENGTH || length > PASSWORD_MAX_LENGTH)
    throw pageRefusal(
      400,
      'weak_password',
      `密码需 ${PASSWORD_MIN_LENGTH} 至 ${PASSWORD_MAX_LENGTH} 个字符 (a password has ${PASSWORD_MIN_LENGTH} to ${PASSWORD_MAX_LENGTH} characters)`,
    );
}

/**
 * Sets the password of the link's account and uses the link up (a link works once). The account's
 * sessions end, and its failed sign-ins are forgotten.
 */
export async function setPasswordWithLink(
  db: Db,
  secret: string,
  password: string,
  now: number,
): Promise<ConsoleAccountRow> {
  checkNewPassword(password);
  await accountOfPasswordLink(db, secret, now);
  const hash = await hashPassword(password);
  return db.transaction().execute(async (trx) => {
    // Checked again in the transaction: the link may have been used while the password was hashed.
    const { account } = await accountOfPasswordLink(trx, secret, now);
    if (!(await usePasswordLink(trx, secretHash(secret), now))) throw linkInvalid();
    await setConsolePasswordHash(trx, account.id, hash);
    await deleteConsoleSessionsOf(trx, account.id);
    await forgetSignInFailures(trx, account.email);
    return { ...account, password_hash: hash };
  });
}

/** The accounts of a site, as the console lists them. */
export async function listSiteAccounts(db: Db, site: SiteRow): Promise<ConsoleAccountView[]> {
  return (await listConsoleAccountsOfSite(db, site.id)).map((a) => viewConsoleAccount(a, site));
}

/** The site of a site account; undefined for an operator. */
export async function siteOfAccount(db: Db, account: ConsoleAccountRow): Promise<SiteRow | undefined> {
  return account.site_id === null ? undefined : findSiteById(db, account.site_id);
}

/** The email of the demo site's owner, made with the demo site on an empty database. */
export const DEMO_OWNER_EMAIL = 'owner@demo.example';

/** The demo site's owner account, and its set-password link's secret (printed once, by the first start). */
export async function createDemoOwner(db: Db, site: SiteRow, now: number) {
  return addConsoleAccount(db, { site, email: DEMO_OWNER_EMAIL, role: 'owner' }, now);
}
