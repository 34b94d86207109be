import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { changeSite, rotateApiKey } from '../../src/domain/sites.js';
import { computeToken } from '../../src/domain/token.js';
import { buildTestApp, send, sign, type TestApp } from '../helper.js';

describe('token authentication (§1.1 II)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await buildTestApp();
  });
  afterAll(async () => t.close());

  const user = (userId: string) => ({ userId, userName: 'Alice' });

  it('accepts a correct token, from the query string, a form body or a JSON body, on GET and POST', async () => {
    const site = await t.site();
    for (const [i, [encoding, method]] of (
      [
        ['query', 'GET'],
        ['query', 'POST'],
        ['form', 'POST'],
        ['json', 'POST'],
      ] as const
    ).entries()) {
      const res = await t.call('createOrUpdateUser', site, user(`enc${i}`), { encoding, method });
      expect(res.statusCode).toBe(200);
      expect(res.body).toMatchObject({ status: 100, message: 'success', data: { userId: `enc${i}` } });
    }
  });

  it('accepts the token in lower case too', async () => {
    const site = await t.site();
    const timeStamp = String(t.clock.now);
    const token = computeToken('lc', site.api_key, timeStamp).toLowerCase();
    const res = await t.call('createOrUpdateUser', site, user('lc'), { token, timeStamp });
    expect(res.body.status).toBe(100);
  });

  it('refuses a token made with the wrong key (102) and changes nothing', async () => {
    const site = await t.site();
    const res = await t.call('createOrUpdateUser', site, user('wrongkey'), { apiKey: 'not-the-key' });
    expect(res.statusCode).toBe(200);
    expect(res.body.status).toBe(102);
    expect(res.body.message).toContain('userId');
    expect((await t.call('getUserByUserId', site, { userId: 'wrongkey' })).body.status).toBe(101);
  });

  it('refuses a token signed over another subject value (102)', async () => {
    const site = await t.site();
    const timeStamp = String(t.clock.now);
    const token = computeToken('someone-else', site.api_key, timeStamp);
    expect((await t.call('createOrUpdateUser', site, user('subject'), { token, timeStamp })).body.status).toBe(102);
  });

  it('refuses a token used before (704), even when the first answer was a success', async () => {
    const site = await t.site();
    const first = await t.call('createOrUpdateUser', site, user('replay'));
    expect(first.body.status).toBe(100);
    const again = await send(t.app, 'createOrUpdateUser', first.sent);
    expect(again.body.status).toBe(704);
    // Sent through another channel, still the same token.
    expect((await send(t.app, 'createOrUpdateUser', first.sent, { encoding: 'json' })).body.status).toBe(704);
  });

  it('lets a refused request keep its token unused: nothing changed, so a retry gets the same answer', async () => {
    const site = await t.site();
    const first = await t.call('getUserByUserId', site, { userId: 'nobody' });
    expect(first.body.status).toBe(101);
    expect((await send(t.app, 'getUserByUserId', first.sent)).body.status).toBe(101);
  });

  it('refuses a timeStamp outside ±5 minutes (704) and accepts one just inside', async () => {
    const site = await t.site();
    // Each call moves the clock 1 ms forward before it is sent.
    const stale = String(t.clock.now + 1 - 5 * 60_000 - 1);
    const future = String(t.clock.now + 2 + 5 * 60_000 + 1);
    expect((await t.call('createOrUpdateUser', site, user('stale'), { timeStamp: stale })).body.status).toBe(704);
    expect((await t.call('createOrUpdateUser', site, user('future'), { timeStamp: future })).body.status).toBe(704);
    const edge = String(t.clock.now + 1 - 5 * 60_000);
    expect((await t.call('createOrUpdateUser', site, user('edge'), { timeStamp: edge })).body.status).toBe(100);
  });

  it('answers 109 naming a missing token, timeStamp or siteSign', async () => {
    const site = await t.site();
    for (const name of ['token', 'timeStamp', 'siteSign']) {
      const sent = sign(site, user('missing'), t.clock.now);
      delete sent[name];
      const res = await send(t.app, 'createOrUpdateUser', sent);
      expect(res.statusCode).toBe(200);
      expect(res.body.status).toBe(109);
      expect(res.body.message).toContain(name);
    }
  });

  it('answers 109 for a timeStamp that is not milliseconds', async () => {
    const site = await t.site();
    const res = await t.call('createOrUpdateUser', site, user('ts'), { timeStamp: '2026-06-01' });
    expect(res.body.status).toBe(109);
    expect(res.body.message).toContain('timeStamp');
  });

  it('answers 106 for an unknown, expired, past-expiry or deleted site', async () => {
    const unknown = { ...(await t.site()), site_sign: 'no-such-site' };
    expect((await t.call('createOrUpdateUser', unknown, user('x'))).body.status).toBe(106);

    for (const state of ['expired', 'deleted'] as const) {
      const site = await t.site();
      await changeSite(t.store.db, site.site_sign, { state }, t.clock.now);
      expect((await t.call('createOrUpdateUser', site, user('x'))).body.status).toBe(106);
    }

    const site = await t.site();
    await changeSite(t.store.db, site.site_sign, { expires: '2026-05-31' }, t.clock.now);
    expect((await t.call('createOrUpdateUser', site, user('x'))).body.status).toBe(106);
    await changeSite(t.store.db, site.site_sign, { expires: '2026-06-01' }, t.clock.now);
    expect((await t.call('createOrUpdateUser', site, user('x'))).body.status).toBe(100);
  });

  it('stops accepting the old key as soon as the key is rotated', async () => {
    const site = await t.site();
    const rotated = await rotateApiKey(t.store.db, site.site_sign, t.clock.now);
    expect(rotated.api_key).not.toBe(site.api_key);
    expect(rotated.api_key).toMatch(/^[0-9a-f]{40}$/);
    expect((await t.call('createOrUpdateUser', site, user('rot'))).body.status).toBe(102);
    expect((await t.call('createOrUpdateUser', rotated, user('rot'))).body.status).toBe(100);
  });
});

describe('the replay store is in the database', () => {
  it('refuses a used token after a restart and across two server instances', async () => {
    const a = await buildTestApp();
    const b = await buildTestApp({ database: a.database });
    try {
      const site = await a.site();
      const first = await a.call('createOrUpdateUser', site, { userId: 'r', userName: 'R' });
      expect(first.body.status).toBe(100);
      expect((await send(b.app, 'createOrUpdateUser', first.sent)).body.status).toBe(704);

      // Many simultaneous uses of one token, split over two instances: exactly one succeeds.
      const signed = sign(site, { userId: 'race', userName: 'R' }, a.clock.now);
      const results = await Promise.all(
        Array.from({ length: 20 }, (_, i) => send(i % 2 ? a.app : b.app, 'createOrUpdateUser', signed)),
      );
      const statuses = results.map((r) => r.body.status).sort();
      expect(statuses.filter((s) => s === 100)).toHaveLength(1);
      expect(statuses.filter((s) => s === 704)).toHaveLength(19);

      await b.close();
      const restarted = await buildTestApp({ database: a.database });
      expect((await send(restarted.app, 'createOrUpdateUser', first.sent)).body.status).toBe(704);
      await restarted.close();
    } finally {
      await a.close();
    }
  });
});

describe('read endpoints claim their tokens in batches, with the same single-use rule', () => {
  it('refuses a replayed read, many simultaneous uses of one token and a use after a restart', async () => {
    const a = await buildTestApp();
    const b = await buildTestApp({ database: a.database });
    try {
      const site = await a.site();
      expect((await a.call('createOrUpdateUser', site, { userId: 'reader', userName: 'R' })).body.status).toBe(100);
      const first = await a.call('getUserByUserId', site, { userId: 'reader' });
      expect(first.body.status).toBe(100);
      expect((await send(a.app, 'getUserByUserId', first.sent)).body.status).toBe(704);
      expect((await send(b.app, 'getUserByUserId', first.sent)).body.status).toBe(704);

      // Distinct tokens claimed in one batch all pass; one token sent 20 times at once passes once.
      const distinct = await Promise.all(
        Array.from({ length: 10 }, (_, i) =>
          send(a.app, 'getUserByUserId', sign(site, { userId: 'reader' }, a.clock.now + 10 + i)),
        ),
      );
      expect(distinct.map((r) => r.body.status)).toEqual(Array(10).fill(100));
      const signed = sign(site, { userId: 'reader' }, a.clock.now + 100);
      const results = await Promise.all(
        Array.from({ length: 20 }, (_, i) => send(i % 2 ? a.app : b.app, 'getUserByUserId', signed)),
      );
      const statuses = results.map((r) => r.body.status);
      expect(statuses.filter((s) => s === 100)).toHaveLength(1);
      expect(statuses.filter((s) => s === 704)).toHaveLength(19);

      await b.close();
      const restarted = await buildTestApp({ database: a.database });
      expect((await send(restarted.app, 'getUserByUserId', signed)).body.status).toBe(704);
      await restarted.close();
    } finally {
      await a.close();
    }
  });
});

describe('wire format', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await buildTestApp();
  });
  afterAll(async () => t.close());

  it('answers an unknown path with HTTP 404 and a JSON status', async () => {
    const res = await t.app.inject({ method: 'POST', url: '/openapi/v2/noSuchEndpoint' });
    expect(res.statusCode).toBe(404);
    expect(res.json()).toMatchObject({ status: 103 });
    expect(res.json().message).toContain('noSuchEndpoint');
  });

  it('answers a malformed JSON body with 109 and no internals', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/openapi/v2/getUserByUserId',
      headers: { 'content-type': 'application/json' },
      payload: '{"userId": ',
    });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ status: 109 });
    expect(res.body).not.toMatch(/at \w+ \(|node_modules|SyntaxError/);
  });

  it('answers an unsupported content type, plain text included, with 415 and 109', async () => {
    const post = (contentType: string) =>
      t.app.inject({
        method: 'POST',
        url: '/openapi/v2/getUserByUserId',
        headers: { 'content-type': contentType },
        payload: 'userId=u1',
      });
    const xml = await post('application/xml');
    expect(xml.statusCode).toBe(415);
    expect(xml.json()).toMatchObject({ status: 109 });
    const text = await post('text/plain');
    expect(text.statusCode).toBe(415);
    expect(text.json()).toMatchObject({ status: 109 });
  });

  it('answers a JSON body that is not an object with 109', async () => {
    const res = await t.app.inject({ method: 'POST', url: '/openapi/v2/getUserByUserId', payload: [1, 2] });
    expect(res.json()).toMatchObject({ status: 109 });
  });

  it('answers a body over the limit with 413 and 109', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/openapi/v2/getUserByUserId',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: `userName=${'x'.repeat(1024 * 1024 + 10)}`,
    });
    expect(res.statusCode).toBe(413);
    expect(res.json()).toMatchObject({ status: 109 });
  });

  it('refuses numbers that are not exact whole numbers and NUL characters with 109 naming the parameter', async () => {
    const site = await t.site();
    for (const [name, value] of [
      ['isForceDel', 'Infinity'],
      ['isForceDel', '1e400'],
      ['isForceDel', '0x1'],
      ['isForceDel', '9223372036854775808'],
      ['userId', 'a\u0000b'],
    ] as const) {
      const res = await t.call('delUserByUserId', site, { userId: name === 'userId' ? value : 'u', [name]: value });
      expect(res.body.status, `${name}=${value}`).toBe(109);
      expect(res.body.message).toContain(name);
    }
    const json = await t.app.inject({
      method: 'POST',
      url: '/openapi/v2/delUserByUserId',
      headers: { 'content-type': 'application/json' },
      payload: '{"isForceDel": 1e400}',
    });
    expect(json.json()).toMatchObject({ status: 109 });
  });

  it('answers a repeated scalar parameter or an object where a scalar belongs with 109 naming it', async () => {
    const site = await t.site();
    const sent = sign(site, { userId: 'rep' }, t.clock.now);
    const query = new URLSearchParams(sent).toString() + '&userId=other';
    const repeated = await t.app.inject({ method: 'GET', url: `/openapi/v2/getUserByUserId?${query}` });
    expect(repeated.json()).toMatchObject({ status: 109 });
    expect(repeated.json().message).toContain('userId');
    const nested = await t.app.inject({
      method: 'POST',
      url: '/openapi/v2/getUserByUserId',
      payload: { ...sent, userId: { a: 1 } },
    });
    expect(nested.json()).toMatchObject({ status: 109 });
    expect(nested.json().message).toContain('userId');
  });

  it('serves /healthz and /readyz', async () => {
    expect((await t.app.inject('/healthz')).json()).toEqual({ status: 'ok' });
    expect((await t.app.inject('/readyz')).json()).toEqual({ status: 'ok' });
  });
});
