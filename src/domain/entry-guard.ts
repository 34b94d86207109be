/**
 * Limits on guessing at the join page: wrong host keys, meeting passwords and registrant links are
 * counted in the database, per meeting and client, so that every server process applies the same count.
 *
 * - A client that failed {@link ENTRY_LIMITS.freeFailures} times on a meeting within the window waits
 *   before its next try: `firstWaitMs` after the 5th failure, doubling with each further one, at most
 *   `maxWaitMs`. That leaves one client about 11 tries an hour (5, then after 1, 2, 4, 8, 16, 32 minutes).
 * - After `meetingFailures` failures on a meeting within the window, from anyone, a client that failed
 *   there even once is held until the count falls below it: many addresses get one try each, and people
 *   who never failed still come in.
 * - After `hostKeyFailures` wrong host keys within the window on the meetings of one host, from anyone,
 *   no host key is accepted on that host's meetings until the count falls: the key is the user's, one for
 *   all their meetings. Guessing one of 900,000 keys at 20 an hour takes 2.5 years on average.
 *
 * While held, every try is refused, the right one too, and is not counted.
 */
import { createHash } from 'node:crypto';
import { isIPv6 } from 'node:net';
import type { Db, EntryFailureKind, MeetingRow, TicketRow } from '../store/database.js';
import {
  clientFailures,
  insertEntryFailure,
  nthRecentFailure,
  pruneEntryFailures,
} from '../store/entry-failures.repository.js';
import { ApiError, Code } from './errors.js';
import { formatDateTime } from './time.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

/** The limits, as described above. */
export const ENTRY_LIMITS = {
  windowMs: HOUR,
  freeFailures: 5,
  firstWaitMs: MINUTE,
  maxWaitMs: HOUR,
  meetingFailures: 20,
  hostKeyFailures: 20,
} as const;

/** A try refused while the client or the meeting is held; `retryAt` is when to try again (epoch ms). */
export class EntryLocked extends ApiError {
  /** Whole seconds from now until `retryAt`, at least 1 (an HTTP `Retry-After`). */
  readonly retryAfterSeconds: number;

  constructor(
    readonly retryAt: number,
    now: number,
  ) {
    super(
      Code.authFailed,
      `尝试次数过多，请于 ${formatDateTime(retryAt)} GMT 后重试 (too many attempts: try again after ${formatDateTime(retryAt)} GMT)`,
      { reason: 'too_many_attempts', http: 429 },
    );
    this.retryAfterSeconds = Math.max(1, Math.ceil((retryAt - now) / 1000));
  }
}

/**
 * Who a request comes from, for counting: the IP address, an IPv6 address by its /64 (one subscriber's
 * prefix), an IPv4-mapped one as IPv4.
 */
export function clientKey(ip: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  if (mapped) return mapped[1]!;
  if (!isIPv6(ip)) return ip.slice(0, 64);
  const [head = '', tail = ''] = ip.toLowerCase().split('::');
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const groups = ip.includes('::')
    ? [...left, ...Array<string>(8 - left.length - right.length).fill('0'), ...right]
    : left;
  return `${groups
    .slice(0, 4)
    .map((g) => g.replace(/^0+(?=.)/, ''))
    .join(':')}::/64`;
}

/** A backoff: free failures, then a wait of `firstWaitMs` doubling with each further one, at most `maxWaitMs`. */
export interface Backoff {
  readonly freeFailures: number;
  readonly firstWaitMs: number;
  readonly maxWaitMs: number;
}

/** How long a client waits after `count` failures (0 below the free ones). */
export function waitAfter(count: number): number {
  return backoffWait(count, ENTRY_LIMITS);
}

/** How long to wait after `count` failures by `limits` (0 below the free ones). */
export function backoffWait(count: number, limits: Backoff): number {
  if (count < limits.freeFailures) return 0;
  return Math.min(limits.firstWaitMs * 2 ** (count - limits.freeFailures), limits.maxWaitMs);
}

/**
 * Throws {@link EntryLocked} when `client` may not try to enter `meeting` now; `withHostKey` when the try
 * gives a host key. Call with the meeting's row locked, so that concurrent tries are counted one by one.
 */
export async function refuseIfHeld(
  db: Db,
  meeting: MeetingRow,
  client: string,
  { withHostKey }: { withHostKey: boolean },
  now: number,
): Promise<void> {
  const since = now - ENTRY_LIMITS.windowMs;
  const mine = await clientFailures(db, meeting.id, client, since);
  // Below the free failures nothing waits, whatever the clocks of the processes that counted them say.
  const until = mine.count < ENTRY_LIMITS.freeFailures ? [] : [mine.last + waitAfter(mine.count)];
  if (mine.count > 0) {
    const nth = await nthRecentFailure(db, { meetingId: meeting.id }, since, ENTRY_LIMITS.meetingFailures);
    if (nth !== undefined) until.push(nth + ENTRY_LIMITS.windowMs);
  }
  if (withHostKey) {
    const nth = await nthRecentFailure(db, { hostUserPk: meeting.user_pk }, since, ENTRY_LIMITS.hostKeyFailures);
    if (nth !== undefined) until.push(nth + ENTRY_LIMITS.windowMs);
  }
  const retryAt = Math.max(now, ...until);
  if (retryAt > now) throw new EntryLocked(retryAt, now);
}

/** Counts a failed try (and forgets those older than the window, of every meeting). */
export async function recordEntryFailure(
  db: Db,
  meeting: MeetingRow,
  client: string,
  kind: EntryFailureKind,
  now: number,
): Promise<void> {
  await pruneEntryFailures(db, now - ENTRY_LIMITS.windowMs);
  await insertEntryFailure(db, { meeting_id: meeting.id, host_user_pk: meeting.user_pk, client, kind, at: now });
}

/** Which meeting password a ticket was obtained with, without keeping the password twice. */
export function passwordTag(password: string): string {
  return createHash('sha256').update(`huiguan-ticket-password\0${password}`).digest('hex').slice(0, 32);
}

/**
 * Refuses (102) a ticket obtained with another meeting password than the meeting's now: whoever held it
 * must enter the new password.
 */
export function requireCurrentPassword(ticket: TicketRow, meeting: MeetingRow): void {
  if (ticket.password_tag !== null && ticket.password_tag !== passwordTag(meeting.conf_password)) {
    throw new ApiError(
      Code.authFailed,
      '会议密码已更改，请重新输入 (the meeting password changed: enter the new one)',
      'bad_password',
    );
  }
}
