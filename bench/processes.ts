/** The processes a run drives: the server (`bin/huiguan serve`) and the two bare ceilings. */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

export interface Child {
  pid: number;
  url: string;
  /** The first `max` lines of the process's output matching `filter`. */
  lines(filter: RegExp, max: number): Promise<string[]>;
  /** Peak resident set (VmHWM), bytes; read it before `stop`. */
  peakRss(): number;
  stop(): Promise<void>;
}

/** Every process started and not yet exited, to be killed when the run is interrupted; their log directories. */
const running = new Set<ChildProcess>();
const logDirs = new Set<string>();

/** Kills (SIGKILL) every process this run started that still runs and removes their logs: for an interrupted run. */
export function killStarted(): void {
  for (const child of running) child.kill('SIGKILL');
  for (const dir of logDirs) fs.rmSync(dir, { recursive: true, force: true });
}

/**
 * Starts `command`; ready when its output matches `ready` (group 1: the URL). With `logFile`, the output
 * goes straight to that file (the server's request logs at `info` then cost the bench process nothing)
 * and is polled for the ready line; without, it is piped and kept in memory.
 */
function start(
  command: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  ready: RegExp,
  options: { cwd?: string; logFile?: string } = {},
): Promise<Child> {
  const { logFile } = options;
  const fd = logFile ? fs.openSync(logFile, 'w') : undefined;
  const child: ChildProcess = spawn(command, args, {
    cwd: options.cwd ?? root,
    env,
    stdio: fd === undefined ? ['ignore', 'pipe', 'pipe'] : ['ignore', fd, fd],
  });
  if (fd !== undefined) fs.closeSync(fd);
  running.add(child);
  let output = '';
  /** The output so far: the whole pipe, or the head of the log file. */
  const head = () => {
    if (!logFile) return output;
    const f = fs.openSync(logFile, 'r');
    try {
      const buffer = Buffer.alloc(64 * 1024);
      return buffer.subarray(0, fs.readSync(f, buffer, 0, buffer.length, 0)).toString();
    } finally {
      fs.closeSync(f);
    }
  };
  const exited = new Promise<void>((resolve) =>
    child.on('exit', () => {
      running.delete(child);
      resolve();
    }),
  );
  return new Promise((resolve, reject) => {
    let poll: NodeJS.Timeout | undefined;
    const timer = setTimeout(() => {
      clearInterval(poll);
      reject(new Error(`${args.join(' ')} did not start:\n${head()}`));
    }, 60_000);
    const check = () => {
      const m = ready.exec(head());
      if (!m) return;
      clearTimeout(timer);
      clearInterval(poll);
      resolve({
        pid: child.pid!,
        url: m[1]!,
        lines: async (filter, max) => {
          const found: string[] = [];
          if (!logFile)
            return output
              .split('\n')
              .filter((l) => filter.test(l))
              .slice(0, max);
          const reader = readline.createInterface({ input: fs.createReadStream(logFile), crlfDelay: Infinity });
          for await (const line of reader) {
            if (filter.test(line)) found.push(line.slice(0, 2000));
            if (found.length >= max) break;
          }
          reader.close();
          return found;
        },
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
    };
    if (logFile) poll = setInterval(check, 50);
    else {
      child.stdout!.on('data', (chunk: Buffer) => {
        output += chunk.toString();
        check();
      });
      child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    }
    void exited.then(() => {
      clearTimeout(timer);
      clearInterval(poll);
      reject(new Error(`${args.join(' ')} exited:\n${head()}`));
    });
  });
}

export interface ServerOptions {
  /** Node options, e.g. `--cpu-prof`. */
  nodeArgs?: string[];
  /** The checkout whose `bin/huiguan` (and `dist/`) runs: default this one. */
  checkout?: string;
  /** `LOG_LEVEL` of the server. Default `warn`. */
  logLevel?: string;
}

/**
 * `bin/huiguan serve` of `checkout` on a free loopback port, rate limits off, `LOG_LEVEL` as asked (warn by
 * default). Its output goes to a file in a temporary directory, removed when it stops.
 */
export async function startServer(env: Record<string, string>, options: ServerOptions = {}): Promise<Child> {
  const checkout = options.checkout ?? root;
  const full: NodeJS.ProcessEnv = {
    ...process.env,
    PORT: '0',
    HOST: '127.0.0.1',
    HUIGUAN_RATE_LIMIT: 'off',
    LOG_LEVEL: options.logLevel ?? 'warn',
    ...env,
  };
  if (!env.DATABASE_URL) delete full.DATABASE_URL;
  const logDir = fs.mkdtempSync(path.join(os.tmpdir(), 'huiguan-bench-log-'));
  logDirs.add(logDir);
  const removeLog = () => {
    fs.rmSync(logDir, { recursive: true, force: true });
    logDirs.delete(logDir);
  };
  try {
    const child = await start(
      process.execPath,
      [...(options.nodeArgs ?? []), path.join(checkout, 'bin/huiguan'), 'serve'],
      full,
      /huiguan listening on (http:\/\/\S+)/,
      { cwd: checkout, logFile: path.join(logDir, 'server.log') },
    );
    return {
      ...child,
      stop: async () => {
        await child.stop();
        removeLog();
      },
    };
  } catch (err) {
    removeLog();
    throw err;
  }
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
