import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import path from 'node:path';
import { createInterface } from 'node:readline';
import type { TurnConfig } from '../config.js';
import { findJanusLibDir, writeJanusConfig } from './janus-config.js';

/** The part of a pino logger the SFU modules write to. */
export interface SfuLog {
  debug(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

/** A logger that drops everything (tests, tools). */
export const silentLog: SfuLog = { debug() {}, info() {}, warn() {}, error() {} };

export interface ManagedJanusOptions {
  /** Directory for the generated configuration, e.g. `<dataDir>/janus`. */
  dir: string;
  /** The janus binary. Default `janus`. */
  janusBin?: string;
  /** UDP media range. Default `20000-40000`. */
  rtpPorts?: string;
  /** TURN server Janus relays through. Default none. */
  turn?: TurnConfig | undefined;
  /** Public addresses Janus advertises besides its own (behind NAT). Default none. */
  publicIps?: readonly string[];
  /** Janus's output goes here at debug (its errors at warn). Default: dropped. */
  log?: SfuLog;
  /** Longest a start may take until the WebSocket answers, ms. Default 30000. */
  readyTimeoutMs?: number;
}

/** Pause before the n-th restart in a row: at once, then 0.5 s doubling to 30 s; a Janus up for a minute resets it. */
const RESTART_DELAYS_MS = [0, 500, 1000, 2000, 4000, 8000, 15_000, 30_000];
const STABLE_MS = 60_000;
const STOP_GRACE_MS = 5000;
const PID_FILE = 'janus.pid';

/**
 * A Janus the server runs as its child: configuration written into `dir` (fresh 128-bit API secret and
 * VideoRoom admin key per ManagedJanus), WebSocket on 127.0.0.1, restarted with backoff when it dies
 * (on the same port when it is still free, so the URL usually stays), stopped on {@link close}.
 * For one server process: several processes on one database share external instances instead.
 */
export class ManagedJanus {
  readonly apiSecret = randomBytes(16).toString('hex');
  readonly adminKey = randomBytes(16).toString('hex');
  private port = 0;
  private child: ChildProcess | undefined;
  private closed = false;
  private failures = 0;
  private restartTimer: NodeJS.Timeout | undefined;
  private readonly restartListeners = new Set<() => void>();
  private readonly options: Required<Omit<ManagedJanusOptions, 'turn'>> & { turn: TurnConfig | undefined };
  private readonly libDir: string;

  private constructor(options: ManagedJanusOptions) {
    this.options = {
      dir: path.resolve(options.dir),
      janusBin: options.janusBin ?? 'janus',
      rtpPorts: options.rtpPorts ?? '20000-40000',
      publicIps: options.publicIps ?? [],
      turn: options.turn,
      log: options.log ?? silentLog,
      readyTimeoutMs: options.readyTimeoutMs ?? 30_000,
    };
    const libDir = findJanusLibDir(this.options.janusBin);
    if (!libDir) {
      throw new Error(`no Janus plugins found for ${this.options.janusBin} (is janus installed? HUIGUAN_JANUS_BIN)`);
    }
    this.libDir = libDir;
  }

  /** Writes the configuration, starts Janus and resolves once its WebSocket answers. */
  static async start(options: ManagedJanusOptions): Promise<ManagedJanus> {
    const janus = new ManagedJanus(options);
    stopLeftover(janus.options.dir);
    try {
      await janus.launch();
    } catch (err) {
      await janus.close();
      throw err;
    }
    return janus;
  }

  /** The WebSocket URL of the Janus API (changes only when a restart found the old port taken). */
  get url(): string {
    return `ws://127.0.0.1:${this.port}`;
  }

  /** The running janus process's id (tests kill it), undefined between a death and the restart. */
  get pid(): number | undefined {
    return this.child?.exitCode === null ? this.child.pid : undefined;
  }

  /** Calls `listener` each time a restarted Janus answers again; returns the unsubscribe function. */
  onRestart(listener: () => void): () => void {
    this.restartListeners.add(listener);
    return () => this.restartListeners.delete(listener);
  }

  /** Stops Janus (SIGTERM, SIGKILL after 5 s) and no longer restarts it. */
  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.restartTimer);
    const child = this.child;
    if (child) await stopChild(child);
    fs.rmSync(path.join(this.options.dir, PID_FILE), { force: true });
  }

  private async launch(): Promise<void> {
    this.port = (await portFree(this.port)) ? this.port || (await freePort()) : await freePort();
    const config = writeJanusConfig({
      dir: this.options.dir,
      port: this.port,
      apiSecret: this.apiSecret,
      adminKey: this.adminKey,
      rtpPorts: this.options.rtpPorts,
      publicIps: this.options.publicIps,
      libDir: this.libDir,
      turn: this.options.turn,
    });
    const log = this.options.log;
    const child = spawn(this.options.janusBin, ['-F', this.options.dir, '-C', config, '--disable-colors'], {
      cwd: this.options.dir,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    const exited = new Promise<string>((resolve) => {
      child.once('error', (err) => resolve(err.message));
      child.once('exit', (code, signal) => resolve(signal ? `signal ${signal}` : `exit code ${code}`));
    });
    const lastLines: string[] = [];
    for (const stream of [child.stdout, child.stderr]) {
      createInterface({ input: stream! }).on('line', (line) => {
        if (line.trim() === '') return;
        lastLines.push(line);
        if (lastLines.length > 5) lastLines.shift();
        if (/^\s*\[ERR\]/.test(line)) log.warn({ janus: line }, 'janus');
        else log.debug({ janus: line }, 'janus');
      });
    }
    if (child.pid) fs.writeFileSync(path.join(this.options.dir, PID_FILE), `${child.pid}\n`);
    const startedAt = Date.now();
    void exited.then((why) => this.died(child, why, startedAt));
    const probing = { stop: false };
    const ready = await Promise.race([
      answers(this.port, this.options.readyTimeoutMs, probing).then((ok) => (ok ? undefined : 'no answer in time')),
      exited.then((why) => `it ended (${why})`),
    ]);
    probing.stop = true;
    if (ready !== undefined) {
      this.child = undefined;
      await stopChild(child);
      throw new Error(`janus did not start: ${ready}; its last words: ${lastLines.join(' | ')}`);
    }
    log.info({ url: this.url, pid: child.pid }, 'janus started');
  }

  private died(child: ChildProcess, why: string, startedAt: number): void {
    if (this.closed || child !== this.child) return;
    this.child = undefined;
    this.scheduleRestart(why, Date.now() - startedAt > STABLE_MS);
  }

  private scheduleRestart(why: string, wasStable: boolean): void {
    this.failures = wasStable ? 1 : this.failures + 1;
    const delay = RESTART_DELAYS_MS[Math.min(this.failures, RESTART_DELAYS_MS.length) - 1]!;
    this.options.log.warn({ why, restartInMs: delay }, 'janus ended; restarting');
    this.restartTimer = setTimeout(() => {
      if (this.closed) return;
      this.launch().then(
        () => {
          for (const listener of this.restartListeners) listener();
        },
        (err: unknown) => {
          if (!this.closed) this.scheduleRestart((err as Error).message, false);
        },
      );
    }, delay);
  }
}

/** Resolves once Janus's WebSocket transport upgrades a connection, false after `timeoutMs` or when told to stop. */
async function answers(port: number, timeoutMs: number, probing: { stop: boolean }): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline && !probing.stop) {
    if (await upgrades(port)) return true;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return false;
}

function upgrades(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const request = http.get({
      host: '127.0.0.1',
      port,
      timeout: 2000,
      headers: {
        connection: 'Upgrade',
        upgrade: 'websocket',
        'sec-websocket-version': '13',
        'sec-websocket-key': randomBytes(16).toString('base64'),
        'sec-websocket-protocol': 'janus-protocol',
      },
    });
    request.once('upgrade', (_response, socket) => {
      socket.destroy();
      resolve(true);
    });
    request.once('response', (response) => {
      response.resume();
      resolve(false);
    });
    request.once('timeout', () => request.destroy());
    request.once('error', () => resolve(false));
  });
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null || !child.pid) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

/** True when nothing listens on 127.0.0.1:`port` (0: no port chosen yet, which counts as free). */
function portFree(port: number): Promise<boolean> {
  if (port === 0) return Promise.resolve(true);
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/**
 * A janus left running by a server that crashed would hold its port and rooms: stopped, when the pid
 * file's process is still a janus started with this directory's configuration.
 */
function stopLeftover(dir: string): void {
  const file = path.join(dir, PID_FILE);
  let pid: number;
  try {
    pid = Number(fs.readFileSync(file, 'utf8').trim());
  } catch {
    return;
  }
  try {
    const cmdline = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
    if (cmdline.includes(path.join(dir, 'janus.jcfg'))) process.kill(pid, 'SIGKILL');
  } catch {
    // gone already, or not a Linux /proc: nothing to stop
  }
  fs.rmSync(file, { force: true });
}
