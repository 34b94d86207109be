import { randomUUID } from 'node:crypto';
import path from 'node:path';
import formbody from '@fastify/formbody';
import Fastify, {
  LogController,
  type FastifyBaseLogger,
  type FastifyInstance,
  type FastifyReply,
  type FastifyRequest,
} from 'fastify';
import { checkAnswerSerialisation } from './api/answer-check.js';
import { consoleApiRoutes } from './api/console.js';
import { consolePageRoutes } from './api/console-pages.js';
import { installErrorHandling } from './api/errors.js';
import { healthRoutes } from './api/health.js';
import { hostAndRoomRoutes } from './api/hosts-and-rooms.js';
import { liveRoutes } from './api/live.js';
import { mediaRoutes } from './api/media.js';
import { openapiDocs } from './api/openapi.js';
import { parseForm, screenJsonText } from './api/params.js';
import { connectRedisCounter, databaseRateCounter, failingOpen, type RateCounter } from './api/rate-counters.js';
import { CHOICE, IGNORE_CASE, JSON_TEXT } from './api/schemas.js';
import { ipRateLimit, SiteRateLimit, securityHeaders } from './api/security.js';
import { meetingRoutes } from './api/meetings.js';
import { recordingChunkRoutes } from './api/recording-chunks.js';
import { recordingRoutes } from './api/recordings.js';
import { registrationRoutes } from './api/registration.js';
import { statisticsRoutes } from './api/statistics.js';
import { userRoutes } from './api/users.js';
import { startSfu } from './api/sfu.js';
import { watchRoutes } from './api/watch.js';
import { rewriteGarbledLink, webRoutes } from './api/web.js';
import { webhookRoutes } from './api/webhooks.js';
import type { Config } from './config.js';
import { Code } from './domain/errors.js';
import { createLocalBus, type MeetingBus } from './store/bus.js';
import type { Db } from './store/database.js';
import { isPostgres } from './store/dialect.js';
import { createFileRecordingStorage, type RecordingStorage } from './store/recording-storage.js';
import { createUploadStaging, type UploadStaging } from './store/recording-uploads.js';
import { TokenLedger } from './store/token-ledger.js';

export interface AppOptions {
  /** The whole configuration: `loadConfig()` in the server, `defaultConfig({...})` in tests. */
  config: Config;
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
  /** Tests: every answer's serialisation is checked against what its handler returned (api/answer-check.ts). Default off. */
  checkAnswers?: boolean;
}

declare module 'fastify' {
  interface FastifyInstance {
    /** Every route registered, for the tests that hold the OpenAPI document against the server. */
    registeredRoutes: { method: string; url: string }[];
  }
}

/**
 * Largest body of a form or JSON request, on every route (the uploads stream their bodies and have
 * their own limits). The largest legitimate request, updateRegistrationQuestions with the 100 questions
 * the domain allows, each a 40-character Chinese title and 10 choices of 20 characters, is about 230 KiB
 * form-encoded (a Chinese character takes 9 bytes there) and 80 KiB as JSON.
 */
export const API_BODY_LIMIT = 256 * 1024;

/** The routes whose bodies may take the long `requestTimeoutMs`; every other one gets `bodyTimeoutMs`. */
export const UPLOAD_ROUTES: ReadonlySet<string> = new Set([
  'POST /media/v1/recordings',
  'PUT /web/v1/recordings/:uploadId/chunks/:index',
]);

/**
 * One access line per request instead of Fastify's two: nothing when a request arrives; when it is answered,
 * `request completed` (info) or `request errored` (error) with the request, its status and its time in ms.
 * Fastify's other lines (its error handler's, a 404's) stay as they are.
 */
class AccessLog extends LogController {
  override incomingRequest(): void {}

  override requestCompleted(error: Error | null | undefined, request: FastifyRequest, reply: FastifyReply): void {
    const line = { req: request, res: reply, responseTime: reply.elapsedTime };
    if (error) reply.log.error({ ...line, err: error }, 'request errored');
    else reply.log.info(line, 'request completed');
  }
}

/** A client's `x-request-id` is kept only when it is this plain. */
const PLAIN_REQUEST_ID = /^[A-Za-z0-9._:-]{1,64}$/;

const REQUEST_TIMEOUT_ANSWER = (() => {
  const body = JSON.stringify({ status: Code.parameter, message: '请求超时 (the request did not arrive in time)' });
  return `HTTP/1.1 408 Request Timeout\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`;
})();

/** The whole HTTP application on an open database; `main.ts` and the tests build it the same way. */
export async function buildApp(options: AppOptions): Promise<FastifyInstance> {
  const trustProxy = options.config.trustProxy;
  const app = Fastify({
    ...(options.logger ? { loggerInstance: options.logger } : { logger: false }),
    logController: new AccessLog(),
    genReqId: (raw) => {
      const presented = raw.headers['x-request-id'];
      return typeof presented === 'string' && PLAIN_REQUEST_ID.test(presented) ? presented : randomUUID();
    },
    requestIdHeader: false,
    bodyLimit: API_BODY_LIMIT,
    // A garbled meeting link gets the page that says so, not FST_ERR_BAD_URL's JSON.
    rewriteUrl: rewriteGarbledLink,
    ajv: { customOptions: { verbose: true, keywords: [CHOICE, IGNORE_CASE, JSON_TEXT] } },
    // Slow clients: an upload within requestTimeout (the server's own timer), any other request within
    // bodyTimeoutMs (the hook below); idle sockets closed.
    requestTimeout: options.config.requestTimeoutMs,
    connectionTimeout: options.config.idleTimeoutMs,
    ...(trustProxy.length > 0 ? { trustProxy: [...trustProxy] } : {}),
  });
  app.server.headersTimeout = options.config.headersTimeoutMs;
  const bodyTimeoutMs = options.config.bodyTimeoutMs;
  app.addHook('onRequest', (request, reply, done) => {
    const raw = request.raw;
    const hasBody = raw.headers['transfer-encoding'] !== undefined || Number(raw.headers['content-length'] ?? 0) > 0;
    if (hasBody && !UPLOAD_ROUTES.has(`${request.method} ${request.routeOptions.url}`)) {
      const timer = setTimeout(() => {
        if (raw.complete || reply.raw.headersSent) return;
        request.log.info({ timeoutMs: bodyTimeoutMs }, 'request body not received in time');
        const socket = raw.socket;
        socket.write(REQUEST_TIMEOUT_ANSWER, () => socket.destroy());
      }, bodyTimeoutMs);
      reply.raw.once('close', () => clearTimeout(timer));
    }
    done();
  });
  const routes: { method: string; url: string }[] = [];
  app.decorate('registeredRoutes', routes);
  app.addHook('onRoute', (route) => {
    for (const method of [route.method].flat()) routes.push({ method, url: route.url });
  });
  app.addHook('onSend', async (request, reply) => {
    reply.header('x-request-id', request.id);
  });
  // Bodies are forms or JSON (NOTES.md); anything else, plain text included, is 415 with status 109.
  // Both parsers count parameters and measure names and nesting before anything is copied (params.ts).
  app.removeContentTypeParser('text/plain');
  await app.register(formbody, { parser: parseForm });
  const parseJson = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    screenJsonText(body as string);
    parseJson(request, body as string, done);
  });
  installErrorHandling(app);
  if (options.checkAnswers) checkAnswerSerialisation(app);
  await securityHeaders(app);
  const limits = options.config.rateLimit;
  const sharedCounter = limits ? await sharedRateCounter(app, options) : undefined;
  if (limits) await ipRateLimit(app, limits.perIp, sharedCounter);
  await openapiDocs(app);

  const bus = options.bus ?? createLocalBus();
  const deps = {
    db: options.db,
    clock: options.clock ?? Date.now,
    tokenWindowMs: options.config.tokenWindowMs,
    siteRateLimit: limits ? new SiteRateLimit(limits.perSite, sharedCounter) : undefined,
    tokens: new TokenLedger(options.db),
  };
  const links = { publicUrl: options.config.publicUrl, protocolScheme: options.config.protocolScheme };
  await app.register(healthRoutes, { db: options.db });
  await app.register(userRoutes, deps);
  await app.register(meetingRoutes, { ...deps, links, serverStreams: options.config.sfu !== undefined });
  await app.register(liveRoutes, { ...deps, links, bus });
  await app.register(mediaRoutes, { ...deps, bus });
  const dataDir = options.config.dataDir;
  const storage = options.recordingStorage ?? createFileRecordingStorage({ root: path.join(dataDir, 'recordings') });
  await app.register(recordingRoutes, { ...deps, config: options.config, storage });
  await recordingChunkRoutes(app, {
    db: options.db,
    clock: deps.clock,
    storage,
    staging: options.recordingUploads ?? createUploadStaging({ root: path.join(dataDir, 'recording-uploads') }),
    maxBytes: options.config.recordingMaxBytes,
  });
  await app.register(registrationRoutes, { ...deps, links });
  await app.register(statisticsRoutes, deps);
  await app.register(hostAndRoomRoutes, deps);
  await app.register(webhookRoutes, { ...deps, targets: options.config.webhookTargets });
  const sfu = await startSfu(app, { config: options.config, db: options.db, bus, clock: deps.clock, storage });
  await webRoutes(app, {
    db: options.db,
    bus,
    clock: deps.clock,
    iceServers: options.config.iceServers,
    turn: options.config.turn,
    sfu,
    ...(options.webRoot ? { webRoot: options.webRoot } : {}),
  });
  await app.register(consoleApiRoutes, {
    db: options.db,
    clock: deps.clock,
    publicUrl: options.config.publicUrl,
    links,
    recordingLinkTtlMs: options.config.recordingLinkTtlMs,
    recordingStorage: storage,
    webhookTargets: options.config.webhookTargets,
    serverStreams: options.config.sfu !== undefined,
    bus,
  });
  await consolePageRoutes(app, options.webRoot ? { webRoot: options.webRoot } : {});
  await watchRoutes(app, {
    db: options.db,
    clock: deps.clock,
    dataDir,
    ...(options.webRoot ? { webRoot: options.webRoot } : {}),
  });
  return app;
}

/**
 * Where the rate limits count, when every server process must see the same counts: in Redis when
 * `redisUrl` is set, else in PostgreSQL (one upsert per counted request). SQLite servers (one process)
 * count in memory: undefined. A failing counter lets requests pass uncounted (logged once a minute).
 */
async function sharedRateCounter(app: FastifyInstance, options: AppOptions): Promise<RateCounter | undefined> {
  const onError = (err: unknown) => app.log.warn({ err }, 'rate limit counter failing; requests pass uncounted');
  if (options.config.redisUrl) {
    const redis = await connectRedisCounter(options.config.redisUrl, onError);
    app.addHook('onClose', () => redis.close());
    return redis.counter;
  }
  return isPostgres(options.db) ? failingOpen(databaseRateCounter(options.db, onError), onError) : undefined;
}
