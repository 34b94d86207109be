import fs from 'node:fs';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, SqliteDialect, type SqliteDatabase } from 'kysely';
import pg from 'pg';
import type { Database, Db } from './database.js';
import { startCheckpointer, type Checkpointer } from './sqlite-checkpointer.js';
import { schemaPostgresDialect } from './pg-introspector.js';
import { statementName } from './prepared.js';

/** Options of {@link connect}. */
export interface ConnectOptions {
  /** PostgreSQL connection string; when absent, SQLite is used. */
  databaseUrl?: string | undefined;
  /** Directory of the SQLite file `huiguan.db` (created if missing). Ignored for PostgreSQL. */
  dataDir?: string;
  /** SQLite file path, overriding `dataDir`; `:memory:` for a private in-memory database. */
  sqliteFile?: string;
  /** PostgreSQL schema to use (created if missing) instead of the server default. Tests use one per run. */
  pgSchema?: string;
  /** PostgreSQL pool size. Default 10. */
  poolSize?: number;
  /**
   * SQLite: checkpoint the write-ahead log from a worker thread (see `startCheckpointer`) instead of in
   * whichever request's commit passes the threshold. Default false; the server turns it on.
   */
  backgroundCheckpoint?: boolean;
  /** Told when the background checkpoint fails. */
  onCheckpointError?: (message: string) => void;
  /**
   * PostgreSQL: told when a pooled connection dies (the server restarted, an administrator or a proxy
   * ended it). The pool has already dropped it and opens a new one when needed. Default: ignored.
   */
  onConnectionError?: (err: Error) => void;
  /**
   * PostgreSQL: longest wait for a connection, ms; past it the query fails (the request answers 103)
   * instead of hanging while the database is unreachable. Default 5000.
   */
  connectionTimeoutMs?: number;
}

export interface Store {
  db: Db;
  dialect: 'sqlite' | 'postgres';
  /** Human-readable location, without credentials. */
  location: string;
  /** PostgreSQL: the schema tables live in (the connection's `current_schema()`). */
  schema?: string;
}

// int8 (counts, epoch-millisecond columns) comes back from node-postgres as a string by default;
// every such value here fits a double exactly.
const INT8_OID = 20;
const pgTypes = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    if (oid === INT8_OID) return (value: string) => Number(value);
    return pg.types.getTypeParser(oid, format as 'text');
  },
} as pg.CustomTypesConfig;

/** Opens the database the configuration names: PostgreSQL when `databaseUrl` is set, else SQLite. */
export async function connect(options: ConnectOptions): Promise<Store> {
  if (options.databaseUrl) {
    const schema = options.pgSchema;
    if (schema !== undefined && !/^[a-z_][a-z0-9_]*$/.test(schema)) throw new Error(`invalid schema name ${schema}`);
    const pool = new pg.Pool({
      connectionString: options.databaseUrl,
      max: options.poolSize ?? 10,
      types: pgTypes,
      // An `application_name` in the connection string wins over this one.
      application_name: 'huiguan',
      connectionTimeoutMillis: options.connectionTimeoutMs ?? 5000,
      // A peer gone silent (a partition, not a reset) is found by TCP keepalive probes, from 10 s on.
      keepAlive: true,
      keepAliveInitialDelayMillis: 10_000,
      ...(schema ? { options: `-c search_path=${schema}` } : {}),
    });
    watchConnections(pool, options.onConnectionError ?? (() => undefined));
    namePreparedStatements(pool);
    if (schema) await pool.query(`create schema if not exists ${schema}`);
    const current = await pool.query<{ schema: string | null }>('select current_schema() as schema');
    const currentSchema = current.rows[0]?.schema ?? 'public';
    const url = new URL(options.databaseUrl);
    url.password = '';
    url.username = '';
    return {
      db: new Kysely<Database>({ dialect: schemaPostgresDialect({ pool }, currentSchema) }),
      dialect: 'postgres',
      location: url.toString() + (schema ? ` (schema ${schema})` : ''),
      schema: currentSchema,
    };
  }
  const file = options.sqliteFile ?? path.join(options.dataDir ?? './data', 'huiguan.db');
  if (file !== ':memory:') fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  const database = new BetterSqlite3(file, { timeout: 10_000 });
  database.pragma('journal_mode = WAL');
  database.pragma('synchronous = NORMAL');
  database.pragma('foreign_keys = ON');
  let checkpointer: Checkpointer | undefined;
  if (options.backgroundCheckpoint && file !== ':memory:') {
    // A backstop only: the worker keeps the log far below this (about 40 MB of pages).
    database.pragma('wal_autocheckpoint = 10000');
    checkpointer = startCheckpointer({
      file: path.resolve(file),
      ...(options.onCheckpointError ? { onError: options.onCheckpointError } : {}),
    });
  }
  return {
    db: new Kysely<Database>({
      dialect: new SqliteDialect({ database: withStatementCache(database, () => void checkpointer?.stop()) }),
    }),
    dialect: 'sqlite',
    location: file === ':memory:' ? file : path.resolve(file),
  };
}

/**
 * A connection that dies must not take the process with it: node-postgres emits `error` on the pool for
 * an idle connection, and on the client itself for one checked out between two queries; either, with no
 * listener, is an uncaught exception. The pool drops the idle one; a checked-out one fails its next
 * query, and its release drops it (it is no longer queryable).
 */
function watchConnections(pool: pg.Pool, onError: (err: Error) => void): void {
  // The pool passes on an idle connection's error, which the connection's own listener has reported.
  pool.on('error', () => undefined);
  pool.on('connect', (client) => client.on('error', onError));
}

/**
 * The prepared query shapes (`prepared.ts`) run as named statements: each connection parses and plans one
 * once, and later runs only bind values to it. Kysely's driver sends SQL text; every other query is sent as
 * it comes.
 */
function namePreparedStatements(pool: pg.Pool): void {
  pool.on('connect', (client) => {
    const query = client.query.bind(client) as (...args: unknown[]) => unknown;
    (client as { query: unknown }).query = (config: unknown, values?: unknown, callback?: unknown) => {
      const name = typeof config === 'string' && Array.isArray(values) ? statementName(config) : undefined;
      if (name === undefined) return query(config, values, callback);
      return query({ name, text: config, values }, callback);
    };
  });
}

/**
 * The database with its prepared statements kept, by SQL text: Kysely prepares every query anew, and
 * compiling the SQL was the largest single cost of a request (docs/benchmarks.md). Bounded; the least
 * recently used statement goes first.
 */
function withStatementCache(database: BetterSqlite3.Database, onClose: () => void, size = 500): SqliteDatabase {
  const statements = new Map<string, BetterSqlite3.Statement>();
  return {
    close: () => {
      onClose();
      database.close();
    },
    prepare(sql: string) {
      let statement = statements.get(sql);
      if (statement) statements.delete(sql);
      else statement = database.prepare(sql);
      statements.set(sql, statement);
      if (statements.size > size) statements.delete(statements.keys().next().value!);
      return statement;
    },
  };
}
