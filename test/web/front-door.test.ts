import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SiteRow } from '../../src/store/database.js';
import { ensurePagesBuilt } from '../browser/browser.js';
import { buildTestApp, gmt, type TestApp } from '../helper.js';

// Issue 17, item 1: the front door at `/`, joining by meeting number, and bad links answered by the page.

let t: TestApp;
beforeAll(async () => {
  ensurePagesBuilt();
  t = await buildTestApp();
}, 60_000);
afterAll(async () => t.close());

const MIN = 60_000;

interface Booked {
  confId: number;
  confNumber: string;
  hostStartUrl: string;
  joinUrl: string;
}

async function reserve(site: SiteRow, params: Record<string, unknown> = {}): Promise<Booked> {
  const res = await t.call('confReservation', site, {
    userId: 'host1',
    userName: 'Hostess',
    confName: 'Front door',
    startTime: gmt(t.clock.now + 30 * MIN),
    duration: 60,
    confParties: 10,
    ...params,
  });
  expect(res.body.status, res.body.message).toBe(100);
  return res.body.data;
}

const pathOf = (url: string) => new URL(url).pathname;
const linkCall = (url: string) => `/web/v1/links${pathOf(url).replace(/^\/(s|j)\//, '/$1/')}`;

async function joinByNumber(body: Record<string, unknown>, ip = '127.0.0.1') {
  const res = await t.app.inject({ method: 'POST', url: '/web/v1/join-by-number', payload: body, remoteAddress: ip });
  return { statusCode: res.statusCode, body: res.json(), retryAfter: res.headers['retry-after'] };
}

/** A number no meeting has: meeting numbers are ten digits starting 1–9. */
let unknownCounter = 0;
const unknownNumber = () => `0${String(++unknownCounter).padStart(9, '0')}`;

describe('the front door and bad links are pages', () => {
  const isPage = (res: { statusCode: number; headers: Record<string, unknown>; body: string }, status: number) => {
    expect(res.statusCode).toBe(status);
    expect(String(res.headers['content-type'])).toContain('text/html');
    expect(res.body).toContain('<div id="app">');
    expect(String(res.headers['content-security-policy'])).toContain("script-src 'self'");
  };

  it('/ answers the page shell, whose front door the page draws', async () => {
    isPage(await t.app.inject('/'), 200);
  });

  it('a link cut short, or with garbled percent-escapes, answers the page (404), not JSON', async () => {
    const site = await t.site();
    const m = await reserve(site);
    for (const url of [
      `/j/${m.confNumber}`,
      `/j/${m.confNumber}/`,
      `/s/${m.confNumber}`,
      `/wc/join/${m.confNumber}`,
      '/j/',
      `/j/${m.confNumber}/${pathOf(m.joinUrl).split('/')[3]}/more`,
      `/j/${m.confNumber}/%E0%A4%A`,
      `/s/%ZZ/ABC`,
      `/wc/join/${m.confNumber}/%C3%28?pwd=1`,
    ]) {
      isPage(await t.app.inject(url), 404);
    }
    // Everything else keeps the API's answers: an unknown path is JSON 103, a garbled API call FST_ERR_BAD_URL.
    const unknown = await t.app.inject('/no-such-page');
    expect([unknown.statusCode, unknown.json().status]).toEqual([404, 103]);
    const garbledCall = await t.app.inject('/web/v1/links/j/%E0%A4%A/x');
    expect([garbledCall.statusCode, garbledCall.json().code]).toEqual([400, 'FST_ERR_BAD_URL']);
  });

  it('a cancelled meeting’s link says cancelled (410) to whoever has the right secret, and only to them', async () => {
    const site = await t.site();
    const m = await reserve(site, { confName: 'Called off' });
    expect((await t.call('cancelConf', site, { userId: 'host1', confId: m.confId })).body.status).toBe(100);
    for (const url of [m.joinUrl, m.hostStartUrl]) {
      const info = await t.app.inject(linkCall(url));
      expect([info.statusCode, info.json()]).toEqual([
        410,
        { error: 'cancelled', message: '会议已取消 (the meeting was cancelled)' },
      ]);
      const enter = await t.app.inject({ method: 'POST', url: `${linkCall(url)}/enter`, payload: { name: 'Bob' } });
      expect([enter.statusCode, enter.json().error]).toEqual([410, 'cancelled']);
    }
    const wrong = await t.app.inject(linkCall(m.joinUrl).replace(/[0-9A-F]{32}$/, 'A'.repeat(32)));
    expect([wrong.statusCode, wrong.json().error]).toEqual([404, 'not_found']);
  });
});

describe('joining by meeting number', () => {
  it('answers the join link’s path for the number and its password; a meeting without one needs none', async () => {
    const site = await t.site();
    const open = await reserve(site);
    expect(await joinByNumber({ confNumber: open.confNumber })).toMatchObject({
      statusCode: 200,
      body: { path: pathOf(open.joinUrl) },
    });
    const locked = await reserve(site, { userId: 'host2', confPassword: 'Pw123' });
    expect(await joinByNumber({ confNumber: locked.confNumber, password: 'Pw123' })).toMatchObject({
      statusCode: 200,
      body: { path: pathOf(locked.joinUrl) },
    });
    // The path is the join link's, never the host's.
    expect(
      JSON.stringify((await joinByNumber({ confNumber: locked.confNumber, password: 'Pw123' })).body),
    ).not.toContain(pathOf(locked.hostStartUrl).split('/')[3]);
  });

  it('refuses a wrong password (403), an unknown number (404), a malformed one (400), a cancelled meeting (410)', async () => {
    const site = await t.site();
    const m = await reserve(site, { confPassword: 'Pw123' });
    const ip = '10.9.0.1';
    expect(await joinByNumber({ confNumber: m.confNumber, password: 'nope' }, ip)).toMatchObject({
      statusCode: 403,
      body: { error: 'bad_password' },
    });
    expect(await joinByNumber({ confNumber: m.confNumber }, ip)).toMatchObject({
      statusCode: 403,
      body: { error: 'bad_password' },
    });
    expect(await joinByNumber({ confNumber: unknownNumber() }, ip)).toMatchObject({
      statusCode: 404,
      body: { error: 'not_found' },
    });
    for (const confNumber of ['123', '12345678901', '12345abcde', '', 1234]) {
      expect(await joinByNumber({ confNumber }, ip), String(confNumber)).toMatchObject({
        statusCode: 400,
        body: { error: 'bad_number' },
      });
    }
    expect(await joinByNumber({ confNumber: m.confNumber, password: 'x'.repeat(33) }, ip)).toMatchObject({
      statusCode: 400,
    });

    const gone = await reserve(site, { userId: 'host3', confPassword: 'Pw9' });
    expect((await t.call('cancelConf', site, { userId: 'host3', confId: gone.confId })).body.status).toBe(100);
    // The password first: a cancelled meeting is told only to whoever could have joined it.
    expect((await joinByNumber({ confNumber: gone.confNumber, password: 'x' }, ip)).body.error).toBe('bad_password');
    expect(await joinByNumber({ confNumber: gone.confNumber, password: 'Pw9' }, ip)).toMatchObject({
      statusCode: 410,
      body: { error: 'cancelled' },
    });
  });

  it('an ended meeting still answers its join path: the join page says it has ended', async () => {
    const site = await t.site();
    const m = await reserve(site, { startTime: gmt(t.clock.now), duration: 30 });
    t.clock.now += 60 * MIN;
    expect(await joinByNumber({ confNumber: m.confNumber })).toMatchObject({
      statusCode: 200,
      body: { path: pathOf(m.joinUrl) },
    });
    expect((await t.app.inject(linkCall(m.joinUrl))).json().meeting.status).toBe('ended');
  });

  it('holds back a client guessing numbers: after 5 misses 1 minute, then doubling; others are not held', async () => {
    const site = await t.site();
    const real = await reserve(site);
    const ip = '10.9.1.1';
    for (let i = 0; i < 5; i++)
      expect((await joinByNumber({ confNumber: unknownNumber() }, ip)).statusCode, `miss ${i + 1}`).toBe(404);
    const held = await joinByNumber({ confNumber: unknownNumber() }, ip);
    expect([held.statusCode, held.body.error, held.retryAfter]).toEqual([429, 'too_many_attempts', '60']);
    // While held even an existing number is refused, and the try is not counted.
    expect((await joinByNumber({ confNumber: real.confNumber }, ip)).statusCode).toBe(429);
    expect((await joinByNumber({ confNumber: real.confNumber }, '10.9.1.2')).statusCode).toBe(200);

    t.clock.now += MIN;
    expect((await joinByNumber({ confNumber: real.confNumber }, ip)).statusCode).toBe(200);
    expect((await joinByNumber({ confNumber: unknownNumber() }, ip)).statusCode).toBe(404);
    expect((await joinByNumber({ confNumber: real.confNumber }, ip)).retryAfter).toBe('120');
    t.clock.now += 2 * MIN;
    expect((await joinByNumber({ confNumber: real.confNumber }, ip)).statusCode).toBe(200);
    t.clock.now += 60 * MIN;
  });

  it('after 20 misses within the hour from anyone, a client that missed once waits; one that never missed does not', async () => {
    const site = await t.site();
    const real = await reserve(site);
    for (let i = 0; i < 20; i++) await joinByNumber({ confNumber: unknownNumber() }, `10.9.2.${i + 1}`);
    const held = await joinByNumber({ confNumber: real.confNumber }, '10.9.2.1');
    expect([held.statusCode, held.body.error]).toEqual([429, 'too_many_attempts']);
    expect((await joinByNumber({ confNumber: real.confNumber }, '10.9.2.99')).statusCode).toBe(200);
    t.clock.now += 60 * MIN;
    expect((await joinByNumber({ confNumber: real.confNumber }, '10.9.2.1')).statusCode).toBe(200);
  });

  it('counts wrong passwords with the join page’s: 5 here, and the join page holds that client back too', async () => {
    const site = await t.site();
    const m = await reserve(site, { confPassword: 'Pw123', startTime: gmt(t.clock.now - 5 * MIN) });
    const ip = '10.9.3.1';
    for (let i = 0; i < 5; i++) await joinByNumber({ confNumber: m.confNumber, password: `bad${i}` }, ip);
    const enter = await t.app.inject({
      method: 'POST',
      url: `${linkCall(m.joinUrl)}/enter`,
      payload: { name: 'Bob', password: 'Pw123' },
      remoteAddress: ip,
    });
    expect([enter.statusCode, enter.json().error]).toEqual([429, 'too_many_attempts']);
    expect((await joinByNumber({ confNumber: m.confNumber, password: 'Pw123' }, ip)).statusCode).toBe(429);
    t.clock.now += 60 * MIN;
  });
});
