import type { Db, MeetingRow, SiteRow } from '../store/database.js';
import { findMeetingByNumber } from '../store/meetings.repository.js';
import { openSession, presentByCuid } from '../store/presence.repository.js';
import { findRegistrant } from '../store/registrants.repository.js';
import { ApiError, Code, parameterError } from './errors.js';
import {
  endSession,
  joinMeeting,
  leaveMeeting,
  lockMeeting,
  startSession,
  type ParticipantInput,
} from './lifecycle.js';
import { parseDateTime } from './time.js';

/** How far in the future an event's `at` may lie (clock skew between media server and us). */
const FUTURE_SKEW_MS = 60_000;

/** What a media server reports about a meeting (`POST /media/v1/events`). */
export interface MediaEvent {
  type: 'session.started' | 'participant.joined' | 'participant.left' | 'session.ended';
  /** GMT yyyy-MM-dd HH:mm:ss; absent or empty: now. */
  at?: string | undefined;
  /** Who joined (cuid, name and role required) or left (cuid required). */
  participant?: (Partial<ParticipantInput> & { cuid: string }) | undefined;
}

/**
 * Applies a media server's events to meeting `confNumber` of `site`, in order, through the same
 * lifecycle as the pages; the caller's transaction makes them all or nothing. Returns the meeting's id,
 * whose change is to be announced after the commit. 401 for an unknown meeting; 109 for an event that
 * lacks what it needs, or whose time is unreadable or in the future; 102 for an attendee of a
 * registration-only meeting who is no approved registrant; 708 for a session ended that was not open.
 */
export async function applyMediaEvents(
  db: Db,
  site: SiteRow,
  confNumber: string,
  events: readonly MediaEvent[],
  now: number,
): Promise<number> {
  const found = await findMeetingByNumber(db, site.id, confNumber);
  if (!found) throw new ApiError(Code.meetingNotFound, `会议不存在 (no meeting ${confNumber} on this site)`);
  for (const [i, e] of events.entries()) {
    const at = eventTime(e.at, i, now);
    const meeting = (await lockMeeting(db, site.id, found.id, at > now ? at : now))!;
    switch (e.type) {
      case 'session.started':
        await startSession(db, meeting, at);
        break;
      case 'participant.joined': {
        const p = e.participant;
        if (!p) throw parameterError(`events[${i}].participant`, 'the participant who joined');
        if (!p.name) throw parameterError(`events[${i}].participant.name`, 'the display name of who joined');
        if (!p.role) throw parameterError(`events[${i}].participant.role`, 'host or attendee');
        if (p.role === 'attendee' && meeting.registration_type === 1)
          await requireApprovedRegistrant(db, meeting, p.registrantId, i);
        await joinMeeting(db, meeting, { ...p, name: p.name, role: p.role }, at);
        break;
      }
      case 'participant.left': {
        const cuid = e.participant?.cuid;
        if (!cuid) throw parameterError(`events[${i}].participant`, 'the participant (cuid) who left');
        const session = await openSession(db, meeting.id);
        const present = session && (await presentByCuid(db, session.id, cuid));
        if (!present)
          throw parameterError(`events[${i}].participant.cuid`, `a participant now in meeting ${meeting.conf_number}`);
        await leaveMeeting(db, meeting, [present], at);
        break;
      }
      case 'session.ended':
        if (!(await openSession(db, meeting.id))) {
          throw new ApiError(Code.wrongState, `会议未在进行 (meeting ${meeting.conf_number} has no session to end)`);
        }
        await endSession(db, meeting, at, { final: false });
        break;
    }
  }
  return found.id;
}

/** A registration-only meeting admits attendees who are approved registrants of it (102 otherwise). */
async function requireApprovedRegistrant(
  db: Db,
  meeting: MeetingRow,
  registrantId: string | undefined,
  index: number,
): Promise<void> {
  const registrant = registrantId ? await findRegistrant(db, meeting.id, registrantId) : undefined;
  if (registrant?.status !== 'approved') {
    throw new ApiError(
      Code.authFailed,
      `仅限注册用户 (events[${index}].participant.registrantId: meeting ${meeting.conf_number} admits approved registrants only)`,
    );
  }
}

/** An event's time: `text`, or `now` when absent; 109 when unreadable or more than a minute ahead. */
export function eventTime(text: string | undefined, index: number, now: number): number {
  if (text === undefined || text === '') return now;
  const at = parseDateTime(text);
  if (at === undefined || at > now + FUTURE_SKEW_MS)
    throw parameterError(`events[${index}].at`, 'a GMT time yyyy-MM-dd HH:mm:ss, not in the future');
  return at;
}
