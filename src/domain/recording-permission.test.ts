import { describe, expect, it } from 'vitest';
import { ApiError } from './errors.js';
import { AFTER_LEAVING_MS, requireMayBeginRecording, requireMayUpload } from './recording-permission.js';

/** The refusal `action` throws, as the page sees it. */
function refusal(action: () => void) {
  try {
    action();
  } catch (err) {
    if (err instanceof ApiError) return { http: err.http, reason: err.reason, message: err.message };
    throw err;
  }
  return undefined;
}

describe('requireMayBeginRecording', () => {
  const host = { role: 'host', ticketState: 'admitted', present: true, ownerMayRecord: true };

  it('lets the host in the meeting record when the owner may', () => {
    expect(refusal(() => requireMayBeginRecording(host))).toBeUndefined();
  });

  it.each([
    ['an attendee', { role: 'attendee' }],
    ['a host in the lobby', { ticketState: 'lobby' }],
    ['a host who left', { present: false }],
  ])('refuses %s', (_who, change) => {
    expect(refusal(() => requireMayBeginRecording({ ...host, ...change }))).toEqual({
      http: 403,
      reason: 'not_allowed',
      message: 'only the host, in the meeting, records it',
    });
  });

  it('refuses when the owner may not record to the cloud, or the meeting is gone', () => {
    for (const ownerMayRecord of [false, undefined]) {
      expect(refusal(() => requireMayBeginRecording({ ...host, ownerMayRecord }))).toMatchObject({
        http: 403,
        reason: 'not_allowed',
        message: expect.stringContaining('enableCloudRecord is off'),
      });
    }
  });
});

describe('requireMayUpload', () => {
  const now = 1_000_000_000;

  it('takes chunks while in the meeting and up to AFTER_LEAVING_MS after leaving', () => {
    expect(refusal(() => requireMayUpload({ left_at: null }, now))).toBeUndefined();
    expect(refusal(() => requireMayUpload({ left_at: now - AFTER_LEAVING_MS }, now))).toBeUndefined();
  });

  it('refuses a ticket that never joined or left longer ago', () => {
    for (const participation of [undefined, { left_at: now - AFTER_LEAVING_MS - 1 }]) {
      expect(refusal(() => requireMayUpload(participation, now))).toMatchObject({ http: 403, reason: 'not_allowed' });
    }
  });
});
