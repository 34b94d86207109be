// The page side of docs/web-protocol.md: the JSON calls under /web/v1/links/... and the WebSocket.

import type { SfuOutgoing } from './media/session';
import { SilenceWatch } from './silence';

export type Kind = 's' | 'j';
export type Role = 'host' | 'attendee';

export interface LinkMeeting {
  confNumber: string;
  confName: string;
  startTime: string;
  endTime: string;
  opensAt: number;
  endsAt: number;
  status: 'scheduled' | 'live' | 'ended' | string;
  hasPassword: boolean;
  hostName: string;
  optionJbh: number;
  waitingRoom: number;
  watermark: number;
}

export interface LinkInfo {
  role: Role;
  meeting: LinkMeeting;
  /** The host's link only: what the host may pass on (the join link's path, the meeting password). */
  invitation?: { joinPath: string; password: string };
}

export interface EnterResult {
  ticket: string;
  state: 'admitted' | 'host_wait' | 'lobby' | string;
}

export interface Participant {
  id: string;
  name: string;
  role: Role | string;
  deviceType?: string | null;
  joinTime?: string | null;
}

export interface Waiting {
  id: string;
  name: string;
}

export interface RosterMessage {
  type: 'roster';
  meeting: { confName: string; confNumber: string; endsAt: number };
  you: { id: string; name: string; role: Role | string; watermark: string | null; cloudRecord?: boolean };
  participants: Participant[];
  waiting: Waiting[];
}

export interface StateMessage {
  type: 'state';
  state: string;
  message?: string;
}

export interface MediaConfigMessage {
  type: 'media-config';
  iceServers: RTCIceServer[];
  camera: boolean;
  microphone: boolean;
  cloudRecord: boolean;
  sfu?: { simulcast: boolean };
}

/** Relayed from another page (`from` its participant id): signaling, media state, the host's mute. */
export interface MediaMessage {
  type: 'signal' | 'media' | 'mute';
  from: string;
  [key: string]: unknown;
}

/** From the server's SFU (docs/web-protocol.md): `op` says which; the media session reads the rest. */
export interface SfuMessage {
  type: 'sfu';
  op: string;
  [key: string]: unknown;
}

/** Mesh: the host page's recorder state (`idle`, `recording`, `saving`, `saved`, `failed`), relayed to every page. */
export interface RecordingMessage {
  type: 'recording';
  from: string;
  state: string;
}

/** Raise hand: participant `id`'s hand is up or down (`from` raised or lowered it: they, or the host). */
export interface HandMessage {
  type: 'hand';
  from: string;
  id: string;
  raised: boolean;
}

/** The host asks this page to unmute (it never unmutes it). */
export interface UnmuteAskMessage {
  type: 'unmute-ask';
  from: string;
}

/** A message of the room's chat (docs/web-protocol.md): kept by the server with the session. */
export interface ChatEntry {
  id: string;
  /** The sender's participant id. */
  from: string;
  name: string;
  /** Plain text: shown as text, never as HTML. */
  text: string;
  sentAt: number;
}

export interface ChatMessage extends ChatEntry {
  type: 'chat';
}

/** The session's chat so far, sent when the page joins (or joins again). */
export interface ChatHistoryMessage {
  type: 'chat-history';
  messages: ChatEntry[];
}

/** The server refused a request of this page (`request` its type); the page words `reason` (`refused.<reason>`). */
export interface RefusedMessage {
  type: 'refused';
  request: string;
  reason: string;
}

export type ServerMessage =
  | RosterMessage
  | ChatMessage
  | ChatHistoryMessage
  | RefusedMessage
  | StateMessage
  | MediaConfigMessage
  | MediaMessage
  | SfuMessage
  | RecordingMessage
  | HandMessage
  | UnmuteAskMessage
  | { type: 'pong' };

export type ClientMessage =
  | { type: 'ping' }
  | { type: 'leave' }
  | { type: 'end' }
  | { type: 'admit'; id: string }
  | { type: 'remove'; id: string }
  | { type: 'mute'; id: string }
  | { type: 'recording'; state: string }
  | { type: 'hand'; raised: boolean; id?: string }
  | { type: 'unmute-ask'; id: string }
  | { type: 'chat'; text: string }
  | { type: 'host'; id: string }
  | { type: 'signal'; to: string; data: Record<string, unknown> }
  | { type: 'media'; audio: boolean; video: boolean; screen: boolean }
  | SfuOutgoing;

/**
 * A refusal of a JSON call: the HTTP status and the body's `error`/`message` when it had them; `retryAt` (epoch
 * ms) from a 429's `Retry-After`.
 */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly retryAt?: number,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

function linkPath(kind: Kind, confNumber: string, secret: string): string {
  return `/web/v1/links/${kind}/${encodeURIComponent(confNumber)}/${encodeURIComponent(secret)}`;
}

async function call<T>(path: string, init?: RequestInit): Promise<T> {
  const res = await fetch(path, {
    credentials: 'same-origin',
    cache: 'no-store',
    ...init,
    headers: { accept: 'application/json', ...(init?.headers ?? {}) },
  });
  let body: unknown;
  try {
    body = await res.json();
  } catch {
    body = null;
  }
  if (!res.ok) {
    const b = (body ?? {}) as { error?: unknown; message?: unknown };
    const retryAfter = Number(res.headers.get('retry-after') ?? NaN);
    throw new ApiError(
      res.status,
      typeof b.error === 'string' ? b.error : '',
      typeof b.message === 'string' ? b.message : '',
      Number.isFinite(retryAfter) ? Date.now() + retryAfter * 1000 : undefined,
    );
  }
  if (body === null || typeof body !== 'object') throw new ApiError(res.status, 'bad_response', '');
  return body as T;
}

export function getLink(kind: Kind, confNumber: string, secret: string): Promise<LinkInfo> {
  return call<LinkInfo>(linkPath(kind, confNumber, secret));
}

export function enter(
  kind: Kind,
  confNumber: string,
  secret: string,
  body: { name: string; password?: string; hostKey?: string; tk?: string },
): Promise<EnterResult> {
  return call<EnterResult>(`${linkPath(kind, confNumber, secret)}/enter`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
}

/** The front door's "join by meeting ID": the meeting's join link path (`/j/<confNumber>/<secret>`). */
export function joinByNumber(confNumber: string, password: string): Promise<{ path: string }> {
  return call<{ path: string }>('/web/v1/join-by-number', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(password === '' ? { confNumber } : { confNumber, password }),
  });
}

export interface SocketHandlers {
  onMessage(msg: ServerMessage): void;
  /**
   * The socket closed (by the server, or it never opened, or it broke off), with its close code
   * (docs/web-protocol.md); not called after dispose().
   */
  onClose(code: number): void;
}

const PING_INTERVAL_MS = 10_000;
/**
 * Nothing heard from the server for this long while the page was running (every ping is answered): the
 * connection is taken as lost ({@link SilenceWatch}).
 */
const SILENCE_MS = 25_000;
/** The close code the page gives a connection it found silent (never sent by the server). */
export const SILENT_CLOSE = 4900;

/**
 * One WebSocket for one ticket, with the 10-second heartbeat while it is open. A connection that stays silent
 * for {@link SILENCE_MS} (a network gone without a close, as after a laptop's sleep) is closed as
 * {@link SILENT_CLOSE}.
 */
export class MeetingSocket {
  private ws: WebSocket;
  private ping: number | undefined;
  private closed = false;
  private silence = new SilenceWatch(Date.now(), SILENCE_MS, PING_INTERVAL_MS);

  constructor(
    ticket: string,
    private readonly handlers: SocketHandlers,
  ) {
    const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
    this.ws = new WebSocket(`${scheme}://${location.host}/web/v1/ws?ticket=${encodeURIComponent(ticket)}`);
    this.ws.addEventListener('open', () => {
      this.silence = new SilenceWatch(Date.now(), SILENCE_MS, PING_INTERVAL_MS);
      this.ping = window.setInterval(() => {
        if (this.silence.tick(Date.now())) {
          this.finish(SILENT_CLOSE);
          this.ws.close();
          return;
        }
        this.send({ type: 'ping' });
      }, PING_INTERVAL_MS);
    });
    this.ws.addEventListener('message', (ev) => {
      this.silence.hear(Date.now());
      if (typeof ev.data !== 'string') return;
      let msg: unknown;
      try {
        msg = JSON.parse(ev.data);
      } catch {
        return;
      }
      if (msg && typeof msg === 'object' && typeof (msg as { type?: unknown }).type === 'string') {
        this.handlers.onMessage(msg as ServerMessage);
      }
    });
    this.ws.addEventListener('close', (ev) => this.finish(ev.code));
  }

  get isOpen(): boolean {
    return this.ws.readyState === WebSocket.OPEN;
  }

  send(msg: ClientMessage): boolean {
    if (!this.isOpen) return false;
    this.ws.send(JSON.stringify(msg));
    return true;
  }

  /** Close from the page's side; the close handler is not called. */
  dispose(): void {
    this.closed = true;
    this.stopPing();
    try {
      this.ws.close(1000);
    } catch {
      // already closed
    }
  }

  private stopPing(): void {
    if (this.ping !== undefined) window.clearInterval(this.ping);
    this.ping = undefined;
  }

  private finish(code: number): void {
    this.stopPing();
    if (this.closed) return;
    this.closed = true;
    this.handlers.onClose(code);
  }
}
