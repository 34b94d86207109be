import { Command } from 'commander';
import { ConfigError, loadConfig } from '../config.js';
import { ApiError } from '../domain/errors.js';
import { serve } from '../main.js';
import { siteCommands } from './site.js';
import { userCommands } from './user.js';
import { migrateToLatest } from '../store/migrate.js';
import { withStore } from './store.js';
import { webhookCommands } from './webhook.js';

const program = new Command()
  .name('huiguan')
  .description('Huiguan (会管): a self-hosted meeting platform speaking the BizConf Video OpenAPI v2')
  .showHelpAfterError()
  .addHelpText(
    'after',
    `
Examples:
  $ huiguan site create --sign acme --name Acme --parties 100 --json
  $ huiguan webhook add --site acme --url https://crm.example.com/hooks
  $ PORT=8080 huiguan serve

Calling the API from TypeScript (packages/sdk):
  import { HuiguanClient } from '@huiguan/sdk';
  const client = new HuiguanClient({ baseUrl: 'http://127.0.0.1:8080', siteSign: 'acme', apiKey: process.env.HUIGUAN_API_KEY! });
  const { data } = await client.meetings.reserve({ userId: 'u1', userName: 'Alice', confName: 'Weekly', startTime: new Date(Date.now() + 3_600_000), duration: 60, confParties: 5 });
  console.log(data.joinUrl);`,
  );

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
userCommands(program);
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
