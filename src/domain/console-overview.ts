/**
 * The console's overview of a site (issue 19): its meetings live now and coming, its licence in use, and per
 * GMT day over the last 30 to 90 days the numbers the statistics endpoints answer (2.24, 2.27, 2.28, from
 * `usage_daily`) with the peak of parties present at once.
 */
import type { OverviewDayView, OverviewMeetingView, OverviewView } from '../contract/console-site.js';
import type { Db, SiteRow } from '../store/database.js';
import { occupancyPeak, type ListedMeeting } from '../store/meetings.repository.js';
import { participationSpans, presentByMeeting } from '../store/participation-spans.repository.js';
import { usageDays } from '../store/usage.repository.js';
import { siteMeetings } from './meeting-lists.js';
import { Bounds } from './schedule.js';
import { formatDateTime, MINUTE_MS } from './time.js';
import { dayOf } from './usage.js';

const DAY_MS = 86_400_000;
/** Meetings listed in each of the overview's lists. */
const LISTED = 20;

const iso = (ms: number) => new Date(ms).toISOString();

function meetingView(m: ListedMeeting): OverviewMeetingView {
  return {
    confId: m.id,
    confNumber: m.conf_number,
    confName: m.conf_name,
    hostName: m.host_user_name || m.host_user_id,
    startTime: iso(m.start_time),
    duration: m.duration,
    confParties: m.conf_parties,
  };
}

/**
 * The most parties present at once on each day of `days` (GMT midnights, ascending, each day [d, d + 1 day)),
 * from participations' join and leave times; one still present counts until `now`. A leave and a join at
 * the same instant are not counted together.
 */
export function peakPerDay(spans: { joined_at: number; left_at: number | null }[], days: number[], now: number) {
  const events: [at: number, delta: number][] = [];
  for (const s of spans) {
    events.push([s.joined_at, 1]);
    events.push([s.left_at ?? now, -1]);
  }
  events.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  const peaks: number[] = [];
  let present = 0;
  let next = 0;
  for (const day of days) {
    while (next < events.length && events[next]![0] < day) present += events[next++]![1];
    let peak = present;
    while (next < events.length && events[next]![0] < day + DAY_MS) {
      present += events[next++]![1];
      peak = Math.max(peak, present);
    }
    peaks.push(peak);
  }
  return peaks;
}

/** The overview of `site` at `now`, its charts covering the `dayCount` GMT days up to today. */
export async function siteOverview(db: Db, site: SiteRow, dayCount: number, now: number): Promise<OverviewView> {
  const today = Math.floor(now / DAY_MS) * DAY_MS;
  const first = today - (dayCount - 1) * DAY_MS;
  const days = Array.from({ length: dayCount }, (_, i) => first + i * DAY_MS);

  const live = await siteMeetings(db, site, 'living', { pageSize: LISTED }, now);
  const upcoming = await siteMeetings(
    db,
    site,
    'scheduled',
    { pageSize: LISTED, startTime: formatDateTime(now - DAY_MS) },
    now,
  );
  const present = await presentByMeeting(
    db,
    live.items.map((m) => m.id),
  );
  const spans = await participationSpans(db, site.id, first, now, Bounds.maxWindowMs);
  const peaks = peakPerDay(spans, days, now);
  const usage = new Map((await usageDays(db, site.id, dayOf(first), dayOf(today))).map((r) => [r.day, r]));

  const devices = { pc: 0, mobile: 0, other: 0 };
  const dayViews: OverviewDayView[] = days.map((day, i) => {
    const row = usage.get(dayOf(day));
    if (row) {
      devices.pc += row.pc_joins;
      devices.mobile += row.mobile_joins;
      devices.other += row.joins - row.pc_joins - row.mobile_joins;
    }
    return {
      day: dayOf(day),
      meetingMinutes: Math.round((row?.meeting_ms ?? 0) / MINUTE_MS),
      participantMinutes: Math.round((row?.participant_ms ?? 0) / MINUTE_MS),
      joins: row?.joins ?? 0,
      peakParties: peaks[i]!,
    };
  });

  return {
    now: iso(now),
    licence: {
      totalNumParties: site.total_num_parties,
      bookedNow: await occupancyPeak(db, site.id, { from: now, to: now + MINUTE_MS }),
      presentNow: spans.filter((s) => s.left_at === null).length,
    },
    live: live.items.map((m) => ({ ...meetingView(m), present: present.get(m.id) ?? 0 })),
    liveTotal: live.totalItems,
    upcoming: upcoming.items.map(meetingView),
    upcomingTotal: upcoming.totalItems,
    days: dayViews,
    devices,
  };
}
