/**
 * Where webhooks may go (SSRF): public addresses only, unless the installation allows internal ones.
 * Checked on every address a name resolves to, when an endpoint is registered and again when each
 * delivery connects; the connection goes to the address that was checked (see {@link guardedLookup}).
 */
import dns from 'node:dns';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import type { LookupFunction } from 'node:net';

/** Where webhooks may be sent; `Config.webhookTargets` plus, for tests, a resolver. */
export interface WebhookTargetPolicy {
  /** Send to internal addresses too (`HUIGUAN_WEBHOOK_ALLOW_PRIVATE=1`). Default false. */
  readonly allowPrivate?: boolean;
  /** Internal networks allowed all the same: addresses or CIDRs (`HUIGUAN_WEBHOOK_ALLOWED_NETWORKS`). Default none. */
  readonly allowedNetworks?: readonly string[];
  /** A host name's addresses. Default: the system resolver (`dns.lookup`, hosts file included). */
  readonly resolve?: (hostname: string) => Promise<readonly { address: string; family: number }[]>;
}

/** Why a target was refused; the message names the address and its kind. */
export class TargetRefused extends Error {}

/** Special-use ranges (IANA registries) that are no place to send a webhook to, by kind. */
const INTERNAL_RANGES: readonly [kind: string, cidr: string][] = [
  ['unspecified', '0.0.0.0/8'],
  ['private', '10.0.0.0/8'],
  ['shared (carrier-grade NAT)', '100.64.0.0/10'],
  ['loopback', '127.0.0.0/8'],
  ['link-local', '169.254.0.0/16'],
  ['private', '172.16.0.0/12'],
  ['reserved', '192.0.0.0/24'],
  ['private', '192.168.0.0/16'],
  ['reserved (benchmarking)', '198.18.0.0/15'],
  ['multicast', '224.0.0.0/4'],
  ['reserved', '240.0.0.0/4'],
  ['unspecified or IPv4-compatible', '::/96'],
  ['NAT64', '64:ff9b::/96'],
  ['NAT64', '64:ff9b:1::/48'],
  ['discard-only', '100::/64'],
  ['unique-local', 'fc00::/7'],
  ['link-local', 'fe80::/10'],
  ['site-local', 'fec0::/10'],
  ['multicast', 'ff00::/8'],
];

const internal = INTERNAL_RANGES.map(([kind, cidr]) => ({ kind, list: networkList([cidr]) }));

/** Names meant for a local network only: never public, whatever they resolve to here. */
const INTERNAL_NAME = /(^|\.)(localhost|local|internal|intranet|lan|home\.arpa|localdomain)\.?$/i;

/**
 * A BlockList of addresses and CIDRs (`10.0.0.0/8`, `fd00::/8`, `192.0.2.7`); throws an Error naming the
 * first entry that is neither. IPv4-mapped IPv6 addresses match their IPv4 entries.
 */
export function networkList(entries: readonly string[]): net.BlockList {
  const list = new net.BlockList();
  for (const entry of entries) {
    const [address = '', prefix, extra] = entry.split('/');
    const family = net.isIP(address);
    const type = family === 6 ? 'ipv6' : 'ipv4';
    const bits = Number(prefix);
    if (
      family === 0 ||
      extra !== undefined ||
      (prefix !== undefined && (!/^\d{1,3}$/.test(prefix) || bits > (family === 6 ? 128 : 32)))
    ) {
      throw new Error(`"${entry}" is not an IP address or CIDR`);
    }
    if (prefix === undefined) list.addAddress(address, type);
    else list.addSubnet(address, bits, type);
  }
  return list;
}

/** The kind of internal address `address` is ("loopback", "private"…), or undefined for a public one. */
export function internalKind(address: string): string | undefined {
  const family = net.isIP(address);
  if (family === 0) return 'not an address';
  const type = family === 6 ? 'ipv6' : 'ipv4';
  return internal.find((range) => range.list.check(address, type))?.kind;
}

const policyLists = new WeakMap<WebhookTargetPolicy, net.BlockList>();

function allowedList(policy: WebhookTargetPolicy): net.BlockList {
  let list = policyLists.get(policy);
  if (!list) policyLists.set(policy, (list = networkList(policy.allowedNetworks ?? [])));
  return list;
}

/** Throws {@link TargetRefused} when the policy does not allow sending to `address` (of `host`). */
export function checkAddress(address: string, policy: WebhookTargetPolicy, host = address): void {
  if (policy.allowPrivate) return;
  const kind = internalKind(address);
  if (kind === undefined || allowedList(policy).check(address, net.isIP(address) === 6 ? 'ipv6' : 'ipv4')) return;
  const via = host === address ? '' : `${host} resolves to `;
  throw new TargetRefused(
    `${via}${address} (${kind}): webhooks go to public addresses only (internal ones need HUIGUAN_WEBHOOK_ALLOW_PRIVATE or HUIGUAN_WEBHOOK_ALLOWED_NETWORKS)`,
  );
}

/** A URL's host without the brackets of an IPv6 literal. */
export function hostOf(url: URL): string {
  return url.hostname.replace(/^\[(.*)\]$/, '$1');
}

const systemResolve = (hostname: string) => dns.promises.lookup(hostname, { all: true, verbatim: true });

/** How long registration waits for a name to resolve, ms. */
const RESOLVE_TIMEOUT_MS = 3000;

/**
 * Checks a URL's host when an endpoint is registered: a literal address, or every address its name
 * resolves to. A name that does not resolve (yet) is accepted unless it is a local-only name
 * (`localhost`, `*.internal`, `*.local`…); its delivery is checked when it connects.
 */
export async function checkTarget(url: URL, policy: WebhookTargetPolicy): Promise<void> {
  const host = hostOf(url);
  if (net.isIP(host)) return checkAddress(host, policy);
  if (policy.allowPrivate) return;
  let addresses: readonly { address: string }[];
  try {
    addresses = await withTimeout((policy.resolve ?? systemResolve)(host), RESOLVE_TIMEOUT_MS);
  } catch {
    addresses = [];
  }
  if (addresses.length === 0 && INTERNAL_NAME.test(host))
    throw new TargetRefused(`${host} is an internal name: webhooks go to public addresses only`);
  for (const { address } of addresses) checkAddress(address, policy, host);
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>(
    (_, reject) => (timer = setTimeout(() => reject(new Error('timed out')), ms).unref()),
  );
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/**
 * The `lookup` of a delivery's connection: resolves the name, refuses it when any of its addresses is
 * not allowed, and hands the connection exactly the addresses it checked, so that a name answering a
 * public address to the check and an internal one to the connection (DNS rebinding) cannot get through.
 */
export function guardedLookup(policy: WebhookTargetPolicy): LookupFunction {
  return (hostname, options, callback) => {
    (policy.resolve ?? systemResolve)(hostname).then(
      (found) => {
        const addresses = found
          .filter((a) => !options.family || a.family === options.family)
          .map((a) => ({ address: a.address, family: a.family }));
        try {
          if (addresses.length === 0)
            throw Object.assign(new Error(`${hostname} has no address`), { code: 'ENOTFOUND' });
          for (const { address } of addresses) checkAddress(address, policy, hostname);
        } catch (err) {
          callback(err as NodeJS.ErrnoException, '', 0);
          return;
        }
        if (options.all) (callback as unknown as (err: null, all: typeof addresses) => void)(null, addresses);
        else callback(null, addresses[0]!.address, addresses[0]!.family);
      },
      (err: NodeJS.ErrnoException) => callback(err, '', 0),
    );
  };
}

/**
 * POSTs `body` to `url` under the policy, without following redirects, and answers the HTTP status. A
 * literal address is checked here; a name, by {@link guardedLookup} as the connection is made. Fails
 * with the policy's reason, a network error, or an abort of `signal`.
 */
export function postChecked(
  url: string,
  init: { headers: Record<string, string>; body: string; signal: AbortSignal },
  policy: WebhookTargetPolicy,
): Promise<number> {
  return new Promise((resolve, reject) => {
    const target = new URL(url);
    const host = hostOf(target);
    if (net.isIP(host)) {
      try {
        checkAddress(host, policy);
      } catch (err) {
        reject(err);
        return;
      }
    }
    const request = (target.protocol === 'https:' ? https : http).request(target, {
      method: 'POST',
      headers: { ...init.headers, 'content-length': String(Buffer.byteLength(init.body)) },
      lookup: guardedLookup(policy),
      agent: false,
      signal: init.signal,
    });
    request.on('response', (response) => {
      resolve(response.statusCode ?? 0);
      response.destroy();
    });
    request.on('error', reject);
    request.end(init.body);
  });
}
