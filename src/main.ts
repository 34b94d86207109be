import type { FastifyInstance } from 'fastify';
import { buildApp } from './app.js';
import type { Config } from './config.js';
import { createDemoOwner, setPasswordUrl } from './domain/console-accounts.js';
import { createDemoSiteIfEmpty, ensureSite } from './domain/sites.js';
import { connect, type Store } from './store/connect.js';
import { migrateToLatest } from './store/migrate.js';
import { pino } from 'pino';
import { backgroundLoops } from './api/background.js';
import { logSerializers } from './api/log.js';
import { sweep } from './domain/sweeper.js';
import { deliveryWorker } from './domain/webhooks.js';
import { createBus } from './store/bus.js';
import { pruneTokens } from './store/tokens.repository.js';

const TOKEN_PRUNE_INTERVAL_MS = 60_000;
const SWEEP_INTERVAL_MS = 5_000;
const DELIVERY_INTERVAL_MS = 1_000;
/** The log is written when this much is buffered, or every LOG_FLUSH_MS. */
const LOG_BUFFER_BYTES = 4096;
const LOG_FLUSH_MS = 1_000;

export interface Server {
  app: FastifyInstance;
  store: Store;
  /** The address actually bound (useful with PORT=0). */
  url: string;
  close(): Promise<void>;
}

/**
 * Opens the database, migrates it, makes sure the bootstrap and demo sites exist, and listens.
 * `close()` stops accepting connections, finishes the requests in flight, then closes the database.
 */
export async function serve(
  config: Config,
  out: (line: string) => void = (l) => process.stdout.write(`${l}\n`),
): Promise<Server> {
  const log = bufferedLog();
  const logger = pino({ level: config.logLevel, serializers: logSerializers }, log.destination);
  const store = await connect({
    databaseUrl: config.databaseUrl,
    dataDir: config.dataDir,
    backgroundCheckpoint: true,
    onCheckpointError: (message) => logger.warn({ message }, 'background WAL checkpoint failed'),
    onConnectionError: (err) => logger.warn({ err }, 'database connection lost; the pool opens a new one'),
  });
  await migrateToLatest(store);
  const now = Date.now();
  if (config.bootstrapSite) await ensureSite(store.db, config.bootstrapSite.siteSign, config.bootstrapSite.apiKey, now);
  const demo = await createDemoSiteIfEmpty(store.db, now);
  const demoOwner = demo ? await createDemoOwner(store.db, demo, now) : undefined;

  const bus = await createBus(store, config.databaseUrl, (err) =>
    logger.warn({ err }, 'presence bus connection lost; reconnecting'),
  );
  const app = await buildApp({ config, db: store.db, bus, logger });
  if (config.iceServers.some((server) => server.credential !== undefined))
    app.log.warn(
      "HUIGUAN_ICE_SERVERS holds a TURN password, which every participant's page is shown; use HUIGUAN_TURN_URLS and HUIGUAN_TURN_SECRET for credentials minted per participant",
    );
  const deliveries = deliveryWorker(store.db, {
    targets: config.webhookTargets,
    onError: (err) => app.log.warn({ err }, 'webhook delivery failed'),
  });
  await app.register(backgroundLoops, {
    loops: [
      // Forgets tokens that can no longer pass the window check.
      {
        name: 'token pruning',
        everyMs: TOKEN_PRUNE_INTERVAL_MS,
        run: () => pruneTokens(store.db, Date.now() - config.tokenWindowMs),
      },
      // Lets go of silent pages, ends sessions at their window's end, finishes meetings whose window passed.
      {
        name: 'sweep',
        everyMs: SWEEP_INTERVAL_MS,
        run: async () => {
          const changed = await sweep(store.db, Date.now(), config.heartbeatTimeoutMs);
          await Promise.all(changed.map((id) => bus.publish(id)));
        },
      },
      // Sends the webhook outbox.
      { name: 'webhook deliveries', everyMs: DELIVERY_INTERVAL_MS, run: deliveries.look, stop: deliveries.stop },
    ],
  });
  await app.listen({ port: config.port, host: config.host });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  const url = `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${port}`;
  app.log.info({ url, database: store.location, dialect: store.dialect, publicUrl: config.publicUrl }, 'listening');
  out(`huiguan listening on ${url} (${store.dialect})`);
  if (demo) out(demoBanner(url, demo.site_sign, demo.api_key, demoOwner));

  let closing: Promise<void> | undefined;
  const close = () =>
    (closing ??= (async () => {
      await app.close();
      await bus.close();
      await store.db.destroy();
      log.close();
    })());
  return { app, store, url, close };
}

/**
 * The log's destination: stdout, written asynchronously from a buffer (flushed at LOG_BUFFER_BYTES, every
 * LOG_FLUSH_MS, on close and, by pino, at exit), so a request does not wait for its access line's write. A kill -9 loses
 * at most the last second's lines (docs/decisions.md, "Logging").
 */
function bufferedLog() {
  const destination = pino.destination({ dest: 1, sync: false, minLength: LOG_BUFFER_BYTES });
  const flush = () => {
    try {
      destination.flushSync();
    } catch {
      // Not open yet, or stdout is gone: nothing to do.
    }
  };
  const timer = setInterval(() => destination.flush(), LOG_FLUSH_MS).unref();
  // At exit pino writes what is buffered itself.
  return {
    destination,
    close() {
      clearInterval(timer);
      flush();
    },
  };
}

function demoBanner(
  url: string,
  siteSign: string,
  apiKey: string,
  owner: { account: { email: string }; secret: string } | undefined,
): string {
  const consoleLines = owner
    ? [
        `Site console: ${url}/console/ — set the password of its owner, ${owner.account.email}, here (works once, for 3 days;`,
        '`./bin/huiguan admin add` makes more accounts):',
        `  ${setPasswordUrl(url, owner.secret)}`,
      ]
    : [];
  return [
    '',
    `Created site "${siteSign}" on this empty database. Its API key (\`./bin/huiguan site list\`, or \`npx huiguan site list\`, shows it again at any time):`,
    `  ${apiKey}`,
    'Try it (from the project directory):',
    `  eval "$(./bin/huiguan sign --key ${apiKey} u1)"   # sets TS and TOKEN`,
    `  curl -s ${url}/openapi/v2/createOrUpdateUser -d userId=u1 -d userName=Alice -d siteSign=${siteSign} -d timeStamp=$TS -d token=$TOKEN`,
    ...consoleLines,
    '',
  ].join('\n');
}
