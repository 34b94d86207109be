import type {
  KyselyPlugin,
  PluginTransformQueryArgs,
  PluginTransformResultArgs,
  QueryResult,
  RootOperationNode,
  UnknownRow,
} from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Store } from '../../src/store/connect.js';
import { migrateToLatest } from '../../src/store/migrate.js';
import { TokenLedger } from '../../src/store/token-ledger.js';
import { createTestDatabase, type TestDatabase } from '../helper.js';

/** Counts the insert statements that reach the database. */
class InsertCounter implements KyselyPlugin {
  inserts = 0;
  transformQuery(args: PluginTransformQueryArgs): RootOperationNode {
    if (args.node.kind === 'InsertQueryNode') this.inserts += 1;
    return args.node;
  }
  async transformResult(args: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
    return args.result;
  }
}

let database: TestDatabase;
let store: Store;
beforeAll(async () => {
  database = await createTestDatabase();
  store = await database.open();
  await migrateToLatest(store);
});
afterAll(async () => {
  await store.db.destroy();
  await database.drop();
});

const T = 1_780_000_000_000;
const claim = (n: number, time_stamp = T) => ({
  time_stamp,
  token: n.toString(16).toUpperCase().padStart(32, '0'),
  site_id: 1,
});

describe('TokenLedger', () => {
  it('writes the claims of one turn in one statement and answers each', async () => {
    const counter = new InsertCounter();
    const ledger = new TokenLedger(store.db.withPlugin(counter));
    const answers = await Promise.all([1, 2, 3, 2, 4, 1].map((n) => ledger.claim(claim(n))));
    expect(answers).toEqual([true, true, true, false, true, false]);
    expect(counter.inserts).toBe(1);
    // Claims made while a batch is written go together in the next one.
    const first = ledger.claim(claim(5));
    await new Promise((resolve) => setImmediate(resolve));
    const later = [6, 7, 5].map((n) => ledger.claim(claim(n)));
    expect([await first, ...(await Promise.all(later))]).toEqual([true, true, true, false]);
    expect(counter.inserts).toBe(3);
  });

  it('refuses a token claimed before, in an earlier batch or by another ledger', async () => {
    const a = new TokenLedger(store.db);
    const b = new TokenLedger(store.db);
    expect(await a.claim(claim(10))).toBe(true);
    expect(await b.claim(claim(10))).toBe(false);
    expect(await a.claim(claim(10, T + 1))).toBe(true); // another timeStamp is another claim
    await b.release(claim(10));
    expect(await a.claim(claim(10))).toBe(true);
  });
});
