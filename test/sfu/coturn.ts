import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

/** Debian's coturn (`apt-get install coturn`). */
export const TURNSERVER = process.env.TURNSERVER_PATH ?? '/usr/bin/turnserver';

/** TURN tests run where coturn is installed, and always in CI (`.ci/run` installs it). */
export const haveCoturn = fs.existsSync(TURNSERVER) || Boolean(process.env.CI);
if (!haveCoturn) console.warn(`TURN tests skipped: no ${TURNSERVER} (apt-get install -y coturn)`);

export interface Coturn {
  /** `turn:127.0.0.1:<port>?transport=udp` */
  readonly url: string;
  /** The shared secret (`static-auth-secret`) the server mints credentials from. */
  readonly secret: string;
  /** Everything coturn logged so far. */
  log(): string;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/**
 * A coturn on loopback that accepts only credentials minted with its secret (the TURN REST convention,
 * `use-auth-secret`), relays to loopback peers (the tests' Janus and pages are on this machine), and
 * keeps its files in a directory of its own.
 */
export async function startCoturn(): Promise<Coturn> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'huiguan-coturn-'));
  const port = await freePort();
  const secret = randomBytes(16).toString('hex');
  const relayBase = 40_000 + Math.floor(Math.random() * 200) * 100;
  const logFile = path.join(dir, 'turn.log');
  const conf = [
    `listening-port=${port}`,
    'listening-ip=127.0.0.1',
    'relay-ip=127.0.0.1',
    `min-port=${relayBase}`,
    `max-port=${relayBase + 99}`,
    'use-auth-secret',
    `static-auth-secret=${secret}`,
    'realm=huiguan.test',
    'fingerprint',
    'allow-loopback-peers',
    'no-tls',
    'no-dtls',
    'no-cli',
    'no-multicast-peers',
    `userdb=${path.join(dir, 'turndb')}`,
    `pidfile=${path.join(dir, 'turn.pid')}`,
    `log-file=${logFile}`,
    'simple-log',
    'no-stdout-log',
    'verbose',
  ].join('\n');
  fs.writeFileSync(path.join(dir, 'turnserver.conf'), conf + '\n');
  const child: ChildProcess = spawn(TURNSERVER, ['-c', path.join(dir, 'turnserver.conf')], { stdio: 'ignore' });
  const log = () => (fs.existsSync(logFile) ? fs.readFileSync(logFile, 'utf8') : '');
  // Ready when it has bound its UDP listener; it logs nothing to stdout.
  const deadline = Date.now() + 15_000;
  while (!/UDP listener opened on: ?127\.0\.0\.1:/.test(log())) {
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`coturn did not start: ${log().slice(-2000)}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    url: `turn:127.0.0.1:${port}?transport=udp`,
    secret,
    log,
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
        await exited;
        clearTimeout(timer);
      }
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
