import { randomUUID } from 'node:crypto';
import formbody from '@fastify/formbody';
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import { installErrorHandling } from './api/errors.js';
import { healthRoutes } from './api/health.js';
import { logSerializers } from './api/log.js';
import { meetingRoutes } from './api/meetings.js';
import { userRoutes } from './api/users.js';
import type { Config } from './config.js';
import type { Db } from './store/database.js';

export interface AppOptions {
  config: Pick<Config, 'tokenWindowMs' | 'logLevel' | 'publicUrl' | 'protocolScheme'>;
  db: Db;
  /** Current time in epoch ms. Default `Date.now`. */
  clock?: () => number;
  /** pino options or destination; default: no logging (tests). `main.ts` passes the real one. */
  logger?: FastifyServerOptions['logger'];
}

/** The whole HTTP application on an open database; `main.ts` and the tests build it the same way. */
export async function buildApp(options: AppOptions): Promise<FastifyInstance> {
  const app = Fastify({
    logger: options.logger ? { ...(options.logger === true ? {} : options.logger), serializers: logSerializers } : false,
    genReqId: () => randomUUID(),
    requestIdHeader: 'x-request-id',
    bodyLimit: 1024 * 1024,
    ajv: { customOptions: { verbose: true } },
  });
  app.addHook('onSend', async (request, reply) => {
    reply.header('x-request-id', request.id);
  });
  await app.register(formbody);
  installErrorHandling(app);

  const deps = { db: options.db, clock: options.clock ?? Date.now, tokenWindowMs: options.config.tokenWindowMs };
  healthRoutes(app, options.db);
  userRoutes(app, deps);
  meetingRoutes(app, { ...deps, links: { publicUrl: options.config.publicUrl, protocolScheme: options.config.protocolScheme } });
  return app;
}
