import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { RecordingTooLargeError } from '../../src/store/recording-storage.js';
import { createUploadStaging } from '../../src/store/recording-uploads.js';

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

const bytes = (n: number) => Readable.from([Buffer.alloc(n, 1)]);

describe('upload staging', () => {
  it('refuses a chunk that takes the upload past maxBytes, counting what another process stored', async () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'huiguan-uploads-'));
    dirs.push(root);
    const staging = createUploadStaging({ root });
    const id = await staging.create({ siteId: 1, meetingId: 1, ticket: 't', fileType: 'WEBM', startedAt: 0 });
    expect(await staging.putChunk(id, 0, bytes(60), { maxBytes: 100 })).toEqual({ size: 60, stored: true });
    await expect(staging.putChunk(id, 1, bytes(50), { maxBytes: 100 })).rejects.toBeInstanceOf(RecordingTooLargeError);
    expect(await staging.putChunk(id, 1, bytes(30), { maxBytes: 100 })).toEqual({ size: 30, stored: true });
    // A staging of another process over the same directory starts from what is on disk.
    const other = createUploadStaging({ root });
    await expect(other.putChunk(id, 2, bytes(20), { maxBytes: 100 })).rejects.toBeInstanceOf(RecordingTooLargeError);
    expect(await other.putChunk(id, 2, bytes(10), { maxBytes: 100 })).toEqual({ size: 10, stored: true });
    expect([...(await staging.chunks(id)).entries()]).toEqual([[0, 60], [1, 30], [2, 10]]);
  });
});
