import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { runCli } from '../../src/cli/main.js';
import type { SiteRow } from '../../src/store/database.js';
import { buildTestApp, gmt, type TestApp } from '../helper.js';
import { processEnv } from '../server-process.js';

// Guessing the host key, the meeting password or a registrant's tk on the join page (issue 14, item 3).

vi.setConfig({ testTimeout: 60_000 });

let t: TestApp;
beforeAll(async () => {
  t = await buildTestApp();
});
afterAll(async () => t.close());

const MIN = 60_000;
const HOUR = 60 * MIN;

interface Booked {
  confId: number;
  confNumber: string;
  hostStartUrl: string;
  joinUrl: string;
}

async function openMeeting(site: SiteRow, params: Record<string, unknown> = {}, app: TestApp = t): Promise<Booked> {
  const res = await app.call('confReservation', site, {
    userId: 'host1',
    userName: 'Hostess',
    confName: 'Room',
    startTime: gmt(Math.floor((app.clock.now - 5 * MIN) / 1000) * 1000),
    duration: 240,
    confParties: 50,
    ...params,
  });
  expect(res.body.status, res.body.message).toBe(100);
  return res.body.data;
}

async function hostKeyOf(site: SiteRow, m: Booked, app: TestApp = t): Promise<string> {
  const res = await app.call('getHostKeyByConfNumber', site, { confNumber: m.confNumber }, { subject: 'confNumber' });
  expect(res.body.status, res.body.message).toBe(100);
  return String(res.body.data.hostKey);
}

/** A start time after the first meeting's window (one meeting per user at a time). */
const later = () => gmt(Math.floor((t.clock.now + 5 * HOUR) / 1000) * 1000);

/** A six-digit key that is not `key`. */
const wrongKey = (key: string, i: number) => String(100_000 + ((Number(key) - 100_000 + 1 + i) % 900_000));

/** The page's enter call from client address `ip`. */
async function enter(m: Booked, body: Record<string, unknown>, ip = '127.0.0.1', app: TestApp = t) {
  const [, n, secret] = /\/j\/(\d{10})\/([0-9A-F]{32})$/.exec(m.joinUrl)!;
  const res = await app.app.inject({
    method: 'POST',
    url: `/web/v1/links/j/${n}/${secret}/enter`,
    payload: { name: 'Mallory', ...body },
    remoteAddress: ip,
  });
  return { statusCode: res.statusCode, body: res.json(), retryAfter: res.headers['retry-after'] };
}

async function roleOf(ticket: string): Promise<string> {
  return (await t.store.db.selectFrom('tickets').select('role').where('token', '=', ticket).executeTakeFirstOrThrow())
    .role;
}

describe('guessing the host key on the join page', () => {
  it('locks a client out of the meeting after 5 failures: the right key and the right password are refused until the wait is over', async () => {
    const site = await t.site();
    const m = await openMeeting(site, { confPassword: '4321' });
    const key = await hostKeyOf(site, m);
    for (let i = 0; i < 5; i++) {
      expect(await enter(m, { password: '4321', hostKey: wrongKey(key, i) })).toMatchObject({
        statusCode: 403,
        body: { error: 'bad_host_key' },
      });
    }
    const locked = await enter(m, { password: '4321', hostKey: key });
    expect(locked).toMatchObject({ statusCode: 429, body: { error: 'too_many_attempts' } });
    expect(locked.body.message).toMatch(/try again after \d{4}-\d\d-\d\d \d\d:\d\d:\d\d GMT/);
    expect(Number(locked.retryAfter)).toBeGreaterThan(0);
    expect(await enter(m, { password: '4321' })).toMatchObject({
      statusCode: 429,
      body: { error: 'too_many_attempts' },
    });
    // Another client is not held back by this one.
    expect(await enter(m, { name: 'Bob', password: '4321' }, '10.0.0.2')).toMatchObject({
      statusCode: 200,
      body: { state: 'host_wait' },
    });

    t.clock.now += Number(locked.retryAfter) * 1000;
    const claimed = await enter(m, { password: '4321', hostKey: key });
    expect(claimed).toMatchObject({ statusCode: 200, body: { state: 'admitted' } });
    expect(await roleOf(claimed.body.ticket)).toBe('host');
  });

  it('waits longer after each further failure', async () => {
    const site = await t.site();
    const m = await openMeeting(site);
    const key = await hostKeyOf(site, m);
    const waits: number[] = [];
    for (let i = 0; i < 8; i++) {
      const res = await enter(m, { hostKey: wrongKey(key, i) });
      if (res.statusCode === 429) {
        waits.push(Number(res.retryAfter));
        t.clock.now += Number(res.retryAfter) * 1000;
        i--;
        continue;
      }
      expect(res.body.error).toBe('bad_host_key');
    }
    expect(waits).toEqual([60, 120, 240]);
  });

  it('counts concurrent guesses one by one: of 30 at once, at most 5 are checked', async () => {
    const site = await t.site();
    const m = await openMeeting(site);
    const key = await hostKeyOf(site, m);
    const answers = await Promise.all(
      Array.from({ length: 30 }, (_, i) => enter(m, { hostKey: wrongKey(key, i) }, '10.0.3.3')),
    );
    const codes = answers.map((a) => a.statusCode);
    expect(codes.filter((c) => c === 403)).toHaveLength(5);
    expect(codes.filter((c) => c === 429)).toHaveLength(25);
  });

  it('refuses the host key for everyone after 20 failures on the meeting within an hour, while attendees still come in', async () => {
    const site = await t.site();
    const m = await openMeeting(site);
    const key = await hostKeyOf(site, m);
    for (let i = 0; i < 20; i++) {
      expect((await enter(m, { hostKey: wrongKey(key, i) }, `10.0.4.${i + 1}`)).body.error).toBe('bad_host_key');
    }
    const refused = await enter(m, { hostKey: key }, '10.0.5.1');
    expect(refused).toMatchObject({ statusCode: 429, body: { error: 'too_many_attempts' } });
    expect(await enter(m, { name: 'Guest' }, '10.0.5.1')).toMatchObject({
      statusCode: 200,
      body: { state: 'host_wait' },
    });
    // The host's own link is not affected.
    const [, n, secret] = /\/s\/(\d{10})\/([0-9A-F]{32})$/.exec(m.hostStartUrl)!;
    expect(
      (await t.app.inject({ method: 'POST', url: `/web/v1/links/s/${n}/${secret}/enter`, payload: { name: 'H' } }))
        .statusCode,
    ).toBe(200);

    t.clock.now += HOUR;
    expect(await enter(m, { hostKey: key }, '10.0.5.1')).toMatchObject({
      statusCode: 200,
      body: { state: 'admitted' },
    });
  });

  it('after 20 failures on a meeting within an hour, holds every client that failed there, not those that never did', async () => {
    const site = await t.site();
    const m = await openMeeting(site, { confPassword: '4321' });
    for (let i = 0; i < 20; i++)
      expect((await enter(m, { password: String(5000 + i) }, `10.0.11.${i + 1}`)).body.error).toBe('bad_password');
    const held = await enter(m, { password: '4321' }, '10.0.11.1');
    expect(held).toMatchObject({ statusCode: 429, body: { error: 'too_many_attempts' } });
    expect(Number(held.retryAfter)).toBe(3600);
    expect(await enter(m, { password: '4321' }, '10.0.12.1')).toMatchObject({
      statusCode: 200,
      body: { state: 'host_wait' },
    });
    // A new address gets one try, then waits with the others.
    expect((await enter(m, { password: '0000' }, '10.0.12.2')).body.error).toBe('bad_password');
    expect((await enter(m, { password: '4321' }, '10.0.12.2')).statusCode).toBe(429);
  });

  it('applies the meeting password and the registration-only rule before the host key', async () => {
    const site = await t.site();
    const m = await openMeeting(site, { confPassword: '4321' });
    const key = await hostKeyOf(site, m);
    expect(await enter(m, { password: '9999', hostKey: key }, '10.0.6.1')).toMatchObject({
      statusCode: 403,
      body: { error: 'bad_password' },
    });
    expect(await enter(m, { hostKey: key }, '10.0.6.1')).toMatchObject({
      statusCode: 403,
      body: { error: 'bad_password' },
    });

    const only = await openMeeting(site, { registrationType: 1, startTime: later() });
    expect(await enter(only, { hostKey: key }, '10.0.6.1')).toMatchObject({
      statusCode: 403,
      body: { error: 'registration_required' },
    });
    expect(await enter(only, { hostKey: key, tk: 'x'.repeat(43) }, '10.0.6.1')).toMatchObject({
      statusCode: 403,
      body: { error: 'registration_required' },
    });
  });

  it('counts wrong meeting passwords and wrong registrant links as failures too', async () => {
    const site = await t.site();
    const m = await openMeeting(site, { confPassword: '4321' });
    for (let i = 0; i < 5; i++)
      expect((await enter(m, { password: String(1000 + i) }, '10.0.7.1')).body.error).toBe('bad_password');
    expect(await enter(m, { password: '4321' }, '10.0.7.1')).toMatchObject({
      statusCode: 429,
      body: { error: 'too_many_attempts' },
    });

    const only = await openMeeting(site, { registrationType: 1, startTime: later() });
    for (let i = 0; i < 5; i++)
      expect((await enter(only, { tk: `guess${i}` }, '10.0.7.2')).body.error).toBe('registration_required');
    expect((await enter(only, { tk: 'guess' }, '10.0.7.2')).statusCode).toBe(429);
  });

  it('shares the count between two app instances on one database', async () => {
    const other = await buildTestApp({ database: t.database });
    try {
      other.clock.now = t.clock.now;
      const site = await t.site();
      const m = await openMeeting(site);
      const key = await hostKeyOf(site, m);
      for (let i = 0; i < 5; i++) {
        const app = i % 2 === 0 ? t : other;
        expect((await enter(m, { hostKey: wrongKey(key, i) }, '10.0.8.1', app)).body.error).toBe('bad_host_key');
      }
      expect((await enter(m, { hostKey: key }, '10.0.8.1', other)).statusCode).toBe(429);
      expect((await enter(m, { hostKey: key }, '10.0.8.1', t)).statusCode).toBe(429);
    } finally {
      await other.close();
    }
  });
});

describe('regenerating a host key', () => {
  it('through the API extension: the old key stops working, the new one works', async () => {
    const site = await t.site();
    const m = await openMeeting(site);
    const old = await hostKeyOf(site, m);
    const res = await t.call('regenerateHostKey', site, { userId: 'host1' });
    expect(res.body.status, res.body.message).toBe(100);
    const fresh = String(res.body.data.hostKey);
    expect(fresh).toMatch(/^\d{6}$/);
    expect(fresh).not.toBe(old);
    expect(await hostKeyOf(site, m)).toBe(fresh);
    expect((await t.call('getUserByUserId', site, { userId: 'host1' })).body.userInfo.hostKey).toBe(Number(fresh));

    expect(await enter(m, { hostKey: old }, '10.0.9.1')).toMatchObject({
      statusCode: 403,
      body: { error: 'bad_host_key' },
    });
    expect(await enter(m, { hostKey: fresh }, '10.0.9.1')).toMatchObject({
      statusCode: 200,
      body: { state: 'admitted' },
    });
    expect((await t.call('regenerateHostKey', site, { userId: 'nobody' })).body.status).toBe(101);
  });

  it('with the CLI: huiguan user regenerate-host-key', async () => {
    const site = await t.site();
    const m = await openMeeting(site);
    const old = await hostKeyOf(site, m);
    let stdout = '';
    const io = { env: processEnv(t.database), out: (line: string) => (stdout += line), err: () => {} };
    expect(
      await runCli(['user', 'regenerate-host-key', '--site', site.site_sign, '--user', 'host1', '--json'], io),
    ).toBe(0);
    const printed = JSON.parse(stdout);
    expect(printed).toMatchObject({ siteSign: site.site_sign, userId: 'host1' });
    expect(String(printed.hostKey)).not.toBe(old);
    expect(await hostKeyOf(site, m)).toBe(String(printed.hostKey));
    expect(await enter(m, { hostKey: old }, '10.0.10.1')).toMatchObject({
      statusCode: 403,
      body: { error: 'bad_host_key' },
    });
  });
});
