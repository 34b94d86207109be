import type { Db } from './database.js';

/** A token to record as used, with the time after which its timeStamp can no longer pass. */
export interface TokenClaim {
  token: string;
  site_id: number;
  expires_at: number;
}

/**
 * Records a token as used. Answers false when it was used before: the primary key makes this the
 * arbiter across processes (under PostgreSQL a concurrent insert of the same token waits for the
 * first transaction and then conflicts).
 */
export async function claimToken(db: Db, token: string, siteId: number, expiresAt: number): Promise<boolean> {
  const result = await db
    .insertInto('used_tokens')
    .values({ token, site_id: siteId, expires_at: expiresAt })
    .onConflict((oc) => oc.column('token').doNothing())
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0) === 1;
}

/** Records distinct tokens as used in one statement; answers those that were not used before. */
export async function claimTokens(db: Db, claims: TokenClaim[]): Promise<Set<string>> {
  if (claims.length === 0) return new Set();
  const rows = await db
    .insertInto('used_tokens')
    .values(claims.map(({ token, site_id, expires_at }) => ({ token, site_id, expires_at })))
    .onConflict((oc) => oc.column('token').doNothing())
    .returning('token')
    .execute();
  return new Set(rows.map((r) => r.token));
}

/** Forgets a claimed token (its request was refused after the claim). */
export async function releaseToken(db: Db, token: string): Promise<void> {
  await db.deleteFrom('used_tokens').where('token', '=', token).execute();
}

/** Deletes tokens whose timeStamp can no longer pass the window check; returns how many. */
export async function pruneTokens(db: Db, now: number): Promise<number> {
  const result = await db.deleteFrom('used_tokens').where('expires_at', '<', now).executeTakeFirst();
  return Number(result.numDeletedRows);
}
