import { describe, expect, it } from 'vitest';
import { isOver, isPastDue, statusAfterSession, statusOnCancel } from './meeting-status.js';

describe('meeting status rules', () => {
  const now = 1_000_000;

  it('a scheduled meeting whose window passed is past due, and over', () => {
    expect(isPastDue({ conf_status: 0, window_end: now }, now)).toBe(true);
    expect(isPastDue({ conf_status: 0, window_end: now + 1 }, now)).toBe(false);
    // A live meeting is ended by the sweeper, not settled.
    expect(isPastDue({ conf_status: 2, window_end: now - 1 }, now)).toBe(false);
    expect(isOver({ conf_status: 0, window_end: now }, now)).toBe(true);
    expect(isOver({ conf_status: 3, window_end: now + 1 }, now)).toBe(true);
    expect(isOver({ conf_status: 9, window_end: now - 1 }, now)).toBe(false);
  });

  it('a session ending makes the meeting ended when final or past its window, else scheduled again', () => {
    expect(statusAfterSession({ final: true, at: now, windowEnd: now + 1 })).toBe(3);
    expect(statusAfterSession({ final: false, at: now, windowEnd: now })).toBe(3);
    expect(statusAfterSession({ final: false, at: now, windowEnd: now + 1 })).toBe(0);
  });

  it('a cancelled meeting is 9, or 3 when a session was held', () => {
    expect(statusOnCancel(false)).toBe(9);
    expect(statusOnCancel(true)).toBe(3);
  });
});
