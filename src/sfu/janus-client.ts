import Janode, { type Connection, type Session } from 'janode';
import VideoRoomPlugin, { type VideoRoomHandle } from 'janode/plugins/videoroom';
import { type SfuLog, silentLog } from './janus-process.js';

// janode logs to the console (at 'debug' every request, API secret included); the server logs what
// matters itself.
Janode.Logger.setLevel('none');

export interface JanusInstanceOptions {
  /** Names the instance in the placement table: its configured URL, or `managed`. */
  key: string;
  /** The WebSocket URL, or a function giving the current one (a managed Janus may change port on restart). */
  url: string | (() => string);
  /** The API secret. Default none. */
  apiSecret?: string | undefined;
  /** Connection events. Default: dropped. */
  log?: SfuLog;
  /** Session keep-alive period, s. Default 15 (Janus's session_timeout is 60). */
  keepAliveSeconds?: number;
}

/** Pause before the n-th reconnection attempt in a row: at once, then 0.25 s doubling to 10 s. */
const RECONNECT_DELAYS_MS = [0, 250, 500, 1000, 2000, 4000, 8000, 10_000];

/** A Janus that accepts the WebSocket but makes no session in this time is treated as down, ms. */
const CREATE_TIMEOUT_MS = 10_000;

/** Thrown when the instance is down and did not come back within the wait. */
export class JanusUnavailableError extends Error {
  constructor(key: string) {
    super(`media server unavailable (${key})`);
  }
}

/**
 * One Janus instance as the server sees it: a janode connection with one session, re-established with
 * backoff whenever it is lost (Janus restarted, network, keep-alive failed). Handles live on the session;
 * a loss takes every handle with it, and a restarted Janus every room too: {@link onLost} says so at
 * once, {@link onReset} once the new session is up (callers re-create rooms and publish again then).
 */
export class JanusInstance {
  readonly key: string;
  private readonly options: JanusInstanceOptions;
  private readonly log: SfuLog;
  private session: Session | undefined;
  private connection: Connection | undefined;
  private control: Promise<VideoRoomHandle> | undefined;
  private closed = false;
  private attempts = 0;
  private reconnectTimer: NodeJS.Timeout | undefined;
  /** Settles when the next session is up (resolved at once while one is). */
  private up: Promise<void>;
  private markUp!: () => void;
  private hadSession = false;
  private readonly resetListeners = new Set<() => void>();
  private readonly lostListeners = new Set<() => void>();

  private constructor(options: JanusInstanceOptions) {
    this.options = options;
    this.key = options.key;
    this.log = options.log ?? silentLog;
    this.up = new Promise((resolve) => (this.markUp = resolve));
  }

  /**
   * Starts connecting to the instance and resolves at once: requests wait for the session (see
   * {@link attach}). Use {@link ready} to wait for the first session.
   */
  static connect(options: JanusInstanceOptions): JanusInstance {
    const instance = new JanusInstance(options);
    instance.schedule();
    return instance;
  }

  /** Resolves once a session is up, rejects with {@link JanusUnavailableError} after `waitMs` (default 10 s). */
  async ready(waitMs = 10_000): Promise<void> {
    if (this.session) return;
    if (this.closed) throw new JanusUnavailableError(this.key);
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        this.up,
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new JanusUnavailableError(this.key)), waitMs);
        }),
      ]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** True while a session is up. */
  get connected(): boolean {
    return this.session !== undefined;
  }

  /** A new VideoRoom handle on the session (waiting up to `waitMs` for one); the caller detaches it. */
  async attach(waitMs?: number): Promise<VideoRoomHandle> {
    await this.ready(waitMs);
    return this.session!.attach(VideoRoomPlugin);
  }

  /**
   * The instance's shared handle for room management (create, destroy, allowed, kick, moderate…): attached
   * once per session, and again after a loss.
   */
  async controlHandle(waitMs?: number): Promise<VideoRoomHandle> {
    await this.ready(waitMs);
    if (!this.control) {
      const attaching = this.attach(waitMs);
      const forget = () => {
        if (this.control === attaching) this.control = undefined;
      };
      this.control = attaching;
      attaching.then((handle) => handle.once(Janode.EVENT.HANDLE_DETACHED, forget), forget);
    }
    return this.control;
  }

  /** `listener` runs when the session was lost (every handle is gone); returns the unsubscribe function. */
  onLost(listener: () => void): () => void {
    this.lostListeners.add(listener);
    return () => this.lostListeners.delete(listener);
  }

  /**
   * `listener` runs when a new session is up after a loss (not for the first one): rooms may be gone (a
   * restarted Janus), every handle is. Returns the unsubscribe function.
   */
  onReset(listener: () => void): () => void {
    this.resetListeners.add(listener);
    return () => this.resetListeners.delete(listener);
  }

  /** Destroys the session, closes the connection and stops reconnecting. */
  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.reconnectTimer);
    const { session, connection } = this;
    this.session = undefined;
    this.connection = undefined;
    this.control = undefined;
    await session?.destroy().catch(() => undefined);
    await connection?.close().catch(() => undefined);
  }

  private schedule(): void {
    const delay = RECONNECT_DELAYS_MS[Math.min(this.attempts, RECONNECT_DELAYS_MS.length - 1)]!;
    this.attempts += 1;
    this.reconnectTimer = setTimeout(() => void this.open(), delay);
  }

  private async open(): Promise<void> {
    if (this.closed) return;
    const url = typeof this.options.url === 'function' ? this.options.url() : this.options.url;
    let connection: Connection | undefined;
    try {
      connection = await Janode.connect({
        address: { url, ...(this.options.apiSecret ? { apisecret: this.options.apiSecret } : {}) },
        max_retries: 0,
        retry_time_secs: 0,
        ws_options: { handshakeTimeout: 5000 },
      });
      const session = await withTimeout(connection.create(this.options.keepAliveSeconds ?? 15), CREATE_TIMEOUT_MS);
      if (this.closed) {
        await session.destroy().catch(() => undefined);
        await connection.close().catch(() => undefined);
        return;
      }
      this.connection = connection;
      this.session = session;
      this.control = undefined;
      this.attempts = 0;
      session.once(Janode.EVENT.SESSION_DESTROYED, () => this.lost(session));
      this.log.info({ janus: this.key }, 'connected to janus');
      const reset = this.hadSession;
      this.hadSession = true;
      this.markUp();
      if (reset) this.emit(this.resetListeners, 'reset');
    } catch (err) {
      await connection?.close().catch(() => undefined);
      if (this.attempts === 1 || this.attempts % 10 === 0) {
        this.log.warn({ janus: this.key, err: (err as Error).message, attempts: this.attempts }, 'janus unreachable');
      }
      if (!this.closed) this.schedule();
    }
  }

  private lost(session: Session): void {
    if (this.closed || session !== this.session) return;
    const connection = this.connection;
    this.session = undefined;
    this.connection = undefined;
    this.control = undefined;
    this.up = new Promise((resolve) => (this.markUp = resolve));
    void connection?.close().catch(() => undefined);
    this.log.warn({ janus: this.key }, 'janus session lost; reconnecting');
    this.emit(this.lostListeners, 'lost');
    this.schedule();
  }

  private emit(listeners: Set<() => void>, what: string): void {
    for (const listener of listeners) {
      try {
        listener();
      } catch (err) {
        this.log.error({ err, janus: this.key }, `janus ${what} listener failed`);
      }
    }
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    promise,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer in ${ms} ms`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}
