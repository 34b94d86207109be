import type { Insertable, Selectable } from 'kysely';
import type { Db, MeetingRow, RecordingsTable, SiteRow } from './database.js';

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
