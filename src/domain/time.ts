const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/**
 * Parses a `yyyy-MM-dd` calendar date (GMT) into the epoch milliseconds of its midnight, or
 * undefined when the text is not a real date.
 */
export function parseDate(text: string): number | undefined {
  const m = DATE.exec(text);
  if (!m) return undefined;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const ms = Date.UTC(year, month - 1, day);
  const back = new Date(ms);
  if (back.getUTCFullYear() !== year || back.getUTCMonth() !== month - 1 || back.getUTCDate() !== day) return undefined;
  return ms;
}

const DAY_MS = 86_400_000;

/**
 * An expiry date as given to the CLI (`--expires 2027-01-31`): the site or room works through that
 * whole day (GMT) and stops at the next midnight. Returns that first instant of non-validity.
 */
export function expiryFromDate(text: string): number | undefined {
  const midnight = parseDate(text);
  return midnight === undefined ? undefined : midnight + DAY_MS;
}

/** The inverse of {@link expiryFromDate}: the last valid day, `yyyy-MM-dd`. */
export function dateFromExpiry(expiresAt: number): string {
  return new Date(expiresAt - DAY_MS).toISOString().slice(0, 10);
}

const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})$/;

/** Parses the document's `yyyy-MM-dd HH:mm:ss` (GMT) into epoch ms, or undefined when it is not a real time. */
export function parseDateTime(text: string): number | undefined {
  const m = DATE_TIME.exec(text);
  if (!m) return undefined;
  const midnight = parseDate(`${m[1]}-${m[2]}-${m[3]}`);
  const [h, min, s] = [Number(m[4]), Number(m[5]), Number(m[6])];
  if (midnight === undefined || h > 23 || min > 59 || s > 59) return undefined;
  return midnight + ((h * 60 + min) * 60 + s) * 1000;
}

/** Formats epoch ms as the document's `yyyy-MM-dd HH:mm:ss` (GMT). */
export function formatDateTime(ms: number): string {
  return new Date(ms).toISOString().slice(0, 19).replace('T', ' ');
}

export const MINUTE_MS = 60_000;
