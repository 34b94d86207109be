import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { FastifyBaseLogger } from 'fastify';
import type { BackgroundLoop } from '../domain/background-loop.js';
import { ApiError, pageRefusal } from '../domain/errors.js';
import { requireMayBeginRecording } from '../domain/recording-permission.js';
import { keepRecording, planRecording } from '../domain/recordings.js';
import { siteUsable } from '../domain/sites.js';
import { formatDateTime } from '../domain/time.js';
import type { Db, MeetingRow, SessionRow } from '../store/database.js';
import { findMeetingById } from '../store/meetings.repository.js';
import { findTicket, presentByTicket, sessionsOf } from '../store/presence.repository.js';
import { RecordingTooLargeError, type RecordingStorage } from '../store/recording-storage.js';
import {
  discardLiveRecording,
  finishJob,
  insertLiveRecording,
  liveRecordingOf,
  liveRecordings,
  queueRecording,
  recordingsOfEndedSessions,
  releaseJob,
  renewJob,
  sfuRecordingsOfMeeting,
  takeableJobs,
  takeJob,
  type SfuRecordingRow,
} from '../store/sfu-recordings.repository.js';
import { findSiteById } from '../store/sites.repository.js';
import { findUserById } from '../store/users.repository.js';
import { composeRecording, EmptyRecordingError, type Canvas } from './compose.js';
import type { PageTeller, SfuRecordingControl, SfuRoomRef } from './services.js';

/** What the recording needs of the rooms (rooms.ts). */
export interface RecordingRooms {
  /** The session's room (created if missing, e.g. after a Janus restart). */
  ensureRoom(meeting: MeetingRow, session: SessionRow): Promise<SfuRoomRef>;
  /** VideoRoom `enable_recording`: every publisher's streams recorded into the room's `rec_dir`, or no more. */
  setRecording(room: SfuRoomRef, on: boolean): Promise<void>;
  /** The room's `rec_dir`. */
  recordingDir(room: SfuRoomRef): string;
}

/** A meeting's server-side recording as its pages show it (docs/web-protocol.md, `op: "recording"`). */
export type RecordingState = 'off' | 'recording' | 'composing' | 'failed';

export interface RecordingStatus {
  state: RecordingState;
  /** `composing`: the progress, e.g. `"42%"`; `failed`: why. */
  detail?: string;
}

export interface SfuRecordingOptions {
  db: Db;
  rooms: RecordingRooms;
  /** Where the composed MP4 is stored (the recordings store, as the uploads use). */
  storage: RecordingStorage;
  /** `config.sfu.ppRecBin`, `config.sfu.ffmpegBin`. */
  ppRecBin: string;
  ffmpegBin: string;
  /** Largest recording stored, bytes (`config.recordingMaxBytes`). */
  maxBytes: number;
  /** Default `Date.now`. */
  clock?: () => number;
  /** Default: silent. */
  log?: Pick<FastifyBaseLogger, 'info' | 'warn' | 'error'>;
  /**
   * Told a meeting's recording state whenever it changes (start, stop, progress, done, failed); the caller
   * tells the meeting's pages. Called from whichever process did the change: with several processes the
   * caller relays it (the meeting bus). Default: nobody.
   */
  onState?: (meetingId: number, state: RecordingState, detail: string | undefined) => void;
  /** How long a composing job is held without renewal, ms (renewed every third of it). Default 60000. */
  leaseMs?: number;
  /** Attempts before a job fails for good. Default 3. */
  maxAttempts?: number;
  /** Pause before the next attempt after a failed one, ms, times the attempts so far. Default 60000. */
  retryMs?: number;
  /** How often the background loop looks for work, ms. Default 5000. */
  everyMs?: number;
  /** The composed video's size and rate. Default 1280×720, 25 fps. */
  canvas?: Canvas;
}

/** The server-side recording of meetings on the SFU; {@link createSfuRecording} makes it. */
export interface SfuRecording extends SfuRecordingControl {
  /**
   * Starts (`on`) or stops the session's recording for the host page holding `hostTicket`. Starting needs
   * the host in the meeting and the owner's `enableCloudRecord` (403 `not_allowed`, as the page's recorder);
   * starting while recording, or stopping while not, changes nothing.
   */
  setRecording(meeting: MeetingRow, session: SessionRow, on: boolean, hostTicket: string): Promise<void>;
  /** The session ended: its recording, if any, stops and is composed. Call after the room was destroyed. */
  sessionEnded(sessionId: number): Promise<void>;
  /**
   * Turns recording on again in the rooms of sessions that are recording: a restarted Janus has the rooms
   * made again without it (call on the instances' reset). What Janus wrote before goes into the same MP4.
   */
  resume(): Promise<void>;
  /** The meeting's state as pages show it (for a page that joins). */
  stateOf(meetingId: number): Promise<RecordingStatus>;
  /**
   * One round of the worker: stops recordings whose session ended unseen, then takes one job (queued, or
   * whose holder's lease ran out at `now`) and composes it. Answers the job's id, or undefined when none.
   */
  runOnce(now: number): Promise<number | undefined>;
  /** The worker as a background loop (api/background.ts). */
  loop(): BackgroundLoop;
  /** Cuts off the compose under way (its job goes back to the queue, not counted as an attempt). */
  close(): Promise<void>;
}

/** The job's lease ran out and another process took it. */
class LostLease extends Error {}
/** The server is closing. */
class Closing extends Error {}

/** Where a job's files are moved to at stop. */
export function jobDir(job: Pick<SfuRecordingRow, 'dir' | 'id'>): string {
  return path.join(job.dir, `job-${job.id}`);
}

/**
 * The server-side cloud recording of meetings on the SFU (docs/media.md). The host's `record` turns
 * VideoRoom recording on for the session's room: Janus writes every publisher's streams as `.mjr` files.
 * At stop the files move to the job's directory and the job is queued; a worker, in whichever process
 * takes it first (a lease in the database), composes them (compose.ts) into one MP4 and stores it as a
 * recording, exactly as an upload does: getCloudFileList lists it and `recording.completed` is emitted.
 */
export function createSfuRecording(options: SfuRecordingOptions): SfuRecording {
  const { db, rooms, storage } = options;
  const clock = options.clock ?? Date.now;
  const log = options.log;
  const leaseMs = options.leaseMs ?? 60_000;
  const maxAttempts = options.maxAttempts ?? 3;
  const retryMs = options.retryMs ?? 60_000;
  const running = new Set<AbortController>();
  const composing = new Set<Promise<void>>();
  let closed = false;

  const told = new Map<number, Promise<void>>();
  /**
   * Tells the meeting's state as it is now; one meeting's tellings run in order, so that a progress read
   * before the end is never told after it. Never throws (the state is the database's; a page asks again).
   */
  const notify = (meetingId: number): Promise<void> => {
    const onState = options.onState;
    if (!onState) return Promise.resolve();
    const next = (told.get(meetingId) ?? Promise.resolve())
      .then(async () => {
        const status = await stateOf(meetingId);
        onState(meetingId, status.state, status.detail);
      })
      .catch((err: unknown) => log?.warn({ err, meetingId }, 'sfu recording: state not told'));
    told.set(meetingId, next);
    void next.then(() => {
      if (told.get(meetingId) === next) told.delete(meetingId);
    });
    return next;
  };

  async function stateOf(meetingId: number): Promise<RecordingStatus> {
    const jobs = await sfuRecordingsOfMeeting(db, meetingId);
    if (jobs.some((j) => j.state === 'recording')) return { state: 'recording' };
    const active = jobs.filter((j) => j.state === 'queued' || j.state === 'composing').at(-1);
    if (active) return { state: 'composing', detail: `${active.progress}%` };
    const newest = jobs[0];
    if (newest?.state === 'failed') return { state: 'failed', detail: newest.error };
    return { state: 'off' };
  }

  /** Moves the job's files out of the room's directory and queues it; several callers at once are fine. */
  async function stopJob(job: SfuRecordingRow, stoppedAt: number): Promise<void> {
    const target = jobDir(job);
    await fs.promises.mkdir(target, { recursive: true });
    const names = await fs.promises.readdir(job.dir).catch(() => [] as string[]);
    for (const name of names.filter((n) => n.endsWith('.mjr'))) {
      await fs.promises
        .rename(path.join(job.dir, name), path.join(target, name))
        .catch((err: NodeJS.ErrnoException) => {
          if (err.code !== 'ENOENT') throw err;
        });
    }
    if (await queueRecording(db, job.id, stoppedAt)) {
      log?.info({ recording: job.id, meetingId: job.meeting_id, files: names.length }, 'sfu recording stopped');
    }
  }

  async function start(meeting: MeetingRow, session: SessionRow, hostTicket: string): Promise<void> {
    const ticket = await findTicket(db, hostTicket);
    const present =
      ticket !== undefined &&
      ticket.meeting_id === meeting.id &&
      (await presentByTicket(db, ticket.token)) !== undefined;
    const owner = await findUserById(db, meeting.user_pk);
    requireMayBeginRecording({
      role: ticket?.role ?? '',
      ticketState: ticket?.state ?? '',
      present,
      ownerMayRecord: owner !== undefined && owner.enable_cloud_record === 1,
    });
    if (session.ended_at !== null) throw pageRefusal(409, 'ended', 'this meeting session has ended');
    const room = await rooms.ensureRoom(meeting, session);
    if (await liveRecordingOf(db, session.id)) {
      // Recording already; Janus is asked again, in case it lost the room's recording (a restart).
      await rooms.setRecording(room, true);
      return;
    }
    const now = clock();
    const { recording: job, inserted } = await insertLiveRecording(db, {
      site_id: meeting.site_id,
      meeting_id: meeting.id,
      session_id: session.id,
      room_id: room.roomId,
      dir: rooms.recordingDir(room),
      started_at: now,
    });
    if (!inserted) return; // another page or process started it meanwhile
    try {
      await rooms.setRecording(room, true);
    } catch (err) {
      await discardLiveRecording(db, job.id);
      throw err;
    }
    log?.info({ recording: job.id, meetingId: meeting.id, room: room.roomId }, 'sfu recording started');
  }

  async function stop(meeting: MeetingRow, session: SessionRow, hostTicket: string): Promise<void> {
    const ticket = await findTicket(db, hostTicket);
    if (ticket?.meeting_id !== meeting.id || ticket.role !== 'host' || ticket.state !== 'admitted') {
      throw pageRefusal(403, 'not_allowed', 'only the host stops the recording');
    }
    const job = await liveRecordingOf(db, session.id);
    if (!job) return;
    try {
      await rooms.setRecording(await rooms.ensureRoom(meeting, session), false);
    } catch (err) {
      // Janus is gone or restarting: what it wrote is composed all the same.
      log?.warn({ err, recording: job.id }, 'sfu recording: could not stop Janus recording');
    }
    await stopJob(job, clock());
  }

  /** Stops recordings whose session ended without {@link SfuRecording.sessionEnded} (a process died). */
  async function stopOrphans(): Promise<void> {
    for (const job of await recordingsOfEndedSessions(db)) {
      await stopJob(job, Math.max(job.started_at, job.ended_at));
      await notify(job.meeting_id);
    }
  }

  async function runOnce(now: number): Promise<number | undefined> {
    if (closed) return undefined;
    await stopOrphans();
    for (const candidate of await takeableJobs(db, now, 10)) {
      const owner = randomBytes(16).toString('hex');
      const job = await takeJob(db, candidate.id, owner, now + leaseMs, now);
      if (!job) continue; // another process was quicker
      const work = compose(job, owner);
      composing.add(work);
      await work.finally(() => composing.delete(work));
      return job.id;
    }
    return undefined;
  }

  /** Composes a job `owner` holds; every outcome is written to its row, nothing is thrown. */
  async function compose(job: SfuRecordingRow, owner: string): Promise<void> {
    const dir = jobDir(job);
    const workDir = path.join(dir, 'work');
    if (job.attempts > maxAttempts) {
      await fail(job, owner, `gave up after ${maxAttempts} attempts: ${job.error}`);
      return;
    }
    const abort = new AbortController();
    running.add(abort);
    let progress = 0;
    let lost = false;
    const renew = async () => {
      if (!(await renewJob(db, job.id, owner, clock() + leaseMs, progress, clock()))) {
        lost = true;
        abort.abort(new LostLease());
      }
    };
    const renewal = setInterval(() => renew().catch(() => undefined), leaseMs / 3).unref();
    let shown = 0;
    try {
      await notify(job.meeting_id);
      const output = path.join(workDir, 'recording.mp4');
      const composed = await composeRecording({
        dir,
        workDir,
        output,
        ppRecBin: options.ppRecBin,
        ffmpegBin: options.ffmpegBin,
        signal: abort.signal,
        canvas: options.canvas,
        // Janus's clock may not be this one: the recording's length bounds it, not the stop's instant.
        maxDurationMs: job.stopped_at === null ? undefined : job.stopped_at - job.started_at,
        onProgress: (share) => {
          progress = Math.min(99, Math.floor(share * 100));
          if (progress - shown >= 5) {
            shown = progress;
            renew()
              .then(() => notify(job.meeting_id))
              .catch(() => undefined);
          }
        },
      });
      if (lost) throw new LostLease();
      const recordId = await store(job, owner, output, composed.durationMs);
      await fs.promises.rm(dir, { recursive: true, force: true });
      if (await hasEnded(job)) {
        // The room's directory, when nothing else is left in it (Janus makes it again if it must).
        await fs.promises.rmdir(job.dir).catch(() => undefined);
      }
      log?.info(
        {
          recording: job.id,
          meetingId: job.meeting_id,
          recordId,
          durationMs: composed.durationMs,
          tiles: composed.tiles,
        },
        'sfu recording composed',
      );
      await notify(job.meeting_id);
    } catch (err) {
      await fs.promises.rm(workDir, { recursive: true, force: true }).catch(() => undefined);
      if (lost || err instanceof LostLease) {
        log?.warn({ recording: job.id }, 'sfu recording: lease lost while composing; another process has it');
      } else if (closed || err instanceof Closing) {
        await releaseJob(db, job.id, owner, { failed: false, error: job.error, retryAt: 0, refund: true }, clock());
      } else {
        const permanent =
          err instanceof ApiError || err instanceof RecordingTooLargeError || err instanceof EmptyRecordingError;
        const message = err instanceof Error ? err.message : String(err);
        if (permanent || job.attempts >= maxAttempts) await fail(job, owner, message, err);
        else {
          log?.warn({ err, recording: job.id, attempt: job.attempts }, 'sfu recording: composing failed; will retry');
          await releaseJob(
            db,
            job.id,
            owner,
            { failed: false, error: message, retryAt: clock() + retryMs * job.attempts },
            clock(),
          );
          await notify(job.meeting_id);
        }
      }
    } finally {
      clearInterval(renewal);
      running.delete(abort);
    }
  }

  async function hasEnded(job: SfuRecordingRow): Promise<boolean> {
    const session = (await sessionsOf(db, job.meeting_id)).find((s) => s.id === job.session_id);
    return session === undefined || session.ended_at !== null;
  }

  async function fail(job: SfuRecordingRow, owner: string, message: string, err?: unknown): Promise<void> {
    // The .mjr files stay in the job's directory: they are the only copy of the meeting.
    log?.error(
      { err, recording: job.id, meetingId: job.meeting_id, dir: jobDir(job) },
      `sfu recording failed: ${message}`,
    );
    await releaseJob(db, job.id, owner, { failed: true, error: message, retryAt: 0 }, clock());
    await notify(job.meeting_id);
  }

  /** Stores the MP4 and makes it a recording, as an upload does; the job is done in the same transaction. */
  async function store(job: SfuRecordingRow, owner: string, file: string, durationMs: number): Promise<number> {
    const now = clock();
    const site = await findSiteById(db, job.site_id);
    const meeting = await findMeetingById(db, job.meeting_id);
    if (!site || !meeting || !siteUsable(site, now)) throw pageRefusal(404, 'not_found', 'the meeting is gone');
    const session = (await sessionsOf(db, job.meeting_id)).find((s) => s.id === job.session_id);
    const recordStart = Math.floor(job.started_at / 1000) * 1000;
    const plan = await planRecording(
      db,
      site,
      {
        confNumber: meeting.conf_number,
        fileType: 'MP4',
        recordStart: formatDateTime(recordStart),
        recordEnd: formatDateTime(recordStart + Math.round(durationMs / 1000) * 1000),
        uuid: session?.uuid,
      },
      now,
    );
    const { size } = await storage.put(plan.storageKey, fs.createReadStream(file), { maxBytes: options.maxBytes });
    let recordId = 0;
    await keepRecording(db, storage, plan, size, now, async (trx, recording) => {
      recordId = recording.id;
      if (!(await finishJob(trx, job.id, owner, recording.id, now))) throw new LostLease();
    });
    return recordId;
  }

  return {
    async setRecording(meeting, session, on, hostTicket) {
      if (on) await start(meeting, session, hostTicket);
      else await stop(meeting, session, hostTicket);
      await notify(meeting.id);
    },

    async sessionEnded(sessionId) {
      const job = await liveRecordingOf(db, sessionId);
      if (!job) return;
      await stopJob(job, clock());
      await notify(job.meeting_id);
    },

    async resume() {
      for (const job of await liveRecordings(db)) {
        try {
          const meeting = await findMeetingById(db, job.meeting_id);
          const session = (await sessionsOf(db, job.meeting_id)).find((s) => s.id === job.session_id);
          if (!meeting || !session || session.ended_at !== null) continue;
          await rooms.setRecording(await rooms.ensureRoom(meeting, session), true);
          log?.info({ recording: job.id, meetingId: job.meeting_id }, 'sfu recording resumed in the room made again');
        } catch (err) {
          log?.warn({ err, recording: job.id }, 'sfu recording: could not resume in the room made again');
        }
      }
    },

    stateOf,
    runOnce,

    loop: () => ({
      name: 'the sfu recording worker',
      everyMs: options.everyMs ?? 5_000,
      atStart: true,
      run: async () => {
        // A round composes one job; while there is work, the next follows at once.
        let done = await runOnce(clock());
        while (done !== undefined && !closed) done = await runOnce(clock());
      },
    }),

    async close() {
      closed = true;
      for (const abort of running) abort.abort(new Closing());
      await Promise.allSettled(composing);
    },
  };
}

/**
 * The recording's `onState` as `{"type":"sfu","op":"recording","state","detail"?}` told to every page of the
 * meeting by `tell` ({@link tellPages}).
 */
export function recordingStateTo(tell: PageTeller): NonNullable<SfuRecordingOptions['onState']> {
  return (meetingId, state, detail) =>
    tell(meetingId, { op: 'recording', state, ...(detail === undefined ? {} : { detail }) });
}
