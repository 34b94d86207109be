import type { Kysely } from 'kysely';

/**
 * The live stream of each meeting session (issue 16): one row per session that went live, its state and
 * targets, so that getLiveDetail in any server process shows what the process running ffmpeg reports.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('live_streams')
    .addColumn('session_id', 'bigint', (c) => c.primaryKey().references('sessions.id'))
    .addColumn('meeting_id', 'bigint', (c) => c.notNull().references('meetings.id'))
    .addColumn('state', 'varchar(16)', (c) => c.notNull())
    .addColumn('rtmp', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('hls', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('error', 'varchar(1000)', (c) => c.notNull().defaultTo(''))
    .addColumn('started_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('live_streams_meeting')
    .on('live_streams')
    .columns(['meeting_id', 'started_at'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('live_streams').execute();
}
