import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { el, liveWebm } from '../../test/fixtures/webm.js';
import { applyWebmPatch, scanWebm } from './webm-duration.js';

/** The source in small pieces, as chunks arrive. */
const pieces = (buf: Buffer, size = 7) =>
  Readable.from(Array.from({ length: Math.ceil(buf.length / size) }, (_, i) => buf.subarray(i * size, (i + 1) * size)));

async function bytes(stream: Readable): Promise<Buffer> {
  const out: Buffer[] = [];
  for await (const chunk of stream) out.push(chunk as Buffer);
  return Buffer.concat(out);
}

describe('scanWebm and applyWebmPatch', () => {
  it('find the length of a file without Duration and write it into the Info element, leaving the rest unchanged', async () => {
    const file = liveWebm();
    const scan = await scanWebm(pieces(file));
    expect(scan.durationMs).toBe(2500);
    expect(scan.statedDurationMs).toBeUndefined();
    expect(scan.patch).toBeDefined();

    const fixed = await bytes(applyWebmPatch(pieces(file, 5), scan.patch!));
    expect(fixed.length).toBe(file.length + scan.patch!.info.length - (scan.patch!.infoEnd - scan.patch!.infoStart));
    const again = await scanWebm(pieces(fixed));
    expect(again.statedDurationMs).toBe(2500);
    expect(again.durationMs).toBe(2500);
    expect(again.patch).toBeUndefined();
    // Everything after Info is the same bytes.
    expect(
      fixed.subarray(fixed.length - (file.length - scan.patch!.infoEnd)).equals(file.subarray(scan.patch!.infoEnd)),
    ).toBe(true);
  });

  it('grows a known Segment size by what Info grew', async () => {
    const live = liveWebm();
    const segmentAt = live.indexOf(Buffer.from([0x18, 0x53, 0x80, 0x67]));
    const content = live.subarray(segmentAt + 12);
    const known = Buffer.concat([live.subarray(0, segmentAt), el([0x18, 0x53, 0x80, 0x67], content, true)]);
    const scan = await scanWebm(pieces(known));
    const fixed = await bytes(applyWebmPatch(pieces(known), scan.patch!));
    const size = fixed.subarray(segmentAt + 4, segmentAt + 12);
    expect(size[0]).toBe(0x01);
    expect(size.readUIntBE(2, 6)).toBe(fixed.length - segmentAt - 12);
    expect((await scanWebm(pieces(fixed))).statedDurationMs).toBe(2500);
  });

  it('leaves a file that states its duration alone, and finds no patch in what is not WebM', async () => {
    const file = liveWebm();
    const fixed = await bytes(applyWebmPatch(pieces(file), (await scanWebm(pieces(file))).patch!));
    expect((await scanWebm(pieces(fixed))).patch).toBeUndefined();
    expect((await scanWebm(pieces(Buffer.from('not a webm file at all')))).patch).toBeUndefined();
  });
});
