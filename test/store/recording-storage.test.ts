import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  createFileRecordingStorage,
  RecordingTooLargeError,
  type RecordingStorage,
} from '../../src/store/recording-storage.js';

let root: string;
let storage: RecordingStorage;
beforeEach(() => {
  root = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'huiguan-storage-')), 'recordings');
  storage = createFileRecordingStorage({ root });
});
afterEach(() => fs.rmSync(path.dirname(root), { recursive: true, force: true }));

const chunks = (...parts: string[]) => Readable.from(parts.map((p) => Buffer.from(p)));
const everything = (dir: string): string[] =>
  fs.existsSync(dir)
    ? fs
        .readdirSync(dir, { withFileTypes: true })
        .flatMap((e) => (e.isDirectory() ? everything(path.join(dir, e.name)) : [e.name]))
    : [];

describe('file recording storage', () => {
  it('stores a stream under its key, creating directories, and answers its size', async () => {
    expect(fs.existsSync(root)).toBe(false);
    expect(await storage.put('1/2/a.mp4', chunks('hello ', 'world'), { maxBytes: 100 })).toEqual({ size: 11 });
    expect(await storage.stat('1/2/a.mp4')).toEqual({ size: 11 });
    const file = await storage.localFile('1/2/a.mp4');
    expect(file).toBe(path.join(root, '1', '2', 'a.mp4'));
    expect(fs.readFileSync(file!, 'utf8')).toBe('hello world');
    expect(everything(root)).toEqual(['a.mp4']);
  });

  it('keeps nothing of a stream over the limit', async () => {
    await expect(storage.put('1/b.mp4', chunks('12345', '67890', 'x'), { maxBytes: 10 })).rejects.toBeInstanceOf(
      RecordingTooLargeError,
    );
    expect(await storage.stat('1/b.mp4')).toBeUndefined();
    expect(everything(root)).toEqual([]);
    expect(await storage.put('1/b.mp4', chunks('12345', '67890'), { maxBytes: 10 })).toEqual({ size: 10 });
  });

  it('keeps nothing of a stream that fails', async () => {
    const failing = new Readable({
      read() {
        this.push(Buffer.from('partial'));
        this.destroy(new Error('connection lost'));
      },
    });
    await expect(storage.put('1/c.m4a', failing, { maxBytes: 100 })).rejects.toThrow('connection lost');
    expect(everything(root)).toEqual([]);
  });

  it('answers nothing for a missing key and deletes idempotently', async () => {
    expect(await storage.stat('9/none.mp4')).toBeUndefined();
    expect(await storage.localFile('9/none.mp4')).toBeUndefined();
    await storage.put('9/d.mp4', chunks('x'), { maxBytes: 10 });
    await storage.delete('9/d.mp4');
    await storage.delete('9/d.mp4');
    expect(await storage.stat('9/d.mp4')).toBeUndefined();
  });

  it('refuses keys that could leave its directory or name a hidden file', async () => {
    for (const key of ['../x.mp4', '1/../../x.mp4', '/etc/passwd', '1/.hidden', '', '1//x.mp4', 'a\\b.mp4']) {
      await expect(storage.stat(key), key).rejects.toThrow('invalid recording key');
    }
  });
});
