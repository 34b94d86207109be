import { sql, type Kysely } from 'kysely';
import { idColumn, idType } from '../dialect.js';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('meetings')
    .addColumn('rc_port', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();

  await db.schema
    .createTable('registration_settings')
    .addColumn('meeting_id', 'bigint', (c) => c.primaryKey().references('meetings.id'))
    .addColumn('custom_questions', 'text', (c) => c.notNull())
    .addColumn('questions', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();

  const text = [
    'first_name',
    'last_name',
    'address',
    'city',
    'state',
    'zip',
    'country',
    'phone',
    'comments',
    'industry',
    'job_title',
    'no_of_employees',
    'org',
    'language',
    'purchasing_time_frame',
    'role_in_purchase_process',
  ];
  let registrants = db.schema
    .createTable('registrants')
    .addColumn('id', idType(db), idColumn(db))
    .addColumn('site_id', 'bigint', (c) => c.notNull().references('sites.id'))
    .addColumn('meeting_id', 'bigint', (c) => c.notNull().references('meetings.id'))
    .addColumn('registrant_id', 'varchar(64)', (c) => c.notNull().unique())
    .addColumn('tk', 'varchar(128)', (c) => c.notNull().unique())
    .addColumn('email', 'varchar(320)', (c) => c.notNull())
    .addColumn('email_key', 'varchar(320)', (c) => c.notNull());
  for (const column of text)
    registrants = registrants.addColumn(column, 'varchar(512)', (c) => c.notNull().defaultTo(''));
  await registrants
    .addColumn('custom_questions', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('status', 'varchar(16)', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addCheckConstraint('registrants_status_check', sql`status in ('approved', 'pending', 'denied')`)
    .execute();
  await db.schema
    .createIndex('registrants_meeting_email')
    .on('registrants')
    .columns(['meeting_id', 'email_key'])
    .unique()
    .execute();
  await db.schema
    .createIndex('registrants_meeting_status')
    .on('registrants')
    .columns(['meeting_id', 'status', 'created_at'])
    .execute();

  await db.schema
    .createTable('usage_daily')
    .addColumn('site_id', 'bigint', (c) => c.notNull().references('sites.id'))
    .addColumn('day', 'varchar(10)', (c) => c.notNull())
    .addColumn('meeting_ms', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('participant_ms', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('joins', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('mobile_joins', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('pc_joins', 'bigint', (c) => c.notNull().defaultTo(0))
    .addPrimaryKeyConstraint('usage_daily_pk', ['site_id', 'day'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of ['usage_daily', 'registrants', 'registration_settings'])
    await db.schema.dropTable(table).execute();
  await db.schema.alterTable('meetings').dropColumn('rc_port').execute();
}
