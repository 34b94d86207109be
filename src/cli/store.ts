import { loadConfig } from '../config.js';
import { connect, type Store } from '../store/connect.js';
import { migrateToLatest } from '../store/migrate.js';

/** Runs `work` on the configured database (migrated first unless `migrate` is false), then closes it. */
export async function withStore<T>(work: (store: Store) => Promise<T>, { migrate = true } = {}): Promise<T> {
  const config = loadConfig();
  const store = await connect({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, poolSize: 2 });
  try {
    if (migrate) await migrateToLatest(store);
    return await work(store);
  } finally {
    await store.db.destroy();
  }
}
