import { sql, type Insertable, type Selectable } from 'kysely';
import type { Db, ParticipationRow, RecordingUploadsTable } from './database.js';
import { lockKey, LockSpace } from './dialect.js';

export type UploadRow = Selectable<RecordingUploadsTable>;
export type NewUpload = Omit<
  Insertable<RecordingUploadsTable>,
  'reserved_bytes' | 'finisher' | 'finishing_until' | 'record_id' | 'file_size' | 'duration_ms'
>;

/**
 * Inserts the upload unless its meeting has `maxOpen` open uploads already (unfinished, with a chunk or
 * their start since `activeSince`); answers whether it did. Call it in a transaction: several processes
 * at once never pass the cap, for the meeting's uploads are locked until it ends (PostgreSQL), and the
 * count and the insert are one statement (SQLite's single writer).
 */
export async function insertUploadUnderCap(
  trx: Db,
  upload: NewUpload,
  maxOpen: number,
  activeSince: number,
): Promise<boolean> {
  await lockKey(trx, LockSpace.recordingUploadsOfMeeting, upload.meeting_id);
  const openCount = trx
    .selectFrom('recording_uploads')
    .select((eb) => eb.fn.countAll().as('n'))
    .where('meeting_id', '=', upload.meeting_id)
    .where('record_id', 'is', null)
    .where('updated_at', '>=', activeSince);
  const result = await trx
    .insertInto('recording_uploads')
    .columns(['id', 'site_id', 'meeting_id', 'ticket', 'file_type', 'started_at', 'updated_at'])
    .expression((eb) =>
      trx
        .selectNoFrom([
          eb.val(upload.id).as('id'),
          eb.val(upload.site_id).as('site_id'),
          eb.val(upload.meeting_id).as('meeting_id'),
          eb.val(upload.ticket).as('ticket'),
          eb.val(upload.file_type).as('file_type'),
          eb.val(upload.started_at).as('started_at'),
          eb.val(upload.updated_at).as('updated_at'),
        ])
        .where(openCount, '<', maxOpen),
    )
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0) === 1;
}

export async function findUpload(db: Db, id: string): Promise<UploadRow | undefined> {
  return db.selectFrom('recording_uploads').selectAll().where('id', '=', id).executeTakeFirst();
}

/**
 * Adds `bytes` to the upload's reservation when the total stays within `maxBytes` and the upload is
 * not finished or being finished; one statement, so two processes never both pass the limit. Answers
 * whether it did.
 */
export async function reserveBytes(db: Db, id: string, bytes: number, maxBytes: number, now: number): Promise<boolean> {
  const result = await db
    .updateTable('recording_uploads')
    .set((eb) => ({ reserved_bytes: eb('reserved_bytes', '+', bytes), updated_at: now }))
    .where('id', '=', id)
    .where('record_id', 'is', null)
    .where('finisher', 'is', null)
    .where(sql<number>`reserved_bytes + ${bytes}`, '<=', maxBytes)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** Gives back bytes reserved and not kept. */
export async function releaseBytes(db: Db, id: string, bytes: number): Promise<void> {
  if (bytes <= 0) return;
  await db
    .updateTable('recording_uploads')
    .set((eb) => ({ reserved_bytes: eb('reserved_bytes', '-', bytes) }))
    .where('id', '=', id)
    .execute();
}

/**
 * Takes the finish of an unfinished upload for `finisher` until `until`, unless someone else holds it
 * and their hold has not run out; answers the row when taken.
 */
export async function claimFinish(
  db: Db,
  id: string,
  finisher: string,
  until: number,
  now: number,
): Promise<UploadRow | undefined> {
  return db
    .updateTable('recording_uploads')
    .set({ finisher, finishing_until: until })
    .where('id', '=', id)
    .where('record_id', 'is', null)
    .where((eb) => eb.or([eb('finisher', 'is', null), eb('finishing_until', '<', now)]))
    .returningAll()
    .executeTakeFirst();
}

/** Extends the hold on a finish; answers whether `finisher` still holds it. */
export async function renewFinish(db: Db, id: string, finisher: string, until: number): Promise<boolean> {
  const result = await db
    .updateTable('recording_uploads')
    .set({ finishing_until: until })
    .where('id', '=', id)
    .where('finisher', '=', finisher)
    .where('record_id', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** Lets go of a finish that did not happen (chunks missing), so that it can be asked again. */
export async function releaseFinish(db: Db, id: string, finisher: string): Promise<void> {
  await db
    .updateTable('recording_uploads')
    .set({ finisher: null, finishing_until: null })
    .where('id', '=', id)
    .where('finisher', '=', finisher)
    .execute();
}

/**
 * Records the upload's recording, in the transaction that makes the recording; answers false (and
 * changes nothing) when `finisher` no longer holds the finish, so that the caller rolls back.
 */
export async function markFinished(
  db: Db,
  id: string,
  finisher: string,
  finished: { recordId: number; fileSize: number; durationMs: number | null },
  now: number,
): Promise<boolean> {
  const result = await db
    .updateTable('recording_uploads')
    .set({
      record_id: finished.recordId,
      file_size: finished.fileSize,
      duration_ms: finished.durationMs,
      finisher: null,
      finishing_until: null,
      updated_at: now,
    })
    .where('id', '=', id)
    .where('finisher', '=', finisher)
    .where('record_id', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** Deletes an upload whose finish `finisher` holds (a refused finish). */
export async function deleteHeldUpload(db: Db, id: string, finisher: string): Promise<void> {
  await db
    .deleteFrom('recording_uploads')
    .where('id', '=', id)
    .where('finisher', '=', finisher)
    .where('record_id', 'is', null)
    .execute();
}

/**
 * Deletes the uploads abandoned before `activeSince` (unfinished, no finish held at `now`) and the
 * finished ones last touched before `finishedSince`; answers the ids of the abandoned ones.
 */
export async function deleteStaleUploads(
  db: Db,
  activeSince: number,
  finishedSince: number,
  now: number,
): Promise<string[]> {
  const abandoned = await db
    .deleteFrom('recording_uploads')
    .where('record_id', 'is', null)
    .where('updated_at', '<', activeSince)
    .where((eb) => eb.or([eb('finisher', 'is', null), eb('finishing_until', '<', now)]))
    .returning('id')
    .execute();
  await db
    .deleteFrom('recording_uploads')
    .where('record_id', 'is not', null)
    .where('updated_at', '<', finishedSince)
    .execute();
  return abandoned.map((r) => r.id);
}

/** Of `ids`, those of unfinished uploads (whose staged chunks are still wanted). */
export async function unfinishedAmong(db: Db, ids: string[]): Promise<Set<string>> {
  const found = new Set<string>();
  for (let i = 0; i < ids.length; i += 500) {
    const rows = await db
      .selectFrom('recording_uploads')
      .select('id')
      .where('id', 'in', ids.slice(i, i + 500))
      .where('record_id', 'is', null)
      .execute();
    for (const row of rows) found.add(row.id);
  }
  return found;
}

/** The ticket's latest participation in the meeting, in it now or not. */
export async function lastParticipationOf(
  db: Db,
  meetingId: number,
  ticket: string,
): Promise<ParticipationRow | undefined> {
  return db
    .selectFrom('participations')
    .selectAll()
    .where('meeting_id', '=', meetingId)
    .where('ticket', '=', ticket)
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirst();
}
