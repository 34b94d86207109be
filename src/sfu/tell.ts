import type { FastifyBaseLogger } from 'fastify';
import type { MeetingBus } from '../store/bus.js';
import type { PageTeller } from './services.js';

/**
 * Tells every page of a meeting `{"type":"sfu", ...message}` through the meeting bus, so that the pages on every
 * server process hear what this process's recording or live stream says. A bus that fails is logged, not thrown.
 */
export function tellPages(bus: Pick<MeetingBus, 'signal'>, log?: Pick<FastifyBaseLogger, 'warn'>): PageTeller {
  return (meetingId, message) => {
    bus
      .signal({ meetingId, to: '*', from: '', message: { type: 'sfu', ...message } })
      .catch((err: unknown) => log?.warn({ err, meetingId }, 'sfu state not relayed to the pages'));
  };
}
