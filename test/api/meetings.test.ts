import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addRooms } from '../../src/domain/sites.js';
import type { SiteRow } from '../../src/store/database.js';
import { updateMeeting } from '../../src/store/meetings.repository.js';
import { buildTestApp, gmt, send, type TestApp } from '../helper.js';

let t: TestApp;
beforeAll(async () => {
  t = await buildTestApp();
});
afterAll(async () => t.close());

const HOUR = 3_600_000;
/** A GMT time `hours` after the test clock's next whole hour. */
const at = (hours: number) => gmt(Math.ceil(t.clock.now / HOUR) * HOUR + hours * HOUR);

function reserve(site: SiteRow, params: Record<string, unknown> = {}, name = 'confReservation') {
  return t.call(name, site, {
    userId: 'host1',
    userName: 'Host One',
    confName: 'Weekly',
    startTime: at(1),
    duration: 60,
    confParties: 5,
    ...params,
  });
}

async function reserveOk(site: SiteRow, params: Record<string, unknown> = {}) {
  const res = await reserve(site, params);
  expect(res.body).toMatchObject({ status: 100 });
  return res.body.data;
}

const FULL_FIELDS = [
  'audio',
  'beforeTime',
  'confDelFlag',
  'confId',
  'confName',
  'confNumber',
  'confParties',
  'confPassword',
  'confStatus',
  'duration',
  'h323pwd',
  'hostStartUrl',
  'interpretation',
  'joinUrl',
  'meetingAuthentication',
  'optionJbh',
  'optionVideoHost',
  'optionVideoParticipants',
  'protocolHostStartUrl',
  'protocolJoinUrl',
  'rcIps',
  'roomId',
  'startTime',
  'userId',
  'userName',
  'videoConf',
  'videoPhone',
  'virConfId',
  'waitingRoom',
  'watchUrl',
  'watermark',
  'webClientJoin',
].sort();

const SITE_ITEM_FIELDS = [
  'beforeTime',
  'confId',
  'confName',
  'confNumber',
  'confParties',
  'confPassword',
  'confStatus',
  'duration',
  'hostStartUrl',
  'interpretation',
  'joinUrl',
  'startTime',
  'userId',
  'userName',
  'watchUrl',
].sort();

describe('confReservation (2.1)', () => {
  it('answers every documented field with the document’s JSON types and defaults', async () => {
    const site = await t.site();
    const start = at(2);
    const data = await reserveOk(site, { startTime: start, confName: '周会 weekly' });
    expect(Object.keys(data).sort()).toEqual(FULL_FIELDS);
    expect(data).toMatchObject({
      confName: '周会 weekly',
      confPassword: '',
      h323pwd: '',
      startTime: start,
      duration: 60,
      beforeTime: 0,
      confParties: 5,
      confStatus: 0,
      confDelFlag: 1,
      userId: 'host1',
      userName: 'Host One',
      rcIps: '',
      optionJbh: 0,
      optionVideoHost: 0,
      optionVideoParticipants: 0,
      audio: 0,
      interpretation: 0,
      waitingRoom: 0,
      watermark: 0,
      meetingAuthentication: 0,
      videoConf: '',
      videoPhone: '',
      watchUrl: '',
    });
    expect(typeof data.confId).toBe('number');
    expect(typeof data.roomId).toBe('number');
    expect(typeof data.virConfId).toBe('number');
    expect(data.confNumber).toMatch(/^[1-9]\d{9}$/);
  });

  it('hands out links under the public URL with independent 128-bit secrets', async () => {
    const site = await t.site();
    const data = await reserveOk(site, { confPassword: '1234' });
    const host = /^http:\/\/meet\.example\.test\/s\/(\d{10})\/([0-9A-F]{32})$/.exec(data.hostStartUrl);
    const join = /^http:\/\/meet\.example\.test\/j\/(\d{10})\/([0-9A-F]{32})$/.exec(data.joinUrl);
    expect(host?.[1]).toBe(data.confNumber);
    expect(join?.[1]).toBe(data.confNumber);
    expect(host![2]).not.toBe(join![2]);
    for (const participantLink of [data.joinUrl, data.webClientJoin, data.protocolJoinUrl])
      expect(participantLink).not.toContain(host![2]);
    expect(data.webClientJoin).toBe(
      `http://meet.example.test/wc/join/${data.confNumber}/${join![2]}?pwd=1234&prefer=1`,
    );
    expect(data.protocolJoinUrl).toBe(
      `huiguan://meet.example.test/join?confno=${data.confNumber}&sid=${join![2]}&pwd=1234`,
    );
    expect(data.protocolHostStartUrl).toMatch(
      new RegExp(`^huiguan://meet\\.example\\.test/start\\?confno=${data.confNumber}&token=${host![2]}&uname=`),
    );
    expect(data.h323pwd).toMatch(/^\d{6}$/);
  });

  it('draws unique, unpredictable conference numbers', async () => {
    const site = await t.site({ totalNumParties: 1000 });
    const numbers: number[] = [];
    for (let i = 0; i < 15; i += 1) numbers.push(Number((await reserveOk(site, { userId: `u${i}` })).confNumber));
    expect(new Set(numbers).size).toBe(15);
    const steps = new Set(numbers.slice(1).map((n, i) => n - numbers[i]!));
    expect(steps.size).toBeGreaterThan(10);
  });

  it('answers rcIps and dial-in numbers from the site', async () => {
    const site = await t.site();
    await t.store.db
      .updateTable('sites')
      .set({ rc_ips: '10.0.0.1,rc.example.test', video_phone: '86-10-1,86-10-2' })
      .where('id', '=', site.id)
      .execute();
    const data = await reserveOk(site);
    expect(data.rcIps).toBe('10.0.0.1,rc.example.test');
    expect(data.videoPhone).toBe('86-10-1,86-10-2');
    expect(data.videoConf).toBe(data.confNumber);
  });

  it('keeps the userName of the userId’s first call', async () => {
    const site = await t.site();
    await reserveOk(site, { userName: 'Alice' });
    expect((await reserveOk(site, { userName: 'Bob', startTime: at(5) })).userName).toBe('Alice');
  });

  it('stores every option it is given', async () => {
    const site = await t.site();
    const data = await reserveOk(site, {
      optionJbh: 1,
      optionVideoHost: 1,
      optionVideoParticipants: 1,
      beforeTime: 15,
      audio: 3,
      waitingRoom: 1,
      interpretation: 7,
      confPassword: 'abc123',
    });
    expect(data).toMatchObject({
      optionJbh: 1,
      optionVideoHost: 1,
      optionVideoParticipants: 1,
      beforeTime: 15,
      audio: 3,
      waitingRoom: 1,
      interpretation: 0,
      confPassword: 'abc123',
    });
    expect((await reserveOk(site, { interpretation: 1, startTime: at(8) })).interpretation).toBe(1);
  });

  it('starts an instant meeting now, without a startTime', async () => {
    const site = await t.site();
    const res = await t.call('confReservation', site, {
      userId: 'i',
      userName: 'I',
      confName: 'now',
      duration: 30,
      confParties: 2,
      isInstantMeeting: 1,
    });
    expect(res.body.status).toBe(100);
    expect(res.body.data.startTime).toBe(gmt(Math.floor(t.clock.now / 1000) * 1000));
  });

  it('answers 109 naming each missing required parameter', async () => {
    const site = await t.site();
    for (const name of ['userId', 'userName', 'confName', 'startTime', 'duration', 'confParties']) {
      const params: Record<string, unknown> = {
        userId: 'm',
        userName: 'M',
        confName: 'n',
        startTime: at(1),
        duration: 60,
        confParties: 5,
      };
      delete params[name];
      const res = await t.call('confReservation', site, params, { subject: name === 'userId' ? 'none' : 'userId' });
      expect(res.body.status, name).toBe(109);
      expect(res.body.message).toContain(name);
    }
  });

  it('answers 109 for wrong types, bad times and out-of-range numbers, naming the parameter', async () => {
    const site = await t.site();
    const cases: [Record<string, unknown>, string][] = [
      [{ userId: 'x'.repeat(33) }, 'userId'],
      [{ duration: 'sixty' }, 'duration'],
      [{ duration: 0 }, 'duration'],
      [{ duration: 1441 }, 'duration'],
      [{ duration: 1.5 }, 'duration'],
      [{ confParties: 0 }, 'confParties'],
      [{ confParties: -3 }, 'confParties'],
      [{ startTime: '2026-06-01T10:00:00' }, 'startTime'],
      [{ startTime: '2026-02-30 10:00:00' }, 'startTime'],
      [{ beforeTime: -1 }, 'beforeTime'],
      [{ optionJbh: 2 }, 'optionJbh'],
      [{ audio: 4 }, 'audio'],
      [{ confName: 'x'.repeat(129) }, 'confName'],
    ];
    for (const [params, name] of cases) {
      const res = await reserve(site, params);
      expect(res.body.status, JSON.stringify(params)).toBe(109);
      expect(res.body.message).toContain(name);
    }
    expect((await t.call('getScheduledConfListBySiteSign', site, { userId: 'host1' })).body.totalItems).toBe(0);
  });

  it('answers 104 for a name with a forbidden character or a bad password', async () => {
    const site = await t.site();
    for (const confName of [
      'a\\b',
      'a/b',
      'a:b',
      'a*b',
      'a?b',
      'a？b',
      'a"b',
      'a<b',
      'a>b',
      'a|b',
      'a&lt;b',
      'a&gt;b',
      'a\nb',
      '   ',
    ]) {
      const res = await reserve(site, { confName });
      expect(res.body.status, confName).toBe(104);
      expect(res.body.message).toContain('confName');
    }
    const pwd = await reserve(site, { confPassword: 'has space' });
    expect(pwd.body.status).toBe(104);
    expect(pwd.body.message).toContain('confPassword');
  });

  it('answers 201 for a meeting that would already be over', async () => {
    const site = await t.site();
    const res = await reserve(site, { startTime: gmt(t.clock.now - 2 * HOUR), duration: 60 });
    expect(res.body.status).toBe(201);
  });
});

describe('confReservation2 (2.2)', () => {
  it('requires loginName and forces authentication on with a watermark', async () => {
    const site = await t.site();
    const missing = await reserve(site, {}, 'confReservation2');
    expect(missing.body.status).toBe(109);
    expect(missing.body.message).toContain('loginName');
    const marked = await reserve(
      site,
      { loginName: 'alice@corp', watermark: 1, meetingAuthentication: 2 },
      'confReservation2',
    );
    expect(marked.body.data).toMatchObject({ watermark: 1, meetingAuthentication: 1 });
    expect(Object.keys(marked.body.data).sort()).toEqual(FULL_FIELDS);
    const plain = await reserve(
      site,
      { loginName: 'alice@corp', meetingAuthentication: 2, startTime: at(4) },
      'confReservation2',
    );
    expect(plain.body.data).toMatchObject({ watermark: 0, meetingAuthentication: 2 });
  });
});

describe('one meeting per userId at a time', () => {
  it('refuses an overlap (202), allows back-to-back, and counts beforeTime', async () => {
    const site = await t.site();
    await reserveOk(site, { startTime: at(1), duration: 60 });
    const clash = await reserve(site, { startTime: at(1.5), duration: 60 });
    expect(clash.body.status).toBe(202);
    expect(clash.body.message).toContain('host1');
    await reserveOk(site, { startTime: at(2), duration: 60 });
    expect((await reserve(site, { startTime: at(0), duration: 60 })).body.status).toBe(100);
    expect((await reserve(site, { startTime: at(3.5), duration: 30, beforeTime: 31 })).body.status).toBe(202);
    expect((await reserve(site, { startTime: at(3.5), duration: 30, beforeTime: 30 })).body.status).toBe(100);
    expect((await reserve(site, { userId: 'other', startTime: at(1), duration: 60 })).body.status).toBe(100);
  });
});

describe('the site’s concurrent-parties licence', () => {
  it('is never exceeded at any instant, while the peak, not the sum, counts (205)', async () => {
    const site = await t.site({ totalNumParties: 10 });
    await reserveOk(site, { userId: 'a', startTime: at(1), duration: 60, confParties: 6 });
    await reserveOk(site, { userId: 'b', startTime: at(1.5), duration: 60, confParties: 4 });
    const over = await reserve(site, { userId: 'c', startTime: at(1.75), duration: 15, confParties: 1 });
    expect(over.body.status).toBe(205);
    expect(over.body.message).toContain('confParties');
    // After a's end only b's 4 are in use: 6 fit, though a, b and c together would be 16.
    await reserveOk(site, { userId: 'c', startTime: at(2), duration: 30, confParties: 6 });
    expect((await reserve(site, { userId: 'd', confParties: 11, startTime: at(10) })).body.status).toBe(205);
  });

  it('getReMainNumPartis (2.16) answers the licence minus the peak in the window, leaving out confNumber', async () => {
    const site = await t.site({ totalNumParties: 100 });
    const a = await reserveOk(site, { userId: 'a', startTime: at(1), duration: 60, confParties: 30 });
    await reserveOk(site, { userId: 'b', startTime: at(2), duration: 60, confParties: 50 });
    const ask = (params: Record<string, unknown>) =>
      t.call('getReMainNumPartis', site, { userId: 'a', duration: 60, ...params });
    expect((await ask({ startTime: at(1) })).body).toEqual({
      status: 100,
      message: 'success',
      remainNumPartis: 70,
      totalNumParties: 100,
    });
    expect((await ask({ startTime: at(1), duration: 120 })).body.remainNumPartis).toBe(50);
    expect((await ask({ startTime: at(2), beforeTime: 30 })).body.remainNumPartis).toBe(50);
    expect((await ask({ startTime: at(1), confNumber: a.confNumber })).body.remainNumPartis).toBe(100);
    expect((await ask({ startTime: at(5) })).body.remainNumPartis).toBe(100);
    const bad = await ask({ startTime: 'tomorrow' });
    expect(bad.body.status).toBe(109);
    expect(bad.body.message).toContain('startTime');
  });
});

describe('room pools', () => {
  it('books a free room of exactly confParties, a larger one only with upCompatible=y, and 301 for expired rooms', async () => {
    const site = await t.site({ totalNumParties: 1000 });
    const rooms = await addRooms(t.store.db, { siteSign: site.site_sign, capacity: 5, count: 2 }, t.clock.now);
    const [big] = await addRooms(t.store.db, { siteSign: site.site_sign, capacity: 10, count: 1 }, t.clock.now);
    const first = await reserveOk(site, { userId: 'a' });
    const second = await reserveOk(site, { userId: 'b' });
    expect([first.roomId, second.roomId].sort()).toEqual(rooms.map((r) => r.id).sort());
    const full = await reserve(site, { userId: 'c' });
    expect(full.body.status).toBe(205);
    expect((await reserve(site, { userId: 'c', upCompatible: 'y' })).body.data.roomId).toBe(big!.id);
    expect((await reserve(site, { userId: 'd', confParties: 7 })).body.status).toBe(205);
    // The rooms are free again after the first meetings.
    expect((await reserveOk(site, { userId: 'a', startTime: at(2) })).roomId).toBe(first.roomId);

    const expiring = await t.site({ totalNumParties: 1000 });
    await addRooms(
      t.store.db,
      { siteSign: expiring.site_sign, capacity: 5, count: 1, expires: gmt(t.clock.now).slice(0, 10) },
      t.clock.now,
    );
    const expired = await reserve(expiring, { startTime: at(48) });
    expect(expired.body.status).toBe(301);
  });
});

async function setStatus(confId: number, status: number, held = 0) {
  await updateMeeting(t.store.db, confId, { conf_status: status, held });
}

describe('confModify2 (2.12)', () => {
  const modify = (site: SiteRow, confId: number, params: Record<string, unknown> = {}) =>
    t.call('confModify2', site, {
      userId: 'host1',
      confId,
      confPassword: '',
      startTime: at(1),
      duration: 60,
      confParties: 5,
      ...params,
    });

  it('changes the meeting, keeps options not given, and answers the full shape', async () => {
    const site = await t.site();
    const booked = await reserveOk(site, { optionJbh: 1, waitingRoom: 1, confPassword: 'abc' });
    const res = await modify(site, booked.confId, {
      confName: 'Renamed',
      startTime: at(3),
      duration: 90,
      confParties: 8,
      beforeTime: 10,
    });
    expect(res.body.status).toBe(100);
    expect(Object.keys(res.body.data).sort()).toEqual(FULL_FIELDS);
    expect(res.body.data).toMatchObject({
      confId: booked.confId,
      confNumber: booked.confNumber,
      confName: 'Renamed',
      startTime: at(3),
      duration: 90,
      confParties: 8,
      beforeTime: 10,
      optionJbh: 1,
      waitingRoom: 1,
      confPassword: '',
      h323pwd: '',
      joinUrl: booked.joinUrl,
      hostStartUrl: booked.hostStartUrl,
    });
    const detail = await t.call('getConfDetailByConfId', site, { userId: 'host1', confId: booked.confId });
    expect(detail.body.data).toEqual(res.body.data);
  });

  it('re-checks conflicts and the licence without counting the meeting itself', async () => {
    const site = await t.site({ totalNumParties: 10 });
    const m = await reserveOk(site, { startTime: at(1), confParties: 10 });
    await reserveOk(site, { startTime: at(3), confParties: 1, userId: 'other' });
    expect((await modify(site, m.confId, { startTime: at(1.5), confParties: 10 })).body.status).toBe(100);
    await reserveOk(site, { startTime: at(5) });
    expect((await modify(site, m.confId, { startTime: at(4.5) })).body.status).toBe(202);
    expect((await modify(site, m.confId, { startTime: at(2.5), confParties: 10 })).body.status).toBe(205);
    expect((await modify(site, m.confId, { startTime: at(2.5), confParties: 9 })).body.status).toBe(100);
  });

  it('refuses another user’s meeting (401), unknown ones (401), and live, ended or cancelled ones', async () => {
    const site = await t.site();
    const m = await reserveOk(site);
    await reserveOk(site, { userId: 'intruder', startTime: at(6) });
    expect((await modify(site, m.confId, { userId: 'intruder' })).body.status).toBe(401);
    expect((await modify(site, 999_999)).body.status).toBe(401);
    expect((await modify(site, m.confId, { userId: 'ghost' })).body.status).toBe(101);
    const missing = await t.call('confModify2', site, {
      userId: 'host1',
      confId: m.confId,
      startTime: at(1),
      duration: 60,
      confParties: 5,
    });
    expect(missing.body.status).toBe(109);
    expect(missing.body.message).toContain('confPassword');
    for (const [status, code] of [
      [2, 708],
      [3, 707],
      [9, 401],
    ] as const) {
      await setStatus(m.confId, status);
      const res = await modify(site, m.confId);
      expect(res.body.status).toBe(code);
    }
  });

  it('adds and removes the watermark, and takes a new password with a new h323pwd', async () => {
    const site = await t.site();
    const m = await reserveOk(site);
    const marked = await modify(site, m.confId, { watermark: 1, confPassword: '9876' });
    expect(marked.body.data).toMatchObject({ watermark: 1, meetingAuthentication: 1, confPassword: '9876' });
    expect(marked.body.data.h323pwd).toMatch(/^\d{6}$/);
    const kept = await modify(site, m.confId, { confPassword: '9876' });
    expect(kept.body.data).toMatchObject({ watermark: 1, h323pwd: marked.body.data.h323pwd });
    expect((await modify(site, m.confId, { watermark: 0 })).body.data).toMatchObject({
      watermark: 0,
      meetingAuthentication: 0,
    });
  });
});

describe('cancelConf (2.4)', () => {
  it('cancels (9), frees the slot and the licence at once, and refuses to cancel again', async () => {
    const site = await t.site({ totalNumParties: 5 });
    const m = await reserveOk(site);
    const res = await t.call('cancelConf', site, { userId: 'host1', confId: m.confId });
    expect(res.body).toEqual({ status: 100, message: 'cancel conf success' });
    expect(
      (await t.call('getConfDetailByConfId', site, { userId: 'host1', confId: m.confId })).body.data.confStatus,
    ).toBe(9);
    await reserveOk(site);
    expect((await t.call('cancelConf', site, { userId: 'host1', confId: m.confId })).body.status).toBe(401);
  });

  it('ends (3) a meeting that was held, and refuses live, ended and other users’ meetings', async () => {
    const site = await t.site();
    const held = await reserveOk(site);
    await setStatus(held.confId, 0, 1);
    await t.call('cancelConf', site, { userId: 'host1', confId: held.confId });
    expect(
      (await t.call('getConfDetailByConfId', site, { userId: 'host1', confId: held.confId })).body.data.confStatus,
    ).toBe(3);

    const live = await reserveOk(site, { startTime: at(3) });
    await setStatus(live.confId, 2);
    expect((await t.call('cancelConf', site, { userId: 'host1', confId: live.confId })).body.status).toBe(708);
    await setStatus(live.confId, 3);
    expect((await t.call('cancelConf', site, { userId: 'host1', confId: live.confId })).body.status).toBe(707);
    const theirs = await reserveOk(site, { userId: 'other', startTime: at(5) });
    expect((await t.call('cancelConf', site, { userId: 'host1', confId: theirs.confId })).body.status).toBe(401);
  });
});

describe('getConfDetailByConfId (2.3)', () => {
  it('answers the reservation’s fields, and 401 / 101 for someone else’s meeting or an unknown user', async () => {
    const site = await t.site();
    const m = await reserveOk(site);
    const res = await t.call(
      'getConfDetailByConfId',
      site,
      { userId: 'host1', confId: m.confId },
      { encoding: 'query', method: 'GET' },
    );
    expect(res.body).toEqual({ status: 100, message: 'success', data: m });
    await reserveOk(site, { userId: 'other', startTime: at(3) });
    expect((await t.call('getConfDetailByConfId', site, { userId: 'other', confId: m.confId })).body.status).toBe(401);
    expect((await t.call('getConfDetailByConfId', site, { userId: 'nobody', confId: m.confId })).body.status).toBe(101);
    const otherSite = await t.site();
    await reserveOk(otherSite, { startTime: at(7) });
    expect((await t.call('getConfDetailByConfId', otherSite, { userId: 'host1', confId: m.confId })).body.status).toBe(
      401,
    );
  });

  it('shows a meeting whose window passed unheld as finished (3)', async () => {
    const site = await t.site();
    const m = await reserveOk(site, { startTime: at(1), duration: 30 });
    t.clock.now += 3 * HOUR;
    expect(
      (await t.call('getConfDetailByConfId', site, { userId: 'host1', confId: m.confId })).body.data.confStatus,
    ).toBe(3);
  });
});

describe('the six lists', () => {
  it('pages a user’s scheduled meetings in start order with the documented pagination fields', async () => {
    const site = await t.site({ totalNumParties: 1000 });
    const booked = [];
    for (const h of [7, 3, 5, 1, 9, 11, 2])
      booked.push(await reserveOk(site, { userId: 'p', startTime: at(h), duration: 30 }));
    const res = await t.call('getScheduledConfListByUserId', site, { userId: 'p', pageNo: 2, pageSize: 3 });
    expect(res.body).toMatchObject({
      status: 100,
      message: 'success',
      totalPage: 3,
      currentPage: '2',
      totalItems: 7,
      pageSize: 3,
    });
    const starts = res.body.data.confInfo.map((m: { startTime: string }) => m.startTime);
    expect(starts).toEqual([at(5), at(7), at(9)]);
    for (const item of res.body.data.confInfo) expect(Object.keys(item).sort()).toEqual(FULL_FIELDS);

    const filtered = await t.call('getScheduledConfListByUserId', site, {
      userId: 'p',
      startTime: at(2),
      endTime: at(7),
    });
    expect(filtered.body.data.confInfo.map((m: { startTime: string }) => m.startTime)).toEqual([
      at(2),
      at(3),
      at(5),
      at(7),
    ]);
    expect(filtered.body).toMatchObject({ totalItems: 4, totalPage: 1, currentPage: '1', pageSize: 10 });

    const none = await t.call('getScheduledConfListByUserId', site, { userId: 'never-seen' });
    expect(none.body).toMatchObject({ status: 100, totalItems: 0, totalPage: 0, data: { confInfo: [] } });
    const tooBig = await t.call('getScheduledConfListByUserId', site, { userId: 'p', pageSize: 101 });
    expect(tooBig.body.status).toBe(109);
    expect(tooBig.body.message).toContain('pageSize');
    const badTime = await t.call('getScheduledConfListByUserId', site, { userId: 'p', endTime: 'soon' });
    expect(badTime.body.status).toBe(109);
    expect(badTime.body.message).toContain('endTime');
  });

  it('moves a meeting from scheduled to finished when its window passes, and shows live ones', async () => {
    const site = await t.site({ totalNumParties: 1000 });
    const soon = await reserveOk(site, { userId: 'f', startTime: at(1), duration: 30 });
    const later = await reserveOk(site, { userId: 'f', startTime: at(10), duration: 30 });
    const cancelled = await reserveOk(site, { userId: 'f', startTime: at(12), duration: 30 });
    await t.call('cancelConf', site, { userId: 'f', confId: cancelled.confId });

    const live = await t.call('getLivingConfByUserId', site, { userId: 'f' });
    expect(live.body).toEqual({ status: 100, message: 'success', data: { confInfo: [] } });
    await setStatus(later.confId, 2);
    const nowLive = await t.call('getLivingConfByUserId', site, { userId: 'f' });
    expect(nowLive.body.data.confInfo.map((m: { confId: number }) => m.confId)).toEqual([later.confId]);
    await setStatus(later.confId, 0);

    t.clock.now += 3 * HOUR;
    const scheduled = await t.call('getScheduledConfListByUserId', site, { userId: 'f' });
    expect(scheduled.body.data.confInfo.map((m: { confId: number }) => m.confId)).toEqual([later.confId]);
    const finished = await t.call('getFinishedConfListByUserId', site, { userId: 'f' });
    expect(finished.body).toMatchObject({ totalItems: 1, currentPage: '1' });
    expect(finished.body.data.confInfo[0]).toMatchObject({ confId: soon.confId, confStatus: 3 });
  });

  it('lists a site’s meetings of every user in the short item shape', async () => {
    const site = await t.site({ totalNumParties: 1000 });
    const a = await reserveOk(site, { userId: 'sa', userName: 'A', startTime: at(2), confPassword: '11' });
    const b = await reserveOk(site, { userId: 'sb', userName: 'B', startTime: at(1) });
    const other = await t.site();
    await reserveOk(other, { userId: 'sa', startTime: at(1) });

    const res = await t.call('getScheduledConfListBySiteSign', site, { userId: 'anyone' });
    expect(res.body).toMatchObject({
      status: 100,
      message: 'success',
      totalPage: 1,
      currentPage: 1,
      totalItems: 2,
      pageSize: 10,
    });
    expect(res.body.data).toHaveLength(2);
    for (const item of res.body.data) expect(Object.keys(item).sort()).toEqual(SITE_ITEM_FIELDS);
    expect(res.body.data[0]).toEqual({
      confId: b.confId,
      confNumber: b.confNumber,
      confName: 'Weekly',
      startTime: at(1),
      duration: 60,
      joinUrl: b.joinUrl,
      hostStartUrl: b.hostStartUrl,
      confPassword: '',
      confStatus: 0,
      confParties: 5,
      userName: 'B',
      userId: 'sb',
      beforeTime: 0,
      watchUrl: '',
      interpretation: 0,
    });
    expect(res.body.data[1]).toMatchObject({ confId: a.confId, userId: 'sa', confPassword: '11' });

    await setStatus(a.confId, 2);
    const living = await t.call('getLivingConfListBySiteSign', site, { userId: 'anyone' });
    expect(living.body.data.map((m: { confId: number }) => m.confId)).toEqual([a.confId]);
    expect(living.body.currentPage).toBe(1);

    t.clock.now += 5 * HOUR;
    const finished = await t.call('getFinishedConfListBySiteSign', site, { userId: 'anyone', pageNo: 1, pageSize: 5 });
    expect(finished.body.data.map((m: { confId: number }) => m.confId)).toEqual([b.confId]);
  });

  it('hides a deleted user’s meetings from the site lists', async () => {
    const site = await t.site({ totalNumParties: 1000 });
    await reserveOk(site, { userId: 'gone', startTime: at(1) });
    await reserveOk(site, { userId: 'stays', startTime: at(2) });
    expect((await t.call('delUserByUserId', site, { userId: 'gone', isForceDel: 1 })).body.status).toBe(100);
    const res = await t.call('getScheduledConfListBySiteSign', site, { userId: 'x' });
    expect(res.body.data.map((m: { userId: string }) => m.userId)).toEqual(['stays']);
  });
});

describe('refused requests change nothing', () => {
  it('leaves no meeting and no user behind after a refusal', async () => {
    const site = await t.site({ totalNumParties: 3 });
    const res = await reserve(site, { userId: 'newcomer', confParties: 4 });
    expect(res.body.status).toBe(205);
    expect((await t.call('getUserByUserId', site, { userId: 'newcomer' })).body.status).toBe(101);
    expect((await send(t.app, 'confReservation', res.sent)).body.status).toBe(205);
  });
});
