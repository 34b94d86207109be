import { randomBytes } from 'node:crypto';
import net from 'node:net';
import { sql } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSite } from '../../src/domain/sites.js';
import { computeToken } from '../../src/domain/token.js';
import { connect, type Store } from '../../src/store/connect.js';
import type { SiteRow } from '../../src/store/database.js';
import { migrateToLatest } from '../../src/store/migrate.js';
import { createTestDatabase, databaseUrl, dialect, type TestDatabase } from '../helper.js';
import { postForm, startServer, type ServerProcess } from '../server-process.js';

/**
 * The database connections of running servers die under them: terminated by an administrator (as a
 * restart, a failover or a proxy's idle kill does), or cut off with the database unreachable. The servers
 * keep running, answer 503 on /readyz and the document's 103 while the database is away, and recover by
 * themselves. PostgreSQL only: SQLite is a file in the server's own process, it has no connection to lose.
 */
describe.skipIf(dialect !== 'postgres')('losing the PostgreSQL connections', () => {
  let database: TestDatabase;
  let store: Store;
  let site: SiteRow;
  const servers: ServerProcess[] = [];
  const env = { LOG_LEVEL: 'warn', HUIGUAN_RATE_LIMIT: 'off' };

  beforeAll(async () => {
    database = await createTestDatabase();
    store = await database.open();
    await migrateToLatest(store);
    site = await createSite(store.db, { siteSign: 'dbloss', name: 'DB loss', totalNumParties: 100 }, Date.now());
  }, 60_000);
  afterAll(async () => {
    for (const s of servers) s.child.kill('SIGKILL');
    await store?.db.destroy();
    await database?.drop();
  });

  let stamp = Date.now();
  const signed = (subject: string, params: Record<string, string>) => {
    const timeStamp = String((stamp = Math.max(stamp + 1, Date.now())));
    return { ...params, siteSign: site.site_sign, timeStamp, token: computeToken(subject, site.api_key, timeStamp) };
  };
  const createUser = (url: string, userId: string) =>
    postForm(`${url}/openapi/v2/createOrUpdateUser`, signed(userId, { userId, userName: `User ${userId}` })).catch(
      (err: unknown) => ({
        status: -1,
        message: String(err),
      }),
    );

  /** The server's DATABASE_URL, with `application_name` naming this test's connections (and through `host`, a proxy). */
  const serverUrl = (applicationName: string, host?: string) => {
    const url = new URL(database.env.DATABASE_URL!);
    url.searchParams.set('application_name', applicationName);
    if (host) url.host = host;
    return url.toString();
  };

  async function admin<T extends pg.QueryResultRow>(query: string, values: unknown[]): Promise<T[]> {
    const client = new pg.Client({ connectionString: databaseUrl, application_name: 'hg_test_admin' });
    await client.connect();
    try {
      return (await client.query<T>(query, values)).rows;
    } finally {
      await client.end();
    }
  }

  const terminate = async (applicationName: string) =>
    (
      await admin<{ ok: boolean }>(
        'select pg_terminate_backend(pid) as ok from pg_stat_activity where application_name = $1 and pid <> pg_backend_pid()',
        [applicationName],
      )
    ).length;

  async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 60_000): Promise<T> {
    const end = Date.now() + timeoutMs;
    for (;;) {
      const value = await probe().catch(() => undefined);
      if (value !== undefined) return value;
      if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }

  const ready = (s: ServerProcess) =>
    until(`${s.url}/readyz`, async () => ((await fetch(`${s.url}/readyz`)).status === 200 ? true : undefined));

  it('two servers survive their connections being terminated mid-load, and keep every acknowledged write', async () => {
    const applicationName = `hg_loss_${randomBytes(4).toString('hex')}`;
    const pair = await Promise.all(
      [0, 1].map(() => startServer(database, { ...env, DATABASE_URL: serverUrl(applicationName) })),
    );
    servers.push(...pair);
    const acknowledged: string[] = [];
    const outcomes = new Map<number, number>();
    let stop = false;
    let next = 0;
    const worker = async (w: number) => {
      while (!stop) {
        const userId = `u${w}-${(next += 1)}`;
        const answer = await createUser(pair[next % 2]!.url, userId);
        outcomes.set(answer.status, (outcomes.get(answer.status) ?? 0) + 1);
        if (answer.status === 100) acknowledged.push(userId);
      }
    };
    const load = Promise.all(Array.from({ length: 8 }, (_, w) => worker(w)));
    let terminated = 0;
    try {
      for (let round = 0; round < 4; round += 1) {
        // Some writes between the kills, so that each kill lands on connections in use.
        const target = acknowledged.length + 30;
        await until('writes between kills', async () => (acknowledged.length >= target ? true : undefined));
        terminated += await terminate(applicationName);
      }
      const target = acknowledged.length + 30;
      await until('writes after the last kill', async () => (acknowledged.length >= target ? true : undefined));
    } finally {
      stop = true;
      await load;
    }
    expect(terminated).toBeGreaterThan(4);
    // No answer other than success or the document's internal error (103); no dropped connection (-1).
    expect([...outcomes.keys()].filter((s) => s !== 100 && s !== 103)).toEqual([]);

    for (const s of pair) {
      expect(s.child.exitCode, s.output()).toBeNull();
      expect(await (await fetch(`${s.url}/healthz`)).json()).toEqual({ status: 'ok' });
      await ready(s);
      expect((await createUser(s.url, `after-${s.url}`)).status).toBe(100);
    }
    expect(
      pair.every((s) => !/uncaught|unhandled/i.test(s.output())),
      pair.map((s) => s.output()).join('\n'),
    ).toBe(true);
    const stored = new Set(
      (await store.db.selectFrom('users').select('user_id').where('site_id', '=', site.id).execute()).map(
        (u) => u.user_id,
      ),
    );
    expect(acknowledged.filter((id) => !stored.has(id))).toEqual([]);
    // Each process listens for presence changes again, on a connection of its own.
    await until('both buses listening again', async () => {
      const rows = await admin<{ n: number }>(
        "select count(*)::int as n from pg_stat_activity where application_name = $1 and query like 'listen %'",
        [applicationName],
      );
      return rows[0]!.n >= 2 ? true : undefined;
    });
    await Promise.all(pair.map((s) => s.stop()));
  }, 180_000);

  it('fails only the transaction whose connection dies between two of its queries', async () => {
    const applicationName = `hg_held_${randomBytes(4).toString('hex')}`;
    const lost: Error[] = [];
    const own = await connect({
      databaseUrl: serverUrl(applicationName),
      poolSize: 2,
      onConnectionError: (err) => lost.push(err),
    });
    try {
      const held = own.db.transaction().execute(async (trx) => {
        await sql`select 1`.execute(trx);
        expect(await terminate(applicationName)).toBe(1);
        // The connection learns it was terminated while no query of it runs: no listener, no process.
        await until('the connection error', async () => (lost.length > 0 ? true : undefined), 20_000);
        await sql`select 1`.execute(trx);
      });
      await expect(held).rejects.toThrow();
      expect(lost[0]!.message).toMatch(/terminat/);
      expect((await sql<{ one: number }>`select 1 as one`.execute(own.db)).rows).toEqual([{ one: 1 }]);
    } finally {
      await own.db.destroy();
    }
  }, 60_000);

  it('answers 503 on /readyz and 103 at once while the database is unreachable, and recovers by itself', async () => {
    // A TCP proxy to PostgreSQL that can go dark: its connections cut, new ones accepted and never answered.
    const upstream = new URL(databaseUrl!);
    const sockets = new Set<net.Socket>();
    let dark = false;
    const proxy = net.createServer((client) => {
      sockets.add(client);
      client.on('close', () => sockets.delete(client));
      client.on('error', () => undefined);
      if (dark) return;
      const server = net.connect(Number(upstream.port || 5432), upstream.hostname);
      sockets.add(server);
      server.on('close', () => sockets.delete(server));
      server.on('error', () => client.destroy());
      client.on('error', () => server.destroy());
      client.pipe(server).pipe(client);
    });
    await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
    try {
      const port = (proxy.address() as net.AddressInfo).port;
      const s = await startServer(database, {
        ...env,
        DATABASE_URL: serverUrl(`hg_dark_${randomBytes(4).toString('hex')}`, `127.0.0.1:${port}`),
      });
      servers.push(s);
      expect((await createUser(s.url, 'before')).status).toBe(100);

      dark = true;
      for (const socket of sockets) socket.destroy();
      const started = Date.now();
      const answer = await createUser(s.url, 'during');
      // The pool gives up connecting after 5 s; far below the 20 s a request may wait here.
      expect(answer).toMatchObject({ status: 103 });
      expect(Date.now() - started).toBeLessThan(20_000);
      const readyz = await fetch(`${s.url}/readyz`);
      expect(readyz.status).toBe(503);
      expect(await (await fetch(`${s.url}/healthz`)).json()).toEqual({ status: 'ok' });

      dark = false;
      await ready(s);
      expect((await createUser(s.url, 'after')).status).toBe(100);
      expect(s.child.exitCode, s.output()).toBeNull();
      const stored = await store.db
        .selectFrom('users')
        .select('user_id')
        .where('site_id', '=', site.id)
        .where('user_id', 'in', ['before', 'during', 'after'])
        .execute();
      expect(stored.map((u) => u.user_id).sort()).toEqual(['after', 'before']);
      await s.stop();
    } finally {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => proxy.close(resolve));
    }
  }, 120_000);
});
