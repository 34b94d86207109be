import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import path from 'node:path';
import type { TestDatabase } from './helper.js';

export const bin = path.resolve('bin/huiguan');

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
  exited: Promise<number | null>;
  stop(): Promise<number | null>;
}

/** Starts `huiguan serve` on a free port of the loopback and waits until it listens. */
export async function startServer(database: TestDatabase, extra: Record<string, string> = {}): Promise<ServerProcess> {
  const child = spawn(bin, ['serve'], { env: processEnv(database, { PORT: '0', LOG_LEVEL: 'info', ...extra }), stdio: ['pipe', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start:\n${output}`)), 30_000);
    const check = () => {
      const m = /huiguan listening on (http:\/\/[^"\s]+)/.exec(output);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    };
    child.stdout.on('data', check);
    void exited.then(() => reject(new Error(`server exited:\n${output}`)));
  });
  return {
    child,
    url,
    output: () => output,
    exited,
    stop: async () => {
      child.kill('SIGTERM');
      return exited;
    },
  };
}

/** POSTs a form to the server and answers the JSON body. */
export async function postForm(url: string, params: Record<string, string>): Promise<{ status: number; message: string; [k: string]: unknown }> {
  const res = await fetch(url, { method: 'POST', body: new URLSearchParams(params) });
  return res.json() as Promise<{ status: number; message: string }>;
}
