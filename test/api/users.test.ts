import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SiteRow } from '../../src/store/database.js';
import { MeetingStatus } from '../../src/domain/meeting-status.js';
import { updateMeeting } from '../../src/store/meetings.repository.js';
import { buildTestApp, send, type TestApp } from '../helper.js';

let t: TestApp;
beforeAll(async () => {
  t = await buildTestApp();
});
afterAll(async () => t.close());

function createUser(site: SiteRow, userId: string, extra: Record<string, unknown> = {}) {
  return t.call('createOrUpdateUser', site, { userId, userName: `name of ${userId}`, ...extra });
}

let nextStart = Date.parse('2026-07-01T00:00:00Z');

/** Books a meeting for the user, then puts it in `status` (live and ended come from the lifecycle). */
async function addMeeting(site: SiteRow, userId: string, status: number) {
  nextStart += 7_200_000;
  const res = await t.call('confReservation', site, {
    userId,
    userName: 'x',
    confName: 'm',
    startTime: new Date(nextStart).toISOString().slice(0, 19).replace('T', ' '),
    duration: 60,
    confParties: 5,
  });
  expect(res.body.status).toBe(100);
  const confId = res.body.data.confId as number;
  await updateMeeting(t.store.db, confId, { conf_status: status });
  return { id: confId };
}

describe('createOrUpdateUser (2.17)', () => {
  it('creates a user and answers every documented field with its JSON type', async () => {
    const site = await t.site();
    const res = await createUser(site, 'u1', { phone: '13000009999', loginName: 'alice@corp', enableCloudRecord: 1 });
    expect(res.body).toEqual({
      status: 100,
      message: 'success',
      data: {
        userId: 'u1',
        phone: '13000009999',
        userName: 'name of u1',
        loginName: 'alice@corp',
        enableTuiliu: 0,
        enableCloudRecord: 1,
      },
    });
  });

  it('updates the name and only the properties given', async () => {
    const site = await t.site();
    await createUser(site, 'u2', { phone: '1', loginName: 'l', enableCloudRecord: 1 });
    const res = await t.call('createOrUpdateUser', site, { userId: 'u2', userName: 'Renamed', enableTuiliu: 1 });
    expect(res.body.data).toEqual({
      userId: 'u2',
      phone: '1',
      userName: 'Renamed',
      loginName: 'l',
      enableTuiliu: 1,
      enableCloudRecord: 1,
    });
  });

  it('is idempotent with isNeedCreate=true and refuses an unknown user with isNeedCreate=false (101)', async () => {
    const site = await t.site();
    expect((await createUser(site, 'u3', { isNeedCreate: 'true' })).body.status).toBe(100);
    const again = await createUser(site, 'u3', { isNeedCreate: '1' });
    expect(again.body.status).toBe(100);
    expect(again.body.data.userId).toBe('u3');
    expect((await createUser(site, 'ghost', { isNeedCreate: 'false' })).body.status).toBe(101);
    expect((await createUser(site, 'ghost', { isNeedCreate: '2' })).body.status).toBe(101);
    expect((await createUser(site, 'u3', { isNeedCreate: 'false' })).body.status).toBe(100);
    expect((await createUser(site, 'u3', { isNeedCreate: 'maybe' })).body.status).toBe(109);
  });

  it('answers 109 naming the parameter for a long userId, a missing userName or a bad flag', async () => {
    const site = await t.site();
    const long = await createUser(site, 'x'.repeat(33));
    expect(long.body.status).toBe(109);
    expect(long.body.message).toContain('userId');
    const noName = await t.call('createOrUpdateUser', site, { userId: 'n' });
    expect(noName.body.status).toBe(109);
    expect(noName.body.message).toContain('userName');
    const flag = await createUser(site, 'f', { enableCloudRecord: 7 });
    expect(flag.body.status).toBe(109);
    expect(flag.body.message).toContain('enableCloudRecord');
    expect((await createUser(site, 'f', { enableCloudRecord: 'yes' })).body.status).toBe(109);
    expect((await t.call('getUserByUserId', site, { userId: 'f' })).body.status).toBe(101);
  });

  it('treats a blank number from a form as not given', async () => {
    const site = await t.site();
    const res = await createUser(site, 'blank', { enableCloudRecord: '' });
    expect(res.body.status).toBe(100);
    expect(res.body.data.enableCloudRecord).toBe(0);
  });

  it('keeps custom streaming within the site’s quota (205)', async () => {
    const site = await t.site({ maxTuiliuUsers: 1 });
    expect((await createUser(site, 'a', { enableTuiliu: 1 })).body.status).toBe(100);
    expect((await createUser(site, 'a', { enableTuiliu: 1 })).body.status).toBe(100);
    const refused = await createUser(site, 'b', { enableTuiliu: 1 });
    expect(refused.body.status).toBe(205);
    expect(refused.body.message).toContain('enableTuiliu');
    // The refused call created nothing.
    expect((await t.call('getUserByUserId', site, { userId: 'b' })).body.status).toBe(101);
    await createUser(site, 'a', { enableTuiliu: 0 });
    expect((await createUser(site, 'b', { enableTuiliu: 1 })).body.status).toBe(100);
  });

  it('never lets concurrent first calls for one userId create two users', async () => {
    const site = await t.site();
    const results = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        t.call('createOrUpdateUser', site, { userId: 'same', userName: `n${i}`, phone: String(i) }).then((r) => r),
      ),
    );
    for (const r of results) expect(r.body.status).toBe(100);
    const rows = await t.store.db
      .selectFrom('users')
      .selectAll()
      .where('site_id', '=', site.id)
      .where('user_id', '=', 'same')
      .execute();
    expect(rows).toHaveLength(1);
  });
});

describe('getUserByUserId (2.21)', () => {
  it('answers userInfo at the top level with a six-digit hostKey that stays the same', async () => {
    const site = await t.site();
    await createUser(site, 'g1', { phone: '13000009999', enableCloudRecord: 1, enableTuiliu: 1 });
    const res = await t.call('getUserByUserId', site, { userId: 'g1' });
    expect(res.body).toMatchObject({
      status: 100,
      message: 'success',
      userInfo: {
        username: 'name of g1',
        mobile: '13000009999',
        hasTuiliu: 1,
        hasCloudRecord: 1,
        hasCoHost: 0,
        hasLocalRecord: 0,
        hasClosedCaption: 0,
      },
    });
    expect(res.body.data).toBeUndefined();
    const { hostKey } = res.body.userInfo;
    expect(typeof hostKey).toBe('number');
    expect(String(hostKey)).toMatch(/^[1-9]\d{5}$/);
    expect((await t.call('getUserByUserId', site, { userId: 'g1' })).body.userInfo.hostKey).toBe(hostKey);
  });

  it('answers 101 for an unknown userId and never shows another site’s user', async () => {
    const site = await t.site();
    const other = await t.site();
    await createUser(other, 'theirs');
    expect((await t.call('getUserByUserId', site, { userId: 'theirs' })).body.status).toBe(101);
  });
});

describe('changeUserIdDataCenter (2.18)', () => {
  it('moves a user to one of the site’s regions', async () => {
    const site = await t.site({ regions: 'cn-north,cn-east' });
    await createUser(site, 'r1');
    expect((await t.call('getUserByUserId', site, { userId: 'r1' })).body.userInfo.region).toBe('cn-north');
    const res = await t.call('changeUserIdDataCenter', site, {
      userId: 'r1',
      userName: 'x',
      region: 'cn-east',
      loginName: 'wm',
    });
    expect(res.body).toEqual({ status: 100, message: 'success' });
    const info = (await t.call('getUserByUserId', site, { userId: 'r1' })).body.userInfo;
    expect(info.region).toBe('cn-east');
    expect(info.loginName).toBe('wm');
    expect(info.username).toBe('name of r1');
  });

  it('answers 109 naming region for a region the site does not have, and 101 for an unknown user', async () => {
    const site = await t.site({ regions: 'cn-north' });
    await createUser(site, 'r2');
    const bad = await t.call('changeUserIdDataCenter', site, { userId: 'r2', userName: 'x', region: 'mars' });
    expect(bad.body.status).toBe(109);
    expect(bad.body.message).toContain('region');
    expect(bad.body.message).toContain('cn-north');
    expect(
      (await t.call('changeUserIdDataCenter', site, { userId: 'nobody', userName: 'x', region: 'cn-north' })).body
        .status,
    ).toBe(101);
    expect((await t.call('changeUserIdDataCenter', site, { userId: 'r2', userName: 'x' })).body.status).toBe(109);
  });
});

describe('delUserByUserId (2.20)', () => {
  it('deletes a user without meetings; the userId may then start afresh', async () => {
    const site = await t.site();
    await createUser(site, 'd1');
    const key = (await t.call('getUserByUserId', site, { userId: 'd1' })).body.userInfo.hostKey;
    expect((await t.call('delUserByUserId', site, { userId: 'd1' })).body).toEqual({ status: 100, message: 'success' });
    expect((await t.call('getUserByUserId', site, { userId: 'd1' })).body.status).toBe(101);
    expect((await t.call('delUserByUserId', site, { userId: 'd1' })).body.status).toBe(101);
    expect((await createUser(site, 'd1')).body.status).toBe(100);
    const fresh = (await t.call('getUserByUserId', site, { userId: 'd1' })).body.userInfo;
    expect(fresh.username).toBe('name of d1');
    expect(typeof fresh.hostKey).toBe('number');
    void key;
  });

  it('refuses a user with scheduled meetings unless forced; forced, cancels and hides them', async () => {
    const site = await t.site();
    await createUser(site, 'd2');
    const meeting = await addMeeting(site, 'd2', MeetingStatus.scheduled);
    const refused = await t.call('delUserByUserId', site, { userId: 'd2' });
    expect(refused.body.status).toBe(708);
    expect((await t.call('delUserByUserId', site, { userId: 'd2', isForceDel: 0 })).body.status).toBe(708);
    expect((await t.call('getUserByUserId', site, { userId: 'd2' })).body.status).toBe(100);

    expect((await t.call('delUserByUserId', site, { userId: 'd2', isForceDel: 1 })).body.status).toBe(100);
    const row = await t.store.db
      .selectFrom('meetings')
      .selectAll()
      .where('id', '=', meeting.id)
      .executeTakeFirstOrThrow();
    expect(row.conf_status).toBe(MeetingStatus.cancelled);
    expect(row.conf_del_flag).toBe(2);
  });

  it('never deletes a user whose meeting is live, forced or not', async () => {
    const site = await t.site();
    await createUser(site, 'd3');
    await addMeeting(site, 'd3', MeetingStatus.live);
    for (const isForceDel of [0, 1]) {
      const res = await t.call('delUserByUserId', site, { userId: 'd3', isForceDel });
      expect(res.body.status).toBe(708);
      expect(res.body.message).toContain('live');
    }
    expect((await t.call('getUserByUserId', site, { userId: 'd3' })).body.status).toBe(100);
  });

  it('deletes a user whose meetings are all over, without force', async () => {
    const site = await t.site();
    await createUser(site, 'd4');
    await addMeeting(site, 'd4', MeetingStatus.ended);
    await addMeeting(site, 'd4', MeetingStatus.cancelled);
    expect((await t.call('delUserByUserId', site, { userId: 'd4' })).body.status).toBe(100);
  });

  it('answers 109 for an isForceDel outside 0/1', async () => {
    const site = await t.site();
    await createUser(site, 'd5');
    const res = await t.call('delUserByUserId', site, { userId: 'd5', isForceDel: 2 });
    expect(res.body.status).toBe(109);
    expect(res.body.message).toContain('isForceDel');
  });
});

describe('a refused request changes nothing', () => {
  it('leaves the token reusable after a business refusal', async () => {
    const site = await t.site();
    const first = await t.call('delUserByUserId', site, { userId: 'none' });
    expect(first.body.status).toBe(101);
    expect((await send(t.app, 'delUserByUserId', first.sent)).body.status).toBe(101);
  });
});
