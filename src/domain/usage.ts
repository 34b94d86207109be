import type { Db, ParticipationRow } from '../store/database.js';
import { addUsage } from '../store/usage.repository.js';

const DAY_MS = 86_400_000;

/** The GMT day of an instant, `yyyy-MM-dd`. */
export function dayOf(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/** [start, end) cut at GMT midnights: how much of it falls on each day. */
export function splitByDay(start: number, end: number): { day: string; ms: number }[] {
  const parts: { day: string; ms: number }[] = [];
  for (let from = start; from < end;) {
    const midnight = Math.floor(from / DAY_MS) * DAY_MS + DAY_MS;
    const to = Math.min(end, midnight);
    parts.push({ day: dayOf(from), ms: to - from });
    from = to;
  }
  return parts;
}

/** Statistics: a participation began. */
export async function recordJoin(db: Db, siteId: number, deviceType: string, at: number): Promise<void> {
  await addUsage(db, siteId, dayOf(at), {
    joins: 1,
    mobile_joins: deviceType === 'mobile' ? 1 : 0,
    pc_joins: deviceType === 'pc' ? 1 : 0,
  });
}

/** Statistics: participations ended; their time goes to the days it fell on. */
export async function recordParticipationsClosed(db: Db, closed: ParticipationRow[]): Promise<void> {
  for (const p of closed) {
    for (const part of splitByDay(p.joined_at, p.left_at!))
      await addUsage(db, p.site_id, part.day, { participant_ms: part.ms });
  }
}

/** Statistics: a session ended. */
export async function recordSessionClosed(db: Db, siteId: number, startedAt: number, endedAt: number): Promise<void> {
  for (const part of splitByDay(startedAt, endedAt)) await addUsage(db, siteId, part.day, { meeting_ms: part.ms });
}
