import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import path from 'node:path';
import type { TestDatabase } from './helper.js';

export const bin = path.resolve('bin/huiguan');

// Servers still running when the test process ends (a test that failed before stopping its own) go with it.
const running = new Set<ChildProcessWithoutNullStreams>();
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

/** The environment for a CLI or server process on the test's database. */
export function processEnv(database: TestDatabase, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env = { ...process.env, ...database.env, ...extra };
  if (!database.env.DATABASE_URL) delete env.DATABASE_URL;
  return env;
}

export interface ServerProcess {
  child: ChildProcessWithoutNullStreams;
  url: string;
  output(): string;
  /** Waits until the output matches `pattern` (answers the match); fails if the server exits first. */
  waitForOutput(pattern: RegExp): Promise<RegExpExecArray>;
  exited: Promise<number | null>;
  stop(): Promise<number | null>;
}

/**
 * Starts `huiguan serve` on a free port of the loopback and waits until it says it listens, or fails as soon
 * as it exits. No clock of its own: on a busy machine a start may take long, and the test's timeout bounds it.
 */
export async function startServer(database: TestDatabase, extra: Record<string, string> = {}): Promise<ServerProcess> {
  const child = spawn(bin, ['serve'], {
    env: processEnv(database, { PORT: '0', LOG_LEVEL: 'info', ...extra }),
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  running.add(child);
  let output = '';
  const waiters = new Set<() => void>();
  const append = (chunk: Buffer) => {
    output += chunk.toString();
    for (const w of waiters) w();
  };
  child.stdout.on('data', append);
  child.stderr.on('data', append);
  let exitCode: number | null | undefined;
  const exited = new Promise<number | null>((resolve) =>
    child.on('exit', (code) => {
      running.delete(child);
      exitCode = code;
      resolve(code);
      for (const w of waiters) w();
    }),
  );
  const waitForOutput = (pattern: RegExp) =>
    new Promise<RegExpExecArray>((resolve, reject) => {
      const check = () => {
        const m = pattern.exec(output);
        if (m) resolve(m);
        else if (exitCode !== undefined)
          reject(new Error(`server exited (${exitCode}) before printing ${pattern}:\n${output}`));
        else return;
        waiters.delete(check);
      };
      waiters.add(check);
      check();
    });
  const url = (await waitForOutput(/huiguan listening on (http:\/\/[^"\s]+)/))[1]!;
  return {
    child,
    url,
    output: () => output,
    waitForOutput,
    exited,
    stop: async () => {
      child.kill('SIGTERM');
      return exited;
    },
  };
}

/** POSTs a form to the server and answers the JSON body. */
export async function postForm(
  url: string,
  params: Record<string, string>,
): Promise<{ status: number; message: string; [k: string]: unknown }> {
  const res = await fetch(url, { method: 'POST', body: new URLSearchParams(params) });
  return res.json() as Promise<{ status: number; message: string }>;
}
