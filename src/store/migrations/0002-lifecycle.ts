import { sql, type Kysely } from 'kysely';
import { idColumn, idType } from '../dialect.js';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('sessions')
    .addColumn('id', idType(db), idColumn(db))
    .addColumn('site_id', 'bigint', (c) => c.notNull().references('sites.id'))
    .addColumn('meeting_id', 'bigint', (c) => c.notNull().references('meetings.id'))
    .addColumn('uuid', 'varchar(64)', (c) => c.notNull().unique())
    .addColumn('started_at', 'bigint', (c) => c.notNull())
    .addColumn('ended_at', 'bigint')
    .execute();
  // At most one open session per meeting, whatever the number of server processes.
  await db.schema
    .createIndex('sessions_one_open')
    .on('sessions')
    .column('meeting_id')
    .unique()
    .where(sql.ref('ended_at'), 'is', null)
    .execute();
  await db.schema.createIndex('sessions_meeting').on('sessions').columns(['meeting_id', 'started_at']).execute();
  // Statistics: a site's sessions by start.
  await db.schema.createIndex('sessions_site_start').on('sessions').columns(['site_id', 'started_at']).execute();

  await db.schema
    .createTable('tickets')
    .addColumn('token', 'varchar(64)', (c) => c.primaryKey())
    .addColumn('meeting_id', 'bigint', (c) => c.notNull().references('meetings.id'))
    .addColumn('role', 'varchar(16)', (c) => c.notNull())
    .addColumn('name', 'varchar(64)', (c) => c.notNull())
    .addColumn('cuid', 'varchar(64)', (c) => c.notNull())
    .addColumn('login_name', 'varchar(200)', (c) => c.notNull().defaultTo(''))
    .addColumn('registrant_id', 'varchar(64)', (c) => c.notNull().defaultTo(''))
    .addColumn('state', 'varchar(16)', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('tickets_meeting_state').on('tickets').columns(['meeting_id', 'state']).execute();

  await db.schema
    .createTable('participations')
    .addColumn('id', idType(db), idColumn(db))
    .addColumn('site_id', 'bigint', (c) => c.notNull().references('sites.id'))
    .addColumn('meeting_id', 'bigint', (c) => c.notNull().references('meetings.id'))
    .addColumn('session_id', 'bigint', (c) => c.notNull().references('sessions.id'))
    .addColumn('ticket', 'varchar(64)')
    .addColumn('cuid', 'varchar(64)', (c) => c.notNull())
    .addColumn('name', 'varchar(200)', (c) => c.notNull())
    .addColumn('role', 'varchar(16)', (c) => c.notNull())
    .addColumn('device', 'varchar(64)', (c) => c.notNull().defaultTo(''))
    .addColumn('device_type', 'varchar(16)', (c) => c.notNull())
    .addColumn('ip', 'varchar(64)', (c) => c.notNull().defaultTo(''))
    .addColumn('user_id', 'varchar(64)', (c) => c.notNull().defaultTo(''))
    .addColumn('registrant_id', 'varchar(64)', (c) => c.notNull().defaultTo(''))
    .addColumn('view_only', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('joined_at', 'bigint', (c) => c.notNull())
    .addColumn('left_at', 'bigint')
    .addColumn('last_seen_at', 'bigint')
    .execute();
  await db.schema
    .createIndex('participations_session_open')
    .on('participations')
    .columns(['session_id', 'left_at'])
    .execute();
  await db.schema
    .createIndex('participations_meeting_join')
    .on('participations')
    .columns(['meeting_id', 'joined_at', 'id'])
    .execute();
  // Statistics: a site's participations by join time.
  await db.schema
    .createIndex('participations_site_join')
    .on('participations')
    .columns(['site_id', 'joined_at'])
    .execute();
  // The sweeper: open web participations whose heartbeat stopped.
  await db.schema
    .createIndex('participations_heartbeat')
    .on('participations')
    .column('last_seen_at')
    .where(sql.ref('left_at'), 'is', null)
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of ['participations', 'tickets', 'sessions']) await db.schema.dropTable(table).execute();
}
