import { isDeepStrictEqual } from 'node:util';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { Code } from '../domain/errors.js';

/**
 * A test aid (`buildApp({ checkAnswers: true })`, as every test app is built): holds each answer
 * serialised with its route's schema (fast-json-stringify, which drops properties the schema lacks and
 * coerces types) against `JSON.stringify` of what the handler returned. On any difference the answer
 * becomes `{status: 103, message}` naming both, so the test that made the call fails on it.
 */
export function checkAnswerSerialisation(app: FastifyInstance): void {
  const returned = new WeakMap<FastifyRequest, string>();
  app.addHook('preSerialization', async (request, _reply, payload) => {
    returned.set(request, JSON.stringify(payload));
    return payload;
  });
  app.addHook('onSend', async (request, _reply, payload) => {
    const expected = returned.get(request);
    if (expected === undefined || typeof payload !== 'string') return payload;
    if (isDeepStrictEqual(JSON.parse(payload), JSON.parse(expected))) return payload;
    request.log.error({ expected, serialised: payload }, 'serialisation changed the answer');
    return JSON.stringify({
      status: Code.internal,
      message: `serialisation changed the answer: returned ${expected}, sent ${payload}`,
    });
  });
}
