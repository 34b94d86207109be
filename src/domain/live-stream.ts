/**
 * The live stream's watch link and targets (§2.1 `isTuiliu`, `streamDiy`, `streamUrl`, `streamKey`,
 * `watchUrl`). With `isTuiliu=1` and no `watchUrl` of the client's, the server publishes HLS itself and
 * the meeting's `watchUrl` is its watch page, `<publicUrl>/w/<confNumber>/<secret>`; with `streamDiy=1`
 * and a `streamUrl`, the composed meeting is pushed to that RTMP address. Both may hold at once.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { Db, LiveStreamState, MeetingRow } from '../store/database.js';
import { latestLiveStream } from '../store/live-streams.repository.js';

type StreamColumns = Pick<MeetingRow, 'is_tuiliu' | 'stream_diy' | 'stream_url' | 'stream_key' | 'watch_url'>;

/**
 * The watch link's secret: 128 bits derived one way from the join link's secret, so no column is added
 * and the watch link gives nothing of the join link away (knowing the join link, one may watch anyway).
 * 32 upper-case hex digits, like the other link secrets.
 */
export function watchSecretOf(meeting: Pick<MeetingRow, 'join_secret'>): string {
  return createHash('sha256').update(`huiguan-watch:${meeting.join_secret}`).digest('hex').slice(0, 32).toUpperCase();
}

/** Whether `secret` is the meeting's watch secret (compared in constant time). */
export function isWatchSecret(meeting: Pick<MeetingRow, 'join_secret'>, secret: string): boolean {
  const expected = Buffer.from(watchSecretOf(meeting));
  const given = Buffer.from(secret.toUpperCase());
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** Whether the server publishes HLS for the meeting: `isTuiliu=1` and the client named no watch page of its own. */
export function servesHls(meeting: StreamColumns): boolean {
  return meeting.is_tuiliu === 1 && meeting.watch_url === '';
}

/** The server's watch page of the meeting. */
export function serverWatchUrl(
  meeting: Pick<MeetingRow, 'conf_number' | 'join_secret'>,
  links: { publicUrl: string },
): string {
  return `${links.publicUrl}/w/${meeting.conf_number}/${watchSecretOf(meeting)}`;
}

/**
 * `watchUrl` as answered: the client's when it gave one (with `streamDiy=1`), the server's watch page
 * when the server publishes HLS, else empty (unchanged for meetings without live streaming).
 */
export function watchUrlOf(
  meeting: StreamColumns & Pick<MeetingRow, 'conf_number' | 'join_secret'>,
  links: { publicUrl: string },
): string {
  if (meeting.watch_url !== '') return meeting.watch_url;
  return servesHls(meeting) ? serverWatchUrl(meeting, links) : '';
}

/** Where a live stream of the meeting goes: the RTMP push (streamDiy=1 with a streamUrl) and/or HLS. */
export interface LiveTargets {
  /** `streamUrl` and `streamKey` as given; joined by `rtmpAddress` (sfu/live-compose.ts). */
  rtmp: { url: string; key: string } | undefined;
  hls: boolean;
}

export function liveTargets(meeting: StreamColumns): LiveTargets {
  const rtmp =
    meeting.stream_diy === 1 && meeting.stream_url.trim() !== ''
      ? { url: meeting.stream_url, key: meeting.stream_key }
      : undefined;
  return { rtmp, hls: servesHls(meeting) };
}

/** A starting or live stream whose row was not marked for this long is not running (its process is gone). */
export const LIVE_STALE_MS = 60_000;

/** The meeting's live stream as getLiveDetail and the watch page show it. */
export interface LiveStreamStatus {
  state: LiveStreamState;
  /** Pushing to the meeting's RTMP address (streamDiy=1). */
  rtmp: boolean;
  /** Publishing HLS for the server's watch page (isTuiliu=1). */
  hls: boolean;
  /** Why it failed; empty otherwise. */
  error: string;
}

/**
 * The state of the meeting's newest live stream: off when none, or when its session has ended; failed
 * when the process running it stopped marking it (it crashed or was killed) for {@link LIVE_STALE_MS}.
 */
export async function liveStreamStatus(db: Db, meeting: MeetingRow, now: number): Promise<LiveStreamStatus> {
  const targets = liveTargets(meeting);
  const row = await latestLiveStream(db, meeting.id);
  if (!row || row.session_ended) return { state: 'off', rtmp: Boolean(targets.rtmp), hls: targets.hls, error: '' };
  const running = row.state === 'starting' || row.state === 'live';
  if (running && now - row.updated_at > LIVE_STALE_MS) {
    return {
      state: 'failed',
      rtmp: row.rtmp === 1,
      hls: row.hls === 1,
      error: 'the server process streaming it stopped',
    };
  }
  return { state: row.state, rtmp: row.rtmp === 1, hls: row.hls === 1, error: row.error };
}
