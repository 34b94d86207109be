import fs from 'node:fs';
import Janode, { type Connection, type Jsep, type Session } from 'janode';
import VideoRoomPlugin, { type PubJoined, type VideoRoomHandle } from 'janode/plugins/videoroom';
import type { Page } from 'playwright-core';
import { ManagedJanus, type SfuLog, silentLog } from '../../src/sfu/janus-process.js';

// Shared by the SFU tests: a real Janus (the one the server manages), and real media from chromium's fake
// camera and microphone published into it through a janode handle driven from Node, as the server does.

/** Debian's janus. */
export const JANUS_BIN = process.env.HUIGUAN_JANUS_BIN ?? '/usr/bin/janus';

/**
 * SFU tests run where Janus is installed, and always in CI (which installs it); elsewhere they are skipped
 * with a note, as the browser tests are without chromium.
 */
export const haveJanus = fs.existsSync(JANUS_BIN) || Boolean(process.env.CI);
if (!haveJanus) console.warn(`SFU tests skipped: no ${JANUS_BIN} (apt-get install -y janus)`);

/** The chromium flags that give a page a fake camera and microphone without asking. */
export const FAKE_MEDIA_ARGS = ['--use-fake-ui-for-media-stream', '--use-fake-device-for-media-stream'];

export interface TestJanus {
  /** ws:// URL of the Janus API. */
  url: string;
  apiSecret: string;
  /** VideoRoom admin_key (room creation, rtp_forward). */
  adminKey: string;
  /** The process manager itself (pid, onRestart). */
  janus: ManagedJanus;
  stop(): Promise<void>;
}

/** Starts a managed Janus with its configuration in `dir` (any empty directory of the test's own). */
export async function startManagedJanus(dir: string, log: SfuLog = silentLog): Promise<TestJanus> {
  const janus = await ManagedJanus.start({ dir, janusBin: JANUS_BIN, log });
  return {
    get url() {
      return janus.url;
    },
    apiSecret: janus.apiSecret,
    adminKey: janus.adminKey,
    janus,
    stop: () => janus.close(),
  };
}

/** A plain janode connection and session to `url`, for tests that drive Janus directly. */
export interface TestJanusSession {
  connection: Connection;
  session: Session;
  /** A new VideoRoom handle on the session. */
  attach(): Promise<VideoRoomHandle>;
  close(): Promise<void>;
}

export async function connectJanus(janus: Pick<TestJanus, 'url' | 'apiSecret'>): Promise<TestJanusSession> {
  Janode.Logger.setLevel('none');
  const connection = await Janode.connect({
    address: { url: janus.url, apisecret: janus.apiSecret },
    max_retries: 0,
  });
  const session = await connection.create(15);
  return {
    connection,
    session,
    attach: () => session.attach(VideoRoomPlugin),
    async close() {
      await session.destroy().catch(() => undefined);
      await connection.close().catch(() => undefined);
    },
  };
}

/**
 * Creates a VideoRoom room as the server does (secret, admin key), for tests that need one without
 * SfuRooms. Returns the room id.
 */
export async function createTestRoom(
  handle: VideoRoomHandle,
  options: {
    adminKey: string;
    secret?: string;
    publishers?: number;
    allowed?: string[];
    recDir?: string;
    room?: number;
  },
): Promise<number> {
  const answer = await handle.message({
    request: 'create',
    admin_key: options.adminKey,
    ...(options.room !== undefined ? { room: options.room } : {}),
    ...(options.secret !== undefined ? { secret: options.secret } : {}),
    ...(options.allowed !== undefined ? { allowed: options.allowed } : {}),
    ...(options.recDir !== undefined ? { rec_dir: options.recDir } : {}),
    publishers: options.publishers ?? 10,
    audiolevel_event: true,
    audio_active_packets: 50,
    audio_level_average: 40,
    notify_joining: true,
    videocodec: 'vp8',
    audiocodec: 'opus',
    bitrate: 512_000,
    permanent: false,
  });
  return answer.plugindata!.data.room as number;
}

export interface PublishOptions {
  /** The room's token for this publisher, when the room checks tokens. */
  token?: string;
  /** Display name. Default `feed <feed>`. */
  display?: string;
  /** Camera size. Default 320×180. */
  width?: number;
  height?: number;
  /** Publish audio / video. Default both. */
  audio?: boolean;
  video?: boolean;
  /** Three VP8 simulcast encodings (rid q/h/f, scale 4/2/1), as the SFU client sends. Default false. */
  simulcast?: boolean;
  /** Wait until the page's peer connection is connected. Default true. */
  waitConnected?: boolean;
}

export interface Published {
  /** Janus's answer to the join: the room's other publishers, this feed's streams… */
  joined: PubJoined;
  /** The mids the page offered, in order (audio first when there is audio). */
  mids: string[];
  /** Closes the page's peer connection and stops its tracks (Janus then sees the publisher go). */
  stop(): Promise<void>;
}

/** The page-side WebRTC objects the harness touches (the project compiles without DOM types). */
interface PageRtc {
  RTCPeerConnection: new (config?: object) => PagePc;
  navigator: { mediaDevices: { getUserMedia(c: object): Promise<{ getTracks(): PageTrack[] }> } };
  __huiguanPublishers?: Record<string, PagePc>;
}
interface PageTrack {
  kind: string;
  stop(): void;
}
interface PagePc {
  iceGatheringState: string;
  connectionState: string;
  addTransceiver(track: PageTrack, init: object): { mid: string | null };
  getTransceivers(): { mid: string | null }[];
  getSenders(): { track: PageTrack | null }[];
  createOffer(): Promise<{ type: string; sdp: string }>;
  setLocalDescription(d: object): Promise<void>;
  setRemoteDescription(d: object): Promise<void>;
  localDescription: { type: string; sdp: string } | null;
  addEventListener(type: string, listener: () => void): void;
  close(): void;
}

/**
 * Publishes the page's fake camera and microphone as `feed` in `room` through `handle` (a VideoRoom handle
 * of this test, e.g. from {@link connectJanus}): the page offers (non-trickle: it waits for its ICE
 * gathering to complete), Node sends the offer with joinandconfigure, the page takes Janus's answer.
 * `page` is a chromium page launched with {@link FAKE_MEDIA_ARGS}, on any http://127.0.0.1 page or about:blank
 * (then taken to an empty page of http://localhost, which getUserMedia needs: a secure context).
 */
export async function publishFromPage(
  page: Page,
  handle: VideoRoomHandle,
  room: number,
  feed: number,
  options: PublishOptions = {},
): Promise<Published> {
  const settings = {
    feed: String(feed),
    audio: options.audio ?? true,
    video: options.video ?? true,
    width: options.width ?? 320,
    height: options.height ?? 180,
    simulcast: options.simulcast ?? false,
  };
  await ensureSecureContext(page);
  const offer = await page.evaluate(async (s) => {
    const w = globalThis as unknown as PageRtc;
    const stream = await w.navigator.mediaDevices.getUserMedia({
      audio: s.audio,
      video: s.video ? { width: s.width, height: s.height, frameRate: 15 } : false,
    });
    const pc = new w.RTCPeerConnection({});
    for (const track of stream.getTracks()) {
      const encodings =
        track.kind === 'video' && s.simulcast
          ? {
              sendEncodings: [
                { rid: 'q', scaleResolutionDownBy: 4, maxBitrate: 100_000 },
                { rid: 'h', scaleResolutionDownBy: 2, maxBitrate: 250_000 },
                { rid: 'f', maxBitrate: 500_000 },
              ],
            }
          : {};
      pc.addTransceiver(track, { direction: 'sendonly', streams: [], ...encodings });
    }
    await pc.setLocalDescription(await pc.createOffer());
    await new Promise<void>((resolve) => {
      if (pc.iceGatheringState === 'complete') return resolve();
      const timer = setTimeout(resolve, 5000);
      pc.addEventListener('icegatheringstatechange', () => {
        if (pc.iceGatheringState === 'complete') {
          clearTimeout(timer);
          resolve();
        }
      });
    });
    (w.__huiguanPublishers ??= {})[s.feed] = pc;
    return {
      jsep: { type: pc.localDescription!.type, sdp: pc.localDescription!.sdp },
      mids: pc.getTransceivers().map((t) => t.mid ?? ''),
    };
  }, settings);
  const stopInPage = () =>
    page
      .evaluate((key) => {
        const w = globalThis as unknown as PageRtc;
        const pc = w.__huiguanPublishers?.[key];
        if (!pc) return;
        for (const sender of pc.getSenders()) sender.track?.stop();
        pc.close();
        delete w.__huiguanPublishers![key];
      }, settings.feed)
      .catch(() => undefined);
  let joined: PubJoined;
  try {
    joined = await handle.joinConfigurePublisher({
      room,
      feed,
      display: options.display ?? `feed ${feed}`,
      ...(options.token !== undefined ? { token: options.token } : {}),
      jsep: { ...(offer.jsep as Jsep), trickle: false },
    });
    if (!joined.jsep) throw new Error('janus answered the publisher without a JSEP answer');
  } catch (err) {
    await stopInPage();
    throw err;
  }
  const answer = joined.jsep;
  await page.evaluate(
    async ({ key, jsep, wait }) => {
      const pc = (globalThis as unknown as PageRtc).__huiguanPublishers![key]!;
      await pc.setRemoteDescription(jsep);
      if (!wait) return;
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`publisher not connected: ${pc.connectionState}`)), 15_000);
        const check = () => {
          if (pc.connectionState === 'connected') {
            clearTimeout(timer);
            resolve();
          } else if (pc.connectionState === 'failed') {
            clearTimeout(timer);
            reject(new Error('publisher connection failed'));
          }
        };
        pc.addEventListener('connectionstatechange', check);
        check();
      });
    },
    { key: settings.feed, jsep: { type: answer.type, sdp: answer.sdp }, wait: options.waitConnected ?? true },
  );
  return { joined, mids: offer.mids, stop: stopInPage };
}

/** The address of the empty page an about:blank publisher is taken to (served by playwright, no server). */
const BLANK_PAGE = 'http://localhost/huiguan-sfu-harness';

async function ensureSecureContext(page: Page): Promise<void> {
  if (page.url() !== 'about:blank') return;
  await page.route(BLANK_PAGE, (route) =>
    route.fulfill({ contentType: 'text/html', body: '<!doctype html><title>SFU test publisher</title>' }),
  );
  await page.goto(BLANK_PAGE);
}
