import { Command, CommanderError } from 'commander';
import { ConfigError, loadConfig } from '../config.js';
import { ApiError } from '../domain/errors.js';
import { migrateToLatest } from '../store/migrate.js';
import { rebuildOccupancy } from '../store/meetings.repository.js';
import { adminCommands } from './admin.js';
import { signCommand } from './sign.js';
import { siteCommands } from './site.js';
import { processIo, withStore, type CliIo } from './store.js';
import { userCommands } from './user.js';
import { webhookCommands } from './webhook.js';

export type { CliIo } from './store.js';

/**
 * Runs `huiguan <argv…>` and answers its exit code (0, or 1 after a message on `io.err`). The server is loaded
 * only for `serve`, whose promise settles once it listens (the process then lives on until a signal).
 * Tests run commands in process with an `io` of their own: its env names their database.
 */
export async function runCli(argv: readonly string[], io: CliIo = processIo): Promise<number> {
  const program = new Command()
    .name('huiguan')
    .description('Huiguan (会管): a self-hosted meeting platform speaking the BizConf Video OpenAPI v2')
    .showHelpAfterError()
    .exitOverride()
    .configureOutput({
      writeOut: (text) => io.out(text.replace(/\n$/, '')),
      writeErr: (text) => io.err(text.replace(/\n$/, '')),
    })
    .addHelpText(
      'after',
      `
Examples:
  $ ./bin/huiguan site create --sign acme --name Acme --parties 100 --json
  $ ./bin/huiguan webhook add --site acme --url https://crm.example.com/hooks
  $ eval "$(./bin/huiguan sign --site acme u1)"   # sets TS and TOKEN for a call by userId u1
  $ PORT=8080 ./bin/huiguan serve
(\`npx huiguan …\` runs the same commands from the project's directory.)

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
      const { serve } = await import('../main.js');
      const server = await serve(loadConfig(io.env), io.out);
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
      await withStore(
        io,
        async (store) => {
          const applied = await migrateToLatest(store);
          io.out(applied.length ? `applied: ${applied.join(', ')}` : 'database is up to date');
        },
        { migrate: false },
      );
    });

  program
    .command('rebuild-occupancy')
    .description("rebuild every site's occupancy timeline (getReMainNumPartis, the licence check) from its meetings")
    .action(async () => {
      await withStore(io, async (store) => {
        const started = Date.now();
        await rebuildOccupancy(store.db);
        io.out(`occupancy rebuilt from the meetings in ${Date.now() - started} ms`);
      });
    });

  siteCommands(program, io);
  userCommands(program, io);
  webhookCommands(program, io);
  adminCommands(program, io);
  signCommand(program, io);

  try {
    await program.parseAsync(argv, { from: 'user' });
    return 0;
  } catch (err) {
    // Commander has printed its message (or the help) already.
    if (err instanceof CommanderError) return err.exitCode;
    if (err instanceof ApiError || err instanceof ConfigError) {
      io.err(`huiguan: ${err.message}`);
      return 1;
    }
    throw err;
  }
}
