import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';

/**
 * Where recording files live. A key names one stored file: segments of letters, digits, `_`, `-` and
 * `.` (not leading), joined by `/`, e.g. `12/345/9f86d0….mp4`. The filesystem implementation is
 * {@link createFileRecordingStorage}; object storage could implement the same five calls.
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
  /**
   * Takes the file away from `key` at once (it is no longer served), to be removed by `purge` or put back by
   * `restore`; what a process killed in between leaves is removed as `removeStale` removes cut-off writes.
   */
  discard(key: string): Promise<{ restore(): Promise<void>; purge(): Promise<void> }>;
  /** Removes what writes cut off by a killed process left, untouched for `olderThanMs`. */
  removeStale(olderThanMs: number): Promise<void>;
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
 * listed; {@link removeStalePartials} removes those a killed process left), flushed, then renamed: the
 * file is there whole or not at all. Answers the bytes written. `admit(size)` is called with the running
 * size as bytes arrive and may refuse them by throwing (e.g. {@link RecordingTooLargeError}), which leaves
 * nothing. With `exclusive`, a file already at `file` is kept and this one dropped (`written: false`).
 */
export async function writeWhole(
  file: string,
  source: Readable,
  options: { admit: (size: number) => void | Promise<void>; exclusive?: boolean },
): Promise<{ size: number; written: boolean }> {
  const temp = path.join(path.dirname(file), `.${path.basename(file)}.${randomBytes(6).toString('hex')}${PARTIAL}`);
  let size = 0;
  const limit = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      size += chunk.length;
      Promise.resolve()
        .then(() => options.admit(size))
        .then(
          () => callback(null, chunk),
          (err: Error) => callback(err),
        );
    },
  });
  try {
    await pipeline(source, limit, fs.createWriteStream(temp, { flags: 'wx', flush: true }));
    if (!options.exclusive) {
      await fs.promises.rename(temp, file);
      return { size, written: true };
    }
    // A hard link never replaces an existing file: of two writers of one name, exactly one wins.
    try {
      await fs.promises.link(temp, file);
      return { size, written: true };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'EEXIST') return { size, written: false };
      throw err;
    } finally {
      await fs.promises.rm(temp, { force: true });
    }
  } catch (err) {
    await fs.promises.rm(temp, { force: true });
    throw err;
  }
}

/** The ending of {@link writeWhole}'s temporary files. */
const PARTIAL = '.part';

/**
 * Removes {@link writeWhole}'s temporary files under `root` (at any depth) not written to for `olderThanMs`:
 * those of a process killed while writing. A live write touches its file continually.
 */
export async function removeStalePartials(root: string, olderThanMs: number, now = Date.now()): Promise<void> {
  const names = await fs.promises.readdir(root, { recursive: true }).catch(() => [] as string[]);
  for (const name of names) {
    if (!path.basename(name).startsWith('.') || !name.endsWith(PARTIAL)) continue;
    const file = path.join(root, name);
    const stats = await fs.promises.lstat(file).catch(() => undefined);
    if (stats?.isFile() && now - stats.mtimeMs > olderThanMs) await fs.promises.rm(file, { force: true });
  }
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
      const admit = (size: number) => {
        if (size > maxBytes) throw new RecordingTooLargeError(maxBytes);
      };
      return { size: (await writeWhole(file, source, { admit })).size };
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

    async discard(key) {
      const file = fileOf(key);
      // A name of writeWhole's temporary files: never a key, so never served, and removed once stale.
      const trash = path.join(
        path.dirname(file),
        `.${path.basename(file)}.${randomBytes(6).toString('hex')}${PARTIAL}`,
      );
      const moved = await fs.promises.rename(file, trash).then(
        () => true,
        (err: NodeJS.ErrnoException) => {
          if (err.code === 'ENOENT') return false;
          throw err;
        },
      );
      return {
        restore: async () => {
          if (moved) await fs.promises.rename(trash, file);
        },
        purge: async () => {
          if (moved) await fs.promises.rm(trash, { force: true });
        },
      };
    },

    removeStale: (olderThanMs) => removeStalePartials(root, olderThanMs),
  };
}
