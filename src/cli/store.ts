import { loadConfig } from '../config.js';
import { connect, type Store } from '../store/connect.js';
import { migrateToLatest } from '../store/migrate.js';

/** Runs `work` on the configured database (migrated first), then closes it. */
export async function withStore<T>(work: (store: Store) => Promise<T>): Promise<T> {
  const config = loadConfig();
  const store = await connect({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, poolSize: 2 });
  try {
    await migrateToLatest(store.db);
    return await work(store);
  } finally {
    await store.db.destroy();
  }
}
