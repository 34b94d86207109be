/**
 * Coming in through a start or join link: the link's secret decides the role, then a ticket records
 * where the person stands (admitted, waiting for the host, in the waiting room). The page's WebSocket
 * presents the ticket; joining the meeting itself is `joinMeeting`.
 */
import { randomBytes } from 'node:crypto';
import type { Db, MeetingRow, ParticipantRole, TicketRow, TicketState, UserRow } from '../store/database.js';
import { DelFlag, findMeetingByConfNumber, MeetingStatus } from '../store/meetings.repository.js';
import { insertTicket } from '../store/presence.repository.js';
import { findRegistrantByTk } from '../store/registrants.repository.js';
import { ApiError, Code } from './errors.js';
import { lockMeeting } from './lifecycle.js';
import { formatDateTime } from './time.js';
import { safeEqual } from './token.js';

export type LinkKind = 's' | 'j';

export interface Link {
  meeting: MeetingRow;
  role: ParticipantRole;
}

/** The meeting a link opens; 401 for a wrong secret or a cancelled or deleted meeting, alike. */
export async function resolveLink(db: Db, kind: LinkKind, confNumber: string, secret: string): Promise<Link> {
  const meeting = /^\d{10}$/.test(confNumber) ? await findMeetingByConfNumber(db, confNumber) : undefined;
  const expected = meeting && (kind === 's' ? meeting.host_secret : meeting.join_secret);
  if (!meeting || !expected || !safeEqual(secret.toUpperCase(), expected) || meeting.conf_del_flag !== DelFlag.normal || meeting.conf_status === MeetingStatus.cancelled) {
    throw new ApiError(Code.meetingNotFound, '会议链接无效 (this link is not valid)');
  }
  return { meeting, role: kind === 's' ? 'host' : 'attendee' };
}

/** What a page shows before anyone enters. */
export function linkInfo(link: Link, host: UserRow, now: number) {
  const m = link.meeting;
  const ended = m.conf_status === MeetingStatus.ended || (m.conf_status === MeetingStatus.scheduled && m.window_end <= now);
  return {
    role: link.role,
    meeting: {
      confNumber: m.conf_number,
      confName: m.conf_name,
      startTime: formatDateTime(m.start_time),
      endTime: formatDateTime(m.window_end),
      opensAt: m.window_start,
      endsAt: m.window_end,
      status: ended ? 'ended' : m.conf_status === MeetingStatus.live ? 'live' : 'scheduled',
      hasPassword: m.conf_password !== '',
      hostName: host.user_name,
      optionJbh: m.option_jbh,
      waitingRoom: m.waiting_room,
      watermark: m.watermark,
      registrationRequired: m.registration_type === 1,
    },
  };
}

export interface EnterInput {
  name: string;
  password?: string | undefined;
  /** The host's 6-digit key (2.29): an attendee who gives it comes in as host. */
  hostKey?: string | undefined;
  /** A registrant's personal-link secret. */
  tk?: string | undefined;
}

/**
 * Admits a person through a link, as a ticket. Refusals: wrong password or host key 102, not a
 * registrant of a registration-only meeting 102, meeting over 707, a host or an early-joining attendee
 * before the window opens 201.
 */
export async function enterMeeting(db: Db, link: Link, host: UserRow, input: EnterInput, now: number): Promise<TicketRow> {
  const meeting = (await lockMeeting(db, link.meeting.site_id, link.meeting.id, now))!;
  if (meeting.conf_status === MeetingStatus.ended) throw new ApiError(Code.meetingEnded, '会议已结束 (the meeting has ended)');
  let role = link.role;
  if (role === 'attendee' && input.hostKey) {
    if (!safeEqual(input.hostKey, host.host_key)) throw new ApiError(Code.authFailed, '主持人密钥错误 (wrong host key)', 'bad_host_key');
    role = 'host';
  }
  const registrant = input.tk ? await findRegistrantByTk(db, input.tk) : undefined;
  const ownRegistrant = registrant?.meeting_id === meeting.id ? registrant : undefined;
  if (role === 'attendee') {
    if (meeting.conf_password !== '' && !safeEqual(input.password ?? '', meeting.conf_password)) {
      throw new ApiError(Code.authFailed, '会议密码错误 (wrong meeting password)', 'bad_password');
    }
    if (meeting.registration_type === 1 && ownRegistrant?.status !== 'approved') {
      throw new ApiError(
        Code.authFailed,
        ownRegistrant?.status === 'pending'
          ? '注册待审核 (your registration waits for the host’s approval)'
          : '本会议仅限注册用户参加 (this meeting admits registrants only: use your personal link)',
        ownRegistrant?.status === 'pending' ? 'registration_pending' : 'registration_required',
      );
    }
  }
  const live = meeting.conf_status === MeetingStatus.live;
  let state: TicketState;
  if (role === 'host') state = 'admitted';
  else if (live) state = meeting.waiting_room === 1 ? 'lobby' : 'admitted';
  else state = meeting.option_jbh === 1 ? 'admitted' : 'host_wait';
  if (state === 'admitted' && !live && now < meeting.window_start) {
    throw new ApiError(Code.outsideMeetingTime, `会议尚未开始 (the meeting opens at ${formatDateTime(meeting.window_start)} GMT)`);
  }
  return insertTicket(db, {
    token: randomBytes(16).toString('hex'),
    meeting_id: meeting.id,
    role,
    name: input.name,
    cuid: randomBytes(16).toString('base64url'),
    login_name: role === 'host' && host.login_name ? host.login_name : (ownRegistrant?.email ?? input.name),
    registrant_id: ownRegistrant?.registrant_id ?? '',
    state,
    created_at: now,
    updated_at: now,
  });
}
