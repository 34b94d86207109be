/**
 * A site's console accounts (issue 19): owners invite (a one-time set-password link), viewers only look;
 * operators see every site; the API key is shown only to an owner who asks, and the asking is logged.
 */
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SiteRow } from '../../src/store/database.js';
import { buildTestApp, type TestApp } from '../helper.js';
import { ConsoleBrowser, consoleAccount, PASSWORD, secretOf } from './console-client.js';

let t: TestApp;
let acme: SiteRow;
let globex: SiteRow;
const logLines: string[] = [];

beforeAll(async () => {
  const sink = new Writable({
    write(chunk, _encoding, done) {
      logLines.push(...String(chunk).split('\n').filter(Boolean));
      done();
    },
  });
  t = await buildTestApp({ logger: pino({ level: 'info' }, sink) });
  acme = await t.site({ siteSign: 'acme' });
  globex = await t.site({ siteSign: 'globex' });
  await consoleAccount(t, acme, 'owner@acme.example');
  await consoleAccount(t, acme, 'viewer@acme.example', 'viewer');
  await consoleAccount(t, null, 'ops@operator.example');
});
afterAll(async () => t?.close());

const signedIn = async (email: string) => {
  const browser = new ConsoleBrowser(t.app);
  expect((await browser.signIn(email)).status).toBe(200);
  return browser;
};

describe('inviting', () => {
  it('an owner invites by email and gets a one-time link with which the invited person signs in', async () => {
    const owner = await signedIn('owner@acme.example');
    const res = await owner.post('/console/api/sites/acme/accounts', {
      email: 'New.Person@acme.example',
      role: 'viewer',
    });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      account: {
        email: 'new.person@acme.example',
        role: 'viewer',
        operator: false,
        siteSign: 'acme',
        status: 'invited',
        createdAt: new Date(t.clock.now).toISOString(),
      },
      setPasswordUrl: expect.stringMatching(/^http:\/\/meet\.example\.test\/console\/set-password#[A-Za-z0-9_-]{43}$/),
      expiresAt: new Date(t.clock.now + 3 * 86_400_000).toISOString(),
    });
    const invited = new ConsoleBrowser(t.app);
    const secret = secretOf(res.body.setPasswordUrl);
    expect((await invited.post('/console/api/set-password', { secret, password: PASSWORD })).status).toBe(200);
    const me = await invited.signIn('new.person@acme.example');
    expect(me.body.account).toMatchObject({ role: 'viewer', siteSign: 'acme', status: 'active' });
  });

  it('refuses an email that has an account (on any site) and text that is no email', async () => {
    const owner = await signedIn('owner@acme.example');
    const taken = await owner.post('/console/api/sites/acme/accounts', {
      email: 'OPS@operator.example',
      role: 'owner',
    });
    expect(taken.status).toBe(409);
    expect(taken.body.error).toBe('email_taken');
    const bad = await owner.post('/console/api/sites/acme/accounts', { email: 'no email here', role: 'owner' });
    expect(bad.status).toBe(400);
    expect(bad.body.error).toBe('bad_email');
    const role = await owner.post('/console/api/sites/acme/accounts', { email: 'x@acme.example', role: 'admin' });
    expect(role.status).toBe(400);
  });

  it('is not for viewers: they are refused and nothing is created', async () => {
    const viewer = await signedIn('viewer@acme.example');
    const res = await viewer.post('/console/api/sites/acme/accounts', { email: 'sneaky@acme.example', role: 'owner' });
    expect(res.status).toBe(403);
    expect(res.body.error).toBe('not_allowed');
    const list = await viewer.get('/console/api/sites/acme/accounts');
    expect(list.body.accounts.map((a: { email: string }) => a.email)).not.toContain('sneaky@acme.example');
  });
});

describe('listing', () => {
  it('shows the site’s accounts to its owners and viewers, without operators', async () => {
    for (const email of ['owner@acme.example', 'viewer@acme.example']) {
      const res = await (await signedIn(email)).get('/console/api/sites/acme/accounts');
      expect(res.status).toBe(200);
      const emails = res.body.accounts.map((a: { email: string }) => a.email);
      expect(emails).toEqual([...emails].sort());
      expect(emails).toEqual(expect.arrayContaining(['owner@acme.example', 'viewer@acme.example']));
      expect(emails).not.toContain('ops@operator.example');
      expect(JSON.stringify(res.body)).not.toContain('scrypt');
    }
  });
});

describe('operators', () => {
  it('see every site, its overview and accounts, and invite on any', async () => {
    const ops = await signedIn('ops@operator.example');
    const me = await ops.get('/console/api/me');
    expect(me.body.account).toMatchObject({ operator: true, siteSign: null, role: 'owner' });
    expect(me.body.site).toBeNull();
    const sites = await ops.get('/console/api/sites');
    expect(sites.body.sites.map((s: { siteSign: string }) => s.siteSign)).toEqual(['acme', 'globex']);
    expect((await ops.get('/console/api/sites/globex')).body).toMatchObject({
      siteSign: 'globex',
      totalNumParties: 100,
    });
    const invite = await ops.post('/console/api/sites/globex/accounts', {
      email: 'boss@globex.example',
      role: 'owner',
    });
    expect(invite.status).toBe(200);
    expect((await ops.get('/console/api/sites/globex/accounts')).body.accounts).toHaveLength(1);
    expect((await ops.get('/console/api/sites/nowhere')).status).toBe(404);
  });
});

describe('revealing the API key', () => {
  it('answers an owner and an operator, logs who asked for which site, never the key', async () => {
    logLines.length = 0;
    const owner = await signedIn('owner@acme.example');
    const res = await owner.post('/console/api/sites/acme/api-key');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ apiKey: acme.api_key });
    expect(res.headers['cache-control']).toBe('no-store');
    const ops = await signedIn('ops@operator.example');
    expect((await ops.post('/console/api/sites/globex/api-key')).body).toEqual({ apiKey: globex.api_key });

    await new Promise((resolve) => setTimeout(resolve, 50));
    const reveals = logLines.map((l) => JSON.parse(l)).filter((l) => l.msg === 'console: API key revealed');
    expect(reveals).toEqual([
      expect.objectContaining({ email: 'owner@acme.example', siteSign: 'acme', consoleAccount: expect.any(Number) }),
      expect.objectContaining({ email: 'ops@operator.example', siteSign: 'globex' }),
    ]);
    const everything = logLines.join('\n');
    expect(everything).not.toContain(acme.api_key);
    expect(everything).not.toContain(globex.api_key);
    expect(everything).not.toContain(PASSWORD);
  });

  it('is refused to a viewer, and needs the CSRF token', async () => {
    const viewer = await signedIn('viewer@acme.example');
    const res = await viewer.post('/console/api/sites/acme/api-key');
    expect(res.status).toBe(403);
    expect(JSON.stringify(res.body)).not.toContain(acme.api_key);
    const owner = await signedIn('owner@acme.example');
    expect((await owner.post('/console/api/sites/acme/api-key', undefined, { csrf: null })).status).toBe(403);
  });
});
