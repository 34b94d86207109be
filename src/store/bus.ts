import { randomBytes } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { deflateRawSync, inflateRawSync } from 'node:zlib';
import pg from 'pg';
import type { Store } from './connect.js';

/**
 * A message from one page to another page (or to every page, `to: '*'`) of the same meeting: media
 * signaling, relayed and never stored. The sending process has checked the sender; the receiving
 * process delivers only to pages of `meetingId` that are in the meeting and are `to`.
 */
export interface Signal {
  meetingId: number;
  /** The addressee's participant id (its ticket's `cuid`), or `*` for everyone but the sender. */
  to: string;
  /** The sender's participant id. */
  from: string;
  /** What the addressee's page receives, as it is sent. */
  message: Record<string, unknown>;
}

/**
 * "Meeting N changed": how every server process learns that presence changed, so that pages connected
 * to it refresh; and the signals pages send one another. With PostgreSQL the database carries both
 * (LISTEN/NOTIFY), so several processes behind a load balancer see each other's joins and relay each
 * other's signals; with SQLite (one server process) they stay in the process.
 */
export interface MeetingBus {
  /** Announces a change; call after the transaction that made it has committed. */
  publish(meetingId: number): Promise<void>;
  subscribe(listener: (meetingId: number) => void): () => void;
  /** Relays a signal to whichever process holds its addressee's page. */
  signal(signal: Signal): Promise<void>;
  subscribeSignals(listener: (signal: Signal) => void): () => void;
  close(): Promise<void>;
}

class LocalBus implements MeetingBus {
  protected readonly emitter = new EventEmitter().setMaxListeners(0);

  async publish(meetingId: number): Promise<void> {
    this.emitter.emit('change', meetingId);
  }

  subscribe(listener: (meetingId: number) => void): () => void {
    return this.listen('change', listener);
  }

  async signal(signal: Signal): Promise<void> {
    this.emitter.emit('signal', signal);
  }

  subscribeSignals(listener: (signal: Signal) => void): () => void {
    return this.listen('signal', listener);
  }

  private listen<T>(event: string, listener: (value: T) => void): () => void {
    this.emitter.on(event, listener);
    return () => this.emitter.off(event, listener);
  }

  async close(): Promise<void> {
    this.emitter.removeAllListeners();
  }
}

/** A NOTIFY payload must stay under 8000 bytes; a signal (an SDP offer can be larger) goes in parts. */
const PART_CHARS = 7000;
/** Longest wait for the bus's own connection to PostgreSQL, ms. */
const CONNECT_TIMEOUT_MS = 5000;
/** Parts of a signal not all received after this long are dropped. */
const PARTS_TIMEOUT_MS = 10_000;

/**
 * A signal as NOTIFY payloads: the JSON, deflated, base64, cut in parts of `<id> <index> <count> <text>`.
 * Every part goes out on the same connection, so they arrive in order.
 */
export function signalParts(signal: Signal): string[] {
  const text = deflateRawSync(JSON.stringify(signal)).toString('base64');
  const id = randomBytes(6).toString('hex');
  const count = Math.max(1, Math.ceil(text.length / PART_CHARS));
  return Array.from(
    { length: count },
    (_, i) => `${id} ${i} ${count} ${text.slice(i * PART_CHARS, (i + 1) * PART_CHARS)}`,
  );
}

/** Puts {@link signalParts} together again; answers the signal once its last part arrived. */
export class SignalAssembler {
  private readonly pending = new Map<string, { parts: string[]; timer: NodeJS.Timeout }>();

  add(payload: string): Signal | undefined {
    const [id = '', index, count, text = ''] = payload.split(' ');
    const i = Number(index);
    const n = Number(count);
    if (!Number.isInteger(i) || !Number.isInteger(n) || i < 0 || i >= n || n > 1000) return undefined;
    let entry = this.pending.get(id);
    if (!entry) {
      const timer = setTimeout(() => this.pending.delete(id), PARTS_TIMEOUT_MS).unref();
      this.pending.set(id, (entry = { parts: [], timer }));
    }
    entry.parts[i] = text;
    if (entry.parts.filter((p) => p !== undefined).length < n) return undefined;
    clearTimeout(entry.timer);
    this.pending.delete(id);
    try {
      return JSON.parse(inflateRawSync(Buffer.from(entry.parts.join(''), 'base64')).toString('utf8')) as Signal;
    } catch {
      return undefined;
    }
  }

  clear(): void {
    for (const { timer } of this.pending.values()) clearTimeout(timer);
    this.pending.clear();
  }
}

class PostgresBus extends LocalBus {
  private client: pg.Client | undefined;
  private closed = false;
  private readonly signalChannel: string;
  private readonly assembler = new SignalAssembler();
  private sending: Promise<void> = Promise.resolve();
  private retries = 0;

  constructor(
    private readonly databaseUrl: string,
    private readonly channel: string,
    private readonly onError: (err: unknown) => void,
  ) {
    super();
    this.signalChannel = `${channel}_signal`;
  }

  async connect(): Promise<void> {
    const client = this.newClient();
    client.on('notification', (message) => {
      if (message.channel === this.signalChannel) {
        const signal = this.assembler.add(message.payload ?? '');
        if (signal) this.emitter.emit('signal', signal);
        return;
      }
      const id = Number(message.payload);
      if (message.channel === this.channel && Number.isInteger(id)) this.emitter.emit('change', id);
    });
    client.on('error', (err) => {
      this.onError(err);
      this.reconnect(client);
    });
    client.on('end', () => this.reconnect(client));
    try {
      await client.connect();
      await client.query(`listen ${this.channel}`);
      await client.query(`listen ${this.signalChannel}`);
    } catch (err) {
      await client.end().catch(() => undefined);
      throw err;
    }
    if (this.closed) {
      await client.end().catch(() => undefined);
      return;
    }
    this.client = client;
    this.retries = 0;
  }

  /** A connection that fails and says so through `error` (one without a listener would end the process). */
  private newClient(): pg.Client {
    const client = new pg.Client({
      connectionString: this.databaseUrl,
      application_name: 'huiguan',
      connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
      keepAlive: true,
      keepAliveInitialDelayMillis: 10_000,
    });
    client.on('error', () => undefined);
    return client;
  }

  /**
   * Listens again on a new connection once the old one died, retrying with backoff (up to 30 s apart)
   * while the database is away.
   */
  private reconnect(dead: pg.Client): void {
    if (this.closed || this.client !== dead) return;
    this.client = undefined;
    this.retry();
  }

  private retry(): void {
    const delay = Math.min(1000 * 2 ** this.retries, 30_000);
    this.retries += 1;
    setTimeout(() => {
      if (this.closed || this.client) return;
      this.connect().catch((err: unknown) => {
        this.onError(err);
        this.retry();
      });
    }, delay).unref();
  }

  override async publish(meetingId: number): Promise<void> {
    await this.notify(this.channel, [String(meetingId)]);
  }

  override async signal(signal: Signal): Promise<void> {
    await this.notify(this.signalChannel, signalParts(signal));
  }

  /**
   * Any connection may notify; the listening connection of every process (this one too) receives it.
   * Notifications on the listening connection go one at a time, in order (a signal's parts stay together).
   */
  private async notify(channel: string, payloads: string[]): Promise<void> {
    const send = async (client: pg.Client) => {
      for (const payload of payloads) await client.query('select pg_notify($1, $2)', [channel, payload]);
    };
    const listening = this.client;
    if (listening) {
      const turn = this.sending.then(() => send(listening));
      this.sending = turn.catch(() => undefined);
      return turn;
    }
    const client = this.newClient();
    try {
      await client.connect();
      await send(client);
    } finally {
      await client.end().catch(() => undefined);
    }
  }

  override async close(): Promise<void> {
    this.closed = true;
    const client = this.client;
    this.client = undefined;
    await client?.end().catch(() => undefined);
    this.assembler.clear();
    await super.close();
  }
}

/** A bus for one server process (SQLite, tests). */
export function createLocalBus(): MeetingBus {
  return new LocalBus();
}

/** The bus for this store. Channel names carry the schema, so test schemas never hear each other. */
export async function createBus(
  store: Store,
  databaseUrl: string | undefined,
  onError: (err: unknown) => void,
): Promise<MeetingBus> {
  if (store.dialect !== 'postgres' || !databaseUrl) return new LocalBus();
  const bus = new PostgresBus(
    databaseUrl,
    `huiguan_${store.schema ?? 'public'}`.toLowerCase().replace(/[^a-z0-9_]/g, '_'),
    onError,
  );
  await bus.connect();
  return bus;
}
