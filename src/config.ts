import net from 'node:net';
import path from 'node:path';
import { networkList } from './domain/webhook-targets.js';

/** Everything the server reads from its environment, parsed once. */
export interface Config {
  /** TCP port to listen on. Default 8080 (`PORT`). */
  readonly port: number;
  /** Interface to bind. Default 127.0.0.1 (`HOST`). */
  readonly host: string;
  /** Directory for the embedded SQLite database and other files. Default `./data` (`HUIGUAN_DATA_DIR`). */
  readonly dataDir: string;
  /** PostgreSQL connection string; when set, PostgreSQL is used instead of SQLite (`DATABASE_URL`). */
  readonly databaseUrl: string | undefined;
  /** Base of every URL the server hands out, without trailing slash. Default `http://HOST:PORT` (`HUIGUAN_PUBLIC_URL`). */
  readonly publicUrl: string;
  /** Accepted distance between a request's `timeStamp` and the server clock, in ms. Default 300000 (`HUIGUAN_TOKEN_WINDOW_SECONDS`=300). */
  readonly tokenWindowMs: number;
  /** Site ensured to exist at start, with `apiKey` (`HUIGUAN_SITE_SIGN`, `HUIGUAN_API_KEY`). */
  readonly bootstrapSite: { readonly siteSign: string; readonly apiKey: string } | undefined;
  /** A page silent this long (no heartbeat) has left. Default 30 s (`HUIGUAN_HEARTBEAT_TIMEOUT_SECONDS`). */
  readonly heartbeatTimeoutMs: number;
  /** Scheme of the protocol links that open a desktop client. Default `huiguan` (`HUIGUAN_PROTOCOL_SCHEME`). */
  readonly protocolScheme: string;
  /** Largest recording file accepted, in bytes. Default 2 GiB (`HUIGUAN_RECORDING_MAX_BYTES`). */
  readonly recordingMaxBytes: number;
  /** How long a recording's `downloadUrl` and `playUrl` work, in ms. Default 86400000 (`HUIGUAN_RECORDING_LINK_TTL_SECONDS`=86400). */
  readonly recordingLinkTtlMs: number;
  /**
   * Request rate limits per minute, per client IP (API and pages) and per site (API), counted in the
   * database on PostgreSQL (shared by every server process), in memory on SQLite; null when off (`HUIGUAN_RATE_LIMIT=off`). Defaults 3000 per IP, 6000 per site
   * (`HUIGUAN_RATE_LIMIT_PER_IP`, `HUIGUAN_RATE_LIMIT_PER_SITE`).
   */
  readonly rateLimit: { readonly perIp: number; readonly perSite: number } | null;
  /** Longest a client may take to send a request's headers, ms. Default 20 s (`HUIGUAN_HEADERS_TIMEOUT_SECONDS`). */
  readonly headersTimeoutMs: number;
  /** Longest a whole upload request (recordings, recording chunks) may take, ms. Default 1 h (`HUIGUAN_REQUEST_TIMEOUT_SECONDS`). */
  readonly requestTimeoutMs: number;
  /** Longest any other request may take to arrive, body included, ms. Default 30 s (`HUIGUAN_BODY_TIMEOUT_SECONDS`). */
  readonly bodyTimeoutMs: number;
  /**
   * Reverse proxies whose `X-Forwarded-For` names the client: addresses or CIDRs (also `loopback`,
   * `linklocal`, `uniquelocal`). Default none: the client is the socket's peer (`HUIGUAN_TRUST_PROXY`,
   * comma-separated, e.g. `10.0.0.5,192.168.1.0/24`).
   */
  readonly trustProxy: readonly string[];
  /**
   * Redis that keeps the rate-limit counters, shared by every server process, instead of the database
   * (`HUIGUAN_REDIS_URL`, e.g. `redis://127.0.0.1:6379/0`). Default none.
   */
  readonly redisUrl: string | undefined;
  /** A connection silent this long is closed, ms. Default 120 s (`HUIGUAN_IDLE_TIMEOUT_SECONDS`). */
  readonly idleTimeoutMs: number;
  /**
   * STUN/TURN servers the meeting pages give their WebRTC connections, as RTCIceServer objects. Default
   * none (host candidates: a LAN, localhost) (`HUIGUAN_ICE_SERVERS`, JSON, e.g.
   * `[{"urls":"stun:stun.example.com:3478"},{"urls":"turn:turn.example.com","username":"u","credential":"p"}]`).
   */
  readonly iceServers: readonly IceServer[];
  /**
   * Where webhooks may be sent. Internal addresses (loopback, private, link-local, unique-local…) are
   * refused unless `allowPrivate` (`HUIGUAN_WEBHOOK_ALLOW_PRIVATE=1`) or inside `allowedNetworks`
   * (`HUIGUAN_WEBHOOK_ALLOWED_NETWORKS`, addresses or CIDRs, comma-separated, e.g. `10.1.0.0/16,fd00::/8`).
   */
  readonly webhookTargets: { readonly allowPrivate: boolean; readonly allowedNetworks: readonly string[] };
  /**
   * The SFU (Janus VideoRoom) that carries the meetings' media instead of the pages' mesh; undefined: the
   * mesh (the default). `HUIGUAN_JANUS=managed` runs Janus as a child of this server (one server process);
   * `HUIGUAN_JANUS_URLS` names running instances (several server processes share them).
   */
  readonly sfu: SfuConfig | undefined;
  /**
   * A TURN server with a shared secret (coturn's `use-auth-secret`), from which the server hands every
   * page time-limited credentials (`HUIGUAN_TURN_URLS`, `HUIGUAN_TURN_SECRET`, `HUIGUAN_TURN_TTL_SECONDS`).
   */
  readonly turn: TurnConfig | undefined;
  /** pino log level. Default `info` (`LOG_LEVEL`). */
  readonly logLevel: string;
}

/** Where the SFU runs and the tools around it. */
export interface SfuConfig {
  /** 'managed': the server runs Janus itself (`HUIGUAN_JANUS=managed`); 'external': `HUIGUAN_JANUS_URLS`. */
  readonly mode: 'managed' | 'external';
  /** external: ws:// or wss:// URLs of the Janus instances' WebSocket transport; managed: empty. */
  readonly urls: readonly string[];
  /** Janus API secret (external: `HUIGUAN_JANUS_API_SECRET`; managed: undefined, generated per start). */
  readonly apiSecret: string | undefined;
  /** VideoRoom `admin_key` (external: `HUIGUAN_JANUS_ADMIN_KEY`; managed: undefined, generated per start). */
  readonly adminKey: string | undefined;
  /** The janus binary. Default `janus` (`HUIGUAN_JANUS_BIN`). */
  readonly janusBin: string;
  /** janus-pp-rec, which turns Janus's recordings into media files. Default `janus-pp-rec` (`HUIGUAN_JANUS_PP_REC`). */
  readonly ppRecBin: string;
  /** ffmpeg. Default `ffmpeg` (`HUIGUAN_FFMPEG`). */
  readonly ffmpegBin: string;
  /**
   * Where Janus writes VideoRoom recordings; the server reads them from there, so with external Janus
   * instances it is a directory both see. Default `<dataDir>/sfu-recordings` (`HUIGUAN_JANUS_RECORDINGS_DIR`).
   */
  readonly recordingsDir: string;
  /** UDP ports Janus uses for media, `min-max`. Default `20000-40000` (`HUIGUAN_JANUS_RTP_PORTS`). */
  readonly rtpPorts: string;
  /**
   * A managed Janus behind NAT: the public addresses it advertises in its ICE candidates, beside its own
   * (`nat_1_1_mapping` with `keep_private_host`). `HUIGUAN_JANUS_PUBLIC_IP`, comma-separated; default none.
   */
  readonly publicIps?: readonly string[];
}

/** A TURN server with the REST-API shared secret. */
export interface TurnConfig {
  /** turn: or turns: URLs (`HUIGUAN_TURN_URLS`, comma-separated, e.g. `turn:turn.example.com:3478?transport=udp`). */
  readonly urls: readonly string[];
  /** The secret coturn was given (`static-auth-secret`) (`HUIGUAN_TURN_SECRET`). */
  readonly secret: string;
  /** How long a credential works. Default 43200 (12 h) (`HUIGUAN_TURN_TTL_SECONDS`). */
  readonly ttlSeconds: number;
}

/** One STUN or TURN server, as the browser's RTCIceServer. */
export interface IceServer {
  readonly urls: string | readonly string[];
  readonly username?: string;
  readonly credential?: string;
}

type Env = Record<string, string | undefined>;

/** 2 GiB. */
const DEFAULT_RECORDING_MAX_BYTES = 2 * 1024 ** 3;
/** One day. */
const DEFAULT_RECORDING_LINK_TTL_SECONDS = 86_400;

/** Thrown for an environment variable that cannot be used; the message names it. */
export class ConfigError extends Error {}

function integer(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new ConfigError(`${name} must be an integer from ${min} to ${max}, got "${raw}"`);
  }
  return value;
}

const ICE_URL = /^(stun|stuns|turn|turns):[^\s]+$/;

/** `HUIGUAN_ICE_SERVERS`: a JSON array of `{urls, username?, credential?}`; empty when unset. */
function iceServers(env: Env): readonly IceServer[] {
  const raw = env.HUIGUAN_ICE_SERVERS;
  if (raw === undefined || raw.trim() === '') return Object.freeze([]);
  const fail = (why: string) =>
    new ConfigError(`HUIGUAN_ICE_SERVERS must be a JSON array of {"urls", "username"?, "credential"?}: ${why}`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw fail('it is not JSON');
  }
  if (!Array.isArray(parsed)) throw fail('it is not an array');
  return Object.freeze(
    parsed.map((entry: unknown, i) => {
      const server = (typeof entry === 'object' && entry !== null ? entry : {}) as Record<string, unknown>;
      const urls = server.urls;
      const list = typeof urls === 'string' ? [urls] : Array.isArray(urls) ? urls : [];
      if (list.length === 0 || !list.every((u) => typeof u === 'string' && ICE_URL.test(u))) {
        throw fail(`entry ${i} needs "urls", stun:, stuns:, turn: or turns: URLs`);
      }
      for (const key of ['username', 'credential'] as const) {
        if (server[key] !== undefined && typeof server[key] !== 'string')
          throw fail(`entry ${i}: "${key}" must be text`);
      }
      return Object.freeze({
        urls: typeof urls === 'string' ? urls : Object.freeze([...(list as string[])]),
        ...(typeof server.username === 'string' ? { username: server.username } : {}),
        ...(typeof server.credential === 'string' ? { credential: server.credential } : {}),
      });
    }),
  );
}

const PROXY_NAMES = new Set(['loopback', 'linklocal', 'uniquelocal']);

/** A comma-separated list from the environment, entries trimmed, empty ones left out. */
function commaList(value: string | undefined): string[] {
  return (value ?? '')
    .split(',')
    .map((e) => e.trim())
    .filter((e) => e !== '');
}

/** `HUIGUAN_TRUST_PROXY`: addresses, CIDRs or proxy-addr's names, comma-separated; empty when unset. */
function trustProxy(env: Env): readonly string[] {
  const entries = commaList(env.HUIGUAN_TRUST_PROXY);
  try {
    networkList(entries.filter((entry) => !PROXY_NAMES.has(entry)));
  } catch (err) {
    throw new ConfigError(
      `HUIGUAN_TRUST_PROXY must list addresses or CIDRs (or loopback, linklocal, uniquelocal): ${(err as Error).message}`,
    );
  }
  return Object.freeze(entries);
}

/** `HUIGUAN_REDIS_URL`: a redis:// or rediss:// URL; undefined when unset. */
function redisUrl(env: Env): string | undefined {
  const raw = env.HUIGUAN_REDIS_URL?.trim();
  if (!raw) return undefined;
  let url: URL | undefined;
  try {
    url = new URL(raw);
  } catch {
    url = undefined;
  }
  if (!url || (url.protocol !== 'redis:' && url.protocol !== 'rediss:')) {
    // Not echoed: the URL may carry a password.
    throw new ConfigError(
      `HUIGUAN_REDIS_URL must be a redis:// or rediss:// URL, got ${url ? `one of scheme "${url.protocol}"` : 'text that is no URL'}`,
    );
  }
  return raw;
}

/** `HUIGUAN_WEBHOOK_ALLOW_PRIVATE` and `HUIGUAN_WEBHOOK_ALLOWED_NETWORKS`. */
function webhookTargets(env: Env): Config['webhookTargets'] {
  const allow = (env.HUIGUAN_WEBHOOK_ALLOW_PRIVATE ?? '').trim().toLowerCase();
  if (!['', '0', '1', 'false', 'true'].includes(allow))
    throw new ConfigError(`HUIGUAN_WEBHOOK_ALLOW_PRIVATE must be 1 or 0, got "${allow}"`);
  const allowedNetworks = commaList(env.HUIGUAN_WEBHOOK_ALLOWED_NETWORKS);
  try {
    networkList(allowedNetworks);
  } catch (err) {
    throw new ConfigError(`HUIGUAN_WEBHOOK_ALLOWED_NETWORKS must list addresses or CIDRs: ${(err as Error).message}`);
  }
  return Object.freeze({
    allowPrivate: allow === '1' || allow === 'true',
    allowedNetworks: Object.freeze(allowedNetworks),
  });
}

const JANUS_URL = /^wss?:\/\/[^\s/]+(\/[^\s]*)?$/;
const TURN_URL = /^(turn|turns):[^\s]+$/;

/** `HUIGUAN_JANUS`, `HUIGUAN_JANUS_URLS` and the tools' paths; undefined (the mesh) when neither is set. */
function sfu(env: Env, dataDir: string): SfuConfig | undefined {
  const mode = (env.HUIGUAN_JANUS ?? '').trim().toLowerCase();
  if (!['', 'off', 'managed'].includes(mode)) {
    throw new ConfigError(`HUIGUAN_JANUS must be "managed" or "off", got "${env.HUIGUAN_JANUS}"`);
  }
  const urls = commaList(env.HUIGUAN_JANUS_URLS);
  for (const url of urls) {
    if (!JANUS_URL.test(url)) {
      throw new ConfigError(
        `HUIGUAN_JANUS_URLS must list ws:// or wss:// URLs of Janus's WebSocket transport, got "${url}"`,
      );
    }
  }
  if (mode === 'managed' && urls.length > 0) {
    throw new ConfigError('HUIGUAN_JANUS=managed and HUIGUAN_JANUS_URLS exclude each other: set one');
  }
  const apiSecret = env.HUIGUAN_JANUS_API_SECRET || undefined;
  const adminKey = env.HUIGUAN_JANUS_ADMIN_KEY || undefined;
  if (mode === 'managed' && (apiSecret || adminKey)) {
    // A managed Janus gets fresh ones at every start; a set value would suggest otherwise.
    throw new ConfigError(
      'HUIGUAN_JANUS_API_SECRET and HUIGUAN_JANUS_ADMIN_KEY are for HUIGUAN_JANUS_URLS; a managed Janus generates its own',
    );
  }
  const rtpPorts = (env.HUIGUAN_JANUS_RTP_PORTS || '20000-40000').trim();
  const range = /^(\d{1,5})-(\d{1,5})$/.exec(rtpPorts);
  if (!range || Number(range[1]) < 1024 || Number(range[1]) >= Number(range[2]) || Number(range[2]) > 65535) {
    throw new ConfigError(`HUIGUAN_JANUS_RTP_PORTS must be a UDP range "min-max" within 1024-65535, got "${rtpPorts}"`);
  }
  const publicIps = commaList(env.HUIGUAN_JANUS_PUBLIC_IP);
  for (const ip of publicIps) {
    if (net.isIP(ip) === 0) throw new ConfigError(`HUIGUAN_JANUS_PUBLIC_IP must list IP addresses, got "${ip}"`);
  }
  if (publicIps.length > 0 && mode !== 'managed') {
    throw new ConfigError('HUIGUAN_JANUS_PUBLIC_IP is for HUIGUAN_JANUS=managed; external instances have their own');
  }
  if (mode !== 'managed' && urls.length === 0) return undefined;
  return Object.freeze({
    mode: mode === 'managed' ? 'managed' : 'external',
    urls: Object.freeze(urls),
    apiSecret,
    adminKey,
    janusBin: env.HUIGUAN_JANUS_BIN || 'janus',
    ppRecBin: env.HUIGUAN_JANUS_PP_REC || 'janus-pp-rec',
    ffmpegBin: env.HUIGUAN_FFMPEG || 'ffmpeg',
    recordingsDir: path.resolve(env.HUIGUAN_JANUS_RECORDINGS_DIR || path.join(dataDir, 'sfu-recordings')),
    rtpPorts,
    publicIps: Object.freeze(publicIps),
  } as const);
}

/** `HUIGUAN_TURN_URLS`, `HUIGUAN_TURN_SECRET`, `HUIGUAN_TURN_TTL_SECONDS`; undefined when no URL is set. */
function turn(env: Env): TurnConfig | undefined {
  const urls = commaList(env.HUIGUAN_TURN_URLS);
  const secret = env.HUIGUAN_TURN_SECRET || undefined;
  const ttlSeconds = integer(env, 'HUIGUAN_TURN_TTL_SECONDS', 43_200, 60, 604_800);
  if (urls.length === 0) {
    if (secret) throw new ConfigError('HUIGUAN_TURN_SECRET needs HUIGUAN_TURN_URLS');
    return undefined;
  }
  for (const url of urls) {
    if (!TURN_URL.test(url)) throw new ConfigError(`HUIGUAN_TURN_URLS must list turn: or turns: URLs, got "${url}"`);
  }
  if (!secret) throw new ConfigError("HUIGUAN_TURN_URLS needs HUIGUAN_TURN_SECRET (coturn's static-auth-secret)");
  return Object.freeze({ urls: Object.freeze(urls), secret, ttlSeconds });
}

/**
 * The configuration of an empty environment with `overrides` (tests, tools): every default lives in
 * {@link loadConfig} only.
 */
export function defaultConfig(overrides: Partial<Config> = {}): Config {
  return Object.freeze({ ...loadConfig({}), ...overrides });
}

/** Parses the environment (default `process.env`) into a frozen {@link Config}. */
export function loadConfig(env: Env = process.env): Config {
  const port = integer(env, 'PORT', 8080, 0, 65535);
  const host = env.HOST || '127.0.0.1';
  const publicUrl = (env.HUIGUAN_PUBLIC_URL || `http://${host.includes(':') ? `[${host}]` : host}:${port}`).replace(
    /\/+$/,
    '',
  );
  try {
    new URL(publicUrl);
  } catch {
    throw new ConfigError(`HUIGUAN_PUBLIC_URL must be an absolute URL, got "${publicUrl}"`);
  }
  const siteSign = env.HUIGUAN_SITE_SIGN || undefined;
  const apiKey = env.HUIGUAN_API_KEY || undefined;
  if ((siteSign === undefined) !== (apiKey === undefined)) {
    throw new ConfigError('HUIGUAN_SITE_SIGN and HUIGUAN_API_KEY must be set together');
  }
  const protocolScheme = (env.HUIGUAN_PROTOCOL_SCHEME || 'huiguan').replace(/:\/*$/, '');
  if (!/^[a-z][a-z0-9+.-]*$/i.test(protocolScheme)) {
    throw new ConfigError(`HUIGUAN_PROTOCOL_SCHEME must be a URL scheme such as "huiguan", got "${protocolScheme}"`);
  }
  const dataDir = path.resolve(env.HUIGUAN_DATA_DIR || './data');
  return Object.freeze({
    port,
    host,
    dataDir,
    databaseUrl: env.DATABASE_URL || undefined,
    publicUrl,
    tokenWindowMs: integer(env, 'HUIGUAN_TOKEN_WINDOW_SECONDS', 300, 1, 86_400) * 1000,
    bootstrapSite: siteSign && apiKey ? Object.freeze({ siteSign, apiKey }) : undefined,
    heartbeatTimeoutMs: integer(env, 'HUIGUAN_HEARTBEAT_TIMEOUT_SECONDS', 30, 5, 3600) * 1000,
    protocolScheme,
    recordingMaxBytes: integer(
      env,
      'HUIGUAN_RECORDING_MAX_BYTES',
      DEFAULT_RECORDING_MAX_BYTES,
      1,
      Number.MAX_SAFE_INTEGER,
    ),
    recordingLinkTtlMs:
      integer(env, 'HUIGUAN_RECORDING_LINK_TTL_SECONDS', DEFAULT_RECORDING_LINK_TTL_SECONDS, 60, 31_536_000) * 1000,
    rateLimit:
      env.HUIGUAN_RATE_LIMIT === 'off'
        ? null
        : Object.freeze({
            perIp: integer(env, 'HUIGUAN_RATE_LIMIT_PER_IP', 3000, 1, 10_000_000),
            perSite: integer(env, 'HUIGUAN_RATE_LIMIT_PER_SITE', 6000, 1, 10_000_000),
          }),
    headersTimeoutMs: integer(env, 'HUIGUAN_HEADERS_TIMEOUT_SECONDS', 20, 1, 3600) * 1000,
    requestTimeoutMs: integer(env, 'HUIGUAN_REQUEST_TIMEOUT_SECONDS', 3600, 1, 86_400) * 1000,
    bodyTimeoutMs: integer(env, 'HUIGUAN_BODY_TIMEOUT_SECONDS', 30, 1, 3600) * 1000,
    trustProxy: trustProxy(env),
    redisUrl: redisUrl(env),
    idleTimeoutMs: integer(env, 'HUIGUAN_IDLE_TIMEOUT_SECONDS', 120, 1, 86_400) * 1000,
    iceServers: iceServers(env),
    webhookTargets: webhookTargets(env),
    sfu: sfu(env, dataDir),
    turn: turn(env),
    logLevel: env.LOG_LEVEL || 'info',
  });
}
