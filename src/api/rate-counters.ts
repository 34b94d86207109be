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
      const replies = await redis
        .multi()
        .incr(key)
        .pexpire(key, 2 * WINDOW_MS)
        .exec();
      const [error, hits] = replies?.[0] ?? [new Error('Redis answered no reply to INCR')];
      if (error) throw error;
      return Number(hits);
    },
  };
}

/**
 * `counter`, except that a failure (its database or Redis unreachable) or no answer within `deadlineMs`
 * (default 1000) counts as no hit: requests pass uncounted rather than fail or wait. After a failure the
 * counter is left alone for `pauseMs` (default 5000), so that an outage costs each request nothing.
 * `onError` hears of the first failure of each minute.
 */
export function failingOpen(
  counter: RateCounter,
  onError: (err: unknown) => void,
  { deadlineMs = 1000, pauseMs = 5000 }: { deadlineMs?: number; pauseMs?: number } = {},
): RateCounter {
  let reported = -Infinity;
  let pausedUntil = -Infinity;
  const fail = (err: unknown) => {
    const now = Date.now();
    pausedUntil = now + pauseMs;
    if (now - reported >= WINDOW_MS) {
      reported = now;
      onError(err);
    }
    return 0;
  };
  return {
    hit(name, now) {
      if (Date.now() < pausedUntil) return 0;
      let hits: number | Promise<number>;
      try {
        hits = counter.hit(name, now);
      } catch (err) {
        return fail(err);
      }
      if (typeof hits === 'number') return hits;
      let timer: NodeJS.Timeout | undefined;
      const deadline = new Promise<number>((resolve) => {
        timer = setTimeout(
          () => resolve(fail(new Error(`the rate counter did not answer within ${deadlineMs} ms`))),
          deadlineMs,
        );
      });
      return Promise.race([hits.catch(fail), deadline]).finally(() => clearTimeout(timer));
    },
  };
}

/**
 * A Redis counter on `url`, connected before it is answered (a Redis unreachable at start is an error).
 * Afterwards commands fail at once while the connection is down (no queue), and the client reconnects
 * by itself; `onError` hears of connection errors, at most once a minute.
 */
export async function connectRedisCounter(
  url: string,
  onError: (err: unknown) => void,
): Promise<{ counter: RateCounter; close(): Promise<void> }> {
  const { Redis } = await import('ioredis');
  const redis = new Redis(url, {
    lazyConnect: true,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    connectTimeout: 5000,
  });
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
