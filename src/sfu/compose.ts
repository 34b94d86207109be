import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/**
 * Composing a VideoRoom recording into one MP4: Janus writes one `.mjr` file per publisher stream;
 * `janus-pp-rec` turns each into a playable file and tells when its first packet arrived; one `ffmpeg`
 * run places every video on a grid at its own time and mixes every audio at its own time, as H.264/AAC.
 * The pure parts (names, headers, layout, arguments, progress) are exported for their tests.
 */

/** One stream file Janus wrote: `videoroom-<room>-user-<feed>-<µs>-<audio|video|data>-<mindex>.mjr`. */
export interface MjrName {
  room: string;
  feed: string;
  kind: 'audio' | 'video' | 'data';
  /** The stream's m-line index; a publisher's camera and screen are different ones. */
  mindex: number;
}

const MJR_NAME = /^videoroom-([^-]+)-user-(.+)-([0-9]+)-(audio|video|data)(?:-([0-9]+))?\.mjr$/;

/** The parts of a VideoRoom recording's file name, or undefined for any other file. */
export function parseMjrName(name: string): MjrName | undefined {
  const match = MJR_NAME.exec(name);
  if (!match) return undefined;
  return {
    room: match[1]!,
    feed: match[2]!,
    kind: match[4] as MjrName['kind'],
    mindex: match[5] === undefined ? 0 : Number(match[5]),
  };
}

/** What `janus-pp-rec --extended-json` says of a file. */
export interface MjrHeader {
  kind: 'audio' | 'video' | 'data';
  codec: string;
  /** Janus's wall clock at the first packet written, µs since the epoch (0: none was). */
  firstPacketUs: number;
  packets: number;
  /** From the first packet's RTP timestamp to the last one's, µs. */
  durationUs: number;
}

/** Parses `janus-pp-rec -e`'s output (its last JSON line), e.g. `{"t":"v","c":"vp8","s":…,"u":…,"extended":{"packets":196,"duration":5.949}}`. */
export function parseMjrHeader(output: string): MjrHeader {
  const line = output
    .trim()
    .split('\n')
    .findLast((l) => l.trim().startsWith('{'));
  if (!line) throw new Error(`janus-pp-rec printed no header: ${output.slice(0, 200)}`);
  const json = JSON.parse(line) as {
    t?: string;
    c?: string;
    u?: number;
    extended?: { packets?: number; duration?: number };
  };
  const kind = json.t === 'a' ? 'audio' : json.t === 'v' ? 'video' : json.t === 'd' ? 'data' : undefined;
  if (!kind || typeof json.c !== 'string') throw new Error(`not a recording header: ${line.slice(0, 200)}`);
  return {
    kind,
    codec: json.c,
    firstPacketUs: typeof json.u === 'number' ? json.u : 0,
    packets: json.extended?.packets ?? 0,
    durationUs: Math.round((json.extended?.duration ?? 0) * 1_000_000),
  };
}

/** The file janus-pp-rec makes of a codec (`janus-pp-rec --file-extensions`), or undefined when it cannot. */
export function extensionFor(codec: string): string | undefined {
  if (codec === 'opus') return 'opus';
  if (codec === 'vp8' || codec === 'vp9') return 'webm';
  if (codec === 'h264' || codec === 'h265') return 'mkv';
  if (codec === 'av1') return 'mp4';
  if (['g711', 'pcmu', 'pcma', 'g722', 'l16', 'l16-48'].includes(codec)) return 'wav';
  return undefined;
}

/** A converted stream, placed in time. */
export interface Track {
  /** The converted file (janus-pp-rec's output). */
  file: string;
  kind: 'audio' | 'video';
  /** Which tile a video goes to: the publisher and stream (`<feed>-<mindex>`); segments of one share it. */
  tile: string;
  /** Janus's wall clock at its first packet, µs. */
  startUs: number;
  durationUs: number;
}

/** A tile's place on the canvas. */
export interface Tile {
  x: number;
  y: number;
  width: number;
  height: number;
}

/**
 * `count` equal tiles on a `width`×`height` canvas: the fewest columns that make a square-ish grid,
 * every dimension even (H.264 with 4:2:0), the grid centred and its last row, when shorter, centred too.
 */
export function gridLayout(count: number, width: number, height: number): Tile[] {
  if (count <= 0) return [];
  const cols = Math.ceil(Math.sqrt(count));
  const rows = Math.ceil(count / cols);
  const even = (n: number) => Math.floor(n / 2) * 2;
  const tileW = even(width / cols);
  const tileH = even(height / rows);
  const top = even((height - rows * tileH) / 2);
  return Array.from({ length: count }, (_, i) => {
    const row = Math.floor(i / cols);
    const inRow = Math.min(cols, count - row * cols);
    const left = even((width - inRow * tileW) / 2);
    return { x: left + (i % cols) * tileW, y: top + row * tileH, width: tileW, height: tileH };
  });
}

/** The output's shape. */
export interface Canvas {
  width: number;
  height: number;
  fps: number;
}

export const DEFAULT_CANVAS: Canvas = { width: 1280, height: 720, fps: 25 };

/** The ffmpeg run that makes the MP4, and what it will be. */
export interface ComposeCommand {
  args: string[];
  /** From the first packet of any stream to the last packet of any, ms. */
  durationMs: number;
  /** Janus's wall clock at the composition's start, µs. */
  startUs: number;
  tiles: number;
}

const seconds = (us: number) => (us / 1_000_000).toFixed(3);

/**
 * The ffmpeg arguments that compose `all` into `output`. Time zero is the first packet of any stream; the
 * end the last packet of any, or `maxDurationMs` after the start when that comes first (files Janus still
 * wrote after the recording stopped: the room of an ended session lives on until it is destroyed).
 * Video: a black canvas of the whole duration, each video scaled into its tile and overlaid from its own
 * start (an overlay that has ended lets the canvas show through, so a publisher who left leaves a black
 * tile); the tiles in order of first appearance. Audio: each stream delayed to its start and mixed
 * without level normalisation (a lone speaker stays at their level). H.264 (veryfast, yuv420p) and AAC,
 * the index at the front (`+faststart`) so that a browser plays it before it has all of it; progress on
 * stdout (`-progress pipe:1`).
 */
export function composeArgs(
  all: readonly Track[],
  output: string,
  options: { canvas?: Canvas | undefined; maxDurationMs?: number | undefined } = {},
): ComposeCommand {
  if (all.length === 0) throw new Error('nothing to compose');
  const canvas = options.canvas ?? DEFAULT_CANVAS;
  const startUs = Math.min(...all.map((t) => t.startUs));
  const limitUs = options.maxDurationMs === undefined ? Infinity : options.maxDurationMs * 1000;
  const tracks = all.filter((t) => t.startUs - startUs < limitUs);
  const endUs = Math.max(...tracks.map((t) => t.startUs + t.durationUs));
  const durationUs = Math.max(Math.min(endUs - startUs, limitUs), 1000);
  const videos = tracks.filter((t) => t.kind === 'video').sort((a, b) => a.startUs - b.startUs);
  const audios = tracks.filter((t) => t.kind === 'audio').sort((a, b) => a.startUs - b.startUs);
  const tileNames = [...new Set(videos.map((v) => v.tile))];
  const layout = gridLayout(tileNames.length, canvas.width, canvas.height);
  const tileOf = new Map(tileNames.map((name, i) => [name, layout[i]!]));

  const args = ['-hide_banner', '-nostdin', '-loglevel', 'error', '-y'];
  // A publisher's resolution changes with simulcast and bandwidth: the scale filter follows it, rather
  // than ffmpeg rebuilding the whole graph (which would restart the canvas).
  for (const v of videos) args.push('-reinit_filter', '0', '-i', v.file);
  for (const a of audios) args.push('-i', a.file);

  const graph: string[] = [];
  const total = seconds(durationUs);
  graph.push(`color=c=black:s=${canvas.width}x${canvas.height}:r=${canvas.fps}:d=${total}[canvas]`);
  let base = 'canvas';
  videos.forEach((v, i) => {
    const tile = tileOf.get(v.tile)!;
    const offset = seconds(v.startUs - startUs);
    graph.push(
      `[${i}:v]scale=${tile.width}:${tile.height}:force_original_aspect_ratio=decrease,` +
        `pad=${tile.width}:${tile.height}:(ow-iw)/2:(oh-ih)/2:color=black,setsar=1,` +
        `setpts=PTS-STARTPTS+${offset}/TB[v${i}]`,
    );
    graph.push(`[${base}][v${i}]overlay=x=${tile.x}:y=${tile.y}:eof_action=pass[c${i}]`);
    base = `c${i}`;
  });
  graph.push(`[${base}]format=yuv420p[vout]`);

  if (audios.length === 0) {
    graph.push(`anullsrc=r=48000:cl=stereo,atrim=duration=${total}[aout]`);
  } else {
    audios.forEach((a, j) => {
      const delayMs = Math.round((a.startUs - startUs) / 1000);
      graph.push(
        `[${videos.length + j}:a]aformat=sample_fmts=fltp:sample_rates=48000:channel_layouts=stereo,` +
          `asetpts=PTS-STARTPTS,adelay=delays=${delayMs}:all=1[a${j}]`,
      );
    });
    const inputs = audios.map((_, j) => `[a${j}]`).join('');
    graph.push(
      audios.length === 1
        ? `${inputs}apad[aout]`
        : `${inputs}amix=inputs=${audios.length}:duration=longest:dropout_transition=0:normalize=0,apad[aout]`,
    );
  }

  args.push('-filter_complex', graph.join(';'), '-map', '[vout]', '-map', '[aout]', '-t', total);
  args.push('-c:v', 'libx264', '-preset', 'veryfast', '-crf', '23', '-pix_fmt', 'yuv420p');
  args.push('-c:a', 'aac', '-b:a', '128k', '-movflags', '+faststart', '-progress', 'pipe:1', '-nostats', output);
  return { args, durationMs: Math.round(durationUs / 1000), startUs, tiles: tileNames.length };
}

/**
 * Reads ffmpeg's `-progress` output (blocks of `key=value` lines) as it arrives and answers the share of
 * `durationMs` written so far, 0–1, after each block; `undefined` while a block is incomplete.
 */
export function progressReader(durationMs: number): (chunk: string) => number | undefined {
  let pending = '';
  let outUs = 0;
  return (chunk) => {
    pending += chunk;
    const lines = pending.split('\n');
    pending = lines.pop() ?? '';
    let share: number | undefined;
    for (const line of lines) {
      const [key, value] = line.trim().split('=', 2);
      if (key === 'out_time_us' && value !== undefined && /^[0-9]+$/.test(value)) outUs = Number(value);
      if (key === 'progress') share = value === 'end' ? 1 : Math.min(1, outUs / 1000 / Math.max(durationMs, 1));
    }
    return share;
  };
}

/** A tool ended badly. `message` carries its last lines of stderr. */
export class ToolError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ToolError';
  }
}

/** The recording holds nothing composable (no publisher sent a packet while it ran). */
export class EmptyRecordingError extends Error {
  constructor(dir: string) {
    super(`nothing was recorded in ${dir}: no publisher sent media while the recording ran`);
    this.name = 'EmptyRecordingError';
  }
}

/**
 * Runs `bin` with `args` at a lower CPU priority than the server (the meeting's signalling comes first),
 * handing stdout to `onStdout`; resolves with stdout when it exits 0, rejects with its stderr's end
 * otherwise. `signal` kills it.
 */
export function runTool(
  bin: string,
  args: readonly string[],
  options: { signal?: AbortSignal | undefined; onStdout?: (text: string) => void; keepStdout?: boolean } = {},
): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(bin, args, {
      stdio: ['ignore', 'pipe', 'pipe'],
      ...(options.signal ? { signal: options.signal } : {}),
    });
    if (child.pid !== undefined) {
      try {
        os.setPriority(child.pid, 10);
      } catch {
        // Not permitted here: it runs at the server's priority.
      }
    }
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (text: string) => {
      if (options.keepStdout !== false) stdout += text;
      options.onStdout?.(text);
    });
    child.stderr.setEncoding('utf8').on('data', (text: string) => {
      stderr = (stderr + text).slice(-4000);
    });
    child.on('error', (err) => reject(err));
    child.on('close', (code, signal) => {
      if (code === 0) resolve(stdout);
      else {
        const tail = stderr.trim().split('\n').slice(-5).join(' | ');
        reject(new ToolError(`${path.basename(bin)} ${signal ? `killed by ${signal}` : `exited ${code}`}: ${tail}`));
      }
    });
  });
}

export interface ComposeOptions {
  /** The directory of the recording's `.mjr` files. */
  dir: string;
  /** Where the intermediate files go (created; the caller removes it). */
  workDir: string;
  /** The MP4 to write. */
  output: string;
  ppRecBin: string;
  ffmpegBin: string;
  signal?: AbortSignal | undefined;
  /** Told the share done, 0–1, as it goes. */
  onProgress?: (share: number) => void;
  canvas?: Canvas | undefined;
  /** How long the recording ran (start to stop): nothing after it is composed. Default: to the last packet. */
  maxDurationMs?: number | undefined;
}

/** What was composed. */
export interface Composed {
  durationMs: number;
  /** Janus's wall clock at the composition's start, ms. */
  startMs: number;
  tiles: number;
  tracks: number;
}

/** Share of the work the conversions count for; ffmpeg does the rest. */
const CONVERT_SHARE = 0.1;

/**
 * Composes the recording in `dir` into `output` (see {@link composeArgs}). Streams without a packet
 * (a camera never turned on) and data channels are left out; nothing at all is an {@link EmptyRecordingError}.
 */
export async function composeRecording(options: ComposeOptions): Promise<Composed> {
  const { dir, workDir, signal } = options;
  await fs.promises.mkdir(workDir, { recursive: true });
  const names = (await fs.promises.readdir(dir)).filter((n) => n.endsWith('.mjr')).sort();
  const tracks: Track[] = [];
  for (const [i, name] of names.entries()) {
    const parsed = parseMjrName(name);
    if (!parsed || parsed.kind === 'data') continue;
    const source = path.join(dir, name);
    const header = parseMjrHeader(await runTool(options.ppRecBin, ['-e', source], { signal }));
    const extension = extensionFor(header.codec);
    if (header.kind === 'data' || header.packets === 0 || header.firstPacketUs === 0 || !extension) continue;
    const file = path.join(workDir, `${name.slice(0, -'.mjr'.length)}.${extension}`);
    await runTool(options.ppRecBin, [source, file], { signal });
    tracks.push({
      file,
      kind: header.kind,
      tile: `${parsed.feed}-${parsed.mindex}`,
      startUs: header.firstPacketUs,
      durationUs: header.durationUs,
    });
    options.onProgress?.((CONVERT_SHARE * (i + 1)) / names.length);
  }
  if (tracks.length === 0) throw new EmptyRecordingError(dir);

  const command = composeArgs(tracks, options.output, {
    canvas: options.canvas,
    maxDurationMs: options.maxDurationMs,
  });
  const read = progressReader(command.durationMs);
  await runTool(options.ffmpegBin, command.args, {
    signal,
    keepStdout: false,
    onStdout: (text) => {
      const share = read(text);
      if (share !== undefined) options.onProgress?.(CONVERT_SHARE + (1 - CONVERT_SHARE) * share);
    },
  });
  return {
    durationMs: command.durationMs,
    startMs: Math.round(command.startUs / 1000),
    tiles: command.tiles,
    tracks: tracks.length,
  };
}
