/**
 * Console passwords, hashed with Node's scrypt (memory-hard, built in: no native dependency). A hash is
 * kept as `scrypt$<log2 N>$<r>$<p>$<salt, base64>$<key, base64>`, so that the cost can be raised later and
 * old hashes still check.
 */
import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';

/** The cost of a new hash: N = 2^15, r = 8, p = 1 (128 · N · r = 32 MiB of memory), a 32-byte key. */
export const SCRYPT_PARAMS = { log2N: 15, r: 8, p: 1, keyLength: 32, saltLength: 16 } as const;

/** Longest password accepted: scrypt's work does not grow with it, but a request should stay small. */
export const PASSWORD_MAX_LENGTH = 128;
/** Shortest password accepted. */
export const PASSWORD_MIN_LENGTH = 10;

function derive(password: string, salt: Buffer, log2N: number, r: number, p: number, keyLength: number) {
  const N = 2 ** log2N;
  // maxmem above the 128 · N · r the derivation needs (Node's default, 32 MiB, is exactly that and fails).
  const options: ScryptOptions = { N, r, p, maxmem: 256 * N * r };
  return new Promise<Buffer>((resolve, reject) =>
    scrypt(password.normalize('NFKC'), salt, keyLength, options, (err, key) => (err ? reject(err) : resolve(key))),
  );
}

/** A new hash of `password` with a fresh random salt. */
export async function hashPassword(password: string): Promise<string> {
  const { log2N, r, p, keyLength, saltLength } = SCRYPT_PARAMS;
  const salt = randomBytes(saltLength);
  const key = await derive(password, salt, log2N, r, p, keyLength);
  return ['scrypt', log2N, r, p, salt.toString('base64'), key.toString('base64')].join('$');
}

/** Whether `password` matches `hash`, compared in constant time; false for a hash it cannot read. */
export async function verifyPassword(password: string, hash: string): Promise<boolean> {
  const parts = hash.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return false;
  const [log2N, r, p] = parts.slice(1, 4).map(Number) as [number, number, number];
  if (![log2N, r, p].every(Number.isInteger) || log2N < 10 || log2N > 20 || r < 1 || r > 32 || p < 1 || p > 16)
    return false;
  const expected = Buffer.from(parts[5]!, 'base64');
  if (expected.length < 16) return false;
  const key = await derive(password, Buffer.from(parts[4]!, 'base64'), log2N, r, p, expected.length);
  return timingSafeEqual(key, expected);
}

/** A hash no password matches, checked when the email is unknown so that the answer takes as long. */
let decoy: Promise<string> | undefined;
export function decoyHash(): Promise<string> {
  return (decoy ??= hashPassword(randomBytes(32).toString('hex')));
}
