import { sql, type Kysely } from 'kysely';
import { isPostgres } from '../dialect.js';

/**
 * Recordings may be WebM (an extension: the page records WebM where the browser has no MP4 encoder).
 * PostgreSQL replaces the check constraint; SQLite cannot alter one, so its table is rebuilt.
 */
export async function up(db: Kysely<any>): Promise<void> {
  if (isPostgres(db)) {
    await sql`alter table recordings drop constraint recordings_file_type_check`.execute(db);
    await sql`alter table recordings add constraint recordings_file_type_check check (file_type in ('MP4', 'M4A', 'WEBM'))`.execute(
      db,
    );
    return;
  }
  // SQLite's own advice: the table again under a new name with the new constraint, its rows copied.
  const { rows } = await sql<{
    sql: string;
  }>`select sql from sqlite_master where type = 'table' and name = 'recordings'`.execute(db);
  const create = rows[0]?.sql ?? '';
  const widened = create
    .replace(/^create table "?recordings"?/i, 'create table "recordings_new"')
    .replace(`('MP4', 'M4A')`, `('MP4', 'M4A', 'WEBM')`);
  if (widened === create || !widened.includes(`'WEBM'`)) throw new Error(`unexpected recordings table: ${create}`);
  await sql.raw(widened).execute(db);
  await sql`insert into recordings_new select * from recordings`.execute(db);
  await db.schema.dropTable('recordings').execute();
  await db.schema.alterTable('recordings_new').renameTo('recordings').execute();
  await db.schema
    .createIndex('recordings_meeting_start')
    .on('recordings')
    .columns(['meeting_id', 'record_start'])
    .execute();
}
