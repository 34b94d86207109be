import type { Answer, LiveParticipantAnswer, LogRowAnswer } from '../contract/answers.js';
import type { Db, MeetingRow, ParticipationRow, RegistrantRow, SessionRow } from '../store/database.js';
import { registrantsByIds } from '../store/registrants.repository.js';
import { joinUrlOf, type LinkConfig } from './meeting-view.js';
import { registrantView } from './registration.js';
import { MeetingStatus } from './meeting-status.js';
import {
  countParticipations,
  everyoneIn,
  openSession,
  participationPage,
  presentIn,
  sessionsOf,
} from '../store/presence.repository.js';
import { formatDateTime, MINUTE_MS } from './time.js';

const time = (ms: number | null) => (ms === null ? '' : formatDateTime(ms));

/** One participant of 2.15 / 2.30. `cn` and `city` (IP geolocation) are not known here: empty. */
export function liveParticipant(p: ParticipationRow): LiveParticipantAnswer {
  return {
    openId: '',
    userId: p.user_id || p.cuid,
    userName: p.name,
    ipAddress: p.ip,
    device: p.device,
    cn: '',
    city: '',
    viewOnly: p.view_only === 1,
    joinTime: formatDateTime(p.joined_at),
    deviceType: p.device_type,
  };
}

/** 2.15: who is in the meeting now; 2.30 (`includeLeft`): everyone of the live session, with `leaveTime`. */
export async function liveParticipants(
  db: Db,
  meeting: MeetingRow,
  options: { includeLeft: false },
): Promise<LiveParticipantAnswer[]>;
export async function liveParticipants(
  db: Db,
  meeting: MeetingRow,
  options: { includeLeft: true },
): Promise<Answer<'getLiveDetail2'>['data']>;
export async function liveParticipants(db: Db, meeting: MeetingRow, { includeLeft }: { includeLeft: boolean }) {
  const session = await openSession(db, meeting.id);
  if (!session) return [];
  if (!includeLeft) return (await presentIn(db, session.id)).map(liveParticipant);
  return (await everyoneIn(db, session.id)).map((p) => ({ ...liveParticipant(p), leaveTime: time(p.left_at) }));
}

/**
 * One log row of 2.11 / 2.26; `leaveTime` is empty while the participant is still in. A registrant's
 * row carries the registration's fields too, as the document shows.
 */
export function logRow(p: ParticipationRow, registrant?: RegistrantRow, joinUrl?: string): LogRowAnswer {
  const row = {
    cuid: p.cuid,
    participantName: p.name,
    joinTime: formatDateTime(p.joined_at),
    leaveTime: time(p.left_at),
    device: p.device,
    deviceType: p.device_type,
    ip: p.ip,
  };
  if (!registrant || !joinUrl) return row;
  const { id, ...fields } = registrantView(registrant, joinUrl);
  return { ...row, registrantId: id, ...fields };
}

/** The registrants behind a page of log rows, by registrant id. */
async function registrantsFor(db: Db, rows: ParticipationRow[]): Promise<Map<string, RegistrantRow>> {
  const ids = [...new Set(rows.map((r) => r.registrant_id).filter((id) => id !== ''))];
  return new Map((await registrantsByIds(db, ids)).map((r) => [r.registrant_id, r]));
}

export interface ReportPage {
  totalItems: number;
  totalPage: number;
  currentPage: number;
  pageSize: number;
}

/** The paging fields of a report's answer. */
export function pageOf(totalItems: number, pageNo: number, pageSize: number): ReportPage {
  return { totalItems, totalPage: Math.ceil(totalItems / pageSize), currentPage: pageNo, pageSize };
}

/** 2.11: every join and leave of the meeting, in joining order, paged. */
export async function flatReport(db: Db, meeting: MeetingRow, pageNo: number, pageSize: number, links: LinkConfig) {
  const rows = await participationPage(db, meeting.id, (pageNo - 1) * pageSize, pageSize);
  const total = await countParticipations(db, meeting.id);
  const registrants = await registrantsFor(db, rows);
  const joinUrl = joinUrlOf(meeting, links);
  return {
    page: pageOf(total, pageNo, pageSize),
    data: {
      startTime: formatDateTime(meeting.start_time),
      duration: meeting.duration,
      confId: meeting.id,
      logs: rows.map((r) => logRow(r, registrants.get(r.registrant_id), joinUrl)),
    },
  };
}

/**
 * 2.26 `recordStatus`: 1 data; 2 a single record of a single person; 3 no data yet, the meeting can
 * still be held; 5 no data, the meeting was never held. (4, "gave up retrying", cannot happen: presence
 * is recorded as it happens.)
 */
export function recordStatus(
  meeting: MeetingRow,
  sessions: SessionRow[],
  totalLogs: number,
  people: number,
): 1 | 2 | 3 | 5 {
  if (totalLogs === 0) {
    const over = meeting.conf_status === MeetingStatus.ended || meeting.conf_status === MeetingStatus.cancelled;
    return over && sessions.length === 0 ? 5 : 3;
  }
  return totalLogs === 1 && people === 1 ? 2 : 1;
}

/** 2.26: the page's log rows grouped by session `uuid`, sessions in order. */
export async function sessionReport(
  db: Db,
  meeting: MeetingRow,
  pageNo: number,
  pageSize: number,
  now: number,
  links: LinkConfig,
) {
  const rows = await participationPage(db, meeting.id, (pageNo - 1) * pageSize, pageSize);
  const total = await countParticipations(db, meeting.id);
  const sessions = await sessionsOf(db, meeting.id);
  const registrants = await registrantsFor(db, rows);
  const joinUrl = joinUrlOf(meeting, links);
  const records = [];
  for (const session of sessions) {
    const logs = rows.filter((r) => r.session_id === session.id);
    if (logs.length === 0) continue;
    const end = session.ended_at ?? now;
    records.push({
      uuid: session.uuid,
      startTime: formatDateTime(session.started_at),
      endTime: time(session.ended_at),
      duration: Math.round((end - session.started_at) / MINUTE_MS),
      logs: logs.map((r) => logRow(r, registrants.get(r.registrant_id), joinUrl)),
    });
  }
  const people = total === 1 ? 1 : new Set(rows.map((r) => r.cuid)).size;
  return {
    page: pageOf(total, pageNo, pageSize),
    recordStatus: recordStatus(meeting, sessions, total, people),
    data: {
      confId: meeting.id,
      confNumber: meeting.conf_number,
      confName: meeting.conf_name,
      startTime: formatDateTime(meeting.start_time),
      endTime: formatDateTime(meeting.window_end),
      duration: meeting.duration,
      records,
    },
  };
}
