import { createHash } from 'node:crypto';
import { ApiError, TransportError } from './errors.js';
import { formatDateTime } from './time.js';

/**
 * Which parameter's value begins the token (NOTES.md's endpoint index); `siteSign` signs the webhook
 * extension with the site's own sign.
 */
export type TokenSubject = 'userId' | 'confNo' | 'confNumber' | 'siteSign';

/**
 * A call's parameters by wire name. In a form, scalars go as text, a `Date` as the document's GMT time,
 * arrays and objects as JSON text; `undefined` and `null` are left out.
 */
export type Params = object;

/** Options of {@link Transport} and {@link HuiguanClient}. */
export interface TransportOptions {
  /** Where the server answers, e.g. `https://meet.example.com` (a path prefix is kept). */
  baseUrl: string;
  /** The site's sign (`siteSign`). */
  siteSign: string;
  /** The site's API key; it signs every call and is never sent. */
  apiKey: string;
  /** Per-call timeout in milliseconds. Default 10 000. */
  timeoutMs?: number;
  /** The `fetch` to use. Default: the global `fetch`. */
  fetch?: typeof fetch;
  /** The clock, in epoch milliseconds. Default `Date.now`; tests substitute their own. */
  now?: () => number;
}

/** One call as the transport sends it. */
export interface TransportRequest {
  /** The endpoint's name after `/openapi/v2/` (e.g. `confReservation`), or a full path (`/media/v1/events`). */
  endpoint: string;
  subject: TokenSubject;
  params: Params;
  /** `form` (default): `application/x-www-form-urlencoded`; `json`: a JSON body (the media-plane API). */
  encoding?: 'form' | 'json';
}

/** What every successful answer carries. */
export interface Envelope {
  status: 100;
  message: string;
}

const DEFAULT_TIMEOUT_MS = 10_000;
/** Past this many remembered subjects, those whose last timeStamp is behind the clock are forgotten. */
const SUBJECTS_KEPT = 1_000;

/**
 * Computes the document's token: `upper(hex(md5("<subject>|<apiKey>|<timeStamp>")))`.
 *
 * @example computeToken('u1', 'key', '1780300800000') // 32 upper-case hex digits
 */
export function computeToken(subject: string, apiKey: string, timeStamp: string): string {
  return createHash('md5').update(`${subject}|${apiKey}|${timeStamp}`, 'utf8').digest('hex').toUpperCase();
}

/**
 * Signs and sends calls: adds `siteSign`, `timeStamp` (ms) and the token over the endpoint's subject,
 * POSTs them, and resolves to the answer when its `status` is 100. Otherwise it throws an
 * {@link ApiError} (the server refused) or a {@link TransportError} (no API answer).
 *
 * A token is good for one call, and two calls for the same subject in the same millisecond would make
 * the same token: the transport never hands out a `timeStamp` twice for a subject, moving the later call
 * one millisecond on. Several processes signing for the same subject can still collide; give each its
 * own userIds, or retry a 704.
 *
 * @example
 * const transport = new Transport({ baseUrl: 'http://127.0.0.1:8080', siteSign: 'demo', apiKey });
 * const answer = await transport.call<Envelope>({ endpoint: 'getUserByUserId', subject: 'userId', params: { userId: 'u1' } });
 */
export class Transport {
  readonly baseUrl: string;
  readonly siteSign: string;
  readonly #apiKey: string;
  readonly #timeoutMs: number;
  readonly #fetch: typeof fetch;
  readonly #now: () => number;
  /** The last timeStamp handed out per subject. */
  readonly #lastStamp = new Map<string, number>();

  constructor(options: TransportOptions) {
    if (!options.baseUrl) throw new TypeError('baseUrl is required');
    if (!options.siteSign) throw new TypeError('siteSign is required');
    if (!options.apiKey) throw new TypeError('apiKey is required');
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.siteSign = options.siteSign;
    this.#apiKey = options.apiKey;
    this.#timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.#fetch = options.fetch ?? globalThis.fetch;
    this.#now = options.now ?? Date.now;
  }

  /**
   * A timeStamp for `subject` never handed out before by this transport: the clock, or one ms past the last.
   *
   * @example transport.nextTimeStamp('u1') // '1780300800000', then '1780300800001' within the same ms
   */
  nextTimeStamp(subject: string): string {
    const now = Math.floor(this.#now());
    const last = this.#lastStamp.get(subject);
    const stamp = last !== undefined && last >= now ? last + 1 : now;
    if (this.#lastStamp.size >= SUBJECTS_KEPT) {
      // A subject whose last stamp is behind the clock cannot collide any more.
      for (const [key, value] of this.#lastStamp) if (value < now) this.#lastStamp.delete(key);
    }
    this.#lastStamp.set(subject, stamp);
    return String(stamp);
  }

  /**
   * Adds `siteSign`, `timeStamp` and `token` to `params`, signing with the value of `params[subject]`.
   *
   * @example transport.sign('confNo', { confNo: '1234567890' }) // { confNo, siteSign, timeStamp, token }
   */
  sign(subject: TokenSubject, params: Params): Record<string, unknown> {
    const subjectValue = subject === 'siteSign' ? this.siteSign : (params as Record<string, unknown>)[subject];
    if (typeof subjectValue !== 'string' && typeof subjectValue !== 'number') {
      throw new TypeError(`${subject} is required to sign this call`);
    }
    const timeStamp = this.nextTimeStamp(String(subjectValue));
    return {
      ...params,
      siteSign: this.siteSign,
      timeStamp,
      token: computeToken(String(subjectValue), this.#apiKey, timeStamp),
    };
  }

  /**
   * Signs and sends one call; resolves to the whole answer (`status` 100 and the rest).
   *
   * @example
   * const answer = await transport.call<Envelope & { data: unknown[] }>({ endpoint: 'getLiveDetail', subject: 'confNo', params: { confNo } });
   */
  async call<T extends Envelope>(request: TransportRequest): Promise<T> {
    const { endpoint } = request;
    const signed = this.sign(request.subject, request.params);
    const url = `${this.baseUrl}${endpoint.startsWith('/') ? endpoint : `/openapi/v2/${endpoint}`}`;
    const json = request.encoding === 'json';
    let response: Response;
    try {
      response = await this.#fetch(url, {
        method: 'POST',
        headers: {
          'content-type': json ? 'application/json' : 'application/x-www-form-urlencoded',
          accept: 'application/json',
        },
        body: json ? JSON.stringify(jsonBody(signed)) : formBody(signed),
        signal: AbortSignal.timeout(this.#timeoutMs),
      });
    } catch (cause) {
      const timedOut = cause instanceof Error && cause.name === 'TimeoutError';
      const reason = timedOut
        ? `no answer within ${this.#timeoutMs} ms`
        : `request failed: ${(cause as Error)?.message ?? String(cause)}`;
      throw new TransportError(`${endpoint}: ${reason}`, endpoint, { cause });
    }
    const text = await response.text().catch((cause: unknown) => {
      throw new TransportError(`${endpoint}: reading the answer failed`, endpoint, {
        httpStatus: response.status,
        cause,
      });
    });
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch (cause) {
      const what = response.ok ? 'answer is not JSON' : `HTTP ${response.status}`;
      throw new TransportError(`${endpoint}: ${what}: ${text.slice(0, 200)}`, endpoint, {
        httpStatus: response.status,
        cause,
      });
    }
    const envelope = isEnvelope(body) ? body : undefined;
    if (!response.ok) {
      const detail = envelope ? ` (status ${envelope.status}: ${envelope.message ?? ''})` : '';
      throw new TransportError(`${endpoint}: HTTP ${response.status}${detail}`, endpoint, {
        httpStatus: response.status,
        ...(envelope ? { status: envelope.status } : {}),
      });
    }
    if (!envelope)
      throw new TransportError(`${endpoint}: answer has no numeric status`, endpoint, { httpStatus: response.status });
    if (envelope.status !== 100) throw new ApiError(envelope.status, envelope.message ?? '', endpoint);
    return body as T;
  }
}

function isEnvelope(body: unknown): body is { status: number; message?: string } {
  return typeof body === 'object' && body !== null && typeof (body as { status?: unknown }).status === 'number';
}

/** Scalars as text; `Date` as the document's GMT time; arrays and objects as JSON text. */
function formBody(params: Record<string, unknown>): URLSearchParams {
  const form = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) {
    if (value === undefined || value === null) continue;
    if (value instanceof Date) form.append(name, formatDateTime(value));
    else if (typeof value === 'object') form.append(name, JSON.stringify(value));
    else form.append(name, String(value));
  }
  return form;
}

/** A JSON value for the body: `Date`s as the document's GMT time, `undefined` members left out. */
function jsonBody(value: unknown): unknown {
  if (value instanceof Date) return formatDateTime(value);
  if (Array.isArray(value)) return value.map(jsonBody);
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(
      Object.entries(value)
        .filter(([, v]) => v !== undefined)
        .map(([k, v]) => [k, jsonBody(v)]),
    );
  }
  return value;
}

/**
 * A shared transport as it is, or a new one from options: every client accepts either.
 *
 * @example const meetings = new MeetingClient(toTransport({ baseUrl, siteSign, apiKey }));
 */
export function toTransport(transport: Transport | TransportOptions): Transport {
  return transport instanceof Transport ? transport : new Transport(transport);
}
