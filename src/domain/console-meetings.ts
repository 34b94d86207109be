/**
 * The console's Meetings and Live pages (issue 19): reads bounded by a range, a page or a limit, and
 * changes that go through the very functions of the API (2.1 reserveMeeting, 2.12 modifyMeeting, 2.4
 * cancelMeeting, 2.13 endMeeting, 2.14 extendMeeting, updateRegistrantStatus's decideRegistrant), acting
 * as the meeting's host. Their refusals keep the document's code, named for the page as `code_<status>`.
 */
import type {
  AttendanceRowView,
  ChatView,
  LiveListView,
  MeetingDetailView,
  MeetingItemView,
  MeetingListQuery,
  MeetingState,
  ModifyConsoleInput,
  ScheduleInput,
} from '../contract/console-meetings.js';
import { MAX_RANGE_DAYS } from '../contract/console-meetings.js';
import {
  consoleMeetingPage,
  liveMeetingsOf,
  registrantsPage,
  sessionsWithPeople,
  type ConsoleMeetingRow,
} from '../store/console-meetings.repository.js';
import type { Db, MeetingRow, SiteRow } from '../store/database.js';
import { findMeeting, findMeetingById, settleFinished } from '../store/meetings.repository.js';
import { countParticipations, openSession, participationPage, presentIn } from '../store/presence.repository.js';
import { chatMessagePage } from '../store/room.repository.js';
import { findUser, findUserById } from '../store/users.repository.js';
import { ApiError, Code, pageRefusal } from './errors.js';
import { meetingLinks, type LinkConfig } from './meeting-view.js';
import { DelFlag, isPastDue, MeetingStatus } from './meeting-status.js';
import {
  cancelMeeting,
  endMeeting,
  extendMeeting,
  modifyMeeting,
  reserveMeeting,
  type MeetingWithHost,
} from './meetings.js';
import { cloudFiles } from './recordings.js';
import { decideRegistrant } from './registration.js';
import { formatDateTime, MINUTE_MS } from './time.js';

const DAY_MS = 86_400_000;
/** Bounds of the reads of one meeting's page. */
const MAX_SESSIONS = 200;
const MAX_REGISTRANTS = 500;
const MAX_LIVE = 100;
/** The most attendance rows one CSV export holds. */
export const MAX_CSV_ROWS = 20_000;

const STATUS_OF: Record<MeetingState, number> = {
  scheduled: MeetingStatus.scheduled,
  live: MeetingStatus.live,
  ended: MeetingStatus.ended,
  cancelled: MeetingStatus.cancelled,
};

const iso = (ms: number) => new Date(ms).toISOString();

export function stateOf(status: number): MeetingState {
  if (status === MeetingStatus.live) return 'live';
  if (status === MeetingStatus.ended) return 'ended';
  if (status === MeetingStatus.cancelled) return 'cancelled';
  return 'scheduled';
}

function item(row: MeetingRow, host: { user_id: string; user_name: string }): MeetingItemView {
  return {
    confId: row.id,
    confNumber: row.conf_number,
    confName: row.conf_name,
    startTime: iso(row.start_time),
    endTime: iso(row.window_end),
    duration: row.duration,
    confParties: row.conf_parties,
    state: stateOf(row.conf_status),
    hostUserId: host.user_id,
    hostName: host.user_name,
    registration: row.registration_type === 1,
  };
}

const listedItem = (row: ConsoleMeetingRow) => item(row, { user_id: row.host_user_id, user_name: row.host_user_name });

function parseIso(name: string, text: string): number {
  const ms = Date.parse(text);
  if (!/^\d{4}-\d{2}-\d{2}/.test(text) || Number.isNaN(ms))
    throw pageRefusal(400, 'bad_request', `${name}: 须为 ISO 8601 时间 (expected an ISO 8601 time)`);
  return ms;
}

/** The meetings of the list and calendar: starting in [from, to), at most {@link MAX_RANGE_DAYS} days. */
export async function listConsoleMeetings(db: Db, site: SiteRow, q: MeetingListQuery, now: number) {
  const from = parseIso('from', q.from);
  const to = parseIso('to', q.to);
  if (to <= from || to - from > MAX_RANGE_DAYS * DAY_MS)
    throw pageRefusal(
      400,
      'bad_range',
      `时间范围须在 ${MAX_RANGE_DAYS} 天以内 (from must come before to, at most ${MAX_RANGE_DAYS} days)`,
    );
  const page = q.page ?? 1;
  const pageSize = q.pageSize ?? 50;
  let userPk: number | undefined;
  if (q.host !== undefined && q.host !== '') {
    const host = await findUser(db, site.id, q.host);
    if (!host) return { meetings: [], total: 0, page, pageSize };
    userPk = host.id;
  }
  await settleFinished(db, now);
  const { items, total } = await consoleMeetingPage(db, {
    siteId: site.id,
    from,
    to,
    status: q.state === undefined ? undefined : STATUS_OF[q.state],
    userPk,
    offset: (page - 1) * pageSize,
    limit: pageSize,
  });
  return { meetings: items.map(listedItem), total, page, pageSize };
}

/** The site's not-deleted meeting `confId` with its host, settled; 404 `not_found` otherwise. */
export async function requireConsoleMeeting(
  db: Db,
  site: SiteRow,
  confId: number,
  now: number,
): Promise<MeetingWithHost> {
  let meeting = await findMeeting(db, site.id, confId);
  if (!meeting || meeting.conf_del_flag !== DelFlag.normal)
    throw pageRefusal(404, 'not_found', `会议不存在 (no meeting ${confId} on this site)`);
  if (isPastDue(meeting, now)) {
    await settleFinished(db, now, { meetingId: meeting.id });
    meeting = (await findMeeting(db, site.id, confId)) ?? meeting;
  }
  const host = await findUserById(db, meeting.user_pk);
  if (!host) throw pageRefusal(404, 'not_found', `会议不存在 (no meeting ${confId} on this site)`);
  return { meeting, host };
}

/** A meeting's page: details, links, sessions, registrants and recordings (with fresh play and download links). */
export async function consoleMeetingDetail(
  db: Db,
  site: SiteRow,
  confId: number,
  links: LinkConfig & { ttlMs: number },
  now: number,
): Promise<MeetingDetailView> {
  const { meeting, host } = await requireConsoleMeeting(db, site, confId, now);
  const { hostStartUrl, joinUrl, webClientJoin } = meetingLinks(meeting, host, links);
  const sessions = await sessionsWithPeople(db, meeting.id, MAX_SESSIONS);
  const registrants = meeting.registration_type === 1 ? await registrantsPage(db, meeting.id, MAX_REGISTRANTS + 1) : [];
  const recordings = await cloudFiles(db, site, meeting.conf_number, links, now);
  return {
    meeting: item(meeting, host),
    confPassword: meeting.conf_password,
    beforeTime: meeting.before_time,
    options: {
      optionJbh: meeting.option_jbh,
      waitingRoom: meeting.waiting_room,
      registrationType: meeting.registration_type,
    },
    links: { hostStartUrl, joinUrl, webClientJoin },
    sessions: sessions.map((s) => ({
      uuid: s.uuid,
      startedAt: iso(s.started_at),
      endedAt: s.ended_at === null ? null : iso(s.ended_at),
      people: s.people,
    })),
    registrants: registrants.slice(0, MAX_REGISTRANTS).map((r) => ({
      registrantId: r.registrant_id,
      name: [r.first_name, r.last_name].filter((p) => p !== '').join(' '),
      email: r.email,
      org: r.org,
      status: r.status,
      createdAt: iso(r.created_at),
    })),
    registrantsTruncated: registrants.length > MAX_REGISTRANTS,
    recordings: recordings.map((r) => ({
      uuid: r.uuid,
      topic: r.topic,
      recordStart: r.recordStart,
      recordEnd: r.recordEnd,
      fileSize: r.fileSize,
      fileType: r.fileType,
      playUrl: r.playUrl,
      downloadUrl: r.downloadUrl,
    })),
  };
}

/** One page of the meeting's joins and leaves, in joining order (per person per session). */
export async function consoleAttendance(
  db: Db,
  site: SiteRow,
  confId: number,
  page: { offset: number; limit: number },
  now: number,
): Promise<{ rows: AttendanceRowView[]; total: number }> {
  const { meeting } = await requireConsoleMeeting(db, site, confId, now);
  const rows = await participationPage(db, meeting.id, page.offset, page.limit);
  return {
    rows: rows.map((p) => ({
      session: p.session_uuid,
      name: p.name,
      role: p.role,
      device: p.device_type || p.device,
      joinedAt: iso(p.joined_at),
      leftAt: p.left_at === null ? null : iso(p.left_at),
      minutes: Math.round(((p.left_at ?? now) - p.joined_at) / MINUTE_MS),
    })),
    total: await countParticipations(db, meeting.id),
  };
}

/** One page of what was said in the meeting room's chat, every session's, in the order sent. */
export async function consoleChat(
  db: Db,
  site: SiteRow,
  confId: number,
  page: { offset: number; limit: number },
  now: number,
): Promise<{ rows: ChatView['rows']; total: number }> {
  const { meeting } = await requireConsoleMeeting(db, site, confId, now);
  const { rows, total } = await chatMessagePage(db, meeting.id, undefined, page.offset, page.limit);
  return {
    rows: rows.map((r) => ({ session: r.uuid, name: r.sender_name, text: r.text, sentAt: iso(r.sent_at) })),
    total,
  };
}

/** A CSV field: quoted when it holds a comma, quote, line break or leading space; quotes doubled (RFC 4180). */
export function csvField(value: string | number): string {
  let text = String(value);
  // A cell starting with = + - @ would be a formula in a spreadsheet: a leading apostrophe keeps it text.
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  const quote = '"';
  const quoted = text.includes(quote) || /[,\r\n]|^\s|\s$/.test(text);
  return quoted ? quote + text.replaceAll(quote, quote + quote) + quote : text;
}

/**
 * The meeting's attendance as CSV for spreadsheets: UTF-8 with a byte-order mark (Excel then reads
 * Chinese names), CRLF line ends, a header row, times in GMT as `yyyy-MM-dd HH:mm:ss`; at most
 * {@link MAX_CSV_ROWS} rows.
 */
export async function attendanceCsv(db: Db, site: SiteRow, confId: number, now: number) {
  const { meeting } = await requireConsoleMeeting(db, site, confId, now);
  const rows = await participationPage(db, meeting.id, 0, MAX_CSV_ROWS);
  const lines = [['session', 'name', 'role', 'device', 'join (GMT)', 'leave (GMT)', 'minutes']];
  for (const p of rows) {
    lines.push([
      p.session_uuid,
      p.name,
      p.role,
      p.device_type || p.device,
      formatDateTime(p.joined_at),
      p.left_at === null ? '' : formatDateTime(p.left_at),
      String(Math.round(((p.left_at ?? now) - p.joined_at) / MINUTE_MS)),
    ]);
  }
  const body = lines.map((line) => line.map(csvField).join(',')).join('\r\n');
  return { meeting, csv: `\uFEFF${body}\r\n` };
}

/** The API's refusal named for the console's page: `code_<status>`, with an HTTP status that fits. */
function named(err: unknown): unknown {
  if (!(err instanceof ApiError) || err.reason !== undefined) return err;
  const http = err.code === Code.meetingNotFound ? 404 : [201, 202, 205, 707, 708, 709].includes(err.code) ? 409 : 400;
  return new ApiError(err.code, err.message, { reason: `code_${err.code}`, http });
}

/** Runs `work`, its API refusals named for the console (`code_<status>`). */
export async function asApi<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    throw named(err);
  }
}

const gmt = (name: string, text: string) => formatDateTime(parseIso(name, text));

/** 2.1 from the console, in one transaction: books a meeting for the user `userId` (created when new). */
export async function consoleSchedule(
  db: Db,
  site: SiteRow,
  input: ScheduleInput,
  now: number,
  serverStreams: boolean,
): Promise<MeetingItemView> {
  const startTime = gmt('startTime', input.startTime);
  return asApi(() =>
    db.transaction().execute(async (trx) => {
      const { meeting, host } = await reserveMeeting(
        trx,
        site,
        {
          userId: input.userId,
          userName: input.userName ?? input.userId,
          confName: input.confName,
          confPassword: input.confPassword,
          startTime,
          duration: input.duration,
          confParties: input.confParties,
          beforeTime: input.beforeTime,
          optionJbh: input.optionJbh,
          waitingRoom: input.waitingRoom,
          registrationType: input.registrationType,
        },
        now,
        serverStreams,
      );
      return item(meeting, host);
    }),
  );
}

/** 2.12 from the console, as the meeting's host. */
export async function consoleModify(
  db: Db,
  site: SiteRow,
  confId: number,
  input: ModifyConsoleInput,
  now: number,
  serverStreams: boolean,
): Promise<MeetingItemView> {
  const startTime = gmt('startTime', input.startTime);
  return asApi(() =>
    db.transaction().execute(async (trx) => {
      const { host } = await requireConsoleMeeting(trx, site, confId, now);
      const { meeting } = await modifyMeeting(
        trx,
        site,
        { ...input, startTime, userId: host.user_id, confId },
        now,
        serverStreams,
      );
      return item(meeting, host);
    }),
  );
}

/** 2.4 from the console, as the meeting's host. */
export async function consoleCancel(db: Db, site: SiteRow, confId: number, now: number): Promise<MeetingItemView> {
  return asApi(() =>
    db.transaction().execute(async (trx) => {
      const { host } = await requireConsoleMeeting(trx, site, confId, now);
      return item(await cancelMeeting(trx, site, host.user_id, confId, now), host);
    }),
  );
}

/** 2.13 from the console: ends the live meeting for good. */
export async function consoleEnd(db: Db, site: SiteRow, confId: number, now: number): Promise<MeetingRow> {
  return asApi(() =>
    db.transaction().execute(async (trx) => {
      const { host } = await requireConsoleMeeting(trx, site, confId, now);
      return endMeeting(trx, site, host.user_id, confId, now);
    }),
  );
}

/** 2.14 from the console: the live meeting longer and/or larger, the licence and the host's next meeting checked. */
export async function consoleExtend(
  db: Db,
  site: SiteRow,
  confId: number,
  add: { addDuration?: number | undefined; addNumParties?: number | undefined },
  now: number,
): Promise<MeetingItemView> {
  return asApi(() =>
    db.transaction().execute(async (trx) => {
      const { host } = await requireConsoleMeeting(trx, site, confId, now);
      const { meeting } = await extendMeeting(trx, site, { userId: host.user_id, confId, ...add }, now);
      return item(meeting, host);
    }),
  );
}

/** updateRegistrantStatus from the console: approves or denies a registrant of the meeting. */
export async function consoleDecideRegistrant(
  db: Db,
  site: SiteRow,
  confId: number,
  registrantId: string,
  status: 'approved' | 'denied',
  now: number,
): Promise<void> {
  await asApi(() =>
    db.transaction().execute(async (trx) => {
      const { host } = await requireConsoleMeeting(trx, site, confId, now);
      await decideRegistrant(trx, site, { userId: host.user_id, confId, registrantId, status }, now);
    }),
  );
}

/** The site's live meetings (at most 100) with who is in each now. */
export async function liveMeetings(db: Db, site: SiteRow): Promise<LiveListView> {
  const rows = await liveMeetingsOf(db, site.id, MAX_LIVE + 1);
  const meetings = [];
  for (const row of rows.slice(0, MAX_LIVE)) {
    const session = await openSession(db, row.id);
    const present = session ? await presentIn(db, session.id) : [];
    meetings.push({
      meeting: listedItem(row),
      sessionStartedAt: session ? iso(session.started_at) : null,
      participants: present.map((p) => ({
        name: p.name,
        role: p.role,
        device: p.device_type || p.device,
        joinedAt: iso(p.joined_at),
      })),
    });
  }
  return { meetings, truncated: rows.length > MAX_LIVE };
}

/** The site of meeting `meetingId` (any state), or undefined when there is no such meeting. */
export async function siteOfMeeting(db: Db, meetingId: number): Promise<number | undefined> {
  return (await findMeetingById(db, meetingId))?.site_id;
}
