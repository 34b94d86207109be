import type { SelectQueryBuilder } from 'kysely';
import type { Database, Db, MeetingRow, MeetingUpdate, NewMeeting } from './database.js';
import { forUpdate, skipLocked } from './dialect.js';

export const MeetingStatus = { scheduled: 0, live: 2, ended: 3, cancelled: 9 } as const;
export const DelFlag = { normal: 1, deleted: 2 } as const;

/** Statuses that hold a user's slot and the site's licence. */
const OCCUPYING = [MeetingStatus.scheduled, MeetingStatus.live];

/** Inserts a meeting; answers undefined when its conf_number is taken (the caller draws another). */
export async function insertMeeting(db: Db, meeting: NewMeeting): Promise<MeetingRow | undefined> {
  return db
    .insertInto('meetings')
    .values(meeting)
    .onConflict((oc) => oc.column('conf_number').doNothing())
    .returningAll()
    .executeTakeFirst();
}

/** A site's meeting by confId; `lock` holds its row for the transaction. */
export async function findMeeting(db: Db, siteId: number, confId: number, lock = false): Promise<MeetingRow | undefined> {
  const query = db.selectFrom('meetings').selectAll().where('id', '=', confId).where('site_id', '=', siteId);
  return (lock ? forUpdate(db, query) : query).executeTakeFirst();
}

export async function findMeetingByNumber(db: Db, siteId: number, confNumber: string): Promise<MeetingRow | undefined> {
  return db.selectFrom('meetings').selectAll().where('conf_number', '=', confNumber).where('site_id', '=', siteId).executeTakeFirst();
}

export async function updateMeeting(db: Db, id: number, changes: MeetingUpdate): Promise<MeetingRow> {
  return db.updateTable('meetings').set(changes).where('id', '=', id).returningAll().executeTakeFirstOrThrow();
}

export interface OverlapQuery {
  /** [from, to): only occupation inside it matters. */
  from: number;
  to: number;
  /** Longest window any meeting can have: bounds the index range scanned. */
  maxWindowMs: number;
  excludeId?: number | undefined;
}

/**
 * Scheduled or live, not deleted, window overlapping [from, to), not `excludeId`. The lower bound on
 * window_start (no window is longer than maxWindowMs) keeps the index range to the overlapping few.
 */
function occupying(q: OverlapQuery) {
  return <QB extends SelectQueryBuilder<Database, 'meetings', any>>(query: QB): QB => {
    let filtered = query
      .where('conf_status', 'in', OCCUPYING)
      .where('window_start', '>', q.from - q.maxWindowMs)
      .where('window_start', '<', q.to)
      .where('window_end', '>', q.from)
      .where('conf_del_flag', '=', DelFlag.normal);
    if (q.excludeId !== undefined) filtered = filtered.where('id', '<>', q.excludeId);
    return filtered as QB;
  };
}

/** Windows and parties of a site's scheduled and live meetings that overlap [from, to). */
export async function siteOccupations(db: Db, siteId: number, q: OverlapQuery) {
  const query = db
    .selectFrom('meetings')
    .select(['window_start', 'window_end', 'conf_parties'])
    .where('site_id', '=', siteId)
    .$call(occupying(q));
  const rows = await query.execute();
  return rows.map((r) => ({ start: r.window_start, end: r.window_end, parties: r.conf_parties }));
}

/** The confId of one of the user's scheduled or live meetings overlapping [from, to), if any. */
export async function userOverlap(db: Db, userPk: number, q: OverlapQuery): Promise<number | undefined> {
  const query = db
    .selectFrom('meetings')
    .select('id')
    .where('user_pk', '=', userPk)
    .$call(occupying(q));
  const row = await query.limit(1).executeTakeFirst();
  return row?.id;
}

/** Of `roomIds`, those booked by a scheduled or live meeting overlapping [from, to). */
export async function busyRooms(db: Db, roomIds: number[], q: OverlapQuery): Promise<Set<number>> {
  if (roomIds.length === 0) return new Set();
  const query = db
    .selectFrom('meetings')
    .select('room_id')
    .distinct()
    .where('room_id', 'in', roomIds)
    .$call(occupying(q));
  const rows = await query.execute();
  return new Set(rows.map((r) => r.room_id!));
}

/**
 * Marks scheduled meetings whose window has passed as ended (3): unheld ones are finished
 * (NOTES.md), held ones are over. Scoped to one user or one meeting, or all meetings.
 */
export async function settleFinished(db: Db, now: number, scope: { userPk?: number; meetingId?: number } = {}): Promise<number> {
  let due = db
    .selectFrom('meetings')
    .select('id')
    .where('conf_status', '=', MeetingStatus.scheduled)
    .where('window_end', '<=', now);
  if (scope.userPk !== undefined) due = due.where('user_pk', '=', scope.userPk);
  if (scope.meetingId !== undefined) due = due.where('id', '=', scope.meetingId);
  // Nearly always nothing is due: a read that finds so stays a read, and takes no write lock.
  if (!(await due.limit(1).executeTakeFirst())) return 0;
  const result = await db
    .updateTable('meetings')
    .set({ conf_status: MeetingStatus.ended, updated_at: now })
    .where('id', 'in', skipLocked(db, due))
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}

export interface ListQuery {
  owner: { siteId: number } | { userPk: number };
  status: number;
  /** Inclusive bounds on the meeting's start time. */
  startFrom?: number | undefined;
  startTo?: number | undefined;
  offset: number;
  limit: number;
}

/** One page of meetings in a state, in (start_time, id) order, each with its host's userId and name. */
export async function listMeetings(db: Db, q: ListQuery) {
  // The page's ids come from the list index alone (it covers every column used), so the rows skipped
  // by the offset cost an index step each, not a row and a user lookup; only the page is joined.
  let page = db
    .selectFrom('meetings')
    .select('id')
    .where('conf_status', '=', q.status)
    .where('conf_del_flag', '=', DelFlag.normal);
  page = 'siteId' in q.owner ? page.where('site_id', '=', q.owner.siteId) : page.where('user_pk', '=', q.owner.userPk);
  if (q.startFrom !== undefined) page = page.where('start_time', '>=', q.startFrom);
  if (q.startTo !== undefined) page = page.where('start_time', '<=', q.startTo);
  page = page.orderBy('start_time').orderBy('id').offset(q.offset).limit(q.limit);
  return db
    .selectFrom('meetings')
    .innerJoin('users', 'users.id', 'meetings.user_pk')
    .selectAll('meetings')
    .select(['users.user_id as host_user_id', 'users.user_name as host_user_name'])
    .where('meetings.id', 'in', page)
    .orderBy('meetings.start_time')
    .orderBy('meetings.id')
    .execute();
}

export type ListedMeeting = Awaited<ReturnType<typeof listMeetings>>[number];

export async function countMeetings(db: Db, q: Omit<ListQuery, 'offset' | 'limit'>): Promise<number> {
  let query = db
    .selectFrom('meetings')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('conf_status', '=', q.status)
    .where('conf_del_flag', '=', DelFlag.normal);
  query = 'siteId' in q.owner ? query.where('site_id', '=', q.owner.siteId) : query.where('user_pk', '=', q.owner.userPk);
  if (q.startFrom !== undefined) query = query.where('start_time', '>=', q.startFrom);
  if (q.startTo !== undefined) query = query.where('start_time', '<=', q.startTo);
  const row = await query.executeTakeFirstOrThrow();
  return Number(row.n);
}

/** How many of the user's not-deleted meetings are in `status`. */
export async function countUserMeetings(db: Db, userPk: number, status: number): Promise<number> {
  const row = await db
    .selectFrom('meetings')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('user_pk', '=', userPk)
    .where('conf_status', '=', status)
    .where('conf_del_flag', '=', DelFlag.normal)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/**
 * Removes every meeting of a deleted user from view (`conf_del_flag` 2); the scheduled ones are
 * cancelled too, so they stop holding the site's licence.
 */
export async function deleteUserMeetings(db: Db, userPk: number, now: number): Promise<void> {
  await db
    .updateTable('meetings')
    .set({ conf_status: MeetingStatus.cancelled, updated_at: now })
    .where('user_pk', '=', userPk)
    .where('conf_status', '=', MeetingStatus.scheduled)
    .execute();
  await db.updateTable('meetings').set({ conf_del_flag: DelFlag.deleted, updated_at: now }).where('user_pk', '=', userPk).execute();
}

/** A meeting by confId, whatever its site (housekeeping); `lock` holds its row. */
export async function findMeetingById(db: Db, id: number, lock = false): Promise<MeetingRow | undefined> {
  const query = db.selectFrom('meetings').selectAll().where('id', '=', id);
  return (lock ? forUpdate(db, query) : query).executeTakeFirst();
}

/** A meeting by its conference number, whatever its site (numbers are unique across sites). */
export async function findMeetingByConfNumber(db: Db, confNumber: string): Promise<MeetingRow | undefined> {
  return db.selectFrom('meetings').selectAll().where('conf_number', '=', confNumber).executeTakeFirst();
}

/** Live meetings whose window has ended (the sweeper ends them). */
export async function overdueLiveMeetings(db: Db, now: number): Promise<number[]> {
  const rows = await db
    .selectFrom('meetings')
    .select('id')
    .where('conf_status', '=', MeetingStatus.live)
    .where('window_end', '<=', now)
    .execute();
  return rows.map((r) => r.id);
}
