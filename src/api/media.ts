import type { FastifyPluginAsync } from 'fastify';
import Type from 'typebox';
import { applyMediaEvents } from '../domain/media-events.js';
import type { MeetingBus } from '../store/bus.js';
import { defineEndpoint, ok, type EndpointDeps } from './endpoint.js';
import { endpointParams, text } from './schemas.js';
import { answers } from '../contract/answers.js';

const participant = Type.Object({
  cuid: text(64, 'the participant’s client id, unique within the meeting', { minLength: 1 }),
  name: Type.Optional(text(200, 'display name; required when joining', { minLength: 1 })),
  role: Type.Optional(
    Type.Union([Type.Literal('host'), Type.Literal('attendee')], { description: 'required when joining' }),
  ),
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
 * one transaction through the same lifecycle as the pages (domain/media-events.ts). Signed like the API,
 * token subject `confNumber`.
 */
export const mediaRoutes: FastifyPluginAsync<EndpointDeps & { bus: MeetingBus }> = async (app, deps) => {
  defineEndpoint(app, deps, {
    name: 'events',
    url: '/media/v1/events',
    answer: answers['/media/v1/events'],
    section: 'media plane',
    summary: 'Media-plane events: sessions and participants',
    subject: 'confNumber',
    params: endpointParams({
      confNumber: Type.String({ pattern: '^[0-9]{10}$', description: 'the meeting’s confNumber' }),
      events: Type.Array(event, { minItems: 1, maxItems: 100 }),
    }),
    handler: async ({ db, site, params, now, afterCommit }) => {
      const meetingId = await applyMediaEvents(db, site, params.confNumber, params.events, now);
      afterCommit(() => deps.bus.publish(meetingId));
      return ok();
    },
  });
};
