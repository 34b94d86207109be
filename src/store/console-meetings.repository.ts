/**
 * The console's reads of meetings, attendance and registrants (issue 19): each bounded by a time range,
 * a page or a limit, so that no console call reads a whole site.
 */
import type { Db, RegistrantRow } from './database.js';
import { DelFlag, MeetingStatus } from './meetings.repository.js';

export interface ConsoleMeetingQuery {
  siteId: number;
  /** Inclusive lower and exclusive upper bound on the start time. */
  from: number;
  to: number;
  status?: number | undefined;
  userPk?: number | undefined;
  offset: number;
  limit: number;
}

function listed(db: Db, q: ConsoleMeetingQuery) {
  let query = db
    .selectFrom('meetings')
    .where('meetings.site_id', '=', q.siteId)
    .where('meetings.conf_del_flag', '=', DelFlag.normal)
    .where('meetings.start_time', '>=', q.from)
    .where('meetings.start_time', '<', q.to);
  // Every state named when none is asked for, so that the range is read on meetings_site_list (site, state,
  // deleted, start) one state at a time, not over all the site's meetings.
  query =
    q.status !== undefined
      ? query.where('meetings.conf_status', '=', q.status)
      : query.where('meetings.conf_status', 'in', Object.values(MeetingStatus));
  if (q.userPk !== undefined) query = query.where('meetings.user_pk', '=', q.userPk);
  return query;
}

/** One page of the site's not-deleted meetings starting in [from, to), in start order, with their hosts; and the count. */
export async function consoleMeetingPage(db: Db, q: ConsoleMeetingQuery) {
  const items = await listed(db, q)
    .innerJoin('users', 'users.id', 'meetings.user_pk')
    .selectAll('meetings')
    .select(['users.user_id as host_user_id', 'users.user_name as host_user_name'])
    .orderBy('meetings.start_time')
    .orderBy('meetings.id')
    .offset(q.offset)
    .limit(q.limit)
    .execute();
  const row = await listed(db, q)
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  return { items, total: Number(row.n) };
}

export type ConsoleMeetingRow = Awaited<ReturnType<typeof consoleMeetingPage>>['items'][number];

/** The site's live meetings, at most `limit`, in start order, with their hosts. */
export async function liveMeetingsOf(db: Db, siteId: number, limit: number): Promise<ConsoleMeetingRow[]> {
  return db
    .selectFrom('meetings')
    .innerJoin('users', 'users.id', 'meetings.user_pk')
    .selectAll('meetings')
    .select(['users.user_id as host_user_id', 'users.user_name as host_user_name'])
    .where('meetings.site_id', '=', siteId)
    .where('meetings.conf_status', '=', MeetingStatus.live)
    .where('meetings.conf_del_flag', '=', DelFlag.normal)
    .orderBy('meetings.start_time')
    .orderBy('meetings.id')
    .limit(limit)
    .execute();
}

/** The meeting's sessions (at most `limit`, in order) with how many different people were in each. */
export async function sessionsWithPeople(db: Db, meetingId: number, limit: number) {
  const rows = await db
    .selectFrom('sessions')
    .leftJoin('participations', 'participations.session_id', 'sessions.id')
    .select(['sessions.id', 'sessions.uuid', 'sessions.started_at', 'sessions.ended_at'])
    .select((eb) => eb.fn.count<number>('participations.cuid').distinct().as('people'))
    .where('sessions.meeting_id', '=', meetingId)
    .groupBy(['sessions.id', 'sessions.uuid', 'sessions.started_at', 'sessions.ended_at'])
    .orderBy('sessions.started_at')
    .orderBy('sessions.id')
    .limit(limit)
    .execute();
  return rows.map((r) => ({ ...r, people: Number(r.people) }));
}

/** The meeting's registrants, newest last, at most `limit`. */
export async function registrantsPage(db: Db, meetingId: number, limit: number): Promise<RegistrantRow[]> {
  return db
    .selectFrom('registrants')
    .selectAll()
    .where('meeting_id', '=', meetingId)
    .orderBy('created_at')
    .orderBy('id')
    .limit(limit)
    .execute();
}
