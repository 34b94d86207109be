/**
 * The scheduling rules that need no database: bounds, names, windows and peak concurrent use.
 * A meeting occupies the half-open window [startTime − beforeTime, startTime + duration).
 */
import { MINUTE_MS } from './time.js';

/** Bounds the document leaves open (see docs/decisions.md). */
export const Bounds = {
  /** Minutes; a meeting, extensions included, lasts at most a day. */
  maxDuration: 1440,
  /** Minutes a meeting may open before its start. */
  maxBeforeTime: 1440,
  maxConfParties: 10_000,
  maxConfNameLength: 128,
  /** Letters and digits, at most 16. */
  password: /^[A-Za-z0-9]{0,16}$/,
  /** Longest possible window, so overlap queries can bound their index range. */
  maxWindowMs: (1440 + 1440) * MINUTE_MS,
} as const;

// §2.1: names with any of these are refused.
const FORBIDDEN_NAME_PARTS = ['\\', '/', ':', '*', '?', '？', '"', '<', '>', '|', '&lt;', '&gt;', '\n', '\r'];

/** The forbidden character or entity a meeting name contains, if any. */
export function forbiddenNamePart(name: string): string | undefined {
  return FORBIDDEN_NAME_PARTS.find((part) => name.includes(part));
}

export interface Window {
  start: number;
  end: number;
}

export function meetingWindow(startTime: number, duration: number, beforeTime: number): Window {
  return { start: startTime - beforeTime * MINUTE_MS, end: startTime + duration * MINUTE_MS };
}

export interface Occupation extends Window {
  parties: number;
}

/**
 * The largest sum of `parties` over all instants of `within`, for occupations that may stick out of it.
 * Windows are half-open, so back-to-back meetings never add up.
 */
export function peakUse(occupations: readonly Occupation[], within: Window): number {
  const events: [time: number, delta: number][] = [];
  for (const o of occupations) {
    const start = Math.max(o.start, within.start);
    const end = Math.min(o.end, within.end);
    if (start >= end) continue;
    events.push([start, o.parties], [end, -o.parties]);
  }
  // At equal times, ends before starts.
  events.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  let current = 0;
  let peak = 0;
  for (const [, delta] of events) {
    current += delta;
    if (current > peak) peak = current;
  }
  return peak;
}
