import { describe, expect, it } from 'vitest';
import { checkRecordingLink, recordingLinkExpiry, recordingLinks, recordingLinkSignature } from './recording-links.js';

const EXPIRES = 1_780_000_000;
const NOW = (EXPIRES - 60) * 1000;

describe('recording links', () => {
  it('are signed with hex HMAC-SHA256 of "huiguan-recording|purpose|recordId|expires", keyed with the API key', () => {
    // printf '%s' 'huiguan-recording|download|7|1780000000' | openssl dgst -sha256 -hmac key
    expect(recordingLinkSignature('key', 7, 'download', EXPIRES)).toBe(
      '36952fc75f536a028db2d5ba9d2b900f3120ff07a4e89da2eaf381bb3d854927',
    );
    expect(recordingLinkSignature('key', 7, 'play', EXPIRES)).not.toBe(
      recordingLinkSignature('key', 7, 'download', EXPIRES),
    );
  });

  it('lie under the public URL and carry expires and sig', () => {
    const links = recordingLinks('https://meet.example.com', 'key', 7, EXPIRES);
    expect(links.downloadUrl).toBe(
      `https://meet.example.com/recordings/7/download?expires=${EXPIRES}&sig=${recordingLinkSignature('key', 7, 'download', EXPIRES)}`,
    );
    expect(links.playUrl).toBe(
      `https://meet.example.com/recordings/7/play?expires=${EXPIRES}&sig=${recordingLinkSignature('key', 7, 'play', EXPIRES)}`,
    );
  });

  it('expire a whole number of seconds after they were handed out, never earlier than the lifetime', () => {
    expect(recordingLinkExpiry(1_000_000_000_500, 86_400_000)).toBe(1_000_086_401);
    expect(recordingLinkExpiry(1_000_000_000_000, 86_400_000)).toBe(1_000_086_400);
  });

  it('are good until their expiry, for their record, purpose and key only', () => {
    const sig = recordingLinkSignature('key', 7, 'download', EXPIRES);
    const presented = { expires: String(EXPIRES), sig };
    expect(checkRecordingLink('key', 7, 'download', presented, NOW)).toBe(EXPIRES);
    expect(checkRecordingLink('key', 7, 'download', presented, EXPIRES * 1000 - 1)).toBe(EXPIRES);
    expect(checkRecordingLink('key', 7, 'download', presented, EXPIRES * 1000)).toBeUndefined();
    expect(checkRecordingLink('key', 8, 'download', presented, NOW)).toBeUndefined();
    expect(checkRecordingLink('key', 7, 'play', presented, NOW)).toBeUndefined();
    expect(checkRecordingLink('rotated', 7, 'download', presented, NOW)).toBeUndefined();
  });

  it('refuse tampered or malformed parameters', () => {
    const sig = recordingLinkSignature('key', 7, 'download', EXPIRES);
    const check = (expires: string | undefined, s: string | undefined) =>
      checkRecordingLink('key', 7, 'download', { expires, sig: s }, NOW);
    expect(check(String(EXPIRES + 1), sig)).toBeUndefined();
    expect(check(String(EXPIRES), `${sig.slice(0, 63)}${sig.endsWith('0') ? '1' : '0'}`)).toBeUndefined();
    expect(check(String(EXPIRES), sig.toUpperCase())).toBeUndefined();
    expect(check(String(EXPIRES), sig.slice(1))).toBeUndefined();
    expect(check(String(EXPIRES), undefined)).toBeUndefined();
    expect(check(undefined, sig)).toBeUndefined();
    expect(check(`${EXPIRES}.0`, sig)).toBeUndefined();
    expect(check(`+${EXPIRES}`, sig)).toBeUndefined();
  });
});
