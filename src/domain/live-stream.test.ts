import { describe, expect, it } from 'vitest';
import { isWatchSecret, liveTargets, serverWatchUrl, watchSecretOf, watchUrlOf } from './live-stream.js';

const links = { publicUrl: 'https://meet.example.com', protocolScheme: 'huiguan' };
const meeting = {
  conf_number: '1508220020',
  join_secret: '0123456789ABCDEF0123456789ABCDEF',
  is_tuiliu: 0,
  stream_diy: 0,
  stream_url: '',
  stream_key: '',
  watch_url: '',
};

describe('watch link', () => {
  it('is 128 bits derived from the join secret, not the join secret itself', () => {
    const secret = watchSecretOf(meeting);
    expect(secret).toMatch(/^[0-9A-F]{32}$/);
    expect(secret).not.toBe(meeting.join_secret);
    expect(watchSecretOf({ join_secret: 'FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF' })).not.toBe(secret);
    expect(isWatchSecret(meeting, secret)).toBe(true);
    expect(isWatchSecret(meeting, secret.toLowerCase())).toBe(true);
    expect(isWatchSecret(meeting, meeting.join_secret)).toBe(false);
    expect(isWatchSecret(meeting, '')).toBe(false);
  });

  it('is the meeting watchUrl only with isTuiliu=1 and no watchUrl of the client', () => {
    expect(watchUrlOf(meeting, links)).toBe('');
    const hls = { ...meeting, is_tuiliu: 1 };
    expect(watchUrlOf(hls, links)).toBe(`https://meet.example.com/w/1508220020/${watchSecretOf(meeting)}`);
    expect(serverWatchUrl(hls, links)).toBe(watchUrlOf(hls, links));
    const own = { ...hls, stream_diy: 1, watch_url: 'https://cdn.example.com/watch/1' };
    expect(watchUrlOf(own, links)).toBe('https://cdn.example.com/watch/1');
  });
});

describe('live targets', () => {
  it('pushes RTMP with streamDiy=1 and a streamUrl, and serves HLS with isTuiliu=1', () => {
    expect(liveTargets(meeting)).toEqual({ rtmp: undefined, hls: false });
    expect(liveTargets({ ...meeting, stream_diy: 1, stream_url: 'rtmp://a/live', stream_key: 'k' })).toEqual({
      rtmp: { url: 'rtmp://a/live', key: 'k' },
      hls: false,
    });
    expect(liveTargets({ ...meeting, stream_diy: 1 })).toEqual({ rtmp: undefined, hls: false });
    expect(liveTargets({ ...meeting, is_tuiliu: 1 })).toEqual({ rtmp: undefined, hls: true });
    expect(liveTargets({ ...meeting, is_tuiliu: 1, stream_diy: 1, stream_url: 'rtmp://a/live' }).hls).toBe(true);
    expect(
      liveTargets({ ...meeting, is_tuiliu: 1, stream_diy: 1, stream_url: 'rtmp://a/live', watch_url: 'https://x' }).hls,
    ).toBe(false);
  });
});
