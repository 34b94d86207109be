/**
 * Webhook URLs that point inside the network (SSRF): refused when registered, and not contacted when a
 * name resolves inside at delivery time (DNS rebinding), unless the installation allows internal targets.
 * No name here is looked up on the network: the internal names are literals, `localhost` (the hosts file),
 * names under reserved suffixes, or names answered by a resolver the test gives.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.js';
import { ApiError } from '../../src/domain/errors.js';
import { createEndpoint, deliverDue, emitEvent } from '../../src/domain/webhooks.js';
import type { SiteRow } from '../../src/store/database.js';
import { buildTestApp, type TestApp } from '../helper.js';

/** The internal targets of issue 14 (item 10), and more of the same kinds. */
const INTERNAL = [
  'http://127.0.0.1:22/',
  'http://127.0.0.1/hook',
  'http://localhost:8080/hook',
  'http://app.localhost/hook',
  'http://169.254.169.254/latest/meta-data/',
  'http://[fd00:ec2::254]/latest/meta-data/',
  'http://metadata.google.internal/computeMetadata/v1/',
  'http://10.0.0.1/',
  'http://10.255.255.254/',
  'http://172.16.0.1/',
  'http://172.31.255.254/',
  'http://192.168.1.1/',
  'http://100.64.0.1/',
  'http://2130706433/',
  'http://0x7f000001/',
  'http://0177.0.0.1/',
  'http://127.1/',
  'http://0x7f.1/',
  'http://0.0.0.0/',
  'http://0/',
  'http://[::1]/',
  'http://[::]/',
  'http://[::ffff:127.0.0.1]/',
  'http://[::ffff:a9fe:a9fe]/',
  'http://[::127.0.0.1]/',
  'http://[64:ff9b::a9fe:a9fe]/',
  'http://[fe80::1]/',
  'http://[fc00::1]/',
  'http://224.0.0.1/',
  'http://[ff02::1]/',
  'http://255.255.255.255/',
  'https://router.home.arpa/',
  'https://printer.local/',
];

/** Public targets: literal addresses, and a name that does not resolve yet (checked again at delivery). */
const PUBLIC = [
  'https://93.184.215.14/hook',
  'https://[2606:4700::1111]/hook',
  'https://crm.example.test/hooks',
  'http://8.8.8.8:8080/x',
];

/** A receiver on the loopback that counts what it gets. */
async function receiver() {
  const got: string[] = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      got.push(body);
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return { got, port, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

const resolveTo = (...addresses: string[]) => {
  const calls: string[] = [];
  const resolve = async (hostname: string) => {
    calls.push(hostname);
    return addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
  };
  return Object.assign(resolve, { calls });
};

let t: TestApp;
let hook: Awaited<ReturnType<typeof receiver>>;
beforeAll(async () => {
  t = await buildTestApp();
  hook = await receiver();
});
afterAll(async () => {
  await hook.close();
  await t.close();
});

const register = (site: SiteRow, url: string) =>
  t.call('/webhooks/v1/createEndpoint', site, { url }, { subject: 'siteSign' });

async function lastDelivery() {
  return t.store.db.selectFrom('webhook_deliveries').selectAll().orderBy('id', 'desc').executeTakeFirstOrThrow();
}

describe('webhook targets inside the network', () => {
  it('are refused at registration with 109, naming the url and why', async () => {
    const site = await t.site();
    const accepted: string[] = [];
    for (const url of INTERNAL) {
      const res = await register(site, url);
      expect(res.statusCode).toBe(200);
      if (res.body.status !== 109) accepted.push(url);
      else
        expect(res.body.message, url).toMatch(
          /^参数 url 无效 \(invalid parameter url\): .*(internal|loopback|private|link-local|unique-local|unspecified|multicast|reserved)/,
        );
    }
    expect(accepted).toEqual([]);
    expect((await t.call('/webhooks/v1/listEndpoints', site, {}, { subject: 'siteSign' })).body.data).toEqual([]);
  });

  it('leave public targets accepted', async () => {
    const site = await t.site();
    for (const url of PUBLIC) expect((await register(site, url)).body, url).toMatchObject({ status: 100 });
  });

  it('are refused when any address a name resolves to is internal', async () => {
    const site = await t.site();
    const resolve = resolveTo('93.184.215.14', '10.0.0.7');
    const refused = await createEndpoint(t.store.db, site, { url: 'https://hooks.partner.example/x' }, t.clock.now, {
      resolve,
    }).catch((err: unknown) => err);
    expect(refused).toBeInstanceOf(ApiError);
    expect((refused as ApiError).message).toContain('10.0.0.7');
    expect(resolve.calls).toEqual(['hooks.partner.example']);
  });

  it('are not contacted at delivery when the name resolves inside by then (DNS rebinding)', async () => {
    const site = await t.site();
    const url = `http://hooks.rebind.example:${hook.port}/hook`;
    const endpoint = await createEndpoint(t.store.db, site, { url }, t.clock.now, {
      resolve: resolveTo('93.184.215.14'),
    });
    expect(endpoint.url).toBe(url);
    await emitEvent(t.store.db, site.id, 'registrant.created', { email: 'a@example.com' }, t.clock.now);
    hook.got.length = 0;

    const rebound = resolveTo('127.0.0.1');
    expect(await deliverDue(t.store.db, t.clock.now, { targets: { resolve: rebound } })).toBe(1);
    expect(rebound.calls).toEqual(['hooks.rebind.example']);
    expect(hook.got).toEqual([]);
    const refused = await lastDelivery();
    expect(refused).toMatchObject({ status: 'pending', attempts: 1 });
    expect(refused.last_error).toMatch(/127\.0\.0\.1.*internal/);

    // Allowed, the connection goes to the address that was checked: the name itself resolves nowhere.
    const later = t.clock.now + 2 * 60_000;
    expect(await deliverDue(t.store.db, later, { targets: { allowPrivate: true, resolve: rebound } })).toBe(1);
    expect(hook.got).toHaveLength(1);
    expect(await lastDelivery()).toMatchObject({ status: 'delivered', attempts: 2 });
  });

  it('are not contacted when registered before the rule (an internal address in the outbox)', async () => {
    const site = await t.site();
    await t.store.db
      .insertInto('webhook_endpoints')
      .values({
        site_id: site.id,
        url: `http://127.0.0.1:${hook.port}/old`,
        secret: 's'.repeat(64),
        events: '*',
        created_at: t.clock.now,
        active: 1,
      })
      .execute();
    await emitEvent(t.store.db, site.id, 'registrant.created', { email: 'b@example.com' }, t.clock.now);
    hook.got.length = 0;
    await deliverDue(t.store.db, t.clock.now);
    expect(hook.got).toEqual([]);
    expect((await lastDelivery()).last_error).toMatch(/127\.0\.0\.1.*internal/);
  });

  it('are allowed by HUIGUAN_WEBHOOK_ALLOW_PRIVATE=1 or, network by network, by HUIGUAN_WEBHOOK_ALLOWED_NETWORKS', async () => {
    expect(loadConfig({}).webhookTargets).toEqual({ allowPrivate: false, allowedNetworks: [] });
    expect(loadConfig({ HUIGUAN_WEBHOOK_ALLOW_PRIVATE: '1' }).webhookTargets.allowPrivate).toBe(true);
    expect(
      loadConfig({ HUIGUAN_WEBHOOK_ALLOWED_NETWORKS: '10.1.0.0/16, 127.0.0.1,fd00::/8' }).webhookTargets
        .allowedNetworks,
    ).toEqual(['10.1.0.0/16', '127.0.0.1', 'fd00::/8']);
    expect(() => loadConfig({ HUIGUAN_WEBHOOK_ALLOWED_NETWORKS: '10.1.0.0/33' })).toThrow(ConfigError);
    expect(() => loadConfig({ HUIGUAN_WEBHOOK_ALLOW_PRIVATE: 'maybe' })).toThrow(ConfigError);

    const site = await t.site();
    const targets = { allowedNetworks: ['127.0.0.0/8'] };
    await expect(
      createEndpoint(t.store.db, site, { url: `http://127.0.0.1:${hook.port}/ok` }, t.clock.now, targets),
    ).resolves.toMatchObject({ id: expect.any(Number) });
    await expect(createEndpoint(t.store.db, site, { url: 'http://10.0.0.1/no' }, t.clock.now, targets)).rejects.toThrow(
      /10\.0\.0\.1/,
    );
    const open = await buildTestApp({ config: { webhookTargets: { allowPrivate: true, allowedNetworks: [] } } });
    try {
      const other = await open.site();
      expect(
        (
          await open.call(
            '/webhooks/v1/createEndpoint',
            other,
            { url: 'http://169.254.169.254/' },
            { subject: 'siteSign' },
          )
        ).body.status,
      ).toBe(100);
    } finally {
      await open.close();
    }
  });
});
