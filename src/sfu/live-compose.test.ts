import { describe, expect, it } from 'vitest';
import { composeArgs, ffmpegError, filterGraph, gridOf, liveSdp, rtmpAddress, withoutKey } from './live-compose.js';

describe('live composition', () => {
  it('joins streamUrl and streamKey with one slash', () => {
    expect(rtmpAddress('rtmp://live.example.com/app', 'abc')).toBe('rtmp://live.example.com/app/abc');
    expect(rtmpAddress('rtmp://live.example.com/app/', '/abc')).toBe('rtmp://live.example.com/app/abc');
    expect(rtmpAddress('rtmp://live.example.com/app/abc', '')).toBe('rtmp://live.example.com/app/abc');
  });

  it('describes every forwarded stream in one SDP with fixed payload types', () => {
    const sdp = liveSdp([
      { kind: 'audio', port: 20000 },
      { kind: 'video', port: 20002 },
    ]);
    expect(sdp).toContain('m=audio 20000 RTP/AVP 111\r\na=rtpmap:111 opus/48000/2');
    expect(sdp).toContain('m=video 20002 RTP/AVP 96\r\na=rtpmap:96 VP8/90000');
  });

  it('lays out a grid as square as possible', () => {
    expect([1, 2, 3, 4, 5, 9, 10].map((n) => gridOf(n))).toEqual([
      { cols: 1, rows: 1 },
      { cols: 2, rows: 1 },
      { cols: 2, rows: 2 },
      { cols: 2, rows: 2 },
      { cols: 3, rows: 2 },
      { cols: 3, rows: 3 },
      { cols: 4, rows: 3 },
    ]);
  });

  it('stacks videos, mixes audio, and fills what is missing', () => {
    const two = filterGraph({
      sdpFile: 'x.sdp',
      inputs: [
        { kind: 'audio', port: 1 },
        { kind: 'video', port: 3 },
        { kind: 'audio', port: 5 },
        { kind: 'video', port: 7 },
      ],
      outputs: { hlsDir: '/tmp/h' },
    });
    expect(two.lavfi).toEqual([]);
    expect(two.graph).toContain('xstack=inputs=2:layout=0_0|640_0');
    expect(two.graph).toContain('[0:0][0:2]amix=inputs=2');
    const none = filterGraph({ sdpFile: undefined, inputs: [], outputs: { hlsDir: '/tmp/h' } });
    expect(none.lavfi).toHaveLength(2);
    expect(none.graph).toContain('[1:v]');
    expect(none.graph).toContain('[2:a]');
  });

  it('writes RTMP and HLS through one tee, escaping the addresses', () => {
    const args = composeArgs({
      sdpFile: 'x.sdp',
      inputs: [{ kind: 'video', port: 3 }],
      outputs: { rtmp: 'rtmp://127.0.0.1:1935/live/k', hlsDir: '/data/live/7/hls' },
    });
    const tee = args[args.length - 1]!;
    expect(args[args.length - 2]).toBe('tee');
    expect(tee).toContain('[f=flv:flvflags=no_duration_filesize]rtmp\\://127.0.0.1\\:1935/live/k|[f=hls:');
    expect(tee).toContain('hls_segment_filename=/data/live/7/hls/seg-%d.ts]/data/live/7/hls/index.m3u8');
    expect(() => composeArgs({ sdpFile: undefined, inputs: [], outputs: {} })).toThrow();
  });

  it('tells why ffmpeg stopped, without the stream key', () => {
    const lines = [
      '[tcp @ 0x1] Connection to tcp://127.0.0.1:1?tcp_nodelay=0 failed: Connection refused',
      "[tee @ 0x2] Slave '[f=flv]rtmp://127.0.0.1:1/live/SECRETKEY': error opening: Connection refused",
      '[tee @ 0x2] All tee outputs failed.',
      'Error initializing output stream 0:1 -- ',
    ];
    const error = ffmpegError(lines)!;
    expect(error).toContain('error opening: Connection refused');
    expect(withoutKey(error, 'SECRETKEY')).toBe(
      "[tee @ 0x2] Slave '[f=flv]rtmp://127.0.0.1:1/live/***': error opening: Connection refused",
    );
    expect(ffmpegError(['a', 'Invalid data found when processing input', 'b'])).toBe(
      'Invalid data found when processing input',
    );
    expect(ffmpegError(['just this'])).toBe('just this');
    expect(ffmpegError([])).toBeUndefined();
    expect(withoutKey('no key here', '')).toBe('no key here');
  });
});
