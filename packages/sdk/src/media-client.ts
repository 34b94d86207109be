import type { MediaEventsParams, MediaParticipant, OkAnswer, TimeInput } from './types.js';
import { toTransport, type Transport, type TransportOptions } from './transport.js';

/**
 * The media-plane API, `POST /media/v1/events` (JSON body, token subject `confNumber`): what a media
 * server reports about a meeting. The events of one call are applied in order, all or none; they go
 * through the same rules as the meeting pages (window 201, capacity 205, host first 708, …).
 */
export class MediaClient {
  readonly #transport: Transport;

  constructor(transport: Transport | TransportOptions) {
    this.#transport = toTransport(transport);
  }

  /**
   * Reports events about one meeting.
   *
   * @example
   * await client.media.sendEvents({ confNumber: '1234567890', events: [
   *   { type: 'participant.joined', participant: { cuid: 'h1', name: 'Alice', role: 'host', deviceType: 'pc' } },
   *   { type: 'participant.joined', participant: { cuid: 'r101', name: 'Room 101', role: 'attendee', device: 'H.323/SIP' } },
   * ] });
   */
  sendEvents(params: MediaEventsParams): Promise<OkAnswer> {
    return this.#transport.call({ endpoint: '/media/v1/events', subject: 'confNumber', params, encoding: 'json' });
  }

  /**
   * Reports one participant joining; a host's join starts a session.
   *
   * @example
   * await client.media.join('1234567890', { cuid: 'h1', name: 'Alice', role: 'host' });
   */
  join(
    confNumber: string,
    participant: MediaParticipant & { name: string; role: 'host' | 'attendee' },
    at?: TimeInput,
  ): Promise<OkAnswer> {
    return this.sendEvents({
      confNumber,
      events: [{ type: 'participant.joined', participant, ...(at === undefined ? {} : { at }) }],
    });
  }

  /**
   * Reports one participant leaving; the last one to leave ends the session.
   *
   * @example
   * await client.media.leave('1234567890', 'h1');
   */
  leave(confNumber: string, cuid: string, at?: TimeInput): Promise<OkAnswer> {
    return this.sendEvents({
      confNumber,
      events: [{ type: 'participant.left', participant: { cuid }, ...(at === undefined ? {} : { at }) }],
    });
  }
}
