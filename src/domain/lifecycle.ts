/**
 * The state machine of a meeting's holding: sessions and the people in them. Every function runs in
 * the caller's transaction with the meeting's row locked (see `lockMeeting`), so that pages, the
 * media-plane API and the sweeper of any server process apply transitions one at a time.
 *
 *   scheduled (0) --first admitted join / session.started--> live (2)
 *   live --last participant leaves / session.ended--> scheduled (0), or ended (3) past the window
 *   live --endConf / window end--> ended (3)
 */
import { randomBytes } from 'node:crypto';
import type { Db, MeetingRow, ParticipantRole, ParticipationRow, SessionRow } from '../store/database.js';
import { findMeeting, findMeetingById, updateMeeting } from '../store/meetings.repository.js';
import {
  closeParticipations,
  closeSession,
  countPresent,
  findTicket,
  insertParticipation,
  insertSession,
  moveTickets,
  openSession,
  presentByCuid,
  presentIn,
} from '../store/presence.repository.js';
import { requireCurrentPassword } from './entry-guard.js';
import { ApiError, Code } from './errors.js';
import { DelFlag, isPastDue, MeetingStatus, statusAfterSession } from './meeting-status.js';
import { formatDateTime } from './time.js';
import { recordJoin, recordParticipationsClosed, recordSessionClosed } from './usage.js';
import { emitEvent } from './webhooks.js';
import { findUserById } from '../store/users.repository.js';

export interface ParticipantInput {
  cuid: string;
  name: string;
  role: ParticipantRole;
  device?: string | undefined;
  /** pc, mobile or 其他. */
  deviceType?: string | undefined;
  ip?: string | undefined;
  userId?: string | undefined;
  registrantId?: string | undefined;
  viewOnly?: boolean | undefined;
  /** The page's ticket; pages send heartbeats, media-plane participants do not. */
  ticket?: string | undefined;
}

/**
 * The meeting with its row locked for the transaction, and settled: a scheduled meeting whose window
 * has passed is ended. Undefined when it does not exist.
 */
export async function lockMeeting(
  db: Db,
  siteId: number | undefined,
  meetingId: number,
  now: number,
): Promise<MeetingRow | undefined> {
  const meeting =
    siteId === undefined
      ? await findMeetingById(db, meetingId, { lock: true })
      : await findMeeting(db, siteId, meetingId, { lock: true });
  if (meeting && isPastDue(meeting, now)) {
    return updateMeeting(db, meeting.id, { conf_status: MeetingStatus.ended, updated_at: now });
  }
  return meeting;
}

/** Refuses to hold a meeting that is over (707), cancelled or deleted (401), or outside its window (201). */
export function requireHoldable(meeting: MeetingRow, at: number): void {
  if (meeting.conf_del_flag !== DelFlag.normal || meeting.conf_status === MeetingStatus.cancelled) {
    throw new ApiError(Code.meetingNotFound, `会议不存在或已取消 (meeting ${meeting.conf_number} is cancelled)`);
  }
  if (meeting.conf_status === MeetingStatus.ended) {
    throw new ApiError(Code.meetingEnded, `会议已结束 (meeting ${meeting.conf_number} has ended)`);
  }
  if (at < meeting.window_start || at >= meeting.window_end) {
    throw new ApiError(
      Code.outsideMeetingTime,
      `不在会议时间内 (meeting ${meeting.conf_number} can be held from ${formatDateTime(meeting.window_start)} to ${formatDateTime(meeting.window_end)} GMT)`,
    );
  }
}

/** Opens a session of the meeting at `at`, or answers the one already open. */
export async function startSession(db: Db, meeting: MeetingRow, at: number): Promise<SessionRow> {
  const open = await openSession(db, meeting.id);
  if (open) return open;
  requireHoldable(meeting, at);
  const session = await insertSession(db, meeting.site_id, meeting.id, randomBytes(16).toString('base64'), at);
  await updateMeeting(db, meeting.id, { conf_status: MeetingStatus.live, held: 1, updated_at: at });
  await emitEvent(
    db,
    meeting.site_id,
    'meeting.started',
    { ...(await meetingFacts(db, meeting)), uuid: session.uuid, startTime: formatDateTime(at) },
    at,
  );
  // Those who waited for the host are let in, or into the waiting room when there is one.
  await moveTickets(db, meeting.id, ['host_wait'], meeting.waiting_room === 1 ? 'lobby' : 'admitted', at);
  return session;
}

/**
 * Puts a participant in the meeting. With no session open, a host starts one, and so does anyone when
 * the meeting lets people join before the host (`optionJbh=1`); otherwise 708. Full meetings
 * (`confParties` present) answer 205. Joining twice with one `cuid` answers the first participation. A page's
 * ticket obtained with another meeting password than today's is refused (102).
 */
export async function joinMeeting(
  db: Db,
  meeting: MeetingRow,
  input: ParticipantInput,
  at: number,
): Promise<ParticipationRow> {
  requireHoldable(meeting, at);
  const ticket = input.ticket === undefined ? undefined : await findTicket(db, input.ticket);
  if (ticket) requireCurrentPassword(ticket, meeting);
  let session = await openSession(db, meeting.id);
  if (!session) {
    if (input.role !== 'host' && meeting.option_jbh !== 1) {
      throw new ApiError(
        Code.wrongState,
        `主持人尚未开始会议 (meeting ${meeting.conf_number} has not been started by its host)`,
      );
    }
    session = await startSession(db, meeting, at);
  }
  const already = await presentByCuid(db, session.id, input.cuid);
  if (already) return already;
  if ((await countPresent(db, session.id)) >= meeting.conf_parties) {
    throw new ApiError(
      Code.noRoomResource,
      `会议人数已满 (meeting ${meeting.conf_number} is full: ${meeting.conf_parties} parties)`,
    );
  }
  if (meeting.rc_port === 1 && isRoomSystem(input.device)) {
    const present = await presentIn(db, session.id);
    if (present.some((p) => isRoomSystem(p.device))) {
      throw new ApiError(
        Code.noRoomResource,
        `会议只允许一台硬件设备接入 (meeting ${meeting.conf_number} admits one hardware-room device: rcPort=1)`,
      );
    }
  }
  const participation = await insertParticipation(db, {
    site_id: meeting.site_id,
    meeting_id: meeting.id,
    session_id: session.id,
    ticket: input.ticket ?? null,
    cuid: input.cuid,
    name: input.name,
    role: input.role,
    device: input.device ?? '',
    device_type: input.deviceType ?? '其他',
    ip: input.ip ?? '',
    user_id: input.userId ?? '',
    registrant_id: input.registrantId ?? '',
    view_only: input.viewOnly ? 1 : 0,
    joined_at: at,
    left_at: null,
    last_seen_at: input.ticket ? at : null,
  });
  await recordJoin(db, meeting.site_id, participation.device_type, at);
  await emitEvent(db, meeting.site_id, 'participant.joined', participantFacts(meeting, session, participation), at);
  return participation;
}

/** What every meeting event says of its meeting. */
async function meetingFacts(db: Db, meeting: MeetingRow) {
  const host = await findUserById(db, meeting.user_pk);
  return { confId: meeting.id, confNumber: meeting.conf_number, userId: host?.user_id ?? '' };
}

function participantFacts(meeting: MeetingRow, session: SessionRow | undefined, p: ParticipationRow) {
  return {
    confId: meeting.id,
    confNumber: meeting.conf_number,
    uuid: session?.uuid ?? '',
    cuid: p.cuid,
    participantName: p.name,
    role: p.role,
    deviceType: p.device_type,
    joinTime: formatDateTime(p.joined_at),
    ...(p.left_at === null ? {} : { leaveTime: formatDateTime(p.left_at) }),
  };
}

/** Participations just closed: their time goes to the statistics, and each is announced. */
async function closed(
  db: Db,
  meeting: MeetingRow,
  session: SessionRow | undefined,
  rows: ParticipationRow[],
  at: number,
): Promise<void> {
  await recordParticipationsClosed(db, rows);
  for (const p of rows)
    await emitEvent(db, meeting.site_id, 'participant.left', participantFacts(meeting, session, p), at);
}

/** An H.323 or SIP room system (2.25 limits these), told by the device the media plane reports. */
export function isRoomSystem(device: string | undefined): boolean {
  return /h\.?323|\bsip\b|polycom/i.test(device ?? '');
}

/** Takes participants out at `at`; when nobody is left, the session ends. */
export async function leaveMeeting(
  db: Db,
  meeting: MeetingRow,
  participations: ParticipationRow[],
  at: number,
): Promise<void> {
  const open = participations.filter((p) => p.left_at === null);
  if (open.length === 0) return;
  const session = await openSession(db, meeting.id);
  await closed(
    db,
    meeting,
    session,
    await closeParticipations(
      db,
      open.map((p) => p.id),
      at,
    ),
    at,
  );
  if (session && (await countPresent(db, session.id)) === 0) await endSession(db, meeting, at, { final: false });
}

/**
 * Ends the open session at `at`: everyone in it leaves. The meeting becomes ended (3) when `final`
 * (endConf, window end, the host's end) or past its window, else scheduled (0) again for another session.
 */
export async function endSession(
  db: Db,
  meeting: MeetingRow,
  at: number,
  { final }: { final: boolean },
): Promise<void> {
  const session = await openSession(db, meeting.id);
  if (session) {
    const present = await presentIn(db, session.id);
    await closed(
      db,
      meeting,
      session,
      await closeParticipations(
        db,
        present.map((p) => p.id),
        at,
      ),
      at,
    );
    const endedAt = Math.max(at, session.started_at);
    await closeSession(db, session.id, endedAt);
    await recordSessionClosed(db, meeting.site_id, session.started_at, endedAt);
  }
  const status = statusAfterSession({ final, at, windowEnd: meeting.window_end });
  const over = status === MeetingStatus.ended;
  if (session) {
    await emitEvent(
      db,
      meeting.site_id,
      'meeting.ended',
      {
        ...(await meetingFacts(db, meeting)),
        uuid: session.uuid,
        startTime: formatDateTime(session.started_at),
        endTime: formatDateTime(Math.max(at, session.started_at)),
        final: over,
      },
      at,
    );
  }
  await updateMeeting(db, meeting.id, { conf_status: status, updated_at: at });
  // Tickets are for one session: a later one is entered afresh (with the password it asks for then).
  await moveTickets(db, meeting.id, ['admitted', 'host_wait', 'lobby'], 'ended', at);
}
