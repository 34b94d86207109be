import type { Db } from './database.js';

/**
 * When each of the site's participations overlapping [from, to) began and ended (null while present), for
 * the console's peak of parties present at once. `maxLengthMs` bounds how long before `from` one can have
 * begun, so that the read stays on the `participations_site_join` index.
 */
export async function participationSpans(db: Db, siteId: number, from: number, to: number, maxLengthMs: number) {
  return db
    .selectFrom('participations')
    .select(['joined_at', 'left_at'])
    .where('site_id', '=', siteId)
    .where('joined_at', '>', from - maxLengthMs)
    .where('joined_at', '<', to)
    .where((eb) => eb.or([eb('left_at', 'is', null), eb('left_at', '>', from)]))
    .execute();
}

/** Parties present now in each of `meetingIds` (open participations), by meeting id. */
export async function presentByMeeting(db: Db, meetingIds: readonly number[]): Promise<Map<number, number>> {
  if (meetingIds.length === 0) return new Map();
  const rows = await db
    .selectFrom('participations')
    .select(['meeting_id', (eb) => eb.fn.countAll<number>().as('n')])
    .where('meeting_id', 'in', meetingIds)
    .where('left_at', 'is', null)
    .groupBy('meeting_id')
    .execute();
  return new Map(rows.map((r) => [Number(r.meeting_id), Number(r.n)]));
}
