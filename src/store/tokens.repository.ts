import type { Db } from './database.js';
import { prepared, type Prepared } from './prepared.js';

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
  const values: Record<string, unknown> = {};
  claims.forEach(({ time_stamp, token, site_id }, i) => {
    values[`t${i}`] = time_stamp;
    values[`k${i}`] = token;
    values[`s${i}`] = site_id;
  });
  const rows =
    claims.length <= MAX_PREPARED_CLAIMS
      ? await claimShape(claims.length).all(db, values)
      : await claimQuery(db, claims.length, values).execute();
  return new Set(rows.map((r) => r.token));
}

/** The claims of `size` tokens: values `t<i>` (timeStamp), `k<i>` (token), `s<i>` (site id). */
const claimQuery = (db: Db, size: number, p: Record<string, unknown>) =>
  db
    .insertInto('used_tokens')
    .values(
      Array.from({ length: size }, (_, i) => ({
        time_stamp: p[`t${i}`] as number,
        token: p[`k${i}`] as string,
        site_id: p[`s${i}`] as number,
      })),
    )
    .onConflict((oc) => oc.columns(['time_stamp', 'token']).doNothing())
    .returning('token');

/** A write claims one token, a read's batch (TokenLedger) as many as arrived together: a shape per size. */
const MAX_PREPARED_CLAIMS = 64;
const claimShapes = new Map<number, Prepared<Record<string, unknown>, { token: string }>>();
function claimShape(size: number) {
  let shape = claimShapes.get(size);
  if (!shape) claimShapes.set(size, (shape = prepared((db, p: Record<string, unknown>) => claimQuery(db, size, p))));
  return shape;
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
