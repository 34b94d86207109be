/** `H:MM:SS` for a duration in milliseconds (negative counts as zero). */
export function formatRemaining(ms: number): string {
  const total = Math.max(0, Math.floor(ms / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  return `${h}:${String(m).padStart(2, '0')}:${String(s).padStart(2, '0')}`;
}

const dateTime: Intl.DateTimeFormatOptions = {
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  hour12: false,
};

function valid(ms: number): boolean {
  return typeof ms === 'number' && Number.isFinite(ms);
}

/** An instant in the viewer's time zone, with the zone's name: `2026/06/01 18:00 GMT+8`. */
export function formatLocal(ms: number): string {
  if (!valid(ms)) return '';
  return new Date(ms).toLocaleString(undefined, { ...dateTime, timeZoneName: 'short' });
}

/** A window in the viewer's time zone; the end omits the date when it is the same day. */
export function formatLocalRange(start: number, end: number): string {
  if (!valid(start) || !valid(end)) return '';
  const a = new Date(start);
  const b = new Date(end);
  const sameDay = a.toDateString() === b.toDateString();
  const from = a.toLocaleString(undefined, dateTime);
  const to = sameDay
    ? b.toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit', hour12: false, timeZoneName: 'short' })
    : b.toLocaleString(undefined, { ...dateTime, timeZoneName: 'short' });
  return `${from} – ${to}`;
}

/** The GMT window exactly as the server gives it: `2026-06-01 10:00:00 – 2026-06-01 11:00:00 GMT`. */
export function formatGmtRange(startTime: string, endTime: string): string {
  return `${startTime} – ${endTime} GMT`;
}
