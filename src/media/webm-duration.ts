import { Readable } from 'node:stream';

// Matroska/WebM element ids (https://www.matroska.org/technical/elements.html).
const SEGMENT = 0x18538067;
const CLUSTER = 0x1f43b675;
const BLOCK_GROUP = 0xa0;
const INFO = 0x1549a966;
const TIMECODE_SCALE = 0x2ad7b1;
const DURATION = 0x4489;
const CLUSTER_TIMECODE = 0xe7;
const SIMPLE_BLOCK = 0xa3;
const BLOCK = 0xa1;
const SEEK_HEAD = 0x114d9b74;
const CUES = 0x1c53bb6b;
/** Masters walked into rather than skipped: their size may be "unknown", as a live recorder writes them. */
const DESCEND = new Set([SEGMENT, CLUSTER, BLOCK_GROUP]);
/** The Info element must lie within this many bytes of the start for the file to be patched. */
const HEAD_LIMIT = 1024 * 1024;

/** What {@link scanWebm} found. */
export interface WebmScan {
  /** Timestamp of the last block, in milliseconds: the recording's length. */
  durationMs: number;
  /** The Duration the Info element states, in ms; undefined when it has none (a live recorder's file). */
  statedDurationMs: number | undefined;
  /** How to give the file its duration, when it lacks one and can take one; else undefined. */
  patch: WebmPatch | undefined;
}

/** Replace the Info element at [`infoStart`, `infoEnd`) with `info` (and fix the Segment's size when it has one). */
export interface WebmPatch {
  infoStart: number;
  infoEnd: number;
  info: Buffer;
  /** Where the Segment's size field is and how long, when the Segment's size is known. */
  segmentSize: { offset: number; length: number; value: number } | undefined;
}

/** Sequential reads over an async byte source, keeping only what is not consumed yet. */
class ByteReader {
  private buffer: Buffer = Buffer.alloc(0);
  /** Offset in the whole source of `buffer[0]`. */
  position = 0;
  private readonly iterator: AsyncIterator<Buffer>;

  constructor(source: AsyncIterable<Buffer>) {
    this.iterator = source[Symbol.asyncIterator]();
  }

  /** True when `n` bytes are buffered (reading more as needed), false at the end of the source. */
  async ensure(n: number): Promise<boolean> {
    while (this.buffer.length < n) {
      const next = await this.iterator.next();
      if (next.done) return false;
      this.buffer = this.buffer.length === 0 ? next.value : Buffer.concat([this.buffer, next.value]);
    }
    return true;
  }

  peek(n: number): Buffer {
    return this.buffer.subarray(0, n);
  }

  consume(n: number): void {
    this.buffer = this.buffer.subarray(n);
    this.position += n;
  }

  /** Skips `n` bytes; false when the source ends first. */
  async skip(n: number): Promise<boolean> {
    while (n > 0) {
      if (this.buffer.length === 0 && !(await this.ensure(1))) return false;
      const take = Math.min(n, this.buffer.length);
      this.consume(take);
      n -= take;
    }
    return true;
  }
}

/** An EBML variable-length integer at `buf[0]`: its length and value (`marker` keeps the length bits, as ids do). */
function vint(buf: Buffer, marker: boolean): { length: number; value: number; unknown: boolean } | undefined {
  const first = buf[0];
  if (first === undefined || first === 0) return undefined;
  const length = Math.clz32(first) - 23;
  if (buf.length < length) return undefined;
  let value = marker ? first : first & (0xff >> length);
  let allOnes = value === 0xff >> length;
  for (let i = 1; i < length; i++) {
    value = value * 256 + buf[i]!;
    allOnes &&= buf[i] === 0xff;
  }
  return { length, value, unknown: !marker && allOnes };
}

function readUnsigned(buf: Buffer): number {
  let value = 0;
  for (const byte of buf) value = value * 256 + byte;
  return value;
}

function readFloat(buf: Buffer): number {
  return buf.length === 4 ? buf.readFloatBE(0) : buf.length === 8 ? buf.readDoubleBE(0) : 0;
}

/** The children of a master element's body as [id, header start, data start, data end]. */
function children(body: Buffer): [number, number, number, number][] {
  const out: [number, number, number, number][] = [];
  let at = 0;
  while (at < body.length) {
    const id = vint(body.subarray(at), true);
    const size = id && vint(body.subarray(at + id.length), false);
    if (!id || !size || size.unknown) break;
    const start = at + id.length + size.length;
    out.push([id.value, at, start, start + size.value]);
    at = start + size.value;
  }
  return out;
}

/**
 * Reads a WebM file (as MediaRecorder writes it: Segment and Clusters of unknown size, no Duration)
 * and answers its length from its blocks' timestamps, and the patch that writes that length into
 * its Info element. Files with a SeekHead or Cues (positions a patch would shift) are not patched.
 */
export async function scanWebm(source: AsyncIterable<Buffer>): Promise<WebmScan> {
  const reader = new ByteReader(source);
  let timecodeScale = 1_000_000;
  let clusterTime = 0;
  let lastBlock = 0;
  let info: { start: number; end: number; body: Buffer; stated: number | undefined } | undefined;
  let segmentSize: WebmPatch['segmentSize'];
  let patchable = true;

  while (await reader.ensure(1)) {
    const start = reader.position;
    await reader.ensure(12);
    const head = reader.peek(12);
    const id = vint(head, true);
    const size = id && vint(head.subarray(id.length), false);
    if (!id || !size) break;
    const headerLength = id.length + size.length;
    if (id.value === SEGMENT && !size.unknown)
      segmentSize = { offset: start + id.length, length: size.length, value: size.value };
    reader.consume(headerLength);
    if (DESCEND.has(id.value)) continue;
    if (size.unknown) break;
    if (id.value === SEEK_HEAD || id.value === CUES) patchable = false;
    if (id.value === INFO || id.value === CLUSTER_TIMECODE) {
      if (!(await reader.ensure(size.value))) break;
      const body = Buffer.from(reader.peek(size.value));
      reader.consume(size.value);
      if (id.value === CLUSTER_TIMECODE) {
        clusterTime = readUnsigned(body);
        continue;
      }
      let stated: number | undefined;
      for (const [child, , from, to] of children(body)) {
        if (child === TIMECODE_SCALE) timecodeScale = readUnsigned(body.subarray(from, to)) || timecodeScale;
        if (child === DURATION) stated = readFloat(body.subarray(from, to));
      }
      info = { start, end: start + headerLength + size.value, body, stated };
      continue;
    }
    if (id.value === SIMPLE_BLOCK || id.value === BLOCK) {
      await reader.ensure(Math.min(size.value, 12));
      const block = reader.peek(Math.min(size.value, 12));
      const track = vint(block, false);
      if (track && block.length >= track.length + 2)
        lastBlock = Math.max(lastBlock, clusterTime + block.readInt16BE(track.length));
    }
    if (!(await reader.skip(size.value))) break;
  }

  const toMs = (ticks: number) => (ticks * timecodeScale) / 1e6;
  const durationMs = toMs(lastBlock);
  const statedDurationMs = info?.stated === undefined ? undefined : toMs(info.stated);
  const needed = info !== undefined && !(info.stated && info.stated > 0);
  return {
    durationMs,
    statedDurationMs,
    patch:
      info &&
      needed &&
      patchable &&
      info.end <= HEAD_LIMIT &&
      durationMs > 0 &&
      fits(segmentSize, info.end - info.start)
        ? infoPatch(info, lastBlock, segmentSize)
        : undefined,
  };
}

/** Whether a known Segment size still fits its field once Info grows by at most its Duration and an 8-byte size. */
function fits(segment: WebmPatch['segmentSize'], infoLength: number): boolean {
  return !segment || segment.value + infoLength + 19 < 2 ** (7 * segment.length) - 1;
}

function infoPatch(
  info: { start: number; end: number; body: Buffer },
  duration: number,
  segmentSize: WebmPatch['segmentSize'],
): WebmPatch {
  const kept = children(info.body)
    .filter(([id]) => id !== DURATION)
    .map(([, at, , end]) => info.body.subarray(at, end));
  const durationElement = Buffer.alloc(11);
  durationElement.writeUInt16BE(DURATION, 0);
  durationElement[2] = 0x88;
  durationElement.writeDoubleBE(duration, 3);
  const body = Buffer.concat([...kept, durationElement]);
  const id = Buffer.alloc(4);
  id.writeUInt32BE(INFO, 0);
  return {
    infoStart: info.start,
    infoEnd: info.end,
    info: Buffer.concat([id, sizeField(body.length, 8), body]),
    segmentSize,
  };
}

/** An element size as an EBML variable-length integer of `length` bytes. */
function sizeField(value: number, length: number): Buffer {
  const field = Buffer.alloc(length);
  if (length > 4) {
    field.writeUIntBE(Math.floor(value / 2 ** 32), 0, length - 4);
    field.writeUInt32BE(value % 2 ** 32, length - 4);
  } else {
    field.writeUIntBE(value, 0, length);
  }
  field[0]! |= 0x80 >> (length - 1);
  return field;
}

/** The bytes of `source` with `patch` applied: Info replaced, the Segment's known size grown to match. */
export function applyWebmPatch(source: AsyncIterable<Buffer>, patch: WebmPatch): Readable {
  return Readable.from(
    (async function* () {
      const head: Buffer[] = [];
      let length = 0;
      let passed = false;
      for await (const chunk of source) {
        if (passed) {
          yield chunk;
          continue;
        }
        head.push(chunk);
        length += chunk.length;
        if (length < patch.infoEnd) continue;
        const all = Buffer.concat(head);
        const before = Buffer.from(all.subarray(0, patch.infoStart));
        const segment = patch.segmentSize;
        if (segment) {
          const value = segment.value + patch.info.length - (patch.infoEnd - patch.infoStart);
          sizeField(value, segment.length).copy(before, segment.offset);
        }
        yield before;
        yield patch.info;
        yield all.subarray(patch.infoEnd);
        passed = true;
      }
      if (!passed) throw new Error('the WebM file ended before its Info element');
    })(),
  );
}
