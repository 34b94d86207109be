import { randomBytes, randomInt } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { VideoRoomHandle } from 'janode/plugins/videoroom';
import type { Config } from '../config.js';
import type { Db, MeetingRow, SessionRow } from '../store/database.js';
import {
  findSfuRoom,
  liveSfuRoomCounts,
  markSfuRoomDestroyed,
  moveSfuRoom,
  placeSfuRoom,
  sfuRoomsOfEndedSessions,
  type SfuRoomRow,
} from '../store/sfu-rooms.repository.js';
import { JanusInstance, JanusUnavailableError } from './janus-client.js';
import { ManagedJanus, type SfuLog, silentLog } from './janus-process.js';

/** A session's VideoRoom: the instance it lives on, its id and secret. */
export interface RoomRef {
  instance: JanusInstance;
  roomId: number;
  secret: string;
  sessionId: number;
}

export interface SfuRoomsOptions {
  db: Db;
  /** The Janus instances (at least one); rooms go to the one with the fewest live rooms. */
  instances: readonly JanusInstance[];
  /** The VideoRoom admin_key (room creation, rtp_forward), when the instances have one. */
  adminKey: string | undefined;
  /** Where Janus writes recordings: `<recordingsDir>/<roomId>` per room. */
  recordingsDir: string;
  log?: SfuLog;
  /** Current time in epoch ms. Default `Date.now`. */
  clock?: () => number;
}

/** A room this process has made sure of: the room, its instance once known, the publisher limit it last set. */
interface ReadyRoom {
  room: Promise<RoomRef>;
  instance?: JanusInstance;
  publishers: number | undefined;
}

/**
 * Janus takes any positive number of publishers; a bound keeps a mistyped confParties from asking for a
 * room Janus could never serve.
 */
export const MAX_PUBLISHERS = 1000;

/** Cap on each publisher's bitrate (REMB), bits/s: the top simulcast layer of a 720p camera. */
const PUBLISHER_BITRATE = 512_000;

/** Janus VideoRoom error codes the rooms expect. */
const NO_SUCH_ROOM = 426;
const ROOM_EXISTS = 427;
const NO_SUCH_FEED = 428;

/** How long a session end waits for a Janus that is down before leaving the room to the sweep, ms. */
const DESTROY_WAIT_MS = 2000;

/**
 * The meetings' VideoRoom rooms, one per meeting session, on one or more Janus instances. The placement
 * (instance, room id, secret) is a row of `sfu_rooms`, so every server process on one database uses the
 * same room; each process creates the room in Janus when it finds it missing (first use, a Janus restart),
 * and re-adds the tokens it allowed. Tokens are the only way in (`allowed`), the secret guards every
 * moderator request, and the admin key room creation and forwarding.
 */
export class SfuRooms {
  private readonly db: Db;
  private readonly instances: readonly JanusInstance[];
  private readonly adminKey: string | undefined;
  private readonly recordingsDir: string;
  private readonly log: SfuLog;
  private readonly clock: () => number;
  /** Rooms this process has made sure exist since their instance's last reset (or is making sure of), by session. */
  private readonly ready = new Map<number, ReadyRoom>();
  /** Tokens this process allowed, by session: re-added when a room is created again. */
  private readonly tokens = new Map<number, Set<string>>();
  private readonly unsubscribe: (() => void)[] = [];

  constructor(options: SfuRoomsOptions) {
    if (options.instances.length === 0) throw new Error('SfuRooms needs at least one Janus instance');
    this.db = options.db;
    this.instances = options.instances;
    this.adminKey = options.adminKey;
    this.recordingsDir = options.recordingsDir;
    this.log = options.log ?? silentLog;
    this.clock = options.clock ?? Date.now;
    for (const instance of this.instances) {
      const forget = () => this.forgetInstance(instance);
      this.unsubscribe.push(instance.onLost(forget), instance.onReset(forget));
    }
  }

  /**
   * The session's room: its placement row (made if missing, on the instance with the fewest live rooms)
   * and the room in Janus (created if missing: first use, or the instance restarted). Concurrent calls
   * for one session share the work. The room's publisher limit follows the meeting's confParties as the
   * caller read it: changed (confModify2 during the session), the room is edited before anyone else joins
   * through this process.
   */
  ensureRoom(meeting: MeetingRow, session: SessionRow): Promise<RoomRef> {
    const known = this.ready.get(session.id);
    if (known) {
      const limit = this.publisherLimit(meeting);
      if (known.publishers === limit) return known.room;
      known.publishers = limit;
      return known.room.then(async (ref) => {
        try {
          await this.request(ref, { request: 'edit', new_publishers: limit });
          this.log.info(
            { sessionId: session.id, room: ref.roomId, publishers: limit },
            'sfu room publisher limit changed',
          );
        } catch (err) {
          // The room as it was still serves; the next join tries again.
          if (known.publishers === limit) known.publishers = undefined;
          this.log.warn({ err, sessionId: session.id }, 'sfu room publisher limit not changed');
        }
        return ref;
      });
    }
    const entry: ReadyRoom = { room: this.prepare(meeting, session), publishers: this.publisherLimit(meeting) };
    this.ready.set(session.id, entry);
    entry.room.then(
      (ref) => (entry.instance = ref.instance),
      () => {
        if (this.ready.get(session.id) === entry) this.ready.delete(session.id);
      },
    );
    return entry.room;
  }

  /** Lets the holder of `token` join the room (as publisher or subscriber). */
  async allow(room: RoomRef, token: string): Promise<void> {
    let tokens = this.tokens.get(room.sessionId);
    if (!tokens) this.tokens.set(room.sessionId, (tokens = new Set()));
    tokens.add(token);
    await this.request(room, { request: 'allowed', action: 'add', allowed: [token] });
  }

  /** Takes `token` off the room's list: its holder cannot join again (kick them to end a present one). */
  async revoke(room: RoomRef, token: string): Promise<void> {
    this.tokens.get(room.sessionId)?.delete(token);
    await this.request(room, { request: 'allowed', action: 'remove', allowed: [token] }, [NO_SUCH_ROOM]);
  }

  /** Throws the feed's publisher (and its handle's subscriptions) out of the room; nothing if absent. */
  async kick(room: RoomRef, feed: number): Promise<void> {
    await this.request(room, { request: 'kick', id: feed }, [NO_SUCH_ROOM, NO_SUCH_FEED]);
  }

  /**
   * Stops (`mute`) or resumes relaying the publisher's stream `mid` to everyone (and to the recording):
   * enforced by Janus whatever the page does.
   */
  async moderate(room: RoomRef, feed: number, mid: string, mute: boolean): Promise<void> {
    await this.request(room, { request: 'moderate', id: feed, mid, mute });
  }

  /** Starts or stops recording every publisher of the room into {@link recordingDir} (`enable_recording`). */
  async setRecording(room: RoomRef, on: boolean): Promise<void> {
    await this.request(room, { request: 'enable_recording', record: on });
  }

  /** Where Janus writes the room's recordings (the room was created with it as `rec_dir`). */
  recordingDir(room: Pick<RoomRef, 'roomId'>): string {
    return path.join(this.recordingsDir, String(room.roomId));
  }

  /**
   * Forwards the publisher's streams as plain RTP to `host` (one port per mid; Janus relays the lowest
   * simulcast layer unless a stream asks otherwise) and answers the forwarders' stream ids, in the order
   * of `streams`. Needs the admin key (`lock_rtp_forward`).
   */
  async forward(
    room: RoomRef,
    feed: number,
    streams: readonly {
      mid: string;
      port: number;
      pt?: number;
      ssrc?: number;
      substream?: number;
      simulcast?: boolean;
      rtcp_port?: number;
    }[],
    host: string,
  ): Promise<number[]> {
    const answer = await this.request(room, {
      request: 'rtp_forward',
      publisher_id: feed,
      host,
      streams: streams.map((s) => ({
        mid: s.mid,
        port: s.port,
        ...(s.pt !== undefined ? { pt: s.pt } : {}),
        ...(s.ssrc !== undefined ? { ssrc: s.ssrc } : {}),
        ...(s.substream !== undefined ? { substream: s.substream } : {}),
        ...(s.simulcast !== undefined ? { simulcast: s.simulcast } : {}),
        ...(s.rtcp_port !== undefined ? { rtcp_port: s.rtcp_port } : {}),
      })),
      ...(this.adminKey ? { admin_key: this.adminKey } : {}),
    });
    const forwarders = (answer.forwarders ?? []) as { stream_id: number; port: number }[];
    return streams.map((s) => {
      const forwarder = forwarders.find((f) => f.port === s.port);
      if (!forwarder) throw new Error(`janus did not forward stream ${s.mid} of feed ${feed}`);
      return forwarder.stream_id;
    });
  }

  /** Stops one forwarder of {@link forward}. */
  async stopForward(room: RoomRef, feed: number, streamId: number): Promise<void> {
    await this.request(
      room,
      {
        request: 'stop_rtp_forward',
        publisher_id: feed,
        stream_id: streamId,
        ...(this.adminKey ? { admin_key: this.adminKey } : {}),
      },
      [NO_SUCH_ROOM, NO_SUCH_FEED],
    );
  }

  /**
   * Destroys the session's room in Janus and marks its placement row; idempotent, from any process. A
   * Janus that is down leaves the row live: {@link sweep} tries again.
   */
  async destroy(sessionId: number): Promise<void> {
    const row = await findSfuRoom(this.db, sessionId);
    this.ready.delete(sessionId);
    this.tokens.delete(sessionId);
    if (!row || row.destroyed_at !== null) return;
    await this.destroyRow(row);
  }

  /**
   * Destroys the rooms of sessions that have ended (their end was not seen here, or the process that saw
   * it died): the background loop's round, every 30 s and at start, in every process. Answers how many
   * this call destroyed; `now` marks them.
   */
  async sweep(now: number = this.clock()): Promise<number> {
    let destroyed = 0;
    for (const row of await sfuRoomsOfEndedSessions(this.db)) {
      this.ready.delete(row.session_id);
      this.tokens.delete(row.session_id);
      try {
        if (await this.destroyRow(row, now)) destroyed += 1;
      } catch (err) {
        this.log.warn({ err, sessionId: row.session_id }, 'sfu room not destroyed; next sweep tries again');
      }
    }
    return destroyed;
  }

  /** How many may publish at once in the meeting's room: its confParties, at least 1, at most {@link MAX_PUBLISHERS}. */
  publisherLimit(meeting: Pick<MeetingRow, 'conf_parties'>): number {
    return Math.max(1, Math.min(MAX_PUBLISHERS, Math.floor(meeting.conf_parties)));
  }

  /** Stops following the instances' resets (the instances themselves belong to the caller). */
  close(): void {
    for (const unsubscribe of this.unsubscribe) unsubscribe();
    this.ready.clear();
  }

  private async prepare(meeting: MeetingRow, session: SessionRow): Promise<RoomRef> {
    let row = await findSfuRoom(this.db, session.id);
    if (!row) {
      row = await placeSfuRoom(this.db, {
        session_id: session.id,
        meeting_id: meeting.id,
        instance_url: (await this.leastLoaded()).key,
        room_id: newRoomId(),
        secret: randomBytes(16).toString('hex'),
        created_at: this.clock(),
      });
    }
    if (row.destroyed_at !== null)
      throw new Error(`the room of session ${session.id} was destroyed (the session ended)`);
    let instance = this.instances.find((i) => i.key === row!.instance_url);
    if (!instance) {
      // The instance left the configuration: the room moves (its participants publish again there).
      const to = await this.leastLoaded();
      row = await moveSfuRoom(this.db, session.id, row.instance_url, { instance_url: to.key, room_id: newRoomId() });
      instance = this.instances.find((i) => i.key === row!.instance_url);
      if (!instance) throw new Error(`sfu room of session ${session.id} is on an unknown instance`);
    }
    const ref: RoomRef = { instance, roomId: row.room_id, secret: row.secret, sessionId: session.id };
    await this.create(ref, meeting);
    const tokens = [...(this.tokens.get(session.id) ?? [])];
    if (tokens.length > 0) await this.request(ref, { request: 'allowed', action: 'add', allowed: tokens });
    return ref;
  }

  /**
   * Creates the room in Janus; one that exists already (another process made it, perhaps with an earlier
   * confParties) gets this meeting's publisher limit.
   */
  private async create(ref: RoomRef, meeting: MeetingRow): Promise<void> {
    const handle = await ref.instance.controlHandle();
    try {
      await handle.message({
        request: 'create',
        room: ref.roomId,
        ...(this.adminKey ? { admin_key: this.adminKey } : {}),
        description: `meeting ${meeting.conf_number}`,
        secret: ref.secret,
        is_private: true,
        allowed: [],
        publishers: this.publisherLimit(meeting),
        bitrate: PUBLISHER_BITRATE,
        audiocodec: 'opus',
        videocodec: 'vp8',
        audiolevel_event: true,
        audio_active_packets: 50,
        audio_level_average: 40,
        notify_joining: true,
        // Janus makes the directory when it first records (0755, its own user's).
        rec_dir: this.recordingDir(ref),
        lock_record: true,
        permanent: false,
      });
      this.log.info({ sessionId: ref.sessionId, room: ref.roomId, janus: ref.instance.key }, 'sfu room created');
    } catch (err) {
      if (janusCode(err) !== ROOM_EXISTS) throw err;
      await this.request(ref, { request: 'edit', new_publishers: this.publisherLimit(meeting) });
    }
  }

  /** Destroys the row's room (a missing room counts as destroyed) and marks the row; true if this call did. */
  private async destroyRow(row: SfuRoomRow, now: number = this.clock()): Promise<boolean> {
    const instance = this.instances.find((i) => i.key === row.instance_url);
    if (instance) {
      let handle: VideoRoomHandle;
      try {
        handle = await instance.controlHandle(DESTROY_WAIT_MS);
      } catch (err) {
        if (err instanceof JanusUnavailableError) {
          this.log.warn({ sessionId: row.session_id, janus: instance.key }, 'janus down; sfu room left to the sweep');
          return false;
        }
        throw err;
      }
      try {
        await handle.message({ request: 'destroy', room: row.room_id, secret: row.secret, permanent: false });
      } catch (err) {
        if (janusCode(err) !== NO_SUCH_ROOM) throw err;
      }
    }
    const marked = await markSfuRoomDestroyed(this.db, row.session_id, now);
    if (marked) this.log.info({ sessionId: row.session_id, room: row.room_id }, 'sfu room destroyed');
    return marked;
  }

  /** The connected instance with the fewest live rooms (any instance when none is connected). */
  private async leastLoaded(): Promise<JanusInstance> {
    const counts = await liveSfuRoomCounts(this.db);
    const connected = this.instances.filter((i) => i.connected);
    const candidates = connected.length > 0 ? connected : this.instances;
    return candidates.reduce((best, i) => ((counts.get(i.key) ?? 0) < (counts.get(best.key) ?? 0) ? i : best));
  }

  /** Sends a moderator request about the room with its secret; `tolerated` error codes count as done. */
  private async request(
    room: RoomRef,
    body: Record<string, unknown>,
    tolerated: number[] = [],
  ): Promise<Record<string, unknown>> {
    const handle = await room.instance.controlHandle();
    try {
      const answer = await handle.message({ ...body, room: room.roomId, secret: room.secret });
      return answer.plugindata?.data ?? {};
    } catch (err) {
      const code = janusCode(err);
      if (code !== undefined && tolerated.includes(code)) return {};
      throw err;
    }
  }

  /**
   * After a loss or reset of `instance`, its rooms must be made sure of again; so must rooms still being
   * prepared (their creation may have gone with the old Janus). Synchronous: a reset listener registered
   * after this one (a participant publishing again) already finds the room missing.
   */
  private forgetInstance(instance: JanusInstance): void {
    for (const [sessionId, entry] of this.ready) {
      if (entry.instance === undefined || entry.instance === instance) this.ready.delete(sessionId);
    }
  }
}

/** A room id of Janus's own kind: a positive integer that JavaScript holds exactly. */
function newRoomId(): number {
  return randomInt(1, 2 ** 47);
}

/** The VideoRoom error code janode attaches to a failed request (`_code`), if any. */
export function janusCode(err: unknown): number | undefined {
  const code = (err as { _code?: unknown } | null)?._code;
  return typeof code === 'number' ? code : undefined;
}

/** The SFU of a server process: its rooms, and what it started. */
export interface Sfu {
  rooms: SfuRooms;
  /** The Janus instances (one when managed). */
  instances: readonly JanusInstance[];
  /** The managed Janus, when the server runs it. */
  managed: ManagedJanus | undefined;
  /** Closes the connections and stops a managed Janus. */
  close(): Promise<void>;
}

/**
 * Starts the SFU of `config.sfu`: a managed Janus (configuration in `<dataDir>/janus`, resolved once its
 * WebSocket answers) or connections to the external instances (resolved at once; requests wait for them).
 *
 * @example
 *   const sfu = config.sfu ? await createSfu(config, db, app.log) : undefined;
 *   app.addHook('onClose', () => sfu?.close());
 */
export async function createSfu(
  config: Pick<Config, 'sfu' | 'turn' | 'dataDir'>,
  db: Db,
  log: SfuLog = silentLog,
  clock: () => number = Date.now,
): Promise<Sfu> {
  const sfu = config.sfu;
  if (!sfu) throw new Error('createSfu needs config.sfu (HUIGUAN_JANUS or HUIGUAN_JANUS_URLS)');
  let managed: ManagedJanus | undefined;
  let instances: JanusInstance[];
  let adminKey: string | undefined;
  if (sfu.mode === 'managed') {
    const janus = await ManagedJanus.start({
      dir: path.join(config.dataDir, 'janus'),
      janusBin: sfu.janusBin,
      rtpPorts: sfu.rtpPorts,
      ...(sfu.publicIps ? { publicIps: sfu.publicIps } : {}),
      turn: config.turn,
      log,
    });
    managed = janus;
    adminKey = janus.adminKey;
    // Janus runs as this server's user: the recordings are private to it. (With external instances the
    // directory is the operator's, shared with the Janus hosts.)
    fs.mkdirSync(sfu.recordingsDir, { recursive: true, mode: 0o700 });
    instances = [JanusInstance.connect({ key: 'managed', url: () => janus.url, apiSecret: janus.apiSecret, log })];
  } else {
    adminKey = sfu.adminKey;
    instances = sfu.urls.map((url) => JanusInstance.connect({ key: url, url, apiSecret: sfu.apiSecret, log }));
  }
  const rooms = new SfuRooms({ db, instances, adminKey, recordingsDir: sfu.recordingsDir, log, clock });
  return {
    rooms,
    instances,
    managed,
    async close() {
      rooms.close();
      await Promise.all(instances.map((i) => i.close()));
      await managed?.close();
    },
  };
}
