import type { Kysely } from 'kysely';

/**
 * The page's chunked recording uploads, one row each (their chunks stay files): the bytes reserved for
 * them, so that every process checks the size limit against one counter, and how each ended, so that a
 * finish asked of two processes at once makes one recording.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('recording_uploads')
    .addColumn('id', 'varchar(32)', (c) => c.primaryKey())
    .addColumn('site_id', 'bigint', (c) => c.notNull().references('sites.id'))
    .addColumn('meeting_id', 'bigint', (c) => c.notNull().references('meetings.id'))
    .addColumn('ticket', 'varchar(64)', (c) => c.notNull())
    .addColumn('file_type', 'varchar(8)', (c) => c.notNull())
    .addColumn('started_at', 'bigint', (c) => c.notNull())
    .addColumn('reserved_bytes', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addColumn('finisher', 'varchar(32)')
    .addColumn('finishing_until', 'bigint')
    .addColumn('record_id', 'bigint')
    .addColumn('file_size', 'bigint')
    .addColumn('duration_ms', 'bigint')
    .execute();
  await db.schema
    .createIndex('recording_uploads_meeting')
    .on('recording_uploads')
    .columns(['meeting_id', 'record_id'])
    .execute();
  await db.schema.createIndex('recording_uploads_updated').on('recording_uploads').column('updated_at').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('recording_uploads').execute();
}
