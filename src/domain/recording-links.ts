import { createHmac } from 'node:crypto';
import { safeEqual } from './token.js';

/** What a recording link opens: the file itself, or a page that plays it. */
export type RecordingLinkPurpose = 'download' | 'play';

const EXPIRES = /^[0-9]{1,15}$/;

/**
 * The signature of a recording link: hex HMAC-SHA256 keyed with the site's API key (so rotating the
 * key revokes every link) over the purpose, the record id and the expiry (epoch seconds).
 */
export function recordingLinkSignature(
  apiKey: string,
  recordId: number,
  purpose: RecordingLinkPurpose,
  expires: number,
): string {
  return createHmac('sha256', apiKey)
    .update(`huiguan-recording|${purpose}|${recordId}|${expires}`, 'utf8')
    .digest('hex');
}

/** The query string of a link: `expires=<epoch s>&sig=<hex>`. */
export function recordingLinkQuery(
  apiKey: string,
  recordId: number,
  purpose: RecordingLinkPurpose,
  expires: number,
): string {
  return `expires=${expires}&sig=${recordingLinkSignature(apiKey, recordId, purpose, expires)}`;
}

/**
 * Both links of a recording under `publicUrl`, good until `expires` (epoch seconds).
 *
 * @example recordingLinks('https://meet.example.com', key, 7, 1780000000).playUrl
 * // 'https://meet.example.com/recordings/7/play?expires=1780000000&sig=…'
 */
export function recordingLinks(
  publicUrl: string,
  apiKey: string,
  recordId: number,
  expires: number,
): { downloadUrl: string; playUrl: string } {
  const link = (purpose: RecordingLinkPurpose) =>
    `${publicUrl}/recordings/${recordId}/${purpose}?${recordingLinkQuery(apiKey, recordId, purpose, expires)}`;
  return { downloadUrl: link('download'), playUrl: link('play') };
}

/** The expiry (epoch seconds) of links handed out at `now` (ms) for `ttlMs`. */
export function recordingLinkExpiry(now: number, ttlMs: number): number {
  return Math.ceil((now + ttlMs) / 1000);
}

/**
 * The expiry of a presented link when it is good at `now` (ms): well-formed, signed with `apiKey` for
 * this record and purpose (compared in constant time), not expired. Undefined otherwise.
 */
export function checkRecordingLink(
  apiKey: string,
  recordId: number,
  purpose: RecordingLinkPurpose,
  presented: { expires?: string | undefined; sig?: string | undefined },
  now: number,
): number | undefined {
  const { expires, sig } = presented;
  if (expires === undefined || sig === undefined || !EXPIRES.test(expires)) return undefined;
  const expected = recordingLinkSignature(apiKey, recordId, purpose, Number(expires));
  if (!safeEqual(sig, expected)) return undefined;
  return now < Number(expires) * 1000 ? Number(expires) : undefined;
}
