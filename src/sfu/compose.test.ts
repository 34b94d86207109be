import { describe, expect, it } from 'vitest';
import {
  composeArgs,
  extensionFor,
  gridLayout,
  parseMjrHeader,
  parseMjrName,
  progressReader,
  type Track,
} from './compose.js';

describe('parseMjrName', () => {
  it('reads the names Janus 1.1 VideoRoom gives its multistream recordings', () => {
    expect(parseMjrName('videoroom-4242-user-11-1796244845722628-audio-0.mjr')).toEqual({
      room: '4242',
      feed: '11',
      kind: 'audio',
      mindex: 0,
    });
    expect(parseMjrName('videoroom-4242-user-11-1796244845723671-video-1.mjr')).toMatchObject({
      kind: 'video',
      mindex: 1,
    });
    expect(parseMjrName('videoroom-9-user-7-1796244845723671-data-2.mjr')).toMatchObject({ kind: 'data' });
  });

  it('leaves other files alone', () => {
    expect(parseMjrName('videoroom-4242-user-11-1796244845723671-video-1.webm')).toBeUndefined();
    expect(parseMjrName('recording.mp4')).toBeUndefined();
    expect(parseMjrName('.videoroom-1-user-2-3-audio-0.mjr.part')).toBeUndefined();
  });
});

describe('parseMjrHeader', () => {
  it('takes the first packet time, the packets and the duration from janus-pp-rec -e', () => {
    const out =
      'Janus version: 1102 (1.1.2)\n' +
      '{"t":"v","c":"vp8","x":{"13":"urn:3gpp:video-orientation"},"s":1796244845723675,"u":1796244845768682,' +
      '"extended":{"packets":196,"duration":5.9489999999999998}}\n';
    expect(parseMjrHeader(out)).toEqual({
      kind: 'video',
      codec: 'vp8',
      firstPacketUs: 1796244845768682,
      packets: 196,
      durationUs: 5_949_000,
    });
    expect(parseMjrHeader('{"t":"a","c":"opus","s":1,"u":2,"extended":{"packets":300,"duration":5.98}}')).toMatchObject(
      { kind: 'audio', codec: 'opus', durationUs: 5_980_000 },
    );
  });

  it('refuses output without a header', () => {
    expect(() => parseMjrHeader('Invalid header...')).toThrow(/no header/);
    expect(() => parseMjrHeader('{"x":1}')).toThrow(/not a recording header/);
  });
});

describe('extensionFor', () => {
  it('names a container janus-pp-rec writes for each codec', () => {
    expect(extensionFor('opus')).toBe('opus');
    expect(extensionFor('vp8')).toBe('webm');
    expect(extensionFor('h264')).toBe('mkv');
    expect(extensionFor('g711')).toBe('wav');
    expect(extensionFor('text')).toBeUndefined();
  });
});

describe('gridLayout', () => {
  it('gives one tile the whole canvas', () => {
    expect(gridLayout(1, 1280, 720)).toEqual([{ x: 0, y: 0, width: 1280, height: 720 }]);
  });

  it('puts two side by side and four in a square', () => {
    expect(gridLayout(2, 1280, 720)).toEqual([
      { x: 0, y: 0, width: 640, height: 720 },
      { x: 640, y: 0, width: 640, height: 720 },
    ]);
    expect(gridLayout(4, 1280, 720).map((t) => [t.x, t.y])).toEqual([
      [0, 0],
      [640, 0],
      [0, 360],
      [640, 360],
    ]);
  });

  it('centres a shorter last row and keeps every size even', () => {
    const tiles = gridLayout(3, 1280, 720);
    expect(tiles[2]).toEqual({ x: 320, y: 360, width: 640, height: 360 });
    for (const count of [5, 7, 10, 25, 49]) {
      const grid = gridLayout(count, 1280, 720);
      expect(grid).toHaveLength(count);
      for (const t of grid) {
        for (const n of [t.x, t.y, t.width, t.height]) expect(n % 2).toBe(0);
        expect(t.x + t.width).toBeLessThanOrEqual(1280);
        expect(t.y + t.height).toBeLessThanOrEqual(720);
      }
    }
  });
});

describe('composeArgs', () => {
  const t0 = 1_796_244_845_000_000;
  const track = (kind: Track['kind'], tile: string, startMs: number, durationMs: number): Track => ({
    file: `/w/${tile}-${kind}-${startMs}.${kind === 'audio' ? 'opus' : 'webm'}`,
    kind,
    tile,
    startUs: t0 + startMs * 1000,
    durationUs: durationMs * 1000,
  });

  it('places each video at its start on its tile and delays each audio to its start', () => {
    const command = composeArgs(
      [
        track('audio', '11-0', 20, 10_000),
        track('video', '11-1', 50, 9_950),
        track('audio', '12-0', 3_000, 7_500),
        track('video', '12-1', 3_040, 7_000),
      ],
      '/w/out.mp4',
    );
    // From the first packet (20 ms) to the last (12's audio ends at 10.5 s).
    expect(command.durationMs).toBe(10_480);
    expect(command.tiles).toBe(2);
    const graph = command.args[command.args.indexOf('-filter_complex') + 1]!;
    expect(graph).toContain('color=c=black:s=1280x720:r=25:d=10.480[canvas]');
    // Videos are inputs 0 and 1 (by start), audios 2 and 3.
    expect(graph).toContain('[0:v]scale=640:720:force_original_aspect_ratio=decrease');
    expect(graph).toContain('setpts=PTS-STARTPTS+0.030/TB[v0]');
    expect(graph).toContain('setpts=PTS-STARTPTS+3.020/TB[v1]');
    expect(graph).toContain('[canvas][v0]overlay=x=0:y=0:eof_action=pass[c0]');
    expect(graph).toContain('[c0][v1]overlay=x=640:y=0:eof_action=pass[c1]');
    expect(graph).toContain('adelay=delays=0:all=1[a0]');
    expect(graph).toContain('adelay=delays=2980:all=1[a1]');
    expect(graph).toContain('[a0][a1]amix=inputs=2:duration=longest:dropout_transition=0:normalize=0,apad[aout]');
    const codecs = command.args.indexOf('-c:v');
    expect(command.args.slice(codecs, codecs + 14).join(' ')).toBe(
      '-c:v libx264 -preset veryfast -crf 23 -pix_fmt yuv420p -c:a aac -b:a 128k -movflags +faststart',
    );
    expect(command.args).toEqual(expect.arrayContaining(['-progress', 'pipe:1', '-t', '10.480']));
    expect(command.args.at(-1)).toBe('/w/out.mp4');
  });

  it('gives two segments of one publisher (left and came back) one tile', () => {
    const command = composeArgs(
      [track('video', '11-1', 0, 4_000), track('video', '12-1', 0, 9_000), track('video', '11-1', 6_000, 3_000)],
      '/o.mp4',
    );
    expect(command.tiles).toBe(2);
    const graph = command.args[command.args.indexOf('-filter_complex') + 1]!;
    expect(graph).toContain('[c1][v2]overlay=x=0:y=0:eof_action=pass[c2]');
    // No audio at all: silence of the whole length.
    expect(graph).toContain('anullsrc=r=48000:cl=stereo,atrim=duration=9.000[aout]');
  });

  it('makes a black picture for audio only', () => {
    const command = composeArgs([track('audio', '11-0', 0, 5_000)], '/o.mp4');
    expect(command.tiles).toBe(0);
    const graph = command.args[command.args.indexOf('-filter_complex') + 1]!;
    expect(graph).toContain('[canvas]format=yuv420p[vout]');
    expect(graph).toContain('[0:a]aformat=');
    expect(graph).toContain('[a0]apad[aout]');
  });

  it('ends where the recording stopped: what Janus wrote later is cut, a stream begun later left out', () => {
    const command = composeArgs(
      [track('audio', '11-0', 0, 30_000), track('video', '11-1', 40, 29_000), track('video', '12-1', 12_000, 5_000)],
      '/o.mp4',
      { maxDurationMs: 10_000 },
    );
    expect(command.durationMs).toBe(10_000);
    expect(command.tiles).toBe(1);
    expect(command.args).toEqual(expect.arrayContaining(['-t', '10.000']));
    expect(command.args.filter((a) => a === '-i')).toHaveLength(2);
  });

  it('refuses nothing', () => {
    expect(() => composeArgs([], '/o.mp4')).toThrow(/nothing/);
  });
});

describe('progressReader', () => {
  it('answers the share written after each progress block, whatever the chunking', () => {
    const read = progressReader(10_000);
    expect(read('frame=10\nout_time_us=2500')).toBeUndefined();
    expect(read('000\nout_time=00:00:02.5\nprogress=con')).toBeUndefined();
    expect(read('tinue\n')).toBe(0.25);
    expect(read('out_time_us=N/A\nprogress=continue\n')).toBe(0.25);
    expect(read('out_time_us=12000000\nprogress=continue\n')).toBe(1);
    expect(read('progress=end\n')).toBe(1);
  });
});
