import type { Selectable } from 'kysely';
import type { Db, LiveStreamState, LiveStreamsTable } from './database.js';

export type LiveStreamRow = Selectable<LiveStreamsTable>;

/** The session's live stream row, written afresh when the host goes live (again). */
export async function upsertLiveStream(db: Db, row: LiveStreamRow): Promise<void> {
  await db
    .insertInto('live_streams')
    .values(row)
    .onConflict((oc) =>
      oc.column('session_id').doUpdateSet({
        state: row.state,
        rtmp: row.rtmp,
        hls: row.hls,
        error: row.error,
        started_at: row.started_at,
        updated_at: row.updated_at,
      }),
    )
    .execute();
}

/** Sets the state (and its error, empty unless failed); `updated_at` also serves as the running process's heartbeat. */
export async function setLiveState(
  db: Db,
  sessionId: number,
  state: LiveStreamState,
  error: string,
  now: number,
): Promise<void> {
  await db
    .updateTable('live_streams')
    .set({ state, error, updated_at: now })
    .where('session_id', '=', sessionId)
    .execute();
}

/** Marks a running stream as still running. */
export async function touchLiveStream(db: Db, sessionId: number, now: number): Promise<void> {
  await db
    .updateTable('live_streams')
    .set({ updated_at: now })
    .where('session_id', '=', sessionId)
    .where('state', 'in', ['starting', 'live'])
    .execute();
}

/** The meeting's newest live stream row, with whether its session has ended. */
export async function latestLiveStream(
  db: Db,
  meetingId: number,
): Promise<(LiveStreamRow & { session_ended: boolean }) | undefined> {
  const row = await db
    .selectFrom('live_streams')
    .innerJoin('sessions', 'sessions.id', 'live_streams.session_id')
    .selectAll('live_streams')
    .select('sessions.ended_at')
    .where('live_streams.meeting_id', '=', meetingId)
    .orderBy('live_streams.started_at', 'desc')
    .limit(1)
    .executeTakeFirst();
  if (!row) return undefined;
  const { ended_at, ...stream } = row;
  return { ...stream, session_ended: ended_at !== null };
}

/** Whether the session has ended (or does not exist). */
export async function isSessionEnded(db: Db, sessionId: number): Promise<boolean> {
  const row = await db.selectFrom('sessions').select('ended_at').where('id', '=', sessionId).executeTakeFirst();
  return !row || row.ended_at !== null;
}
