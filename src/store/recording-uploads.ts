import fs from 'node:fs';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { removeStalePartials, writeWhole } from './recording-storage.js';

/**
 * The chunks of the page's recordings while they are being made (the page's recorder), kept until the
 * upload is finished: one directory per upload holding one file per chunk index. Each chunk is written to
 * a temporary name, flushed and linked into place, so a chunk is there whole or not at all, and of two
 * writers of one index exactly one stores it. What each upload is, and the bytes reserved for it, are rows
 * of `recording_uploads` (recording-uploads.repository.ts). Several server processes must share `root`,
 * as they share the recordings.
 */
export interface UploadStaging {
  /**
   * Stores chunk `index` unless it is there already (`stored: false`, the first kept). `admit(size)` is
   * called with the running size as bytes arrive and refuses them by throwing; then nothing is kept.
   */
  putChunk(
    uploadId: string,
    index: number,
    source: Readable,
    admit: (size: number) => void | Promise<void>,
  ): Promise<{ size: number; stored: boolean }>;
  /** The size of chunk `index`, or undefined when it is not stored. */
  chunkSize(uploadId: string, index: number): Promise<number | undefined>;
  /** Sizes of the stored chunks by index. */
  chunks(uploadId: string): Promise<Map<number, number>>;
  /** Chunks 0 … count−1, one after the other. */
  read(uploadId: string, count: number): AsyncIterable<Buffer>;
  /** Deletes everything staged for the upload. */
  discard(uploadId: string): Promise<void>;
  /**
   * Removes what is staged for uploads that `wanted` does not name, once untouched for `olderThanMs`, and
   * in the others the partial chunks untouched as long (a process killed while writing one).
   */
  removeStale(wanted: (uploadIds: string[]) => Promise<Set<string>>, olderThanMs: number): Promise<void>;
}

const ID = /^[0-9a-f]{32}$/;
const chunkName = (index: number) => `${String(index).padStart(6, '0')}.chunk`;

/** Uploads in progress as files under `root` (created when first needed). */
export function createUploadStaging(options: { root: string }): UploadStaging {
  const root = path.resolve(options.root);
  const dirOf = (uploadId: string) => {
    if (!ID.test(uploadId)) throw new Error(`invalid upload id "${uploadId}"`);
    return path.join(root, uploadId);
  };
  const chunkFile = (uploadId: string, index: number) => path.join(dirOf(uploadId), chunkName(index));

  return {
    async putChunk(uploadId, index, source, admit) {
      await fs.promises.mkdir(dirOf(uploadId), { recursive: true });
      const { size, written } = await writeWhole(chunkFile(uploadId, index), source, { admit, exclusive: true });
      return { size, stored: written };
    },

    async chunkSize(uploadId, index) {
      return (await fs.promises.stat(chunkFile(uploadId, index)).catch(() => undefined))?.size;
    },

    async chunks(uploadId) {
      const names = await fs.promises.readdir(dirOf(uploadId)).catch(() => [] as string[]);
      const sizes = new Map<number, number>();
      for (const name of names) {
        const match = /^(\d{6})\.chunk$/.exec(name);
        if (match) sizes.set(Number(match[1]), (await fs.promises.stat(path.join(dirOf(uploadId), name))).size);
      }
      return sizes;
    },

    read(uploadId, count) {
      return (async function* () {
        for (let i = 0; i < count; i++) {
          for await (const chunk of fs.createReadStream(chunkFile(uploadId, i))) yield chunk as Buffer;
        }
      })();
    },

    async discard(uploadId) {
      await fs.promises.rm(dirOf(uploadId), { recursive: true, force: true });
    },

    async removeStale(wanted, olderThanMs) {
      const staged = (await fs.promises.readdir(root).catch(() => [] as string[])).filter((name) => ID.test(name));
      const keep = await wanted(staged);
      for (const uploadId of staged) {
        if (keep.has(uploadId)) {
          await removeStalePartials(dirOf(uploadId), olderThanMs);
          continue;
        }
        const stats = await fs.promises.stat(dirOf(uploadId)).catch(() => undefined);
        if (stats && Date.now() - stats.mtimeMs > olderThanMs)
          await fs.promises.rm(dirOf(uploadId), { recursive: true, force: true });
      }
    },
  };
}
