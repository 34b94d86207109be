import type { Insertable, Selectable } from 'kysely';
import type { Db, SfuRecordingsTable } from './database.js';

export type SfuRecordingRow = Selectable<SfuRecordingsTable>;
export type NewSfuRecording = Pick<
  Insertable<SfuRecordingsTable>,
  'site_id' | 'meeting_id' | 'session_id' | 'room_id' | 'dir' | 'started_at'
>;

/**
 * Inserts the session's recording in state `recording`, unless one is recording already (then answers
 * that one, `inserted: false`). Two processes inserting at once: the partial unique index lets one in,
 * the other reads its row.
 */
export async function insertLiveRecording(
  db: Db,
  row: NewSfuRecording,
): Promise<{ recording: SfuRecordingRow; inserted: boolean }> {
  const existing = await liveRecordingOf(db, row.session_id);
  if (existing) return { recording: existing, inserted: false };
  try {
    const recording = await db
      .insertInto('sfu_recordings')
      .values({ ...row, state: 'recording', updated_at: row.started_at })
      .returningAll()
      .executeTakeFirstOrThrow();
    return { recording, inserted: true };
  } catch (err) {
    const winner = await liveRecordingOf(db, row.session_id);
    if (winner) return { recording: winner, inserted: false };
    throw err;
  }
}

/** Deletes a recording that never began (Janus refused to record). */
export async function discardLiveRecording(db: Db, id: number): Promise<void> {
  await db.deleteFrom('sfu_recordings').where('id', '=', id).where('state', '=', 'recording').execute();
}

/** The session's recording in state `recording`, if any. */
export async function liveRecordingOf(db: Db, sessionId: number): Promise<SfuRecordingRow | undefined> {
  return db
    .selectFrom('sfu_recordings')
    .selectAll()
    .where('session_id', '=', sessionId)
    .where('state', '=', 'recording')
    .executeTakeFirst();
}

/** Recordings in state `recording` whose session is still on (every meeting's). */
export async function liveRecordings(db: Db): Promise<SfuRecordingRow[]> {
  return db
    .selectFrom('sfu_recordings')
    .innerJoin('sessions', 'sessions.id', 'sfu_recordings.session_id')
    .selectAll('sfu_recordings')
    .where('sfu_recordings.state', '=', 'recording')
    .where('sessions.ended_at', 'is', null)
    .orderBy('sfu_recordings.id')
    .execute();
}

export async function findSfuRecording(db: Db, id: number): Promise<SfuRecordingRow | undefined> {
  return db.selectFrom('sfu_recordings').selectAll().where('id', '=', id).executeTakeFirst();
}

/** `recording` → `queued`: answers whether this call did it (a second stop finds it queued already). */
export async function queueRecording(db: Db, id: number, stoppedAt: number): Promise<boolean> {
  const result = await db
    .updateTable('sfu_recordings')
    .set({ state: 'queued', stopped_at: stoppedAt, progress: 0, updated_at: stoppedAt })
    .where('id', '=', id)
    .where('state', '=', 'recording')
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** Recordings still `recording` whose session has ended (the end was not seen, or its process died). */
export async function recordingsOfEndedSessions(db: Db): Promise<(SfuRecordingRow & { ended_at: number })[]> {
  const rows = await db
    .selectFrom('sfu_recordings')
    .innerJoin('sessions', 'sessions.id', 'sfu_recordings.session_id')
    .selectAll('sfu_recordings')
    .select('sessions.ended_at')
    .where('sfu_recordings.state', '=', 'recording')
    .where('sessions.ended_at', 'is not', null)
    .execute();
  return rows as (SfuRecordingRow & { ended_at: number })[];
}

/** Jobs that may be taken at `now`, oldest first: queued or composing, their lease (or retry pause) over. */
export async function takeableJobs(db: Db, now: number, limit: number): Promise<SfuRecordingRow[]> {
  return db
    .selectFrom('sfu_recordings')
    .selectAll()
    .where('state', 'in', ['queued', 'composing'])
    .where((eb) => eb.or([eb('lease_until', 'is', null), eb('lease_until', '<', now)]))
    .orderBy('id')
    .limit(limit)
    .execute();
}

/**
 * Takes the job for `owner` until `until` when nobody holds it (one conditional UPDATE: of two processes
 * exactly one gets it), counting an attempt; answers the row when taken.
 */
export async function takeJob(
  db: Db,
  id: number,
  owner: string,
  until: number,
  now: number,
): Promise<SfuRecordingRow | undefined> {
  return db
    .updateTable('sfu_recordings')
    .set((eb) => ({
      state: 'composing',
      lease_owner: owner,
      lease_until: until,
      attempts: eb('attempts', '+', 1),
      updated_at: now,
    }))
    .where('id', '=', id)
    .where('state', 'in', ['queued', 'composing'])
    .where((eb) => eb.or([eb('lease_until', 'is', null), eb('lease_until', '<', now)]))
    .returningAll()
    .executeTakeFirst();
}

/** Extends `owner`'s lease and records progress; answers whether `owner` still holds the job. */
export async function renewJob(
  db: Db,
  id: number,
  owner: string,
  until: number,
  progress: number,
  now: number,
): Promise<boolean> {
  const result = await db
    .updateTable('sfu_recordings')
    .set({ lease_until: until, progress, updated_at: now })
    .where('id', '=', id)
    .where('state', '=', 'composing')
    .where('lease_owner', '=', owner)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** The job made recording `recordId`; answers whether `owner` still held it (else nothing changes). */
export async function finishJob(db: Db, id: number, owner: string, recordId: number, now: number): Promise<boolean> {
  const result = await db
    .updateTable('sfu_recordings')
    .set({ state: 'done', record_id: recordId, progress: 100, lease_owner: null, lease_until: null, updated_at: now })
    .where('id', '=', id)
    .where('state', '=', 'composing')
    .where('lease_owner', '=', owner)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/**
 * An attempt of `owner` ended without a recording: `failed` for good, or back in the queue until
 * `retryAt`. `attempts` is lowered by `refund` when the attempt was cut off rather than failed (shutdown).
 */
export async function releaseJob(
  db: Db,
  id: number,
  owner: string,
  outcome: { failed: boolean; error: string; retryAt: number; refund?: boolean },
  now: number,
): Promise<boolean> {
  const result = await db
    .updateTable('sfu_recordings')
    .set((eb) => ({
      state: outcome.failed ? 'failed' : 'queued',
      error: outcome.error.slice(0, 1000),
      lease_owner: null,
      lease_until: outcome.failed ? null : outcome.retryAt,
      ...(outcome.failed ? {} : { progress: 0 }),
      ...(outcome.refund ? { attempts: eb('attempts', '-', 1) } : {}),
      updated_at: now,
    }))
    .where('id', '=', id)
    .where('state', '=', 'composing')
    .where('lease_owner', '=', owner)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** A meeting's recordings, newest first. */
export async function sfuRecordingsOfMeeting(db: Db, meetingId: number, limit = 20): Promise<SfuRecordingRow[]> {
  return db
    .selectFrom('sfu_recordings')
    .selectAll()
    .where('meeting_id', '=', meetingId)
    .orderBy('id', 'desc')
    .limit(limit)
    .execute();
}
