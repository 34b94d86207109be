import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deliverDue } from '../../src/domain/webhooks.js';
import { JanusInstance } from '../../src/sfu/janus-client.js';
import {
  createSfuRecording,
  jobDir,
  type RecordingState,
  type SfuRecording,
  type SfuRecordingOptions,
  recordingStateTo,
} from '../../src/sfu/recording.js';
import { SfuRooms } from '../../src/sfu/rooms.js';
import { tellPages } from '../../src/sfu/tell.js';
import { createLocalBus, type Signal } from '../../src/store/bus.js';
import type { MeetingRow, SessionRow, SiteRow } from '../../src/store/database.js';
import { findMeetingById } from '../../src/store/meetings.repository.js';
import { closeSession, insertParticipation, insertSession, insertTicket } from '../../src/store/presence.repository.js';
import { createFileRecordingStorage } from '../../src/store/recording-storage.js';
import { recordingsOfMeeting } from '../../src/store/recordings.repository.js';
import { findSfuRecording, takeJob } from '../../src/store/sfu-recordings.repository.js';
import { haveChromium, launchChromium } from '../browser/browser.js';
import { buildTestApp, gmt, type TestApp } from '../helper.js';
import {
  connectJanus,
  FAKE_MEDIA_ARGS,
  haveJanus,
  publishFromPage,
  startManagedJanus,
  type TestJanus,
} from './harness.js';

/** ffmpeg, ffprobe and janus-pp-rec are where Debian puts them (or CI installs them). */
const haveTools =
  ['/usr/bin/ffmpeg', '/usr/bin/ffprobe', '/usr/bin/janus-pp-rec'].every((f) => fs.existsSync(f)) ||
  Boolean(process.env.CI);
const runs = haveJanus && haveChromium && haveTools;
if (!runs) console.warn('SFU recording tests skipped: they need janus, janus-pp-rec, ffmpeg and chromium');

const MIN = 60_000;
const LEASE_MS = 60_000;
const webhookTargets = { allowPrivate: true, allowedNetworks: [] };

/** A real HTTP receiver of webhooks on the loopback. */
async function receiver() {
  const got: { type: string; data: Record<string, unknown> }[] = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      got.push(JSON.parse(body) as (typeof got)[number]);
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
  return { got, url, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

let t: TestApp;
let base: string;
let dir: string;
let janus: TestJanus;
let instance: JanusInstance;
let rooms: SfuRooms;
let browser: Browser;
let hook: Awaited<ReturnType<typeof receiver>>;
let recording: SfuRecording;
const states: { meetingId: number; state: RecordingState; detail: string | undefined }[] = [];
const closers: (() => Promise<unknown>)[] = [];

/** The service's warnings and errors, shown: a compose that fails says why. */
const show = (obj: { err?: unknown }, message: string) =>
  console.warn(message, obj.err instanceof Error ? obj.err.message : '');
const testLog = { info: () => undefined, warn: show, error: show } as unknown as SfuRecordingOptions['log'];

/** The service as the server makes it, with `ffmpegBin` replaceable to make composing fail. */
function service(options: { ffmpegBin?: string; maxAttempts?: number; retryMs?: number } = {}): SfuRecording {
  return createSfuRecording({
    db: t.store.db,
    rooms,
    storage: createFileRecordingStorage({ root: path.join(dir, 'recordings') }),
    ppRecBin: '/usr/bin/janus-pp-rec',
    ffmpegBin: options.ffmpegBin ?? '/usr/bin/ffmpeg',
    maxBytes: 1024 * 1024 * 1024,
    clock: () => t.clock.now,
    leaseMs: LEASE_MS,
    ...(options.maxAttempts !== undefined ? { maxAttempts: options.maxAttempts } : {}),
    ...(options.retryMs !== undefined ? { retryMs: options.retryMs } : {}),
    onState: (meetingId, state, detail) => states.push({ meetingId, state, detail }),
    log: testLog,
  });
}

beforeAll(async () => {
  if (!runs) return;
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'huiguan-sfu-recording-'));
  t = await buildTestApp({ realClock: true, recordingDir: path.join(dir, 'recordings'), config: { webhookTargets } });
  base = await t.app.listen({ port: 0, host: '127.0.0.1' });
  hook = await receiver();
  janus = await startManagedJanus(path.join(dir, 'janus'));
  instance = JanusInstance.connect({ key: 'managed', url: () => janus.url, apiSecret: janus.apiSecret });
  await instance.ready();
  rooms = new SfuRooms({
    db: t.store.db,
    instances: [instance],
    adminKey: janus.adminKey,
    recordingsDir: path.join(dir, 'sfu-recordings'),
  });
  recording = service();
  browser = await launchChromium([...FAKE_MEDIA_ARGS, '--autoplay-policy=no-user-gesture-required']);
}, 60_000);

afterAll(async () => {
  for (const close of closers.reverse()) await close().catch(() => undefined);
  await recording?.close();
  await browser?.close();
  rooms?.close();
  await instance?.close();
  await janus?.stop();
  await hook?.close();
  await t?.close();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
}, 30_000);

interface Held {
  site: SiteRow;
  meeting: MeetingRow;
  session: SessionRow;
  /** The host page's ticket, in the meeting. */
  host: string;
  /** An attendee's ticket, in the meeting. */
  attendee: string;
}

/** A meeting of a host allowed (or not) to record, its session live, the host and one attendee in it. */
async function holdMeeting(enableCloudRecord = 1): Promise<Held> {
  const site = await t.site();
  const userId = `host-${randomBytes(3).toString('hex')}`;
  await t.call('createOrUpdateUser', site, { userId, userName: 'Host', enableCloudRecord });
  const reserved = await t.call('confReservation', site, {
    userId,
    userName: 'Host',
    confName: 'Recorded on the SFU',
    startTime: gmt(Math.floor(t.clock.now / 1000) * 1000 - 5 * MIN),
    duration: 60,
    confParties: 10,
  });
  expect(reserved.body.status, reserved.body.message).toBe(100);
  const meeting = (await findMeetingById(t.store.db, reserved.body.data.confId))!;
  const now = t.clock.now;
  const session = await insertSession(t.store.db, site.id, meeting.id, randomBytes(16).toString('base64'), now);
  const enter = async (role: 'host' | 'attendee') => {
    const token = randomBytes(16).toString('hex');
    const cuid = randomBytes(8).toString('hex');
    await insertTicket(t.store.db, {
      token,
      meeting_id: meeting.id,
      role,
      name: role,
      cuid,
      login_name: '',
      registrant_id: '',
      state: 'admitted',
      client: '127.0.0.1',
      password_tag: null,
      created_at: now,
      updated_at: now,
      hand_raised_at: null,
    });
    await insertParticipation(t.store.db, {
      site_id: site.id,
      meeting_id: meeting.id,
      session_id: session.id,
      ticket: token,
      cuid,
      name: role,
      role,
      device: 'chromium',
      device_type: 'pc',
      ip: '127.0.0.1',
      user_id: '',
      registrant_id: '',
      view_only: 0,
      joined_at: now,
      left_at: null,
      last_seen_at: now,
    });
    return token;
  };
  return { site, meeting, session, host: await enter('host'), attendee: await enter('attendee') };
}

/** Chromium pages publishing camera and microphone into the session's room, one per feed. */
async function publishers(held: Held, feeds: number[], options: { simulcast?: boolean } = {}): Promise<Page[]> {
  const room = await rooms.ensureRoom(held.meeting, held.session);
  const janode = await connectJanus(janus);
  closers.push(() => janode.close());
  const pages: Page[] = [];
  for (const feed of feeds) {
    const token = `publisher-${feed}`;
    await rooms.allow(room, token);
    const page = await browser.newPage();
    closers.push(() => page.close());
    const published = await publishFromPage(page, await janode.attach(), room.roomId, feed, { token, ...options });
    closers.push(() => published.stop());
    pages.push(page);
  }
  return pages;
}

/** Whether a process runs (signal 0 checks without sending anything). */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function probe(file: string): { codecs: string[]; duration: number } {
  const out = execFileSync('ffprobe', [
    '-v',
    'error',
    '-show_entries',
    'stream=codec_name:format=duration',
    '-of',
    'json',
    file,
  ]).toString();
  const json = JSON.parse(out) as { streams: { codec_name: string }[]; format: { duration: string } };
  return { codecs: json.streams.map((s) => s.codec_name).sort(), duration: Number(json.format.duration) };
}

/** What the test reads of the play page's <video> (the project's types have no DOM). */
interface Media {
  readyState: number;
  duration: number;
  currentTime: number;
  muted: boolean;
  error: { message: string } | null;
  play(): Promise<void>;
}

/** Opens a playUrl in chromium: the player's duration once loaded, and whether it plays. */
async function play(url: string) {
  const context = await browser.newContext();
  try {
    const page = await context.newPage();
    const response = await page.goto(url.replace('http://meet.example.test', base));
    expect(response?.status()).toBe(200);
    const player = page.locator('video');
    await expect.poll(() => player.evaluate((e: Media) => e.readyState), { timeout: 15_000 }).toBeGreaterThanOrEqual(1);
    const duration = await player.evaluate((e: Media) => e.duration);
    await player.evaluate((e: Media) => {
      e.muted = true;
      return e.play();
    });
    await expect.poll(() => player.evaluate((e: Media) => e.currentTime), { timeout: 15_000 }).toBeGreaterThan(0.5);
    return { duration, error: await player.evaluate((e: Media) => e.error?.message ?? null) };
  } finally {
    await context.close();
  }
}

describe.skipIf(!runs)('server-side recording of a meeting on the SFU', () => {
  it('refuses anyone but the host, and a host whose owner may not record', async () => {
    const held = await holdMeeting();
    await expect(recording.setRecording(held.meeting, held.session, true, held.attendee)).rejects.toMatchObject({
      reason: 'not_allowed',
      http: 403,
    });
    const disallowed = await holdMeeting(0);
    await expect(
      recording.setRecording(disallowed.meeting, disallowed.session, true, disallowed.host),
    ).rejects.toMatchObject({ reason: 'not_allowed', http: 403 });
    expect(await recording.stateOf(held.meeting.id)).toEqual({ state: 'off' });
    // Stopping what is not recording changes nothing.
    await recording.setRecording(held.meeting, held.session, false, held.host);
    expect(await recording.stateOf(held.meeting.id)).toEqual({ state: 'off' });
  });

  it('records 10 s of three publishers (one joining late), composes them after a killed worker’s lease ran out, and the MP4 is listed, plays and is announced', async () => {
    const held = await holdMeeting();
    const endpoint = await t.call('/webhooks/v1/createEndpoint', held.site, { url: hook.url }, { subject: 'siteSign' });
    expect(endpoint.body.status, endpoint.body.message).toBe(100);
    await publishers(held, [101]);
    // The SFU client's camera: three simulcast layers (Janus records the best one it gets).
    await publishers(held, [102], { simulcast: true });

    const startedAt = Date.now();
    await recording.setRecording(held.meeting, held.session, true, held.host);
    // Asked twice (a second tab of the host): still one recording.
    await recording.setRecording(held.meeting, held.session, true, held.host);
    expect(await recording.stateOf(held.meeting.id)).toEqual({ state: 'recording' });
    await sleep(4000);
    // Someone joins while it records: recorded from then on, in a tile of their own.
    await publishers(held, [103]);
    await sleep(startedAt + 10_000 - Date.now());
    await recording.setRecording(held.meeting, held.session, false, held.host);
    const recordedMs = Date.now() - startedAt;
    expect(states.filter((s) => s.meetingId === held.meeting.id).map((s) => s.state)).toEqual([
      'recording',
      'recording',
      'composing',
    ]);

    const [job] = await t.store.db
      .selectFrom('sfu_recordings')
      .selectAll()
      .where('meeting_id', '=', held.meeting.id)
      .execute();
    expect(job).toMatchObject({ state: 'queued', session_id: held.session.id, attempts: 0 });
    // Janus wrote an audio and a video file per publisher; the stop moved them to the job's directory.
    const files = fs.readdirSync(jobDir(job!)).sort();
    expect(files.filter((f) => /-user-101-.*-audio-\d\.mjr$/.test(f))).toHaveLength(1);
    expect(files.filter((f) => /-user-102-.*-video-\d\.mjr$/.test(f))).toHaveLength(1);
    expect(files.filter((f) => /-user-103-.*-video-\d\.mjr$/.test(f))).toHaveLength(1);
    expect(fs.readdirSync(job!.dir).filter((f) => f.endsWith('.mjr'))).toEqual([]);

    // A worker took the job and was killed while composing: its lease holds the job until it runs out.
    const now = t.clock.now;
    expect(await takeJob(t.store.db, job!.id, 'killed-worker', now + LEASE_MS, now)).toBeDefined();
    // Of two processes taking a job at once, one gets it (here: none, the lease holds).
    expect(await takeJob(t.store.db, job!.id, 'other', now + LEASE_MS, now + 1)).toBeUndefined();
    expect(await recording.runOnce(now + 1000)).toBeUndefined();

    // A server closing while it composes (its ffmpeg runs long here) gives the job back at once, the
    // attempt not counted, and kills its ffmpeg.
    const sleeper = path.join(dir, 'slow-ffmpeg');
    fs.writeFileSync(sleeper, '#!/bin/sh\necho $$ > "$0.pid"\nexec sleep 60\n', { mode: 0o755 });
    const closing = service({ ffmpegBin: sleeper });
    const cutOff = closing.runOnce(now + LEASE_MS + 1);
    await expect.poll(() => fs.existsSync(`${sleeper}.pid`), { timeout: 30_000 }).toBe(true);
    await closing.close();
    expect(await cutOff).toBe(job!.id);
    expect(await findSfuRecording(t.store.db, job!.id)).toMatchObject({
      state: 'queued',
      attempts: 1,
      lease_owner: null,
      lease_until: 0,
    });
    const pid = Number(fs.readFileSync(`${sleeper}.pid`, 'utf8'));
    await expect.poll(() => alive(pid)).toBe(false);
    expect(fs.existsSync(path.join(jobDir(job!), 'work'))).toBe(false);

    const composeStart = Date.now();
    const toldBefore = states.length;
    expect(await recording.runOnce(now + LEASE_MS + 1)).toBe(job!.id);
    const composeMs = Date.now() - composeStart;

    const done = (await findSfuRecording(t.store.db, job!.id))!;
    expect(done.error).toBe('');
    expect(done).toMatchObject({ state: 'done', progress: 100, attempts: 2, lease_owner: null });
    expect(done.record_id).not.toBeNull();
    // The job's directory (the .mjr files and the intermediate files) is gone.
    expect(fs.existsSync(jobDir(job!))).toBe(false);
    // The room's directory stays while its session goes on: the host may record again.
    expect(fs.existsSync(job!.dir)).toBe(true);
    const shown = states.slice(toldBefore).filter((s) => s.meetingId === held.meeting.id);
    expect(shown.at(-1)).toEqual({ meetingId: held.meeting.id, state: 'off', detail: undefined });
    const progress = shown.filter((s) => s.state === 'composing').map((s) => Number(s.detail!.slice(0, -1)));
    expect(progress.length).toBeGreaterThan(2);
    expect(progress).toEqual([...progress].sort((a, b) => a - b));

    // getCloudFileList lists it: MP4, the recorded duration (±1 s), its size.
    const list = await t.call(
      'getCloudFileList',
      held.site,
      { confNo: held.meeting.conf_number },
      { subject: 'confNo' },
    );
    expect(list.body.status, list.body.message).toBe(100);
    expect(list.body.recordCount).toBe(1);
    const item = list.body.data[0];
    expect(item).toMatchObject({ fileType: 'MP4', confNo: held.meeting.conf_number, uuid: held.session.uuid });
    expect(item.fileSizeBytes).toBeGreaterThan(0);
    const listedMs = Date.parse(`${item.recordEnd}Z`) - Date.parse(`${item.recordStart}Z`);
    expect(Math.abs(listedMs - recordedMs)).toBeLessThanOrEqual(1000);

    // The stored file is H.264 and AAC, as long as the recording.
    const [row] = await recordingsOfMeeting(t.store.db, held.meeting.id);
    const stored = await createFileRecordingStorage({ root: path.join(dir, 'recordings') }).localFile(row!.storage_key);
    const probed = probe(stored!);
    expect(probed.codecs).toEqual(['aac', 'h264']);
    expect(Math.abs(probed.duration * 1000 - recordedMs)).toBeLessThanOrEqual(1000);
    expect(fs.statSync(stored!).size).toBe(item.fileSizeBytes);

    // Its playUrl plays in chromium, for its duration.
    const played = await play(item.playUrl);
    expect(played.error).toBeNull();
    expect(Math.abs(played.duration * 1000 - recordedMs)).toBeLessThanOrEqual(1000);

    // recording.completed went out, naming it.
    for (let i = 0; i < 20 && (await deliverDue(t.store.db, t.clock.now, { targets: webhookTargets })) > 0; i++);
    const completed = hook.got.find((e) => e.type === 'recording.completed');
    expect(completed?.data).toMatchObject({
      confNumber: held.meeting.conf_number,
      recordId: row!.id,
      uuid: held.session.uuid,
      fileType: 'MP4',
      fileSize: item.fileSizeBytes,
      recordStart: item.recordStart,
      recordEnd: item.recordEnd,
    });
    console.info(
      `sfu recording: recorded ${recordedMs} ms, listed ${listedMs} ms, file ${probed.duration.toFixed(3)} s, ` +
        `played ${played.duration.toFixed(3)} s, ${item.fileSizeBytes} bytes, composed in ${composeMs} ms`,
    );
  }, 300_000);

  it('goes on after a Janus restart, stops when its session ended unseen, and a failed compose is tried again', async () => {
    const held = await holdMeeting();
    await publishers(held, [201]);
    const startedAt = Date.now();
    await recording.setRecording(held.meeting, held.session, true, held.host);
    await sleep(3000);

    // Janus dies; the server restarts it, the room is made again and the recording turned on again.
    const reset = new Promise<void>((resolve) => {
      const off = instance.onReset(() => {
        off();
        resolve();
      });
    });
    process.kill(janus.janus.pid!, 'SIGKILL');
    await reset;
    await recording.resume();
    await publishers(held, [201]);
    await sleep(3000);

    // The session ends and nobody tells the service (the process that saw it died): the worker's round finds it.
    await closeSession(t.store.db, held.session.id, t.clock.now);
    const endedMs = Date.now() - startedAt;
    const broken = service({ ffmpegBin: '/bin/false', retryMs: 10_000 });
    closers.push(() => broken.close());
    const now = t.clock.now;
    const id = await broken.runOnce(now);
    expect(id).toBeDefined();
    const retried = (await findSfuRecording(t.store.db, id!))!;
    expect(retried).toMatchObject({ state: 'queued', attempts: 1, session_id: held.session.id });
    expect(retried.error).toMatch(/false exited 1/);
    expect(retried.stopped_at).not.toBeNull();
    expect(await recording.stateOf(held.meeting.id)).toEqual({ state: 'composing', detail: '0%' });
    // Before and after the restart: two files each of the publisher's audio and video.
    const files = fs.readdirSync(jobDir(retried));
    expect(files.filter((f) => /-user-201-.*-audio-\d\.mjr$/.test(f))).toHaveLength(2);
    expect(files.filter((f) => /-user-201-.*-video-\d\.mjr$/.test(f))).toHaveLength(2);
    expect(files).not.toContain('work');

    // Not before its pause is over; then composed, the gap of the restart included.
    expect(retried.lease_until).toBeGreaterThanOrEqual(now + 10_000);
    expect(await recording.runOnce(retried.lease_until! - 1)).toBeUndefined();
    expect(await recording.runOnce(retried.lease_until! + 1)).toBe(id);
    const done = (await findSfuRecording(t.store.db, id!))!;
    expect(done).toMatchObject({ state: 'done', attempts: 2 });
    // Its session is over: nothing of it is left on disk.
    expect(fs.existsSync(done.dir)).toBe(false);
    const [row] = await recordingsOfMeeting(t.store.db, held.meeting.id);
    const stored = await createFileRecordingStorage({ root: path.join(dir, 'recordings') }).localFile(row!.storage_key);
    const probed = probe(stored!);
    expect(probed.codecs).toEqual(['aac', 'h264']);
    expect(probed.duration * 1000).toBeGreaterThan(5000);
    expect(probed.duration * 1000).toBeLessThanOrEqual(endedMs + 1000);
    await rooms.destroy(held.session.id);
    console.info(`sfu recording across a Janus restart: ${endedMs} ms, file ${probed.duration.toFixed(3)} s`);
  }, 180_000);

  it('fails a recording for good when its files cannot be read after the last attempt, and keeps them', async () => {
    const held = await holdMeeting();
    await recording.setRecording(held.meeting, held.session, true, held.host);
    await recording.setRecording(held.meeting, held.session, false, held.host);
    const [job] = await t.store.db
      .selectFrom('sfu_recordings')
      .selectAll()
      .where('meeting_id', '=', held.meeting.id)
      .execute();
    // A file cut off where Janus wrote it (a full disk, say): janus-pp-rec cannot read it.
    const broken = path.join(jobDir(job!), `videoroom-${job!.room_id}-user-7-1796244845722628-audio-0.mjr`);
    fs.writeFileSync(broken, 'MJR00002\0\0');
    const worker = service({ maxAttempts: 2, retryMs: 1000 });
    closers.push(() => worker.close());
    const now = t.clock.now;
    expect(await worker.runOnce(now)).toBe(job!.id);
    const queued = (await findSfuRecording(t.store.db, job!.id))!;
    expect(queued).toMatchObject({ state: 'queued', attempts: 1 });
    expect(await worker.runOnce(queued.lease_until! - 1)).toBeUndefined();
    expect(await worker.runOnce(queued.lease_until! + 1)).toBe(job!.id);
    const failed = (await findSfuRecording(t.store.db, job!.id))!;
    expect(failed).toMatchObject({ state: 'failed', attempts: 2, lease_owner: null });
    expect(failed.error).toMatch(/janus-pp-rec/);
    expect(await worker.runOnce(queued.lease_until! + 60_000)).toBeUndefined();
    expect(await recording.stateOf(held.meeting.id)).toEqual({ state: 'failed', detail: failed.error });
    expect(states.filter((s) => s.meetingId === held.meeting.id).at(-1)).toMatchObject({ state: 'failed' });
    // The file stays for an operator (the only copy of the meeting); nothing was listed.
    expect(fs.readdirSync(jobDir(failed))).toEqual([path.basename(broken)]);
    expect(await recordingsOfMeeting(t.store.db, held.meeting.id)).toEqual([]);
  });

  it('fails a recording in which nobody published at once, without retrying', async () => {
    const held = await holdMeeting();
    await recording.setRecording(held.meeting, held.session, true, held.host);
    await recording.setRecording(held.meeting, held.session, false, held.host);
    const id = await recording.runOnce(t.clock.now);
    const failed = (await findSfuRecording(t.store.db, id!))!;
    expect(failed).toMatchObject({ state: 'failed', attempts: 1, meeting_id: held.meeting.id });
    expect(failed.error).toMatch(/nothing was recorded/);
    // A new recording of the meeting starts afresh.
    await recording.setRecording(held.meeting, held.session, true, held.host);
    expect(await recording.stateOf(held.meeting.id)).toEqual({ state: 'recording' });
    await recording.setRecording(held.meeting, held.session, false, held.host);
  });
});

describe('the recording state told to the pages', () => {
  it('goes to every page of the meeting through the bus, as the page protocol has it', async () => {
    const bus = createLocalBus();
    const got: Signal[] = [];
    bus.subscribeSignals((signal) => got.push(signal));
    const tell = recordingStateTo(tellPages(bus));
    tell(7, 'composing', '42%');
    tell(7, 'off', undefined);
    await bus.close();
    expect(got).toEqual([
      { meetingId: 7, to: '*', from: '', message: { type: 'sfu', op: 'recording', state: 'composing', detail: '42%' } },
      { meetingId: 7, to: '*', from: '', message: { type: 'sfu', op: 'recording', state: 'off' } },
    ]);
  });
});
