import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';

/**
 * Where recording files live. A key names one stored file: segments of letters, digits, `_`, `-` and
 * `.` (not leading), joined by `/`, e.g. `12/345/9f86d0….mp4`. The filesystem implementation is
 * {@link createFileRecordingStorage}; object storage could implement the same four calls.
 */
export interface RecordingStorage {
  /**
   * Stores everything `source` yields under `key` and answers its size in bytes. The file appears only
   * once complete: when `source` fails or yields more than `maxBytes` ({@link RecordingTooLargeError}),
   * nothing is kept. On failure `source` is destroyed.
   */
  put(key: string, source: Readable, options: { maxBytes: number }): Promise<{ size: number }>;
  /** The stored file's size, or undefined when there is none. */
  stat(key: string): Promise<{ size: number } | undefined>;
  /**
   * A local file holding the stored bytes, for serving (HTTP Range requests included); undefined when
   * there is none. An object store would answer a cached copy, or serving would redirect instead.
   */
  localFile(key: string): Promise<string | undefined>;
  /** Removes the stored file; a key with nothing stored is no error. */
  delete(key: string): Promise<void>;
}

/** The source yielded more than `maxBytes`; nothing was kept. */
export class RecordingTooLargeError extends Error {
  constructor(readonly maxBytes: number) {
    super(`recording larger than ${maxBytes} bytes`);
    this.name = 'RecordingTooLargeError';
  }
}

/**
 * Writes `source` to `file` through a temporary dot-name beside it (never a valid key, so never served or
 * listed), flushed, then renamed: the file is there whole or not at all. Answers the bytes written; more
 * than `maxBytes − already` is a {@link RecordingTooLargeError} and leaves nothing.
 */
export async function writeWhole(file: string, source: Readable, already: number, maxBytes: number): Promise<number> {
  const temp = path.join(path.dirname(file), `.${path.basename(file)}.${randomBytes(6).toString('hex')}.part`);
  let size = 0;
  const limit = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      size += chunk.length;
      callback(already + size > maxBytes ? new RecordingTooLargeError(maxBytes) : null, chunk);
    },
  });
  try {
    await pipeline(source, limit, fs.createWriteStream(temp, { flags: 'wx', flush: true }));
    await fs.promises.rename(temp, file);
  } catch (err) {
    await fs.promises.rm(temp, { force: true });
    throw err;
  }
  return size;
}

const KEY = /^[A-Za-z0-9_-][A-Za-z0-9._-]*(\/[A-Za-z0-9_-][A-Za-z0-9._-]*)*$/;

/**
 * Recording files under `root` (created when first needed), one file per key. A file is written to a
 * temporary name beside its final one, flushed, then renamed: readers never see a partial file.
 */
export function createFileRecordingStorage(options: { root: string }): RecordingStorage {
  const root = path.resolve(options.root);
  const fileOf = (key: string): string => {
    if (key.length > 500 || !KEY.test(key)) throw new Error(`invalid recording key "${key}"`);
    return path.join(root, ...key.split('/'));
  };
  const statOf = async (file: string) => {
    try {
      const stats = await fs.promises.stat(file);
      return stats.isFile() ? stats : undefined;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw err;
    }
  };

  return {
    async put(key, source, { maxBytes }) {
      const file = fileOf(key);
      await fs.promises.mkdir(path.dirname(file), { recursive: true });
      return { size: await writeWhole(file, source, 0, maxBytes) };
    },

    async stat(key) {
      const stats = await statOf(fileOf(key));
      return stats && { size: stats.size };
    },

    async localFile(key) {
      const file = fileOf(key);
      return (await statOf(file)) ? file : undefined;
    },

    async delete(key) {
      await fs.promises.rm(fileOf(key), { force: true });
    },
  };
}
