import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { MAX_OPEN_UPLOADS, sweepRecordingUploads } from '../../src/api/recording-chunks.js';
import { AFTER_LEAVING_MS } from '../../src/domain/recording-permission.js';
import type { SiteRow } from '../../src/store/database.js';
import { createFileRecordingStorage } from '../../src/store/recording-storage.js';
import { createUploadStaging } from '../../src/store/recording-uploads.js';
import { liveWebm } from '../fixtures/webm.js';
import { buildTestApp, createTestDatabase, gmt, type TestApp, type TestDatabase } from '../helper.js';
import { PageSocket } from '../web/ws-client.js';

// Two server processes as the issue ran them: two apps on one database and one recordings directory.
const KIB = 1024;
const MAX_BYTES = 1024 * KIB;
const recordingDir = path.join(os.tmpdir(), `huiguan-recording-limits-${randomBytes(6).toString('hex')}`);
const stagingDir = path.join(recordingDir, '.uploads');
let database: TestDatabase;
let a: TestApp;
let b: TestApp;
let base: string;
const sockets: PageSocket[] = [];

beforeAll(async () => {
  database = await createTestDatabase();
  a = await buildTestApp({ database, recordingDir, recordingMaxBytes: MAX_BYTES });
  b = await buildTestApp({ database, recordingDir, recordingMaxBytes: MAX_BYTES });
  base = await a.app.listen({ port: 0, host: '127.0.0.1' });
});

afterAll(async () => {
  sockets.forEach((s) => s.close());
  await b?.close();
  await a?.close();
  await database?.drop();
  fs.rmSync(recordingDir, { recursive: true, force: true });
});

/** A live meeting on app `a` whose host (recording allowed) and one attendee are in it, through their sockets. */
async function liveMeeting() {
  const site = await a.site();
  await a.call('createOrUpdateUser', site, { userId: 'rec', userName: 'Rec', enableCloudRecord: 1 });
  const res = await a.call('confReservation', site, {
    userId: 'rec',
    userName: 'Rec',
    confName: 'Limits',
    startTime: gmt(Math.floor((a.clock.now - 300_000) / 1000) * 1000),
    duration: 60,
    confParties: 5,
  });
  const m = res.body.data as { confNumber: string; hostStartUrl: string; joinUrl: string };
  const people: { ticket: string; socket: PageSocket }[] = [];
  for (const [url, count] of [
    [m.hostStartUrl, 1],
    [m.joinUrl, 2],
  ] as const) {
    const [, kind, number, secret] = /\/(s|j)\/(\d{10})\/([0-9A-F]{32})$/.exec(url)!;
    const entered = await a.app.inject({
      method: 'POST',
      url: `/web/v1/links/${kind}/${number}/${secret}/enter`,
      payload: { name: `P${count}` },
    });
    const socket = await PageSocket.open(base, entered.json().ticket);
    sockets.push(socket);
    await socket.rosterOf(count);
    people.push({ ticket: entered.json().ticket, socket });
  }
  return { site, confNumber: m.confNumber, host: people[0]!.ticket, hostSocket: people[0]!.socket };
}

const auth = (ticket: string) => ({ authorization: `Bearer ${ticket}` });
const begin = (t: TestApp, ticket: string) =>
  t.app.inject({ method: 'POST', url: '/web/v1/recordings', headers: auth(ticket), payload: { fileType: 'WEBM' } });
const chunk = (t: TestApp, ticket: string, uploadId: string, index: number, body: Buffer) =>
  t.app.inject({
    method: 'PUT',
    url: `/web/v1/recordings/${uploadId}/chunks/${index}`,
    headers: { ...auth(ticket), 'content-type': 'video/webm' },
    payload: body,
  });
const finish = (t: TestApp, ticket: string, uploadId: string, chunks: number) =>
  t.app.inject({
    method: 'POST',
    url: `/web/v1/recordings/${uploadId}/finish`,
    headers: auth(ticket),
    payload: { chunks },
  });

/** Bytes of the staged chunk files of an upload, on disk. */
function stagedBytes(uploadId: string): number {
  const dir = path.join(stagingDir, uploadId);
  if (!fs.existsSync(dir)) return 0;
  return fs
    .readdirSync(dir)
    .filter((n) => n.endsWith('.chunk'))
    .reduce((sum, n) => sum + fs.statSync(path.join(dir, n)).size, 0);
}

/** Sends the live WebM fixture as three chunks. */
async function sendWebm(t: TestApp, ticket: string, uploadId: string) {
  const file = liveWebm();
  for (const [i, part] of [file.subarray(0, 60), file.subarray(60, 150), file.subarray(150)].entries()) {
    const sent = await chunk(t, ticket, uploadId, i, part);
    expect(sent.statusCode, `chunk ${i}: ${sent.body}`).toBe(200);
  }
}

async function recordingsOf(meetingConf: string, site: SiteRow): Promise<number> {
  const list = await a.call('getCloudFileList', site, { confNo: meetingConf }, { subject: 'confNo' });
  return list.body.recordCount as number;
}

describe('the recording size limit (issue 14, item 8)', () => {
  it('stages only what fits when eight 900 KiB chunks race for a 1 MiB limit on two processes', async () => {
    const m = await liveMeeting();
    const { uploadId } = (await begin(a, m.host)).json();
    const body = Buffer.alloc(900 * KIB, 7);
    const answers = await Promise.all(
      Array.from({ length: 8 }, (_, i) => chunk(i % 2 ? b : a, m.host, uploadId, i, body)),
    );
    const codes = answers.map((r) => r.statusCode).sort();
    expect(codes).toEqual([200, 413, 413, 413, 413, 413, 413, 413]);
    for (const refused of answers.filter((r) => r.statusCode === 413))
      expect(refused.json()).toMatchObject({ error: 'too_large' });
    expect(stagedBytes(uploadId)).toBe(900 * KIB);
    // What was refused reserved nothing: a chunk that still fits is taken.
    const rest = await chunk(b, m.host, uploadId, 9, Buffer.alloc(MAX_BYTES - 900 * KIB, 1));
    expect(rest.statusCode, rest.body).toBe(200);
    expect((await chunk(a, m.host, uploadId, 10, Buffer.alloc(1, 1))).statusCode).toBe(413);
  });

  it(`lets one meeting have at most ${MAX_OPEN_UPLOADS} uploads open, even when 50 are asked for on two processes at once`, async () => {
    const m = await liveMeeting();
    const answers = await Promise.all(Array.from({ length: 50 }, (_, i) => begin(i % 2 ? b : a, m.host)));
    const opened = answers.filter((r) => r.statusCode === 200);
    expect(opened).toHaveLength(MAX_OPEN_UPLOADS);
    const refused = answers.filter((r) => r.statusCode !== 200);
    expect(refused).toHaveLength(50 - MAX_OPEN_UPLOADS);
    for (const r of refused) expect(r.statusCode).toBe(409);
    for (const r of refused) expect(r.json()).toMatchObject({ error: 'too_many_uploads' });
    // Finishing one frees its place.
    const { uploadId } = opened[0]!.json();
    await sendWebm(a, m.host, uploadId);
    expect((await finish(a, m.host, uploadId, 3)).statusCode).toBe(200);
    expect((await begin(b, m.host)).statusCode).toBe(200);
    expect((await begin(b, m.host)).statusCode).toBe(409);
  });

  it('deletes the staged chunks and frees the place when a finish is refused', async () => {
    const m = await liveMeeting();
    const ids: string[] = [];
    for (let i = 0; i < MAX_OPEN_UPLOADS; i++) ids.push((await begin(a, m.host)).json().uploadId);
    await sendWebm(a, m.host, ids[0]!);
    expect(stagedBytes(ids[0]!)).toBeGreaterThan(0);
    await a.call('createOrUpdateUser', m.site, { userId: 'rec', userName: 'Rec', enableCloudRecord: 0 });
    const refused = await finish(b, m.host, ids[0]!, 3);
    expect(refused.statusCode).toBe(403);
    expect(refused.json()).toMatchObject({ error: 'not_allowed' });
    expect(fs.existsSync(path.join(stagingDir, ids[0]!))).toBe(false);
    expect((await finish(a, m.host, ids[0]!, 3)).statusCode).toBe(404);
    await a.call('createOrUpdateUser', m.site, { userId: 'rec', userName: 'Rec', enableCloudRecord: 1 });
    expect((await begin(a, m.host)).statusCode).toBe(200);
    expect(await recordingsOf(m.confNumber, m.site)).toBe(0);
  });
  it('reserves a chunk sent without Content-Length as it arrives, and keeps the count exact', async () => {
    const m = await liveMeeting();
    const { uploadId } = (await begin(a, m.host)).json();
    expect((await chunk(a, m.host, uploadId, 0, Buffer.alloc(700 * KIB, 1))).statusCode).toBe(200);
    const streamed = (index: number, bytes: number) =>
      fetch(`${base}/web/v1/recordings/${uploadId}/chunks/${index}`, {
        method: 'PUT',
        headers: { ...auth(m.host), 'content-type': 'video/webm' },
        body: new Blob([Buffer.alloc(bytes, 2)]).stream(),
        duplex: 'half',
      } as RequestInit);
    const over = await streamed(1, 400 * KIB);
    expect(over.status).toBe(413);
    const fits = await streamed(2, 300 * KIB);
    expect(fits.status).toBe(200);
    expect(await fits.json()).toEqual({ index: 2, size: 300 * KIB, stored: true });
    expect(stagedBytes(uploadId)).toBe(1000 * KIB);
    const row = await a.store.db
      .selectFrom('recording_uploads')
      .select('reserved_bytes')
      .where('id', '=', uploadId)
      .executeTakeFirstOrThrow();
    expect(row.reserved_bytes).toBe(1000 * KIB);
  });
});

describe('finishing an upload on two processes at once (issue 14, item 8)', () => {
  it('makes exactly one recording, and both callers are answered with it', async () => {
    const m = await liveMeeting();
    const rounds = 10;
    for (let round = 0; round < rounds; round++) {
      const { uploadId } = (await begin(a, m.host)).json();
      await sendWebm(round % 2 ? a : b, m.host, uploadId);
      const [one, two] = await Promise.all([finish(a, m.host, uploadId, 3), finish(b, m.host, uploadId, 3)]);
      expect(one.statusCode, one.body).toBe(200);
      expect(two.statusCode, two.body).toBe(200);
      expect(two.json()).toEqual(one.json());
      expect(one.json()).toMatchObject({ fileType: 'WEBM', durationMs: 2500 });
      expect(fs.existsSync(path.join(stagingDir, uploadId))).toBe(false);
    }
    expect(await recordingsOf(m.confNumber, m.site)).toBe(rounds);
    // Only the recordings' files are stored: no copy left behind by the process that lost the race.
    const files = fs
      .readdirSync(path.join(recordingDir, String(m.site.id)), { recursive: true, encoding: 'utf8' })
      .filter((n) => n.endsWith('.webm'));
    expect(files).toHaveLength(rounds);
  });

  it('is taken over when the process holding it died, and waits for a holder that is alive', async () => {
    const m = await liveMeeting();
    const hold = (uploadId: string, until: number) =>
      a.store.db
        .updateTable('recording_uploads')
        .set({ finisher: 'f'.repeat(32), finishing_until: until })
        .where('id', '=', uploadId)
        .execute();
    // Held by a process killed while finishing: its hold has run out.
    const dead = (await begin(a, m.host)).json().uploadId as string;
    await sendWebm(a, m.host, dead);
    await hold(dead, a.clock.now - 1);
    b.clock.now = a.clock.now;
    const taken = await finish(b, m.host, dead, 3);
    expect(taken.statusCode, taken.body).toBe(200);
    // Held by a process still at work: the finish waits, and takes over when the hold runs out.
    const held = (await begin(a, m.host)).json().uploadId as string;
    await sendWebm(a, m.host, held);
    await hold(held, a.clock.now + 60_000);
    let answered = false;
    const waiting = finish(a, m.host, held, 3).then((r) => ((answered = true), r));
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(answered).toBe(false);
    a.clock.now += 61_000;
    b.clock.now = a.clock.now;
    const late = await waiting;
    expect(late.statusCode, late.body).toBe(200);
    expect(late.json().recordId).not.toBe(taken.json().recordId);
    expect(await recordingsOf(m.confNumber, m.site)).toBe(2);
  });
});

describe('a host who left (issue 14, item 13, the upload half)', () => {
  it('may not upload chunks or finish once out of the meeting, beyond the last chunk’s grace', async () => {
    const m = await liveMeeting();
    const stopped = (await begin(a, m.host)).json().uploadId as string;
    const forgotten = (await begin(a, m.host)).json().uploadId as string;
    await chunk(a, m.host, forgotten, 0, Buffer.alloc(10, 1));
    m.hostSocket.send({ type: 'leave' });
    await m.hostSocket.closed;
    // The page stops its recorder when it leaves: the last chunk and the finish come just after.
    await sendWebm(a, m.host, stopped);
    const stoppedFinish = await finish(b, m.host, stopped, 3);
    expect(stoppedFinish.statusCode, stoppedFinish.body).toBe(200);
    // Later, the ticket holds no power over the meeting's recordings.
    a.clock.now += AFTER_LEAVING_MS + 1000;
    b.clock.now = a.clock.now;
    const late = await chunk(b, m.host, forgotten, 1, Buffer.alloc(10, 1));
    expect(late.statusCode).toBe(403);
    expect(late.json()).toMatchObject({ error: 'not_allowed' });
    expect(late.json().message).toMatch(/not in the meeting/);
    expect((await finish(a, m.host, forgotten, 2)).statusCode).toBe(403);
    expect((await begin(a, m.host)).statusCode).toBe(403);
    expect(stagedBytes(forgotten)).toBe(10);
  });
});

describe('the sweep of what a killed process left (issue 14, item 8)', () => {
  const HOUR = 3_600_000;
  const old = (file: string) => {
    const when = new Date(Date.now() - 2 * HOUR);
    fs.utimesSync(file, when, when);
  };
  const put = (file: string, data = 'x') => {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, data);
    return file;
  };

  it('removes stale partial files, staging left without an upload, and abandoned uploads; keeps what is live', async () => {
    const m = await liveMeeting();
    const { uploadId } = (await begin(a, m.host)).json();
    await chunk(a, m.host, uploadId, 0, Buffer.alloc(10, 1));
    const livePart = put(path.join(stagingDir, uploadId, `.000001.chunk.${'a'.repeat(12)}.part`));
    const stalePart = put(path.join(stagingDir, uploadId, `.000002.chunk.${'b'.repeat(12)}.part`));
    old(stalePart);
    const orphan = put(path.join(stagingDir, 'c'.repeat(32), '000000.chunk'));
    old(orphan);
    old(path.dirname(orphan));
    const staleStored = put(path.join(recordingDir, '99', '98', `.${'d'.repeat(32)}.webm.${'e'.repeat(12)}.part`));
    old(staleStored);
    const freshStored = put(path.join(recordingDir, '99', '98', `.${'f'.repeat(32)}.webm.${'0'.repeat(12)}.part`));

    const deps = {
      db: a.store.db,
      staging: createUploadStaging({ root: stagingDir }),
      storage: createFileRecordingStorage({ root: recordingDir }),
    };
    await sweepRecordingUploads(deps, a.clock.now);
    expect(fs.existsSync(stalePart)).toBe(false);
    expect(fs.existsSync(path.dirname(orphan))).toBe(false);
    expect(fs.existsSync(staleStored)).toBe(false);
    expect(fs.existsSync(livePart)).toBe(true);
    expect(fs.existsSync(freshStored)).toBe(true);
    expect(stagedBytes(uploadId)).toBe(10);

    // An upload nobody has added to for too long is abandoned: its row and chunks go.
    await sweepRecordingUploads(deps, a.clock.now + 2 * HOUR);
    expect(fs.existsSync(path.join(stagingDir, uploadId))).toBe(false);
    expect((await chunk(a, m.host, uploadId, 1, Buffer.alloc(10, 1))).statusCode).toBe(404);
    fs.rmSync(freshStored);
  });

  it('sweeps when the server starts', async () => {
    const stale = put(path.join(recordingDir, '97', '96', `.${'1'.repeat(32)}.webm.${'2'.repeat(12)}.part`));
    old(stale);
    const c = await buildTestApp({ database, recordingDir, recordingMaxBytes: MAX_BYTES });
    try {
      await c.app.ready();
      await vi.waitFor(() => expect(fs.existsSync(stale)).toBe(false), { timeout: 20_000, interval: 100 });
    } finally {
      await c.close();
    }
  });
});
