import { sql, type Kysely } from 'kysely';
import { idColumn, idType } from '../dialect.js';

/**
 * Server-side cloud recordings of meetings on the SFU (src/sfu/recording.ts), one row per recording from
 * the host's start to the stored MP4: where Janus wrote its files, and the composing job's state, lease
 * (so that of several server processes exactly one composes it, and a process killed while composing
 * leaves it to the next), attempts and progress.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('sfu_recordings')
    .addColumn('id', idType(db), idColumn(db))
    .addColumn('site_id', 'bigint', (c) => c.notNull().references('sites.id'))
    .addColumn('meeting_id', 'bigint', (c) => c.notNull().references('meetings.id'))
    .addColumn('session_id', 'bigint', (c) => c.notNull().references('sessions.id'))
    .addColumn('room_id', 'bigint', (c) => c.notNull())
    .addColumn('dir', 'varchar(1000)', (c) => c.notNull())
    .addColumn('state', 'varchar(16)', (c) => c.notNull())
    .addColumn('started_at', 'bigint', (c) => c.notNull())
    .addColumn('stopped_at', 'bigint')
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('lease_owner', 'varchar(32)')
    .addColumn('lease_until', 'bigint')
    .addColumn('progress', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('error', 'varchar(1000)', (c) => c.notNull().defaultTo(''))
    .addColumn('record_id', 'bigint')
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addCheckConstraint(
      'sfu_recordings_state_check',
      sql`state in ('recording', 'queued', 'composing', 'done', 'failed')`,
    )
    .execute();
  // One recording at a time per session: two processes starting one at once cannot both insert.
  await db.schema
    .createIndex('sfu_recordings_live')
    .on('sfu_recordings')
    .column('session_id')
    .unique()
    .where(sql.ref('state'), '=', sql.lit('recording'))
    .execute();
  await db.schema.createIndex('sfu_recordings_work').on('sfu_recordings').columns(['state', 'lease_until']).execute();
  await db.schema.createIndex('sfu_recordings_meeting').on('sfu_recordings').columns(['meeting_id', 'id']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('sfu_recordings').execute();
}
