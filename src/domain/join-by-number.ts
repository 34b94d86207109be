/**
 * Joining by meeting number, from the front door: the meeting number and its password lead to the meeting's
 * join link, and the join page takes over from there (name, waiting for the host, the room). Knowing both is
 * what a join link grants anyway; the link's page still asks the password when someone enters.
 *
 * Guessing is limited as on the join page (entry-guard.ts), in the same counts:
 * - a wrong password counts as a failure on the meeting, as the join page's does, and is held back alike;
 * - a number that opens no meeting (none, or a deleted one) counts as a failure on "no meeting" (`meeting_id`
 *   0, kind `password`: the number and password together were the guess). A client with 5 such failures in
 *   the hour waits 1 minute, then 2, 4… (at most an hour); once 20 such failures from anyone fall within the
 *   hour, every client that made one waits until the count falls below 20. While held, every number is
 *   refused, an existing one too, and the try is not counted.
 */
import type { Db } from '../store/database.js';
import {
  clientFailures,
  insertEntryFailure,
  nthRecentFailure,
  pruneEntryFailures,
} from '../store/entry-failures.repository.js';
import { findMeetingByConfNumber } from '../store/meetings.repository.js';
import { meetingCancelled } from './entry.js';
import { ENTRY_LIMITS, EntryLocked, recordEntryFailure, refuseIfHeld, waitAfter } from './entry-guard.js';
import { ApiError, Code } from './errors.js';
import { lockMeeting } from './lifecycle.js';
import { DelFlag, MeetingStatus } from './meeting-status.js';
import { safeEqual } from './token.js';

/** Where failures on numbers that open no meeting are counted (no meeting has id 0). */
export const NO_MEETING = 0;

export interface JoinByNumberInput {
  /** Ten digits. */
  confNumber: string;
  /** Empty when the meeting has none. */
  password: string;
  /** Who asks, for counting failed tries (`clientKey`). */
  client: string;
}

/**
 * The join link's secret, or a refusal that counted as a failed try (answered rather than thrown, so that the
 * caller commits the count with its transaction). Throws: {@link EntryLocked} while held (429), 410 `cancelled`
 * for a cancelled meeting whose password was right.
 */
export type JoinByNumberResult = { confNumber: string; secret: string } | { refusal: ApiError };

/** Run in a transaction: the meeting's row is locked while its failures are counted, as on the join page. */
export async function joinLinkByNumber(db: Db, input: JoinByNumberInput, now: number): Promise<JoinByNumberResult> {
  await refuseIfGuessingNumbers(db, input.client, now);
  const found = await findMeetingByConfNumber(db, input.confNumber);
  const meeting = found && (await lockMeeting(db, found.site_id, found.id, now));
  if (!meeting || (meeting.conf_del_flag !== DelFlag.normal && meeting.conf_status !== MeetingStatus.cancelled)) {
    await pruneEntryFailures(db, now - ENTRY_LIMITS.windowMs);
    await insertEntryFailure(db, {
      meeting_id: NO_MEETING,
      host_user_pk: 0,
      client: input.client,
      kind: 'password',
      at: now,
    });
    return {
      refusal: new ApiError(Code.meetingNotFound, '没有这个会议号 (no meeting has this number)', {
        reason: 'not_found',
        http: 404,
      }),
    };
  }
  await refuseIfHeld(db, meeting, input.client, { withHostKey: false }, now);
  if (meeting.conf_password !== '' && !safeEqual(input.password, meeting.conf_password)) {
    await recordEntryFailure(db, meeting, input.client, 'password', now);
    return { refusal: new ApiError(Code.authFailed, '会议密码错误 (wrong meeting password)', 'bad_password') };
  }
  if (meeting.conf_status === MeetingStatus.cancelled) throw meetingCancelled();
  return { confNumber: meeting.conf_number, secret: meeting.join_secret };
}

/** The join page's backoff and lock-out (entry-guard.ts), over the failures on numbers that open no meeting. */
async function refuseIfGuessingNumbers(db: Db, client: string, now: number): Promise<void> {
  const since = now - ENTRY_LIMITS.windowMs;
  const mine = await clientFailures(db, NO_MEETING, client, since);
  if (mine.count === 0) return;
  const until = mine.count < ENTRY_LIMITS.freeFailures ? [] : [mine.last + waitAfter(mine.count)];
  const nth = await nthRecentFailure(db, { meetingId: NO_MEETING }, since, ENTRY_LIMITS.meetingFailures);
  if (nth !== undefined) until.push(nth + ENTRY_LIMITS.windowMs);
  const retryAt = Math.max(now, ...until);
  if (retryAt > now) throw new EntryLocked(retryAt, now);
}
