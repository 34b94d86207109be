import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { writeWhole } from './recording-storage.js';

/** What an upload in progress is for; kept beside its chunks. */
export interface UploadMeta {
  siteId: number;
  meetingId: number;
  /** The page ticket that began it: only that page may add to it or finish it. */
  ticket: string;
  fileType: 'MP4' | 'WEBM';
  /** Epoch ms the upload began (the recording's start). */
  startedAt: number;
  /** Set once finished, so that finishing again answers the same recording. */
  finished?: { recordId: number; fileSize: number };
}

/**
 * Recordings arriving in chunks while they are being made (the page's recorder), kept until finished:
 * one directory per upload holding `meta.json` and one file per chunk index. Each chunk is written to a
 * temporary name, flushed and renamed, so a chunk is there whole or not at all, and sending an index
 * again changes nothing. Several server processes must share `root`, as they share the recordings.
 */
export interface UploadStaging {
  /** Begins an upload; answers its id (128 random bits, hex). */
  create(meta: Omit<UploadMeta, 'finished'>): Promise<string>;
  meta(uploadId: string): Promise<UploadMeta | undefined>;
  /**
   * Stores chunk `index` unless it is there already (`stored: false`). The upload's chunks together may
   * not pass `maxBytes` (`RecordingTooLargeError`, nothing kept).
   */
  putChunk(uploadId: string, index: number, source: Readable, options: { maxBytes: number }): Promise<{ size: number; stored: boolean }>;
  /** Sizes of the stored chunks by index. */
  chunks(uploadId: string): Promise<Map<number, number>>;
  /** Chunks 0 … count−1, one after the other. */
  read(uploadId: string, count: number): AsyncIterable<Buffer>;
  markFinished(uploadId: string, finished: NonNullable<UploadMeta['finished']>): Promise<void>;
  /** Deletes the chunks, keeping only the metadata of a finished upload (for a repeated finish). */
  discardChunks(uploadId: string): Promise<void>;
  /** Removes uploads untouched for `olderThanMs` (abandoned recordings). */
  prune(olderThanMs: number, now: number): Promise<void>;
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
  const metaFile = (uploadId: string) => path.join(dirOf(uploadId), 'meta.json');
  const writeMeta = async (uploadId: string, meta: UploadMeta) => {
    const temp = `${metaFile(uploadId)}.${randomBytes(6).toString('hex')}.part`;
    await fs.promises.writeFile(temp, JSON.stringify(meta), { flush: true });
    await fs.promises.rename(temp, metaFile(uploadId));
  };

  // Bytes stored per upload, so that a chunk's size check does not stat every chunk before it (a chunk a
  // second: thousands in a long meeting). Filled from the directory once per upload and process; the
  // file storage enforces the limit exactly again when the upload finishes.
  const stored = new Map<string, number>();

  const staging: UploadStaging = {
    async create(meta) {
      const uploadId = randomBytes(16).toString('hex');
      await fs.promises.mkdir(dirOf(uploadId), { recursive: true });
      await writeMeta(uploadId, meta);
      return uploadId;
    },

    async meta(uploadId) {
      if (!ID.test(uploadId)) return undefined;
      try {
        return JSON.parse(await fs.promises.readFile(metaFile(uploadId), 'utf8')) as UploadMeta;
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
        throw err;
      }
    },

    async putChunk(uploadId, index, source, { maxBytes }) {
      const file = path.join(dirOf(uploadId), chunkName(index));
      const existing = await fs.promises.stat(file).catch(() => undefined);
      if (existing) {
        source.resume();
        return { size: existing.size, stored: false };
      }
      if (!stored.has(uploadId)) {
        const scanned = [...(await staging.chunks(uploadId)).values()].reduce((a, b) => a + b, 0);
        if (!stored.has(uploadId)) stored.set(uploadId, scanned);
      }
      const size = await writeWhole(file, source, stored.get(uploadId)!, maxBytes);
      stored.set(uploadId, (stored.get(uploadId) ?? 0) + size);
      return { size, stored: true };
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
      const dir = dirOf(uploadId);
      return (async function* () {
        for (let i = 0; i < count; i++) {
          for await (const chunk of fs.createReadStream(path.join(dir, chunkName(i)))) yield chunk as Buffer;
        }
      })();
    },

    async markFinished(uploadId, finished) {
      const meta = await staging.meta(uploadId);
      if (meta) await writeMeta(uploadId, { ...meta, finished });
    },

    async discardChunks(uploadId) {
      stored.delete(uploadId);
      for (const index of (await staging.chunks(uploadId)).keys()) await fs.promises.rm(path.join(dirOf(uploadId), chunkName(index)), { force: true });
    },

    async prune(olderThanMs, now) {
      const names = await fs.promises.readdir(root).catch(() => [] as string[]);
      for (const name of names.filter((n) => ID.test(n))) {
        const stats = await fs.promises.stat(path.join(root, name)).catch(() => undefined);
        if (stats && now - stats.mtimeMs > olderThanMs) {
          stored.delete(name);
          await fs.promises.rm(path.join(root, name), { recursive: true, force: true });
        }
      }
    },
  };
  return staging;
}
