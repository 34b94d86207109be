import type { Generated, Selectable } from 'kysely';

/** Epoch milliseconds (GMT), as every time in the database. */
type Millis = number;

/** A console account's role on its site; an operator account (no site) is an owner of every site. */
export type ConsoleRole = 'owner' | 'viewer';

/** A person who signs in to the site console (migration 0017). */
export interface ConsoleAccountsTable {
  id: Generated<number>;
  /** Lower-case, unique over every site. */
  email: string;
  /** The site the account belongs to; null for an operator, who sees every site. */
  site_id: number | null;
  role: ConsoleRole;
  /** `scrypt$…` (domain/passwords.ts); null until the account's set-password link is used. */
  password_hash: string | null;
  created_at: Millis;
  /** Set when the account may no longer sign in. */
  disabled_at: Millis | null;
}

/** A signed-in browser. The cookie carries the session id; only its SHA-256 is kept. */
export interface ConsoleSessionsTable {
  /** SHA-256 of the session id, hex. */
  id_hash: string;
  account_id: number;
  created_at: Millis;
  /** Last request seen (written at most once a minute). */
  last_seen_at: Millis;
  /** When the session ends whatever its use. */
  expires_at: Millis;
}

/** A one-time set-password link; only the SHA-256 of its secret is kept. */
export interface ConsolePasswordLinksTable {
  /** SHA-256 of the link's secret, hex. */
  secret_hash: string;
  account_id: number;
  created_at: Millis;
  expires_at: Millis;
  /** When it was used; a used link never works again. */
  used_at: Millis | null;
}

/** A wrong password (or unknown email) given at sign-in, for the lock-out. */
export interface ConsoleSignInFailuresTable {
  id: Generated<number>;
  /** The email as given, lower-cased (accounts that do not exist are counted alike). */
  email: string;
  /** The client address (domain/entry-guard.ts `clientKey`). */
  client: string;
  at: Millis;
}

/** The console's tables, part of the database's (store/database.ts). */
export interface ConsoleTables {
  console_accounts: ConsoleAccountsTable;
  console_sessions: ConsoleSessionsTable;
  console_password_links: ConsolePasswordLinksTable;
  console_sign_in_failures: ConsoleSignInFailuresTable;
}

export type ConsoleAccountRow = Selectable<ConsoleAccountsTable>;
export type ConsoleSessionRow = Selectable<ConsoleSessionsTable>;
export type ConsolePasswordLinkRow = Selectable<ConsolePasswordLinksTable>;
