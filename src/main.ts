import type { FastifyInstance } from 'fastify';
import { buildApp } from './app.js';
import type { Config } from './config.js';
import { createDemoSiteIfEmpty, ensureSite } from './domain/sites.js';
import { connect, type Store } from './store/connect.js';
import { migrateToLatest } from './store/migrate.js';
import { settleFinished } from './store/meetings.repository.js';
import { pruneTokens } from './store/tokens.repository.js';

const HOUSEKEEPING_INTERVAL_MS = 30_000;

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
export async function serve(config: Config, out: (line: string) => void = (l) => process.stdout.write(`${l}\n`)): Promise<Server> {
  const store = await connect({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
  await migrateToLatest(store);
  const now = Date.now();
  if (config.bootstrapSite) await ensureSite(store.db, config.bootstrapSite.siteSign, config.bootstrapSite.apiKey, now);
  const demo = await createDemoSiteIfEmpty(store.db, now);

  const app = await buildApp({ config, db: store.db, logger: { level: config.logLevel } });
  await app.listen({ port: config.port, host: config.host });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  const url = `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${port}`;
  app.log.info({ url, database: store.location, dialect: store.dialect, publicUrl: config.publicUrl }, 'listening');
  out(`huiguan listening on ${url} (${store.dialect})`);
  if (demo) out(demoBanner(url, demo.site_sign, demo.api_key));

  // Forgets tokens that can no longer pass the window check, and ends scheduled meetings whose window
  // has passed (requests settle the meetings they read themselves; this keeps the rest current).
  const pruner = setInterval(() => {
    const at = Date.now();
    Promise.all([pruneTokens(store.db, at), settleFinished(store.db, at)]).catch((err: unknown) =>
      app.log.warn({ err }, 'housekeeping failed'),
    );
  }, HOUSEKEEPING_INTERVAL_MS);
  pruner.unref();

  let closing: Promise<void> | undefined;
  const close = () =>
    (closing ??= (async () => {
      clearInterval(pruner);
      await app.close();
      await store.db.destroy();
    })());
  return { app, store, url, close };
}

function demoBanner(url: string, siteSign: string, apiKey: string): string {
  return [
    '',
    `Created site "${siteSign}" on this empty database. Its API key (shown once; \`huiguan site list\` shows it again):`,
    `  ${apiKey}`,
    'Try it:',
    `  TS=$(date +%s%3N); TOKEN=$(printf '%s' "u1|${apiKey}|$TS" | md5sum | cut -c1-32 | tr a-f A-F)`,
    `  curl -s ${url}/openapi/v2/createOrUpdateUser -d userId=u1 -d userName=Alice -d siteSign=${siteSign} -d timeStamp=$TS -d token=$TOKEN`,
    '',
  ].join('\n');
}
