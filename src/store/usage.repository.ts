import type { Db, UsageDailyTable } from './database.js';

export type UsageDelta = Partial<Omit<UsageDailyTable, 'site_id' | 'day'>>;

/** Adds to a site's day of statistics (one atomic upsert, safe under concurrency). */
export async function addUsage(db: Db, siteId: number, day: string, delta: UsageDelta): Promise<void> {
  const row = {
    site_id: siteId,
    day,
    meeting_ms: delta.meeting_ms ?? 0,
    participant_ms: delta.participant_ms ?? 0,
    joins: delta.joins ?? 0,
    mobile_joins: delta.mobile_joins ?? 0,
    pc_joins: delta.pc_joins ?? 0,
  };
  await db
    .insertInto('usage_daily')
    .values(row)
    .onConflict((oc) =>
      oc.columns(['site_id', 'day']).doUpdateSet((eb) => ({
        meeting_ms: eb('usage_daily.meeting_ms', '+', eb.ref('excluded.meeting_ms')),
        participant_ms: eb('usage_daily.participant_ms', '+', eb.ref('excluded.participant_ms')),
        joins: eb('usage_daily.joins', '+', eb.ref('excluded.joins')),
        mobile_joins: eb('usage_daily.mobile_joins', '+', eb.ref('excluded.mobile_joins')),
        pc_joins: eb('usage_daily.pc_joins', '+', eb.ref('excluded.pc_joins')),
      })),
    )
    .execute();
}

/** The site's days in [fromDay, toDay] (inclusive, `yyyy-MM-dd`) that have statistics. */
export async function usageDays(db: Db, siteId: number, fromDay: string, toDay: string) {
  return db
    .selectFrom('usage_daily')
    .selectAll()
    .where('site_id', '=', siteId)
    .where('day', '>=', fromDay)
    .where('day', '<=', toDay)
    .orderBy('day')
    .execute();
}

/** Time of the site's closed sessions inside [from, to), for the part of a range that is not whole days. */
export async function sessionTimeWithin(
  db: Db,
  siteId: number,
  from: number,
  to: number,
  maxLengthMs: number,
): Promise<number> {
  const rows = await db
    .selectFrom('sessions')
    .select(['started_at', 'ended_at'])
    .where('site_id', '=', siteId)
    .where('started_at', '>', from - maxLengthMs)
    .where('started_at', '<', to)
    .where('ended_at', '>', from)
    .execute();
  return rows.reduce((sum, r) => sum + Math.max(0, Math.min(r.ended_at!, to) - Math.max(r.started_at, from)), 0);
}

/** Time of the site's closed participations inside [from, to). */
export async function participationTimeWithin(
  db: Db,
  siteId: number,
  from: number,
  to: number,
  maxLengthMs: number,
): Promise<number> {
  const rows = await db
    .selectFrom('participations')
    .select(['joined_at', 'left_at'])
    .where('site_id', '=', siteId)
    .where('joined_at', '>', from - maxLengthMs)
    .where('joined_at', '<', to)
    .where('left_at', '>', from)
    .execute();
  return rows.reduce((sum, r) => sum + Math.max(0, Math.min(r.left_at!, to) - Math.max(r.joined_at, from)), 0);
}

/** Participations of the site that began in [from, to): all, and by device type. */
export async function joinsWithin(db: Db, siteId: number, from: number, to: number) {
  const rows = await db
    .selectFrom('participations')
    .select(['device_type', (eb) => eb.fn.countAll<number>().as('n')])
    .where('site_id', '=', siteId)
    .where('joined_at', '>=', from)
    .where('joined_at', '<', to)
    .groupBy('device_type')
    .execute();
  const count = (type?: string) =>
    rows.filter((r) => type === undefined || r.device_type === type).reduce((s, r) => s + Number(r.n), 0);
  return { joins: count(), mobile: count('mobile'), pc: count('pc') };
}

/** Sessions of the site overlapping [from, to), open ones included, with their meeting and host. */
export async function sessionsOverlapping(db: Db, siteId: number, from: number, to: number, maxLengthMs: number) {
  return db
    .selectFrom('sessions')
    .innerJoin('meetings', 'meetings.id', 'sessions.meeting_id')
    .innerJoin('users', 'users.id', 'meetings.user_pk')
    .select([
      'sessions.meeting_id',
      'sessions.started_at',
      'sessions.ended_at',
      'meetings.conf_number',
      'users.user_id',
    ])
    .where('sessions.site_id', '=', siteId)
    .where('sessions.started_at', '>', from - maxLengthMs)
    .where('sessions.started_at', '<', to)
    .where((eb) => eb.or([eb('sessions.ended_at', 'is', null), eb('sessions.ended_at', '>', from)]))
    .orderBy('sessions.started_at')
    .execute();
}
