import { describe, expect, it } from 'vitest';
import { forbiddenNamePart, meetingWindow, peakUse } from './schedule.js';
import { formatDateTime, parseDateTime } from './time.js';

describe('peakUse', () => {
  const w = (start: number, end: number, parties: number) => ({ start, end, parties });

  it('is the largest simultaneous sum, not the sum of all overlapping meetings', () => {
    // 10 on [0,10) and 10 on [10,20) never meet; 5 on [5,15) meets each.
    expect(peakUse([w(0, 10, 10), w(10, 20, 10), w(5, 15, 5)], { start: 0, end: 20 })).toBe(15);
  });

  it('counts only the part inside the window', () => {
    expect(peakUse([w(0, 10, 10), w(10, 20, 7)], { start: 10, end: 20 })).toBe(7);
    expect(peakUse([w(0, 10, 10)], { start: 10, end: 20 })).toBe(0);
  });

  it('adds up nested and identical windows', () => {
    expect(peakUse([w(0, 100, 3), w(10, 20, 4), w(10, 20, 5), w(15, 16, 1)], { start: 0, end: 100 })).toBe(13);
  });
});

describe('meeting windows and names', () => {
  it('opens beforeTime minutes early', () => {
    expect(meetingWindow(3_600_000, 30, 10)).toEqual({ start: 3_000_000, end: 5_400_000 });
  });

  it('finds every forbidden character of §2.1', () => {
    for (const bad of [
      'a\\b',
      'a/b',
      'a:b',
      'a*b',
      'a?b',
      'a？b',
      'a"b',
      'a<b',
      'a>b',
      'a|b',
      'a&lt;b',
      'a&gt;b',
      'a\nb',
    ]) {
      expect(forbiddenNamePart(bad)).toBeDefined();
    }
    expect(forbiddenNamePart('周会 (weekly) #3 & more')).toBeUndefined();
  });
});

describe('GMT date-times', () => {
  it('parse and format the document format only', () => {
    expect(parseDateTime('2021-11-24 06:10:00')).toBe(Date.UTC(2021, 10, 24, 6, 10, 0));
    expect(formatDateTime(Date.UTC(2021, 10, 24, 6, 10, 0))).toBe('2021-11-24 06:10:00');
    for (const bad of ['2021-11-24T06:10:00', '2021-11-24 06:10', '2021-02-30 00:00:00', '2021-11-24 24:00:00', '']) {
      expect(parseDateTime(bad)).toBeUndefined();
    }
  });
});
