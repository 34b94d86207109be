import { createHmac, timingSafeEqual } from 'node:crypto';

/** The header that carries a delivery's signature. */
export const SIGNATURE_HEADER = 'Huiguan-Signature';

/** A booked meeting as `meeting.created`, `meeting.updated` and `meeting.cancelled` carry it (after the change). */
export interface MeetingBooking {
  confId: number;
  confNumber: string;
  userId: string;
  confName: string;
  startTime: string;
  /** Minutes. */
  duration: number;
  confParties: number;
  /** 0 scheduled, 2 live, 3 ended, 9 cancelled (a cancelled meeting that was held is 3). */
  confStatus: number;
}

/** Payloads by event type (docs/webhooks.md); times are GMT `yyyy-MM-dd HH:mm:ss`. */
export interface WebhookPayloads {
  'meeting.created': MeetingBooking;
  'meeting.updated': MeetingBooking;
  'meeting.cancelled': MeetingBooking;
  'meeting.started': { confId: number; confNumber: string; userId: string; uuid: string; startTime: string };
  'meeting.ended': {
    confId: number;
    confNumber: string;
    userId: string;
    uuid: string;
    startTime: string;
    endTime: string;
    final: boolean;
  };
  'participant.joined': {
    confId: number;
    confNumber: string;
    uuid: string;
    cuid: string;
    participantName: string;
    role: string;
    deviceType: string;
    joinTime: string;
  };
  'participant.left': {
    confId: number;
    confNumber: string;
    uuid: string;
    cuid: string;
    participantName: string;
    role: string;
    deviceType: string;
    joinTime: string;
    leaveTime: string;
  };
  'recording.completed': {
    confId: number;
    confNumber: string;
    recordId: number;
    uuid: string;
    fileType: string;
    fileSize: number;
    recordStart: string;
    recordEnd: string;
  };
  'registrant.created': { confId: number; confNumber: string; registrantId: string; email: string; status: string };
}

export type WebhookEventType = keyof WebhookPayloads;

/** A delivered event; narrow on `type` to get its payload's type. */
export type WebhookEvent = {
  [K in WebhookEventType]: {
    /** Unique per event, the same on every retry: drop duplicates by it. */
    id: string;
    /** The site's events numbered 1, 2, 3, … in order. */
    seq: number;
    type: K;
    time: string;
    siteSign: string;
    data: WebhookPayloads[K];
  };
}[WebhookEventType];

/** Why a delivery was refused; answer it with an HTTP 4xx. */
export class WebhookVerificationError extends Error {
  override readonly name = 'WebhookVerificationError';
}

export interface VerifyWebhookOptions {
  /** The raw request body, exactly as received (not re-serialised JSON). */
  body: string | Uint8Array;
  /** The `Huiguan-Signature` header: `t=<unix seconds>,v1=<hex hmac>` (as Node gives headers: text, list or none). */
  signatureHeader: string | readonly string[] | null | undefined;
  /** The endpoint's secret. */
  secret: string;
  /** Largest accepted distance between `t` and `now`, seconds. Default 300. */
  toleranceSeconds?: number;
  /** The clock. Default: now. */
  now?: Date;
}

/**
 * Checks a webhook delivery and returns its event: `v1` must be the hex HMAC-SHA256, under `secret`, of
 * `<t>.<raw body>` (compared in constant time), and `t` within `toleranceSeconds` of `now`. Throws a
 * {@link WebhookVerificationError} otherwise.
 *
 * @example
 * // rawBody: the request body as received, e.g. collected from a node:http request's chunks
 * const event = verifyWebhook({ body: rawBody, signatureHeader: req.headers['huiguan-signature'], secret });
 * if (event.type === 'participant.joined') console.log(event.data.participantName);
 */
export function verifyWebhook(options: VerifyWebhookOptions): WebhookEvent {
  const { secret, toleranceSeconds = 300 } = options;
  if (!secret) throw new TypeError('secret is required');
  const { t, signatures } = parseSignatureHeader(options.signatureHeader);
  const now = (options.now ?? new Date()).getTime() / 1000;
  if (Math.abs(now - t) > toleranceSeconds) {
    throw new WebhookVerificationError(
      `signature timestamp is ${Math.round(now - t)} s from now (tolerance ${toleranceSeconds} s)`,
    );
  }
  const body = typeof options.body === 'string' ? Buffer.from(options.body, 'utf8') : Buffer.from(options.body);
  const expected = createHmac('sha256', secret).update(`${t}.`, 'utf8').update(body).digest();
  // Every candidate is compared, so the time taken says nothing about which one (or how much) matched.
  let matched = false;
  for (const candidate of signatures) matched = constantTimeEqual(candidate, expected) || matched;
  if (!matched) throw new WebhookVerificationError('signature does not match the body');
  let event: unknown;
  try {
    event = JSON.parse(body.toString('utf8'));
  } catch {
    throw new WebhookVerificationError('body is not JSON');
  }
  if (typeof event !== 'object' || event === null || typeof (event as { type?: unknown }).type !== 'string') {
    throw new WebhookVerificationError('body is not an event');
  }
  return event as WebhookEvent;
}

/**
 * Computes the `Huiguan-Signature` header for a body, as the server signs deliveries (for tests of a
 * receiver).
 *
 * @example
 * const header = signWebhook({ body, secret, timestamp: Math.floor(Date.now() / 1000) });
 */
export function signWebhook(options: { body: string | Uint8Array; secret: string; timestamp: number }): string {
  const body = typeof options.body === 'string' ? Buffer.from(options.body, 'utf8') : Buffer.from(options.body);
  const v1 = createHmac('sha256', options.secret).update(`${options.timestamp}.`, 'utf8').update(body).digest('hex');
  return `t=${options.timestamp},v1=${v1}`;
}

function parseSignatureHeader(header: string | readonly string[] | null | undefined): {
  t: number;
  signatures: Buffer[];
} {
  const text = typeof header === 'string' ? header : header?.join(',');
  if (!text) throw new WebhookVerificationError(`missing ${SIGNATURE_HEADER} header`);
  let t: number | undefined;
  const signatures: Buffer[] = [];
  for (const part of text.split(',')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    const key = part.slice(0, eq).trim();
    const value = part.slice(eq + 1).trim();
    if (key === 't' && /^[0-9]{1,12}$/.test(value)) {
      if (t !== undefined) throw new WebhookVerificationError(`${SIGNATURE_HEADER} has more than one timestamp t`);
      t = Number(value);
    } else if (key === 'v1' && /^[0-9a-fA-F]{64}$/.test(value)) signatures.push(Buffer.from(value, 'hex'));
  }
  if (t === undefined) throw new WebhookVerificationError(`${SIGNATURE_HEADER} has no timestamp t`);
  if (signatures.length === 0) throw new WebhookVerificationError(`${SIGNATURE_HEADER} has no v1 signature`);
  return { t, signatures };
}

function constantTimeEqual(a: Buffer, b: Buffer): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}
