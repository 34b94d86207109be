import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';

// The worker's whole program. It is CommonJS (an eval'd worker), so it requires better-sqlite3.
const PROGRAM = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.module);
const db = new Database(workerData.file, { timeout: 1000 });
const timer = setInterval(() => {
  try {
    db.pragma('wal_checkpoint(PASSIVE)');
  } catch (err) {
    parentPort.postMessage(String(err && err.message || err));
  }
}, workerData.everyMs);
parentPort.on('message', () => {
  clearInterval(timer);
  db.close();
  parentPort.close();
});
`;

/** A running background checkpointer; `stop` ends it and closes its connection. */
export interface Checkpointer {
  stop(): Promise<void>;
}

/**
 * Copies the SQLite write-ahead log back into the database file from a worker thread with its own
 * connection, every `everyMs` (default 1000). A `PASSIVE` checkpoint waits for no reader or writer.
 * Without it, the connection that commits when the log passes `wal_autocheckpoint` pages does the
 * copy and its `fsync` itself, on the server's only thread, in the middle of a request: the longest
 * pauses seen under load. The server's connection keeps a high `wal_autocheckpoint` as a backstop.
 */
export function startCheckpointer(options: {
  file: string;
  everyMs?: number;
  onError?: (message: string) => void;
}): Checkpointer {
  const worker = new Worker(PROGRAM, {
    eval: true,
    // It only calls one pragma: a small heap keeps the server's resident memory where it was.
    resourceLimits: { maxOldGenerationSizeMb: 8, maxYoungGenerationSizeMb: 1 },
    workerData: {
      file: options.file,
      everyMs: options.everyMs ?? 1000,
      module: fileURLToPath(import.meta.resolve('better-sqlite3')),
    },
  });
  worker.on('message', (message: string) => options.onError?.(message));
  worker.on('error', (err) => options.onError?.(String(err)));
  worker.unref();
  return {
    stop: () =>
      new Promise<void>((resolve) => {
        worker.once('exit', () => resolve());
        worker.postMessage('stop');
      }),
  };
}
