import { execFileSync, spawn } from 'node:child_process';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/main.js';
import { loadConfig } from '../../src/config.js';
import { computeToken } from '../../src/domain/token.js';
import { serve } from '../../src/main.js';
import type { SiteRow } from '../../src/store/database.js';
import { findSiteBySign } from '../../src/store/sites.repository.js';
import { buildTestApp, createTestDatabase, gmt, send, sign, type TestApp, type TestDatabase } from '../helper.js';
import { bin, postForm as post, processEnv, startServer } from '../server-process.js';

/** Runs `huiguan <args>` in this process on the test's database (the one spawned test is `huiguan serve`'s). */
async function huiguan(
  database: TestDatabase,
  args: string[],
): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await runCli(args, {
    env: processEnv(database),
    out: (line) => (stdout += `${line}\n`),
    err: (line) => (stderr += `${line}\n`),
  });
  return { code, stdout, stderr };
}

describe('huiguan CLI on the database a running server uses', () => {
  let database: TestDatabase;
  let t: TestApp;
  beforeAll(async () => {
    database = await createTestDatabase();
    t = await buildTestApp({ database });
    t.clock.now = Date.now();
  });
  afterAll(async () => {
    await t.close();
    await database.drop();
  });

  const site = async (siteSign: string): Promise<SiteRow> => (await findSiteBySign(t.store.db, siteSign))!;

  it('site create --json prints one JSON object whose key the server accepts at once, once per token', async () => {
    const res = await huiguan(database, [
      'site',
      'create',
      '--sign',
      'acme',
      '--name',
      'Acme',
      '--parties',
      '100',
      '--json',
    ]);
    expect(res.code).toBe(0);
    const printed = JSON.parse(res.stdout);
    expect(printed).toMatchObject({
      siteSign: 'acme',
      name: 'Acme',
      totalNumParties: 100,
      state: 'active',
      expires: null,
    });
    expect(printed.apiKey).toMatch(/^[0-9a-f]{40}$/);

    const sent = sign(
      { site_sign: 'acme', api_key: printed.apiKey } as SiteRow,
      { userId: 'u1', userName: 'Alice' },
      t.clock.now,
    );
    expect((await send(t.app, 'createOrUpdateUser', sent)).body.status).toBe(100);
    expect((await send(t.app, 'createOrUpdateUser', sent)).body.status).toBe(704);
  });

  it('site create refuses a taken sign and a bad number, with a message and a non-zero exit', async () => {
    const taken = await huiguan(database, ['site', 'create', '--sign', 'acme', '--name', 'Again', '--parties', '5']);
    expect(taken.code).toBe(1);
    expect(taken.stderr).toContain('already exists');
    const bad = await huiguan(database, ['site', 'create', '--sign', 'b', '--name', 'B', '--parties', 'many']);
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toContain('--parties');
  });

  it('site update changes state, expiry and licence; the server sees it without a restart', async () => {
    const expired = await huiguan(database, [
      'site',
      'update',
      '--sign',
      'acme',
      '--state',
      'expired',
      '--parties',
      '50',
      '--json',
    ]);
    expect(expired.code).toBe(0);
    expect(JSON.parse(expired.stdout)).toMatchObject({ state: 'expired', totalNumParties: 50, usable: false });
    expect((await t.call('getUserByUserId', await site('acme'), { userId: 'u1' })).body.status).toBe(106);

    const back = await huiguan(database, [
      'site',
      'update',
      '--sign',
      'acme',
      '--state',
      'active',
      '--expires',
      '2099-12-31',
      '--regions',
      'cn-north,cn-east',
      '--json',
    ]);
    expect(JSON.parse(back.stdout)).toMatchObject({
      state: 'active',
      expires: '2099-12-31',
      regions: ['cn-north', 'cn-east'],
      usable: true,
    });
    expect((await t.call('getUserByUserId', await site('acme'), { userId: 'u1' })).body.status).toBe(100);

    const missing = await huiguan(database, ['site', 'update', '--sign', 'nope', '--parties', '1']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('nope');
  });

  it('site rotate-key replaces the key: the old one fails (102), the new one works', async () => {
    const before = await site('acme');
    const res = await huiguan(database, ['site', 'rotate-key', '--sign', 'acme', '--json']);
    const { apiKey } = JSON.parse(res.stdout);
    expect(apiKey).not.toBe(before.api_key);
    expect((await t.call('getUserByUserId', before, { userId: 'u1' })).body.status).toBe(102);
    expect((await t.call('getUserByUserId', { ...before, api_key: apiKey }, { userId: 'u1' })).body.status).toBe(100);
  });

  it('sign prints a timeStamp and its token, as lines for eval or as JSON, from --key or the site’s key in the database', async () => {
    const acme = await site('acme');
    const fromSite = await huiguan(database, ['sign', '--site', 'acme', 'u1']);
    expect(fromSite.code).toBe(0);
    const lines = Object.fromEntries(
      fromSite.stdout
        .trim()
        .split('\n')
        .map((l) => l.split('=') as [string, string]),
    );
    expect(Object.keys(lines)).toEqual(['TS', 'TOKEN']);
    expect(Math.abs(Number(lines.TS) - Date.now())).toBeLessThan(60_000);
    expect(lines.TOKEN).toBe(computeToken('u1', acme.api_key, lines.TS!));
    const params = { userId: 'u1', siteSign: 'acme', timeStamp: lines.TS!, token: lines.TOKEN! };
    t.clock.now = Number(lines.TS);
    expect((await send(t.app, 'getUserByUserId', params)).body.status).toBe(100);

    const json = await huiguan(database, ['sign', '--key', 'k3y', '--time', '1700000000000', '--json', '1234567890']);
    expect(JSON.parse(json.stdout)).toEqual({
      timeStamp: '1700000000000',
      token: computeToken('1234567890', 'k3y', '1700000000000'),
    });

    const neither = await huiguan(database, ['sign', 'u1']);
    expect(neither.code).toBe(1);
    expect(neither.stderr).toContain('--key');
    const both = await huiguan(database, ['sign', '--key', 'k', '--site', 'acme', 'u1']);
    expect(both.code).toBe(1);
    const unknown = await huiguan(database, ['sign', '--site', 'nosuch', 'u1']);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('nosuch');
    const badTime = await huiguan(database, ['sign', '--key', 'k', '--time', 'soon', 'u1']);
    expect(badTime.code).not.toBe(0);
    expect(badTime.stderr).toContain('--time');
  });

  it('room add fills the site’s pool; site list shows every site', async () => {
    const res = await huiguan(database, [
      'room',
      'add',
      '--site',
      'acme',
      '--capacity',
      '10',
      '--count',
      '3',
      '--expires',
      '2030-01-31',
      '--json',
    ]);
    expect(res.code).toBe(0);
    expect(JSON.parse(res.stdout).rooms).toEqual([{ capacity: 10, count: 3, expires: '2030-01-31' }]);
    const list = await huiguan(database, ['site', 'list', '--json']);
    const sites = JSON.parse(list.stdout);
    expect(sites.map((s: { siteSign: string }) => s.siteSign)).toContain('acme');
    const human = await huiguan(database, ['site', 'list']);
    expect(human.stdout).toContain('3×10 until 2030-01-31');
    const bad = await huiguan(database, ['room', 'add', '--site', 'acme', '--capacity', '0']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('capacity');
  });
});

describe('huiguan webhook', () => {
  it('adds an endpoint with its secret, lists it, shows the outbox and removes it', async () => {
    const database = await createTestDatabase();
    try {
      await huiguan(database, ['site', 'create', '--sign', 'hooked', '--name', 'Hooked', '--parties', '10']);
      const added = await huiguan(database, [
        'webhook',
        'add',
        '--site',
        'hooked',
        '--url',
        'https://crm.example.test/hook',
        '--events',
        'meeting.started',
        '--json',
      ]);
      expect(added.code).toBe(0);
      const endpoint = JSON.parse(added.stdout);
      expect(endpoint).toMatchObject({
        siteSign: 'hooked',
        url: 'https://crm.example.test/hook',
        events: 'meeting.started',
      });
      expect(endpoint.secret).toMatch(/^[0-9a-f]{64}$/);
      const listed = JSON.parse((await huiguan(database, ['webhook', 'list', '--site', 'hooked', '--json'])).stdout);
      expect(listed).toEqual([expect.objectContaining({ id: endpoint.id, url: 'https://crm.example.test/hook' })]);
      expect((await huiguan(database, ['webhook', 'deliveries', '--site', 'hooked'])).stdout).toContain(
        'no deliveries',
      );
      expect((await huiguan(database, ['webhook', 'add', '--site', 'hooked', '--url', 'not a url'])).stderr).toContain(
        'url',
      );
      expect(
        (await huiguan(database, ['webhook', 'remove', '--site', 'hooked', '--id', String(endpoint.id)])).code,
      ).toBe(0);
    } finally {
      await database.drop();
    }
  });
});

describe('huiguan | a reader that stops early (head)', () => {
  it('(spawned) ends quietly with 0 when its output pipe closes, without an EPIPE stack trace', async () => {
    const child = spawn(bin, ['sign', '--key', 'k', 'u1'], { stdio: ['ignore', 'pipe', 'pipe'] });
    // The reader is gone before the first line is written, as `head` is once it has its lines.
    child.stdout.destroy();
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(stderr).toBe('');
    expect(code).toBe(0);
  });
});

describe('huiguan rebuild-occupancy', () => {
  it('rebuilds the occupancy timeline from the meetings after they were changed behind the server’s back', async () => {
    const database = await createTestDatabase();
    const t = await buildTestApp({ database });
    try {
      const site = await t.site({ totalNumParties: 100 });
      const startTime = gmt(t.clock.now + 3_600_000);
      const booked = await t.call('confReservation', site, {
        userId: 'a',
        userName: 'A',
        confName: 'Held',
        startTime,
        duration: 60,
        confParties: 30,
      });
      expect(booked.body.status).toBe(100);
      const remaining = async () =>
        (await t.call('getReMainNumPartis', site, { userId: 'a', startTime, duration: 60 })).body.remainNumPartis;
      expect(await remaining()).toBe(70);
      // An operator's SQL changes the meeting's parties: the timeline does not follow it.
      await sql`update meetings set conf_parties = 60`.execute(t.store.db);
      expect(await remaining()).toBe(70);
      const res = await huiguan(database, ['rebuild-occupancy']);
      expect(res.code).toBe(0);
      expect(res.stdout).toMatch(/occupancy rebuilt from the meetings in \d+ ms/);
      expect(await remaining()).toBe(40);
    } finally {
      await t.close();
      await database.drop();
    }
  });
});

describe('huiguan migrate', () => {
  it('applies the migrations once', async () => {
    const database = await createTestDatabase();
    try {
      expect((await huiguan(database, ['migrate'])).stdout).toContain('applied: 0001-foundation');
      expect((await huiguan(database, ['migrate'])).stdout).toContain('up to date');
    } finally {
      await database.drop();
    }
  });
});

describe('huiguan serve', () => {
  it('(spawned: bin/huiguan on the build) creates site demo on an empty database, prints its key, serves it, and stops cleanly on SIGTERM', async () => {
    const database = await createTestDatabase();
    try {
      const server = await startServer(database);
      const banner = await server.waitForOutput(/Its API key([^\n]*)\n\s+([0-9a-f]{40})/);
      const key = banner[2];
      // Says where the key is shown again, with a command that runs from the project directory.
      expect(banner[1]).toContain('`./bin/huiguan site list`');
      expect(banner[1]).not.toContain('once');
      const [, recipe] = await server.waitForOutput(/Try it[^\n]*\n((?: {2}.*\n)+)/);
      // The recipe, run as printed (POSIX sh, no GNU date or md5sum): the server accepts its call.
      const answer = execFileSync('sh', ['-c', recipe!], { encoding: 'utf8' });
      expect(JSON.parse(answer)).toMatchObject({ status: 100, data: { userId: 'u1', userName: 'Alice' } });
      expect(await (await fetch(`${server.url}/readyz`)).json()).toEqual({ status: 'ok' });
      const ts = String(Date.now());
      const params = {
        userId: 'u1',
        userName: 'Alice',
        siteSign: 'demo',
        timeStamp: ts,
        token: computeToken('u1', key!, ts),
      };
      expect((await post(`${server.url}/openapi/v2/createOrUpdateUser`, params)).status).toBe(100);
      expect((await post(`${server.url}/openapi/v2/createOrUpdateUser`, params)).status).toBe(704);
      // Stopped at once: the buffered access lines are written before it exits.
      server.child.kill('SIGTERM');
      expect(await server.exited).toBe(0);
      const logs = server
        .output()
        .split('\n')
        .filter((l) => l.startsWith('{'));
      expect(logs.filter((l) => l.includes('request completed') && l.includes('createOrUpdateUser'))).toHaveLength(3);
      // Neither the key nor the token reached the request logs.
      expect(logs.join('\n')).not.toContain(key!);
      expect(logs.join('\n')).not.toContain(params.token);
    } finally {
      await database.drop();
    }
  });

  it('makes sure the site of HUIGUAN_SITE_SIGN / HUIGUAN_API_KEY exists, and creates no demo site then', async () => {
    const database = await createTestDatabase();
    try {
      const apiKey = 'container-provided-key-0123456789';
      let output = '';
      const config = loadConfig(
        processEnv(database, { PORT: '0', LOG_LEVEL: 'warn', HUIGUAN_SITE_SIGN: 'corp', HUIGUAN_API_KEY: apiKey }),
      );
      const server = await serve(config, (line) => (output += `${line}\n`));
      try {
        const url = /huiguan listening on (http:\/\/\S+)/.exec(output)![1];
        const ts = String(Date.now());
        const params = {
          userId: 'u9',
          userName: 'Bob',
          siteSign: 'corp',
          timeStamp: ts,
          token: computeToken('u9', apiKey, ts),
        };
        expect((await post(`${url}/openapi/v2/createOrUpdateUser`, params)).status).toBe(100);
        expect(output).not.toContain('Created site "demo"');
      } finally {
        await server.close();
      }
    } finally {
      await database.drop();
    }
  });
});
