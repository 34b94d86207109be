import { describe, expect, it } from 'vitest';
import { ApiError, Code } from './errors.js';
import { eventTime } from './media-events.js';
import { parseDateTime } from './time.js';

describe('eventTime', () => {
  const now = parseDateTime('2026-03-01 10:00:00')!;

  it('is now when absent or empty, else the time given', () => {
    expect(eventTime(undefined, 0, now)).toBe(now);
    expect(eventTime('', 0, now)).toBe(now);
    expect(eventTime('2026-03-01 09:59:00', 0, now)).toBe(now - 60_000);
    // A media server's clock may run up to a minute ahead.
    expect(eventTime('2026-03-01 10:01:00', 0, now)).toBe(now + 60_000);
  });

  it('refuses an unreadable time or one more than a minute ahead with 109 naming the event', () => {
    for (const text of ['2026-03-01 10:01:01', 'yesterday']) {
      let thrown: unknown;
      try {
        eventTime(text, 3, now);
      } catch (err) {
        thrown = err;
      }
      expect(thrown).toBeInstanceOf(ApiError);
      expect(thrown).toMatchObject({ code: Code.parameter, message: expect.stringContaining('events[3].at') });
    }
  });
});
