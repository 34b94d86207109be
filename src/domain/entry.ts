/**
 * Coming in through a start or join link: the link's secret decides the role, then a ticket records
 * where the person stands (admitted, waiting for the host, in the waiting room). The page's WebSocket
 * presents the ticket; joining the meeting itself is `joinMeeting`.
 */
import { randomBytes } from 'node:crypto';
import type {
  Db,
  EntryFailureKind,
  MeetingRow,
  ParticipantRole,
  RegistrantRow,
  TicketRow,
  TicketState,
  UserRow,
} from '../store/database.js';
import { findMeetingByConfNumber } from '../store/meetings.repository.js';
import { insertTicket, openSession, ticketsChangedSince } from '../store/presence.repository.js';
import { findRegistrantByTk } from '../store/registrants.repository.js';
import { passwordTag, recordEntryFailure, refuseIfHeld } from './entry-guard.js';
import { ApiError, Code } from './errors.js';
import { lockMeeting } from './lifecycle.js';
import { DelFlag, isOver, MeetingStatus } from './meeting-status.js';
import { formatDateTime } from './time.js';
import { safeEqual } from './token.js';

export type LinkKind = 's' | 'j';

export interface Link {
  meeting: MeetingRow;
  role: ParticipantRole;
}

/**
 * The meeting a link opens. A wrong secret, or a deleted meeting, is 404 `not_found` ("this link is not valid"),
 * alike; the right secret of a cancelled meeting is 410 `cancelled`: whoever holds the link was invited, and is
 * told the meeting will not take place.
 */
export async function resolveLink(db: Db, kind: LinkKind, confNumber: string, secret: string): Promise<Link> {
  const meeting = /^\d{10}$/.test(confNumber) ? await findMeetingByConfNumber(db, confNumber) : undefined;
  const expected = meeting && (kind === 's' ? meeting.host_secret : meeting.join_secret);
  if (!meeting || !expected || !safeEqual(secret.toUpperCase(), expected)) throw linkNotValid();
  // A deleted user's scheduled meetings are cancelled too (deleteUserMeetings): those say so.
  if (meeting.conf_status === MeetingStatus.cancelled) throw meetingCancelled();
  if (meeting.conf_del_flag !== DelFlag.normal) throw linkNotValid();
  return { meeting, role: kind === 's' ? 'host' : 'attendee' };
}

export function linkNotValid(): ApiError {
  return new ApiError(Code.meetingNotFound, '会议链接无效 (this link is not valid)');
}

export function meetingCancelled(): ApiError {
  return new ApiError(Code.meetingNotFound, '会议已取消 (the meeting was cancelled)', {
    reason: 'cancelled',
    http: 410,
  });
}

/**
 * What a page shows before anyone enters. The host's link also carries the invitation the host may pass on (the
 * join link's path and the meeting password), as confReservation gave them to the host.
 */
export function linkInfo(link: Link, host: UserRow, now: number) {
  const m = link.meeting;
  const ended = isOver(m, now);
  return {
    role: link.role,
    ...(link.role === 'host'
      ? { invitation: { joinPath: `/j/${m.conf_number}/${m.join_secret}`, password: m.conf_password } }
      : {}),
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
  /** Who asks, for counting failed tries (see `clientKey`). */
  client: string;
}

/** Longest name a page may give; a host may also give their own userName, up to 200 characters. */
export const MAX_NAME = 64;

/**
 * The ticket, or a refusal that counted as a failed try: that is answered rather than thrown, so that
 * the caller commits the count with the transaction.
 */
export type EntryResult = { ticket: TicketRow } | { refusal: ApiError };

/**
 * Admits a person through a link, as a ticket. Refusals: an empty or too long name 109; through a join
 * link, too many failed tries (`EntryLocked`), then wrong password, not a registrant of a
 * registration-only meeting, wrong host key 102, in that order; meeting over 707, a host or an
 * early-joining attendee before the window opens 201. Someone the host removed from the session now
 * comes back only into the waiting room.
 */
export async function enterMeeting(
  db: Db,
  link: Link,
  host: UserRow,
  input: EnterInput,
  now: number,
): Promise<EntryResult> {
  if (input.name === '' || (input.name.length > MAX_NAME && !(link.role === 'host' && input.name === host.user_name))) {
    throw new ApiError(
      Code.parameter,
      `请输入名字，最多${MAX_NAME}个字符 (enter a name of at most ${MAX_NAME} characters)`,
    );
  }
  const meeting = (await lockMeeting(db, link.meeting.site_id, link.meeting.id, now))!;
  if (meeting.conf_status === MeetingStatus.ended)
    throw new ApiError(Code.meetingEnded, '会议已结束 (the meeting has ended)');
  const registrant = input.tk ? await findRegistrantByTk(db, input.tk) : undefined;
  const ownRegistrant = registrant?.meeting_id === meeting.id ? registrant : undefined;
  let role = link.role;
  if (role === 'attendee') {
    await refuseIfHeld(db, meeting, input.client, { withHostKey: !!input.hostKey }, now);
    const failure = attendeeFailure(meeting, host, input, ownRegistrant);
    if (failure) {
      if (failure.kind) await recordEntryFailure(db, meeting, input.client, failure.kind, now);
      return { refusal: failure.error };
    }
    if (input.hostKey) role = 'host';
  }
  const live = meeting.conf_status === MeetingStatus.live;
  let state: TicketState;
  if (role === 'host') state = 'admitted';
  else if (live)
    state =
      meeting.waiting_room === 1 || (await removedFromSession(db, meeting, input, ownRegistrant))
        ? 'lobby'
        : 'admitted';
  else state = meeting.option_jbh === 1 ? 'admitted' : 'host_wait';
  if (state === 'admitted' && !live && now < meeting.window_start) {
    throw new ApiError(
      Code.outsideMeetingTime,
      `会议尚未开始 (the meeting opens at ${formatDateTime(meeting.window_start)} GMT)`,
    );
  }
  const ticket = await insertTicket(db, {
    token: randomBytes(16).toString('hex'),
    meeting_id: meeting.id,
    role,
    name: input.name,
    cuid: randomBytes(16).toString('base64url'),
    login_name: role === 'host' && host.login_name ? host.login_name : (ownRegistrant?.email ?? input.name),
    registrant_id: ownRegistrant?.registrant_id ?? '',
    state,
    client: input.client,
    password_tag: link.role === 'attendee' ? passwordTag(meeting.conf_password) : null,
    created_at: now,
    updated_at: now,
    hand_raised_at: null,
  });
  return { ticket };
}

/** What is wrong with an attendee's password, registration or host key, and whether it counts as a guess. */
function attendeeFailure(
  meeting: MeetingRow,
  host: UserRow,
  input: EnterInput,
  ownRegistrant: RegistrantRow | undefined,
): { error: ApiError; kind?: EntryFailureKind } | undefined {
  if (meeting.conf_password !== '' && !safeEqual(input.password ?? '', meeting.conf_password)) {
    return {
      error: new ApiError(Code.authFailed, '会议密码错误 (wrong meeting password)', 'bad_password'),
      kind: 'password',
    };
  }
  if (meeting.registration_type === 1 && ownRegistrant?.status !== 'approved') {
    const pending = ownRegistrant?.status === 'pending';
    const error = new ApiError(
      Code.authFailed,
      pending
        ? '注册待审核 (your registration waits for the host’s approval)'
        : '本会议仅限注册用户参加 (this meeting admits registrants only: use your personal link)',
      pending ? 'registration_pending' : 'registration_required',
    );
    // A personal link that is nobody's here is a guess; one that waits for approval is not.
    return input.tk && !ownRegistrant ? { error, kind: 'tk' } : { error };
  }
  if (input.hostKey && !safeEqual(input.hostKey, host.host_key)) {
    return {
      error: new ApiError(Code.authFailed, '主持人密钥错误 (wrong host key)', 'bad_host_key'),
      kind: 'host_key',
    };
  }
  return undefined;
}

/**
 * Whether the person entering looks like one the host removed from the open session: the same client
 * address, name (ignoring case) or registration.
 */
async function removedFromSession(
  db: Db,
  meeting: MeetingRow,
  input: EnterInput,
  registrant: RegistrantRow | undefined,
): Promise<boolean> {
  const session = await openSession(db, meeting.id);
  if (!session) return false;
  const name = input.name.toLowerCase();
  return (await ticketsChangedSince(db, meeting.id, 'removed', session.started_at)).some(
    (t) =>
      t.client === input.client ||
      t.name.toLowerCase() === name ||
      (registrant !== undefined && t.registrant_id === registrant.registrant_id),
  );
}
