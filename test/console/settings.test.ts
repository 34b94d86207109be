/**
 * The console's Settings (issue 19): an owner rotates the API key and the old one is refused at once, by this
 * server and by another server process on the same database; a meeting's rcPort as changeRcPort (2.25); the
 * site's limits as facts. Viewers only look.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { changeSite } from '../../src/domain/sites.js';
import type { SiteRow } from '../../src/store/database.js';
import { findMeetingByNumber } from '../../src/store/meetings.repository.js';
import { buildTestApp, createTestDatabase, type TestApp, type TestDatabase } from '../helper.js';
import { ConsoleBrowser, consoleAccount } from './console-client.js';

let database: TestDatabase;
let t: TestApp;
/** A second server process on the same database. */
let other: TestApp;
let acme: SiteRow;

const signedIn = async (email: string) => {
  const browser = new ConsoleBrowser(t.app);
  expect((await browser.signIn(email)).status).toBe(200);
  return browser;
};

beforeAll(async () => {
  database = await createTestDatabase();
  t = await buildTestApp({ database });
  other = await buildTestApp({ database });
  await t.site({ siteSign: 'acme', totalNumParties: 30 });
  acme = await changeSite(t.store.db, 'acme', { rcIps: '10.0.0.5,10.0.0.6', regions: 'cn-north,cn-east' }, t.clock.now);
  await consoleAccount(t, acme, 'owner@acme.example');
  await consoleAccount(t, acme, 'viewer@acme.example', 'viewer');
});
afterAll(async () => {
  await other?.close();
  await t?.close();
  await database?.drop();
});

describe('settings in the console', () => {
  it('shows the site’s limits as facts', async () => {
    const viewer = await signedIn('viewer@acme.example');
    const res = await viewer.get('/console/api/sites/acme/settings');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      totalNumParties: 30,
      maxTuiliuUsers: null,
      regions: ['cn-north', 'cn-east'],
      rcIps: ['10.0.0.5', '10.0.0.6'],
      videoPhones: [],
      maxWebhookEndpoints: 20,
      state: 'active',
      expires: null,
    });
  });

  it('an owner rotates the API key: the old key is refused at once by both server processes, the new one works', async () => {
    const params = { userId: 'h1' };
    for (const app of [t, other]) expect((await app.call('getUserByUserId', acme, params)).body.status).toBe(101);
    const owner = await signedIn('owner@acme.example');
    const res = await owner.post('/console/api/sites/acme/api-key/rotate');
    expect(res.status).toBe(200);
    expect(res.body.apiKey).toMatch(/^[0-9a-f]{40}$/i);
    expect(res.body.apiKey).not.toBe(acme.api_key);
    for (const app of [t, other]) {
      const old = await app.call('getUserByUserId', acme, params);
      expect(old.body.status, old.body.message).toBe(102);
      const fresh = await app.call('getUserByUserId', { ...acme, api_key: res.body.apiKey }, params);
      expect(fresh.body.status, fresh.body.message).toBe(101);
    }
    acme = { ...acme, api_key: res.body.apiKey };
  });

  it('changes a meeting’s rcPort as 2.25 does; an unknown meeting is 2.25’s 401', async () => {
    const booked = await t.call('confReservation', acme, {
      userId: 'h1',
      userName: 'Host',
      confName: 'Room',
      startTime: '2026-06-02 10:00:00',
      duration: 30,
      confParties: 2,
    });
    expect(booked.body.status, booked.body.message).toBe(100);
    const confNumber = booked.body.data.confNumber as string;
    const owner = await signedIn('owner@acme.example');
    const res = await owner.post('/console/api/sites/acme/rc-port', { confNumber, rcPort: 1 });
    expect(res.status).toBe(200);
    expect((await findMeetingByNumber(t.store.db, acme.id, confNumber))?.rc_port).toBe(1);
    const missing = await owner.post('/console/api/sites/acme/rc-port', { confNumber: '999999999', rcPort: 1 });
    expect(missing.status).toBe(404);
    expect(missing.body.error).toBe('code_401');
  });

  it('a viewer changes nothing (403): the key stays', async () => {
    const viewer = await signedIn('viewer@acme.example');
    for (const [url, body] of [
      ['/console/api/sites/acme/api-key/rotate', undefined],
      ['/console/api/sites/acme/rc-port', { confNumber: '1', rcPort: 0 }],
    ] as const) {
      const res = await viewer.post(url, body);
      expect(res.status, url).toBe(403);
    }
    expect((await t.call('getUserByUserId', acme, { userId: 'h1' })).body.status).toBe(100);
  });
});
