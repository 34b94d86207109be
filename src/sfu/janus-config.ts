import fs from 'node:fs';
import path from 'node:path';
import type { TurnConfig } from '../config.js';
import { turnCredentials } from '../domain/turn.js';

/** What a managed Janus is started with. */
export interface JanusSetup {
  /** Directory the configuration is written to (and Janus's working files). */
  dir: string;
  /** WebSocket port on 127.0.0.1. */
  port: number;
  /** Janus API secret every request must carry. */
  apiSecret: string;
  /** VideoRoom admin_key (room creation, rtp_forward). */
  adminKey: string;
  /** UDP media range, `min-max`. */
  rtpPorts: string;
  /** Public addresses advertised besides the host's own (`nat_1_1_mapping`). Default none. */
  publicIps?: readonly string[];
  /** Janus's library directory (plugins/, transports/…). Default: found beside the binary. */
  libDir: string;
  /** TURN server Janus itself relays through (optional: Janus normally has a public address). */
  turn?: TurnConfig | undefined;
  /** Clock for the TURN credential's expiry, ms. */
  now?: number;
}

/** Every plugin Janus ships but the VideoRoom: fewer threads, less attack surface. */
const DISABLED_PLUGINS = [
  'audiobridge',
  'duktape',
  'echotest',
  'lua',
  'nosip',
  'recordplay',
  'sip',
  'streaming',
  'textroom',
  'videocall',
  'voicemail',
].map((name) => `libjanus_${name}.so`);

/** Every transport but the WebSocket one (the HTTP one would open a second, unneeded port). */
const DISABLED_TRANSPORTS = ['http', 'mqtt', 'nanomsg', 'pfunix', 'rabbitmq'].map((name) => `libjanus_${name}.so`);

/** How long the TURN credential written into Janus's configuration works: a managed Janus lives long. */
const JANUS_TURN_TTL_SECONDS = 365 * 86_400;

type Value = string | number | boolean;
type Section = Record<string, Value>;

/** One file in Janus's libconfig syntax. */
function jcfg(sections: Record<string, Section>): string {
  const value = (v: Value) =>
    typeof v === 'string' ? `"${v.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"` : String(v);
  return Object.entries(sections)
    .map(
      ([name, entries]) =>
        `${name}: {\n${Object.entries(entries)
          .map(([k, v]) => `\t${k} = ${value(v)}\n`)
          .join('')}}\n`,
    )
    .join('\n');
}

/**
 * The `nat` entries that let Janus relay through `turn`: the first turn:/turns: URL, with a credential
 * of the TURN REST scheme (username `expiry:janus`, password base64 HMAC-SHA1 of it under the secret)
 * that coturn's `use-auth-secret` accepts. Server side only: Janus's configuration file is private.
 */
export function janusTurnEntries(turn: TurnConfig, now: number): Section {
  const url = turn.urls.find((u) => /^turns?:/.test(u));
  if (!url) return {};
  const match = /^(turns?):([^?:]+|\[[^\]]+\])(?::(\d+))?(?:\?transport=(udp|tcp))?$/i.exec(url);
  if (!match) return {};
  const [, scheme, host, port, transport] = match;
  const tls = scheme!.toLowerCase() === 'turns';
  const { username, credential } = turnCredentials({ ...turn, ttlSeconds: JANUS_TURN_TTL_SECONDS }, 'janus', now);
  return {
    turn_server: host!.replace(/^\[|\]$/g, ''),
    turn_port: Number(port ?? (tls ? 5349 : 3478)),
    turn_type: tls ? 'tls' : (transport ?? 'udp').toLowerCase(),
    turn_user: username,
    turn_pwd: credential,
  };
}

/**
 * Janus's library directory for `janusBin`: `<prefix>/lib/janus` or Debian's multiarch
 * `/usr/lib/<triplet>/janus`, whichever holds `plugins/libjanus_videoroom.so`.
 */
export function findJanusLibDir(janusBin: string): string | undefined {
  const prefixes = new Set<string>();
  const resolved = resolveBinary(janusBin);
  if (resolved) prefixes.add(path.resolve(path.dirname(fs.realpathSync(resolved)), '..'));
  prefixes.add('/usr');
  prefixes.add('/usr/local');
  prefixes.add('/opt/janus');
  const triplet = { x64: 'x86_64-linux-gnu', arm64: 'aarch64-linux-gnu' }[process.arch as string];
  for (const prefix of prefixes) {
    for (const candidate of [
      ...(triplet ? [path.join(prefix, 'lib', triplet, 'janus')] : []),
      path.join(prefix, 'lib', 'janus'),
      path.join(prefix, 'lib64', 'janus'),
    ]) {
      if (fs.existsSync(path.join(candidate, 'plugins', 'libjanus_videoroom.so'))) return candidate;
    }
  }
  return undefined;
}

/** `name` as a path: itself when it has a slash, else the first match on PATH. */
export function resolveBinary(name: string): string | undefined {
  if (name.includes('/')) return fs.existsSync(name) ? name : undefined;
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    if (!dir) continue;
    const candidate = path.join(dir, name);
    try {
      fs.accessSync(candidate, fs.constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}

/**
 * Writes Janus's configuration into `setup.dir` (mode 0600: it holds the API secret and admin key) and
 * returns the path of `janus.jcfg`. Only the VideoRoom plugin and the WebSocket transport (127.0.0.1,
 * no admin API) are loaded; rtp_forward needs the admin key (`lock_rtp_forward`), so a page that somehow
 * reached Janus could not send media elsewhere.
 */
export function writeJanusConfig(setup: JanusSetup): string {
  fs.mkdirSync(setup.dir, { recursive: true, mode: 0o700 });
  const lib = setup.libDir;
  const files: Record<string, Record<string, Section>> = {
    'janus.jcfg': {
      general: {
        configs_folder: setup.dir,
        plugins_folder: path.join(lib, 'plugins'),
        transports_folder: path.join(lib, 'transports'),
        events_folder: path.join(lib, 'events'),
        loggers_folder: path.join(lib, 'loggers'),
        api_secret: setup.apiSecret,
        session_timeout: 60,
        server_name: 'huiguan',
      },
      media: { rtp_port_range: setup.rtpPorts },
      nat: {
        nice_debug: false,
        // Behind NAT: the public address in the candidates, the private ones kept (LAN and loopback peers).
        ...(setup.publicIps?.length ? { nat_1_1_mapping: setup.publicIps.join(','), keep_private_host: true } : {}),
        ...(setup.turn ? janusTurnEntries(setup.turn, setup.now ?? Date.now()) : {}),
      },
      plugins: { disable: DISABLED_PLUGINS.join(',') },
      transports: { disable: DISABLED_TRANSPORTS.join(',') },
      loggers: { disable: 'libjanus_jsonlog.so' },
      events: { broadcast: false },
    },
    'janus.plugin.videoroom.jcfg': {
      general: { admin_key: setup.adminKey, lock_rtp_forward: true },
    },
    'janus.transport.websockets.jcfg': {
      general: { json: 'compact', ws: true, ws_port: setup.port, ws_ip: '127.0.0.1', wss: false },
      admin: { admin_ws: false, admin_wss: false },
    },
  };
  for (const [name, sections] of Object.entries(files)) {
    const file = path.join(setup.dir, name);
    fs.writeFileSync(file, jcfg(sections), { mode: 0o600 });
    fs.chmodSync(file, 0o600);
  }
  return path.join(setup.dir, 'janus.jcfg');
}
