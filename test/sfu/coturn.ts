import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';

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
 * This machine's own (non-loopback) IPv4 address, where Janus's candidates are (libnice leaves loopback
 * out), else loopback.
 */
export function machineAddress(): string {
  const external = Object.values(os.networkInterfaces())
    .flat()
    .find((a) => a && a.family === 'IPv4' && !a.internal);
  return external?.address ?? '127.0.0.1';
}

/**
 * A coturn listening on loopback that accepts only credentials minted with its secret (the TURN REST
 * convention, `use-auth-secret`), relays from this machine's address to peers on this machine (the tests'
 * Janus and pages), loopback included, and keeps its files in a directory of its own.
 */
export async function startCoturn(relayIp = '127.0.0.1'): Promise<Coturn> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'huiguan-coturn-'));
  const port = await freePort();
  const secret = randomBytes(16).toString('hex');
  const relayBase = 40_000 + Math.floor(Math.random() * 200) * 100;
  const logFile = path.join(dir, 'turn.log');
  const conf = [
    `listening-port=${port}`,
    'listening-ip=127.0.0.1',
    `relay-ip=${relayIp}`,
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

/** Every RTCPeerConnection the page makes is relay-only, and kept for the test to read its stats. */
export const RELAY_ONLY = `(() => {
  const Native = window.RTCPeerConnection;
  window.__pcs = [];
  window.RTCPeerConnection = function (config) {
    const pc = new Native({ ...(config || {}), iceTransportPolicy: 'relay' });
    window.__pcs.push(pc);
    return pc;
  };
  window.RTCPeerConnection.prototype = Native.prototype;
})();`;

/** The candidate types of the page's connected candidate pairs (local/remote). */
export function selectedPairs(page: Page): Promise<string[]> {
  return page.evaluate(async () => {
    const pcs = (globalThis as unknown as { __pcs: { getStats(): Promise<Map<string, Record<string, unknown>>> }[] })
      .__pcs;
    const types: string[] = [];
    for (const pc of pcs) {
      const stats = await pc.getStats();
      const byId = new Map<string, Record<string, unknown>>();
      stats.forEach((s: Record<string, unknown>) => byId.set(s.id as string, s));
      stats.forEach((s: Record<string, unknown>) => {
        if (s.type === 'candidate-pair' && s.state === 'succeeded' && s.nominated) {
          const local = byId.get(s.localCandidateId as string);
          const remote = byId.get(s.remoteCandidateId as string);
          types.push(`${local?.candidateType}/${remote?.candidateType}`);
        }
      });
    }
    return types;
  });
}
