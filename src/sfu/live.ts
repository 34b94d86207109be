/**
 * Live streaming of meetings on the SFU (issue 16 item 6): the host's "go live" forwards every
 * publisher's RTP from Janus (VideoRoom rtp_forward) to local UDP ports, and one ffmpeg composes the
 * grid with the mixed audio, encodes it once and pushes it to the meeting's RTMP address (`streamDiy=1`)
 * and/or writes HLS for the server's watch page (`isTuiliu=1`). The publishers are followed through a
 * listening (never publishing) VideoRoom participant of the service's own; when they change, the stream
 * is composed anew. A stream that fails is reported (database, log, pages) and the meeting goes on.
 */
import { randomBytes, randomInt } from 'node:crypto';
import { spawn, type ChildProcess } from 'node:child_process';
import dgram from 'node:dgram';
import fs from 'node:fs';
import path from 'node:path';
import VideoRoomPlugin, { type Publisher, type VideoRoomHandle } from 'janode/plugins/videoroom';
import { ApiError, Code } from '../domain/errors.js';
import { liveTargets } from '../domain/live-stream.js';
import type { Db, LiveStreamState, MeetingRow, SessionRow } from '../store/database.js';
import { isSessionEnded, setLiveState, touchLiveStream, upsertLiveStream } from '../store/live-streams.repository.js';
import { composeArgs, ffmpegError, liveSdp, PAYLOAD, rtmpAddress, withoutKey, type LiveInput } from './live-compose.js';
import type { SfuLiveControl, SfuRoomControl, SfuRoomRef } from './services.js';

/** One stream of an rtp_forward request, as Janus's VideoRoom takes it (multistream). */
export interface ForwardStream {
  mid: string;
  port: number;
  /** Payload type written on the forwarded packets. */
  pt: number;
  /** Video from a simulcast publisher: forward the best layer as a viewer would get it. */
  simulcast?: boolean;
  /** Where Janus sends its latching packets and listens for RTCP feedback (PLI) of the receiver. */
  rtcp_port?: number;
}

/** What the service needs of the rooms (rooms.ts, SfuRooms). */
export interface LiveRoomControl extends Pick<SfuRoomControl, 'ensureRoom' | 'allow' | 'revoke'> {
  /** VideoRoom rtp_forward of `streams` of publisher `feed` to `host`; the forwarders' stream ids. */
  forward(room: SfuRoomRef, feed: number, streams: ForwardStream[], host: string): Promise<number[]>;
  stopForward(room: SfuRoomRef, feed: number, streamId: number): Promise<void>;
}

/** The live state as pages are told it (`{"type":"sfu","op":"live",…}`) and getLiveDetail shows it. */
export interface LiveStateView {
  state: LiveStreamState;
  rtmp: boolean;
  hls: boolean;
  error?: string;
}

/** The log the service writes to (pino's, Fastify's). */
export interface LiveLog {
  info(object: object, message: string): void;
  warn(object: object, message: string): void;
}

export interface LiveStreamsOptions {
  db: Db;
  rooms: LiveRoomControl;
  /** The data directory: HLS goes to `<dataDir>/live/<meetingId>/hls`. */
  dataDir: string;
  /** Default `ffmpeg`. */
  ffmpegBin?: string;
  /** Default `Date.now`. */
  clock?: () => number;
  log: LiveLog;
  /** Every state change, for the meeting's pages. */
  onState: (meetingId: number, view: LiveStateView) => void;
  /** The composed picture: default 1280×720 at 25 frames/s, 1500 kbit/s. */
  picture?: { width: number; height: number; fps: number; videoKbps: number };
  /** A stream with no picture out after this long has failed. Default 30 000 ms. */
  startTimeoutMs?: number;
  /** Quiet time after a change of publishers before composing anew. Default 1000 ms. */
  recomposeDelayMs?: number;
  /** How often running streams are marked alive and checked for their session's end. Default {@link LIVE_HEARTBEAT_MS}. */
  heartbeatMs?: number;
}

/** The live directory of a meeting (HLS below it in `hls/`). */
export function liveDir(dataDir: string, meetingId: number): string {
  return path.join(dataDir, 'live', String(meetingId));
}

/** The HLS directory of a meeting, which the watch page's files are served from. */
export function hlsDir(dataDir: string, meetingId: number): string {
  return path.join(liveDir(dataDir, meetingId), 'hls');
}

/** How often the running process marks its rows as alive (domain/live-stream.ts: `LIVE_STALE_MS`). */
export const LIVE_HEARTBEAT_MS = 20_000;
/** Keyframe requests (RTCP PLI) to every forwarded video: often at the start, then now and then (loss recovery). */
const PLI_EARLY_MS = [300, 1000, 2000, 3500];
const PLI_EVERY_MS = 5000;
const STOP_GRACE_MS = 3000;

/** RTCP PLI (RFC 4585 §6.3.1): payload-specific feedback, FMT 1; Janus asks the publisher for a keyframe. */
const PLI = Buffer.from([0x81, 206, 0, 2, 0, 0, 0, 1, 0, 0, 0, 0]);

/**
 * The live streams of the meetings this process serves, one per session at most.
 * `setLive(…, true)` starts (or keeps) it, `setLive(…, false)` and {@link stopSession} stop it.
 */
export class LiveStreams implements SfuLiveControl {
  private readonly streams = new Map<number, LiveStream>();
  private readonly heartbeat: NodeJS.Timeout;

  constructor(private readonly options: LiveStreamsOptions) {
    this.heartbeat = setInterval(() => {
      for (const stream of this.streams.values()) void stream.touch();
    }, options.heartbeatMs ?? LIVE_HEARTBEAT_MS);
    this.heartbeat.unref();
  }

  /**
   * Starts or stops the session's live stream (the caller has checked that `hostTicket` is the host's).
   * Throws an ApiError when the meeting has nowhere to stream to; a stream that fails later is reported,
   * not thrown. Starting a running stream, or stopping a stopped one, only tells the pages its state.
   */
  async setLive(meeting: MeetingRow, session: SessionRow, on: boolean, hostTicket: string): Promise<void> {
    const current = this.streams.get(session.id);
    const targets = liveTargets(meeting);
    if (!on) {
      if (current) {
        this.options.log.info({ meetingId: meeting.id, by: ticketTag(hostTicket) }, 'live stream stopped by the host');
        await current.stop('off');
      } else {
        // A failed stream (or one of a process that is gone) is cleared: the host has seen it.
        await setLiveState(this.options.db, session.id, 'off', '', (this.options.clock ?? Date.now)());
        this.options.onState(meeting.id, { state: 'off', rtmp: Boolean(targets.rtmp), hls: targets.hls });
      }
      return;
    }
    if (current) {
      this.options.onState(meeting.id, current.view());
      return;
    }
    if (!targets.rtmp && !targets.hls) {
      throw new ApiError(
        Code.meetingParameter,
        '会议未设置直播 (this meeting has no live stream: book it with isTuiliu=1, or streamDiy=1 with a streamUrl)',
      );
    }
    const stream = new LiveStream(this.options, meeting, session, {
      rtmp: targets.rtmp ? rtmpAddress(targets.rtmp.url, targets.rtmp.key) : undefined,
      hlsDir: targets.hls ? hlsDir(this.options.dataDir, meeting.id) : undefined,
    });
    this.streams.set(session.id, stream);
    stream.onEnd(() => this.streams.get(session.id) === stream && this.streams.delete(session.id));
    this.options.log.info(
      { meetingId: meeting.id, rtmp: Boolean(targets.rtmp), hls: targets.hls, by: ticketTag(hostTicket) },
      'live stream starting',
    );
    await stream.start();
  }

  /** The session ended (or the meeting did): its stream stops. */
  async stopSession(sessionId: number): Promise<void> {
    await this.streams.get(sessionId)?.stop('off');
  }

  /** The session's stream state in this process, if it streams here. */
  stateOf(sessionId: number): LiveStateView | undefined {
    return this.streams.get(sessionId)?.view();
  }

  /** Stops every stream (server shutdown): marked off, as nothing streams any more. */
  async close(): Promise<void> {
    clearInterval(this.heartbeat);
    await Promise.all([...this.streams.values()].map((stream) => stream.stop('off')));
  }
}

/** A short, non-secret tag of a ticket for the log. */
function ticketTag(ticket: string): string {
  return ticket.slice(0, 6);
}

interface Outputs {
  rtmp: string | undefined;
  hlsDir: string | undefined;
}

/** One composition: the forwarders, their keyframe sockets and the ffmpeg reading them. */
interface Run {
  ffmpeg: ChildProcess;
  forwarders: { feed: number; streamId: number }[];
  sockets: dgram.Socket[];
  timers: NodeJS.Timeout[];
  stderr: string[];
  framesOut: boolean;
  exited: Promise<void>;
}

class LiveStream {
  private state: LiveStreamState = 'starting';
  private error = '';
  private room: SfuRoomRef | undefined;
  private listener: VideoRoomHandle | undefined;
  private readonly listenerFeed = randomInt(2 ** 40, 2 ** 48);
  private readonly token = randomBytes(16).toString('base64url');
  private readonly publishers = new Map<number, Publisher>();
  private run: Run | undefined;
  private recomposeTimer: NodeJS.Timeout | undefined;
  private startTimer: NodeJS.Timeout | undefined;
  private composing: Promise<void> = Promise.resolve();
  private ended = false;
  private readonly endListeners: (() => void)[] = [];
  private readonly clock: () => number;
  private unsubscribeReset: (() => void) | undefined;

  constructor(
    private readonly options: LiveStreamsOptions,
    private readonly meeting: MeetingRow,
    private readonly session: SessionRow,
    private readonly outputs: Outputs,
  ) {
    this.clock = options.clock ?? Date.now;
  }

  onEnd(listener: () => void): void {
    this.endListeners.push(listener);
  }

  view(): LiveStateView {
    return {
      state: this.state,
      rtmp: this.outputs.rtmp !== undefined,
      hls: this.outputs.hlsDir !== undefined,
      ...(this.error ? { error: this.error } : {}),
    };
  }

  /**
   * Marks the row as running, and stops the stream when its session has ended (the meeting's end seen by
   * any process, even when no hook told this one).
   */
  async touch(): Promise<void> {
    if (this.ended) return;
    try {
      if (await isSessionEnded(this.options.db, this.session.id)) return await this.stop('off');
      await touchLiveStream(this.options.db, this.session.id, this.clock());
    } catch (err) {
      this.options.log.warn({ err, meetingId: this.meeting.id }, 'live stream heartbeat not written');
    }
  }

  async start(): Promise<void> {
    const now = this.clock();
    await upsertLiveStream(this.options.db, {
      session_id: this.session.id,
      meeting_id: this.meeting.id,
      state: 'starting',
      rtmp: this.outputs.rtmp ? 1 : 0,
      hls: this.outputs.hlsDir ? 1 : 0,
      error: '',
      started_at: now,
      updated_at: now,
    });
    this.announce();
    this.startTimer = setTimeout(() => {
      if (this.state === 'starting') {
        void this.fail(
          `no picture within ${Math.round(this.startTimeoutMs() / 1000)} s (no media arrived from the meeting)`,
        );
      }
    }, this.startTimeoutMs());
    try {
      if (this.outputs.hlsDir) {
        await fs.promises.rm(this.outputs.hlsDir, { recursive: true, force: true });
        await fs.promises.mkdir(this.outputs.hlsDir, { recursive: true });
      }
      await this.join();
      await this.compose();
    } catch (err) {
      await this.fail(`could not start: ${err instanceof Error ? err.message : String(err)}`);
    }
  }

  /** The session's room (created if missing) and the listener in it; again after a Janus reset. */
  private async join(): Promise<void> {
    this.room = await this.options.rooms.ensureRoom(this.meeting, this.session);
    this.unsubscribeReset?.();
    this.unsubscribeReset = this.room.instance.onReset(() => void this.rejoin());
    await this.listen(this.room);
  }

  /**
   * Janus was lost and is back: every handle, forwarder and (after a restart) the room are gone. The
   * stream follows the room anew; the publishers come back as their pages publish again.
   */
  private async rejoin(): Promise<void> {
    if (this.ended) return;
    this.options.log.info({ meetingId: this.meeting.id }, 'live stream follows the media server after its reset');
    this.listener = undefined;
    this.publishers.clear();
    try {
      await this.join();
      await this.compose();
    } catch (err) {
      await this.fail(`lost the media server: ${err instanceof Error ? err.message : String(err)}`);
    }
  }

  private startTimeoutMs(): number {
    return this.options.startTimeoutMs ?? 30_000;
  }

  /** Joins the room as a participant that never publishes, to be told of every publisher and change. */
  private async listen(room: SfuRoomRef): Promise<void> {
    await this.options.rooms.allow(room, this.token);
    const handle = await room.instance.attach();
    this.listener = handle;
    const changed = () => this.scheduleRecompose();
    handle.on(VideoRoomPlugin.EVENT.VIDEOROOM_PUB_LIST, (data: { publishers?: Publisher[] }) => {
      for (const publisher of data.publishers ?? []) this.publishers.set(publisher.feed, publisher);
      changed();
    });
    const gone = (data: { feed?: number }) => {
      if (data.feed !== undefined && this.publishers.delete(data.feed)) changed();
    };
    handle.on(VideoRoomPlugin.EVENT.VIDEOROOM_UNPUBLISHED, gone);
    handle.on(VideoRoomPlugin.EVENT.VIDEOROOM_LEAVING, gone);
    handle.on(VideoRoomPlugin.EVENT.VIDEOROOM_DESTROYED, () => void this.roomDestroyed());
    const joined = await handle.joinPublisher({
      room: room.roomId,
      feed: this.listenerFeed,
      display: 'live stream',
      token: this.token,
    });
    for (const publisher of joined.publishers) this.publishers.set(publisher.feed, publisher);
  }

  /** The room went: the meeting's end (off), or something else (failed). */
  private async roomDestroyed(): Promise<void> {
    const ended = await isSessionEnded(this.options.db, this.session.id).catch(() => false);
    if (ended) await this.stop('off');
    else await this.fail('the meeting room was closed');
  }

  private scheduleRecompose(): void {
    if (this.ended || !this.run) return;
    clearTimeout(this.recomposeTimer);
    this.recomposeTimer = setTimeout(() => {
      this.options.log.info(
        { meetingId: this.meeting.id, publishers: this.publishers.size },
        'live stream re-composed',
      );
      void this.compose().catch((err: unknown) =>
        this.fail(`could not re-compose: ${err instanceof Error ? err.message : String(err)}`),
      );
    }, this.options.recomposeDelayMs ?? 1000);
  }

  /** (Re)starts the composition for the current publishers; one at a time. */
  private compose(): Promise<void> {
    const next = this.composing
      .catch(() => undefined)
      .then(async () => {
        if (this.ended) return;
        await this.teardownRun();
        if (!this.ended) await this.startRun();
      });
    this.composing = next;
    return next;
  }

  /** Starts forwarders and ffmpeg for the current publishers; the run is current from ffmpeg's spawn on. */
  private async startRun(): Promise<void> {
    const room = this.room!;
    const dir = liveDir(this.options.dataDir, this.meeting.id);
    await fs.promises.mkdir(dir, { recursive: true });
    const plan: { feed: number; streams: ForwardStream[] }[] = [];
    const inputs: LiveInput[] = [];
    const sockets: dgram.Socket[] = [];
    const pliTargets: { socket: dgram.Socket; port: () => number | undefined }[] = [];
    const feeds = [...this.publishers.values()].sort((a, b) => a.feed - b.feed);
    for (const publisher of feeds) {
      const streams: ForwardStream[] = [];
      for (const s of publisher.streams ?? []) {
        if (s.disabled || (s.type !== 'audio' && s.type !== 'video')) continue;
        const port = await freeRtpPort();
        inputs.push({ kind: s.type, port });
        if (s.type === 'audio') {
          streams.push({ mid: s.mid, port, pt: PAYLOAD.audio });
        } else {
          const keyframes = await keyframeSocket();
          sockets.push(keyframes.socket);
          pliTargets.push(keyframes);
          streams.push({
            mid: s.mid,
            port,
            pt: PAYLOAD.video,
            rtcp_port: keyframes.localPort,
            ...(s.simulcast ? { simulcast: true } : {}),
          });
        }
      }
      if (streams.length > 0) plan.push({ feed: publisher.feed, streams });
    }
    const sdpFile = inputs.length > 0 ? path.join(dir, 'input.sdp') : undefined;
    if (sdpFile) await fs.promises.writeFile(sdpFile, liveSdp(inputs));
    const args = composeArgs({
      sdpFile,
      inputs,
      outputs: this.outputs,
      ...(this.options.picture ?? {}),
    });
    const ffmpeg = spawn(this.options.ffmpegBin ?? 'ffmpeg', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    const run: Run = {
      ffmpeg,
      forwarders: [],
      sockets,
      timers: [],
      stderr: [],
      framesOut: false,
      exited: new Promise((resolve) => ffmpeg.once('close', () => resolve())),
    };
    this.run = run;
    this.watch(run);
    // ffmpeg binds the SDP's ports as it opens its input; forwarding starts once it had the moment to.
    await new Promise((resolve) => setTimeout(resolve, 300));
    for (const { feed, streams } of plan) {
      const ids = await this.options.rooms.forward(room, feed, streams, '127.0.0.1');
      for (const streamId of ids) run.forwarders.push({ feed, streamId });
    }
    const ask = () => {
      for (const target of pliTargets) {
        const port = target.port();
        if (port !== undefined) target.socket.send(PLI, port, '127.0.0.1');
      }
    };
    for (const delay of PLI_EARLY_MS) run.timers.push(setTimeout(ask, delay));
    run.timers.push(setInterval(ask, PLI_EVERY_MS));
    run.timers.push(
      setTimeout(() => {
        if (this.run !== run || pliTargets.every((target) => target.port() !== undefined)) return;
        // rtp_forward without the stream's rtcp_port: no keyframe can be asked, and ffmpeg waits for one.
        this.options.log.warn(
          { meetingId: this.meeting.id },
          'live stream: Janus opened no RTCP port for a forwarded video; keyframes come only when the publisher sends one',
        );
      }, 2000),
    );
  }

  private watch(run: Run): void {
    let progress = '';
    run.ffmpeg.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
      progress = (progress + chunk).slice(-2000);
      const frames = [...progress.matchAll(/frame=(\d+)/g)].at(-1)?.[1];
      if (!run.framesOut && frames !== undefined && Number(frames) > 0) {
        run.framesOut = true;
        if (this.run === run && this.state === 'starting') void this.setState('live', '');
      }
    });
    run.ffmpeg.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
      for (const line of chunk.split(/\r?\n/)) if (line.trim()) run.stderr.push(line.trim());
      if (run.stderr.length > 40) run.stderr.splice(0, run.stderr.length - 40);
    });
    run.ffmpeg.once('error', (err) => run.stderr.push(`ffmpeg could not run: ${err.message}`));
    run.ffmpeg.once('close', (code, signal) => {
      if (this.run !== run || this.ended) return;
      void this.fail(ffmpegError(run.stderr) ?? `ffmpeg exited (${signal ?? `code ${code}`})`);
    });
  }

  private async teardownRun(): Promise<void> {
    const run = this.run;
    if (!run) return;
    this.run = undefined;
    for (const timer of run.timers) clearTimeout(timer);
    const room = this.room;
    if (room) {
      await Promise.all(
        run.forwarders.map(({ feed, streamId }) =>
          this.options.rooms.stopForward(room, feed, streamId).catch(() => undefined),
        ),
      );
    }
    if (run.ffmpeg.exitCode === null && run.ffmpeg.signalCode === null) {
      run.ffmpeg.kill('SIGTERM');
      const killer = setTimeout(() => run.ffmpeg.kill('SIGKILL'), STOP_GRACE_MS);
      await run.exited;
      clearTimeout(killer);
    }
    for (const socket of run.sockets) socket.close();
  }

  private async fail(reason: string): Promise<void> {
    if (this.ended) return;
    const error = withoutKey(reason, this.meeting.stream_key).slice(0, 1000);
    this.options.log.warn({ meetingId: this.meeting.id, error }, 'live stream failed');
    await this.stop('failed', error);
  }

  /** Ends the stream in `state` (off, or failed with `error`): forwarders, ffmpeg, the listener go. */
  async stop(state: 'off' | 'failed', error = ''): Promise<void> {
    if (this.ended) return;
    this.ended = true;
    clearTimeout(this.recomposeTimer);
    clearTimeout(this.startTimer);
    this.unsubscribeReset?.();
    for (const listener of this.endListeners) listener();
    await this.composing.catch(() => undefined);
    await this.teardownRun();
    const listener = this.listener;
    this.listener = undefined;
    if (listener) {
      await listener.leave().catch(() => undefined);
      await listener.detach().catch(() => undefined);
    }
    if (this.room) await this.options.rooms.revoke(this.room, this.token).catch(() => undefined);
    if (this.outputs.hlsDir && state === 'off') {
      await fs.promises.rm(this.outputs.hlsDir, { recursive: true, force: true }).catch(() => undefined);
    }
    await this.setState(state, error);
  }

  private async setState(state: LiveStreamState, error: string): Promise<void> {
    this.state = state;
    this.error = error;
    if (state === 'live') clearTimeout(this.startTimer);
    try {
      await setLiveState(this.options.db, this.session.id, state, error, this.clock());
    } catch (err) {
      this.options.log.warn({ err, meetingId: this.meeting.id }, 'live stream state not written');
    }
    if (state === 'live') this.options.log.info({ meetingId: this.meeting.id }, 'live stream live');
    this.announce();
  }

  private announce(): void {
    this.options.onState(this.meeting.id, this.view());
  }
}

/** A UDP socket bound to `port`, or undefined when the port is taken. */
function bindUdp(port: number): Promise<dgram.Socket | undefined> {
  return new Promise((resolve) => {
    const socket = dgram.createSocket('udp4');
    socket.once('error', () => {
      socket.close();
      resolve(undefined);
    });
    socket.bind(port, '127.0.0.1', () => resolve(socket));
  });
}

/**
 * A free even UDP port whose successor is free too (ffmpeg binds RTP on it and RTCP on the next). Both
 * are released for ffmpeg to take a moment later; another program taking one meanwhile fails the run.
 */
async function freeRtpPort(): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt += 1) {
    const first = await bindUdp(0);
    if (!first) continue;
    const port = first.address().port;
    const second = port % 2 === 0 && port < 65535 ? await bindUdp(port + 1) : undefined;
    first.close();
    second?.close();
    if (second) return port;
  }
  throw new Error('no free pair of UDP ports');
}

/**
 * The socket a video forwarder's RTCP goes to: Janus sends it two latching packets from the forwarder's
 * own RTCP port, and a PLI sent back there makes Janus ask the publisher for a keyframe, which ffmpeg
 * needs to start decoding.
 */
async function keyframeSocket(): Promise<{ socket: dgram.Socket; localPort: number; port: () => number | undefined }> {
  const socket = await bindUdp(0);
  if (!socket) throw new Error('no free UDP port');
  let janusPort: number | undefined;
  socket.on('message', (_message, remote) => (janusPort = remote.port));
  return { socket, localPort: socket.address().port, port: () => janusPort };
}
