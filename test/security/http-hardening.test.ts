import net from 'node:net';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { buildTestApp } from '../helper.js';

describe('security headers', () => {
  it('pages and API answers carry a Content-Security-Policy and the usual headers', async () => {
    const t = await buildTestApp();
    try {
      const page = await t.app.inject('/j/1234567890/' + 'A'.repeat(32));
      const csp = String(page.headers['content-security-policy']);
      expect(csp).toContain("default-src 'self'");
      expect(csp).toContain("script-src 'self'");
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).not.toMatch(/script-src[^;]*unsafe-inline/);
      expect(page.headers['x-content-type-options']).toBe('nosniff');
      expect(page.headers['x-frame-options']).toBe('SAMEORIGIN');
      expect(page.headers['referrer-policy']).toBe('no-referrer');
      const api = await t.app.inject('/openapi/v2/getUserByUserId');
      expect(api.headers['x-content-type-options']).toBe('nosniff');
      expect(api.headers['strict-transport-security']).toBeDefined();
    } finally {
      await t.close();
    }
  });
});

describe('rate limits', () => {
  it('limit each IP, answering 429 with status 103 and when to retry', async () => {
    const t = await buildTestApp({ config: { rateLimit: { perIp: 5, perSite: 1000 } } });
    try {
      const answers = [];
      for (let i = 0; i < 7; i += 1) answers.push(await t.app.inject({ url: '/healthz', remoteAddress: '10.1.1.1' }));
      expect(answers.slice(0, 5).map((a) => a.statusCode)).toEqual([200, 200, 200, 200, 200]);
      expect(answers[5]!.statusCode).toBe(429);
      expect(answers[5]!.json()).toMatchObject({ status: 103 });
      expect(answers[5]!.json().message).toContain('too many requests');
      // Another address is not affected.
      expect((await t.app.inject({ url: '/healthz', remoteAddress: '10.1.1.2' })).statusCode).toBe(200);
    } finally {
      await t.close();
    }
  });

  it('limit each site’s signed calls', async () => {
    const t = await buildTestApp({ config: { rateLimit: { perIp: 1000, perSite: 3 } } });
    try {
      const site = await t.site();
      const other = await t.site();
      const statuses = [];
      for (let i = 0; i < 4; i += 1) statuses.push((await t.call('getUserByUserId', site, { userId: 'u' })).statusCode);
      expect(statuses).toEqual([200, 200, 200, 429]);
      const refused = await t.call('getUserByUserId', site, { userId: 'u' });
      expect(refused.body).toMatchObject({ status: 103 });
      expect(refused.body.message).toContain(site.site_sign);
      expect((await t.call('getUserByUserId', other, { userId: 'u' })).statusCode).toBe(200);
    } finally {
      await t.close();
    }
  });

  it('are on by default and off with HUIGUAN_RATE_LIMIT=off', () => {
    expect(loadConfig({}).rateLimit).toEqual({ perIp: 3000, perSite: 6000 });
    expect(loadConfig({ HUIGUAN_RATE_LIMIT: 'off' }).rateLimit).toBeNull();
    expect(loadConfig({ HUIGUAN_RATE_LIMIT_PER_IP: '50' }).rateLimit?.perIp).toBe(50);
  });
});

describe('slow clients', () => {
  it('close a connection that sends nothing', async () => {
    const t = await buildTestApp({ config: { idleTimeoutMs: 500 } });
    try {
      const address = await t.app.listen({ port: 0, host: '127.0.0.1' });
      const { port } = new URL(address);
      const started = Date.now();
      const closedAfter = await new Promise<number>((resolve, reject) => {
        const socket = net.connect(Number(port), '127.0.0.1');
        socket.write('GET /healthz HTTP/1.1\r\nHost: x\r\n');
        socket.on('close', () => resolve(Date.now() - started));
        socket.on('error', () => undefined);
        setTimeout(() => reject(new Error('still open after 5 s')), 5000).unref();
      });
      expect(closedAfter).toBeLessThan(5000);
    } finally {
      await t.close();
    }
  });
});
