import Fastify from 'fastify';
import Type from 'typebox';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkAnswerSerialisation } from '../../src/api/answer-check.js';
import { wireSchema } from '../../src/api/endpoint.js';
import { answers } from '../../src/contract/answers.js';
import { buildTestApp, type TestApp } from '../helper.js';

let t: TestApp;
beforeAll(async () => {
  t = await buildTestApp();
});
afterAll(async () => t.close());

describe('answers serialised with the route schemas', () => {
  it('turns an answer the schema would change into 103, naming both (every test app runs this check)', async () => {
    const app = Fastify();
    checkAnswerSerialisation(app);
    const answer = Type.Object({ status: Type.Integer(), message: Type.String(), count: Type.Integer() });
    app.get('/dropped', { schema: { response: { 200: wireSchema(answer) } } }, async () => ({
      status: 100,
      message: 'success',
      count: 1,
      extra: 'x',
    }));
    app.get('/coerced', { schema: { response: { 200: wireSchema(answer) } } }, async () => ({
      status: 100,
      message: 'success',
      count: '7',
    }));
    app.get('/kept', { schema: { response: { 200: wireSchema(answer) } } }, async () => ({
      status: 100,
      message: 'success',
      count: 2,
    }));
    for (const url of ['/dropped', '/coerced']) {
      const body = (await app.inject(url)).json();
      expect(body.status).toBe(103);
      expect(body.message).toContain('serialisation changed the answer');
    }
    expect((await app.inject('/kept')).json()).toEqual({ status: 100, message: 'success', count: 2 });
    await app.close();
  });

  it('sends refusals, which answer HTTP 200 too, as {status, message} and nothing else', async () => {
    const site = await t.site();
    const missing = await t.call('getConfDetailByConfId', site, { userId: 'nobody', confId: 1 });
    expect(missing.statusCode).toBe(200);
    expect(Object.keys(missing.body).sort()).toEqual(['message', 'status']);
    expect(missing.body.status).not.toBe(100);
    const invalid = await t.call('confReservation', site, {
      userId: 'u',
      userName: 'U',
      confName: 'W',
      duration: 'x',
      confParties: 5,
    });
    expect(invalid.body).toEqual({ status: 109, message: expect.stringContaining('duration') });
  });

  it('keeps the success status a literal 100 in the contract and open to every code on the wire', () => {
    for (const [name, schema] of Object.entries(answers)) {
      const wire = wireSchema(schema) as unknown as {
        properties: Record<string, { type?: string; const?: unknown }>;
        required: string[];
      };
      expect(wire.properties.status, name).toEqual({ type: 'integer' });
      expect(wire.required, name).toEqual(['status', 'message']);
    }
  });
});
