import fs from 'node:fs';
import SwaggerParser from '@apidevtools/swagger-parser';
import { Compile } from 'typebox/compile';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { successResponses } from '../../src/api/responses.js';
import { buildTestApp, gmt, type TestApp } from '../helper.js';

let t: TestApp;
let doc: any;
beforeAll(async () => {
  t = await buildTestApp();
  doc = (await t.app.inject('/openapi.json')).json();
});
afterAll(async () => t.close());

describe('the OpenAPI document', () => {
  it('is valid OpenAPI 3.1 by a real parser', async () => {
    expect(doc.openapi).toBe('3.1.0');
    await expect(SwaggerParser.validate(structuredClone(doc))).resolves.toBeTruthy();
  });

  it('covers every API route the server registered, each on GET and POST, with the token scheme and its codes', () => {
    const api = t.app.registeredRoutes.filter((r) => /^\/(openapi\/v2|media\/v1)\//.test(r.url) && r.method !== 'HEAD');
    expect(api.length).toBeGreaterThanOrEqual(2 * 35);
    for (const route of api)
      expect(doc.paths[route.url]?.[route.method.toLowerCase()], `${route.method} ${route.url}`).toBeDefined();
    const reserve = doc.paths['/openapi/v2/confReservation'].post;
    expect(reserve.operationId).toBe('confReservation');
    expect(reserve.security).toEqual([{ bizconfToken: [] }]);
    expect(reserve['x-token-subject']).toBe('userId');
    const form = reserve.requestBody.content['application/x-www-form-urlencoded'].schema;
    expect(form.required).toEqual(
      expect.arrayContaining([
        'userId',
        'userName',
        'confName',
        'duration',
        'confParties',
        'token',
        'timeStamp',
        'siteSign',
      ]),
    );
    expect(form.properties.optionJbh).toMatchObject({ type: 'integer', minimum: 0, maximum: 1, default: 0 });
    expect(doc.paths['/openapi/v2/confReservation'].get.parameters.map((p: { name: string }) => p.name)).toContain(
      'confName',
    );
    const answer = reserve.responses['200'].content['application/json'].schema.oneOf;
    expect(answer[1].properties.status.enum).toEqual(
      expect.arrayContaining([102, 104, 106, 109, 201, 202, 205, 301, 704]),
    );
    expect(doc.paths['/openapi/v2/getLiveDetail'].post['x-token-subject']).toBe('confNo');
    expect(doc.components.securitySchemes.bizconfToken).toMatchObject({ type: 'apiKey', in: 'query', name: 'token' });
  });

  it('is shown at /docs once per endpoint, with the documented method, every field empty, signed by Authorize', async () => {
    const page = (await t.app.inject('/docs/json')).json();
    await expect(SwaggerParser.validate(structuredClone(page))).resolves.toBeTruthy();
    for (const [path, item] of Object.entries(page.paths as Record<string, object>))
      expect(Object.keys(item), path).toHaveLength(1);
    expect(Object.keys(page.paths)).toEqual(Object.keys(doc.paths));
    const get = Object.keys(page.paths).filter((p) => page.paths[p].get && /^\/(openapi|webhooks)\//.test(p));
    expect(get).toEqual([
      '/openapi/v2/getConfDetailByConfId',
      '/openapi/v2/getConfLogListByConfId',
      '/openapi/v2/getConfLogListByConfId2',
      '/openapi/v2/getRegistrants',
      '/webhooks/v1/events',
    ]);
    const reserve = page.paths['/openapi/v2/confReservation'].post;
    expect(reserve.operationId).toBe('confReservation');
    expect(reserve.security).toEqual([{ apiKey: [], siteSign: [] }]);
    expect(Object.keys(page.components.securitySchemes)).toEqual(['apiKey', 'siteSign']);
    const form = reserve.requestBody.content['application/x-www-form-urlencoded'].schema;
    expect(form.required).toEqual(['userId', 'userName', 'confName', 'duration', 'confParties']);
    expect(Object.keys(form.properties)).not.toContain('token');
    // Nothing Swagger UI would fill in: no default, no example but the empty one; the default is said instead.
    for (const [name, property] of Object.entries(form.properties as Record<string, any>)) {
      expect(property.default, name).toBeUndefined();
      expect(property.example, name).toBe('');
    }
    expect(form.properties.optionJbh.description).toMatch(/Default: 0\.$/);
    const detail = page.paths['/openapi/v2/getConfDetailByConfId'].get;
    expect(detail.operationId).toBe('getConfDetailByConfId');
    expect(detail.parameters.map((p: { name: string }) => p.name)).toEqual(['userId', 'confId']);
    expect(page.paths['/healthz'].get.security).toBeUndefined();
    // /openapi.json itself is not changed by the page's copy.
    expect((await t.app.inject('/openapi.json')).json().paths['/openapi/v2/confReservation'].get).toBeDefined();
  });

  it('is what `npm run openapi` wrote to docs/openapi.json', () => {
    const written = JSON.parse(fs.readFileSync(new URL('../../docs/openapi.json', import.meta.url), 'utf8'));
    expect(written.paths).toEqual(doc.paths);
  });

  it('describes the answers the server really gives', async () => {
    const site = await t.site();
    const check = (name: string, body: unknown) => {
      const validator = Compile(successResponses[name]!);
      expect(validator.Check(body), `${name}: ${JSON.stringify([...validator.Errors(body)].slice(0, 3))}`).toBe(true);
    };
    const call = async (name: string, params: Record<string, unknown>, subject = 'userId') => {
      const res = await t.call(name, site, params, { subject });
      expect(res.body.status, `${name}: ${res.body.message}`).toBe(100);
      check(name, res.body);
      return res.body;
    };
    await call('createOrUpdateUser', { userId: 'u', userName: 'U' });
    await call('getUserByUserId', { userId: 'u' });
    const m = (
      await call('confReservation', {
        userId: 'u',
        userName: 'U',
        confName: 'x',
        startTime: gmt(t.clock.now - 60_000),
        duration: 60,
        confParties: 5,
      })
    ).data;
    await call('getConfDetailByConfId', { userId: 'u', confId: m.confId });
    await call('getScheduledConfListByUserId', { userId: 'u' });
    await call('getScheduledConfListBySiteSign', { userId: 'u' });
    await call('getReMainNumPartis', { userId: 'u', startTime: gmt(t.clock.now), duration: 30 });
    const media = await t.call(
      '/media/v1/events',
      site,
      {
        confNumber: m.confNumber,
        events: [{ type: 'participant.joined', participant: { cuid: 'h', name: 'H', role: 'host' } }],
      },
      { subject: 'confNumber', encoding: 'json' },
    );
    check('/media/v1/events', media.body);
    await call('getLiveDetail', { confNo: m.confNumber }, 'confNo');
    await call('getLiveDetail2', { confNo: m.confNumber }, 'confNo');
    await call('getLivingConfByUserId', { userId: 'u' });
    await call('openingconfModify', { userId: 'u', confId: m.confId, addDuration: 5 });
    await call('getHostKeyByConfNumber', { confNumber: m.confNumber }, 'confNumber');
    await call('addRegistrant', { userId: 'u', confId: m.confId, first_name: 'R', email: 'r@example.com' });
    await call('getRegistrants', { userId: 'u', confId: m.confId });
    await call('endConf', { userId: 'u', confId: m.confId });
    await call('getConfLogListByConfId', { userId: 'u', confId: m.confId });
    await call('getConfLogListByConfId2', { userId: 'u', confId: m.confId });
    await call('getFinishedConfListBySiteSign', { userId: 'u' });
    await call('getConfRecordTimeBySiteSign', {
      userId: 'u',
      startTime: '2026-01-01 00:00:00',
      endTime: '2027-01-01 00:00:00',
    });
    await call('getConfCountBySiteSign', {
      userId: 'u',
      startTime: '2026-01-01 00:00:00',
      endTime: '2027-01-01 00:00:00',
    });
    await call('getUserCountsBySiteSign', {
      userId: 'u',
      startTime: '2026-01-01 00:00:00',
      endTime: '2027-01-01 00:00:00',
    });
    await call('getTotalConfTimeForEveryDay', { userId: 'u', startTime: '2026-06-01', endTime: '2026-06-02' });
    await call('getAllJoinTimeForEveryDay', { userId: 'u', startTime: '2026-06-01', endTime: '2026-06-02' });
    await call('getCloudFileList', { confNo: m.confNumber }, 'confNo');
  });
});
