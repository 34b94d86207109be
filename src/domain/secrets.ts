import { randomBytes, randomInt } from 'node:crypto';

/** A new site API key: 160 random bits as 40 lower-case hex digits. */
export function newApiKey(): string {
  return randomBytes(20).toString('hex');
}

/** A user's host key: six random digits, never starting with 0 (the document shows it as a number). */
export function newHostKey(): string {
  return String(randomInt(100_000, 1_000_000));
}
