import { EventEmitter } from 'node:events';
import pg from 'pg';
import type { Store } from './connect.js';

/**
 * "Meeting N changed": how every server process learns that presence changed, so that pages connected
 * to it refresh. With PostgreSQL the database carries it (LISTEN/NOTIFY), so several processes behind
 * a load balancer see each other's joins; with SQLite (one server process) it stays in the process.
 */
export interface MeetingBus {
  /** Announces a change; call after the transaction that made it has committed. */
  publish(meetingId: number): Promise<void>;
  subscribe(listener: (meetingId: number) => void): () => void;
  close(): Promise<void>;
}

class LocalBus implements MeetingBus {
  protected readonly emitter = new EventEmitter().setMaxListeners(0);

  async publish(meetingId: number): Promise<void> {
    this.emitter.emit('change', meetingId);
  }

  subscribe(listener: (meetingId: number) => void): () => void {
    this.emitter.on('change', listener);
    return () => this.emitter.off('change', listener);
  }

  async close(): Promise<void> {
    this.emitter.removeAllListeners();
  }
}

class PostgresBus extends LocalBus {
  private client: pg.Client | undefined;
  private closed = false;

  constructor(
    private readonly databaseUrl: string,
    private readonly channel: string,
    private readonly onError: (err: unknown) => void,
  ) {
    super();
  }

  async connect(): Promise<void> {
    const client = new pg.Client({ connectionString: this.databaseUrl });
    client.on('notification', (message) => {
      const id = Number(message.payload);
      if (message.channel === this.channel && Number.isInteger(id)) this.emitter.emit('change', id);
    });
    client.on('error', (err) => {
      this.onError(err);
      this.reconnect(client);
    });
    client.on('end', () => this.reconnect(client));
    await client.connect();
    await client.query(`listen ${this.channel}`);
    this.client = client;
  }

  private reconnect(dead: pg.Client): void {
    if (this.closed || this.client !== dead) return;
    this.client = undefined;
    setTimeout(() => {
      if (!this.closed) this.connect().catch((err: unknown) => this.onError(err));
    }, 1000).unref();
  }

  override async publish(meetingId: number): Promise<void> {
    // Any connection may notify; the listening connection of every process (this one too) receives it.
    const payload = [this.channel, String(meetingId)];
    if (this.client) {
      await this.client.query('select pg_notify($1, $2)', payload);
      return;
    }
    const client = new pg.Client({ connectionString: this.databaseUrl });
    await client.connect();
    try {
      await client.query('select pg_notify($1, $2)', payload);
    } finally {
      await client.end();
    }
  }

  override async close(): Promise<void> {
    this.closed = true;
    const client = this.client;
    this.client = undefined;
    await client?.end().catch(() => undefined);
    await super.close();
  }
}

/** A bus for one server process (SQLite, tests). */
export function createLocalBus(): MeetingBus {
  return new LocalBus();
}

/** The bus for this store. Channel names carry the schema, so test schemas never hear each other. */
export async function createBus(store: Store, databaseUrl: string | undefined, onError: (err: unknown) => void): Promise<MeetingBus> {
  if (store.dialect !== 'postgres' || !databaseUrl) return new LocalBus();
  const bus = new PostgresBus(databaseUrl, `huiguan_${store.schema ?? 'public'}`.toLowerCase().replace(/[^a-z0-9_]/g, '_'), onError);
  await bus.connect();
  return bus;
}
