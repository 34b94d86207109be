import type { Db } from '../store/database.js';
import { MeetingStatus } from './meeting-status.js';
import { findMeetingById, overdueLiveMeetings, settleFinished } from '../store/meetings.repository.js';
import { meetingsWithStaleParticipants, staleParticipants } from '../store/presence.repository.js';
import { endSession, leaveMeeting } from './lifecycle.js';

/**
 * One pass of housekeeping; safe in several server processes at once (each meeting is handled in
 * its own transaction with its row locked, and re-checked under the lock):
 * - page participants silent for `heartbeatTimeoutMs` leave at their last heartbeat (this is also how
 *   the people of a server that died or restarted are let go);
 * - live sessions whose window has ended are ended at the window's end, for good;
 * - scheduled meetings whose window has passed become ended.
 * Answers the meetings whose presence changed, to publish.
 */
export async function sweep(db: Db, now: number, heartbeatTimeoutMs: number): Promise<number[]> {
  const changed = new Set<number>();
  const silentSince = now - heartbeatTimeoutMs;
  for (const meetingId of await meetingsWithStaleParticipants(db, silentSince)) {
    await db.transaction().execute(async (trx) => {
      const meeting = await findMeetingById(trx, meetingId, { lock: true });
      if (!meeting) return;
      const stale = (await staleParticipants(trx, meetingId, silentSince)).sort(
        (a, b) => a.last_seen_at! - b.last_seen_at!,
      );
      for (const p of stale) {
        const current = (await findMeetingById(trx, meetingId))!;
        await leaveMeeting(trx, current, [p], p.last_seen_at!);
      }
      if (stale.length) changed.add(meetingId);
    });
  }
  for (const meetingId of await overdueLiveMeetings(db, now)) {
    await db.transaction().execute(async (trx) => {
      const meeting = await findMeetingById(trx, meetingId, { lock: true });
      if (!meeting || meeting.conf_status !== MeetingStatus.live || meeting.window_end > now) return;
      await endSession(trx, meeting, meeting.window_end, { final: true });
      changed.add(meetingId);
    });
  }
  await settleFinished(db, now);
  return [...changed];
}
