/**
 * The console's Meetings and Live pages (issue 19): the list and calendar, a meeting's page, attendance
 * with its CSV, booking, editing and cancelling through the API's own rules (their refusals named for the
 * page), registrants, live rosters as Server-Sent Events, ending and extending. Owners change; viewers
 * only look.
 */
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SiteRow } from '../../src/store/database.js';
import { buildTestApp, sign, type TestApp } from '../helper.js';
import { ConsoleBrowser, consoleAccount } from './console-client.js';

let t: TestApp;
let site: SiteRow;
let owner: ConsoleBrowser;
let viewer: ConsoleBrowser;
const at = (text: string) => Date.parse(`${text.replace(' ', 'T')}Z`);
const base = () => `/console/api/sites/${site.site_sign}`;

beforeAll(async () => {
  t = await buildTestApp();
  t.clock.now = at('2026-06-01 08:00:00');
  site = await t.site({ siteSign: 'acme', totalNumParties: 20 });
  await consoleAccount(t, site, 'owner@acme.example');
  await consoleAccount(t, site, 'viewer@acme.example', 'viewer');
  owner = new ConsoleBrowser(t.app);
  await owner.signIn('owner@acme.example');
  viewer = new ConsoleBrowser(t.app);
  await viewer.signIn('viewer@acme.example');
});
afterAll(async () => t?.close());

const reserve = async (params: Record<string, unknown>) => {
  const res = await t.call('confReservation', site, {
    userId: 'h1',
    userName: '王小明',
    confName: 'Weekly',
    startTime: '2026-06-03 09:00:00',
    duration: 60,
    confParties: 5,
    ...params,
  });
  expect(res.body.status, res.body.message).toBe(100);
  return res.body.data as { confId: number; confNumber: string };
};

const event = async (confNumber: string, events: Record<string, unknown>[]) => {
  const res = await t.call(
    '/media/v1/events',
    site,
    { confNumber, events },
    { subject: 'confNumber', encoding: 'json' },
  );
  expect(res.body.status, res.body.message).toBe(100);
};

const booking = {
  userId: 'h2',
  userName: 'Host Two',
  confName: 'Board',
  startTime: '2026-06-10T10:00:00.000Z',
  duration: 90,
  confParties: 8,
};

describe('the meetings list and calendar', () => {
  it('lists a month of meetings with their hosts, filtered by state and host, and refuses longer ranges', async () => {
    const a = await reserve({ confName: 'Alpha', startTime: '2026-06-02 09:00:00' });
    await reserve({ userId: 'h9', userName: 'Other', confName: 'Beta', startTime: '2026-06-05 09:00:00' });
    await reserve({ confName: 'July', startTime: '2026-07-05 09:00:00' });
    const june = await viewer.get(`${base()}/meetings?from=2026-06-01T00:00:00Z&to=2026-07-01T00:00:00Z`);
    expect(june.status).toBe(200);
    expect(june.body.meetings.map((m: { confName: string }) => m.confName)).toEqual(['Alpha', 'Beta']);
    expect(june.body.meetings[0]).toMatchObject({
      confId: a.confId,
      confNumber: a.confNumber,
      startTime: '2026-06-02T09:00:00.000Z',
      endTime: '2026-06-02T10:00:00.000Z',
      state: 'scheduled',
      hostUserId: 'h1',
      hostName: '王小明',
    });
    const byHost = await viewer.get(`${base()}/meetings?from=2026-06-01T00:00:00Z&to=2026-07-01T00:00:00Z&host=h9`);
    expect(byHost.body.meetings.map((m: { confName: string }) => m.confName)).toEqual(['Beta']);
    const live = await viewer.get(`${base()}/meetings?from=2026-06-01T00:00:00Z&to=2026-07-01T00:00:00Z&state=live`);
    expect(live.body).toMatchObject({ meetings: [], total: 0 });
    const paged = await viewer.get(
      `${base()}/meetings?from=2026-06-01T00:00:00Z&to=2026-07-01T00:00:00Z&pageSize=1&page=2`,
    );
    expect(paged.body).toMatchObject({ total: 2, page: 2, pageSize: 1 });
    expect(paged.body.meetings.map((m: { confName: string }) => m.confName)).toEqual(['Beta']);
    const long = await viewer.get(`${base()}/meetings?from=2026-06-01T00:00:00Z&to=2026-08-01T00:00:00Z`);
    expect(long.status).toBe(400);
    expect(long.body.error).toBe('bad_range');
    const big = await viewer.get(`${base()}/meetings?from=2026-06-01T00:00:00Z&to=2026-06-02T00:00:00Z&pageSize=101`);
    expect(big.status).toBe(400);
  });
});

describe('booking, editing and cancelling', () => {
  it('lets an owner book through 2.1’s rules; the API sees the meeting; a viewer is refused', async () => {
    expect((await viewer.post(`${base()}/meetings`, booking)).status).toBe(403);
    const res = await owner.post(`${base()}/meetings`, booking);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toMatchObject({ confName: 'Board', startTime: '2026-06-10T10:00:00.000Z', hostUserId: 'h2' });
    const api = await t.call('getConfDetailByConfId', site, { userId: 'h2', confId: res.body.confId });
    expect(api.body.data).toMatchObject({ confName: 'Board', startTime: '2026-06-10 10:00:00', confParties: 8 });
  });

  it('answers the API’s refusals with their code for the page: over the licence 205, a past time 201, the host busy 202', async () => {
    const over = await owner.post(`${base()}/meetings`, {
      ...booking,
      confParties: 21,
      startTime: '2026-06-11T10:00:00Z',
    });
    expect(over.status).toBe(409);
    expect(over.body.error).toBe('code_205');
    const past = await owner.post(`${base()}/meetings`, { ...booking, startTime: '2026-05-01T10:00:00Z' });
    expect(past.body.error).toBe('code_201');
    const busy = await owner.post(`${base()}/meetings`, { ...booking, confName: 'Clash' });
    expect(busy.status).toBe(409);
    expect(busy.body.error).toBe('code_202');
    const name = await owner.post(`${base()}/meetings`, {
      ...booking,
      confName: 'a/b',
      startTime: '2026-06-12T10:00:00Z',
    });
    expect(name.body.error).toBe('code_104');
  });

  it('edits through 2.12 and cancels through 2.4; viewers are refused both', async () => {
    const m = await reserve({ confName: 'To edit', startTime: '2026-06-15 09:00:00' });
    const change = {
      confName: 'Edited',
      confPassword: '1234',
      startTime: '2026-06-15T11:00:00Z',
      duration: 30,
      confParties: 4,
    };
    expect((await viewer.post(`${base()}/meetings/${m.confId}`, change)).status).toBe(403);
    const edited = await owner.post(`${base()}/meetings/${m.confId}`, change);
    expect(edited.status, JSON.stringify(edited.body)).toBe(200);
    expect(edited.body).toMatchObject({ confName: 'Edited', startTime: '2026-06-15T11:00:00.000Z', duration: 30 });
    const detail = await viewer.get(`${base()}/meetings/${m.confId}`);
    expect(detail.body.confPassword).toBe('1234');
    expect((await viewer.post(`${base()}/meetings/${m.confId}/cancel`)).status).toBe(403);
    const cancelled = await owner.post(`${base()}/meetings/${m.confId}/cancel`);
    expect(cancelled.body.state).toBe('cancelled');
    const again = await owner.post(`${base()}/meetings/${m.confId}/cancel`);
    expect(again.status).toBe(404);
    expect(again.body.error).toBe('code_401');
    expect((await owner.get(`${base()}/meetings/999999`)).status).toBe(404);
  });
});

describe('a meeting’s page, attendance and CSV', () => {
  let m: { confId: number; confNumber: string };
  let reg: { confId: number; confNumber: string };
  beforeAll(async () => {
    m = await reserve({ confName: 'Held', startTime: '2026-06-01 08:00:00' });
    reg = await reserve({ confName: 'Registration', startTime: '2026-06-25 08:00:00', registrationType: 1 });
    t.clock.now = at('2026-06-01 08:05:00');
    await event(m.confNumber, [
      { type: 'session.started' },
      {
        at: '2026-06-01 08:05:00',
        type: 'participant.joined',
        participant: { cuid: 'c1', name: '张三', role: 'host', deviceType: 'pc' },
      },
      {
        at: '2026-06-01 08:05:00',
        type: 'participant.joined',
        participant: { cuid: 'c2', name: 'Smith, "Jo"', role: 'attendee' },
      },
      {
        at: '2026-06-01 08:05:00',
        type: 'participant.joined',
        participant: { cuid: 'c3', name: '=1+2', role: 'attendee' },
      },
    ]);
    t.clock.now = at('2026-06-01 08:35:00');
    await event(m.confNumber, [{ at: '2026-06-01 08:35:00', type: 'participant.left', participant: { cuid: 'c2' } }]);
    const added = await t.call('addRegistrant', site, {
      userId: 'h1',
      confId: reg.confId,
      first_name: 'Reg',
      email: 'reg@example.com',
    });
    expect(added.body.status, added.body.message).toBe(100);
  });

  it('shows details, links and sessions', async () => {
    const res = await viewer.get(`${base()}/meetings/${m.confId}`);
    expect(res.status).toBe(200);
    expect(res.body.meeting).toMatchObject({ confName: 'Held', state: 'live', registration: false });
    expect(res.body.links.hostStartUrl).toMatch(new RegExp(`/s/${m.confNumber}/`));
    expect(res.body.links.joinUrl).toMatch(new RegExp(`/j/${m.confNumber}/`));
    expect(res.body.links.webClientJoin).toMatch(new RegExp(`/wc/join/${m.confNumber}/`));
    expect(res.body.sessions).toHaveLength(1);
    expect(res.body.sessions[0]).toMatchObject({ endedAt: null, people: 3 });
    expect(res.body.registrants).toEqual([]);
    expect(res.body.recordings).toEqual([]);
  });

  it('shows a registration meeting’s registrants; an owner approves or denies, a viewer cannot', async () => {
    const url = `${base()}/meetings/${reg.confId}`;
    const res = await viewer.get(url);
    expect(res.body.meeting.registration).toBe(true);
    expect(res.body.registrants).toHaveLength(1);
    expect(res.body.registrants[0]).toMatchObject({ name: 'Reg', email: 'reg@example.com' });
    const id = res.body.registrants[0].registrantId;
    expect((await viewer.post(`${url}/registrants/${id}`, { status: 'denied' })).status).toBe(403);
    const denied = await owner.post(`${url}/registrants/${id}`, { status: 'denied' });
    expect(denied.status, JSON.stringify(denied.body)).toBe(200);
    expect((await viewer.get(url)).body.registrants[0].status).toBe('denied');
    await owner.post(`${url}/registrants/${id}`, { status: 'approved' });
    expect((await viewer.get(url)).body.registrants[0].status).toBe('approved');
    const unknown = await owner.post(`${url}/registrants/nobody`, { status: 'approved' });
    expect(unknown.body.error).toBe('code_109');
  });

  it('lists the meeting’s recordings with getCloudFileList’s play and download links', async () => {
    const user = await t.call('createOrUpdateUser', site, { userId: 'h1', userName: '王小明', enableCloudRecord: 1 });
    expect(user.body.status, user.body.message).toBe(100);
    const file = fs.readFileSync(path.resolve('test/fixtures/tone-3s.m4a'));
    const params = {
      confNumber: m.confNumber,
      fileType: 'M4A',
      recordStart: '2026-06-01 08:05:00',
      recordEnd: '2026-06-01 08:30:00',
    };
    const uploaded = await t.app.inject({
      method: 'POST',
      url: '/media/v1/recordings',
      query: sign(site, params, ++t.clock.now, { subject: 'confNumber' }),
      headers: { 'content-type': 'audio/mp4' },
      payload: file,
    });
    expect(uploaded.json().status, uploaded.body).toBe(100);
    const detail = await viewer.get(`${base()}/meetings/${m.confId}`);
    const api = await t.call('getCloudFileList', site, { confNo: m.confNumber }, { subject: 'confNo' });
    expect(detail.body.recordings).toHaveLength(1);
    expect(detail.body.recordings[0]).toMatchObject({
      topic: 'Held',
      fileType: 'M4A',
      recordStart: '2026-06-01 08:05:00',
      recordEnd: '2026-06-01 08:30:00',
      fileSize: api.body.data[0].fileSize,
    });
    const { downloadUrl, playUrl } = detail.body.recordings[0];
    expect(downloadUrl).toMatch(/^http:\/\/meet\.example\.test\//);
    expect(playUrl).toMatch(/^http:\/\/meet\.example\.test\//);
    const download = await t.app.inject({ url: downloadUrl.replace('http://meet.example.test', '') });
    expect(download.statusCode).toBe(200);
    expect(download.rawPayload.equals(file)).toBe(true);
  });

  it('pages the attendance: join and leave per person per session', async () => {
    const res = await viewer.get(`${base()}/meetings/${m.confId}/attendance?pageSize=2`);
    expect(res.body).toMatchObject({ total: 3, page: 1, pageSize: 2 });
    expect(res.body.rows[0]).toMatchObject({
      name: '张三',
      role: 'host',
      joinedAt: '2026-06-01T08:05:00.000Z',
      leftAt: null,
    });
    expect(res.body.rows[1]).toMatchObject({ name: 'Smith, "Jo"', leftAt: '2026-06-01T08:35:00.000Z', minutes: 30 });
  });

  it('pages the room’s chat (issue 17): every session’s messages, in the order sent, as text', async () => {
    const session = await t.store.db
      .selectFrom('sessions')
      .select(['id', 'uuid'])
      .where('meeting_id', '=', m.confId)
      .executeTakeFirstOrThrow();
    const message = (n: number, text: string) => ({
      id: `00000000-0000-4000-8000-00000000000${n}`,
      site_id: site.id,
      meeting_id: m.confId,
      session_id: session.id,
      sender_cuid: `c${n}`,
      sender_name: n === 1 ? '张三' : 'Smith, "Jo"',
      text,
      sent_at: at('2026-06-01 08:10:00') + n * 1000,
    });
    await t.store.db
      .insertInto('chat_messages')
      .values([message(2, '<b>not bold</b>'), message(1, '大家好')])
      .execute();
    const res = await viewer.get(`${base()}/meetings/${m.confId}/chat?pageSize=1&page=2`);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      rows: [
        { session: session.uuid, name: 'Smith, "Jo"', text: '<b>not bold</b>', sentAt: '2026-06-01T08:10:02.000Z' },
      ],
      total: 2,
      page: 2,
      pageSize: 1,
    });
  });

  it('exports CSV: UTF-8 with a BOM, CRLF, quoted where needed, formulas kept as text', async () => {
    const res = await t.app.inject({
      url: `${base()}/meetings/${m.confId}/attendance.csv`,
      headers: { cookie: viewer.cookie },
    });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(res.headers['content-disposition']).toBe(`attachment; filename="attendance-${m.confNumber}.csv"`);
    expect(res.rawPayload.subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
    const lines = res.rawPayload.subarray(3).toString('utf8').split('\r\n');
    const uuid = (await viewer.get(`${base()}/meetings/${m.confId}`)).body.sessions[0].uuid;
    const u = /[",]/.test(uuid) ? `"${uuid}"` : uuid;
    expect(lines).toEqual([
      'session,name,role,device,join (GMT),leave (GMT),minutes',
      `${u},张三,host,pc,2026-06-01 08:05:00,,30`,
      `${u},"Smith, ""Jo""",attendee,${lines[2]!.split(',')[4]},2026-06-01 08:05:00,2026-06-01 08:35:00,30`,
      `${u},'=1+2,attendee,${lines[3]!.split(',')[3]},2026-06-01 08:05:00,,30`,
      '',
    ]);
  });
});

describe('live meetings', () => {
  let m: { confId: number; confNumber: string };
  beforeAll(async () => {
    t.clock.now = at('2026-06-20 09:00:00');
    // Sessions last 7 days: a new day of the test signs in again.
    await owner.signIn('owner@acme.example');
    await viewer.signIn('viewer@acme.example');
    m = await reserve({ userId: 'h5', confName: 'Live one', startTime: '2026-06-20 09:00:00' });
    await event(m.confNumber, [
      { type: 'session.started' },
      { type: 'participant.joined', participant: { cuid: 'p1', name: 'Ann', role: 'host' } },
    ]);
  });

  it('lists the live meetings with their rosters', async () => {
    const res = await viewer.get(`${base()}/live`);
    expect(res.status).toBe(200);
    const mine = res.body.meetings.find((x: { meeting: { confId: number } }) => x.meeting.confId === m.confId);
    expect(mine.participants.map((p: { name: string }) => p.name)).toEqual(['Ann']);
    expect(res.body.truncated).toBe(false);
  });

  it('extends through 2.14’s rule and ends through 2.13; viewers are refused', async () => {
    expect((await viewer.post(`${base()}/meetings/${m.confId}/extend`, { addDuration: 30 })).status).toBe(403);
    const extended = await owner.post(`${base()}/meetings/${m.confId}/extend`, { addDuration: 30 });
    expect(extended.status, JSON.stringify(extended.body)).toBe(200);
    expect(extended.body.duration).toBe(90);
    const none = await owner.post(`${base()}/meetings/${m.confId}/extend`, {});
    expect(none.body.error).toBe('code_109');
    const tooMany = await owner.post(`${base()}/meetings/${m.confId}/extend`, { addNumParties: 100 });
    expect(tooMany.body.error).toBe('code_205');
    expect((await viewer.post(`${base()}/meetings/${m.confId}/end`)).status).toBe(403);
    expect((await owner.post(`${base()}/meetings/${m.confId}/end`)).status).toBe(200);
    const after = await owner.post(`${base()}/meetings/${m.confId}/end`);
    expect(after.body.error).toBe('code_707');
    const live = await viewer.get(`${base()}/live`);
    expect(live.body.meetings.map((x: { meeting: { confId: number } }) => x.meeting.confId)).not.toContain(m.confId);
  });

  it('streams the roster as Server-Sent Events to a signed-in session, at most 4 streams a session', async () => {
    const n = await reserve({ userId: 'h6', confName: 'Streamed', startTime: '2026-06-20 09:00:00' });
    const address = await t.app.listen({ port: 0, host: '127.0.0.1' });
    const open = (headers: Record<string, string> = {}) =>
      new Promise<{ res: http.IncomingMessage; events: () => string }>((resolve, reject) => {
        let text = '';
        const req = http.get(
          `${address}${base()}/live/events`,
          { headers: { cookie: viewer.cookie, ...headers } },
          (res) => {
            res.setEncoding('utf8');
            res.on('data', (chunk: string) => (text += chunk));
            resolve({ res, events: () => text });
          },
        );
        req.on('error', reject);
      });
    const until = async (check: () => boolean) => {
      for (let i = 0; i < 100 && !check(); i += 1) await new Promise((r) => setTimeout(r, 50));
      expect(check()).toBe(true);
    };
    const first = await open();
    expect(first.res.statusCode).toBe(200);
    expect(first.res.headers['content-type']).toBe('text/event-stream; charset=utf-8');
    await until(() => first.events().includes('event: live'));
    expect(first.events()).not.toContain('Streamed');
    await event(n.confNumber, [
      { type: 'session.started' },
      { type: 'participant.joined', participant: { cuid: 'q1', name: 'Bea', role: 'host' } },
    ]);
    await until(() => first.events().includes('"name":"Bea"'));
    const more = [await open(), await open(), await open()];
    const fifth = await open();
    expect(fifth.res.statusCode).toBe(429);
    const crossSite = await open({ 'sec-fetch-site': 'cross-site' });
    expect(crossSite.res.statusCode).toBe(403);
    const signedOut = await new Promise<number>((resolve) =>
      http.get(`${address}${base()}/live/events`, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      }),
    );
    expect(signedOut).toBe(401);
    for (const s of more) s.res.destroy();
    // Closing the server ends the streams still open, rather than waiting for their browsers.
    const ended = new Promise<void>((resolve) => first.res.on('end', resolve));
    await t.app.close();
    await ended;
  });
});
