/**
 * The document's time formats: `yyyy-MM-dd HH:mm:ss` and `yyyy-MM-dd`, always GMT (UTC).
 */

/** A time the API expects: a `Date`, or text already in the document's format (sent as it is). */
export type TimeInput = Date | string;

const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})$/;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

function valid(date: Date): Date {
  if (Number.isNaN(date.getTime())) throw new RangeError('invalid Date');
  return date;
}

/**
 * Formats a `Date` as the document's `yyyy-MM-dd HH:mm:ss` in GMT; milliseconds are dropped.
 *
 * @example formatDateTime(new Date('2026-06-01T08:30:00Z')) // '2026-06-01 08:30:00'
 */
export function formatDateTime(date: Date): string {
  return valid(date).toISOString().slice(0, 19).replace('T', ' ');
}

/**
 * Formats a `Date` as the document's `yyyy-MM-dd`, the GMT day it falls on.
 *
 * @example formatDate(new Date('2026-06-01T23:30:00Z')) // '2026-06-01'
 */
export function formatDate(date: Date): string {
  return valid(date).toISOString().slice(0, 10);
}

function utc(year: number, month: number, day: number, h = 0, m = 0, s = 0): Date | undefined {
  const date = new Date(Date.UTC(year, month - 1, day, h, m, s));
  const same =
    date.getUTCFullYear() === year &&
    date.getUTCMonth() === month - 1 &&
    date.getUTCDate() === day &&
    date.getUTCHours() === h &&
    date.getUTCMinutes() === m &&
    date.getUTCSeconds() === s;
  return same ? date : undefined;
}

/**
 * Parses the document's `yyyy-MM-dd HH:mm:ss` (GMT). Throws a `RangeError` for any other text,
 * the empty text included (see {@link parseOptionalDateTime}).
 *
 * @example parseDateTime('2026-06-01 08:30:00').toISOString() // '2026-06-01T08:30:00.000Z'
 */
export function parseDateTime(text: string): Date {
  const m = DATE_TIME.exec(text);
  const date = m && utc(Number(m[1]), Number(m[2]), Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6]));
  if (!date) throw new RangeError(`not a GMT time yyyy-MM-dd HH:mm:ss: ${JSON.stringify(text)}`);
  return date;
}

/**
 * Like {@link parseDateTime}, but the empty text (a `leaveTime` or `endTime` not known yet) gives
 * `undefined`.
 *
 * @example parseOptionalDateTime('') // undefined
 */
export function parseOptionalDateTime(text: string): Date | undefined {
  return text === '' ? undefined : parseDateTime(text);
}

/**
 * Parses the document's `yyyy-MM-dd` into the GMT midnight that starts the day.
 *
 * @example parseDate('2026-06-01').toISOString() // '2026-06-01T00:00:00.000Z'
 */
export function parseDate(text: string): Date {
  const m = DATE.exec(text);
  const date = m && utc(Number(m[1]), Number(m[2]), Number(m[3]));
  if (!date) throw new RangeError(`not a GMT date yyyy-MM-dd: ${JSON.stringify(text)}`);
  return date;
}

/**
 * A time parameter on the wire: a `Date` formatted, text passed on unchanged.
 *
 * @example wireDateTime(new Date('2026-06-01T08:00:00Z')) // '2026-06-01 08:00:00'
 */
export function wireDateTime(value: TimeInput): string;
export function wireDateTime(value: TimeInput | undefined): string | undefined;
export function wireDateTime(value: TimeInput | undefined): string | undefined {
  return value instanceof Date ? formatDateTime(value) : value;
}

/**
 * A day parameter on the wire: a `Date` as its GMT day, text passed on unchanged.
 *
 * @example wireDate(new Date('2026-06-01T23:00:00Z')) // '2026-06-01'
 */
export function wireDate(value: TimeInput): string {
  return value instanceof Date ? formatDate(value) : value;
}

/** The instants of a meeting, from its `startTime`, `duration` and `beforeTime`. */
export interface MeetingTimes {
  /** `startTime`. */
  start: Date;
  /** `startTime + duration`: the meeting's window closes. */
  end: Date;
  /** `startTime − beforeTime`: the host may start the meeting from here on. */
  opens: Date;
}

/**
 * The `Date`s of a meeting as any meeting answer shows it (reservation, detail, list items).
 *
 * @example
 * const { data } = await client.meetings.reserve({ ... });
 * const { start, end } = meetingTimes(data);
 */
export function meetingTimes(meeting: { startTime: string; duration: number; beforeTime: number }): MeetingTimes {
  const start = parseDateTime(meeting.startTime);
  return {
    start,
    end: new Date(start.getTime() + meeting.duration * 60_000),
    opens: new Date(start.getTime() - meeting.beforeTime * 60_000),
  };
}
