/**
 * Tenant isolation in the console (issue 19), in the manner of test/security/isolation.test.ts: a site
 * account of site A names site B on every console call the server has. It is answered as if B did not
 * exist (404), never with anything of B's, and B's accounts stay as they were. Its own lists show A only.
 * A new console route fails this test until it is given a case here.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { changeSite } from '../../src/domain/sites.js';
import type { SiteRow } from '../../src/store/database.js';
import { buildTestApp, type TestApp } from '../helper.js';
import { ConsoleBrowser, consoleAccount } from './console-client.js';

let t: TestApp;
let A: SiteRow;
let B: SiteRow;
/** Texts of B's that no answer to A's accounts may contain. */
let markers: string[];
/** A meeting of B's (with a registrant), which A's accounts name on the meeting calls. */
let meetingOfB: number;
let registrantOfB: string;

/** Every console call naming a site, with a body it would accept. */
const SITE_CALLS: Record<string, { method: 'GET' | 'POST'; body?: unknown; query?: string }> = {
  'GET /console/api/sites/:siteSign': { method: 'GET' },
  'GET /console/api/sites/:siteSign/accounts': { method: 'GET' },
  'POST /console/api/sites/:siteSign/accounts': {
    method: 'POST',
    body: { email: 'intruder@a.example', role: 'owner' },
  },
  'POST /console/api/sites/:siteSign/api-key': { method: 'POST' },
  'GET /console/api/sites/:siteSign/meetings': {
    method: 'GET',
    query: '?from=2026-06-01T00:00:00Z&to=2026-07-01T00:00:00Z',
  },
  'POST /console/api/sites/:siteSign/meetings': {
    method: 'POST',
    body: { userId: 'u1', confName: 'x', startTime: '2026-06-10T10:00:00Z', duration: 30, confParties: 2 },
  },
  'GET /console/api/sites/:siteSign/meetings/:confId': { method: 'GET' },
  'POST /console/api/sites/:siteSign/meetings/:confId': {
    method: 'POST',
    body: { confName: 'x', confPassword: '', startTime: '2026-06-10T10:00:00Z', duration: 30, confParties: 2 },
  },
  'POST /console/api/sites/:siteSign/meetings/:confId/cancel': { method: 'POST' },
  'POST /console/api/sites/:siteSign/meetings/:confId/registrants/:registrantId': {
    method: 'POST',
    body: { status: 'approved' },
  },
  'GET /console/api/sites/:siteSign/meetings/:confId/attendance': { method: 'GET' },
  'GET /console/api/sites/:siteSign/meetings/:confId/attendance.csv': { method: 'GET' },
  'GET /console/api/sites/:siteSign/meetings/:confId/chat': { method: 'GET' },
  'GET /console/api/sites/:siteSign/live': { method: 'GET' },
  'GET /console/api/sites/:siteSign/live/events': { method: 'GET' },
  'POST /console/api/sites/:siteSign/meetings/:confId/end': { method: 'POST' },
  'POST /console/api/sites/:siteSign/meetings/:confId/extend': { method: 'POST', body: { addDuration: 10 } },
  'GET /console/api/sites/:siteSign/overview': { method: 'GET' },
  'GET /console/api/sites/:siteSign/recordings': { method: 'GET' },
  // B's own recordings are tried by id in test/console/recordings.test.ts.
  'POST /console/api/sites/:siteSign/recordings/:recordId/delete': { method: 'POST' },
  'GET /console/api/sites/:siteSign/users': { method: 'GET' },
  'POST /console/api/sites/:siteSign/users': {
    method: 'POST',
    body: { userId: 'intruder', userName: 'Intruder', enableCloudRecord: 1, create: true },
  },
  'POST /console/api/sites/:siteSign/users/:userId/delete': { method: 'POST', body: { force: true } },
  'POST /console/api/sites/:siteSign/users/:userId/host-key': { method: 'POST' },
  'GET /console/api/sites/:siteSign/webhooks': { method: 'GET' },
  'POST /console/api/sites/:siteSign/webhooks': {
    method: 'POST',
    body: { url: 'https://a.example/hook', events: '*' },
  },
  'POST /console/api/sites/:siteSign/webhooks/:endpointId/delete': { method: 'POST' },
  'POST /console/api/sites/:siteSign/webhook-deliveries/:deliveryId/resend': { method: 'POST' },
  'GET /console/api/sites/:siteSign/settings': { method: 'GET' },
  'POST /console/api/sites/:siteSign/api-key/rotate': { method: 'POST' },
  'POST /console/api/sites/:siteSign/rc-port': { method: 'POST', body: { confNumber: '1', rcPort: 1 } },
};
/** Console calls that name no site: what they answer is checked below. */
const OWN_CALLS = [
  'POST /console/api/sign-in',
  'POST /console/api/sign-out',
  'POST /console/api/sign-out-everywhere',
  'GET /console/api/me',
  'POST /console/api/password-link',
  'POST /console/api/set-password',
  'GET /console/api/sites',
];

beforeAll(async () => {
  t = await buildTestApp();
  A = await t.site({ siteSign: 'site-a' });
  B = await changeSite(t.store.db, (await t.site({ siteSign: 'site-b' })).site_sign, { name: 'Globex B' }, t.clock.now);
  await consoleAccount(t, A, 'owner@a.example');
  await consoleAccount(t, A, 'viewer@a.example', 'viewer');
  await consoleAccount(t, B, 'owner@b.example');
  const booked = await t.call('confReservation', B, {
    userId: 'hb',
    userName: 'Host of B',
    confName: 'Secret of B',
    startTime: '2026-06-20 10:00:00',
    duration: 60,
    confParties: 2,
    registrationType: 1,
  });
  meetingOfB = booked.body.data.confId;
  const added = await t.call('addRegistrant', B, {
    userId: 'hb',
    confId: meetingOfB,
    first_name: 'Registrant of B',
    email: 'r@b.example',
  });
  registrantOfB = added.body.data.registrant_id;
  expect(registrantOfB).toBeTruthy();
  markers = [B.api_key, 'Globex B', 'owner@b.example', 'Secret of B', 'Host of B', booked.body.data.confNumber];
});
afterAll(async () => t?.close());

const accountsOfB = () =>
  t.store.db.selectFrom('console_accounts').select(['email', 'role']).where('site_id', '=', B.id).execute();

describe('a site account of A', () => {
  it('is covered on every console call', () => {
    const routes = t.app.registeredRoutes
      .filter((r) => r.url.startsWith('/console/api/') && r.method !== 'HEAD')
      .map((r) => `${r.method} ${r.url}`);
    expect(routes.sort()).toEqual([...Object.keys(SITE_CALLS), ...OWN_CALLS].sort());
  });

  for (const email of ['owner@a.example', 'viewer@a.example']) {
    it(`(${email.split('@')[0]}) naming site B gets 404 on every call, nothing of B's, and B unchanged`, async () => {
      const before = await accountsOfB();
      const browser = new ConsoleBrowser(t.app);
      expect((await browser.signIn(email)).status).toBe(200);
      for (const [route, call] of Object.entries(SITE_CALLS)) {
        for (const sign of [B.site_sign, B.site_sign.toUpperCase(), ` ${B.site_sign}`]) {
          const url =
            route
              .split(' ')[1]!
              .replace(':siteSign', encodeURIComponent(sign))
              .replace(':confId', String(meetingOfB))
              .replace(':registrantId', registrantOfB)
              .replace(':userId', 'hb')
              .replace(':endpointId', '1')
              .replace(':deliveryId', '1') + (call.query ?? '');
          const res = await browser.send(call.method, url, call.body);
          expect([400, 404], `${route} ${sign}: ${res.status}`).toContain(res.status);
          for (const m of markers) expect(JSON.stringify(res.body), route).not.toContain(m);
        }
      }
      expect(await accountsOfB()).toEqual(before);
      // The same calls on its own site are answered (or refused for a viewer's changes).
      const own = await browser.get(`/console/api/sites/${A.site_sign}/accounts`);
      expect(own.status).toBe(200);
      for (const m of markers) expect(JSON.stringify(own.body)).not.toContain(m);
    });
  }

  it('sees only its own site in its lists and in who it is', async () => {
    const browser = new ConsoleBrowser(t.app);
    await browser.signIn('owner@a.example');
    const sites = await browser.get('/console/api/sites');
    expect(sites.body.sites.map((s: { siteSign: string }) => s.siteSign)).toEqual(['site-a']);
    const me = await browser.get('/console/api/me');
    expect(me.body.site.siteSign).toBe('site-a');
    for (const res of [sites, me]) for (const m of markers) expect(JSON.stringify(res.body)).not.toContain(m);
  });

  it('cannot use a session of B’s account with its own CSRF token, nor B’s links', async () => {
    const a = new ConsoleBrowser(t.app);
    await a.signIn('owner@a.example');
    const b = new ConsoleBrowser(t.app);
    await b.signIn('owner@b.example');
    // A's token with B's cookie: refused, B's key not shown.
    const mixed = await b.post(`/console/api/sites/${B.site_sign}/api-key`, undefined, { csrf: a.csrf });
    expect(mixed.status).toBe(403);
    expect(JSON.stringify(mixed.body)).not.toContain(B.api_key);
  });
});
