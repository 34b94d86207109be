/**
 * The console's Users (issue 19): the site's users, added, changed and deleted by the rules of 2.17 and 2.20
 * (the same domain functions), and a new host key by the regenerateHostKey extension; viewers only look, and
 * see no host keys; another site's account finds nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SiteRow } from '../../src/store/database.js';
import { buildTestApp, gmt, type TestApp } from '../helper.js';
import { ConsoleBrowser, consoleAccount } from './console-client.js';

let t: TestApp;
let acme: SiteRow;

const signedIn = async (email: string) => {
  const browser = new ConsoleBrowser(t.app);
  expect((await browser.signIn(email)).status).toBe(200);
  return browser;
};
const apiUser = async (userId: string) => (await t.call('getUserByUserId', acme, { userId })).body;

beforeAll(async () => {
  t = await buildTestApp();
  acme = await t.site({ siteSign: 'acme' });
  const globex = await t.site({ siteSign: 'globex' });
  await consoleAccount(t, acme, 'owner@acme.example');
  await consoleAccount(t, acme, 'viewer@acme.example', 'viewer');
  await consoleAccount(t, globex, 'owner@globex.example');
});
afterAll(async () => t?.close());

describe('users in the console', () => {
  it('an owner adds a user and changes its name and cloud-recording flag, as 2.17 does', async () => {
    const owner = await signedIn('owner@acme.example');
    const added = await owner.post('/console/api/sites/acme/users', {
      userId: 'wang',
      userName: 'Wang Fang',
      enableCloudRecord: 1,
      create: true,
    });
    expect(added.status).toBe(200);
    expect(added.body).toEqual({
      userId: 'wang',
      userName: 'Wang Fang',
      loginName: '',
      phone: '',
      enableCloudRecord: 1,
      enableTuiliu: 0,
      region: expect.any(String),
      hostKey: expect.stringMatching(/^\d{6}$/),
      createdAt: expect.stringMatching(/Z$/),
    });
    const api = await apiUser('wang');
    expect(api.userInfo).toMatchObject({
      username: 'Wang Fang',
      hasCloudRecord: 1,
      hostKey: Number(added.body.hostKey),
    });

    const changed = await owner.post('/console/api/sites/acme/users', {
      userId: 'wang',
      userName: 'Wang Fang (Sales)',
      enableCloudRecord: 0,
      create: false,
    });
    expect(changed.status).toBe(200);
    expect((await apiUser('wang')).userInfo).toMatchObject({ username: 'Wang Fang (Sales)', hasCloudRecord: 0 });
    // Changing one that does not exist is 2.17's 101 with isNeedCreate=0.
    const missing = await owner.post('/console/api/sites/acme/users', {
      userId: 'nobody',
      userName: 'Nobody',
      enableCloudRecord: 0,
      create: false,
    });
    expect(missing.status).toBe(400);
    expect(missing.body.error).toBe('code_101');

    const list = await owner.get('/console/api/sites/acme/users');
    expect(list.body.total).toBe(1);
    expect(list.body.users.map((u: { userName: string }) => u.userName)).toEqual(['Wang Fang (Sales)']);
  });

  it('a new host key: the old one is gone at once, as with the API’s regenerateHostKey', async () => {
    const owner = await signedIn('owner@acme.example');
    const before = (await apiUser('wang')).userInfo.hostKey;
    const res = await owner.post('/console/api/sites/acme/users/wang/host-key');
    expect(res.status).toBe(200);
    expect(res.body.hostKey).toMatch(/^\d{6}$/);
    expect(Number(res.body.hostKey)).not.toBe(before);
    expect((await apiUser('wang')).userInfo.hostKey).toBe(Number(res.body.hostKey));
  });

  it('deletes by 2.20’s rules: not with scheduled meetings unless forced, which cancels them', async () => {
    const owner = await signedIn('owner@acme.example');
    const booked = await t.call('confReservation', acme, {
      userId: 'li',
      userName: 'Li Lei',
      confName: 'Planning',
      startTime: gmt(t.clock.now + 86_400_000),
      duration: 30,
      confParties: 5,
    });
    expect(booked.body.status).toBe(100);
    const refused = await owner.post('/console/api/sites/acme/users/li/delete', { force: false });
    expect(refused.status).toBe(409);
    expect(refused.body.error).toBe('code_708');
    expect((await apiUser('li')).status).toBe(100);
    const forced = await owner.post('/console/api/sites/acme/users/li/delete', { force: true });
    expect(forced.status).toBe(200);
    expect((await apiUser('li')).status).toBe(101);
    const again = await owner.post('/console/api/sites/acme/users/li/delete', { force: true });
    expect(again.status).toBe(400);
    expect(again.body.error).toBe('code_101');
  });

  it('a viewer sees the users without host keys and changes nothing (403)', async () => {
    const viewer = await signedIn('viewer@acme.example');
    const list = await viewer.get('/console/api/sites/acme/users');
    expect(list.status).toBe(200);
    expect(list.body.users.map((u: { hostKey: null }) => u.hostKey)).toEqual([null]);
    for (const [url, body] of [
      ['/console/api/sites/acme/users', { userId: 'x', userName: 'X', enableCloudRecord: 0, create: true }],
      ['/console/api/sites/acme/users/wang/delete', { force: true }],
      ['/console/api/sites/acme/users/wang/host-key', undefined],
    ] as const) {
      const res = await viewer.post(url, body);
      expect(res.status, url).toBe(403);
      expect(res.body.error).toBe('not_allowed');
    }
    expect((await apiUser('wang')).status).toBe(100);
    expect((await apiUser('x')).status).toBe(101);
  });

  it('another site’s owner finds nothing of acme’s users', async () => {
    const other = await signedIn('owner@globex.example');
    expect((await other.get('/console/api/sites/globex/users')).body).toEqual({ users: [], total: 0 });
    // Its own site has no such user (2.17's 101); acme is not a site it may name.
    const res = await other.post('/console/api/sites/globex/users/wang/host-key');
    expect(res.status).toBe(400);
    expect(res.body.error).toBe('code_101');
    expect((await other.post('/console/api/sites/acme/users/wang/host-key')).status).toBe(404);
    expect(JSON.stringify(res.body)).not.toContain('Wang');
  });
});
