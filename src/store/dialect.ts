import {
  PostgresAdapter,
  sql,
  type ColumnDefinitionBuilder,
  type CreateTableBuilder,
  type Kysely,
  type SelectQueryBuilder,
} from 'kysely';

/**
 * Everything that differs between SQLite and PostgreSQL lives here, so that the repositories and
 * migrations stay on the portable Kysely builder.
 */

/** True when `db` (or a transaction of it) talks to PostgreSQL. */
export function isPostgres(db: Kysely<any>): boolean {
  return db.getExecutor().adapter instanceof PostgresAdapter;
}

/** The data type of an auto-increment primary key. */
export function idType(db: Kysely<any>): 'integer' | 'bigserial' {
  return isPostgres(db) ? 'bigserial' : 'integer';
}

/** Column options for an auto-increment primary key. */
export function idColumn(db: Kysely<any>) {
  const postgres = isPostgres(db);
  return (col: ColumnDefinitionBuilder) => (postgres ? col.primaryKey() : col.primaryKey().autoIncrement());
}

/**
 * Row lock for the rest of the transaction. PostgreSQL: `FOR UPDATE`. SQLite has no row locks and
 * needs none: a write transaction holds the database's single write lock until it ends.
 */
export function forUpdate<QB extends SelectQueryBuilder<any, any, any>>(db: Kysely<any>, query: QB): QB {
  return isPostgres(db) ? (query.forUpdate() as QB) : query;
}

/**
 * Rows to change that nobody else holds: PostgreSQL `FOR UPDATE SKIP LOCKED`, so that housekeeping
 * updates never wait for, or deadlock with, a request's transaction. SQLite has one writer at a time.
 */
export function skipLocked<QB extends SelectQueryBuilder<any, any, any>>(db: Kysely<any>, query: QB): QB {
  return isPostgres(db) ? (query.forUpdate().skipLocked() as QB) : query;
}

/**
 * A table stored in its primary key's order (SQLite `WITHOUT ROWID`), for tables read and written only by
 * that key. PostgreSQL keeps every table as a heap beside its indexes: nothing to add.
 */
export function withoutRowid(db: Kysely<any>) {
  return <B extends CreateTableBuilder<any, any>>(builder: B): B =>
    isPostgres(db) ? builder : (builder.modifyEnd(sql`without rowid`) as B);
}

/** Namespaces of transaction-scoped locks (`lockKey`). */
export const LockSpace = { site: 1, recordingUploadsOfMeeting: 12, occupancy: 16, consoleSignIn: 19 } as const;

/**
 * A lock on (space, id) held until the transaction ends. PostgreSQL: an advisory lock, which unlike a
 * row lock never conflicts with the key-share locks that foreign-key checks take on the same row (a
 * `FOR UPDATE` on a site's row would, and deadlocks with them under load). SQLite: nothing to do, a
 * write transaction already holds the database's single write lock.
 */
export async function lockKey(db: Kysely<any>, space: number, id: number): Promise<void> {
  if (isPostgres(db)) await sql`select pg_advisory_xact_lock(${space}::int4, ${id}::int4)`.execute(db);
}

/** Cheap round trip used by readiness checks. */
export async function ping(db: Kysely<any>): Promise<void> {
  await sql`select 1`.execute(db);
}
