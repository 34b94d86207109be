import type { Db } from './database.js';

/** A token to record as used, with the timeStamp it was made for. */
export interface TokenClaim {
  time_stamp: number;
  token: string;
  site_id: number;
}

/**
 * Records a token as used. Answers false when it was used before: the primary key makes this the
 * arbiter across processes (under PostgreSQL a concurrent insert of the same token waits for the
 * first transaction and then conflicts). A replay repeats the timeStamp too, which the token signs.
 */
export async function claimToken(db: Db, claim: TokenClaim): Promise<boolean> {
  return (await claimTokens(db, [claim])).has(claim.token);
}

/** Records distinct tokens as used in one statement; answers those that were not used before. */
export async function claimTokens(db: Db, claims: TokenClaim[]): Promise<Set<string>> {
  if (claims.length === 0) return new Set();
  const rows = await db
    .insertInto('used_tokens')
    .values(claims.map(({ time_stamp, token, site_id }) => ({ time_stamp, token, site_id })))
    .onConflict((oc) => oc.columns(['time_stamp', 'token']).doNothing())
    .returning('token')
    .execute();
  return new Set(rows.map((r) => r.token));
}

/** Forgets a claimed token (its request was refused after the claim). */
export async function releaseToken(db: Db, claim: Omit<TokenClaim, 'site_id'>): Promise<void> {
  await db
    .deleteFrom('used_tokens')
    .where('time_stamp', '=', claim.time_stamp)
    .where('token', '=', claim.token)
    .execute();
}

/** Deletes tokens whose timeStamp is before `before` (so can no longer pass the window check); returns how many. */
export async function pruneTokens(db: Db, before: number): Promise<number> {
  const result = await db.deleteFrom('used_tokens').where('time_stamp', '<', before).executeTakeFirst();
  return Number(result.numDeletedRows);
}
