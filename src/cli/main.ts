import { Command } from 'commander';
import { ConfigError, loadConfig } from '../config.js';
import { ApiError } from '../domain/errors.js';
import { serve } from '../main.js';
import { siteCommands } from './site.js';
import { migrateToLatest } from '../store/migrate.js';
import { withStore } from './store.js';
import { webhookCommands } from './webhook.js';

const program = new Command()
  .name('huiguan')
  .description('Huiguan (会管): a self-hosted meeting platform speaking the BizConf Video OpenAPI v2')
  .showHelpAfterError();

program
  .command('serve')
  .description('run the HTTP server (PORT, HOST, HUIGUAN_DATA_DIR, DATABASE_URL, HUIGUAN_PUBLIC_URL, ...)')
  .action(async () => {
    const server = await serve(loadConfig());
    let signals = 0;
    const stop = (signal: string) => {
      signals += 1;
      if (signals > 1) process.exit(1);
      server.app.log.info({ signal }, 'shutting down');
      server.close().then(
        () => process.exit(0),
        (err: unknown) => {
          server.app.log.error({ err }, 'shutdown failed');
          process.exit(1);
        },
      );
    };
    process.on('SIGTERM', () => stop('SIGTERM'));
    process.on('SIGINT', () => stop('SIGINT'));
  });

program
  .command('migrate')
  .description('apply pending database migrations and exit')
  .action(async () => {
    await withStore(async (store) => {
      const applied = await migrateToLatest(store);
      console.log(applied.length ? `applied: ${applied.join(', ')}` : 'database is up to date');
    }, { migrate: false });
  });

siteCommands(program);
webhookCommands(program);

try {
  await program.parseAsync(process.argv);
} catch (err) {
  if (err instanceof ApiError || err instanceof ConfigError) {
    console.error(`huiguan: ${err.message}`);
    process.exit(1);
  }
  throw err;
}
