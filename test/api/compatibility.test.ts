import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SiteRow } from '../../src/store/database.js';
import { buildTestApp, gmt, send, sign, type TestApp } from '../helper.js';

/**
 * What the integrations already in use send: the vendor's v1 paths, the document's optional parameters left
 * out, and the habits of real clients (lower-case tokens, charsets, extra parameters, the other method).
 */
let t: TestApp;
let site: SiteRow;
beforeAll(async () => {
  t = await buildTestApp();
  site = await t.site();
});
afterAll(async () => t.close());

const HOUR = 3_600_000;
const reservation = (extra: Record<string, unknown> = {}) => ({
  userId: 'host1',
  userName: 'Host One',
  confName: 'Weekly',
  startTime: gmt(t.clock.now + 2 * HOUR),
  duration: 60,
  confParties: 5,
  ...extra,
});

/** The request parameters of each endpoint in the vendor's document: name → Y (required) or N. */
function documentedParameters(): Map<string, Map<string, 'Y' | 'N'>> {
  const lines = fs
    .readFileSync(new URL('../../../shared/seed/bizconf-openapi-v2.txt', import.meta.url), 'utf8')
    .split('\n');
  const endpoints = new Map<string, Map<string, 'Y' | 'N'>>();
  let current: Map<string, 'Y' | 'N'> | undefined;
  lines.forEach((line, i) => {
    const url = /openapi\/v2\/(\w+)/.exec(line);
    if (url) {
      current = endpoints.get(url[1]!) ?? new Map();
      endpoints.set(url[1]!, current);
      return;
    }
    // A parameter row: an empty cell, then the name, then Y or N.
    const name = /^\t([A-Za-z_]\w*)$/.exec(lines[i + 1] ?? '');
    const required = /^\t([YN])\s*$/.exec(lines[i + 2] ?? '');
    if (current && line === '\t' && name && required && !current.has(name[1]!))
      current.set(name[1]!, required[1] as 'Y' | 'N');
  });
  return endpoints;
}

describe('the document’s optional parameters', () => {
  it('every parameter the document marks N is optional in the schema, with its default or its absence described', async () => {
    const doc = (await t.app.inject('/openapi.json')).json();
    const documented = documentedParameters();
    expect(documented.size).toBe(33);
    let optional = 0;
    for (const [endpoint, parameters] of documented) {
      const schema =
        doc.paths[`/openapi/v2/${endpoint}`].post.requestBody.content['application/x-www-form-urlencoded'].schema;
      for (const [name, mark] of parameters) {
        if (mark !== 'N') continue;
        optional += 1;
        expect(schema.required ?? [], `${endpoint} ${name}`).not.toContain(name);
        const property = schema.properties[name];
        expect(property, `${endpoint} ${name} is in the schema`).toBeDefined();
        const described = property.default !== undefined || /absent|default/.test(property.description ?? '');
        expect(
          described,
          `${endpoint} ${name}: a default, or what leaving it out means ("${property.description}")`,
        ).toBe(true);
      }
    }
    expect(optional).toBeGreaterThan(100);
  });
});

describe('the v1 paths (extension)', () => {
  it('answers every endpoint of the index at /openapi/v1/<name> as v2 does, refusals included', async () => {
    const notes = fs.readFileSync(new URL('../../../shared/spec/NOTES.md', import.meta.url), 'utf8');
    const names = [...notes.matchAll(/^\| [23]\.\d+ \| (\w+) \|/gm)].map((m) => m[1]!);
    expect(names).toHaveLength(33);
    for (const name of names) {
      const [v1, v2] = await Promise.all(
        ['v1', 'v2'].map((v) =>
          t.app.inject({ method: 'POST', url: `/openapi/${v}/${name}`, payload: { userId: 'x' } }),
        ),
      );
      expect(v1!.statusCode, name).toBe(200);
      expect(v1!.json(), name).toEqual(v2!.json());
    }
  });

  it('books, reads, modifies and cancels through v1 as the integrations found in public code do, with the answers of v2', async () => {
    const booked = await t.call('/openapi/v1/confReservation', site, reservation({ confName: 'via v1' }));
    expect(booked.body.status, booked.body.message).toBe(100);
    const { confId } = booked.body.data;

    const [v1, v2] = [
      await t.call('/openapi/v1/getConfDetailByConfId', site, { userId: 'host1', confId }),
      await t.call('/openapi/v2/getConfDetailByConfId', site, { userId: 'host1', confId }),
    ];
    expect(v1.body.status).toBe(100);
    expect(v1.body).toEqual(v2.body);
    for (const field of ['confId', 'confNumber', 'confName', 'startTime', 'joinUrl', 'hostStartUrl'])
      expect(v1.body.data[field], field).toEqual(v2.body.data[field]);

    const modified = await t.call('/openapi/v1/confModify2', site, {
      userId: 'host1',
      confId,
      confName: 'moved',
      confPassword: '',
      startTime: gmt(t.clock.now + 3 * HOUR),
      duration: 30,
      confParties: 5,
    });
    expect(modified.body.status, modified.body.message).toBe(100);
    expect((await t.call('getConfDetailByConfId', site, { userId: 'host1', confId })).body.data).toMatchObject({
      confName: 'moved',
      duration: 30,
    });

    const cancelled = await t.call('/openapi/v1/cancelConf', site, { userId: 'host1', confId });
    expect(cancelled.body.status, cancelled.body.message).toBe(100);
    const after = await t.call('/openapi/v2/cancelConf', site, { userId: 'host1', confId });
    const afterV1 = await t.call('/openapi/v1/cancelConf', site, { userId: 'host1', confId });
    expect(afterV1.body).toEqual(after.body);
  });

  it('holds a v1 token as used for v2 too: one token, one request, whatever the prefix', async () => {
    const sent = sign(site, { userId: 'u-once', userName: 'Once' }, ++t.clock.now);
    expect((await send(t.app, '/openapi/v1/createOrUpdateUser', sent)).body.status).toBe(100);
    expect((await send(t.app, '/openapi/v2/createOrUpdateUser', sent)).body.status).toBe(704);
  });

  it('is not listed as paths of its own, and the document says it is an extension', async () => {
    const doc = (await t.app.inject('/openapi.json')).json();
    expect(Object.keys(doc.paths).filter((p) => p.startsWith('/openapi/v1/'))).toEqual([]);
    expect(doc['x-path-aliases']).toEqual({ '/openapi/v1/{name}': '/openapi/v2/{name}' });
    expect(doc.info.description).toContain('Extension: `/openapi/v1/<name>`');
  });
});

describe('clients’ habits that keep working', () => {
  it('accepts a lower-case token', async () => {
    const sent = sign(site, { userId: 'lower', userName: 'Lower' }, ++t.clock.now);
    const res = await send(t.app, 'createOrUpdateUser', { ...sent, token: sent.token!.toLowerCase() });
    expect(res.body.status, res.body.message).toBe(100);
    // Still single-use, whatever the case.
    expect((await send(t.app, 'createOrUpdateUser', { ...sent, token: sent.token!.toUpperCase() })).body.status).toBe(
      704,
    );
  });

  it('accepts a form body declared with a charset, and Chinese text in it as UTF-8', async () => {
    const sent = sign(site, reservation({ confName: '季度例会 · 华东区' }), ++t.clock.now);
    const res = await t.app.inject({
      method: 'POST',
      url: '/openapi/v2/confReservation',
      headers: { 'content-type': 'application/x-www-form-urlencoded; charset=UTF-8' },
      payload: Buffer.from(new URLSearchParams(sent).toString(), 'utf8'),
    });
    expect(res.json().status, res.json().message).toBe(100);
    expect(res.json().data.confName).toBe('季度例会 · 华东区');
    const detail = await t.call('getConfDetailByConfId', site, { userId: 'host1', confId: res.json().data.confId });
    expect(detail.body.data.confName).toBe('季度例会 · 华东区');
  });

  it('ignores a parameter it does not know', async () => {
    const res = await t.call('createOrUpdateUser', site, {
      userId: 'extra',
      userName: 'Extra',
      departmentCode: 'D-17',
      x: '1',
    });
    expect(res.body.status, res.body.message).toBe(100);
    expect(res.body.data).not.toHaveProperty('departmentCode');
  });

  it('answers a GET endpoint called by POST, and a POST endpoint called by GET with a Content-Type header', async () => {
    const booked = await t.call('confReservation', site, reservation({ userId: 'method-host' }));
    expect(booked.body.status, booked.body.message).toBe(100);
    const { confId } = booked.body.data;
    // 2.3 is a GET in the document.
    const byPost = await t.call(
      'getConfDetailByConfId',
      site,
      { userId: 'method-host', confId },
      { method: 'POST', encoding: 'form' },
    );
    expect(byPost.body.status, byPost.body.message).toBe(100);
    // 2.17 is a POST in the document; this client sends GET with a query string and a form Content-Type.
    const sent = sign(site, { userId: 'by-get', userName: 'By Get' }, ++t.clock.now);
    const res = await t.app.inject({
      method: 'GET',
      url: `/openapi/v2/createOrUpdateUser?${new URLSearchParams(sent).toString()}`,
      headers: { 'content-type': 'application/x-www-form-urlencoded; charset=UTF-8' },
    });
    expect(res.statusCode).toBe(200);
    expect(res.json().status, res.json().message).toBe(100);
    expect(res.json().data.userName).toBe('By Get');
  });

  it('books a meeting whose startTime is the current second', async () => {
    const now = Math.floor(t.clock.now / 1000) * 1000;
    t.clock.now = now + 400;
    const res = await t.call('confReservation', site, reservation({ userId: 'now-host', startTime: gmt(now) }));
    expect(res.body.status, res.body.message).toBe(100);
    expect(res.body.data.startTime).toBe(gmt(now));
  });

  it('accepts a numeric userId in a JSON body, signed over its text', async () => {
    const timeStamp = String(++t.clock.now);
    const sent = sign(site, { userId: '20231105' }, Number(timeStamp));
    const res = await t.app.inject({
      method: 'POST',
      url: '/openapi/v2/createOrUpdateUser',
      payload: { ...sent, userId: 20231105, userName: 'Numeric', timeStamp: Number(timeStamp) },
    });
    expect(res.json().status, res.json().message).toBe(100);
    expect(res.json().data.userId).toBe('20231105');
    const read = await t.call('getUserByUserId', site, { userId: '20231105' });
    expect(read.body.status, read.body.message).toBe(100);
    expect(read.body.userInfo).toMatchObject({ userId: '20231105', username: 'Numeric' });
  });
});
