import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { RecordingTooLargeError } from '../../src/store/recording-storage.js';
import { createUploadStaging } from '../../src/store/recording-uploads.js';

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

const bytes = (n: number, fill = 1) => Readable.from([Buffer.alloc(n, fill)]);
const id = 'a'.repeat(32);
const anything = () => undefined;

function staging() {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'huiguan-uploads-'));
  dirs.push(root);
  return { root, staging: createUploadStaging({ root }) };
}

describe('upload staging', () => {
  it('keeps nothing of a chunk its admit refuses', async () => {
    const { root, staging: s } = staging();
    const refuse = (size: number) => {
      if (size > 50) throw new RecordingTooLargeError(50);
    };
    await expect(s.putChunk(id, 0, bytes(60), refuse)).rejects.toBeInstanceOf(RecordingTooLargeError);
    expect(await s.putChunk(id, 0, bytes(40), refuse)).toEqual({ size: 40, stored: true });
    expect([...(await s.chunks(id)).entries()]).toEqual([[0, 40]]);
    expect(fs.readdirSync(path.join(root, id))).toEqual(['000000.chunk']);
  });

  it('stores an index once when two writers (two processes over one directory) race for it', async () => {
    const { root, staging: s } = staging();
    const other = createUploadStaging({ root });
    const results = await Promise.all([
      s.putChunk(id, 3, bytes(10, 1), anything),
      other.putChunk(id, 3, bytes(20, 2), anything),
    ]);
    expect(results.map((r) => r.stored).sort()).toEqual([false, true]);
    const kept = results.find((r) => r.stored)!;
    expect(await s.chunkSize(id, 3)).toBe(kept.size);
    expect(await s.putChunk(id, 3, bytes(5), anything)).toEqual({ size: 5, stored: false });
    expect(await s.chunkSize(id, 3)).toBe(kept.size);
    expect(fs.readdirSync(path.join(root, id))).toEqual(['000003.chunk']);
  });

  it('removes what no wanted upload owns once old, and stale partial chunks of the wanted ones', async () => {
    const { root, staging: s } = staging();
    const wanted = 'b'.repeat(32);
    const unwanted = 'c'.repeat(32);
    const young = 'd'.repeat(32);
    for (const upload of [wanted, unwanted, young]) await s.putChunk(upload, 0, bytes(3), anything);
    const stalePart = path.join(root, wanted, '.000001.chunk.0123456789ab.part');
    const livePart = path.join(root, wanted, '.000002.chunk.0123456789ab.part');
    fs.writeFileSync(stalePart, 'x');
    fs.writeFileSync(livePart, 'x');
    const hoursAgo = new Date(Date.now() - 2 * 3_600_000);
    for (const file of [stalePart, path.join(root, unwanted)]) fs.utimesSync(file, hoursAgo, hoursAgo);

    let asked: string[] = [];
    await s.removeStale(async (ids) => ((asked = ids), new Set([wanted])), 3_600_000);
    expect(asked.sort()).toEqual([wanted, unwanted, young]);
    expect(fs.existsSync(path.join(root, unwanted))).toBe(false);
    expect(fs.existsSync(path.join(root, young))).toBe(true);
    expect(fs.existsSync(stalePart)).toBe(false);
    expect(fs.existsSync(livePart)).toBe(true);
    expect(await s.chunkSize(wanted, 0)).toBe(3);
  });
});
