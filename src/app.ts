import { randomUUID } from 'node:crypto';
import path from 'node:path';
import formbody from '@fastify/formbody';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { installErrorHandling } from './api/errors.js';
import { healthRoutes } from './api/health.js';
import { hostAndRoomRoutes } from './api/hosts-and-rooms.js';
import { liveRoutes } from './api/live.js';
import { mediaRoutes } from './api/media.js';
import { openapiDocs } from './api/openapi.js';
import { ipRateLimit, SiteRateLimit, securityHeaders } from './api/security.js';
import { meetingRoutes } from './api/meetings.js';
import { recordingChunkRoutes } from './api/recording-chunks.js';
import { recordingRoutes } from './api/recordings.js';
import { registrationRoutes } from './api/registration.js';
import { statisticsRoutes } from './api/statistics.js';
import { userRoutes } from './api/users.js';
import { webRoutes } from './api/web.js';
import { webhookRoutes } from './api/webhooks.js';
import { DEFAULT_RECORDING_MAX_BYTES, type Config } from './config.js';
import { createLocalBus, type MeetingBus } from './store/bus.js';
import type { Db } from './store/database.js';
import { createFileRecordingStorage, type RecordingStorage } from './store/recording-storage.js';
import { createUploadStaging, type UploadStaging } from './store/recording-uploads.js';
import { TokenLedger } from './store/token-ledger.js';

export interface AppOptions {
  /** `dataDir`, `recordingMaxBytes`, `recordingLinkTtlMs` and `iceServers` default as in `loadConfig`. */
  config: Pick<Config, 'tokenWindowMs' | 'logLevel' | 'publicUrl' | 'protocolScheme'> &
    Partial<
      Pick<Config, 'dataDir' | 'recordingMaxBytes' | 'recordingLinkTtlMs' | 'rateLimit' | 'headersTimeoutMs' | 'requestTimeoutMs' | 'idleTimeoutMs' | 'iceServers'>
    >;
  db: Db;
  /** Current time in epoch ms. Default `Date.now`. */
  clock?: () => number;
  /** Presence announcements between server processes. Default: within this process only. */
  bus?: MeetingBus;
  /** Directory of the built pages. Default `dist/web`. */
  webRoot?: string;
  /** A pino logger; default: no logging (tests). `main.ts` passes the real one. */
  logger?: FastifyBaseLogger;
  /** Where recording files are kept. Default: files under `<config.dataDir>/recordings`. */
  recordingStorage?: RecordingStorage;
  /** Where the page's recordings wait while their chunks arrive. Default: under `<config.dataDir>/recording-uploads`. */
  recordingUploads?: UploadStaging;
}

declare module 'fastify' {
  interface FastifyInstance {
    /** Every route registered, for the tests that hold the OpenAPI document against the server. */
    registeredRoutes: { method: string; url: string }[];
  }
}

/** The whole HTTP application on an open database; `main.ts` and the tests build it the same way. */
export async function buildApp(options: AppOptions): Promise<FastifyInstance> {
  const app = Fastify({
    ...(options.logger ? { loggerInstance: options.logger } : { logger: false }),
    genReqId: () => randomUUID(),
    requestIdHeader: 'x-request-id',
    bodyLimit: 1024 * 1024,
    ajv: { customOptions: { verbose: true } },
    // Slow clients: the whole request (uploads included) within requestTimeout, idle sockets closed.
    requestTimeout: options.config.requestTimeoutMs ?? 3_600_000,
    connectionTimeout: options.config.idleTimeoutMs ?? 120_000,
  });
  app.server.headersTimeout = options.config.headersTimeoutMs ?? 20_000;
  const routes: { method: string; url: string }[] = [];
  app.decorate('registeredRoutes', routes);
  app.addHook('onRoute', (route) => {
    for (const method of [route.method].flat()) routes.push({ method, url: route.url });
  });
  app.addHook('onSend', async (request, reply) => {
    reply.header('x-request-id', request.id);
  });
  // Bodies are forms or JSON (NOTES.md); anything else, plain text included, is 415 with status 109.
  app.removeContentTypeParser('text/plain');
  await app.register(formbody);
  installErrorHandling(app);
  await securityHeaders(app);
  const limits = options.config.rateLimit ?? null;
  if (limits) await ipRateLimit(app, limits.perIp);
  await openapiDocs(app);

  const bus = options.bus ?? createLocalBus();
  const deps = {
    db: options.db,
    clock: options.clock ?? Date.now,
    tokenWindowMs: options.config.tokenWindowMs,
    siteRateLimit: limits ? new SiteRateLimit(limits.perSite) : undefined,
    tokens: new TokenLedger(options.db),
  };
  const links = { publicUrl: options.config.publicUrl, protocolScheme: options.config.protocolScheme };
  healthRoutes(app, options.db);
  userRoutes(app, deps);
  meetingRoutes(app, { ...deps, links });
  liveRoutes(app, { ...deps, links, bus });
  mediaRoutes(app, { ...deps, bus });
  const dataDir = path.resolve(options.config.dataDir ?? './data');
  const storage = options.recordingStorage ?? createFileRecordingStorage({ root: path.join(dataDir, 'recordings') });
  await recordingRoutes(app, { ...deps, config: options.config, storage });
  await recordingChunkRoutes(app, {
    db: options.db,
    clock: deps.clock,
    storage,
    staging: options.recordingUploads ?? createUploadStaging({ root: path.join(dataDir, 'recording-uploads') }),
    maxBytes: options.config.recordingMaxBytes ?? DEFAULT_RECORDING_MAX_BYTES,
  });
  registrationRoutes(app, { ...deps, links });
  statisticsRoutes(app, deps);
  hostAndRoomRoutes(app, deps);
  webhookRoutes(app, deps);
  await webRoutes(app, {
    db: options.db,
    bus,
    clock: deps.clock,
    iceServers: options.config.iceServers ?? [],
    ...(options.webRoot ? { webRoot: options.webRoot } : {}),
  });
  return app;
}
