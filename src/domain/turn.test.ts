import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { turnCredentials } from './turn.js';

const turn = { urls: ['turn:127.0.0.1:3478?transport=udp'], secret: 'north-wind', ttlSeconds: 3600 };

describe('turnCredentials', () => {
  it('follows the TURN REST convention coturn checks: expiry:participant, HMAC-SHA1 in base64', () => {
    const now = Date.UTC(2026, 11, 2, 12, 0, 0);
    const server = turnCredentials(turn, 'p-1', now);
    expect(server.urls).toEqual(turn.urls);
    expect(server.username).toBe(`${now / 1000 + 3600}:p-1`);
    expect(server.credential).toBe(createHmac('sha1', 'north-wind').update(server.username).digest('base64'));
  });

  it('gives each participant and each moment its own password, never the secret', () => {
    const a = turnCredentials(turn, 'a', 0);
    const b = turnCredentials(turn, 'b', 0);
    const later = turnCredentials(turn, 'a', 60_000);
    expect(new Set([a.credential, b.credential, later.credential]).size).toBe(3);
    for (const s of [a, b, later]) expect(JSON.stringify(s)).not.toContain('north-wind');
  });
});
