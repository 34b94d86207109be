/**
 * What the live stream's ffmpeg is given: the SDP that describes the RTP streams Janus forwards to it,
 * and its command line, which composes the publishers' videos into one grid, mixes their audio, encodes
 * H.264/AAC once and writes the RTMP push and the HLS files from that one encoding. Pure functions; the
 * process itself is run by live.ts.
 */
import path from 'node:path';

/** One forwarded RTP stream as ffmpeg receives it. */
export interface LiveInput {
  kind: 'audio' | 'video';
  /** The local UDP port Janus sends the RTP to; ffmpeg also binds `port + 1` for RTCP. */
  port: number;
}

/**
 * The payload types Janus is asked to write on the forwarded packets (`pt` of rtp_forward), so that the
 * SDP does not depend on what each browser negotiated: Opus 48 kHz stereo and VP8, as the rooms are
 * created with `audiocodec: opus`, `videocodec: vp8`.
 */
export const PAYLOAD = { audio: 111, video: 96 } as const;

/** Where the composed stream goes: RTMP (FLV) and/or HLS files, at least one. */
export interface LiveOutputs {
  /** The RTMP address, `streamUrl/streamKey` (see {@link rtmpAddress}). */
  rtmp?: string | undefined;
  /** The directory of the HLS playlist (`index.m3u8`) and its segments. */
  hlsDir?: string | undefined;
}

export interface ComposeOptions {
  /** The SDP file describing `inputs`, in that order; absent when nobody publishes. */
  sdpFile: string | undefined;
  inputs: readonly LiveInput[];
  outputs: LiveOutputs;
  /** Output picture, default 1280×720. */
  width?: number;
  height?: number;
  /** Default 25. */
  fps?: number;
  /** Video bitrate in kbit/s, default 1500. */
  videoKbps?: number;
}

/** HLS segment length in seconds: short, so a viewer starts within a few seconds of the live edge. */
export const HLS_SEGMENT_SECONDS = 2;
/** The playlist's name inside the HLS directory. */
export const HLS_PLAYLIST = 'index.m3u8';

/**
 * The RTMP address of a meeting's custom stream: `streamUrl` and `streamKey` joined by one `/`, as the
 * push address and key of an RTMP ingest (OBS's "server" and "stream key") are; `streamUrl` alone when
 * there is no key.
 */
export function rtmpAddress(streamUrl: string, streamKey: string): string {
  const url = streamUrl.trim().replace(/\/+$/, '');
  const key = streamKey.trim().replace(/^\/+/, '');
  return key === '' ? url : `${url}/${key}`;
}

/** One SDP describing every forwarded stream, one m-line each, so ffmpeg binds all ports at once. */
export function liveSdp(inputs: readonly LiveInput[]): string {
  const lines = ['v=0', 'o=- 0 0 IN IP4 127.0.0.1', 's=huiguan live', 'c=IN IP4 127.0.0.1', 't=0 0'];
  for (const input of inputs) {
    if (input.kind === 'audio') {
      lines.push(`m=audio ${input.port} RTP/AVP ${PAYLOAD.audio}`, `a=rtpmap:${PAYLOAD.audio} opus/48000/2`);
    } else {
      lines.push(`m=video ${input.port} RTP/AVP ${PAYLOAD.video}`, `a=rtpmap:${PAYLOAD.video} VP8/90000`);
    }
    lines.push('a=recvonly');
  }
  return lines.join('\r\n') + '\r\n';
}

/** Columns and rows of a grid of `n` tiles: as square as possible, wider than tall. */
export function gridOf(n: number): { cols: number; rows: number } {
  const cols = Math.max(1, Math.ceil(Math.sqrt(n)));
  return { cols, rows: Math.max(1, Math.ceil(n / cols)) };
}

const even = (n: number) => Math.max(2, Math.floor(n / 2) * 2);

/**
 * The filter graph: every video scaled into its tile (aspect kept, black bars) and stacked with xstack
 * (one video: its tile is the whole picture; none: black); every audio mixed with amix (none: silence).
 * Labels `[v]` and `[a]` are the outputs. Inputs are numbered as in the SDP (input 0); lavfi sources,
 * when needed, are inputs 1 and 2.
 */
export function filterGraph(options: ComposeOptions): { graph: string; lavfi: string[] } {
  const width = options.width ?? 1280;
  const height = options.height ?? 720;
  const fps = options.fps ?? 25;
  const videos: number[] = [];
  const audios: number[] = [];
  options.inputs.forEach((input, index) => (input.kind === 'video' ? videos : audios).push(index));
  const parts: string[] = [];
  const lavfi: string[] = [];

  if (videos.length === 0) {
    lavfi.push(`color=c=black:s=${width}x${height}:r=${fps}`);
    parts.push(`[${lavfi.length}:v]format=yuv420p[v]`);
  } else {
    const { cols, rows } = gridOf(videos.length);
    const tileW = even(width / cols);
    const tileH = even(height / rows);
    const tile = `scale=${tileW}:${tileH}:force_original_aspect_ratio=decrease,pad=${tileW}:${tileH}:(ow-iw)/2:(oh-ih)/2,setsar=1,fps=${fps},format=yuv420p`;
    videos.forEach((stream, i) => parts.push(`[0:${stream}]${tile}[t${i}]`));
    if (videos.length === 1) {
      parts.push(`[t0]pad=${width}:${height}:(ow-iw)/2:(oh-ih)/2[v]`);
    } else {
      const layout = videos.map((_, i) => `${(i % cols) * tileW}_${Math.floor(i / cols) * tileH}`).join('|');
      const labels = videos.map((_, i) => `[t${i}]`).join('');
      parts.push(
        `${labels}xstack=inputs=${videos.length}:layout=${layout}:fill=black,pad=${width}:${height}:(ow-iw)/2:(oh-ih)/2[v]`,
      );
    }
  }

  if (audios.length === 0) {
    lavfi.push('anullsrc=channel_layout=stereo:sample_rate=48000');
    parts.push(`[${lavfi.length}:a]anull[a]`);
  } else if (audios.length === 1) {
    parts.push(`[0:${audios[0]}]aresample=async=1000[a]`);
  } else {
    const labels = audios.map((stream) => `[0:${stream}]`).join('');
    parts.push(
      `${labels}amix=inputs=${audios.length}:duration=longest:dropout_transition=0:normalize=0,aresample=async=1000[a]`,
    );
  }
  return { graph: parts.join(';'), lavfi };
}

/** Escapes a value for the tee muxer's option syntax (`[key=value:…]target|…`). */
function teeEscape(text: string): string {
  return text.replace(/([\\:|[\]=])/g, '\\$1');
}

/**
 * ffmpeg's arguments: read the SDP (RTP from Janus), compose, encode H.264 (a keyframe every HLS
 * segment) and AAC, and write every output through the tee muxer, so the picture is encoded once. A
 * failing output (an RTMP address that refuses) fails the whole process, which the service reports.
 * HLS keeps numbering across restarts (append_list) and marks the restart as a discontinuity.
 */
export function composeArgs(options: ComposeOptions): string[] {
  const { rtmp, hlsDir } = options.outputs;
  if (!rtmp && !hlsDir) throw new Error('a live stream needs an RTMP address or an HLS directory');
  const fps = options.fps ?? 25;
  const kbps = options.videoKbps ?? 1500;
  const { graph, lavfi } = filterGraph(options);
  const args = ['-hide_banner', '-nostdin', '-loglevel', 'warning', '-nostats', '-progress', 'pipe:1'];
  if (options.sdpFile && options.inputs.length > 0) {
    args.push(
      '-protocol_whitelist',
      'file,udp,rtp',
      '-analyzeduration',
      '3000000',
      '-reorder_queue_size',
      '200',
      '-f',
      'sdp',
      '-i',
      options.sdpFile,
    );
  } else {
    // Input 0 stays a placeholder so lavfi inputs are numbered alike either way.
    args.push('-f', 'lavfi', '-i', 'anullsrc=channel_layout=stereo:sample_rate=48000');
  }
  for (const source of lavfi) args.push('-f', 'lavfi', '-i', source);
  args.push(
    '-filter_complex',
    graph,
    '-map',
    '[v]',
    '-map',
    '[a]',
    '-c:v',
    'libx264',
    '-preset',
    'veryfast',
    '-tune',
    'zerolatency',
    '-pix_fmt',
    'yuv420p',
    '-r',
    String(fps),
    '-g',
    String(fps * HLS_SEGMENT_SECONDS),
    '-keyint_min',
    String(fps * HLS_SEGMENT_SECONDS),
    '-sc_threshold',
    '0',
    '-b:v',
    `${kbps}k`,
    '-maxrate',
    `${kbps}k`,
    '-bufsize',
    `${kbps * 2}k`,
    '-c:a',
    'aac',
    '-b:a',
    '128k',
    '-ar',
    '48000',
    '-ac',
    '2',
    '-flags',
    '+global_header',
  );
  const targets: string[] = [];
  if (rtmp) targets.push(`[f=flv:flvflags=no_duration_filesize]${teeEscape(rtmp)}`);
  if (hlsDir) {
    const hlsOptions = [
      'f=hls',
      `hls_time=${HLS_SEGMENT_SECONDS}`,
      'hls_list_size=6',
      'hls_flags=delete_segments+append_list+discont_start+omit_endlist+independent_segments',
      `hls_segment_filename=${teeEscape(path.join(hlsDir, 'seg-%d.ts'))}`,
    ];
    targets.push(`[${hlsOptions.join(':')}]${teeEscape(path.join(hlsDir, HLS_PLAYLIST))}`);
  }
  args.push('-f', 'tee', targets.join('|'));
  return args;
}

/** What ffmpeg says when a network output fails: the cause, before its generic follow-ups. */
const CAUSE =
  /refused|denied|unreachable|timed out|not found|no route|unauthori[sz]ed|forbidden|broken pipe|reset by peer/i;
const FAILURE = /error|failed|invalid|could not|unable|cannot/i;

/** The line of ffmpeg's output that says why it stopped, if one does. */
export function ffmpegError(lines: readonly string[]): string | undefined {
  return lines.findLast((line) => CAUSE.test(line)) ?? lines.findLast((line) => FAILURE.test(line)) ?? lines.at(-1);
}

/**
 * `text` with the stream key taken out: errors go to every page of the meeting and to the log, and the
 * key is the right to publish on the RTMP service.
 */
export function withoutKey(text: string, streamKey: string): string {
  const key = streamKey.trim().replace(/^\/+/, '');
  return key === '' ? text : text.split(key).join('***');
}
