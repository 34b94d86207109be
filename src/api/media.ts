import type { FastifyInstance } from 'fastify';
import Type from 'typebox';
import { ApiError, Code, parameterError } from '../domain/errors.js';
import { endSession, joinMeeting, leaveMeeting, lockMeeting, startSession } from '../domain/lifecycle.js';
import { parseDateTime } from '../domain/time.js';
import type { MeetingBus } from '../store/bus.js';
import { findMeetingByNumber } from '../store/meetings.repository.js';
import type { Db, MeetingRow } from '../store/database.js';
import { openSession, presentByCuid } from '../store/presence.repository.js';
import { findRegistrant } from '../store/registrants.repository.js';
import { defineEndpoint, ok, type EndpointDeps } from './endpoint.js';
import { endpointParams, text } from './schemas.js';

/** How far in the future an event's `at` may lie (clock skew between media server and us). */
const FUTURE_SKEW_MS = 60_000;

const participant = Type.Object({
  cuid: text(64, 'the participant’s client id, unique within the meeting', { minLength: 1 }),
  name: Type.Optional(text(200, 'display name; required when joining', { minLength: 1 })),
  role: Type.Optional(Type.Union([Type.Literal('host'), Type.Literal('attendee')], { description: 'required when joining' })),
  device: Type.Optional(text(64, 'device or operating system, e.g. Windows')),
  deviceType: Type.Optional(Type.Union([Type.Literal('pc'), Type.Literal('mobile'), Type.Literal('其他')])),
  ip: Type.Optional(text(64, 'IP address')),
  userId: Type.Optional(text(64, 'the participant’s userId, when known')),
  registrantId: Type.Optional(text(64, 'registrant id, for registrants')),
  viewOnly: Type.Optional(Type.Boolean({ description: 'audience (webinar) rather than panelist' })),
});

const event = Type.Object({
  type: Type.Union([
    Type.Literal('session.started'),
    Type.Literal('participant.joined'),
    Type.Literal('participant.left'),
    Type.Literal('session.ended'),
  ]),
  at: Type.Optional(Type.String({ maxLength: 19, description: 'GMT yyyy-MM-dd HH:mm:ss; default now' })),
  participant: Type.Optional(participant),
});

/**
 * `POST /media/v1/events`: what a media server (or a test) reports about a meeting, applied in order in
 * one transaction through the same lifecycle as the pages. Signed like the API, token subject
 * `confNumber`.
 */
export function mediaRoutes(app: FastifyInstance, deps: EndpointDeps & { bus: MeetingBus }): void {
  defineEndpoint(app, deps, {
    name: 'events',
    url: '/media/v1/events',
    section: 'media plane',
    summary: 'Media-plane events: sessions and participants',
    subject: 'confNumber',
    params: endpointParams({
      confNumber: Type.String({ pattern: '^[0-9]{10}$', description: 'the meeting’s confNumber' }),
      events: Type.Array(event, { minItems: 1, maxItems: 100 }),
    }),
    handler: async ({ db, site, params, now, afterCommit }) => {
      const found = await findMeetingByNumber(db, site.id, params.confNumber);
      if (!found) throw new ApiError(Code.meetingNotFound, `会议不存在 (no meeting ${params.confNumber} on this site)`);
      for (const [i, e] of params.events.entries()) {
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
            if (p.role === 'attendee' && meeting.registration_type === 1) await requireApprovedRegistrant(db, meeting, p.registrantId, i);
            await joinMeeting(db, meeting, { ...p, name: p.name, role: p.role }, at);
            break;
          }
          case 'participant.left': {
            const cuid = e.participant?.cuid;
            if (!cuid) throw parameterError(`events[${i}].participant`, 'the participant (cuid) who left');
            const session = await openSession(db, meeting.id);
            const present = session && (await presentByCuid(db, session.id, cuid));
            if (!present) throw parameterError(`events[${i}].participant.cuid`, `a participant now in meeting ${meeting.conf_number}`);
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
      afterCommit(() => deps.bus.publish(found.id));
      return ok();
    },
  });
}

/** A registration-only meeting admits attendees who are approved registrants of it (102 otherwise). */
async function requireApprovedRegistrant(db: Db, meeting: MeetingRow, registrantId: string | undefined, index: number): Promise<void> {
  const registrant = registrantId ? await findRegistrant(db, meeting.id, registrantId) : undefined;
  if (registrant?.status !== 'approved') {
    throw new ApiError(Code.authFailed, `仅限注册用户 (events[${index}].participant.registrantId: meeting ${meeting.conf_number} admits approved registrants only)`);
  }
}

function eventTime(text: string | undefined, index: number, now: number): number {
  if (text === undefined || text === '') return now;
  const at = parseDateTime(text);
  if (at === undefined || at > now + FUTURE_SKEW_MS) throw parameterError(`events[${index}].at`, 'a GMT time yyyy-MM-dd HH:mm:ss, not in the future');
  return at;
}
