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
