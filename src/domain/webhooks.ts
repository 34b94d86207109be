/**
 * Webhooks (extension, docs/webhooks.md): every event of a site is numbered and kept (the catch-up
 * feed), and an outbox row per subscribed endpoint is written in the same transaction as the change
 * that made the event; `deliverDue` sends them, signed, retrying with backoff for a day.
 */
import { createHmac, randomBytes, randomUUID } from 'node:crypto';
import type { Db, SiteRow } from '../store/database.js';
import { lockSite } from '../store/sites.repository.js';
import {
  countEndpoints,
  deactivateEndpoint,
  dropPendingDeliveries,
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
import { checkTarget, postChecked, TargetRefused, type WebhookTargetPolicy } from './webhook-targets.js';

export const EVENT_TYPES = [
  'meeting.created',
  'meeting.updated',
  'meeting.cancelled',
  'meeting.started',
  'meeting.ended',
  'participant.joined',
  'participant.left',
  'recording.completed',
  'registrant.created',
] as const;
export type EventType = (typeof EVENT_TYPES)[number];

/** Deliveries are retried this long after the event, then marked failed. */
export const RETRY_FOR_MS = 24 * 3_600_000;
const FIRST_RETRY_MS = 60_000;
const MAX_RETRY_MS = 3_600_000;
/** Endpoints one site may have at a time. */
export const MAX_ENDPOINTS_PER_SITE = 20;
/** A delivery not answered within this long failed (and is retried). */
export const DELIVERY_TIMEOUT_MS = 5_000;

/** Records an event of the site and queues it for every endpoint that subscribed to its type. */
export async function emitEvent(
  db: Db,
  siteId: number,
  type: EventType,
  data: Record<string, unknown>,
  at: number,
): Promise<void> {
  const seq = await nextSeq(db, siteId);
  const event = await insertEvent(db, {
    site_id: siteId,
    seq,
    event_id: randomUUID(),
    type,
    occurred_at: at,
    payload: JSON.stringify(data),
  });
  const endpoints = (await endpointsOf(db, siteId)).filter(
    (e) => e.events === '*' || e.events.split(',').includes(type),
  );
  await insertDeliveries(
    db,
    Number(event.id),
    endpoints.map((e) => e.id),
    at,
  );
}

/**
 * Registers an endpoint for some or all (`*`) event types; answers it with its secret. Refuses a URL whose
 * host is, or resolves to, an address `targets` does not allow (default: internal ones), and a site's
 * endpoint beyond {@link MAX_ENDPOINTS_PER_SITE}.
 */
export async function createEndpoint(
  db: Db,
  site: SiteRow,
  input: { url: string; events?: string | undefined },
  now: number,
  targets: WebhookTargetPolicy = {},
) {
  let url: URL;
  try {
    url = new URL(input.url);
  } catch {
    throw parameterError('url', 'an absolute http(s) URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw parameterError('url', 'an absolute http(s) URL');
  const events = (input.events ?? '*')
    .split(',')
    .map((e) => e.trim())
    .filter((e) => e !== '');
  if (
    events.length === 0 ||
    (!(events.length === 1 && events[0] === '*') &&
      !events.every((e) => (EVENT_TYPES as readonly string[]).includes(e)))
  ) {
    throw parameterError('events', `* or some of ${EVENT_TYPES.join(', ')}, comma-separated`);
  }
  try {
    await checkTarget(url, targets);
  } catch (err) {
    if (err instanceof TargetRefused) throw parameterError('url', err.message);
    throw err;
  }
  await lockSite(db, site.id);
  if ((await countEndpoints(db, site.id)) >= MAX_ENDPOINTS_PER_SITE) {
    throw new ApiError(
      Code.parameter,
      `已达上限 (limit reached): a site has at most ${MAX_ENDPOINTS_PER_SITE} webhook endpoints; delete one before adding another`,
    );
  }
  return insertEndpoint(db, {
    site_id: site.id,
    url: url.toString(),
    secret: randomBytes(32).toString('hex'),
    events: events.join(','),
    created_at: now,
  });
}

/** Stops sending to an endpoint: its pending deliveries are dropped, none is attempted again. */
export async function removeEndpoint(db: Db, site: SiteRow, id: number): Promise<void> {
  if (!(await deactivateEndpoint(db, site.id, id)))
    throw new ApiError(Code.parameter, `参数 id 无效 (invalid parameter id): no webhook endpoint ${id} of this site`);
  await dropPendingDeliveries(db, id, 'endpoint deleted');
}

/** `Huiguan-Signature` of a body: `t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>`. */
export function signature(secret: string, body: string, unixSeconds: number): string {
  return `t=${unixSeconds},v1=${createHmac('sha256', secret).update(`${unixSeconds}.${body}`).digest('hex')}`;
}

/** The JSON an endpoint receives, and the feed answers. */
export function eventBody(
  e: { event_id: string; seq: number; type: string; occurred_at: number; payload: string },
  siteSign: string,
) {
  return {
    id: e.event_id,
    seq: Number(e.seq),
    type: e.type,
    time: formatDateTime(e.occurred_at),
    siteSign,
    data: JSON.parse(e.payload) as Record<string, unknown>,
  };
}

export interface DeliveryOptions {
  /** Where deliveries may go. Default: public addresses only. */
  targets?: WebhookTargetPolicy;
  /** Sends instead of the checked POST (tests). Default: a POST under `targets`. */
  fetch?: typeof fetch;
  /** Default {@link DELIVERY_TIMEOUT_MS}. */
  timeoutMs?: number;
  /** How many endpoints' queues to serve in one pass. Default 50. */
  batch?: number;
}

type Head = Awaited<ReturnType<typeof headsOfQueues>>[number];

/**
 * One pass of the outbox: sends the oldest due delivery of each endpoint (one at a time per endpoint,
 * so one meeting's events arrive in order), the sites' queues taken in turn. A delivery is leased before
 * it is sent, so several server processes never send the same one in the normal case; a process that dies
 * mid-send leaves a lease that expires, and the delivery is sent again (at-least-once). Answers how many
 * were attempted.
 */
export async function deliverDue(db: Db, now: number, options: DeliveryOptions = {}): Promise<number> {
  const heads = await headsOfQueues(db, now, options.batch ?? 50);
  const attempted = await Promise.all(heads.map((d) => deliverOne(db, d, now, options)));
  return attempted.filter(Boolean).length;
}

/** Options of {@link deliveryWorker}. */
export interface DeliveryWorkerOptions extends Omit<DeliveryOptions, 'batch'> {
  /** Deliveries on their way at once from this process. Default 32. */
  concurrency?: number;
  /** Of those, for one site at most. Default 8. */
  perSite?: number;
  /** Told when recording a delivery fails, or a look begun by a finished delivery fails. */
  onError?: (err: unknown) => void;
}

/** The outbox worker of {@link deliveryWorker}. */
export interface DeliveryWorker {
  /** Looks for due deliveries and starts them (also done whenever one finishes); rejects when the look fails. */
  look(): Promise<void>;
  /** Starts no more, and waits for those on their way. */
  stop(): Promise<void>;
}

/**
 * The server's outbox worker: keeps up to `concurrency` deliveries on their way, taken from the sites'
 * queues in turn and at most `perSite` per site, so that slow endpoints of one site hold only their own
 * deliveries. The server calls `look()` every second (api/background.ts) and `stop()` on close.
 */
export function deliveryWorker(db: Db, options: DeliveryWorkerOptions = {}): DeliveryWorker {
  const concurrency = options.concurrency ?? 32;
  const perSite = options.perSite ?? 8;
  const onError = options.onError ?? (() => undefined);
  const onTheirWay = new Set<Promise<void>>();
  const bySite = new Map<number, number>();
  // A look runs alone: the periodic one and those begun by finished deliveries share it. One asked for while a
  // look runs is made again after it: that look may have read the queues before the delivery that asked was
  // recorded, and would miss the next head of its queue (nothing else would start it until the periodic look).
  let looking: Promise<void> | undefined;
  let again = false;
  let stopped = false;
  const start = (d: Head) => {
    bySite.set(d.site_id, (bySite.get(d.site_id) ?? 0) + 1);
    const job: Promise<void> = deliverOne(db, d, Date.now(), options)
      .then(() => undefined, onError)
      .finally(() => {
        onTheirWay.delete(job);
        const left = (bySite.get(d.site_id) ?? 1) - 1;
        if (left > 0) bySite.set(d.site_id, left);
        else bySite.delete(d.site_id);
        look().catch(onError);
      });
    onTheirWay.add(job);
  };
  const look = (): Promise<void> => {
    if (looking) {
      again = true;
      return looking;
    }
    if (stopped || onTheirWay.size >= concurrency) return Promise.resolve();
    looking = headsOfQueues(db, Date.now(), concurrency * 2)
      .then((heads) => {
        for (const d of heads) {
          if (stopped || onTheirWay.size >= concurrency) break;
          if ((bySite.get(d.site_id) ?? 0) < perSite) start(d);
        }
      })
      .finally(() => {
        looking = undefined;
        if (again) {
          again = false;
          look().catch(onError);
        }
      });
    return looking;
  };
  return {
    look,
    stop: async () => {
      stopped = true;
      await looking?.catch(() => undefined);
      await Promise.allSettled([...onTheirWay]);
    },
  };
}

/** Leases, sends and records one delivery; false when another process had it first. */
async function deliverOne(db: Db, d: Head, now: number, options: DeliveryOptions): Promise<boolean> {
  const timeoutMs = options.timeoutMs ?? DELIVERY_TIMEOUT_MS;
  if (!(await lease(db, d.id, now, timeoutMs * 3))) return false;
  const body = JSON.stringify(eventBody(d, d.site_sign));
  let statusCode: number | null = null;
  let error = '';
  try {
    statusCode = await post(d, body, options, timeoutMs);
    if (statusCode < 200 || statusCode >= 300) error = `HTTP ${statusCode}`;
  } catch (err) {
    error = err instanceof Error ? err.message : String(err);
  }
  const attempts = d.attempts + 1;
  if (!error) {
    await recordAttempt(db, d.id, { status: 'delivered', attempts, nextAttemptAt: now, statusCode, error: '', now });
    return true;
  }
  const retryIn = Math.min(FIRST_RETRY_MS * 2 ** (attempts - 1), MAX_RETRY_MS);
  const giveUp = now + retryIn - d.created_at > RETRY_FOR_MS;
  await recordAttempt(db, d.id, {
    status: giveUp ? 'failed' : 'pending',
    attempts,
    nextAttemptAt: now + retryIn,
    statusCode,
    error,
    now,
  });
  return true;
}

/** POSTs a delivery's body, signed; answers the HTTP status. */
async function post(d: Head, body: string, options: DeliveryOptions, timeoutMs: number): Promise<number> {
  const init = {
    headers: {
      'content-type': 'application/json',
      'user-agent': 'Huiguan-Webhooks/1',
      'huiguan-event-id': d.event_id,
      'huiguan-event-type': d.type,
      'huiguan-signature': signature(d.secret, body, Math.floor(Date.now() / 1000)),
    },
    body,
    signal: AbortSignal.timeout(timeoutMs),
  };
  if (!options.fetch) return postChecked(d.url, init, options.targets ?? {});
  const res = await options.fetch(d.url, { ...init, method: 'POST', redirect: 'manual' });
  await res.body?.cancel().catch(() => undefined);
  return res.status;
}
