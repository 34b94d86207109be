import { pageRefusal } from './errors.js';

/**
 * How long after its host left (or the meeting ended) an upload still takes chunks and its finish: the
 * page stops its recorder when it leaves, then sends the last chunk (retried up to 10 s apart) and
 * finishes. After that, the ticket holds no power over the meeting's recordings.
 */
export const AFTER_LEAVING_MS = 120_000;

/** What decides whether a page may begin a cloud recording. */
export interface RecordingStart {
  /** The ticket's role in the meeting. */
  role: string;
  /** The ticket's state (`admitted` once let in). */
  ticketState: string;
  /** Whether the ticket is in the meeting now (an open participation). */
  present: boolean;
  /** Whether the meeting's owner may record to the cloud (`enableCloudRecord`); undefined when the meeting is gone. */
  ownerMayRecord: boolean | undefined;
}

/** Only the host, in the meeting, whose owner may record to the cloud, begins a recording (403 `not_allowed`). */
export function requireMayBeginRecording(start: RecordingStart): void {
  if (start.role !== 'host' || start.ticketState !== 'admitted' || !start.present) {
    throw pageRefusal(403, 'not_allowed', 'only the host, in the meeting, records it');
  }
  if (start.ownerMayRecord !== true) {
    throw pageRefusal(
      403,
      'not_allowed',
      '不支持云端录制 (the host may not record to the cloud: enableCloudRecord is off)',
    );
  }
}

/**
 * An upload's ticket sends chunks and finishes while in the meeting, or out of it for at most
 * {@link AFTER_LEAVING_MS} (403 `not_allowed`). `participation` is the ticket's last one in the meeting.
 */
export function requireMayUpload(participation: { left_at: number | null } | undefined, now: number): void {
  if (!participation || (participation.left_at !== null && now - participation.left_at > AFTER_LEAVING_MS)) {
    throw pageRefusal(403, 'not_allowed', 'this ticket is not in the meeting: only the host in the meeting records it');
  }
}
