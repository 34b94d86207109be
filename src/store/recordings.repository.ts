import type { Insertable, Selectable } from 'kysely';
import type { Db, MeetingRow, RecordingsTable, SiteRow } from './database.js';
import { DelFlag } from './meetings.repository.js';

export type RecordingRow = Selectable<RecordingsTable>;
export type NewRecording = Insertable<RecordingsTable>;

export async function insertRecording(db: Db, recording: NewRecording): Promise<RecordingRow> {
  return db.insertInto('recordings').values(recording).returningAll().executeTakeFirstOrThrow();
}

/** A meeting's recordings by start time. */
export async function recordingsOfMeeting(db: Db, meetingId: number): Promise<RecordingRow[]> {
  return db
    .selectFrom('recordings')
    .selectAll()
    .where('meeting_id', '=', meetingId)
    .orderBy('record_start')
    .orderBy('id')
    .execute();
}

/** A recording with the site and meeting it belongs to, or undefined when there is no such recording. */
export async function findRecordingWithOwners(
  db: Db,
  id: number,
): Promise<{ recording: RecordingRow; site: SiteRow; meeting: MeetingRow } | undefined> {
  const recording = await db.selectFrom('recordings').selectAll().where('id', '=', id).executeTakeFirst();
  if (!recording) return undefined;
  const site = await db.selectFrom('sites').selectAll().where('id', '=', recording.site_id).executeTakeFirstOrThrow();
  const meeting = await db
    .selectFrom('meetings')
    .selectAll()
    .where('id', '=', recording.meeting_id)
    .executeTakeFirstOrThrow();
  return { recording, site, meeting };
}

/** The site's recordings of meetings not deleted (those 2.19 lists), newest first, at most `limit`, and how many. */
export async function siteRecordings(db: Db, siteId: number, limit: number) {
  const listed = db
    .selectFrom('recordings')
    .innerJoin('meetings', 'meetings.id', 'recordings.meeting_id')
    .where('recordings.site_id', '=', siteId)
    .where('meetings.conf_del_flag', '=', DelFlag.normal);
  const rows = await listed
    .selectAll('recordings')
    .select(['meetings.conf_number', 'meetings.conf_name'])
    .orderBy('recordings.record_start', 'desc')
    .orderBy('recordings.id', 'desc')
    .limit(limit)
    .execute();
  const { n } = await listed.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  return { rows, total: Number(n) };
}

/**
 * Deletes the site's recording `id` and what points at it (the finished upload that made it, the SFU job's
 * `record_id`), in the caller's transaction; answers the deleted row, or undefined when the site has no such
 * recording (or another process deleted it first: one DELETE, so only one of them gets the row).
 */
export async function deleteRecordingRow(db: Db, siteId: number, id: number): Promise<RecordingRow | undefined> {
  const row = await db
    .deleteFrom('recordings')
    .where('id', '=', id)
    .where('site_id', '=', siteId)
    .returningAll()
    .executeTakeFirst();
  if (!row) return undefined;
  await db.deleteFrom('recording_uploads').where('record_id', '=', id).execute();
  await db.updateTable('sfu_recordings').set({ record_id: null }).where('record_id', '=', id).execute();
  return row;
}
