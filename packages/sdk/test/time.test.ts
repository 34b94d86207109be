import { describe, expect, it } from 'vitest';
import {
  formatDate,
  formatDateTime,
  meetingTimes,
  parseDate,
  parseDateTime,
  parseOptionalDateTime,
} from '../src/index.js';

describe('time', () => {
  it('formats a Date as the document’s GMT text, dropping milliseconds', () => {
    const date = new Date('2026-12-31T23:59:59.999Z');
    expect(formatDateTime(date)).toBe('2026-12-31 23:59:59');
    expect(formatDate(date)).toBe('2026-12-31');
    // GMT regardless of the offset the Date was written with.
    expect(formatDateTime(new Date('2026-06-01T08:00:00+08:00'))).toBe('2026-06-01 00:00:00');
  });

  it('parses the document’s text back, and refuses anything else', () => {
    expect(parseDateTime('2026-06-01 08:30:00')).toEqual(new Date('2026-06-01T08:30:00Z'));
    expect(parseDate('2024-02-29')).toEqual(new Date('2024-02-29T00:00:00Z'));
    expect(parseOptionalDateTime('')).toBeUndefined();
    for (const bad of ['', '2026-06-01T08:30:00', '2026-02-30 00:00:00', '2026-06-01 24:00:00', '2026-06-01']) {
      expect(() => parseDateTime(bad), bad).toThrow(RangeError);
    }
    expect(() => parseDate('2025-02-29')).toThrow(RangeError);
    expect(() => formatDateTime(new Date('nonsense'))).toThrow(RangeError);
  });

  it('gives a meeting’s start, end and opening as Dates', () => {
    expect(meetingTimes({ startTime: '2026-06-01 08:00:00', duration: 90, beforeTime: 15 })).toEqual({
      start: new Date('2026-06-01T08:00:00Z'),
      end: new Date('2026-06-01T09:30:00Z'),
      opens: new Date('2026-06-01T07:45:00Z'),
    });
  });
});
