import type { Kysely } from 'kysely';

/**
 * Where each session's SFU room lives: one row per session, keyed by it, so that every server process on
 * one database finds the same Janus instance and room (a second insert loses to the primary key and reads
 * the winner's row), and the room's secret is known to each of them.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('sfu_rooms')
    .addColumn('session_id', 'bigint', (c) => c.primaryKey().references('sessions.id'))
    .addColumn('meeting_id', 'bigint', (c) => c.notNull().references('meetings.id'))
    .addColumn('instance_url', 'varchar(255)', (c) => c.notNull())
    .addColumn('room_id', 'bigint', (c) => c.notNull())
    .addColumn('secret', 'varchar(64)', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('destroyed_at', 'bigint')
    .execute();
  await db.schema.createIndex('sfu_rooms_live').on('sfu_rooms').columns(['destroyed_at', 'instance_url']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('sfu_rooms').execute();
}
