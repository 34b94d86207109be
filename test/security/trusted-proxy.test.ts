import { randomBytes } from 'node:crypto';
import http from 'node:http';
import net, { type AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { failingOpen } from '../../src/api/rate-counters.js';
import { loadConfig, ConfigError } from '../../src/config.js';
import { createSite } from '../../src/domain/sites.js';
import { computeToken } from '../../src/domain/token.js';
import type { SiteRow } from '../../src/store/database.js';
import { migrateToLatest } from '../../src/store/migrate.js';
import { createTestDatabase, dialect, type TestDatabase } from '../helper.js';
import { startServer, type ServerProcess } from '../server-process.js';

/** One request from `localAddress` (any 127.x address is this machine); answers the HTTP status. */
function request(
  url: string,
  options: { localAddress?: string; headers?: Record<string, string>; method?: string; body?: string } = {},
): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, {
      method: options.method ?? 'GET',
      localAddress: options.localAddress,
      headers: options.headers,
      agent: false,
    });
    req.on('response', (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end(options.body);
  });
}

/**
 * A reverse proxy as in front of a real deployment: forwards every request to `target` from
 * 127.0.0.2, adding the client's address to X-Forwarded-For.
 */
async function startProxy(target: string): Promise<{ url: string; close(): Promise<void> }> {
  const server = http.createServer((incoming, outgoing) => {
    const forwarded = [incoming.headers['x-forwarded-for'], incoming.socket.remoteAddress].filter(Boolean).join(', ');
    const upstream = http.request(`${target}${incoming.url}`, {
      method: incoming.method,
      localAddress: '127.0.0.2',
      agent: false,
      headers: { ...incoming.headers, 'x-forwarded-for': forwarded },
    });
    upstream.on('response', (res) => {
      outgoing.writeHead(res.statusCode ?? 502, res.headers);
      res.pipe(outgoing);
    });
    upstream.on('error', () => outgoing.writeHead(502).end());
    incoming.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

/** Waits, when the current minute has less than 25 s left, for the next one: the limits count fixed minutes. */
async function awayFromMinuteEnd(): Promise<void> {
  const left = 60_000 - (Date.now() % 60_000);
  if (left < 25_000) await new Promise((resolve) => setTimeout(resolve, left + 200));
}

describe('a rate counter that fails', () => {
  it('lets requests pass uncounted, and reports once a minute', async () => {
    const errors: unknown[] = [];
    const counter = failingOpen(
      { hit: () => Promise.reject(new Error('connection refused')) },
      (err) => errors.push(err),
      { pauseMs: 0 },
    );
    expect(await counter.hit('ip:10.0.0.1', Date.now())).toBe(0);
    expect(await counter.hit('ip:10.0.0.1', Date.now())).toBe(0);
    expect(errors).toHaveLength(1);
  });

  it('does not keep a request waiting for a counter that does not answer, nor ask it again for a while', async () => {
    let asked = 0;
    const silent = { hit: () => ((asked += 1), new Promise<number>(() => undefined)) };
    const counter = failingOpen(silent, () => undefined, { deadlineMs: 50, pauseMs: 60_000 });
    expect(await counter.hit('ip:10.0.0.1', Date.now())).toBe(0);
    expect(await counter.hit('ip:10.0.0.1', Date.now())).toBe(0);
    expect(asked).toBe(1);
  });

  it('is named by HUIGUAN_REDIS_URL, a redis:// URL never echoed (it may hold a password)', () => {
    expect(loadConfig({}).redisUrl).toBeUndefined();
    expect(loadConfig({ HUIGUAN_REDIS_URL: 'redis://:pw@127.0.0.1:6379/2' }).redisUrl).toBe(
      'redis://:pw@127.0.0.1:6379/2',
    );
    expect(() => loadConfig({ HUIGUAN_REDIS_URL: 'http://:secretpw@127.0.0.1:6379' })).toThrow(
      /HUIGUAN_REDIS_URL must be a redis:\/\//,
    );
    expect(() => loadConfig({ HUIGUAN_REDIS_URL: 'http://:secretpw@127.0.0.1:6379' })).not.toThrow(/secretpw/);
  });
});

describe('HUIGUAN_TRUST_PROXY', () => {
  it('takes addresses and CIDRs, and refuses anything else', () => {
    expect(loadConfig({}).trustProxy).toEqual([]);
    expect(loadConfig({ HUIGUAN_TRUST_PROXY: '10.0.0.5, 192.168.1.0/24,::1,fd00::/8,loopback' }).trustProxy).toEqual([
      '10.0.0.5',
      '192.168.1.0/24',
      '::1',
      'fd00::/8',
      'loopback',
    ]);
    for (const bad of ['proxy.example.com', '10.0.0.0/33', '10.0.0.1/8/8', 'true']) {
      expect(() => loadConfig({ HUIGUAN_TRUST_PROXY: bad }), bad).toThrow(ConfigError);
    }
  });

  describe('behind a local reverse proxy', () => {
    let database: TestDatabase;
    let server: ServerProcess;
    let proxy: Awaited<ReturnType<typeof startProxy>>;
    beforeAll(async () => {
      database = await createTestDatabase();
      server = await startServer(database, {
        LOG_LEVEL: 'warn',
        HUIGUAN_TRUST_PROXY: '127.0.0.2',
        HUIGUAN_RATE_LIMIT_PER_IP: '3',
      });
      proxy = await startProxy(server.url);
    }, 60_000);
    afterAll(async () => {
      await proxy?.close();
      await server?.stop();
      await database?.drop();
    });

    it('gives each client behind it its own limit, and ignores an untrusted client’s X-Forwarded-For', async () => {
      await awayFromMinuteEnd();
      const viaProxy = (client: string) => request(`${proxy.url}/healthz`, { localAddress: client });
      const first: number[] = [];
      for (let i = 0; i < 4; i += 1) first.push(await viaProxy('127.0.0.10'));
      expect(first).toEqual([200, 200, 200, 429]);
      // Another client through the same proxy is not limited by the first.
      expect(await viaProxy('127.0.0.11')).toBe(200);
      // A client that is no trusted proxy cannot pick its address: X-Forwarded-For changes nothing.
      const direct: number[] = [];
      for (let i = 0; i < 4; i += 1) {
        direct.push(
          await request(`${server.url}/healthz`, {
            localAddress: '127.0.0.12',
            headers: { 'x-forwarded-for': `198.51.100.${i}` },
          }),
        );
      }
      expect(direct).toEqual([200, 200, 200, 429]);
    }, 60_000);
  });
});

/** Redis at 127.0.0.1:6379, where the tests find it (skipped where there is none). */
const REDIS_URL = 'redis://127.0.0.1:6379/0';
const haveRedis = await new Promise<boolean>((resolve) => {
  const socket = net.connect(6379, '127.0.0.1');
  const done = (up: boolean) => {
    socket.destroy();
    resolve(up);
  };
  socket.once('connect', () => done(true));
  socket.once('error', () => done(false));
  socket.setTimeout(2000, () => done(false));
});
if (!haveRedis) console.warn('Redis rate-limit tests skipped: nothing listens on 127.0.0.1:6379');

/**
 * Two server processes on one database share the counters: the limits hold for the whole installation,
 * not per process. On PostgreSQL the counters are in the database; on SQLite the server is one process
 * and counts in memory, unless HUIGUAN_REDIS_URL gives a Redis (either database).
 */
describe.each<{ where: string; skip: boolean; env: Record<string, string> }>([
  { where: 'PostgreSQL', skip: dialect !== 'postgres', env: {} },
  { where: 'Redis', skip: !haveRedis, env: { HUIGUAN_REDIS_URL: REDIS_URL } },
])('rate limits across server processes, counted in $where', ({ skip, env: counterEnv }) => {
  let database: TestDatabase;
  let site: SiteRow;
  const servers: ServerProcess[] = [];
  // Addresses and a site of this run's own: Redis keeps counts between runs.
  const net127 = `127.${100 + Math.floor(Math.random() * 100)}.${Math.floor(Math.random() * 250)}`;
  beforeAll(async () => {
    if (skip) return;
    database = await createTestDatabase();
    const store = await database.open();
    await migrateToLatest(store);
    site = await createSite(
      store.db,
      { siteSign: `shared-${randomBytes(4).toString('hex')}`, name: 'Shared limits', totalNumParties: 100 },
      Date.now(),
    );
    await store.db.destroy();
    const env = { LOG_LEVEL: 'warn', HUIGUAN_RATE_LIMIT_PER_IP: '10', HUIGUAN_RATE_LIMIT_PER_SITE: '6', ...counterEnv };
    servers.push(...(await Promise.all([startServer(database, env), startServer(database, env)])));
  }, 60_000);
  afterAll(async () => {
    await Promise.all(servers.map((s) => s.stop()));
    await database?.drop();
  });

  it.skipIf(skip)(
    'per IP: the sum accepted by both stays at the limit',
    async () => {
      await awayFromMinuteEnd();
      const answers = await Promise.all(
        Array.from({ length: 24 }, (_, i) =>
          request(`${servers[i % 2]!.url}/healthz`, { localAddress: `${net127}.1` }),
        ),
      );
      expect(answers.filter((s) => s === 200)).toHaveLength(10);
      expect(answers.filter((s) => s === 429)).toHaveLength(14);
    },
    60_000,
  );

  it.skipIf(skip)(
    'per site: the sum accepted by both stays at the limit',
    async () => {
      await awayFromMinuteEnd();
      let stamp = Date.now();
      const call = (i: number) => {
        const timeStamp = String((stamp += 1));
        const body = new URLSearchParams({
          userId: 'u1',
          siteSign: site.site_sign,
          timeStamp,
          token: computeToken('u1', site.api_key, timeStamp),
        }).toString();
        // Each call from an address of its own: only the site's limit applies.
        return request(`${servers[i % 2]!.url}/openapi/v2/getUserByUserId`, {
          method: 'POST',
          localAddress: `${net127}.${i + 10}`,
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body,
        });
      };
      const answers = await Promise.all(Array.from({ length: 14 }, (_, i) => call(i)));
      expect(answers.filter((s) => s === 200)).toHaveLength(6);
      expect(answers.filter((s) => s === 429)).toHaveLength(8);
    },
    60_000,
  );
});
