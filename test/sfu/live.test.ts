import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { VideoRoomHandle } from 'janode/plugins/videoroom';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MeetingStatus } from '../../src/domain/meeting-status.js';
import type { MeetingRow, SessionRow, SiteRow } from '../../src/store/database.js';
import { findMeetingByConfNumber, updateMeeting } from '../../src/store/meetings.repository.js';
import { openSession } from '../../src/store/presence.repository.js';
import { LiveStreams, type ForwardStream, type LiveRoomControl, type LiveStateView } from '../../src/sfu/live.js';
import type { SfuRoomRef } from '../../src/sfu/services.js';
import { ensurePagesBuilt, haveChromium, launchChromium } from '../browser/browser.js';
import { buildTestApp, gmt, type TestApp } from '../helper.js';
import {
  connectJanus,
  createTestRoom,
  FAKE_MEDIA_ARGS,
  haveJanus,
  publishFromPage,
  startManagedJanus,
  type TestJanus,
  type TestJanusSession,
} from './harness.js';

// Live streaming through a real Janus, real ffmpeg and chromium pages publishing their fake camera and
// microphone: an RTMP receiver started here gets the composed meeting, the watch page plays the HLS, a
// refusing RTMP address fails the stream but not the meeting, and getLiveDetail shows the stream.

const FFMPEG = process.env.HUIGUAN_FFMPEG ?? '/usr/bin/ffmpeg';
const FFPROBE = FFMPEG.replace(/ffmpeg$/, 'ffprobe');
const haveFfmpeg = fs.existsSync(FFMPEG) || Boolean(process.env.CI);
if (!haveFfmpeg) console.warn(`live streaming tests skipped: no ${FFMPEG} (apt-get install -y ffmpeg)`);
const enabled = haveJanus && haveChromium && haveFfmpeg;

const MIN = 60_000;

/** The page-side objects the test reads (the project compiles without DOM types). */
interface PageVideo {
  document: {
    querySelector(selector: 'video'): {
      currentTime: number;
      addEventListener(type: 'timeupdate', listener: () => void): void;
    } | null;
  };
  __played?: number;
}
interface PageSenders {
  __huiguanPublishers: Record<string, { getSenders(): { track: { kind: string; enabled: boolean } | null }[] }>;
}
interface PagePublishers {
  __huiguanPublishers: Record<string, { connectionState: string }>;
}

async function freeTcpPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

async function until<T>(what: string, check: () => T | undefined | Promise<T | undefined>, ms = 30_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

describe.skipIf(!enabled)('live streaming', () => {
  let dir: string;
  let janus: TestJanus;
  let js: TestJanusSession;
  let control: VideoRoomHandle;
  let t: TestApp;
  let base: string;
  let browser: Browser;
  let live: LiveStreams;
  const states: { meetingId: number; view: LiveStateView }[] = [];
  const logged: { message: string; object: object }[] = [];
  const rooms = new Map<number, SfuRoomRef>();
  const children: ChildProcess[] = [];

  /**
   * The rooms as the service needs them, on the test's own Janus session (rooms.ts does the same with
   * its placement table): a room per session, created with a secret and a token list.
   */
  const roomControl: LiveRoomControl = {
    async ensureRoom(_meeting: MeetingRow, session: SessionRow) {
      const existing = rooms.get(session.id);
      if (existing) return existing;
      const secret = `secret-${session.id}`;
      const roomId = await createTestRoom(control, { adminKey: janus.adminKey, secret, allowed: [] });
      const room: SfuRoomRef = {
        instance: { attach: () => js.attach(), onReset: () => () => undefined },
        roomId,
        secret,
        sessionId: session.id,
      };
      rooms.set(session.id, room);
      return room;
    },
    async allow(room, token) {
      await control.allow({ room: room.roomId, action: 'add', list: [token], secret: room.secret });
    },
    async revoke(room, token) {
      await control.allow({ room: room.roomId, action: 'remove', list: [token], secret: room.secret });
    },
    async forward(room, feed, streams: ForwardStream[], host) {
      const answer = await control.message({
        request: 'rtp_forward',
        room: room.roomId,
        publisher_id: feed,
        host,
        streams,
        secret: room.secret,
        admin_key: janus.adminKey,
      });
      const forwarders = (answer.plugindata?.data.forwarders ?? []) as { stream_id: number }[];
      return forwarders.map((f) => f.stream_id);
    },
    async stopForward(room, feed, streamId) {
      await control.stopForward({
        room: room.roomId,
        feed,
        stream: streamId,
        secret: room.secret,
        admin_key: janus.adminKey,
      });
    },
  };

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'huiguan-live-'));
    janus = await startManagedJanus(path.join(dir, 'janus'));
    js = await connectJanus(janus);
    control = await js.attach();
    t = await buildTestApp({ realClock: true, config: { dataDir: path.join(dir, 'data') } });
    base = await t.app.listen({ port: 0, host: '127.0.0.1' });
    ensurePagesBuilt();
    browser = await launchChromium([...FAKE_MEDIA_ARGS, '--autoplay-policy=no-user-gesture-required']);
    live = new LiveStreams({
      db: t.store.db,
      rooms: roomControl,
      dataDir: path.join(dir, 'data'),
      ffmpegBin: FFMPEG,
      clock: () => t.clock.now,
      log: {
        info: (object, message) => logged.push({ object, message }),
        warn: (object, message) => logged.push({ object, message }),
      },
      onState: (meetingId, view) => states.push({ meetingId, view }),
      picture: { width: 640, height: 360, fps: 15, videoKbps: 500 },
      startTimeoutMs: 45_000,
      heartbeatMs: 1000,
    });
  }, 120_000);

  afterAll(async () => {
    await live?.close();
    for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await browser?.close();
    await js?.close();
    await janus?.stop();
    await t?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }, 60_000);

  /** A meeting of `userId` open now, with its host in (so it has a session), as the rows the service gets. */
  async function liveMeeting(
    site: SiteRow,
    params: Record<string, unknown>,
    userId = 'host1',
  ): Promise<{ meeting: MeetingRow; session: SessionRow }> {
    const user = await t.call('createOrUpdateUser', site, { userId, userName: 'Host', enableTuiliu: 1 });
    expect(user.body.status, user.body.message).toBe(100);
    const booked = await t.call('confReservation', site, {
      userId,
      userName: 'Host',
      confName: 'Live stream',
      startTime: gmt(Math.floor((t.clock.now - 5 * MIN) / 1000) * 1000),
      duration: 60,
      confParties: 10,
      ...params,
    });
    expect(booked.body.status, booked.body.message).toBe(100);
    const joined = await t.call(
      '/media/v1/events',
      site,
      {
        confNumber: booked.body.data.confNumber,
        events: [{ type: 'participant.joined', participant: { cuid: 'h', name: 'Host', role: 'host' } }],
      },
      { subject: 'confNumber', encoding: 'json' },
    );
    expect(joined.body.status, joined.body.message).toBe(100);
    const meeting = (await findMeetingByConfNumber(t.store.db, booked.body.data.confNumber))!;
    const session = (await openSession(t.store.db, meeting.id))!;
    return { meeting, session };
  }

  /** A chromium page publishing its fake camera and microphone as `feed` into the session's room. */
  async function publisher(meeting: MeetingRow, session: SessionRow, feed: number): Promise<Page> {
    const room = await roomControl.ensureRoom(meeting, session);
    const token = `token-${feed}`;
    await roomControl.allow(room, token);
    const page = await browser.newPage();
    await publishFromPage(page, await js.attach(), room.roomId, feed, {
      token,
      simulcast: true,
      width: 320,
      height: 180,
    });
    return page;
  }

  const stateOf = (meetingId: number) => states.filter((s) => s.meetingId === meetingId).at(-1)?.view;
  const liveDetail = async (site: SiteRow, meeting: MeetingRow) =>
    (await t.call('getLiveDetail', site, { confNo: meeting.conf_number }, { subject: 'confNo' })).body;

  it('pushes the composed meeting to an RTMP receiver (streamDiy=1): at least 5 s of video arrive', async () => {
    const site = await t.site();
    const port = await freeTcpPort();
    const received = path.join(dir, 'received.flv');
    const receiver = spawn(
      FFMPEG,
      [
        '-hide_banner',
        '-loglevel',
        'error',
        '-listen',
        '1',
        '-i',
        `rtmp://127.0.0.1:${port}/live/key1`,
        '-c',
        'copy',
        received,
      ],
      { stdio: 'ignore' },
    );
    children.push(receiver);
    const receiverDone = new Promise((resolve) => receiver.once('close', resolve));
    const { meeting, session } = await liveMeeting(site, {
      streamDiy: 1,
      streamUrl: `rtmp://127.0.0.1:${port}/live/`,
      streamKey: 'key1',
    });
    const page = await publisher(meeting, session, 1001);
    await new Promise((resolve) => setTimeout(resolve, 500));

    const started = Date.now();
    await live.setLive(meeting, session, true, 'host-ticket');
    expect(stateOf(meeting.id)).toMatchObject({ state: 'starting', rtmp: true, hls: false });
    await until('the stream to be live', () => stateOf(meeting.id)?.state === 'live' || undefined, 40_000);
    const toLive = Date.now() - started;
    const during = await liveDetail(site, meeting);
    expect(during.liveStream).toEqual({ state: 'live', rtmp: true, hls: false, watchUrl: '', error: '' });
    await new Promise((resolve) => setTimeout(resolve, 7000));
    await live.setLive(meeting, session, false, 'host-ticket');
    expect(stateOf(meeting.id)).toEqual({ state: 'off', rtmp: true, hls: false });
    await Promise.race([receiverDone, new Promise((resolve) => setTimeout(resolve, 10_000))]);

    const probe = spawnSync(
      FFPROBE,
      [
        '-v',
        'error',
        '-show_entries',
        'stream=codec_type,codec_name,width,height:format=duration',
        '-of',
        'json',
        received,
      ],
      { encoding: 'utf8' },
    );
    const info = JSON.parse(probe.stdout) as {
      streams: { codec_type: string; codec_name: string; width?: number; height?: number }[];
      format: { duration: string };
    };
    console.info(`live RTMP: live after ${toLive} ms, ${info.format.duration} s received`);
    expect(info.streams).toContainEqual(
      expect.objectContaining({ codec_type: 'video', codec_name: 'h264', width: 640, height: 360 }),
    );
    expect(info.streams).toContainEqual(expect.objectContaining({ codec_type: 'audio', codec_name: 'aac' }));
    expect(Number(info.format.duration)).toBeGreaterThanOrEqual(5);
    expect((await liveDetail(site, meeting)).liveStream.state).toBe('off');
    await page.close();
  }, 120_000);

  it('serves HLS at the meeting’s watchUrl (isTuiliu=1): the watch page plays, across a change of publishers', async () => {
    const site = await t.site();
    const booked = await liveMeeting(site, {});
    // confReservation refuses isTuiliu=1 until the server announces live streaming (lead: domain/meetings.ts
    // checkStreaming); the row is set as that booking would set it.
    const meeting = await updateMeeting(t.store.db, booked.meeting.id, { is_tuiliu: 1 });
    const { session } = booked;
    const first = await publisher(meeting, session, 2001);

    const before = await liveDetail(site, meeting);
    expect(before.liveStream).toMatchObject({ state: 'off', rtmp: false, hls: true, error: '' });
    const watchUrl: string = before.liveStream.watchUrl;
    expect(watchUrl).toMatch(new RegExp(`^http://meet\\.example\\.test/w/${meeting.conf_number}/[0-9A-F]{32}$`));
    const watchPath = new URL(watchUrl).pathname;

    const viewer = await browser.newPage();
    await viewer.goto(base + watchPath);
    await until('"not live yet"', async () => (await viewer.textContent('#notice'))?.includes('尚未开始') || undefined);
    // Seconds of video played, summed over the page's players (it starts a new one after an interruption).
    await viewer.evaluate(() => {
      const w = globalThis as unknown as PageVideo;
      const video = w.document.querySelector('video')!;
      let last = 0;
      w.__played = 0;
      video.addEventListener('timeupdate', () => {
        const step = video.currentTime - last;
        if (step > 0 && step < 2) w.__played! += step;
        last = video.currentTime;
      });
    });
    const played = () => viewer.evaluate(() => (globalThis as unknown as PageVideo).__played ?? 0);
    const playsOn = (what: string, from: number, seconds: number, ms: number) =>
      until(what, async () => ((await played()) > from + seconds ? true : undefined), ms);

    const started = Date.now();
    await live.setLive(meeting, session, true, 'host-ticket');
    await until('the stream to be live', () => stateOf(meeting.id)?.state === 'live' || undefined, 40_000);
    const toLive = Date.now() - started;
    expect((await liveDetail(site, meeting)).liveStream).toEqual({
      state: 'live',
      rtmp: false,
      hls: true,
      watchUrl,
      error: '',
    });

    await playsOn('the watch page to play', 0, 1, 40_000);
    console.info(`live HLS: live after ${toLive} ms, the watch page playing after ${Date.now() - started} ms`);
    await playsOn('the watch page to play on', await played(), 3, 20_000);

    // A second publisher: the stream is composed anew (a grid of two), and the page plays on.
    const second = await publisher(meeting, session, 2002);
    await until('the re-composition', () => logged.some((l) => l.message === 'live stream re-composed') || undefined);
    await playsOn('playing on after the change', await played(), 3, 40_000);
    expect(stateOf(meeting.id)?.state).toBe('live');

    // A camera turned off (the track disabled, as the meeting page does): black frames, and the page plays on.
    await second.evaluate(() => {
      const pc = Object.values((globalThis as unknown as PageSenders).__huiguanPublishers)[0]!;
      for (const sender of pc.getSenders()) if (sender.track?.kind === 'video') sender.track.enabled = false;
    });
    await playsOn('playing on with a camera off', await played(), 3, 30_000);

    // The HLS files are served under the secret path only.
    const secret = watchPath.split('/')[3]!;
    const wrong = watchPath.replace(
      secret,
      secret.replace(/^./, (c) => (c === 'A' ? 'B' : 'A')),
    );
    expect((await fetch(`${base}${watchPath}/hls/index.m3u8`)).status).toBe(200);
    for (const suffix of ['', '/status', '/hls/index.m3u8', '/hls/seg-0.ts']) {
      expect((await fetch(`${base}${wrong}${suffix}`)).status, suffix).toBe(404);
    }
    expect((await fetch(`${base}${watchPath}/hls/..%2Finput.sdp`)).status).toBe(404);

    await live.setLive(meeting, session, false, 'host-ticket');
    await until(
      'the page to say it ended',
      async () => (await viewer.textContent('#notice'))?.includes('已结束') || undefined,
    );
    expect((await fetch(`${base}${watchPath}/hls/index.m3u8`)).status).toBe(404);
    await Promise.all([viewer.close(), first.close(), second.close()]);
  }, 180_000);

  it('fails a stream whose RTMP address refuses, says why, and the meeting goes on', async () => {
    const site = await t.site();
    const closed = await freeTcpPort();
    const { meeting, session } = await liveMeeting(site, {
      streamDiy: 1,
      streamUrl: `rtmp://127.0.0.1:${closed}/live`,
      streamKey: 'nobody-listens',
    });
    const page = await publisher(meeting, session, 3001);
    await live.setLive(meeting, session, true, 'host-ticket');
    const failed = await until(
      'the stream to fail',
      () => {
        const view = stateOf(meeting.id);
        return view?.state === 'failed' ? view : undefined;
      },
      40_000,
    );
    console.info(`live RTMP refused: "${failed.error}"`);
    expect(failed.rtmp).toBe(true);
    expect(failed.error).toMatch(/Connection refused/);
    // The stream key is the right to publish: it reaches neither the pages nor the log.
    expect(failed.error).not.toContain('nobody-listens');
    expect(JSON.stringify(logged)).not.toContain('nobody-listens');
    expect(logged).toContainEqual(
      expect.objectContaining({
        message: 'live stream failed',
        object: expect.objectContaining({ meetingId: meeting.id }),
      }),
    );
    const answer = await liveDetail(site, meeting);
    expect(answer.liveStream).toMatchObject({ state: 'failed', rtmp: true, hls: false, error: failed.error });
    // The meeting goes on: still live, its host still in, the publisher still connected to Janus.
    expect(answer.data.map((p: { userName: string }) => p.userName)).toEqual(['Host']);
    expect((await findMeetingByConfNumber(t.store.db, meeting.conf_number))!.conf_status).toBe(MeetingStatus.live);
    const room = rooms.get(session.id)!;
    const participants = await control.listParticipants({ room: room.roomId, secret: room.secret });
    expect(participants.participants.map((p) => p.feed)).toEqual([3001]);
    const connection = await page.evaluate(
      () => Object.values((globalThis as unknown as PagePublishers).__huiguanPublishers)[0]!.connectionState,
    );
    expect(connection).toBe('connected');
    // The host may try again: the failed stream is gone from the service; stopping clears the failure.
    expect(live.stateOf(session.id)).toBeUndefined();
    await live.setLive(meeting, session, false, 'host-ticket');
    expect((await liveDetail(site, meeting)).liveStream).toMatchObject({ state: 'off', error: '' });
    await page.close();
  }, 120_000);

  it('refuses to go live for a meeting without a live stream, and stops a stream when its meeting ends', async () => {
    const site = await t.site();
    const plain = await liveMeeting(site, {});
    await expect(live.setLive(plain.meeting, plain.session, true, 'host-ticket')).rejects.toThrow(/会议未设置直播/);
    expect((await liveDetail(site, plain.meeting)).liveStream).toEqual({
      state: 'off',
      rtmp: false,
      hls: false,
      watchUrl: '',
      error: '',
    });

    const booked = await liveMeeting(site, {}, 'host2');
    const meeting = await updateMeeting(t.store.db, booked.meeting.id, { is_tuiliu: 1 });
    const page = await publisher(meeting, booked.session, 4001);
    await live.setLive(meeting, booked.session, true, 'host-ticket');
    await until('the stream to be live', () => stateOf(meeting.id)?.state === 'live' || undefined, 40_000);
    // endConf ends the session (here, with no hook into the service): the stream stops within a heartbeat.
    const ended = await t.call('endConf', site, { userId: 'host2', confId: meeting.id });
    expect(ended.body.status, ended.body.message).toBe(100);
    await until('the stream to stop', () => stateOf(meeting.id)?.state === 'off' || undefined, 10_000);
    expect(live.stateOf(booked.session.id)).toBeUndefined();
    expect(fs.existsSync(path.join(dir, 'data', 'live', String(meeting.id), 'hls'))).toBe(false);
    await page.close();
  }, 120_000);
});
