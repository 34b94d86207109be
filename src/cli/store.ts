import { loadConfig } from '../config.js';
import { connect, type Store } from '../store/connect.js';
import { migrateToLatest } from '../store/migrate.js';

/** Where a CLI run reads its configuration and writes its lines: the process's, or a test's own. */
export interface CliIo {
  env: NodeJS.ProcessEnv;
  /** One line of output (stdout). */
  out(line: string): void;
  /** One line of diagnostics (stderr). */
  err(line: string): void;
}

export const processIo: CliIo = {
  env: process.env,
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
};

/** Runs `work` on the configured database (migrated first unless `migrate` is false), then closes it. */
export async function withStore<T>(io: CliIo, work: (store: Store) => Promise<T>, { migrate = true } = {}): Promise<T> {
  const config = loadConfig(io.env);
  const store = await connect({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, poolSize: 2 });
  try {
    if (migrate) await migrateToLatest(store);
    return await work(store);
  } finally {
    await store.db.destroy();
  }
}
