import { sql } from 'kysely';
import type { Db } from './database.js';

/**
 * Counts one hit of `name` in the fixed window starting at `windowStart` and answers the window's hits
 * so far: one statement, atomic across processes (a row from an earlier window starts again at 1).
 * PostgreSQL only (`greatest`); SQLite servers count in memory.
 */
export async function countHit(db: Db, name: string, windowStart: number): Promise<number> {
  const row = await db
    .insertInto('rate_counters')
    .values({ name, window_start: windowStart, hits: 1 })
    .onConflict((oc) =>
      oc.column('name').doUpdateSet({
        // A process whose clock is still in the previous window counts into the current one.
        hits: sql<number>`case when excluded.window_start > rate_counters.window_start then 1 else rate_counters.hits + 1 end`,
        window_start: sql<number>`greatest(excluded.window_start, rate_counters.window_start)`,
      }),
    )
    .returning('hits')
    .executeTakeFirstOrThrow();
  return Number(row.hits);
}

/** Forgets the counters of windows before `windowStart`. */
export async function pruneRateCounters(db: Db, windowStart: number): Promise<void> {
  await db.deleteFrom('rate_counters').where('window_start', '<', windowStart).execute();
}
