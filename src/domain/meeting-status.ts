import { MeetingStatus } from '../store/meetings.repository.js';

/**
 * The meeting's status rules (confStatus: 0 scheduled, 2 live, 3 ended, 9 cancelled; conf_del_flag: 1
 * normal, 2 deleted), without I/O. The values are the columns' encoding, defined beside the queries,
 * indexes and triggers that filter on them (store/meetings.repository.ts, migrations); the domain and
 * the API take them from here, and what a status becomes, and when, is decided here.
 */
export { DelFlag, MeetingStatus } from '../store/meetings.repository.js';
export type MeetingStatusCode = (typeof MeetingStatus)[keyof typeof MeetingStatus];

/** A scheduled meeting whose window has passed without a session being live: over, to be settled as ended (3). */
export function isPastDue(meeting: { conf_status: number; window_end: number }, now: number): boolean {
  return meeting.conf_status === MeetingStatus.scheduled && meeting.window_end <= now;
}

/** Whether a meeting counts as ended now: ended (3), or past due. */
export function isOver(meeting: { conf_status: number; window_end: number }, now: number): boolean {
  return meeting.conf_status === MeetingStatus.ended || isPastDue(meeting, now);
}

/**
 * The status a meeting takes when its session ends at `at`: ended (3) when `final` (endConf, window end,
 * the host's end) or at or past its window's end, else scheduled (0) again for another session.
 */
export function statusAfterSession({
  final,
  at,
  windowEnd,
}: {
  final: boolean;
  at: number;
  windowEnd: number;
}): MeetingStatusCode {
  return final || at >= windowEnd ? MeetingStatus.ended : MeetingStatus.scheduled;
}

/** A cancelled scheduled meeting (2.4): cancelled (9), or ended (3) when a session was held. */
export function statusOnCancel(held: boolean): MeetingStatusCode {
  return held ? MeetingStatus.ended : MeetingStatus.cancelled;
}
