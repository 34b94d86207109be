import { describe, expect, it } from 'vitest';
import { computeToken, tokenMatches } from './token.js';

describe('request token', () => {
  it('is upper-case hex md5 of "subject|APIKey|timeStamp"', () => {
    // printf 'u1|key|1700000000000' | md5sum
    expect(computeToken('u1', 'key', '1700000000000')).toBe('7819D9E7B919F03C17ECB3048FD10E67');
    // Non-ASCII subjects are hashed as UTF-8.
    expect(computeToken('用户', 'key', '1')).toMatch(/^[0-9A-F]{32}$/);
  });

  it('matches either case and nothing else', () => {
    const token = computeToken('u1', 'key', '1');
    expect(tokenMatches(token, token)).toBe(true);
    expect(tokenMatches(token.toLowerCase(), token)).toBe(true);
    expect(tokenMatches(token.slice(1), token)).toBe(false);
    const last = token.at(-1) === '0' ? '1' : '0';
    expect(tokenMatches(`${token.slice(0, 31)}${last}`, token)).toBe(false);
  });
});
