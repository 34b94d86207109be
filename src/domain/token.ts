import { createHash, timingSafeEqual } from 'node:crypto';

/**
 * The document's request token: `upper(hex(md5("<subject>|<APIKey>|<timeStamp>")))`, where the
 * subject is the endpoint's `userId`, `confNo` or `confNumber` value.
 *
 * @example computeToken('u1', 'key', '1700000000000') // '5E0F…' (32 upper-case hex digits)
 */
export function computeToken(subject: string, apiKey: string, timeStamp: string): string {
  return createHash('md5').update(`${subject}|${apiKey}|${timeStamp}`, 'utf8').digest('hex').toUpperCase();
}

/** Constant-time comparison of two strings (a secret with what was presented). */
export function safeEqual(presented: string, expected: string): boolean {
  const a = Buffer.from(presented, 'utf8');
  const b = Buffer.from(expected, 'utf8');
  return a.length === b.length && timingSafeEqual(a, b);
}

/** Constant-time comparison of a presented token (either case) with the expected one. */
export function tokenMatches(presented: string, expected: string): boolean {
  return safeEqual(presented.toUpperCase(), expected);
}
