import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { redactUrl } from '../../src/api/log.js';
import { buildTestApp, createTestDatabase, type TestDatabase } from '../helper.js';
import { startServer, type ServerProcess } from '../server-process.js';

const secret = () => randomBytes(16).toString('base64url');

describe('the request log of a running server', () => {
  let database: TestDatabase;
  let server: ServerProcess;
  beforeAll(async () => {
    database = await createTestDatabase();
    server = await startServer(database, { LOG_LEVEL: 'info', HUIGUAN_RATE_LIMIT: 'off' });
  }, 60_000);
  afterAll(async () => {
    await server?.stop();
    await database?.drop();
  });

  it('holds no link secret, from the path or the query string', async () => {
    const secrets = Array.from({ length: 10 }, secret);
    const [s1, s2, s3, s4, s5, s6, s7, s8, s9, s10] = secrets;
    const requests: [string, RequestInit?][] = [
      [`/s/1234567890/${s1}`],
      [`/j/1234567890/${s2}?tk=${s3}`],
      [`/wc/join/1234567890/${s4}`],
      [`/web/v1/links/j/1234567890/${s5}`],
      [
        `/web/v1/links/s/1234567890/${s6}/enter`,
        { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"name":"x"}' },
      ],
      [`/recordings/1/download?expires=1&sig=${s7}`],
      [`/recordings/1/play?expires=1&sig=${s8}`],
      // Paths no route matches are logged too.
      [`/s/1234567890/${s9}/extra`],
      [`/web/v1/ws?ticket=${s10}`],
    ];
    for (const [path, init] of requests) await (await fetch(`${server.url}${path}`, init)).arrayBuffer();
    // Every request was logged (its one "request completed" line), with the secret replaced.
    await expect
      .poll(() => (server.output().match(/request completed/g) ?? []).length, { timeout: 10_000 })
      .toBeGreaterThanOrEqual(requests.length);
    const log = server.output();
    // One line per request, with its status and time; not Fastify's two.
    const lines = log
      .split('\n')
      .filter((l) => l.includes('"request completed"'))
      .map((l) => JSON.parse(l) as { res?: { statusCode?: number }; responseTime?: number });
    expect(lines).toHaveLength(requests.length);
    for (const line of lines) {
      expect(line.res?.statusCode).toBeGreaterThanOrEqual(200);
      expect(line.responseTime).toBeGreaterThanOrEqual(0);
    }
    expect(log).not.toContain('incoming request');
    expect(log).toContain('/s/1234567890/[redacted]');
    expect(log).toContain('/web/v1/links/s/1234567890/[redacted]/enter');
    for (const s of secrets) expect(log, `secret ${s} in the log`).not.toContain(s);
  });
});

describe('redactUrl', () => {
  it('covers every route whose path carries a secret', async () => {
    const t = await buildTestApp();
    try {
      const withSecret = t.app.registeredRoutes.filter((r) => /:(secret|ticket|token|sig|tk|key)\b/i.test(r.url));
      expect(withSecret.length).toBeGreaterThanOrEqual(5);
      for (const route of withSecret) {
        const value = secret();
        const url = route.url.replace(/:([A-Za-z]+)/g, (_, name: string) =>
          /^(secret|ticket|token|sig|tk|key)$/i.test(name) ? value : name === 'kind' ? 'j' : '1234567890',
        );
        expect(redactUrl(url), route.url).not.toContain(value);
      }
    } finally {
      await t.close();
    }
  });
});
