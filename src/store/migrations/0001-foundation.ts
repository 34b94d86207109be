import { sql, type Kysely } from 'kysely';
import { idColumn, idType } from '../dialect.js';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('sites')
    .addColumn('id', idType(db), idColumn(db))
    .addColumn('site_sign', 'varchar(64)', (c) => c.notNull().unique())
    .addColumn('name', 'varchar(200)', (c) => c.notNull())
    .addColumn('api_key', 'varchar(128)', (c) => c.notNull())
    .addColumn('state', 'varchar(16)', (c) => c.notNull().defaultTo('active'))
    .addColumn('expires_at', 'bigint')
    .addColumn('total_num_parties', 'integer', (c) => c.notNull())
    .addColumn('rc_ips', 'varchar(1000)', (c) => c.notNull().defaultTo(''))
    .addColumn('video_phone', 'varchar(1000)', (c) => c.notNull().defaultTo(''))
    .addColumn('regions', 'varchar(1000)', (c) => c.notNull().defaultTo(''))
    .addColumn('max_tuiliu_users', 'integer')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addCheckConstraint('sites_state_check', sql`state in ('active', 'expired', 'deleted')`)
    .addCheckConstraint('sites_parties_check', sql`total_num_parties >= 0`)
    .execute();

  await db.schema
    .createTable('rooms')
    .addColumn('id', idType(db), idColumn(db))
    .addColumn('site_id', 'bigint', (c) => c.notNull().references('sites.id'))
    .addColumn('capacity', 'integer', (c) => c.notNull().check(sql`capacity > 0`))
    .addColumn('expires_at', 'bigint')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('rooms_site_capacity').on('rooms').columns(['site_id', 'capacity']).execute();

  await db.schema
    .createTable('users')
    .addColumn('id', idType(db), idColumn(db))
    .addColumn('site_id', 'bigint', (c) => c.notNull().references('sites.id'))
    .addColumn('user_id', 'varchar(32)', (c) => c.notNull())
    .addColumn('user_name', 'varchar(200)', (c) => c.notNull())
    .addColumn('phone', 'varchar(64)', (c) => c.notNull().defaultTo(''))
    .addColumn('login_name', 'varchar(200)', (c) => c.notNull().defaultTo(''))
    .addColumn('enable_tuiliu', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('enable_cloud_record', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('host_key', 'varchar(6)', (c) => c.notNull())
    .addColumn('region', 'varchar(64)', (c) => c.notNull().defaultTo(''))
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addColumn('deleted_at', 'bigint')
    .execute();
  // One live user per (site, userId); a deleted userId may be created again.
  await db.schema
    .createIndex('users_site_user_live')
    .on('users')
    .columns(['site_id', 'user_id'])
    .unique()
    .where(sql.ref('deleted_at'), 'is', null)
    .execute();

  await db.schema
    .createTable('meetings')
    .addColumn('id', idType(db), idColumn(db))
    .addColumn('site_id', 'bigint', (c) => c.notNull().references('sites.id'))
    .addColumn('user_pk', 'bigint', (c) => c.notNull().references('users.id'))
    .addColumn('conf_number', 'varchar(16)', (c) => c.notNull().unique())
    .addColumn('conf_name', 'varchar(200)', (c) => c.notNull())
    .addColumn('conf_password', 'varchar(32)', (c) => c.notNull().defaultTo(''))
    .addColumn('h323pwd', 'varchar(16)', (c) => c.notNull().defaultTo(''))
    .addColumn('start_time', 'bigint', (c) => c.notNull())
    .addColumn('duration', 'integer', (c) => c.notNull())
    .addColumn('before_time', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('window_start', 'bigint', (c) => c.notNull())
    .addColumn('window_end', 'bigint', (c) => c.notNull())
    .addColumn('conf_parties', 'integer', (c) => c.notNull())
    .addColumn('room_id', 'bigint', (c) => c.references('rooms.id'))
    .addColumn('conf_status', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('conf_del_flag', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('held', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('option_jbh', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('option_video_host', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('option_video_participants', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('login_name', 'varchar(200)', (c) => c.notNull().defaultTo(''))
    .addColumn('is_instant', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('interpretation', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('is_tuiliu', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('stream_diy', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('stream_url', 'varchar(512)', (c) => c.notNull().defaultTo(''))
    .addColumn('stream_key', 'varchar(512)', (c) => c.notNull().defaultTo(''))
    .addColumn('watch_url', 'varchar(512)', (c) => c.notNull().defaultTo(''))
    .addColumn('audio', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('waiting_room', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('live', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('registration_type', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('watermark', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('meeting_authentication', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('host_secret', 'varchar(64)', (c) => c.notNull())
    .addColumn('join_secret', 'varchar(64)', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addCheckConstraint('meetings_window_check', sql`window_start <= start_time and start_time < window_end`)
    .execute();
  // Lists: a user's or a site's meetings in one state, in start order.
  await db.schema
    .createIndex('meetings_user_list')
    .on('meetings')
    .columns(['user_pk', 'conf_status', 'conf_del_flag', 'start_time', 'id'])
    .execute();
  await db.schema
    .createIndex('meetings_site_list')
    .on('meetings')
    .columns(['site_id', 'conf_status', 'conf_del_flag', 'start_time', 'id'])
    .execute();
  // Overlap: meetings of a site or a user in one state whose window starts in a bounded range.
  await db.schema
    .createIndex('meetings_site_window')
    .on('meetings')
    .columns(['site_id', 'conf_status', 'window_start'])
    .execute();
  await db.schema
    .createIndex('meetings_user_window')
    .on('meetings')
    .columns(['user_pk', 'conf_status', 'window_start'])
    .execute();
  await db.schema.createIndex('meetings_room_window').on('meetings').columns(['room_id', 'window_start']).execute();
  // The sweeper: scheduled meetings whose window has passed.
  await db.schema.createIndex('meetings_status_end').on('meetings').columns(['conf_status', 'window_end']).execute();

  await db.schema
    .createTable('used_tokens')
    .addColumn('token', 'varchar(64)', (c) => c.primaryKey())
    .addColumn('site_id', 'bigint', (c) => c.notNull())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('used_tokens_expires').on('used_tokens').column('expires_at').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of ['used_tokens', 'meetings', 'users', 'rooms', 'sites']) {
    await db.schema.dropTable(table).execute();
  }
}
