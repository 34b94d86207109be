import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import helmet from 'helmet';
import { ApiError, Code } from '../domain/errors.js';
import { memoryRateCounter, WINDOW_MS, type RateCounter } from './rate-counters.js';
/**
 * The usual security headers on every answer, and a Content-Security-Policy that lets the pages load only
 * from this server (the pages use no inline script; WebSockets go back to the same host).
 */
export async function securityHeaders(app: FastifyInstance): Promise<void> {
  // helmet's middleware is built once here; @fastify/helmet builds it anew for every request, which a
  // CPU profile showed as a few per cent of a request (docs/benchmarks.md).
  const setHeaders = helmet({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:'],
        mediaSrc: ["'self'"],
        connectSrc: ["'self'", 'ws:', 'wss:'],
        fontSrc: ["'self'"],
        objectSrc: ["'none'"],
        frameAncestors: ["'none'"],
        baseUri: ["'self'"],
        formAction: ["'self'"],
      },
    },
    // Pages are only ever opened from the links the API hands out; nothing embeds them.
    crossOriginEmbedderPolicy: false,
    referrerPolicy: { policy: 'no-referrer' },
  });
  app.addHook('onRequest', (request, reply, done) =>
    setHeaders(request.raw, reply.raw, (err) => done(err as Error | undefined)),
  );
}

/**
 * Per-IP limit on every request (API and pages), answered HTTP 429 with status 103 and the time to
 * wait. Counted by `counter` when given (shared by the processes), else in this process.
 */
export async function ipRateLimit(app: FastifyInstance, perMinute: number, counter?: RateCounter): Promise<void> {
  await app.register(rateLimit, {
    max: perMinute,
    timeWindow: WINDOW_MS,
    ...(counter ? { store: pluginStore(counter) } : {}),
    keyGenerator: (request: FastifyRequest) => request.ip,
    errorResponseBuilder: (_request, context) => ({
      statusCode: 429,
      status: Code.internal,
      message: `请求过于频繁 (too many requests from this address: at most ${context.max} a minute; retry in ${Math.ceil(context.ttl / 1000)} s)`,
    }),
  });
}

/** @fastify/rate-limit's store interface over a {@link RateCounter}. */
function pluginStore(counter: RateCounter) {
  return class {
    incr(key: string, done: (err: Error | null, result: { current: number; ttl: number }) => void): void {
      const now = Date.now();
      Promise.resolve(counter.hit(`ip:${key}`, now)).then(
        (current) => done(null, { current, ttl: WINDOW_MS - (now % WINDOW_MS) }),
        (err: Error) => done(err, { current: 0, ttl: 0 }),
      );
    }
    child() {
      return this;
    }
  };
}

/**
 * Per-site limit on signed API calls: a fixed one-minute window per siteSign, counted by `counter`
 * (default: in this process). `take` throws (HTTP 429, status 103) once the site's calls of the current
 * minute are used up.
 */
export class SiteRateLimit {
  constructor(
    private readonly perMinute: number,
    private readonly counter: RateCounter = memoryRateCounter(),
  ) {}

  async take(siteSign: string, now: number): Promise<void> {
    const count = await this.counter.hit(`site:${siteSign}`, now);
    if (count > this.perMinute) {
      throw new ApiError(
        Code.internal,
        `请求过于频繁 (too many requests for site ${siteSign}: at most ${this.perMinute} a minute)`,
        { reason: 'rate_limited', http: 429 },
      );
    }
  }
}
