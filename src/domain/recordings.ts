import { randomBytes } from 'node:crypto';
import type { Answer } from '../contract/answers.js';
import type { Db, MeetingRow, SiteRow } from '../store/database.js';
import type { RecordingStorage } from '../store/recording-storage.js';
import { DelFlag, MeetingStatus } from './meeting-status.js';
import { findMeetingById } from '../store/meetings.repository.js';
import { sessionsOf } from '../store/presence.repository.js';
import {
  findRecordingWithOwners,
  insertRecording,
  recordingsOfMeeting,
  type RecordingRow,
} from '../store/recordings.repository.js';
import { findUserById } from '../store/users.repository.js';
import { ApiError, Code, parameterError } from './errors.js';
import {
  checkRecordingLink,
  recordingLinkExpiry,
  recordingLinkQuery,
  recordingLinks,
  type RecordingLinkPurpose,
} from './recording-links.js';
import { siteUsable } from './sites.js';
import { formatDateTime, parseDateTime } from './time.js';
import { requireSiteMeeting } from './meetings.js';
import { emitEvent } from './webhooks.js';

/** The document's file types, MP4 video and M4A audio, and the extension WEBM video (the page's recorder). */
export type FileType = 'MP4' | 'M4A' | 'WEBM';

/** The file name extension of each file type. */
export const FILE_EXTENSION: Record<FileType, string> = { MP4: 'mp4', M4A: 'm4a', WEBM: 'webm' };

/** The Content-Type a file of each type is served with. */
export const FILE_MEDIA_TYPE: Record<FileType, string> = { MP4: 'video/mp4', M4A: 'audio/mp4', WEBM: 'video/webm' };

/** How far in the future `recordEnd` may lie (clock skew between media server and us). */
const FUTURE_SKEW_MS = 60_000;

export interface RecordingInput {
  confNumber: string;
  fileType: FileType;
  /** GMT `yyyy-MM-dd HH:mm:ss`. */
  recordStart: string;
  recordEnd: string;
  /** Default: the meeting's name. */
  topic?: string | undefined;
  /** A session uuid of the meeting. Default: the session live at recordStart, else a new uuid. */
  uuid?: string | undefined;
}

/** A recording accepted before its file arrives: what the file becomes once stored. */
export interface RecordingPlan {
  siteId: number;
  meetingId: number;
  uuid: string;
  topic: string;
  recordStart: number;
  recordEnd: number;
  fileType: FileType;
  /** Where the file goes in the recording storage. */
  storageKey: string;
}

/**
 * Checks a recording before its file is transferred: times well-formed and in order (109), meeting
 * known, not deleted or cancelled (401), its host allowed to record (`enableCloudRecord`, 103), `uuid`
 * a session of it (109). Answers where the file goes and what its row will say.
 */
export async function planRecording(db: Db, site: SiteRow, input: RecordingInput, now: number): Promise<RecordingPlan> {
  const recordStart = parseDateTime(input.recordStart);
  if (recordStart === undefined) throw parameterError('recordStart', 'a GMT time yyyy-MM-dd HH:mm:ss');
  const recordEnd = parseDateTime(input.recordEnd);
  if (recordEnd === undefined) throw parameterError('recordEnd', 'a GMT time yyyy-MM-dd HH:mm:ss');
  if (recordEnd < recordStart)
    throw parameterError('recordEnd', `a time not before recordStart (${input.recordStart})`);
  if (recordEnd > now + FUTURE_SKEW_MS)
    throw parameterError('recordEnd', 'a time that has passed: a recording is uploaded once it has ended');

  const meeting = await requireSiteMeeting(db, site, input.confNumber);
  if (meeting.conf_status === MeetingStatus.cancelled) {
    throw new ApiError(Code.meetingNotFound, `会议已取消 (meeting ${input.confNumber} was cancelled)`);
  }
  const host = await findUserById(db, meeting.user_pk);
  if (host?.enable_cloud_record !== 1) {
    throw new ApiError(
      Code.internal,
      `不支持云端录制 (the host of meeting ${input.confNumber}, userId "${host?.user_id ?? ''}", may not record to the cloud; ` +
        'set enableCloudRecord=1 with createOrUpdateUser)',
    );
  }
  return {
    siteId: site.id,
    meetingId: meeting.id,
    uuid: await sessionUuid(db, meeting, input.uuid, recordStart),
    topic: input.topic || meeting.conf_name,
    recordStart,
    recordEnd,
    fileType: input.fileType,
    storageKey: `${site.id}/${meeting.id}/${randomBytes(16).toString('hex')}.${FILE_EXTENSION[input.fileType]}`,
  };
}

/** The given uuid when it is a session of the meeting (109 otherwise); else the session live at `at`, else a new one. */
async function sessionUuid(db: Db, meeting: MeetingRow, given: string | undefined, at: number): Promise<string> {
  const sessions = await sessionsOf(db, meeting.id);
  if (given) {
    if (!sessions.some((s) => s.uuid === given)) {
      throw parameterError(
        'uuid',
        `a session uuid of meeting ${meeting.conf_number} (as getConfLogListByConfId2 shows them)`,
      );
    }
    return given;
  }
  // recordStart has whole seconds: a recording that began in the session's first second belongs to it.
  const live = sessions.findLast(
    (s) => Math.floor(s.started_at / 1000) * 1000 <= at && (s.ended_at === null || at < s.ended_at),
  );
  return live?.uuid ?? randomBytes(16).toString('base64');
}

/**
 * The last step of every upload: the planned recording, its file now stored (`fileSize` bytes),
 * becomes a row that getCloudFileList lists.
 */
export async function finishRecording(
  db: Db,
  plan: RecordingPlan,
  fileSize: number,
  now: number,
): Promise<RecordingRow> {
  const recording = await insertRecording(db, {
    site_id: plan.siteId,
    meeting_id: plan.meetingId,
    uuid: plan.uuid,
    topic: plan.topic,
    record_start: plan.recordStart,
    record_end: plan.recordEnd,
    file_size: fileSize,
    file_type: plan.fileType,
    storage_key: plan.storageKey,
    created_at: now,
  });
  const meeting = await findMeetingById(db, plan.meetingId);
  await emitEvent(
    db,
    plan.siteId,
    'recording.completed',
    {
      confId: plan.meetingId,
      confNumber: meeting?.conf_number ?? '',
      recordId: recording.id,
      uuid: recording.uuid,
      fileType: recording.file_type,
      fileSize: recording.file_size,
      recordStart: formatDateTime(recording.record_start),
      recordEnd: formatDateTime(recording.record_end),
    },
    now,
  );
  return recording;
}

/** A recording as 2.19 answers it, plus `fileSizeBytes`; `fileSize` in megabytes (MiB), at most two decimals: "45MB", "0.03MB". */
export type CloudFile = Answer<'getCloudFileList'>['data'][number] & { fileType: FileType };

/** 2.19: the recordings of the site's meeting `confNo` (401 when unknown or deleted), with fresh links. */
export async function cloudFiles(
  db: Db,
  site: SiteRow,
  confNo: string,
  links: { publicUrl: string; ttlMs: number },
  now: number,
): Promise<CloudFile[]> {
  const meeting = await requireSiteMeeting(db, site, confNo);
  const expires = recordingLinkExpiry(now, links.ttlMs);
  return (await recordingsOfMeeting(db, meeting.id)).map((r) => ({
    uuid: r.uuid,
    confNo: meeting.conf_number,
    topic: r.topic,
    ...recordingLinks(links.publicUrl, site.api_key, r.id, expires),
    recordStart: formatDateTime(r.record_start),
    recordEnd: formatDateTime(r.record_end),
    fileSize: fileSizeText(r.file_size),
    fileSizeBytes: r.file_size,
    fileType: r.file_type,
  }));
}

const MIB = 1024 * 1024;

/** Bytes as the document shows a file size: MiB with at most two decimals; a non-empty file is at least "0.01MB". */
export function fileSizeText(bytes: number): string {
  const mib = Math.round((bytes / MIB) * 100) / 100;
  return `${bytes > 0 && mib === 0 ? 0.01 : mib}MB`;
}

/** A recording a link opens, with what serving it needs. */
export interface LinkedRecording {
  recording: RecordingRow;
  confNumber: string;
  /** The query string of the recording's download link with the same expiry as the presented link. */
  downloadQuery: string;
}

/**
 * The recording a presented link opens at `now`, or undefined when the link is not good: no such
 * recording, wrong or expired signature, the site unusable, the meeting deleted. The caller answers
 * every one of these the same way.
 */
export async function openRecordingLink(
  db: Db,
  recordId: number,
  purpose: RecordingLinkPurpose,
  presented: { expires?: string | undefined; sig?: string | undefined },
  now: number,
): Promise<LinkedRecording | undefined> {
  const found = await findRecordingWithOwners(db, recordId);
  if (!found || !siteUsable(found.site, now) || found.meeting.conf_del_flag !== DelFlag.normal) return undefined;
  const expires = checkRecordingLink(found.site.api_key, recordId, purpose, presented, now);
  if (expires === undefined) return undefined;
  return {
    recording: found.recording,
    confNumber: found.meeting.conf_number,
    downloadQuery: recordingLinkQuery(found.site.api_key, recordId, 'download', expires),
  };
}

/**
 * Makes the file stored at `plan.storageKey` a recording: its row and its `recording.completed` event in
 * one transaction (the outbox's rule), with whatever `also` writes beside them; when that fails (`also`
 * may refuse by throwing), the file is deleted, so nothing is half kept.
 */
export async function keepRecording(
  db: Db,
  storage: RecordingStorage,
  plan: RecordingPlan,
  size: number,
  now: number,
  also?: (trx: Db, recording: RecordingRow) => Promise<void>,
): Promise<RecordingRow> {
  try {
    return await db.transaction().execute(async (trx) => {
      const recording = await finishRecording(trx, plan, size, now);
      await also?.(trx, recording);
      return recording;
    });
  } catch (err) {
    await storage.delete(plan.storageKey);
    throw err;
  }
}
