/**
 * The console's sign-in (issue 19): sessions in an HttpOnly cookie, lock-out with backoff, sign-out here
 * and everywhere, one-time set-password links, and the guards against cross-site requests.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addConsoleAccount, issuePasswordLink, PASSWORD_LINK_TTL_MS } from '../../src/domain/console-accounts.js';
import { CONSOLE_SESSION } from '../../src/domain/console-sessions.js';
import { findConsoleAccountByEmail } from '../../src/store/console-accounts.repository.js';
import type { SiteRow } from '../../src/store/database.js';
import { buildTestApp, type TestApp } from '../helper.js';
import { ConsoleBrowser, consoleAccount, PASSWORD } from './console-client.js';

const MIN = 60_000;
let t: TestApp;
let site: SiteRow;

beforeAll(async () => {
  t = await buildTestApp();
  site = await t.site({ siteSign: 'acme' });
  await consoleAccount(t, site, 'owner@acme.example');
});
afterAll(async () => t?.close());

describe('signing in', () => {
  it('opens a session in an HttpOnly, SameSite=Lax cookie for /console and answers who is signed in', async () => {
    const browser = new ConsoleBrowser(t.app);
    const res = await browser.signIn('  Owner@ACME.example ');
    expect(res.status).toBe(200);
    expect(res.cookie).toMatch(
      /^huiguan_console=[A-Za-z0-9_-]{43}; Path=\/console; Max-Age=604800; HttpOnly; SameSite=Lax$/,
    );
    expect(res.body).toEqual({
      account: {
        email: 'owner@acme.example',
        role: 'owner',
        operator: false,
        siteSign: 'acme',
        status: 'active',
        createdAt: expect.any(String),
      },
      site: { siteSign: 'acme', name: 'Test site', totalNumParties: 100, state: 'active', expires: null, usable: true },
      csrfToken: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
    });
    expect(res.headers['cache-control']).toBe('no-store');
    const me = await browser.get('/console/api/me');
    expect(me.status).toBe(200);
    expect(me.body.account.email).toBe('owner@acme.example');
    expect(me.body.csrfToken).toBe(res.body.csrfToken);
    expect(JSON.stringify(me.body)).not.toContain(site.api_key);
  });

  it('keeps only hashes of session ids and passwords in the database', async () => {
    const browser = new ConsoleBrowser(t.app);
    await browser.signIn('owner@acme.example');
    const id = browser.cookie.split('=')[1]!;
    const sessions = await t.store.db.selectFrom('console_sessions').selectAll().execute();
    expect(sessions.length).toBeGreaterThan(0);
    for (const s of sessions) expect(JSON.stringify(s)).not.toContain(id);
    const account = await findConsoleAccountByEmail(t.store.db, 'owner@acme.example');
    expect(account!.password_hash).toMatch(/^scrypt\$15\$8\$1\$/);
    expect(account!.password_hash).not.toContain(PASSWORD);
  });

  it('marks the cookie Secure when the request came over HTTPS through a trusted proxy', async () => {
    const proxied = await buildTestApp({ config: { trustProxy: ['127.0.0.1'] } });
    try {
      const acme = await proxied.site({ siteSign: 'acme' });
      await consoleAccount(proxied, acme, 'owner@acme.example');
      const browser = new ConsoleBrowser(proxied.app);
      const res = await browser.post(
        '/console/api/sign-in',
        { email: 'owner@acme.example', password: PASSWORD },
        { headers: { 'x-forwarded-proto': 'https', origin: 'https://console.example', host: 'console.example' } },
      );
      expect(res.status).toBe(200);
      expect(res.cookie).toMatch(/; HttpOnly; SameSite=Lax; Secure$/);
    } finally {
      await proxied.close();
    }
  });

  it('refuses a wrong password, an unknown email and an account without a password alike', async () => {
    await addConsoleAccount(t.store.db, { site, email: 'invited@acme.example', role: 'viewer' }, t.clock.now);
    for (const [email, password] of [
      ['owner@acme.example', 'wrong password!'],
      ['nobody@acme.example', PASSWORD],
      ['invited@acme.example', PASSWORD],
      ['not an email', PASSWORD],
    ]) {
      const res = await new ConsoleBrowser(t.app, { remoteAddress: '10.9.9.9' }).signIn(email!, password);
      expect(res.status, email).toBe(401);
      expect(res.body).toEqual({ error: 'bad_credentials', message: expect.stringContaining('not right') });
      expect(res.cookie).toBeUndefined();
    }
  });

  it('locks an account out after five wrong passwords, for a minute, then doubling', async () => {
    await consoleAccount(t, site, 'target@acme.example');
    const attacker = (n: number) => new ConsoleBrowser(t.app, { remoteAddress: `10.1.0.${n}` });
    for (let i = 1; i <= 5; i++) {
      t.clock.now += 1000;
      expect((await attacker(i).signIn('target@acme.example', `guess ${i}`)).status).toBe(401);
    }
    // Locked for everyone, the right password too, from another address too.
    const refused = await new ConsoleBrowser(t.app, { remoteAddress: '10.2.0.1' }).signIn('target@acme.example');
    expect(refused.status).toBe(429);
    expect(refused.body).toMatchObject({ error: 'too_many_attempts', retryAfterSeconds: 60 });
    expect(refused.headers['retry-after']).toBe('60');
    // Other accounts are not affected.
    expect((await new ConsoleBrowser(t.app).signIn('owner@acme.example')).status).toBe(200);

    t.clock.now += MIN;
    expect((await attacker(6).signIn('target@acme.example', 'guess 6')).status).toBe(401);
    const second = await attacker(7).signIn('target@acme.example', 'guess 7');
    expect(second.status).toBe(429);
    expect(second.body.retryAfterSeconds).toBe(120);

    t.clock.now += 2 * MIN;
    const owner = await new ConsoleBrowser(t.app).signIn('target@acme.example');
    expect(owner.status).toBe(200);
    // A sign-in forgets the failures: the next wrong password is the first again.
    expect((await attacker(8).signIn('target@acme.example', 'guess 8')).status).toBe(401);
    expect((await new ConsoleBrowser(t.app).signIn('target@acme.example')).status).toBe(200);
  });

  it('counts parallel tries one by one: ten at once get five refusals and five lock-outs', async () => {
    await consoleAccount(t, site, 'parallel@acme.example');
    t.clock.now += 3_600_000;
    const answers = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        new ConsoleBrowser(t.app, { remoteAddress: `10.4.0.${i}` }).signIn('parallel@acme.example', `guess ${i}`),
      ),
    );
    expect(answers.map((a) => a.status).sort()).toEqual([401, 401, 401, 401, 401, 429, 429, 429, 429, 429]);
  });

  it('holds one client address that fails on twenty emails, not the others', async () => {
    const sprayer = new ConsoleBrowser(t.app, { remoteAddress: '10.3.0.1' });
    for (let i = 0; i < 20; i++) {
      t.clock.now += 1000;
      expect((await sprayer.signIn(`someone${i}@acme.example`, 'Winter2026!')).status).toBe(401);
    }
    const held = await sprayer.signIn('owner@acme.example');
    expect(held.status).toBe(429);
    expect(held.body.retryAfterSeconds).toBe(60);
    expect((await new ConsoleBrowser(t.app, { remoteAddress: '10.3.0.2' }).signIn('owner@acme.example')).status).toBe(
      200,
    );
  });

  it('ends a session after 12 idle hours and after 7 days whatever its use', async () => {
    const browser = new ConsoleBrowser(t.app);
    await browser.signIn('owner@acme.example');
    t.clock.now += CONSOLE_SESSION.idleMs - MIN;
    expect((await browser.get('/console/api/me')).status).toBe(200);
    t.clock.now += CONSOLE_SESSION.idleMs - MIN;
    expect((await browser.get('/console/api/me')).status).toBe(200);
    t.clock.now += CONSOLE_SESSION.idleMs;
    expect((await browser.get('/console/api/me')).body).toMatchObject({ error: 'signed_out' });

    const busy = new ConsoleBrowser(t.app);
    await busy.signIn('owner@acme.example');
    const end = t.clock.now + CONSOLE_SESSION.lifetimeMs;
    while (t.clock.now + 6 * 3_600_000 < end) {
      t.clock.now += 6 * 3_600_000;
      expect((await busy.get('/console/api/me')).status).toBe(200);
    }
    t.clock.now = end;
    expect((await busy.get('/console/api/me')).status).toBe(401);
  });
});

describe('signing out', () => {
  it('ends this session and clears the cookie; the old cookie no longer works', async () => {
    const browser = new ConsoleBrowser(t.app);
    await browser.signIn('owner@acme.example');
    const old = browser.cookie;
    const res = await browser.post('/console/api/sign-out');
    expect(res.status).toBe(200);
    expect(res.cookie).toMatch(/^huiguan_console=; Path=\/console; Max-Age=0; HttpOnly; SameSite=Lax$/);
    browser.cookie = old;
    expect((await browser.get('/console/api/me')).status).toBe(401);
  });

  it('everywhere ends every session of the account, and no other account’s', async () => {
    await consoleAccount(t, site, 'colleague@acme.example', 'viewer');
    const laptop = new ConsoleBrowser(t.app);
    const phone = new ConsoleBrowser(t.app);
    const colleague = new ConsoleBrowser(t.app);
    await laptop.signIn('owner@acme.example');
    await phone.signIn('owner@acme.example');
    await colleague.signIn('colleague@acme.example');
    expect((await phone.post('/console/api/sign-out-everywhere')).status).toBe(200);
    expect((await laptop.get('/console/api/me')).status).toBe(401);
    expect((await phone.get('/console/api/me')).status).toBe(401);
    expect((await colleague.get('/console/api/me')).status).toBe(200);
  });
});

describe('set-password links', () => {
  it('work once, say whose they are, and end the account’s sessions', async () => {
    const { account, secret } = await addConsoleAccount(
      t.store.db,
      { site, email: 'new@acme.example', role: 'viewer' },
      t.clock.now,
    );
    const browser = new ConsoleBrowser(t.app);
    const info = await browser.post('/console/api/password-link', { secret });
    expect(info.status).toBe(200);
    expect(info.body).toEqual({
      email: 'new@acme.example',
      expiresAt: new Date(t.clock.now + PASSWORD_LINK_TTL_MS).toISOString(),
    });
    const short = await browser.post('/console/api/set-password', { secret, password: 'short' });
    expect(short.status).toBe(400);
    expect(short.body.error).toBe('weak_password');
    expect((await browser.post('/console/api/set-password', { secret, password: PASSWORD })).body).toEqual({
      email: 'new@acme.example',
    });
    const again = await browser.post('/console/api/set-password', { secret, password: 'another password' });
    expect(again.status).toBe(404);
    expect(again.body.error).toBe('link_invalid');
    expect((await browser.post('/console/api/password-link', { secret })).status).toBe(404);
    expect((await browser.signIn('new@acme.example')).status).toBe(200);

    // A new link (a reset): setting the password with it signs the account out everywhere.
    const reset = await issuePasswordLink(t.store.db, account, t.clock.now);
    const newPassword = 'a brand new password';
    expect(
      (await new ConsoleBrowser(t.app).post('/console/api/set-password', { ...reset, password: newPassword })).status,
    ).toBe(200);
    expect((await browser.get('/console/api/me')).status).toBe(401);
    expect((await browser.signIn('new@acme.example')).status).toBe(401);
    expect((await browser.signIn('new@acme.example', newPassword)).status).toBe(200);
  });

  it('stop working after three days, and when a newer link is made', async () => {
    const { account, secret } = await addConsoleAccount(
      t.store.db,
      { site, email: 'late@acme.example', role: 'viewer' },
      t.clock.now,
    );
    t.clock.now += PASSWORD_LINK_TTL_MS;
    const expired = await new ConsoleBrowser(t.app).post('/console/api/set-password', { secret, password: PASSWORD });
    expect(expired.status).toBe(404);
    expect(expired.body.error).toBe('link_invalid');

    const first = await issuePasswordLink(t.store.db, account, t.clock.now);
    const second = await issuePasswordLink(t.store.db, account, t.clock.now);
    const browser = new ConsoleBrowser(t.app);
    expect((await browser.post('/console/api/set-password', { ...first, password: PASSWORD })).status).toBe(404);
    expect((await browser.post('/console/api/set-password', { ...second, password: PASSWORD })).status).toBe(200);
  });

  it('keep only a hash of their secret', async () => {
    const { secret } = await addConsoleAccount(
      t.store.db,
      { site, email: 'hashed@acme.example', role: 'viewer' },
      t.clock.now,
    );
    const links = await t.store.db.selectFrom('console_password_links').selectAll().execute();
    expect(JSON.stringify(links)).not.toContain(secret);
    expect(secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });
});

describe('cross-site requests', () => {
  it('are refused without the session’s CSRF token, or with another session’s', async () => {
    const browser = new ConsoleBrowser(t.app);
    await browser.signIn('owner@acme.example');
    const other = new ConsoleBrowser(t.app);
    await other.signIn('owner@acme.example');
    for (const csrf of [null, 'x', other.csrf]) {
      const res = await browser.post('/console/api/sign-out', undefined, { csrf });
      expect(res.status).toBe(403);
      expect(res.body.error).toBe('bad_csrf');
    }
    const invite = await browser.post(
      '/console/api/sites/acme/accounts',
      { email: 'x@acme.example', role: 'viewer' },
      {
        csrf: null,
      },
    );
    expect(invite.status).toBe(403);
    expect((await browser.get('/console/api/me')).status).toBe(200);
  });

  it('are refused from another origin, from another site, or as a form, even with the token', async () => {
    const browser = new ConsoleBrowser(t.app);
    await browser.signIn('owner@acme.example');
    const post = (headers: Record<string, string>, body?: string) =>
      t.app.inject({
        method: 'POST',
        url: '/console/api/sign-out',
        headers: { cookie: browser.cookie, 'x-csrf-token': browser.csrf, ...headers },
        ...(body !== undefined ? { payload: body } : {}),
      });
    const evil = await post({ origin: 'https://evil.example' });
    expect(evil.statusCode).toBe(403);
    expect(evil.json().error).toBe('bad_origin');
    expect((await post({ 'sec-fetch-site': 'cross-site' })).statusCode).toBe(403);
    const form = await post({ 'content-type': 'application/x-www-form-urlencoded' }, 'a=1');
    expect(form.statusCode).toBe(415);
    const signInForm = await t.app.inject({
      method: 'POST',
      url: '/console/api/sign-in',
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: 'https://evil.example' },
      payload: `email=owner%40acme.example&password=${encodeURIComponent(PASSWORD)}`,
    });
    expect(signInForm.statusCode).toBe(403);
    expect(signInForm.headers['set-cookie']).toBeUndefined();
    // Its own origin (as the request names the host, or the public URL) passes.
    expect((await post({ origin: 'http://meet.example.test' })).statusCode).toBe(200);
  });

  it('are limited in size and shape like every request', async () => {
    const huge = await t.app.inject({
      method: 'POST',
      url: '/console/api/sign-in',
      headers: { 'content-type': 'application/json' },
      payload: JSON.stringify({ email: 'a@b.c', password: 'x'.repeat(20_000) }),
    });
    expect(huge.statusCode).toBe(413);
    const browser = new ConsoleBrowser(t.app);
    await browser.signIn('owner@acme.example');
    const padded = await browser.post('/console/api/sign-out', { padding: 'x'.repeat(20_000) });
    expect(padded.status).toBe(413);
    expect(padded.body.error).toBe('bad_request');
    const extra = await new ConsoleBrowser(t.app).post('/console/api/sign-in', { email: 'owner@acme.example' });
    expect(extra.status).toBe(400);
    expect(extra.body.error).toBe('bad_request');
  });
});
