import type { Insertable, Selectable } from 'kysely';
import type { Db, SfuRoomsTable } from './database.js';

export type SfuRoomRow = Selectable<SfuRoomsTable>;
export type NewSfuRoom = Omit<Insertable<SfuRoomsTable>, 'destroyed_at'>;

/** The session's room placement, if any. */
export async function findSfuRoom(db: Db, sessionId: number): Promise<SfuRoomRow | undefined> {
  return db.selectFrom('sfu_rooms').selectAll().where('session_id', '=', sessionId).executeTakeFirst();
}

/**
 * Places the session's room as `row` unless it is placed already: answers the row that holds, this one
 * or the one another process inserted first (the primary key settles the race).
 */
export async function placeSfuRoom(db: Db, row: NewSfuRoom): Promise<SfuRoomRow> {
  await db
    .insertInto('sfu_rooms')
    .values(row)
    .onConflict((oc) => oc.column('session_id').doNothing())
    .execute();
  return db.selectFrom('sfu_rooms').selectAll().where('session_id', '=', row.session_id).executeTakeFirstOrThrow();
}

/**
 * Moves a live placement from an instance no longer configured to `instanceUrl` (with a new room id);
 * answers the row that holds afterwards (another process may have moved it first).
 */
export async function moveSfuRoom(
  db: Db,
  sessionId: number,
  from: string,
  to: { instance_url: string; room_id: number },
): Promise<SfuRoomRow> {
  await db
    .updateTable('sfu_rooms')
    .set(to)
    .where('session_id', '=', sessionId)
    .where('instance_url', '=', from)
    .where('destroyed_at', 'is', null)
    .execute();
  return db.selectFrom('sfu_rooms').selectAll().where('session_id', '=', sessionId).executeTakeFirstOrThrow();
}

/** Live rooms per instance (instances without one are absent). */
export async function liveSfuRoomCounts(db: Db): Promise<Map<string, number>> {
  const rows = await db
    .selectFrom('sfu_rooms')
    .select(['instance_url', (eb) => eb.fn.countAll<number>().as('rooms')])
    .where('destroyed_at', 'is', null)
    .groupBy('instance_url')
    .execute();
  return new Map(rows.map((r) => [r.instance_url, Number(r.rooms)]));
}

/** Marks the session's room destroyed; answers whether this call did (false: already, or no room). */
export async function markSfuRoomDestroyed(db: Db, sessionId: number, at: number): Promise<boolean> {
  const result = await db
    .updateTable('sfu_rooms')
    .set({ destroyed_at: at })
    .where('session_id', '=', sessionId)
    .where('destroyed_at', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** Live rooms whose session has ended, oldest first: the background sweep destroys them. */
export async function sfuRoomsOfEndedSessions(db: Db, limit = 100): Promise<SfuRoomRow[]> {
  return db
    .selectFrom('sfu_rooms')
    .innerJoin('sessions', 'sessions.id', 'sfu_rooms.session_id')
    .selectAll('sfu_rooms')
    .where('sfu_rooms.destroyed_at', 'is', null)
    .where('sessions.ended_at', 'is not', null)
    .orderBy('sfu_rooms.created_at')
    .limit(limit)
    .execute();
}
