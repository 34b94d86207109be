import type { SelectQueryBuilder } from 'kysely';
import type { Database, Db, MeetingRow, MeetingUpdate, NewMeeting } from './database.js';
import { forUpdate, isPostgres, skipLocked } from './dialect.js';
import { changeOccupancy, moveOccupancy, sitePeak, type Occupancy } from './occupancy.repository.js';
import { rebuildOccupancy as rebuildTimeline } from './migrations/0016-occupancy-timeline.js';
import { prepared, preparedByColumns } from './prepared.js';

export const MeetingStatus = { scheduled: 0, live: 2, ended: 3, cancelled: 9 } as const;
export const DelFlag = { normal: 1, deleted: 2 } as const;

/** Statuses that hold a user's slot and the site's licence. */
const OCCUPYING = [MeetingStatus.scheduled, MeetingStatus.live];

/**
 * Every write to `meetings` is in this file, and each one that can change a meeting's occupancy (its status,
 * deletion, window or parties) moves the site's occupancy timeline in the same transaction
 * (occupancy.repository.ts); test/store/occupancy.test.ts holds other code to that.
 */
type OccupancyColumns = Pick<
  MeetingRow,
  'site_id' | 'window_start' | 'window_end' | 'conf_parties' | 'conf_status' | 'conf_del_flag'
>;
const OCCUPANCY_COLUMNS = [
  'site_id',
  'window_start',
  'window_end',
  'conf_parties',
  'conf_status',
  'conf_del_flag',
] as const;

/** What the meeting adds to its site's occupancy: its parties over its window while scheduled or live, not deleted. */
export function occupancyOf(row: OccupancyColumns): Occupancy | undefined {
  if (!(OCCUPYING as number[]).includes(row.conf_status) || row.conf_del_flag !== DelFlag.normal) return undefined;
  return { siteId: row.site_id, start: row.window_start, end: row.window_end, parties: row.conf_parties };
}

/** Runs `work` in `db` when it is a transaction, else in a transaction of its own. */
function inTransaction<T>(db: Db, work: (trx: Db) => Promise<T>): Promise<T> {
  return db.isTransaction ? work(db) : db.transaction().execute(work);
}

/** Inserts a meeting; answers undefined when its conf_number is taken (the caller draws another). */
export async function insertMeeting(db: Db, meeting: NewMeeting): Promise<MeetingRow | undefined> {
  return inTransaction(db, async (trx) => {
    const [row] = (await trx.executeQuery(meetingInsert(trx, meeting))).rows;
    if (row) await moveOccupancy(trx, undefined, occupancyOf(row));
    return row;
  });
}

const meetingInsert = preparedByColumns(
  (columns) => (db, p: NewMeeting) =>
    db
      .insertInto('meetings')
      .values(Object.fromEntries(columns.map((c) => [c, p[c as keyof NewMeeting]])) as NewMeeting)
      .onConflict((oc) => oc.column('conf_number').doNothing())
      .returningAll(),
);

const meetingQuery = (db: Db, p: { siteId: number; confId: number }) =>
  db.selectFrom('meetings').selectAll().where('id', '=', p.confId).where('site_id', '=', p.siteId);
const meetingById = prepared(meetingQuery);
const lockedMeetingById = prepared((db, p: { siteId: number; confId: number }) => forUpdate(db, meetingQuery(db, p)));
const meetingByNumber = prepared((db, p: { siteId: number; confNumber: string }) =>
  db.selectFrom('meetings').selectAll().where('conf_number', '=', p.confNumber).where('site_id', '=', p.siteId),
);

/** A site's meeting by confId; `lock` holds its row for the transaction. */
export async function findMeeting(
  db: Db,
  siteId: number,
  confId: number,
  { lock = false }: { lock?: boolean } = {},
): Promise<MeetingRow | undefined> {
  return (lock ? lockedMeetingById : meetingById).first(db, { siteId, confId });
}

export async function findMeetingByNumber(db: Db, siteId: number, confNumber: string): Promise<MeetingRow | undefined> {
  return meetingByNumber.first(db, { siteId, confNumber });
}

const lockedOccupancyColumns = prepared((db, p: { id: number }) =>
  forUpdate(db, db.selectFrom('meetings').select(OCCUPANCY_COLUMNS).where('id', '=', p.id)),
);

/** Changes a meeting; a change of its status, deletion, window or parties moves its occupancy too. */
export async function updateMeeting(db: Db, id: number, changes: MeetingUpdate): Promise<MeetingRow> {
  const update = (trx: Db) =>
    trx.updateTable('meetings').set(changes).where('id', '=', id).returningAll().executeTakeFirstOrThrow();
  if (!OCCUPANCY_COLUMNS.some((column) => changes[column] !== undefined)) return update(db);
  return inTransaction(db, async (trx) => {
    const before = await lockedOccupancyColumns.first(trx, { id });
    const row = await update(trx);
    await moveOccupancy(trx, before && occupancyOf(before), occupancyOf(row));
    return row;
  });
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
  return occupyingBetween({ windowStartAfter: q.from - q.maxWindowMs, from: q.from, to: q.to, excludeId: q.excludeId });
}

/** {@link occupying} with the lower bound on window_start given: a prepared shape passes its placeholders. */
function occupyingBetween(q: { windowStartAfter: number; from: number; to: number; excludeId?: number | undefined }) {
  return <QB extends SelectQueryBuilder<Database, 'meetings', any>>(query: QB): QB => {
    let filtered = query
      .where('conf_status', 'in', OCCUPYING)
      .where('window_start', '>', q.windowStartAfter)
      .where('window_start', '<', q.to)
      .where('window_end', '>', q.from)
      .where('conf_del_flag', '=', DelFlag.normal);
    if (q.excludeId !== undefined) filtered = filtered.where('id', '<>', q.excludeId);
    return filtered as QB;
  };
}

/**
 * Windows and parties of a site's scheduled and live meetings that overlap [from, to), from the
 * occupancy index alone (migration 0009): what the occupancy timeline holds, read from the meetings
 * (the tests' reference for {@link occupancyPeak}).
 */
export async function siteOccupations(db: Db, siteId: number, q: OverlapQuery) {
  const query = db
    .selectFrom('meetings')
    .select(['window_start', 'window_end', 'conf_parties'])
    .where('site_id', '=', siteId)
    .$call(occupying(q));
  const rows = await query.execute();
  return rows.map((r) => ({ start: r.window_start, end: r.window_end, parties: r.conf_parties }));
}

/**
 * The site's peak concurrent parties over [from, to) (what `peakUse` over {@link siteOccupations} answers),
 * from the occupancy timeline: a few dozen rows whatever the number of meetings. `without` (a meeting of
 * the site, as read in this transaction) is left out.
 */
export async function occupancyPeak(
  db: Db,
  siteId: number,
  range: { from: number; to: number },
  without?: MeetingRow,
): Promise<number> {
  return sitePeak(db, siteId, range, without && occupancyOf(without));
}

/**
 * {@link occupancyPeak} leaving out the site's meeting `confNumber` (none when there is no such meeting): the
 * meeting and the timeline are read in one snapshot (PostgreSQL: a repeatable-read transaction), so that what
 * is taken away is what the timeline holds of it.
 */
export async function occupancyPeakWithout(
  db: Db,
  siteId: number,
  range: { from: number; to: number },
  confNumber: string,
): Promise<number> {
  const read = async (trx: Db) => occupancyPeak(trx, siteId, range, await findMeetingByNumber(trx, siteId, confNumber));
  if (db.isTransaction) return read(db);
  const transaction = db.transaction();
  return (isPostgres(db) ? transaction.setIsolationLevel('repeatable read') : transaction).execute(read);
}

/** The confId of one of the user's scheduled or live meetings overlapping [from, to), if any. */
export async function userOverlap(db: Db, userPk: number, q: OverlapQuery): Promise<number | undefined> {
  const row = await userOccupying.first(db, {
    userPk,
    windowStartAfter: q.from - q.maxWindowMs,
    from: q.from,
    to: q.to,
    // No meeting has id 0: "not 0" excludes nothing, so one shape serves both.
    excludeId: q.excludeId ?? 0,
  });
  return row?.id;
}

const userOccupying = prepared(
  (db, p: { userPk: number; windowStartAfter: number; from: number; to: number; excludeId: number }) =>
    db.selectFrom('meetings').select('id').where('user_pk', '=', p.userPk).$call(occupyingBetween(p)).limit(1),
);

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
 * Is any scheduled meeting's window over (of all, of a user, or one meeting)? In window_end order, so that
 * PostgreSQL walks meetings_status_end rather than scanning the table in the hope of meeting a due row early
 * (17 ms at 100,000 meetings, every list call).
 */
const dueQuery = (db: Db, now: number) =>
  db
    .selectFrom('meetings')
    .select('id')
    .where('conf_status', '=', MeetingStatus.scheduled)
    .where('window_end', '<=', now)
    .orderBy('window_end')
    .limit(1);
const siteDue = prepared((db, p: { now: number }) => dueQuery(db, p.now));
const userDue = prepared((db, p: { now: number; userPk: number }) =>
  dueQuery(db, p.now).where('user_pk', '=', p.userPk),
);
const meetingDue = prepared((db, p: { now: number; meetingId: number }) =>
  dueQuery(db, p.now).where('id', '=', p.meetingId),
);

/**
 * Marks scheduled meetings whose window has passed as ended (3): unheld ones are finished
 * (NOTES.md), held ones are over. Scoped to one user or one meeting, or all meetings.
 */
export async function settleFinished(
  db: Db,
  now: number,
  scope: { userPk?: number; meetingId?: number } = {},
): Promise<number> {
  const due = (d: Db) => {
    let query = d
      .selectFrom('meetings')
      .select('id')
      .where('conf_status', '=', MeetingStatus.scheduled)
      .where('window_end', '<=', now);
    if (scope.userPk !== undefined) query = query.where('user_pk', '=', scope.userPk);
    if (scope.meetingId !== undefined) query = query.where('id', '=', scope.meetingId);
    return query;
  };
  // Nearly always nothing is due: a read that finds so stays a read, and takes no write lock.
  const anyDue =
    scope.userPk !== undefined
      ? await userDue.first(db, { now, userPk: scope.userPk })
      : scope.meetingId !== undefined
        ? await meetingDue.first(db, { now, meetingId: scope.meetingId })
        : await siteDue.first(db, { now });
  if (!anyDue) return 0;
  return inTransaction(db, async (trx) => {
    const settled = await trx
      .updateTable('meetings')
      .set({ conf_status: MeetingStatus.ended, updated_at: now })
      .where('id', 'in', skipLocked(trx, due(trx)))
      .returning(OCCUPANCY_COLUMNS)
      .execute();
    // Each was scheduled: it occupied unless deleted.
    await changeOccupancy(trx, leaving(settled.map((row) => ({ ...row, conf_status: MeetingStatus.scheduled }))));
    return settled.length;
  });
}

/** Changes that take the occupancy of `rows` away. */
function leaving(rows: OccupancyColumns[]): Occupancy[] {
  return rows.flatMap((row) => {
    const occupancy = occupancyOf(row);
    return occupancy ? [{ ...occupancy, parties: -occupancy.parties }] : [];
  });
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

const DAY_MS = 86_400_000;

/**
 * One page of not-deleted meetings in a state, in (start_time, id) order, each with its host's userId
 * and name, and how many there are in all.
 *
 * A user's meetings are few: counted and skipped on the list index. A site's can be hundreds of
 * thousands: the total and the day the page starts on come from `meeting_day_counts` (one row per day
 * with meetings), so the index walk is at most that day's meetings, not the pages before it.
 */
export async function listMeetingsPage(db: Db, q: ListQuery): Promise<{ items: ListedMeeting[]; total: number }> {
  if ('userPk' in q.owner) {
    const items = await pageOfList(db, q, q.startFrom, q.offset);
    return { items, total: await countRange(db, q, q.startFrom, q.startTo) };
  }
  const days = await siteDays(db, q.owner.siteId, q);
  let total = 0;
  let start: { from: number | undefined; skip: number } | undefined;
  for (const { day, n } of days) {
    if (!start && total + n > q.offset)
      start = { from: Math.max(day * DAY_MS, q.startFrom ?? -Infinity), skip: q.offset - total };
    total += n;
  }
  return { items: start ? await pageOfList(db, q, start.from, start.skip) : [], total };
}

export type ListedMeeting = Awaited<ReturnType<typeof pageOfList>>[number];

/**
 * The list's queries, each built once per owner kind (`prepared.ts`). A bound left open is passed as the
 * farthest time there is, so one shape serves every call; the index range is the same as without it.
 */
const NO_START = -8.64e15;
const NO_END = 8.64e15;
const NO_DAY = 1e8;

type ListBounds = { status: number; from: number; to: number };
type Owner = { siteId: number } | { userPk: number };

/** The list's rows with a start time in [from, to], on the list index of the owner's kind. */
function listed(db: Db, owner: 'site' | 'user', p: ListBounds & { owner: number }) {
  return db
    .selectFrom('meetings')
    .where('conf_status', '=', p.status)
    .where('conf_del_flag', '=', DelFlag.normal)
    .where(owner === 'site' ? 'site_id' : 'user_pk', '=', p.owner)
    .where('start_time', '>=', p.from)
    .where('start_time', '<=', p.to);
}

// The page's ids come from the list index alone (it covers every column used), so the rows skipped cost an
// index step each, not a row and a user lookup; only the page is joined.
const pageShape = (owner: 'site' | 'user') =>
  prepared((db, p: ListBounds & { owner: number; skip: number; limit: number }) =>
    db
      .selectFrom('meetings')
      .innerJoin('users', 'users.id', 'meetings.user_pk')
      .selectAll('meetings')
      .select(['users.user_id as host_user_id', 'users.user_name as host_user_name'])
      .where(
        'meetings.id',
        'in',
        listed(db, owner, p).select('id').orderBy('start_time').orderBy('id').offset(p.skip).limit(p.limit),
      )
      .orderBy('meetings.start_time')
      .orderBy('meetings.id'),
  );
const countShape = (owner: 'site' | 'user') =>
  prepared((db, p: ListBounds & { owner: number }) =>
    listed(db, owner, p).select((eb) => eb.fn.countAll<number>().as('n')),
  );
const pages = { site: pageShape('site'), user: pageShape('user') };
const counts = { site: countShape('site'), user: countShape('user') };
const siteDayCounts = prepared((db, p: { siteId: number; status: number; firstDay: number; lastDay: number }) =>
  db
    .selectFrom('meeting_day_counts')
    .select(['day', 'n'])
    .where('site_id', '=', p.siteId)
    .where('conf_status', '=', p.status)
    .where('n', '>', 0)
    .where('day', '>=', p.firstDay)
    .where('day', '<=', p.lastDay)
    .orderBy('day'),
);

function ownerOf(owner: Owner): { kind: 'site' | 'user'; owner: number } {
  return 'siteId' in owner ? { kind: 'site', owner: owner.siteId } : { kind: 'user', owner: owner.userPk };
}

/** The list's meetings starting at or after `from` (and within `q.startTo`), skipping `skip` of them. */
async function pageOfList(db: Db, q: ListQuery, from: number | undefined, skip: number) {
  const { kind, owner } = ownerOf(q.owner);
  return pages[kind].all(db, {
    status: q.status,
    owner,
    from: from ?? NO_START,
    to: q.startTo ?? NO_END,
    skip,
    limit: q.limit,
  });
}

async function countRange(db: Db, q: ListQuery, from: number | undefined, to: number | undefined): Promise<number> {
  const { kind, owner } = ownerOf(q.owner);
  const row = await counts[kind].first(db, { status: q.status, owner, from: from ?? NO_START, to: to ?? NO_END });
  return Number(row!.n);
}

/**
 * The site's meetings of the list per day, in day order. A day cut by `startFrom` or `startTo` is
 * counted exactly on the list index instead (at most one day of meetings each).
 */
async function siteDays(db: Db, siteId: number, q: ListQuery): Promise<{ day: number; n: number }[]> {
  const firstDay = q.startFrom === undefined ? undefined : Math.floor(q.startFrom / DAY_MS);
  const lastDay = q.startTo === undefined ? undefined : Math.floor(q.startTo / DAY_MS);
  const rows = await siteDayCounts.all(db, {
    siteId,
    status: q.status,
    firstDay: firstDay ?? -NO_DAY,
    lastDay: lastDay ?? NO_DAY,
  });
  const days = rows.map((r) => ({ day: Number(r.day), n: Number(r.n) }));
  for (const edge of [firstDay, lastDay]) {
    const row = edge === undefined ? undefined : days.find((d) => d.day === edge);
    if (!row) continue;
    const from = Math.max(row.day * DAY_MS, q.startFrom ?? -Infinity);
    const to = Math.min((row.day + 1) * DAY_MS - 1, q.startTo ?? Infinity);
    row.n = await countRange(db, q, from, to);
    if (firstDay === lastDay) break;
  }
  return days;
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
  await inTransaction(db, async (trx) => {
    // Every one of them is deleted afterwards: those that occupy now stop.
    const occupying = await forUpdate(
      trx,
      trx
        .selectFrom('meetings')
        .select(OCCUPANCY_COLUMNS)
        .where('user_pk', '=', userPk)
        .where('conf_status', 'in', OCCUPYING)
        .where('conf_del_flag', '=', DelFlag.normal),
    ).execute();
    await trx
      .updateTable('meetings')
      .set({ conf_status: MeetingStatus.cancelled, updated_at: now })
      .where('user_pk', '=', userPk)
      .where('conf_status', '=', MeetingStatus.scheduled)
      .execute();
    await trx
      .updateTable('meetings')
      .set({ conf_del_flag: DelFlag.deleted, updated_at: now })
      .where('user_pk', '=', userPk)
      .execute();
    await changeOccupancy(trx, leaving(occupying));
  });
}

/**
 * Builds the occupancy timeline of every site afresh from the meetings (after a bulk load that bypassed this
 * file: bench/seed.ts), in one transaction.
 */
export async function rebuildOccupancy(db: Db): Promise<void> {
  await inTransaction(db, (trx) => rebuildTimeline(trx));
}

/** A meeting by confId, whatever its site (housekeeping); `lock` holds its row. */
export async function findMeetingById(
  db: Db,
  id: number,
  { lock = false }: { lock?: boolean } = {},
): Promise<MeetingRow | undefined> {
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
