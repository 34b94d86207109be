/**
 * `huiguan admin add` and the first start's banner (issue 19): each prints a one-time set-password link
 * that works in the console.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/main.js';
import { loadConfig } from '../../src/config.js';
import { serve } from '../../src/main.js';
import { buildTestApp, createTestDatabase, type TestApp, type TestDatabase } from '../helper.js';
import { processEnv } from '../server-process.js';
import { ConsoleBrowser, PASSWORD, secretOf } from './console-client.js';

async function huiguan(database: TestDatabase, args: string[], env: Record<string, string> = {}) {
  let stdout = '';
  let stderr = '';
  const code = await runCli(args, {
    env: processEnv(database, env),
    out: (line) => (stdout += `${line}\n`),
    err: (line) => (stderr += `${line}\n`),
  });
  return { code, stdout, stderr };
}

const LINK = /https?:\/\/\S+\/console\/set-password#[A-Za-z0-9_-]{43}/;

describe('huiguan admin add', { timeout: 60_000 }, () => {
  let database: TestDatabase;
  let t: TestApp;
  beforeAll(async () => {
    database = await createTestDatabase();
    t = await buildTestApp({ database, realClock: true });
    await t.site({ siteSign: 'acme' });
  });
  afterAll(async () => {
    await t.close();
    await database.drop();
  });

  it('--site prints a link, based on HUIGUAN_PUBLIC_URL, with which the owner sets a password and signs in', async () => {
    const res = await huiguan(database, ['admin', 'add', '--site', 'acme', '--email', 'Boss@Acme.example'], {
      HUIGUAN_PUBLIC_URL: 'https://meet.acme.example/',
    });
    expect(res.stderr).toBe('');
    expect(res.code).toBe(0);
    expect(res.stdout).toContain('console account boss@acme.example: owner of site acme');
    const link = LINK.exec(res.stdout)![0];
    expect(link.startsWith('https://meet.acme.example/console/set-password#')).toBe(true);

    const browser = new ConsoleBrowser(t.app);
    expect(
      (await browser.post('/console/api/set-password', { secret: secretOf(link), password: PASSWORD })).status,
    ).toBe(200);
    const me = await browser.signIn('boss@acme.example');
    expect(me.body.account).toMatchObject({ role: 'owner', siteSign: 'acme', operator: false });
    // The link worked once.
    expect(
      (await browser.post('/console/api/set-password', { secret: secretOf(link), password: PASSWORD })).status,
    ).toBe(404);
  });

  it('--role viewer and --operator --json', async () => {
    const viewer = await huiguan(database, [
      'admin',
      'add',
      '--site',
      'acme',
      '--email',
      'v@acme.example',
      '--role',
      'viewer',
    ]);
    expect(viewer.stdout).toContain('viewer of site acme');
    const ops = await huiguan(database, ['admin', 'add', '--operator', '--email', 'ops@example.com', '--json']);
    expect(ops.code).toBe(0);
    const printed = JSON.parse(ops.stdout);
    expect(printed).toMatchObject({ email: 'ops@example.com', siteSign: null, role: 'owner', operator: true });
    const browser = new ConsoleBrowser(t.app);
    await browser.post('/console/api/set-password', { secret: secretOf(printed.setPasswordUrl), password: PASSWORD });
    expect((await browser.signIn('ops@example.com')).body.account.operator).toBe(true);
  });

  it('refuses an unknown site, a taken email, a bad role, and neither or both of --site and --operator', async () => {
    const cases: [string[], RegExp][] = [
      [['--site', 'nowhere', '--email', 'a@b.example'], /no site "nowhere"/],
      [['--site', 'acme', '--email', 'BOSS@acme.example'], /exists already/],
      [['--site', 'acme', '--email', 'c@b.example', '--role', 'admin'], /owner or viewer/],
      [['--email', 'd@b.example'], /either --site/],
      [['--site', 'acme', '--operator', '--email', 'e@b.example'], /either --site/],
      [['--site', 'acme', '--email', 'not-an-email'], /not an email address/],
    ];
    for (const [args, message] of cases) {
      const res = await huiguan(database, ['admin', 'add', ...args]);
      expect(res.code, args.join(' ')).not.toBe(0);
      expect(res.stderr).toMatch(message);
      expect(res.stdout).toBe('');
    }
  });
});

describe('the first start', { timeout: 60_000 }, () => {
  it('prints a set-password link for the demo site’s owner that works on the server it started', async () => {
    const database = await createTestDatabase();
    let printed = '';
    const config = loadConfig({ ...processEnv(database), PORT: '0', LOG_LEVEL: 'silent', HUIGUAN_RATE_LIMIT: 'off' });
    const server = await serve(config, (line) => (printed += `${line}\n`));
    try {
      expect(printed).toContain(`Site console: ${server.url}/console/`);
      const link = LINK.exec(printed)![0];
      expect(link.startsWith(`${server.url}/console/set-password#`)).toBe(true);
      const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
        fetch(`${server.url}${path}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', origin: server.url, ...headers },
          body: JSON.stringify(body),
        });
      expect((await post('/console/api/set-password', { secret: secretOf(link), password: PASSWORD })).status).toBe(
        200,
      );
      const signedIn = await post('/console/api/sign-in', { email: 'owner@demo.example', password: PASSWORD });
      expect(signedIn.status).toBe(200);
      expect(((await signedIn.json()) as { site: unknown }).site).toMatchObject({
        siteSign: 'demo',
        totalNumParties: 100,
      });
    } finally {
      await server.close();
      await database.drop();
    }
  });
});
