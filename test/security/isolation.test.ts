/**
 * Tenant isolation. Two sites, A and B, each with users, meetings (scheduled, live through the media plane,
 * ended with a report and a recording), registrants and webhook endpoints. Site B, with its own key, names
 * A's objects on every endpoint of NOTES.md's index and the extensions: it must be refused (101/109/401) or
 * answered with B's own data only — never anything of A's — and A's rows stay as they were. Then: B's
 * siteSign signed with A's key (102), one user of a site reaching for another's meeting (401), and the
 * links (recordings, meeting pages) with a wrong or missing secret.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordingLinkQuery } from '../../src/domain/recording-links.js';
import { deliverDue } from '../../src/domain/webhooks.js';
import type { SiteRow } from '../../src/store/database.js';
import { buildTestApp, sign, type CallResult, type TestApp } from '../helper.js';
import { changedTables, snapshot } from './db-snapshot.js';

const NOTES = fs.readFileSync(new URL('../../../shared/spec/NOTES.md', import.meta.url), 'utf8');
const INDEXED = [...NOTES.matchAll(/^\| [23]\.\d+ \| (\w+) \|/gm)].map((m) => m[1]!);
const EXTENSIONS = [
  '/media/v1/events',
  '/webhooks/v1/createEndpoint',
  '/webhooks/v1/listEndpoints',
  '/webhooks/v1/deleteEndpoint',
  '/webhooks/v1/events',
  'updateRegistrantStatus',
];
const MIN = 60_000;
const AUDIO = fs.readFileSync(path.resolve('test/fixtures/tone-3s.m4a'));
const gmt = (ms: number) => new Date(ms).toISOString().slice(0, 19).replace('T', ' ');
const urlOf = (name: string) => (name.startsWith('/') ? name : `/openapi/v2/${name}`);

interface Booked {
  confId: number;
  confNumber: string;
  hostStartUrl: string;
  joinUrl: string;
  webClientJoin: string;
  protocolHostStartUrl: string;
  protocolJoinUrl: string;
  h323pwd: string;
}

/** Everything of site A that B tries to reach, and what must never show in B's answers. */
interface World {
  live: Booked;
  scheduled: Booked;
  registration: Booked;
  ended: Booked;
  cancelled: Booked;
  registrantId: string;
  endpointId: number;
  recordId: number;
  downloadUrl: string;
  playUrl: string;
  hostKey: number;
  /** Texts of A's that no answer to B may contain (unless B sent them itself). */
  markers: string[];
  /** B's own meeting, for the link tests. */
  bMeeting: Booked;
}

let t: TestApp;
let A: SiteRow;
let B: SiteRow;
let w: World;
let doc: any;

/** The token subject of an endpoint, as /openapi.json gives it. */
const subjectOf = (name: string): string => {
  const subject = doc.paths[urlOf(name)]?.post?.['x-token-subject'];
  if (!subject) throw new Error(`${urlOf(name)} has no x-token-subject in /openapi.json`);
  return subject;
};

async function call(
  site: SiteRow,
  name: string,
  params: Record<string, unknown>,
  options: { apiKey?: string } = {},
): Promise<CallResult> {
  return t.call(name, site, params, { subject: subjectOf(name), encoding: 'json', ...options });
}

async function ok(site: SiteRow, name: string, params: Record<string, unknown>) {
  const res = await call(site, name, params);
  expect(res.body.status, `${name}: ${res.body.message}`).toBe(100);
  return res.body;
}

/** `POST /media/v1/recordings` with the file as the body, signed as `site` (with `apiKey`, default its own). */
function upload(site: SiteRow, params: Record<string, unknown>, apiKey?: string) {
  const sent = sign(site, params, ++t.clock.now, { subject: 'confNumber', ...(apiKey ? { apiKey } : {}) });
  return t.app.inject({
    method: 'POST',
    url: '/media/v1/recordings',
    query: sent,
    headers: { 'content-type': 'audio/mp4' },
    payload: AUDIO,
  });
}

const at = (minutes: number) => gmt(Math.floor((t.clock.now + minutes * MIN) / 1000) * 1000);

async function reserve(
  site: SiteRow,
  userId: string,
  startMinutes: number,
  duration: number,
  extra: Record<string, unknown> = {},
): Promise<Booked> {
  return (
    await ok(site, 'confReservation', {
      userId,
      userName: `${userId} of ${site.site_sign}`,
      confName: 'Meeting',
      startTime: at(startMinutes),
      duration,
      confParties: 10,
      ...extra,
    })
  ).data;
}

const secretsOf = (m: Booked) => [m.hostStartUrl.split('/').at(-1)!, m.joinUrl.split('/').at(-1)!];

beforeAll(async () => {
  t = await buildTestApp();
  doc = (await t.app.inject('/openapi.json')).json();
  A = await t.site({ siteSign: 'tenant-a', totalNumParties: 100 });
  B = await t.site({ siteSign: 'tenant-b', totalNumParties: 20 });

  // Site A. The meetings belong to "host"; B has a user of that name too, so B's calls find a user and
  // only the meeting's site can tell them apart.
  await ok(A, 'createOrUpdateUser', {
    userId: 'host',
    userName: 'Alice Aardvark-A',
    loginName: 'alice@corp-a.test',
    enableCloudRecord: 1,
  });
  for (const userId of ['second', 'alice', 'carol', 'dave'])
    await ok(A, 'createOrUpdateUser', { userId, userName: `${userId}-of-A-name` });
  const hostKey = (await ok(A, 'getUserByUserId', { userId: 'host' })).userInfo.hostKey as number;
  const endpoint = (await ok(A, '/webhooks/v1/createEndpoint', { url: 'https://hooks.corp-a.test/secret-path-A' }))
    .data;

  const ended = await reserve(A, 'host', -15, 20, { confName: 'A-Ended-Board' });
  const cancelled = await reserve(A, 'second', 400, 30, { confName: 'A-Cancelled-Secret' });
  const scheduled = await reserve(A, 'host', 120, 60, { confName: 'A-Scheduled-Merger', confPassword: 'Pw9Asched' });
  const registration = await reserve(A, 'host', 240, 60, { confName: 'A-Registration-Webinar' });
  await ok(A, 'cancelConf', { userId: 'second', confId: cancelled.confId });

  const person = (cuid: string, name: string, role: string) => ({
    cuid,
    name,
    role,
    device: 'Windows',
    deviceType: 'pc',
    ip: '10.1.2.3',
    userId: `${cuid}-uid`,
  });
  await ok(A, '/media/v1/events', {
    confNumber: ended.confNumber,
    events: [{ type: 'participant.joined', participant: person('a-host-cuid', 'Host-A-Person', 'host') }],
  });
  t.clock.now += 2 * MIN;
  await ok(A, '/media/v1/events', {
    confNumber: ended.confNumber,
    events: [{ type: 'participant.joined', participant: person('a-guest-cuid', 'Guest-A-Person', 'attendee') }],
  });
  const uploaded = await upload(A, {
    confNumber: ended.confNumber,
    fileType: 'M4A',
    recordStart: gmt(t.clock.now - 90_000),
    recordEnd: gmt(t.clock.now - 30_000),
    topic: 'A-Recording-Topic',
  });
  expect(uploaded.json().status, uploaded.body).toBe(100);
  await ok(A, 'endConf', { userId: 'host', confId: ended.confId });
  const live = await reserve(A, 'host', -1, 60, { confName: 'A-Live-Strategy', confPassword: 'Pw9Alive' });
  await ok(A, '/media/v1/events', {
    confNumber: live.confNumber,
    events: [
      { type: 'participant.joined', participant: person('a-live-host', 'Live-Host-A-Person', 'host') },
      { type: 'participant.joined', participant: person('a-live-guest', 'Live-Guest-A-Person', 'attendee') },
    ],
  });

  await ok(A, 'updateRegistrationQuestions', {
    userId: 'host',
    confId: registration.confId,
    custom_questions: [{ title: 'A-Question', type: 'short', answers: [], required: false }],
  });
  const registrant = (
    await ok(A, 'addRegistrant', {
      userId: 'host',
      confId: registration.confId,
      first_name: 'Registrant-A',
      email: 'registrant@corp-a.test',
      custom_questions: [{ title: 'A-Question', value: 'A-Answer' }],
    })
  ).data;
  const files = (await ok(A, 'getCloudFileList', { confNo: ended.confNumber })).data;
  expect(files).toHaveLength(1);
  const report = (await ok(A, 'getConfLogListByConfId2', { userId: 'host', confId: ended.confId })).data;

  // Site B: a user "host" with a meeting of its own, and an endpoint.
  await ok(B, 'createOrUpdateUser', { userId: 'host', userName: 'Bob-of-B' });
  const bMeeting = await reserve(B, 'host', 60, 30, { confName: 'B-Own-Meeting', confParties: 5 });
  await ok(B, '/webhooks/v1/createEndpoint', { url: 'https://hooks.corp-b.test/b' });
  await ok(B, 'addRegistrant', {
    userId: 'host',
    confId: bMeeting.confId,
    first_name: 'Registrant-B',
    email: 'registrant@corp-b.test',
  });

  const meetings = [live, scheduled, registration, ended, cancelled];
  w = {
    live,
    scheduled,
    registration,
    ended,
    cancelled,
    bMeeting,
    hostKey,
    registrantId: registrant.registrant_id,
    endpointId: endpoint.id,
    recordId: Number(/\/recordings\/(\d+)\//.exec(files[0].downloadUrl)![1]),
    downloadUrl: files[0].downloadUrl,
    playUrl: files[0].playUrl,
    markers: [
      A.api_key,
      ...meetings.flatMap((m) => [
        m.confNumber,
        m.hostStartUrl,
        m.joinUrl,
        m.webClientJoin,
        m.protocolHostStartUrl,
        m.protocolJoinUrl,
        ...secretsOf(m),
      ]),
      ...meetings.map((m) => m.h323pwd).filter((p) => p !== ''),
      'A-Ended-Board',
      'A-Live-Strategy',
      'A-Scheduled-Merger',
      'A-Registration-Webinar',
      'A-Cancelled-Secret',
      'Pw9Alive',
      'Pw9Asched',
      'Alice Aardvark-A',
      'alice@corp-a.test',
      'second-of-A-name',
      'alice-of-A-name',
      'carol-of-A-name',
      'dave-of-A-name',
      'Host-A-Person',
      'Guest-A-Person',
      'Live-Host-A-Person',
      'Live-Guest-A-Person',
      'a-host-cuid',
      'a-guest-cuid',
      'a-live-host',
      'a-live-guest',
      '10.1.2.3',
      'A-Question',
      'A-Answer',
      'Registrant-A',
      'registrant@corp-a.test',
      registrant.registrant_id,
      registrant.tk,
      registrant.join_url,
      'hooks.corp-a.test',
      endpoint.secret,
      'A-Recording-Topic',
      files[0].downloadUrl,
      files[0].playUrl,
      files[0].uuid,
      new URL(files[0].downloadUrl).searchParams.get('sig')!,
      ...report.records.map((r: { uuid: string }) => r.uuid),
    ],
  };
});
afterAll(async () => t?.close());

/** Which of A's markers (and A's host key) appear in `body`, leaving out what the request itself sent. */
function leaksOf(body: unknown, sent: Record<string, unknown>): string[] {
  const sentText = JSON.stringify(sent);
  const markers = w.markers.filter((m) => !sentText.includes(m));
  const found = new Set<string>();
  const walk = (v: unknown): void => {
    if (typeof v === 'string') for (const m of markers) if (v.includes(m)) found.add(m);
    if (typeof v === 'number' && v === w.hostKey) found.add(`hostKey ${v}`);
    if (Array.isArray(v)) v.forEach(walk);
    else if (v !== null && typeof v === 'object') Object.values(v).forEach(walk);
  };
  walk(body);
  return [...found];
}

/** A's rows, every table, `used_tokens` included (no call of B may claim a token of A). */
const snapshotA = () => snapshot(t.store, { siteId: A.id, except: [] });

// ---------------------------------------------------------------------------------------------------------
// The table: every endpoint, called by B naming A's objects.

type Expectation =
  /** Refused: 101, 109 or 401. */
  | { refused: true }
  /** Answered for B alone (a code of the document, never 103); `check` looks at a 100 answer. */
  | { refused: false; status?: number; check?: (body: any) => void };

interface Row {
  /** Parameter sets naming A's objects. */
  variants: () => Record<string, unknown>[];
  expect: Expectation;
}

const REFUSED = { refused: true } as const;

/** The same parameters naming objects that exist on no site. */
function ghostOf(params: Record<string, unknown>): Record<string, unknown> {
  const ghosts: Record<string, unknown> = {
    confId: 987654,
    confNo: '1000000001',
    confNumber: '1000000001',
    registrantId: 'no-such-registrant',
    id: 987654,
  };
  return Object.fromEntries(Object.entries(params).map(([k, v]) => [k, k in ghosts ? ghosts[k] : v]));
}

/** An answer with the values the request named replaced by their names, to compare two refusals. */
function answerShape(body: { status: number; message: string }, params: Record<string, unknown>) {
  let message = body.message;
  for (const [k, v] of Object.entries(params))
    if (typeof v === 'string' || typeof v === 'number') message = message.split(String(v)).join(`<${k}>`);
  return { ...body, message };
}
const ALL_TIME = { startTime: '2026-01-01 00:00:00', endTime: '2027-01-01 00:00:00' };
const aConfIds = () => [w.live, w.scheduled, w.registration, w.ended, w.cancelled].map((m) => m.confId);
const aConfNumbers = () => [w.live, w.scheduled, w.registration, w.ended, w.cancelled].map((m) => m.confNumber);
const bConfNumbers = async () => {
  const list = await call(B, 'getScheduledConfListBySiteSign', { userId: 'host', pageSize: 100 });
  return (list.body.data as { confNumber: string }[]).map((m) => m.confNumber);
};
/** Meetings in a B list are B's. */
const onlyB = (items: { confNumber: string }[]) => {
  for (const item of items)
    expect(aConfNumbers(), `A's meeting ${item.confNumber} listed to B`).not.toContain(item.confNumber);
};

const TABLE: Record<string, Row> = {
  // 2.1/2.2 create B's own meetings; the time overlaps A's host's live meeting: no conflict across sites.
  confReservation: {
    variants: () => [
      { userId: 'host', userName: 'B name', confName: 'B-via-host', startTime: at(10), duration: 30, confParties: 2 },
    ],
    expect: { refused: false, status: 100, check: (b) => expect(b.data.confNumber).not.toBe(w.live.confNumber) },
  },
  confReservation2: {
    variants: () => [
      {
        userId: 'alice',
        userName: 'B alice',
        loginName: 'alice@b.test',
        confName: 'B-via-alice',
        startTime: at(10),
        duration: 30,
        confParties: 2,
      },
    ],
    expect: { refused: false, status: 100 },
  },
  getConfDetailByConfId: {
    variants: () =>
      aConfIds().flatMap((confId) => [
        { userId: 'host', confId },
        { userId: 'second', confId },
      ]),
    expect: REFUSED,
  },
  cancelConf: { variants: () => aConfIds().map((confId) => ({ userId: 'host', confId })), expect: REFUSED },
  getScheduledConfListByUserId: {
    variants: () => [{ userId: 'host', ...ALL_TIME }, { userId: 'second' }],
    expect: { refused: false, status: 100, check: (b) => onlyB(b.data.confInfo) },
  },
  getLivingConfByUserId: {
    variants: () => [{ userId: 'host' }],
    expect: { refused: false, status: 100, check: (b) => expect(b.data.confInfo).toEqual([]) },
  },
  getFinishedConfListByUserId: {
    variants: () => [{ userId: 'host' }, { userId: 'second' }],
    expect: { refused: false, status: 100, check: (b) => expect(b.data.confInfo).toEqual([]) },
  },
  getScheduledConfListBySiteSign: {
    variants: () => [{ userId: 'host', pageSize: 100 }],
    expect: { refused: false, status: 100, check: (b) => onlyB(b.data) },
  },
  getLivingConfListBySiteSign: {
    variants: () => [{ userId: 'host', pageSize: 100 }],
    expect: { refused: false, status: 100, check: (b) => expect(b.data).toEqual([]) },
  },
  getFinishedConfListBySiteSign: {
    variants: () => [{ userId: 'host', pageSize: 100 }],
    expect: { refused: false, status: 100, check: (b) => expect(b.data).toEqual([]) },
  },
  getConfLogListByConfId: {
    variants: () => [w.ended, w.live].map((m) => ({ userId: 'host', confId: m.confId })),
    expect: REFUSED,
  },
  confModify2: {
    variants: () =>
      [w.scheduled, w.registration].map((m) => ({
        userId: 'host',
        confId: m.confId,
        confName: 'Hijacked',
        confPassword: '',
        startTime: at(130),
        duration: 30,
        confParties: 3,
      })),
    expect: REFUSED,
  },
  endConf: {
    variants: () => [w.live, w.scheduled].map((m) => ({ userId: 'host', confId: m.confId })),
    expect: REFUSED,
  },
  openingconfModify: {
    variants: () => [{ userId: 'host', confId: w.live.confId, addDuration: 30, addNumParties: 5 }],
    expect: REFUSED,
  },
  getLiveDetail: { variants: () => aConfNumbers().map((confNo) => ({ confNo })), expect: REFUSED },
  // A's use is not B's: B's whole licence (20) is free in A's busy window, where B has nothing.
  getReMainNumPartis: {
    variants: () => [{ userId: 'host', startTime: at(240), duration: 60, confNumber: w.registration.confNumber }],
    expect: {
      refused: false,
      status: 100,
      check: (b) => expect([b.remainNumPartis, b.totalNumParties]).toEqual([20, 20]),
    },
  },
  createOrUpdateUser: {
    variants: () => [{ userId: 'carol', userName: 'B-carol' }],
    expect: { refused: false, status: 100 },
  },
  changeUserIdDataCenter: { variants: () => [{ userId: 'dave', userName: 'x', region: 'default' }], expect: REFUSED },
  getCloudFileList: { variants: () => aConfNumbers().map((confNo) => ({ confNo })), expect: REFUSED },
  delUserByUserId: {
    variants: () => [
      { userId: 'dave', isForceDel: 1 },
      { userId: 'second', isForceDel: 1 },
    ],
    expect: REFUSED,
  },
  getUserByUserId: { variants: () => [{ userId: 'dave' }, { userId: 'host' }], expect: { refused: false } },
  // Statistics: B held nothing, whatever A did.
  getConfRecordTimeBySiteSign: {
    variants: () => [{ userId: 'host', ...ALL_TIME }],
    expect: {
      refused: false,
      status: 100,
      check: (b) => expect(b.data).toEqual({ confCountTime: 0, confUserTime: 0 }),
    },
  },
  getConfCountBySiteSign: {
    variants: () => [{ userId: 'host', ...ALL_TIME }],
    expect: {
      refused: false,
      status: 100,
      check: (b) => expect(b.data).toEqual({ confCounts: 0, confNumbers: [], confList: [] }),
    },
  },
  getUserCountsBySiteSign: {
    variants: () => [{ userId: 'host', ...ALL_TIME }],
    expect: {
      refused: false,
      status: 100,
      check: (b) => expect(b.data).toEqual({ allCounts: 0, mobileCount: 0, pcCount: 0 }),
    },
  },
  changeRcPort: {
    variants: () => aConfNumbers().map((confNumber) => ({ userId: 'host', confNumber, rcPort: 1 })),
    expect: REFUSED,
  },
  getConfLogListByConfId2: {
    variants: () => [w.ended, w.live, w.scheduled].map((m) => ({ userId: 'host', confId: m.confId })),
    expect: REFUSED,
  },
  getTotalConfTimeForEveryDay: {
    variants: () => [{ userId: 'host', startTime: '2026-05-31', endTime: '2026-06-02' }],
    expect: {
      refused: false,
      status: 100,
      check: (b) => expect(b.data.every((d: { duration: number }) => d.duration === 0)).toBe(true),
    },
  },
  getAllJoinTimeForEveryDay: {
    variants: () => [{ userId: 'host', startTime: '2026-05-31', endTime: '2026-06-02' }],
    expect: {
      refused: false,
      status: 100,
      check: (b) => expect(b.data.every((d: { duration: number }) => d.duration === 0)).toBe(true),
    },
  },
  getHostKeyByConfNumber: { variants: () => aConfNumbers().map((confNumber) => ({ confNumber })), expect: REFUSED },
  getLiveDetail2: { variants: () => aConfNumbers().map((confNo) => ({ confNo })), expect: REFUSED },
  updateRegistrationQuestions: {
    variants: () => [{ userId: 'host', confId: w.registration.confId, custom_questions: [] }],
    expect: REFUSED,
  },
  addRegistrant: {
    variants: () => [{ userId: 'host', confId: w.registration.confId, first_name: 'Mallory', email: 'mallory@b.test' }],
    expect: REFUSED,
  },
  getRegistrants: {
    variants: () =>
      ['approved', 'pending', 'denied'].map((status) => ({ userId: 'host', confId: w.registration.confId, status })),
    expect: REFUSED,
  },
  updateRegistrantStatus: {
    variants: () => [{ userId: 'host', confId: w.registration.confId, registrantId: w.registrantId, status: 'denied' }],
    expect: REFUSED,
  },
  '/media/v1/events': {
    variants: () => [
      {
        confNumber: w.live.confNumber,
        events: [{ type: 'participant.joined', participant: { cuid: 'intruder', name: 'Intruder', role: 'host' } }],
      },
      { confNumber: w.live.confNumber, events: [{ type: 'participant.left', participant: { cuid: 'a-live-guest' } }] },
      { confNumber: w.live.confNumber, events: [{ type: 'session.ended' }] },
      { confNumber: w.scheduled.confNumber, events: [{ type: 'session.started' }] },
    ],
    expect: REFUSED,
  },
  '/webhooks/v1/createEndpoint': {
    variants: () => [{ url: 'https://hooks.corp-b.test/second' }],
    expect: { refused: false, status: 100 },
  },
  '/webhooks/v1/listEndpoints': {
    variants: () => [{}],
    expect: {
      refused: false,
      status: 100,
      check: (b) => expect(b.data.map((e: { id: number }) => e.id)).not.toContain(w.endpointId),
    },
  },
  '/webhooks/v1/deleteEndpoint': { variants: () => [{ id: w.endpointId }], expect: REFUSED },
  '/webhooks/v1/events': {
    variants: () => [{ after: 0, limit: 500 }],
    expect: {
      refused: false,
      status: 100,
      check: (b) => expect(b.data.every((e: { siteSign: string }) => e.siteSign === 'tenant-b')).toBe(true),
    },
  },
};

describe('site B naming site A’s objects', () => {
  it('has a row for every endpoint of the index and every extension', () => {
    expect(INDEXED).toHaveLength(33);
    expect(Object.keys(TABLE).sort()).toEqual([...new Set([...INDEXED, ...EXTENSIONS])].sort());
  });

  for (const name of [...INDEXED, ...EXTENSIONS.filter((e) => !INDEXED.includes(e))]) {
    it(`${name}: B never reads or changes A's data`, async () => {
      const row = TABLE[name]!;
      const before = await snapshotA();
      for (const params of row.variants()) {
        const res = await call(B, name, params);
        const where = `${name} as B ${JSON.stringify(params)} → HTTP ${res.statusCode} ${JSON.stringify(res.body).slice(0, 500)}`;
        expect(res.statusCode, where).toBe(200);
        if (row.expect.refused) {
          expect([101, 109, 401], where).toContain(res.body.status);
        } else {
          expect(res.body.status, where).not.toBe(103);
          if (row.expect.status !== undefined) expect(res.body.status, where).toBe(row.expect.status);
          if (res.body.status === 100) row.expect.check?.(res.body);
        }
        expect(leaksOf(res.body, params), `A's data in B's answer: ${where}`).toEqual([]);
        expect(changedTables(before, await snapshotA()), `A's rows changed: ${where}`).toEqual([]);
        if (row.expect.refused) {
          // No existence oracle: A's object gets the answer an object that exists nowhere gets.
          const ghost = ghostOf(params);
          const control = await call(B, name, ghost);
          expect(answerShape(res.body, params), `${where}\n  vs nowhere: ${JSON.stringify(control.body)}`).toEqual(
            answerShape(control.body, ghost),
          );
        }
      }
    });
  }

  it('/media/v1/recordings: B cannot upload a recording into A’s meeting', async () => {
    const before = await snapshotA();
    for (const confNumber of aConfNumbers()) {
      const res = await upload(B, {
        confNumber,
        fileType: 'M4A',
        recordStart: gmt(t.clock.now - 60_000),
        recordEnd: gmt(t.clock.now - 1000),
      });
      expect(res.json().status, res.body).toBe(401);
      expect(leaksOf(res.json(), { confNumber })).toEqual([]);
    }
    expect(changedTables(before, await snapshotA())).toEqual([]);
  });

  it('getReMainNumPartis: A’s confNumber excludes nothing from B’s count', async () => {
    const window = { userId: 'host', startTime: at(0), duration: 50 };
    const plain = await call(B, 'getReMainNumPartis', window);
    const naming = await call(B, 'getReMainNumPartis', { ...window, confNumber: w.live.confNumber });
    expect(plain.body.status).toBe(100);
    expect(naming.body).toEqual(plain.body);
  });

  it('B’s lists hold B’s meetings (the ones B booked above included) and nothing of A’s', async () => {
    const numbers = await bConfNumbers();
    expect(numbers).toContain(w.bMeeting.confNumber);
    for (const n of aConfNumbers()) expect(numbers).not.toContain(n);
  });
});

describe('signatures across sites', () => {
  it('B’s siteSign with a token made with A’s key is 102 on every endpoint, and changes nothing', async () => {
    const before = await snapshotA();
    const everything = await snapshot(t.store, { except: [] });
    for (const name of Object.keys(TABLE)) {
      for (const params of TABLE[name]!.variants()) {
        const res = await call(B, name, params, { apiKey: A.api_key });
        expect(res.body, `${name} ${JSON.stringify(params)}`).toMatchObject({ status: 102 });
        expect(leaksOf(res.body, params)).toEqual([]);
      }
    }
    const upload102 = await upload(
      B,
      {
        confNumber: w.ended.confNumber,
        fileType: 'M4A',
        recordStart: gmt(t.clock.now - 60_000),
        recordEnd: gmt(t.clock.now - 1000),
      },
      A.api_key,
    );
    expect(upload102.json().status).toBe(102);
    expect(changedTables(before, await snapshotA())).toEqual([]);
    expect(changedTables(everything, await snapshot(t.store, { except: [] }))).toEqual([]);
  });

  it('A’s siteSign with a token made with B’s key is 102 too', async () => {
    const before = await snapshotA();
    for (const [name, params] of [
      ['getConfDetailByConfId', { userId: 'host', confId: w.live.confId }],
      ['getHostKeyByConfNumber', { confNumber: w.live.confNumber }],
      ['/webhooks/v1/listEndpoints', {}],
      ['/media/v1/events', { confNumber: w.live.confNumber, events: [{ type: 'session.ended' }] }],
    ] as const) {
      const res = await call(A, name, params, { apiKey: B.api_key });
      expect(res.body, name).toMatchObject({ status: 102 });
    }
    expect(changedTables(before, await snapshotA())).toEqual([]);
  });
});

describe('one user of a site and another user’s meeting', () => {
  const calls = (): [string, Record<string, unknown>][] => [
    ['getConfDetailByConfId', { confId: w.scheduled.confId }],
    ['getConfDetailByConfId', { confId: w.ended.confId }],
    ['cancelConf', { confId: w.scheduled.confId }],
    [
      'confModify2',
      {
        confId: w.scheduled.confId,
        confName: 'Hijacked',
        confPassword: '',
        startTime: at(130),
        duration: 30,
        confParties: 3,
      },
    ],
    ['endConf', { confId: w.live.confId }],
    ['openingconfModify', { confId: w.live.confId, addDuration: 30 }],
    ['getConfLogListByConfId', { confId: w.ended.confId }],
    ['getConfLogListByConfId2', { confId: w.ended.confId }],
    ['updateRegistrationQuestions', { confId: w.registration.confId, custom_questions: [] }],
    ['addRegistrant', { confId: w.registration.confId, first_name: 'Mallory', email: 'mallory@corp-a.test' }],
    ['getRegistrants', { confId: w.registration.confId }],
    ['updateRegistrantStatus', { confId: w.registration.confId, registrantId: w.registrantId, status: 'denied' }],
  ];

  it('answers 401 where the document scopes a meeting to its user, reveals nothing and changes nothing', async () => {
    const before = await snapshotA();
    for (const [name, params] of calls()) {
      const sent = { userId: 'second', ...params };
      const res = await call(A, name, sent);
      const where = `${name} as "second" ${JSON.stringify(sent)} → ${JSON.stringify(res.body).slice(0, 400)}`;
      expect(res.body.status, where).toBe(401);
      // Site A's own markers that "second" may know anyway (its own name) are left out by leaksOf's `sent`.
      expect(leaksOf(res.body, { ...sent, self: 'second-of-A-name' }), where).toEqual([]);
    }
    expect(changedTables(before, await snapshotA())).toEqual([]);
  });

  it('while the owner is answered (the calls are well-formed)', async () => {
    const detail = await call(A, 'getConfDetailByConfId', { userId: 'host', confId: w.scheduled.confId });
    expect(detail.body).toMatchObject({ status: 100, data: { confNumber: w.scheduled.confNumber } });
    const registrants = await call(A, 'getRegistrants', { userId: 'host', confId: w.registration.confId });
    expect(registrants.body.data.map((r: { id: string }) => r.id)).toContain(w.registrantId);
  });
});

describe('links with a wrong or missing secret', () => {
  const strip = (url: string) => url.replace('http://meet.example.test', '');
  const get = (url: string) => t.app.inject({ method: 'GET', url: strip(url) });
  /** What a client learns from an answer: status, type, caching, body. */
  const seen = (res: { statusCode: number; headers: Record<string, unknown>; body: string }) => ({
    status: res.statusCode,
    type: res.headers['content-type'],
    cache: res.headers['cache-control'],
    body: res.body,
  });

  it('recording links: tampered, missing, cross-purpose, expired-looking or B-signed all answer as a record that does not exist', async () => {
    expect((await get(w.downloadUrl)).statusCode).toBe(200);
    expect((await get(w.playUrl)).statusCode).toBe(200);
    const before = await snapshotA();
    for (const purpose of ['download', 'play'] as const) {
      const good = new URL(purpose === 'download' ? w.downloadUrl : w.playUrl);
      const expires = Number(good.searchParams.get('expires'));
      const sig = good.searchParams.get('sig')!;
      const base = `/recordings/${w.recordId}/${purpose}`;
      const other = purpose === 'download' ? 'play' : 'download';
      const nonexistent = seen(
        await get(`/recordings/999999/${purpose}?${recordingLinkQuery(A.api_key, 999999, purpose, expires)}`),
      );
      expect(nonexistent.status).toBe(403);
      const wrong = [
        `${base}?expires=${expires}&sig=${sig.slice(0, -1)}${sig.endsWith('0') ? '1' : '0'}`,
        `${base}?expires=${expires}&sig=${sig.toUpperCase()}`,
        `${base}?expires=${expires}`,
        `${base}?sig=${sig}`,
        base,
        `${base}?expires=${expires + 1}&sig=${sig}`,
        `${base}?expires=${expires}&sig=`,
        `${base}?expires=${expires}&sig=${sig}&sig=${sig}`,
        `${base}?${recordingLinkQuery(A.api_key, w.recordId, other, expires)}`,
        `${base}?${recordingLinkQuery(B.api_key, w.recordId, purpose, expires)}`,
        `${base}?${recordingLinkQuery(A.api_key, w.recordId + 1, purpose, expires)}`,
        `/recordings/${w.recordId + 1}/${purpose}?expires=${expires}&sig=${sig}`,
        `/recordings/0${w.recordId}/${purpose}?expires=${expires}&sig=${sig}`,
      ];
      for (const url of wrong) {
        const res = await get(url);
        expect(seen(res), url).toEqual(nonexistent);
        expect(res.body).not.toContain('A-Recording-Topic');
      }
    }
    expect(changedTables(before, await snapshotA())).toEqual([]);
  });

  it('meeting page links: a wrong secret answers as a meeting that does not exist, and enters nobody', async () => {
    const before = await snapshotA();
    const [hostSecret, joinSecret] = secretsOf(w.scheduled);
    const [bHostSecret] = secretsOf(w.bMeeting);
    const link = (kind: string, confNumber: string, secret: string) => `/web/v1/links/${kind}/${confNumber}/${secret}`;
    const random = 'F'.repeat(hostSecret!.length);
    const nonexistent = seen(await get(link('s', '1000000000', random)));
    expect(nonexistent.status).toBe(404);
    expect((await get(link('s', w.scheduled.confNumber, hostSecret!))).json()).toMatchObject({ role: 'host' });
    expect((await get(link('j', w.scheduled.confNumber, joinSecret!))).json()).toMatchObject({ role: 'attendee' });

    const wrong = [
      link('s', w.scheduled.confNumber, random),
      link('j', w.scheduled.confNumber, random),
      link('s', w.scheduled.confNumber, joinSecret!),
      link('j', w.scheduled.confNumber, hostSecret!),
      link('s', w.scheduled.confNumber, hostSecret!.slice(0, -1)),
      link('s', w.scheduled.confNumber, `${hostSecret}0`),
      link('s', w.scheduled.confNumber, 'x'),
      link('s', w.scheduled.confNumber, bHostSecret!),
      link('s', w.bMeeting.confNumber, hostSecret!),
      link('x', w.scheduled.confNumber, hostSecret!),
      link('s', `0${w.scheduled.confNumber}`, hostSecret!),
      link('s', w.cancelled.confNumber, random),
      link('j', w.cancelled.confNumber, secretsOf(w.cancelled)[0]!),
    ];
    for (const url of wrong) {
      const res = await get(url);
      expect(seen(res), url).toEqual(nonexistent);
      const enter = await t.app.inject({
        method: 'POST',
        url: `${url}/enter`,
        payload: { name: 'Mallory', password: 'Pw9Asched' },
      });
      expect([enter.statusCode, enter.json()], `${url}/enter`).toEqual([404, JSON.parse(nonexistent.body)]);
    }
    // The right secret of a cancelled meeting says so (issue 17), and nothing more: not even its name.
    for (const [kind, secret] of [
      ['s', secretsOf(w.cancelled)[0]!],
      ['j', secretsOf(w.cancelled)[1]!],
    ] as const) {
      const url = link(kind, w.cancelled.confNumber, secret);
      const res = await get(url);
      expect([res.statusCode, res.json()], url).toEqual([
        410,
        { error: 'cancelled', message: '会议已取消 (the meeting was cancelled)' },
      ]);
      const enter = await t.app.inject({ method: 'POST', url: `${url}/enter`, payload: { name: 'Mallory' } });
      expect([enter.statusCode, enter.json()]).toEqual([410, res.json()]);
    }
    expect(changedTables(before, await snapshotA())).toEqual([]);
  });

  it('a join link does not make B’s host (or a wrong host key) the host of A’s meeting', async () => {
    const bHostKey = (await ok(B, 'getUserByUserId', { userId: 'host' })).userInfo.hostKey as number;
    const [, joinSecret] = secretsOf(w.live);
    const enter = (hostKey: string) =>
      t.app.inject({
        method: 'POST',
        url: `/web/v1/links/j/${w.live.confNumber}/${joinSecret}/enter`,
        payload: { name: 'Mallory', password: 'Pw9Alive', hostKey },
      });
    const before = await snapshotA();
    for (const key of [String(bHostKey), String(w.hostKey + 1).slice(0, 6), '000000', ` ${w.hostKey}x`]) {
      if (key === String(w.hostKey)) continue;
      const res = await enter(key);
      expect([res.statusCode, res.json().error], key).toEqual([403, 'bad_host_key']);
      expect(leaksOf(res.json(), {})).toEqual([]);
    }
    // Only the wrong keys are counted (test/security/entry-guessing.test.ts).
    expect(changedTables(before, await snapshotA())).toEqual(['entry_failures']);
  });

  it('the page shells answer the same for a wrong secret as for the right one', async () => {
    const [hostSecret, joinSecret] = secretsOf(w.scheduled);
    const random = 'F'.repeat(hostSecret!.length);
    for (const [prefix, secret] of [
      ['/s', hostSecret],
      ['/j', joinSecret],
      ['/wc/join', joinSecret],
    ] as const) {
      const right = await get(`${prefix}/${w.scheduled.confNumber}/${secret}`);
      const wrong = await get(`${prefix}/${w.scheduled.confNumber}/${random}`);
      const none = await get(`${prefix}/1000000000/${random}`);
      expect(seen(wrong), prefix).toEqual(seen(right));
      expect(seen(none), prefix).toEqual(seen(right));
      expect(right.body).not.toContain('A-Scheduled-Merger');
    }
  });
});

describe('webhook deliveries', () => {
  it('send B’s endpoints B’s events only, and A’s endpoints A’s', async () => {
    const sent: { url: string; body: any }[] = [];
    const capture = (async (url: string | URL | Request, init?: RequestInit) => {
      sent.push({ url: String(url), body: JSON.parse(String(init?.body)) });
      return new Response(null, { status: 204 });
    }) as typeof fetch;
    for (let i = 0; i < 100 && (await deliverDue(t.store.db, t.clock.now, { fetch: capture })) > 0; i += 1);
    const toB = sent.filter((d) => d.url.startsWith('https://hooks.corp-b.test/'));
    const toA = sent.filter((d) => d.url.startsWith('https://hooks.corp-a.test/'));
    expect(toB.length).toBeGreaterThan(0);
    expect(toA.length).toBeGreaterThan(0);
    expect(toA.length + toB.length).toBe(sent.length);
    for (const d of toB) {
      expect(d.body.siteSign).toBe('tenant-b');
      expect(leaksOf(d.body, {}), JSON.stringify(d.body)).toEqual([]);
    }
    for (const d of toA) expect(d.body.siteSign).toBe('tenant-a');
  });
});

describe('afterwards, A still has everything', () => {
  it('A’s meetings, registrant, endpoint and recording are as A left them', async () => {
    const live = await call(A, 'getConfDetailByConfId', { userId: 'host', confId: w.live.confId });
    expect(live.body.data).toMatchObject({ confStatus: 2, confName: 'A-Live-Strategy', duration: 60 });
    const scheduled = await call(A, 'getConfDetailByConfId', { userId: 'host', confId: w.scheduled.confId });
    expect(scheduled.body.data).toMatchObject({ confStatus: 0, confName: 'A-Scheduled-Merger' });
    const people = await call(A, 'getLiveDetail', { confNo: w.live.confNumber });
    expect(people.body.data.map((p: { userName: string }) => p.userName)).toEqual([
      'Live-Host-A-Person',
      'Live-Guest-A-Person',
    ]);
    const registrants = await call(A, 'getRegistrants', { userId: 'host', confId: w.registration.confId });
    expect(registrants.body.data).toMatchObject([{ id: w.registrantId, status: 'approved' }]);
    const endpoints = await call(A, '/webhooks/v1/listEndpoints', {});
    expect(endpoints.body.data.map((e: { id: number }) => e.id)).toEqual([w.endpointId]);
    const files = await call(A, 'getCloudFileList', { confNo: w.ended.confNumber });
    expect(files.body.recordCount).toBe(1);
    const user = await call(A, 'getUserByUserId', { userId: 'host' });
    expect(user.body.userInfo).toMatchObject({ hostKey: w.hostKey, username: 'Alice Aardvark-A' });
  });
});
