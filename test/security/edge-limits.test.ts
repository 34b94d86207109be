import { spawn } from 'node:child_process';
import http from 'node:http';
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API_BODY_LIMIT, UPLOAD_ROUTES } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { MAX_JSON_DEPTH, MAX_JSON_KEYS, MAX_KEY_LENGTH, MAX_PARAMETERS } from '../../src/api/params.js';
import type { SiteRow } from '../../src/store/database.js';
import { buildTestApp, createTestDatabase, gmt, type TestApp, type TestDatabase } from '../helper.js';
import { startServer, type ServerProcess } from '../server-process.js';

const FORM = { 'content-type': 'application/x-www-form-urlencoded' };
const JSON_TYPE = { 'content-type': 'application/json' };

/** The bodies of issue 14: what stalled the server for seconds. */
const attack = {
  /** About 870 KB, 100,000 parameters. */
  form: () => Array.from({ length: 100_000 }, (_, i) => `p${i}=v`).join('&'),
  /** 60,000 keys. */
  jsonKeys: () => JSON.stringify(Object.fromEntries(Array.from({ length: 60_000 }, (_, i) => [`k${i}`, i]))),
  /** An array 500,000 deep. */
  deepArray: () => '['.repeat(500_000) + ']'.repeat(500_000),
};

describe('request bodies of the API', () => {
  let t: TestApp;
  let site: SiteRow;
  beforeAll(async () => {
    t = await buildTestApp();
    site = await t.site();
  });
  afterAll(async () => t?.close());

  const post = (payload: string, headers: Record<string, string>, url = '/openapi/v2/getUserByUserId') =>
    t.app.inject({ method: 'POST', url, headers, payload });

  it('refuse more parameters than any endpoint takes, before reading them, with 109 naming the limit', async () => {
    const form = await post(Array.from({ length: MAX_PARAMETERS + 1 }, (_, i) => `p${i}=v`).join('&'), FORM);
    expect(form.json()).toMatchObject({ status: 109 });
    expect(form.json().message).toContain(`at most ${MAX_PARAMETERS} parameters`);
    const query = await t.app.inject({
      url: `/openapi/v2/getUserByUserId?${Array.from({ length: MAX_PARAMETERS + 1 }, (_, i) => `q${i}=v`).join('&')}`,
    });
    expect(query.json()).toMatchObject({ status: 109 });
    expect(query.json().message).toContain(`at most ${MAX_PARAMETERS} parameters`);
    const keys = await post(
      JSON.stringify(Object.fromEntries(Array.from({ length: MAX_JSON_KEYS + 1 }, (_, i) => [`k${i}`, 1]))),
      JSON_TYPE,
    );
    expect(keys.json()).toMatchObject({ status: 109 });
    expect(keys.json().message).toContain(`at most ${MAX_JSON_KEYS} keys`);
  });

  it('refuse nesting deeper than any endpoint’s parameters and overlong parameter names', async () => {
    const deep = await post(
      `{"custom_questions":${'['.repeat(MAX_JSON_DEPTH)}${']'.repeat(MAX_JSON_DEPTH)}}`,
      JSON_TYPE,
    );
    expect(deep.json()).toMatchObject({ status: 109 });
    expect(deep.json().message).toContain(`nested at most ${MAX_JSON_DEPTH} deep`);
    // Brackets inside strings are text, not nesting.
    const inText = await post(JSON.stringify({ userId: '['.repeat(1000) }), JSON_TYPE);
    expect(inText.json().message).not.toContain('nested');
    const longName = 'n'.repeat(MAX_KEY_LENGTH + 1);
    for (const [payload, headers] of [
      [`${longName}=1`, FORM],
      [JSON.stringify({ [longName]: 1 }), JSON_TYPE],
    ] as const) {
      const res = await post(payload, headers);
      expect(res.json()).toMatchObject({ status: 109 });
      expect(res.json().message).toContain(`names of at most ${MAX_KEY_LENGTH} characters`);
    }
  });

  it('refuse a body over the API’s limit with HTTP 413 and status 109, whatever its encoding', async () => {
    expect(API_BODY_LIMIT).toBeLessThanOrEqual(256 * 1024);
    for (const [payload, headers] of [
      [attack.form(), FORM],
      [attack.jsonKeys(), JSON_TYPE],
      [attack.deepArray(), JSON_TYPE],
    ] as const) {
      const res = await post(payload, headers);
      expect(res.statusCode).toBe(413);
      expect(res.json()).toMatchObject({ status: 109 });
    }
    const media = await post(attack.deepArray(), JSON_TYPE, '/media/v1/events');
    expect(media.statusCode).toBe(413);
  });

  it('take the largest legitimate request: 100 registration questions in Chinese, form-encoded', async () => {
    const reservation = await t.call('confReservation', site, {
      userId: 'host1',
      userName: 'Host',
      confName: 'Webinar',
      startTime: gmt(Math.floor((t.clock.now + 3_600_000) / 1000) * 1000),
      duration: 60,
      confParties: 50,
    });
    expect(reservation.body.status).toBe(100);
    const han = (n: number, seed: number) =>
      Array.from({ length: n }, (_, i) => String.fromCharCode(0x4e00 + ((seed * 31 + i) % 20_000))).join('');
    const custom = Array.from({ length: 100 }, (_, q) => ({
      title: han(40, q),
      type: 'single',
      answers: Array.from({ length: 10 }, (_, a) => han(20, q * 10 + a)),
      required: q % 2 === 0,
    }));
    const questions = [
      'last_name',
      'address',
      'city',
      'country',
      'zip',
      'state',
      'phone',
      'industry',
      'org',
      'job_title',
      'purchasing_time_frame',
      'role_in_purchase_process',
      'no_of_employees',
      'comments',
    ].map((field_name) => ({ field_name, required: true }));
    const res = await t.call('updateRegistrationQuestions', site, {
      userId: 'host1',
      confId: reservation.body.data.confId,
      custom_questions: JSON.stringify(custom),
      questions: JSON.stringify(questions),
    });
    expect(new URLSearchParams(res.sent).toString().length).toBeGreaterThan(200 * 1024);
    expect(res.body).toEqual({ status: 100, message: 'success' });
  });
});

describe('slow request bodies', () => {
  it('are cut off after the short request timeout on API routes', async () => {
    const t = await buildTestApp({ config: { bodyTimeoutMs: 300 } });
    try {
      const address = await t.app.listen({ port: 0, host: '127.0.0.1' });
      const { port } = new URL(address);
      const started = Date.now();
      const { closedAfter, answer } = await new Promise<{ closedAfter: number; answer: string }>((resolve, reject) => {
        let answer = '';
        const socket = net.connect(Number(port), '127.0.0.1');
        // Headers promise 100 bytes; 10 come, then nothing.
        socket.write(
          'POST /openapi/v2/getUserByUserId HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 100\r\n\r\nuserId=u1&',
        );
        socket.on('data', (chunk: Buffer) => (answer += chunk.toString()));
        socket.on('close', () => resolve({ closedAfter: Date.now() - started, answer }));
        socket.on('error', () => undefined);
        setTimeout(() => reject(new Error('still open after 20 s')), 20_000).unref();
      });
      expect(closedAfter).toBeLessThan(20_000);
      expect(answer).toMatch(/^HTTP\/1\.1 408/);
    } finally {
      await t.close();
    }
  }, 30_000);

  it('on upload routes only get the long timeout; the short one is 30 s by default', async () => {
    const t = await buildTestApp();
    try {
      const registered = new Set(t.app.registeredRoutes.map((r) => `${r.method} ${r.url}`));
      for (const route of UPLOAD_ROUTES) expect(registered, route).toContain(route);
    } finally {
      await t.close();
    }
    expect(loadConfig({}).bodyTimeoutMs).toBe(30_000);
    expect(loadConfig({}).requestTimeoutMs).toBe(3_600_000);
    expect(loadConfig({ HUIGUAN_BODY_TIMEOUT_SECONDS: '5' }).bodyTimeoutMs).toBe(5000);
  });
});

describe('x-request-id', () => {
  let t: TestApp;
  beforeAll(async () => (t = await buildTestApp()));
  afterAll(async () => t?.close());

  it('is the client’s only when short and plain, else one of the server’s', async () => {
    const echoed = async (id: string) =>
      (await t.app.inject({ url: '/healthz', headers: { 'x-request-id': id } })).headers['x-request-id'];
    expect(await echoed('req-42.a:b_c')).toBe('req-42.a:b_c');
    for (const bad of ['x'.repeat(8000), 'x'.repeat(65), 'a b', '<script>', 'a\u00e9']) {
      const answered = await echoed(bad);
      expect(answered).not.toBe(bad);
      expect(answered).toMatch(/^[0-9a-f-]{36}$/);
    }
  });
});

describe('/docs', () => {
  let t: TestApp;
  beforeAll(async () => (t = await buildTestApp()));
  afterAll(async () => t?.close());

  it('is served with a CSP that lets the API browser style itself, scripts still only from the server', async () => {
    const page = await t.app.inject('/docs/');
    const csp = String(page.headers['content-security-policy']);
    const directive = (name: string) =>
      csp
        .split(';')
        .map((d) => d.trim())
        .find((d) => d.startsWith(`${name} `)) ?? '';
    expect(directive('style-src')).toContain("'unsafe-inline'");
    // A hash or nonce beside 'unsafe-inline' makes browsers ignore 'unsafe-inline'.
    expect(directive('style-src')).not.toMatch(/sha256-|nonce-/);
    expect(directive('style-src')).not.toContain('https:');
    expect(directive('script-src')).toBe("script-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toContain('upgrade-insecure-requests');
  });

  it('does not keep the API key in the browser’s storage', async () => {
    const init = await t.app.inject('/docs/static/swagger-initializer.js');
    expect(init.statusCode).toBe(200);
    expect(init.body).not.toMatch(/persistAuthorization["']?\s*:\s*true/);
  });
});

/**
 * Asks `/healthz` every 20 ms from a process of its own, so that the test's own work (building and
 * sending the bodies) does not count in the latencies; `stop()` answers them, in ms.
 */
function startProbe(url: string): { started: Promise<void>; stop(): Promise<number[]> } {
  const script = `
    const latencies = [];
    let running = true;
    process.stdin.on('data', () => (running = false));
    (async () => {
      process.stdout.write('started\\n');
      while (running) {
        const started = performance.now();
        await (await fetch(process.argv[1] + '/healthz')).text();
        latencies.push(performance.now() - started);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      process.stdout.write(JSON.stringify(latencies) + '\\n', () => process.exit(0));
    })();`;
  const child = spawn(process.execPath, ['-e', script, url], { stdio: ['pipe', 'pipe', 'inherit'] });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  return {
    started: new Promise((resolve) => child.stdout.once('data', () => resolve())),
    stop: async () => {
      child.stdin.end('stop');
      await exited;
      return JSON.parse(output.split('\n')[1]!) as number[];
    },
  };
}

describe('hostile bodies against a running server', () => {
  let database: TestDatabase;
  let server: ServerProcess;
  beforeAll(async () => {
    database = await createTestDatabase();
    server = await startServer(database, { LOG_LEVEL: 'warn', HUIGUAN_RATE_LIMIT: 'off' });
  }, 60_000);
  afterAll(async () => {
    await server?.stop();
    await database?.drop();
  });

  /** Sends `body` and answers the HTTP status, or 0 when the server closed the connection first. */
  const send = (path: string, body: string, type: string, chunked: boolean) =>
    new Promise<number>((resolve) => {
      const req = http.request(`${server.url}${path}`, {
        method: 'POST',
        headers: {
          'content-type': type,
          ...(chunked ? { 'transfer-encoding': 'chunked' } : { 'content-length': Buffer.byteLength(body) }),
        },
      });
      req.on('response', (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      });
      req.on('error', () => resolve(0));
      req.end(body);
    });

  it('keep /healthz answering within 100 ms while they arrive', async () => {
    const bodies: [string, string][] = [
      [attack.form(), FORM['content-type']],
      [attack.jsonKeys(), JSON_TYPE['content-type']],
      [attack.deepArray(), JSON_TYPE['content-type']],
      // Within the byte limit: the most parameters, keys and nesting that fit.
      ['a&'.repeat(API_BODY_LIMIT / 2 - 1), FORM['content-type']],
      [`{${'"a":0,'.repeat(Math.floor((API_BODY_LIMIT - 2) / 6) - 1)}"a":0}`, JSON_TYPE['content-type']],
      ['['.repeat(API_BODY_LIMIT / 2 - 1) + ']'.repeat(API_BODY_LIMIT / 2 - 1), JSON_TYPE['content-type']],
    ];
    const probe = startProbe(server.url);
    await probe.started;
    const answers: number[] = [];
    // Rounds for at least 3 s; in each, every body at once, sent with a length and chunked.
    const attackStarted = Date.now();
    for (let round = 0; round < 4 || Date.now() - attackStarted < 3000; round += 1) {
      const sent = bodies.flatMap(([body, type]) =>
        [false, true].map((chunked) => send('/openapi/v2/getUserByUserId', body, type, chunked)),
      );
      answers.push(...(await Promise.all(sent)));
    }
    const latencies = await probe.stop();

    // Before the limits a single such body stalled /healthz for 5 s (11 s on PostgreSQL), so a stall shows as one
    // probe of seconds: none may pass 1 s. The typical probe stays under 100 ms (median); the tail is bounded
    // loosely, because in CI other test files share the machine's two cores with this server (a p95 of 113 ms
    // was seen there; about 20 ms on a quiet machine).
    const sorted = [...latencies].sort((a, b) => a - b);
    const at = (q: number) => sorted[Math.floor(sorted.length * q)]!;
    const seen = `probe latencies ${sorted.map((l) => l.toFixed(0)).join(',')}`;
    expect(latencies.length).toBeGreaterThan(20);
    expect(at(0.5), seen).toBeLessThan(100);
    expect(at(0.95), seen).toBeLessThan(500);
    expect(sorted.at(-1)!, seen).toBeLessThan(1000);
  }, 120_000);
});
