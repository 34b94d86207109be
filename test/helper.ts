import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { FastifyBaseLogger, FastifyInstance, InjectOptions } from 'fastify';
import pg from 'pg';
import { afterAll, beforeAll } from 'vitest';
import { buildApp } from '../src/app.js';
import { defaultConfig, type Config } from '../src/config.js';
import { createSite } from '../src/domain/sites.js';
import { computeToken } from '../src/domain/token.js';
import { createBus, type MeetingBus } from '../src/store/bus.js';
import { connect, type Store } from '../src/store/connect.js';
import type { SiteRow } from '../src/store/database.js';
import { migrateToLatest } from '../src/store/migrate.js';
import { createUploadStaging } from '../src/store/recording-uploads.js';
import { createFileRecordingStorage } from '../src/store/recording-storage.js';

/** The suite runs on PostgreSQL when DATABASE_URL is set, else on SQLite. */
export const databaseUrl = process.env.DATABASE_URL || undefined;
export const dialect = databaseUrl ? 'postgres' : 'sqlite';

/** A database of the test's own: a SQLite file in a temp dir, or a fresh PostgreSQL schema. */
export interface TestDatabase {
  /** Environment that points the CLI or a server process at this database. */
  env: Record<string, string>;
  open(): Promise<Store>;
  drop(): Promise<void>;
}

export async function createTestDatabase(): Promise<TestDatabase> {
  if (databaseUrl) {
    const schema = `hg_test_${randomBytes(6).toString('hex')}`;
    const admin = new pg.Client({ connectionString: databaseUrl });
    await admin.connect();
    await admin.query(`create schema ${schema}`);
    await admin.end();
    const url = new URL(databaseUrl);
    url.searchParams.set('options', `-c search_path=${schema}`);
    return {
      env: { DATABASE_URL: url.toString() },
      open: () => connect({ databaseUrl, pgSchema: schema, poolSize: 5 }),
      drop: async () => {
        const client = new pg.Client({ connectionString: databaseUrl });
        await client.connect();
        await client.query(`drop schema if exists ${schema} cascade`);
        await client.end();
      },
    };
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'huiguan-test-'));
  return {
    env: { HUIGUAN_DATA_DIR: dir },
    open: () => connect({ dataDir: dir }),
    drop: async () => fs.rmSync(dir, { recursive: true, force: true }),
  };
}

export interface TestApp {
  app: FastifyInstance;
  store: Store;
  database: TestDatabase;
  bus: MeetingBus;
  /** Test clock: `now` ms, settable. */
  clock: { now: number };
  /** Creates an active site with `parties` (default 100). */
  site(options?: {
    siteSign?: string;
    totalNumParties?: number;
    maxTuiliuUsers?: number | null;
    regions?: string;
  }): Promise<SiteRow>;
  /** Sends a correctly signed call to `/openapi/v2/<name>` (or to `name` when it is a path). */
  call(name: string, site: SiteRow, params: Record<string, unknown>, options?: CallOptions): Promise<CallResult>;
  close(): Promise<void>;
}

export interface CallOptions {
  /** Token subject parameter. Default `userId`. */
  subject?: string;
  method?: 'GET' | 'POST';
  /** Where the parameters travel. Default `form`. */
  encoding?: 'query' | 'form' | 'json';
  /** Replaces the computed timeStamp / token / key. */
  timeStamp?: string;
  token?: string;
  apiKey?: string;
}

export interface CallResult {
  statusCode: number;
  body: any;
  /** The exact parameters sent, to replay them. */
  sent: Record<string, string>;
}

let siteCounter = 0;

/** Signs `params` for `site`: adds siteSign, timeStamp and token. */
export function sign(
  site: SiteRow,
  params: Record<string, unknown>,
  now: number,
  options: CallOptions = {},
): Record<string, string> {
  const timeStamp = options.timeStamp ?? String(now);
  const subjectName = options.subject ?? 'userId';
  const subject = subjectName === 'siteSign' ? site.site_sign : String(params[subjectName] ?? '');
  const token = options.token ?? computeToken(subject, options.apiKey ?? site.api_key, timeStamp);
  const out: Record<string, unknown> = { siteSign: site.site_sign, timeStamp, token };
  // Scalars travel as text, as in a form; arrays and objects stay as they are (JSON bodies only).
  for (const [k, v] of Object.entries(params))
    if (v !== undefined) out[k] = typeof v === 'object' && v !== null ? v : String(v);
  return out as Record<string, string>;
}

/** Sends already-signed parameters. */
export async function send(
  app: FastifyInstance,
  name: string,
  sent: Record<string, string>,
  options: CallOptions = {},
): Promise<CallResult> {
  const encoding = options.encoding ?? 'form';
  const url = name.startsWith('/') ? name : `/openapi/v2/${name}`;
  const request: InjectOptions = { method: options.method ?? (encoding === 'query' ? 'GET' : 'POST'), url };
  if (encoding === 'query') request.query = sent;
  else if (encoding === 'json') request.payload = sent;
  else {
    request.payload = new URLSearchParams(sent).toString();
    request.headers = { 'content-type': 'application/x-www-form-urlencoded' };
  }
  const response = await app.inject(request);
  return { statusCode: response.statusCode, body: response.json(), sent };
}

export interface TestAppOptions {
  database?: TestDatabase;
  realClock?: boolean;
  /** Where recordings are stored. Default: a temporary directory (made on first upload), removed by `close()`. */
  recordingDir?: string;
  /** Largest recording accepted, bytes. Default as in `loadConfig`. */
  recordingMaxBytes?: number;
  /** The server's logger; default: none (a test that diagnoses passes one). */
  logger?: FastifyBaseLogger;
  /** More configuration (rate limits, timeouts…); rate limits are off unless given here. */
  config?: Partial<
    Pick<
      Config,
      | 'rateLimit'
      | 'headersTimeoutMs'
      | 'requestTimeoutMs'
      | 'bodyTimeoutMs'
      | 'idleTimeoutMs'
      | 'iceServers'
      | 'trustProxy'
      | 'webhookTargets'
      | 'turn'
      | 'sfu'
      | 'dataDir'
    >
  >;
}

/**
 * An app on a database of its own. Its clock stands still at 2026-06-01 08:00 GMT (each signed call moves
 * it 1 ms) unless `realClock`: then it runs with the machine's clock, and setting it shifts it.
 */
export async function buildTestApp(options: TestAppOptions = {}): Promise<TestApp> {
  const database = options.database ?? (await createTestDatabase());
  const store = await database.open();
  await migrateToLatest(store);
  const clock = { now: Date.parse('2026-06-01T08:00:00Z') };
  if (options.realClock) {
    let offset = 0;
    Object.defineProperty(clock, 'now', {
      get: () => Date.now() + offset,
      set: (value: number) => (offset = value - Date.now()),
    });
  }
  const bus = await createBus(store, databaseUrl, () => undefined);
  const recordingDir =
    options.recordingDir ?? path.join(os.tmpdir(), `huiguan-recordings-${randomBytes(6).toString('hex')}`);
  const app = await buildApp({
    config: defaultConfig({
      logLevel: 'silent',
      publicUrl: 'http://meet.example.test',
      rateLimit: null,
      ...(options.recordingMaxBytes !== undefined ? { recordingMaxBytes: options.recordingMaxBytes } : {}),
      ...options.config,
    }),
    db: store.db,
    bus,
    clock: () => clock.now,
    checkAnswers: true,
    recordingStorage: createFileRecordingStorage({ root: recordingDir }),
    recordingUploads: createUploadStaging({ root: path.join(recordingDir, '.uploads') }),
    ...(options.logger ? { logger: options.logger } : {}),
  });
  return {
    app,
    store,
    database,
    clock,
    site: async (o = {}) => {
      siteCounter += 1;
      return createSite(
        store.db,
        {
          siteSign: o.siteSign ?? `site${siteCounter}`,
          name: 'Test site',
          totalNumParties: o.totalNumParties ?? 100,
          ...(o.maxTuiliuUsers !== undefined ? { maxTuiliuUsers: o.maxTuiliuUsers } : {}),
          ...(o.regions !== undefined ? { regions: o.regions } : {}),
        },
        clock.now,
      );
    },
    // Each call a millisecond later, as a real client's clock moves: equal timeStamps make equal tokens.
    call: (name, site, params, callOptions = {}) =>
      send(app, name, sign(site, params, ++clock.now, callOptions), callOptions),
    bus,
    close: async () => {
      await app.close();
      await bus.close();
      await store.db.destroy();
      if (!options.database) await database.drop();
      if (!options.recordingDir) fs.rmSync(recordingDir, { recursive: true, force: true });
    },
  };
}

/** Epoch ms as the document's `yyyy-MM-dd HH:mm:ss` GMT. */
export const gmt = (ms: number): string => new Date(ms).toISOString().slice(0, 19).replace('T', ' ');

/**
 * A test app listening on a free local port for the file's tests (pages, WebSockets, browsers): built
 * before them, closed after them. `base` is its http://127.0.0.1:<port>.
 */
export function listeningTestApp(options: TestAppOptions = {}): { readonly t: TestApp; readonly base: string } {
  const held = {} as { t: TestApp; base: string };
  beforeAll(async () => {
    held.t = await buildTestApp(options);
    held.base = await held.t.app.listen({ port: 0, host: '127.0.0.1' });
  });
  afterAll(async () => held.t?.close());
  return held;
}
