/**
 * Site statistics (2.22–2.24, 2.27, 2.28), in GMT, from what was recorded as meetings were held.
 * Whole days come from the per-day totals kept as sessions and participations close (`usage_daily`);
 * the partial days at the ends of a range are computed from the rows themselves, so any range costs
 * a handful of indexed reads however much history a site has. Times count once closed: a session or
 * participation still running adds its time when it ends.
 */
import type { Db } from '../store/database.js';
import {
  joinsWithin,
  participationTimeWithin,
  sessionsOverlapping,
  sessionTimeWithin,
  usageDays,
} from '../store/usage.repository.js';
import { ApiError, Code, parameterError } from './errors.js';
import { Bounds } from './schedule.js';
import { formatDateTime, MINUTE_MS, parseDate, parseDateTime } from './time.js';
import { dayOf } from './usage.js';

const DAY_MS = 86_400_000;
/** 2.27 / 2.28 answer one row a day: at most a year and a day per call. */
export const MAX_DAYS = 366;

export interface Range {
  from: number;
  /** Exclusive. */
  to: number;
}

/** `startTime`/`endTime` (yyyy-MM-dd HH:mm:ss GMT) as [from, to). */
export function timeRange(startTime: string, endTime: string): Range {
  const from = parseDateTime(startTime);
  if (from === undefined) throw parameterError('startTime', 'a GMT time yyyy-MM-dd HH:mm:ss');
  const to = parseDateTime(endTime);
  if (to === undefined) throw parameterError('endTime', 'a GMT time yyyy-MM-dd HH:mm:ss');
  if (to < from)
    throw new ApiError(
      Code.parameter,
      '参数 endTime 无效 (invalid parameter endTime): expected a time not before startTime',
    );
  return { from, to };
}

/** The range cut into the whole GMT days inside it and the partial pieces at its ends. */
function pieces(range: Range): { days?: { first: string; last: string }; partial: Range[] } {
  const firstMidnight = Math.ceil(range.from / DAY_MS) * DAY_MS;
  const lastMidnight = Math.floor(range.to / DAY_MS) * DAY_MS;
  if (firstMidnight >= lastMidnight) return { partial: range.from < range.to ? [range] : [] };
  const partial = [
    { from: range.from, to: firstMidnight },
    { from: lastMidnight, to: range.to },
  ].filter((p) => p.from < p.to);
  return { days: { first: dayOf(firstMidnight), last: dayOf(lastMidnight - DAY_MS) }, partial };
}

const minutes = (ms: number) => Math.round(ms / MINUTE_MS);

/** 2.22: total meeting minutes and participant minutes in the range. */
export async function recordTime(db: Db, siteId: number, range: Range) {
  const { days, partial } = pieces(range);
  let meetingMs = 0;
  let participantMs = 0;
  if (days) {
    for (const row of await usageDays(db, siteId, days.first, days.last)) {
      meetingMs += row.meeting_ms;
      participantMs += row.participant_ms;
    }
  }
  for (const p of partial) {
    meetingMs += await sessionTimeWithin(db, siteId, p.from, p.to, Bounds.maxWindowMs);
    participantMs += await participationTimeWithin(db, siteId, p.from, p.to, Bounds.maxWindowMs);
  }
  return { confCountTime: minutes(meetingMs), confUserTime: minutes(participantMs) };
}

/** 2.24: participations that began in the range, all and by device. */
export async function joinCounts(db: Db, siteId: number, range: Range) {
  const { days, partial } = pieces(range);
  let all = 0;
  let mobile = 0;
  let pc = 0;
  if (days) {
    for (const row of await usageDays(db, siteId, days.first, days.last)) {
      all += row.joins;
      mobile += row.mobile_joins;
      pc += row.pc_joins;
    }
  }
  for (const p of partial) {
    const counted = await joinsWithin(db, siteId, p.from, p.to);
    all += counted.joins;
    mobile += counted.mobile;
    pc += counted.pc;
  }
  return { allCounts: all, mobileCount: mobile, pcCount: pc };
}

/**
 * 2.23: the meetings held (a session overlapping the range), each once, with its first session's start,
 * its last session's end (empty while live) and its host's userId.
 */
export async function meetingsHeld(db: Db, siteId: number, range: Range) {
  const sessions = await sessionsOverlapping(db, siteId, range.from, range.to, Bounds.maxWindowMs);
  const byMeeting = new Map<number, { confNo: string; start: number; end: number | null; userId: string }>();
  for (const s of sessions) {
    const seen = byMeeting.get(s.meeting_id);
    if (!seen) {
      byMeeting.set(s.meeting_id, { confNo: s.conf_number, start: s.started_at, end: s.ended_at, userId: s.user_id });
    } else {
      seen.end = seen.end === null || s.ended_at === null ? null : Math.max(seen.end, s.ended_at);
    }
  }
  const confList = [...byMeeting.values()].map((m) => ({
    confNo: m.confNo,
    startTime: formatDateTime(m.start),
    endTime: m.end === null ? '' : formatDateTime(m.end),
    userId: m.userId,
  }));
  return { confCounts: confList.length, confNumbers: confList.map((m) => m.confNo), confList };
}

/** Days 2.27 / 2.28 cover when `startTime` is left out: 30 days before `endTime`, as a monthly report would. */
export const DEFAULT_DAYS_BACK = 30;

/**
 * `startTime`/`endTime` (yyyy-MM-dd, GMT, both days included) of 2.27 / 2.28. The document marks both
 * optional (blank counts as absent): `endTime` defaults to today (GMT, at `now`), `startTime` to {@link DEFAULT_DAYS_BACK} days
 * before `endTime`.
 */
export function dayRange(
  startText: string | undefined,
  endText: string | undefined,
  now: number,
): { first: number; last: number } {
  // A blank value, as a form that leaves the field empty sends it, counts as left out.
  const [startTime, endTime] = [startText, endText].map((text) => (text?.trim() ? text : undefined));
  const last = endTime === undefined ? Math.floor(now / DAY_MS) * DAY_MS : parseDate(endTime);
  if (last === undefined) throw parameterError('endTime', 'a GMT date yyyy-MM-dd');
  const first = startTime === undefined ? last - DEFAULT_DAYS_BACK * DAY_MS : parseDate(startTime);
  if (first === undefined) throw parameterError('startTime', 'a GMT date yyyy-MM-dd');
  if (last < first) {
    const given = endTime === undefined ? ` (endTime left out: today, ${dayOf(last)})` : '';
    throw new ApiError(
      Code.parameter,
      `参数 endTime 无效 (invalid parameter endTime): expected a date not before startTime${given}`,
    );
  }
  if ((last - first) / DAY_MS + 1 > MAX_DAYS)
    throw parameterError('endTime', `at most ${MAX_DAYS} days after startTime`);
  return { first, last };
}

/** 2.27 (`meeting`) / 2.28 (`participant`): minutes per day, every day of the range listed. */
export async function minutesPerDay(
  db: Db,
  siteId: number,
  days: { startTime?: string | undefined; endTime?: string | undefined },
  now: number,
  of: 'meeting' | 'participant',
) {
  const { first, last } = dayRange(days.startTime, days.endTime, now);
  const rows = new Map((await usageDays(db, siteId, dayOf(first), dayOf(last))).map((r) => [r.day, r]));
  const out: { datetime: string; duration: number }[] = [];
  for (let day = first; day <= last; day += DAY_MS) {
    const row = rows.get(dayOf(day));
    out.push({
      datetime: dayOf(day),
      duration: minutes(row ? (of === 'meeting' ? row.meeting_ms : row.participant_ms) : 0),
    });
  }
  return out;
}
