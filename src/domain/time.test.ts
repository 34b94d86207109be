import { describe, expect, it } from 'vitest';
import { dateFromExpiry, expiryFromDate, parseDate } from './time.js';

describe('calendar dates (GMT)', () => {
  it('parses real dates only', () => {
    expect(parseDate('2026-02-28')).toBe(Date.UTC(2026, 1, 28));
    expect(parseDate('2026-02-29')).toBeUndefined();
    expect(parseDate('2026-13-01')).toBeUndefined();
    expect(parseDate('2026-1-01')).toBeUndefined();
    expect(parseDate('yesterday')).toBeUndefined();
  });

  it('makes an expiry date valid through its whole day, and back', () => {
    const expiresAt = expiryFromDate('2026-12-31')!;
    expect(expiresAt).toBe(Date.UTC(2027, 0, 1));
    expect(dateFromExpiry(expiresAt)).toBe('2026-12-31');
  });
});
