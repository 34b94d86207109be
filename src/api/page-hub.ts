import type { FastifyBaseLogger } from 'fastify';
import type { WebSocket } from 'ws';
import { deviceFromUserAgent } from '../domain/device.js';
import { ApiError } from '../domain/errors.js';
import { handHostRole, reclaimHostRole } from '../domain/host-role.js';
import { endSession, joinMeeting, leaveMeeting, lockMeeting } from '../domain/lifecycle.js';
import { MeetingStatus } from '../domain/meeting-status.js';
import {
  commandTransition,
  COMMAND_APPLIES_TO,
  goneState,
  mayCommand,
  PAGE_MESSAGES,
  pageStep,
  refusedJoinState,
  type PageState,
} from '../domain/presence.js';
import { liveStreamStatus } from '../domain/live-stream.js';
import { chatHistory, postChatMessage } from '../domain/room-chat.js';
import { formatDateTime } from '../domain/time.js';
import { turnCredentials, type TurnServer, type TurnSettings } from '../domain/turn.js';
import type { IceServer } from '../config.js';
import { janusToken, parseSfuRequest, SfuParticipant } from '../sfu/participant.js';
import type { SfuServices } from '../sfu/services.js';
import type { MeetingBus, Signal } from '../store/bus.js';
import type { Db, MeetingRow, ParticipantRole, ParticipationRow, SessionRow, TicketRow } from '../store/database.js';
import { findMeetingById } from '../store/meetings.repository.js';
import {
  findParticipation,
  findTicket,
  findTicketByCuid,
  openSession,
  presentByTicket,
  presentIn,
  setTicketState,
  ticketsByToken,
  ticketsIn,
  touchParticipation,
} from '../store/presence.repository.js';
import { raisedHands, setHandRaised } from '../store/room.repository.js';
import { findUserById } from '../store/users.repository.js';
import { CloseCode, MessageBudget, PRESENCE_WRITE_INTERVAL_MS, sendLimited } from './socket-limits.js';

export interface HubDeps {
  db: Db;
  bus: MeetingBus;
  clock: () => number;
  log: FastifyBaseLogger;
  /** STUN/TURN servers handed to the pages (`media-config`, `config.iceServers`). */
  iceServers: readonly IceServer[];
  /** A TURN server whose time-limited credentials each page gets of its own (`config.turn`). */
  turn?: TurnSettings | undefined;
  /** The SFU (Janus) when `config.sfu` is set; absent, the pages' media is a mesh. */
  sfu?: SfuServices | undefined;
}

/** Work done after a host command's transaction has committed (Janus calls never hold the meeting's lock). */
type AfterCommit = () => Promise<void>;

/** Longest participant id a page may address (cuids are 22 characters). */
const MAX_ID = 64;
/** What {@link PageConnection}'s chat and hand budgets allow: 10 at once, then 2 a second. */
const EAGER_BUDGET = { burst: 10, perSecond: 2, bytesPerToken: Infinity };
/** The states of the host page's recorder in a mesh (web/src/media/recorder.ts), told to every page. */
const MESH_RECORDING_STATES = new Set(['idle', 'recording', 'saving', 'saved', 'failed']);

/**
 * What every page of a meeting is shown after a change, read once for all of this process's pages of it:
 * the meeting, its open session, who is present, who waits in the lobby, and the pages' own tickets.
 */
export interface MeetingSnapshot {
  /** Order of the read: a page ignores reads begun before its own last change was committed. */
  seq: number;
  meeting: MeetingRow | undefined;
  session: SessionRow | undefined;
  present: ParticipationRow[];
  waiting: TicketRow[];
  tickets: Map<string, TicketRow>;
}

/** The pages of one meeting in this process, and whether their shared read is under way or due again. */
interface MeetingPages {
  connections: Set<PageConnection>;
  reading: boolean;
  again: boolean;
}

/**
 * The pages' WebSockets of this server process. Presence lives in the database; a change announced on
 * the bus (from this process or another) makes the process re-read the meeting once and show it to each of
 * its pages. One connection per ticket: a new one replaces the old.
 */
export class PageHub {
  private readonly meetings = new Map<number, MeetingPages>();
  private readonly byTicket = new Map<string, PageConnection>();
  private readonly unsubscribe: () => void;
  private readonly unsubscribeSignals: () => void;
  /** Sequence number of the latest read begun. */
  private seq = 0;
  /** Set on shutdown: connections closing then are not departures (the sweeper decides later). */
  shuttingDown = false;

  constructor(readonly deps: HubDeps) {
    this.unsubscribe = deps.bus.subscribe((meetingId) => this.changed(meetingId));
    this.unsubscribeSignals = deps.bus.subscribeSignals((signal) => this.deliver(signal));
  }

  /** The sequence number the next read will have. */
  get nextSeq(): number {
    return this.seq + 1;
  }

  async connect(
    socket: WebSocket,
    token: string,
    client: { ip: string; userAgent: string | undefined },
  ): Promise<void> {
    const budget = new MessageBudget();
    // Messages that arrive while the ticket is being read are kept and replayed.
    const early: string[] = [];
    let connection: PageConnection | undefined = undefined;
    socket.on('message', (data: Buffer | ArrayBuffer | Buffer[]) => {
      if (socket.readyState !== socket.OPEN) return;
      const bytes = Array.isArray(data) ? data.reduce((n, b) => n + b.length, 0) : data.byteLength;
      if (!budget.take(bytes)) {
        socket.close(CloseCode.tooManyMessages, 'too many messages');
        return;
      }
      if (connection) connection.received(String(data));
      else early.push(String(data));
    });
    const ticket = token ? await findTicket(this.deps.db, token) : undefined;
    if (socket.readyState !== socket.OPEN) return;
    if (!ticket) {
      socket.send(JSON.stringify({ type: 'state', state: 'invalid', message: PAGE_MESSAGES.invalid }));
      socket.close();
      return;
    }
    const current = new PageConnection(this, socket, ticket, client);
    connection = current;
    this.byTicket.get(token)?.replace();
    this.byTicket.set(token, current);
    let pages = this.meetings.get(ticket.meeting_id);
    if (!pages)
      this.meetings.set(ticket.meeting_id, (pages = { connections: new Set(), reading: false, again: false }));
    pages.connections.add(current);
    socket.on('close', () => {
      pages.connections.delete(current);
      if (pages.connections.size === 0) this.meetings.delete(ticket.meeting_id);
      if (this.byTicket.get(token) === current) this.byTicket.delete(token);
      current.closed();
    });
    for (const message of early) current.received(message);
    this.changed(ticket.meeting_id);
  }

  /** Re-reads the meeting for its pages here: one read at a time, and one more if it changed meanwhile. */
  private changed(meetingId: number): void {
    const pages = this.meetings.get(meetingId);
    if (!pages) return;
    if (pages.reading) {
      pages.again = true;
      return;
    }
    pages.reading = true;
    void (async () => {
      try {
        do {
          pages.again = false;
          const snapshot = await this.read(meetingId, pages);
          for (const connection of pages.connections) connection.refresh(snapshot);
        } while (pages.again && pages.connections.size > 0);
      } catch (err) {
        this.deps.log.error({ err }, 'room read failed');
      } finally {
        pages.reading = false;
      }
    })();
  }

  private async read(meetingId: number, pages: MeetingPages): Promise<MeetingSnapshot> {
    const seq = ++this.seq;
    const db = this.deps.db;
    const tokens = [...pages.connections].map((c) => c.token);
    const meeting = await findMeetingById(db, meetingId);
    const session = meeting && (await openSession(db, meetingId));
    return {
      seq,
      meeting,
      session,
      present: session ? await presentIn(db, session.id) : [],
      waiting: await ticketsIn(db, meetingId, 'lobby'),
      tickets: new Map((await ticketsByToken(db, tokens)).map((t) => [t.token, t])),
    };
  }

  private deliver(signal: Signal): void {
    for (const connection of this.meetings.get(signal.meetingId)?.connections ?? []) connection.deliver(signal);
  }

  close(): void {
    this.shuttingDown = true;
    this.unsubscribe();
    this.unsubscribeSignals();
  }
}

class PageConnection {
  private queue: Promise<void> = Promise.resolve();
  private participationId: number | undefined;
  private lastState: PageState | undefined;
  /** The last roster sent, as sent: an unchanged roster is not sent again. */
  private lastRoster: string | undefined;
  private finished = false;
  /** Reads begun before this connection's own last change was committed are out of date for it. */
  private staleBefore = 0;
  /** When this connection last wrote the heartbeat (`clock` ms). */
  private lastTouch = -Infinity;
  private readonly device: ReturnType<typeof deviceFromUserAgent>;
  /** SFU: this page's feed in its session's VideoRoom, from joining until leaving. */
  private sfu: SfuParticipant | undefined;
  /** The ticket's role as last read: the host role can be handed over (domain/host-role.ts). */
  private role: ParticipantRole;
  /** The meeting's owner may record to the cloud (`enableCloudRecord`), read when the page joins. */
  private ownerMayRecord = false;
  /**
   * Chat messages and hand changes this connection may try: 10 at once, then 2 a second. A guard against a page
   * making the server write (or count) many times a second; the chat's own limits are checked on what is kept.
   */
  private readonly chatBudget = new MessageBudget(undefined, EAGER_BUDGET);
  private readonly handBudget = new MessageBudget(undefined, EAGER_BUDGET);

  constructor(
    private readonly hub: PageHub,
    private readonly socket: WebSocket,
    private readonly ticket: TicketRow,
    private readonly client: { ip: string; userAgent: string | undefined },
  ) {
    this.device = deviceFromUserAgent(client.userAgent);
    this.staleBefore = hub.nextSeq;
    this.role = ticket.role;
  }

  private get db(): Db {
    return this.hub.deps.db;
  }

  get token(): string {
    return this.ticket.token;
  }

  /** Work on one connection runs one step at a time, in order. */
  private enqueue(step: () => Promise<void>): void {
    this.queue = this.queue
      .then(step)
      .catch((err: unknown) => this.hub.deps.log.error({ err }, 'room connection failed'));
  }

  private send(message: object): void {
    sendLimited(this.socket, JSON.stringify(message));
  }

  private sendState(state: PageState): void {
    if (state === this.lastState) return;
    this.lastState = state;
    this.send({ type: 'state', state, message: PAGE_MESSAGES[state] });
  }

  private finish(state: PageState): void {
    this.finished = true;
    this.closeSfu();
    this.sendState(state);
    this.socket.close();
  }

  /** Another connection took this ticket over: this one closes without leaving the meeting. */
  replace(): void {
    this.finished = true;
    this.closeSfu();
    if (this.socket.readyState === this.socket.OPEN)
      this.socket.close(CloseCode.replaced, 'replaced by a newer connection');
  }

  /** Marks reads begun until now as out of date for this connection (it has just changed something). */
  private changedHere(): void {
    this.staleBefore = this.hub.nextSeq;
  }

  /** Applies `work` in a transaction with the meeting locked, then announces the change. */
  private async change(work: (db: Db, meeting: MeetingRow, now: number) => Promise<void>): Promise<void> {
    const now = this.hub.deps.clock();
    await this.db.transaction().execute(async (trx) => {
      const meeting = await lockMeeting(trx, undefined, this.ticket.meeting_id, now);
      if (meeting) await work(trx, meeting, now);
    });
    this.changedHere();
    await this.hub.deps.bus.publish(this.ticket.meeting_id);
  }

  /** Shows the page the meeting as `snapshot` has it, joining it when the ticket has been admitted. */
  refresh(snapshot: MeetingSnapshot): void {
    this.enqueue(async () => {
      if (this.finished || snapshot.seq < this.staleBefore) return;
      const own = snapshot.tickets.get(this.ticket.token);
      if (own) this.role = own.role;
      const page = pageStep(own?.state);
      if (page.step === 'finish') return this.finish(page.state);
      if (page.step === 'wait') return this.sendState(page.state);
      if (this.participationId === undefined) {
        await this.join();
        return;
      }
      if (!snapshot.present.some((p) => p.id === this.participationId)) {
        // Gone, or a read that began before another process's change: the row decides.
        const participation = await findParticipation(this.db, this.participationId);
        if (participation && participation.left_at === null) return;
        const meeting = await findMeetingById(this.db, this.ticket.meeting_id);
        return this.finish(goneState(meeting?.conf_status === MeetingStatus.ended));
      }
      this.sendRoster(snapshot);
    });
  }

  private async join(): Promise<void> {
    try {
      await this.change(async (db, meeting, now) => {
        const participation = await joinMeeting(
          db,
          meeting,
          {
            cuid: this.ticket.cuid,
            name: this.ticket.name,
            role: this.role,
            device: this.device.device,
            deviceType: this.device.deviceType,
            ip: this.client.ip,
            ticket: this.ticket.token,
            registrantId: this.ticket.registrant_id || undefined,
          },
          now,
        );
        this.participationId = participation.id;
        // The host link's holder (or the host key's) takes back a host role that was handed over.
        const session = await openSession(db, meeting.id);
        if (session) await reclaimHostRole(db, session, { cuid: this.ticket.cuid, role: this.role });
      });
    } catch (err) {
      if (!(err instanceof ApiError)) throw err;
      const state = refusedJoinState(err.code);
      if (state !== 'host_wait') return this.finish(state);
      await setTicketState(this.db, this.ticket.token, 'host_wait', this.hub.deps.clock());
      this.changedHere();
      return this.sendState('host_wait');
    }
    this.sendState('in_meeting');
    await this.sendMediaConfig();
    await this.sendChatHistory();
    for (const cuid of await raisedHands(this.db, this.ticket.meeting_id))
      this.send({ type: 'hand', from: cuid, id: cuid, raised: true });
  }

  /** The session's chat so far (its last messages), for a page that has just joined, or joined again. */
  private async sendChatHistory(): Promise<void> {
    const session = await openSession(this.db, this.ticket.meeting_id);
    if (session) this.send({ type: 'chat-history', messages: await chatHistory(this.db, session.id) });
  }

  /**
   * A chat message: kept with the session under the meeting's lock (the limits count what is kept), then sent
   * to every page of the meeting, this one included; a refused one is answered with its reason.
   */
  private chat(text: unknown): void {
    if (!this.chatBudget.take(0)) return this.refuse('chat', 'chat_too_fast');
    this.enqueue(async () => {
      if (!this.inMeeting) return;
      const now = this.hub.deps.clock();
      const outcome = await this.db.transaction().execute(async (trx) => {
        const meeting = await lockMeeting(trx, undefined, this.ticket.meeting_id, now);
        const session = meeting && (await openSession(trx, meeting.id));
        if (!meeting || !session || !(await presentByTicket(trx, this.ticket.token))) return undefined;
        return postChatMessage(trx, meeting, session, { cuid: this.ticket.cuid, name: this.ticket.name }, text, now);
      });
      if (!outcome) return;
      if ('refused' in outcome) return this.refuse('chat', outcome.refused);
      const message = { type: 'chat', ...outcome.message };
      this.send(message);
      this.relay('*', message);
    });
  }

  /** Tells the page a request of its was refused, with a code it words (`refused.<reason>`). */
  private refuse(request: string, reason: string): void {
    this.send({ type: 'refused', request, reason });
  }

  /** The configured ICE servers, and the TURN server with credentials minted for this participant only. */
  private iceServers(): readonly (IceServer | TurnServer)[] {
    const { iceServers, turn, clock } = this.hub.deps;
    return turn ? [...iceServers, turnCredentials(turn, this.ticket.cuid, clock())] : iceServers;
  }

  /** What the page's media needs, once it is in the meeting: ICE servers, initial camera, recording allowed. */
  private async sendMediaConfig(): Promise<void> {
    const meeting = await findMeetingById(this.db, this.ticket.meeting_id);
    if (!meeting) return;
    const host = this.role === 'host';
    const owner = await findUserById(this.db, meeting.user_pk);
    this.ownerMayRecord = owner?.enable_cloud_record === 1;
    // Made before the page hears of the SFU, so that none of its requests finds no participant; joined after,
    // so that the page has its media session when the others' streams are listed.
    await this.createSfu(meeting);
    this.send({
      type: 'media-config',
      iceServers: this.iceServers(),
      camera: (host ? meeting.option_video_host : meeting.option_video_participants) === 1,
      microphone: true,
      cloudRecord: host && this.ownerMayRecord,
      ...(this.hub.deps.sfu ? { sfu: { simulcast: true } } : {}),
    });
    this.sfu?.start();
    await this.sendSfuStates(meeting);
  }

  /**
   * SFU: the meeting's server-side recording and live stream as they are now, for a page that joins after they
   * began (later changes reach every page from the services over the bus). The live state is sent whenever the
   * meeting has somewhere to stream to, so that the host's page can offer "go live".
   */
  private async sendSfuStates(meeting: MeetingRow): Promise<void> {
    const services = this.hub.deps.sfu;
    if (!services) return;
    const recording = await services.recording?.stateOf(meeting.id);
    if (recording && recording.state !== 'off') this.send({ type: 'sfu', op: 'recording', ...recording });
    if (!services.live) return;
    const { error, ...live } = await liveStreamStatus(this.db, meeting, this.hub.deps.clock());
    if (live.rtmp || live.hls) this.send({ type: 'sfu', op: 'live', ...live, ...(error ? { error } : {}) });
  }

  /** SFU: this page's participant in its session's room (its `start` joins; the page then learns of the others). */
  private async createSfu(meeting: MeetingRow): Promise<void> {
    const services = this.hub.deps.sfu;
    if (!services || this.sfu || !this.inMeeting) return;
    const participation = await findParticipation(this.db, this.participationId!);
    const session = await openSession(this.db, meeting.id);
    if (!participation || !session || participation.session_id !== session.id || !this.inMeeting) return;
    this.sfu = new SfuParticipant({
      rooms: services.rooms,
      meeting,
      session,
      feed: participation.id,
      display: this.ticket.cuid,
      ticket: this.ticket.token,
      send: (message) => this.send({ type: 'sfu', ...message }),
      log: this.hub.deps.log,
    });
  }

  /** SFU: the page leaves the room (its socket closed, it left, or it was removed or replaced). */
  private closeSfu(): void {
    const participant = this.sfu;
    this.sfu = undefined;
    participant?.close().catch((err: unknown) => this.hub.deps.log.warn({ err }, 'sfu participant close failed'));
  }

  /**
   * In the meeting: joined and not gone. Only then may the page signal or be signalled. The participation
   * is set before the join is announced, so others never learn of a page that could not hear them yet.
   */
  private get inMeeting(): boolean {
    return !this.finished && this.participationId !== undefined;
  }

  /** A signal from the bus: sent on when it is for this page. */
  deliver(signal: Signal): void {
    if (!this.inMeeting || signal.meetingId !== this.ticket.meeting_id || signal.from === this.ticket.cuid) return;
    if (signal.to !== '*' && signal.to !== this.ticket.cuid) return;
    // SFU: the host's mute is enforced here, by the target's own connection, on whichever process holds it.
    if (signal.message.type === 'mute' && (signal.to === this.ticket.cuid || signal.to === '*')) {
      this.sfu?.moderate(true);
    }
    this.send(signal.message);
  }

  /** Relays `message` from this page to `to` (a participant id, or `*`); the sender must be in the meeting. */
  private relay(to: string, message: Record<string, unknown>): void {
    if (!this.inMeeting || to === '' || to.length > MAX_ID) return;
    const signal: Signal = {
      meetingId: this.ticket.meeting_id,
      to,
      from: this.ticket.cuid,
      message: { ...message, from: this.ticket.cuid },
    };
    this.hub.deps.bus.signal(signal).catch((err: unknown) => this.hub.deps.log.error({ err }, 'signal relay failed'));
  }

  private sendRoster({ meeting, session, present, waiting }: MeetingSnapshot): void {
    if (!meeting || !session) return;
    this.sendState('in_meeting');
    const roster = JSON.stringify({
      type: 'roster',
      meeting: { confName: meeting.conf_name, confNumber: meeting.conf_number, endsAt: meeting.window_end },
      you: {
        id: this.ticket.cuid,
        name: this.ticket.name,
        role: this.role,
        // Whether this page may record to the cloud now: it follows the host role when it is handed over.
        cloudRecord: this.role === 'host' && this.ownerMayRecord,
        watermark: meeting.watermark === 1 ? this.ticket.login_name : null,
      },
      participants: present.map((p) => ({
        id: p.cuid,
        name: p.name,
        role: p.role,
        deviceType: p.device_type,
        joinTime: formatDateTime(p.joined_at),
      })),
      waiting: this.role === 'host' ? waiting.map((t) => ({ id: t.cuid, name: t.name })) : [],
    });
    if (roster === this.lastRoster) return;
    this.lastRoster = roster;
    sendLimited(this.socket, roster);
  }

  /**
   * A host command: applied only while this ticket is in the meeting now, checked under the meeting's lock
   * (a host who left, was removed or timed out, and reconnects with the same ticket, has no powers).
   */
  private hostCommand(
    request: string,
    work: (db: Db, meeting: MeetingRow, now: number) => Promise<void | AfterCommit>,
  ): void {
    if (this.role !== 'host') return this.refuse(request, 'not_host');
    this.enqueue(async () => {
      if (!this.inMeeting) return;
      let after: AfterCommit | undefined;
      let allowed = false;
      await this.change(async (db, meeting, now) => {
        // The role as the server keeps it now: it may have been handed over since this page last heard.
        const present = await presentByTicket(db, this.ticket.token);
        allowed = mayCommand(present?.role ?? 'attendee', present?.id, this.participationId);
        if (allowed) after = (await work(db, meeting, now)) ?? undefined;
      });
      if (!allowed) return this.refuse(request, 'not_host');
      if (after) await after().catch((err: unknown) => this.hub.deps.log.warn({ err }, 'sfu host command failed'));
    });
  }

  /**
   * SFU `record` and `live`: the host, in the meeting now, with the right (cloud recording: the owner's
   * `enableCloudRecord`), asks the recording or live service. A refusal is answered to the page as `error`.
   */
  private sfuControl(op: 'record' | 'live', on: boolean): void {
    const services = this.hub.deps.sfu;
    if (!services) return;
    if (this.role !== 'host') return this.refuse(op, 'not_host');
    this.enqueue(async () => {
      if (!this.inMeeting) return;
      const refuse = (message: string) => this.send({ type: 'sfu', op: 'error', request: op, message });
      const present = await presentByTicket(this.db, this.ticket.token);
      if (!mayCommand(present?.role ?? 'attendee', present?.id, this.participationId))
        return this.refuse(op, 'not_host');
      const meeting = await findMeetingById(this.db, this.ticket.meeting_id);
      const session = meeting && (await openSession(this.db, meeting.id));
      if (!meeting || !session) return;
      try {
        if (op === 'record') {
          const owner = await findUserById(this.db, meeting.user_pk);
          if (owner?.enable_cloud_record !== 1) return refuse('云录制未开通 (cloud recording is not enabled)');
          if (!services.recording) return refuse('服务器录制不可用 (server-side recording is not available)');
          await services.recording.setRecording(meeting, session, on, this.ticket.token);
        } else {
          if (!services.live) return refuse('直播不可用 (live streaming is not available)');
          await services.live.setLive(meeting, session, on, this.ticket.token);
        }
      } catch (err) {
        this.hub.deps.log.warn({ err, op }, 'sfu control failed');
        refuse(err instanceof ApiError ? err.message : '操作失败 (the server could not do it)');
      }
    });
  }

  /** A `{"type":"sfu"}` message: checked, then to this page's participant (or the recording and live services). */
  private sfuMessage(message: Record<string, unknown>): void {
    if (!this.hub.deps.sfu || !this.inMeeting) return;
    const request = parseSfuRequest(message);
    if (!request) return;
    if (request.op === 'record' || request.op === 'live') return this.sfuControl(request.op, request.on);
    this.sfu?.request(request);
  }

  received(raw: string): void {
    if (this.finished) return;
    let message: {
      [field: string]: unknown;
      type?: unknown;
      id?: unknown;
      to?: unknown;
      data?: unknown;
      audio?: unknown;
      video?: unknown;
      screen?: unknown;
      raised?: unknown;
    };
    try {
      message = JSON.parse(raw) as typeof message;
    } catch {
      return;
    }
    if (typeof message !== 'object' || message === null) return;
    const host = this.role === 'host';
    const target = typeof message.id === 'string' ? message.id : '';
    switch (message.type) {
      case 'signal':
        if (
          typeof message.to !== 'string' ||
          message.to === '*' ||
          typeof message.data !== 'object' ||
          message.data === null
        )
          return;
        return this.relay(message.to, { type: 'signal', data: message.data });
      case 'media': {
        const { audio, video, screen } = message;
        if (typeof audio !== 'boolean' || typeof video !== 'boolean' || typeof screen !== 'boolean') return;
        // SFU: unmuting itself lifts the host's moderation (as the mesh lets a muted page unmute).
        if (audio && this.inMeeting) this.sfu?.moderate(false);
        return this.relay('*', { type: 'media', audio, video, screen });
      }
      case 'sfu':
        return this.sfuMessage(message);
      case 'mute':
        // `id` "*" mutes everyone else in the meeting.
        if (!host) return this.refuse('mute', 'not_host');
        if (target === this.ticket.cuid) return;
        return this.relay(target, { type: 'mute' });
      case 'unmute-ask':
        // The host asks; only the participant's own page unmutes, if they agree.
        if (!host) return this.refuse('unmute-ask', 'not_host');
        if (target === this.ticket.cuid || target === '*') return;
        return this.relay(target, { type: 'unmute-ask' });
      case 'hand': {
        // Raise hand: a page raises or lowers its own; the host may lower anyone's (docs/web-protocol.md). The
        // server keeps it on the ticket, for pages that arrive later.
        const raised = message.raised;
        if (typeof raised !== 'boolean') return;
        const whose = target === '' ? this.ticket.cuid : target;
        if (whose !== this.ticket.cuid && (!host || raised || whose.length > MAX_ID)) return;
        if (!this.handBudget.take(0)) return;
        return this.enqueue(async () => {
          if (!this.inMeeting) return;
          await setHandRaised(this.db, this.ticket.meeting_id, whose, raised ? this.hub.deps.clock() : null);
          this.relay('*', { type: 'hand', id: whose, raised });
        });
      }
      case 'recording':
        // Mesh: the host's page records, and tells every page so that everyone knows (docs/web-protocol.md).
        if (!host) return this.refuse('recording', 'not_host');
        if (typeof message.state !== 'string' || !MESH_RECORDING_STATES.has(message.state)) return;
        return this.relay('*', { type: 'recording', state: message.state });
      case 'ping':
        return this.enqueue(async () => {
          const now = this.hub.deps.clock();
          if (this.participationId !== undefined && now - this.lastTouch >= PRESENCE_WRITE_INTERVAL_MS) {
            this.lastTouch = now;
            await touchParticipation(this.db, this.participationId, now);
          }
          this.send({ type: 'pong' });
        });
      case 'leave':
        return this.enqueue(async () => {
          await this.change(async (db, meeting, now) => {
            await setTicketState(db, this.ticket.token, 'left', now);
            const participation =
              this.participationId === undefined ? undefined : await findParticipation(db, this.participationId);
            if (participation) await leaveMeeting(db, meeting, [participation], now);
          });
          this.finish('left');
        });
      case 'chat':
        return this.chat(message.text);
      case 'host':
        // The host hands the role over to a participant in the meeting (domain/host-role.ts).
        return this.hostCommand('host', async (db, meeting) => {
          const session = await openSession(db, meeting.id);
          if (!session || !(await handHostRole(db, session, this.ticket.cuid, target))) return;
          return async () => {
            this.role = 'attendee';
            // Mesh: this page no longer records the meeting; every page takes down the notice it may show.
            if (!this.hub.deps.sfu) this.relay('*', { type: 'recording', state: 'idle' });
          };
        });
      case 'end':
        return this.hostCommand('end', async (db, meeting, now) => {
          if (meeting.conf_status !== MeetingStatus.live) return;
          const session = await openSession(db, meeting.id);
          await endSession(db, meeting, now, { final: true });
          const services = this.hub.deps.sfu;
          if (services && session) return () => services.sessionEnded(session.id);
        });
      case 'admit':
        return this.hostCommand('admit', async (db, meeting, now) => {
          const other = await findTicketByCuid(db, meeting.id, target, [...COMMAND_APPLIES_TO.admit]);
          const next = other && commandTransition('admit', other);
          if (next) await setTicketState(db, other.token, next, now);
        });
      case 'remove':
        return this.hostCommand('remove', async (db, meeting, now) => {
          const other = await findTicketByCuid(db, meeting.id, target, [...COMMAND_APPLIES_TO.remove]);
          const next = other && commandTransition('remove', other);
          if (!next) return;
          await setTicketState(db, other.token, next, now);
          const participation = await presentByTicket(db, other.token);
          if (!participation) return;
          const session = await openSession(db, meeting.id);
          await leaveMeeting(db, meeting, [participation], now);
          // SFU: the feed is thrown out and its token revoked, so the removed page cannot publish again.
          const rooms = this.hub.deps.sfu?.rooms;
          if (!rooms || !session) return;
          return async () => {
            const room = await rooms.ensureRoom(meeting, session);
            await rooms.revoke(room, janusToken(other.token));
            await rooms.kick(room, participation.id).catch((err: unknown) => {
              // Already gone (its page closed first): nothing to kick.
              this.hub.deps.log.info({ err, feed: participation.id }, 'sfu kick found no feed');
            });
          };
        });
      default:
        return;
    }
  }

  /** The socket closed without a goodbye: the person left now (unless this server is stopping). */
  closed(): void {
    this.closeSfu();
    if (this.finished || this.participationId === undefined || this.hub.shuttingDown) return;
    this.finished = true;
    const participationId = this.participationId;
    this.enqueue(() =>
      this.change(async (db, meeting, now) => {
        const participation = await findParticipation(db, participationId);
        if (participation) await leaveMeeting(db, meeting, [participation], now);
      }),
    );
  }
}
