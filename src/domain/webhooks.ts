/**
 * Webhooks (extension, docs/webhooks.md): every event of a site is numbered and kept (the catch-up
 * feed), and an outbox row per subscribed endpoint is written in the same transaction as the change
 * that made the event; `deliverDue` sends them, signed, retrying with backoff for a day.
 */
import { createHmac, randomBytes, randomUUID } from 'node:crypto';
import type { Db, SiteRow } from '../store/database.js';
import {
  deactivateEndpoint,
  endpointsOf,
  headsOfQueues,
  insertDeliveries,
  insertEndpoint,
  insertEvent,
  lease,
  nextSeq,
  recordAttempt,
} from '../store/webhooks.repository.js';
import { ApiError, Code, parameterError } from './errors.js';
import { formatDateTime } from './time.js';

export const EVENT_TYPES = ['meeting.started', 'meeting.ended', 'participant.joined', 'participant.left', 'recording.completed', 'registrant.created'] as const;
export type EventType = (typeof EVENT_TYPES)[number];

/** Deliveries are retried this long after the event, then marked failed. */
export const RETRY_FOR_MS = 24 * 3_600_000;
const FIRST_RETRY_MS = 60_000;
const MAX_RETRY_MS = 3_600_000;

/** Records an event of the site and queues it for every endpoint that subscribed to its type. */
export async function emitEvent(db: Db, siteId: number, type: EventType, data: Record<string, unknown>, at: number): Promise<void> {
  const seq = await nextSeq(db, siteId);
  const event = await insertEvent(db, { site_id: siteId, seq, event_id: randomUUID(), type, occurred_at: at, payload: JSON.stringify(data) });
  const endpoints = (await endpointsOf(db, siteId)).filter((e) => e.events === '*' || e.events.split(',').includes(type));
  await insertDeliveries(db, Number(event.id), endpoints.map((e) => e.id), at);
}

/** Registers an endpoint for some or all (`*`) event types; answers it with its secret. */
export async function createEndpoint(db: Db, site: SiteRow, input: { url: string; events?: string | undefined }, now: number) {
  let url: URL;
  try {
    url = new URL(input.url);
  } catch {
    throw parameterError('url', 'an absolute http(s) URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw parameterError('url', 'an absolute http(s) URL');
  const events = (input.events ?? '*').split(',').map((e) => e.trim()).filter((e) => e !== '');
  if (events.length === 0 || !(events.length === 1 && events[0] === '*') && !events.every((e) => (EVENT_TYPES as readonly string[]).includes(e))) {
    throw parameterError('events', `* or some of ${EVENT_TYPES.join(', ')}, comma-separated`);
  }
  return insertEndpoint(db, { site_id: site.id, url: url.toString(), secret: randomBytes(32).toString('hex'), events: events.join(','), created_at: now });
}

export async function removeEndpoint(db: Db, site: SiteRow, id: number): Promise<void> {
  if (!(await deactivateEndpoint(db, site.id, id))) throw new ApiError(Code.parameter, `参数 id 无效 (invalid parameter id): no webhook endpoint ${id} of this site`);
}

/** `Huiguan-Signature` of a body: `t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>`. */
export function signature(secret: string, body: string, unixSeconds: number): string {
  return `t=${unixSeconds},v1=${createHmac('sha256', secret).update(`${unixSeconds}.${body}`).digest('hex')}`;
}

/** The JSON an endpoint receives, and the feed answers. */
export function eventBody(e: { event_id: string; seq: number; type: string; occurred_at: number; payload: string }, siteSign: string) {
  return { id: e.event_id, seq: Number(e.seq), type: e.type, time: formatDateTime(e.occurred_at), siteSign, data: JSON.parse(e.payload) as unknown };
}

export interface DeliveryOptions {
  /** Default: global fetch. */
  fetch?: typeof fetch;
  /** Default 10 s. */
  timeoutMs?: number;
  /** How many endpoints' queues to serve in one pass. Default 50. */
  batch?: number;
}

/**
 * One pass of the outbox: sends the oldest due delivery of each endpoint (one at a time per endpoint,
 * so one meeting's events arrive in order). A delivery is leased before it is sent, so several server
 * processes never send the same one in the normal case; a process that dies mid-send leaves a lease that
 * expires, and the delivery is sent again (at-least-once). Answers how many were attempted.
 */
export async function deliverDue(db: Db, now: number, options: DeliveryOptions = {}): Promise<number> {
  const send = options.fetch ?? fetch;
  const timeoutMs = options.timeoutMs ?? 10_000;
  const heads = await headsOfQueues(db, now, options.batch ?? 50);
  let attempted = 0;
  await Promise.all(
    heads.map(async (d) => {
      if (!(await lease(db, d.id, now, timeoutMs * 3))) return;
      attempted += 1;
      const body = JSON.stringify(eventBody(d, d.site_sign));
      let statusCode: number | null = null;
      let error = '';
      try {
        const res = await send(d.url, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            'user-agent': 'Huiguan-Webhooks/1',
            'huiguan-event-id': d.event_id,
            'huiguan-event-type': d.type,
            'huiguan-signature': signature(d.secret, body, Math.floor(Date.now() / 1000)),
          },
          body,
          redirect: 'manual',
          signal: AbortSignal.timeout(timeoutMs),
        });
        statusCode = res.status;
        await res.body?.cancel().catch(() => undefined);
        if (res.status < 200 || res.status >= 300) error = `HTTP ${res.status}`;
      } catch (err) {
        error = err instanceof Error ? err.message : String(err);
      }
      const attempts = d.attempts + 1;
      if (!error) {
        await recordAttempt(db, d.id, { status: 'delivered', attempts, nextAttemptAt: now, statusCode, error: '', now });
        return;
      }
      const retryIn = Math.min(FIRST_RETRY_MS * 2 ** (attempts - 1), MAX_RETRY_MS);
      const giveUp = now + retryIn - d.created_at > RETRY_FOR_MS;
      await recordAttempt(db, d.id, { status: giveUp ? 'failed' : 'pending', attempts, nextAttemptAt: now + retryIn, statusCode, error, now });
    }),
  );
  return attempted;
}
