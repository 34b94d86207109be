import { describe, expect, it } from 'vitest';
import { clientKey, waitAfter } from './entry-guard.js';

describe('clientKey', () => {
  it('counts an IPv4 address as itself, an IPv4-mapped one as IPv4, and an IPv6 address by its /64', () => {
    expect(clientKey('203.0.113.9')).toBe('203.0.113.9');
    expect(clientKey('::ffff:203.0.113.9')).toBe('203.0.113.9');
    expect(clientKey('2001:db8:1:2:aaaa::1')).toBe('2001:db8:1:2::/64');
    expect(clientKey('2001:0DB8:0001:0002:ffff:ffff:ffff:ffff')).toBe('2001:db8:1:2::/64');
    expect(clientKey('2001:db8::1')).toBe('2001:db8:0:0::/64');
    expect(clientKey('::1')).toBe('0:0:0:0::/64');
  });
});

describe('waitAfter', () => {
  it('lets 5 failures pass, then waits 1 minute, doubling, at most an hour', () => {
    expect([0, 4, 5, 6, 7, 10, 11, 30].map(waitAfter)).toEqual([
      0, 0, 60_000, 120_000, 240_000, 1_920_000, 3_600_000, 3_600_000,
    ]);
  });
});
