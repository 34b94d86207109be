import type { Db } from './database.js';

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

/** Deletes tokens whose timeStamp can no longer pass the window check; returns how many. */
export async function pruneTokens(db: Db, now: number): Promise<number> {
  const result = await db.deleteFrom('used_tokens').where('expires_at', '<', now).executeTakeFirst();
  return Number(result.numDeletedRows);
}
