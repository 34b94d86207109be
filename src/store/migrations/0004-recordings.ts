import { sql, type Kysely } from 'kysely';
import { idColumn, idType } from '../dialect.js';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('recordings')
    .addColumn('id', idType(db), idColumn(db))
    .addColumn('site_id', 'bigint', (c) => c.notNull().references('sites.id'))
    .addColumn('meeting_id', 'bigint', (c) => c.notNull().references('meetings.id'))
    .addColumn('uuid', 'varchar(64)', (c) => c.notNull())
    .addColumn('topic', 'varchar(200)', (c) => c.notNull())
    .addColumn('record_start', 'bigint', (c) => c.notNull())
    .addColumn('record_end', 'bigint', (c) => c.notNull())
    .addColumn('file_size', 'bigint', (c) => c.notNull())
    .addColumn('file_type', 'varchar(8)', (c) => c.notNull())
    .addColumn('storage_key', 'varchar(500)', (c) => c.notNull().unique())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addCheckConstraint('recordings_file_type_check', sql`file_type in ('MP4', 'M4A')`)
    .addCheckConstraint('recordings_times_check', sql`record_end >= record_start`)
    .execute();
  await db.schema
    .createIndex('recordings_meeting_start')
    .on('recordings')
    .columns(['meeting_id', 'record_start'])
    .execute();
}
