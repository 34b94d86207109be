import type { FastifyPluginAsync } from 'fastify';
import type { Db } from '../store/database.js';
import { ping } from '../store/dialect.js';

/** `/healthz`: the process answers. `/readyz`: and its database does too (503 otherwise). */
export const healthRoutes: FastifyPluginAsync<{ db: Db }> = async (app, { db }) => {
  app.get('/healthz', async () => ({ status: 'ok' }));
  app.get('/readyz', async (request, reply) => {
    try {
      await ping(db);
      return { status: 'ok' };
    } catch (err) {
      request.log.warn({ err }, 'database not reachable');
      return reply.code(503).send({ status: 'unavailable', message: 'database not reachable' });
    }
  });
};
