/** The processes a run drives: the server (`bin/huiguan serve`) and the two bare ceilings. */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

export interface Child {
  pid: number;
  url: string;
  output(): string;
  /** Peak resident set (VmHWM), bytes; read it before `stop`. */
  peakRss(): number;
  stop(): Promise<void>;
}

function start(command: string, args: string[], env: NodeJS.ProcessEnv, ready: RegExp): Promise<Child> {
  const child: ChildProcess = spawn(command, args, { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${args.join(' ')} did not start:\n${output}`)), 60_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const m = ready.exec(output);
      if (m) {
        clearTimeout(timer);
        resolve({
          pid: child.pid!,
          url: m[1]!,
          output: () => output,
          peakRss: () => {
            const status = fs.readFileSync(`/proc/${child.pid}/status`, 'utf8');
            return Number(/VmHWM:\s+(\d+) kB/.exec(status)?.[1] ?? 0) * 1024;
          },
          stop: async () => {
            child.kill('SIGTERM');
            const killer = setTimeout(() => child.kill('SIGKILL'), 10_000);
            await exited;
            clearTimeout(killer);
          },
        });
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    void exited.then(() => reject(new Error(`${args.join(' ')} exited:\n${output}`)));
  });
}

/** `bin/huiguan serve` on a free loopback port, rate limits off, warnings only. */
export function startServer(env: Record<string, string>, nodeArgs: string[] = []): Promise<Child> {
  const full: NodeJS.ProcessEnv = {
    ...process.env,
    PORT: '0',
    HOST: '127.0.0.1',
    HUIGUAN_RATE_LIMIT: 'off',
    LOG_LEVEL: 'warn',
    ...env,
  };
  if (!env.DATABASE_URL) delete full.DATABASE_URL;
  return start(
    process.execPath,
    [...nodeArgs, path.join(root, 'bin/huiguan'), 'serve'],
    full,
    /huiguan listening on (http:\/\/\S+)/,
  );
}

/** One of the ceilings (`bare-fastify.ts`, `bare-http.ts`), answering `bytes` of fixed JSON. */
export function startBare(file: 'bare-fastify.ts' | 'bare-http.ts', bytes: number): Promise<Child> {
  return start(
    process.execPath,
    ['--import', 'tsx', path.join(root, 'bench', file)],
    { ...process.env, BARE_BYTES: String(bytes) },
    /listening on (http:\/\/\S+)/,
  );
}
