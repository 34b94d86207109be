import type { Redis } from 'ioredis';
import type { Db } from '../store/database.js';
import { countHit, pruneRateCounters } from '../store/rate-counters.repository.js';

/** The rate limits count fixed windows of one minute. */
export const WINDOW_MS = 60_000;

/** Counts hits per name (`ip:<address>`, `site:<siteSign>`) in fixed one-minute windows. */
export interface RateCounter {
  /** Counts one hit of `name` at `now` and answers the hits of `now`'s window so far. */
  hit(name: string, now: number): number | Promise<number>;
}

/** A server process's own counts, in memory (SQLite: the server is one process). */
export function memoryRateCounter(): RateCounter {
  let window = 0;
  let counts = new Map<string, number>();
  return {
    hit(name, now) {
      const current = Math.floor(now / WINDOW_MS);
      if (current !== window) {
        window = current;
        counts = new Map();
      }
      const hits = (counts.get(name) ?? 0) + 1;
      counts.set(name, hits);
      return hits;
    },
  };
}

/**
 * Counts in the database, shared by every server process (PostgreSQL): one upsert per hit. Once per
 * window each process deletes the counters of names not seen since the window before.
 */
export function databaseRateCounter(db: Db, onError: (err: unknown) => void): RateCounter {
  let pruned = 0;
  return {
    hit(name, now) {
      const windowStart = now - (now % WINDOW_MS);
      if (windowStart > pruned) {
        pruned = windowStart;
        pruneRateCounters(db, windowStart - WINDOW_MS).catch(onError);
      }
      return countHit(db, name, windowStart);
    },
  };
}

/**
 * Counts in Redis, shared by every server process: one key per name and window, incremented and given
 * its expiry in one round trip (MULTI). Processes whose clocks disagree count a boundary's hits into
 * neighbouring windows.
 */
export function redisRateCounter(redis: Redis, prefix = 'huiguan:rate:'): RateCounter {
  return {
    async hit(name, now) {
      const windowStart = now - (now % WINDOW_MS);
      const key = `${prefix}${name}:${windowStart}`;
      const replies = await redis.multi().incr(key).pexpire(key, 2 * WINDOW_MS).exec();
      const [error, hits] = replies?.[0] ?? [new Error('Redis answered no reply to INCR')];
      if (error) throw error;
      return Number(hits);
    },
  };
}

/**
 * `counter`, except that a failure (its database or Redis unreachable) counts as no hit: requests pass
 * uncounted rather than fail. `onError` hears of the first failure of each minute.
 */
export function failingOpen(counter: RateCounter, onError: (err: unknown) => void): RateCounter {
  let reported = -Infinity;
  const report = (err: unknown) => {
    if (Date.now() - reported >= WINDOW_MS) {
      reported = Date.now();
      onError(err);
    }
    return 0;
  };
  return {
    hit(name, now) {
      try {
        const hits = counter.hit(name, now);
        return typeof hits === 'number' ? hits : hits.catch(report);
      } catch (err) {
        return report(err);
      }
    },
  };
}

/**
 * A Redis counter on `url`, connected before it is answered (a Redis unreachable at start is an error).
 * Afterwards commands fail at once while the connection is down (no queue), and the client reconnects
 * by itself; `onError` hears of connection errors, at most once a minute.
 */
export async function connectRedisCounter(url: string, onError: (err: unknown) => void): Promise<{ counter: RateCounter; close(): Promise<void> }> {
  const { Redis } = await import('ioredis');
  const redis = new Redis(url, { lazyConnect: true, enableOfflineQueue: false, maxRetriesPerRequest: 1, connectTimeout: 5000 });
  let reported = -Infinity;
  redis.on('error', (err: unknown) => {
    if (Date.now() - reported >= WINDOW_MS) {
      reported = Date.now();
      onError(err);
    }
  });
  try {
    await redis.connect();
  } catch (err) {
    redis.disconnect();
    throw new Error(`cannot reach the Redis of HUIGUAN_REDIS_URL: ${(err as Error).message}`, { cause: err });
  }
  return {
    counter: failingOpen(redisRateCounter(redis), onError),
    close: async () => {
      await redis.quit().catch(() => redis.disconnect());
    },
  };
}
