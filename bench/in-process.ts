/**
 * The app in process, as the server builds it, on a freshly seeded SQLite database of its own: what `inproc.ts`
 * and `statements.ts` drive with Fastify's `inject` (no sockets, no autocannon).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { buildApp } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { createBus } from '../src/store/bus.js';
import { connect } from '../src/store/connect.js';
import { scenarios, Signer, type Scenario } from './scenarios.js';
import { seed } from './seed.js';

export interface InProcessApp {
  /** The SQLite file the app answers from. */
  file: string;
  /** The read and write scenarios whose name matches `only`. */
  chosen: Scenario[];
  /** Sends one request of `scenario` and answers its body; throws unless it answered status 100. */
  request(scenario: Scenario): Promise<string>;
  /** Closes the app and its database and removes the database. */
  close(): Promise<void>;
}

export async function inProcessApp(options: {
  meetings: number;
  only: RegExp;
  logLevel: string;
  siteSign: string;
}): Promise<InProcessApp> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), `huiguan-${options.siteSign}-`));
  try {
    const seeded = await seed({
      target: { dialect: 'sqlite', dataDir },
      meetings: options.meetings,
      participations: options.meetings * 10,
      siteSign: options.siteSign,
    });
    const config = loadConfig({ HUIGUAN_DATA_DIR: dataDir, HUIGUAN_RATE_LIMIT: 'off', LOG_LEVEL: options.logLevel });
    const store = await connect({ dataDir });
    const bus = await createBus(store, undefined, () => undefined);
    // The log lines are made and written as the server does, to a buffered destination that keeps none.
    const logger = pino(
      { level: options.logLevel },
      pino.destination({ dest: '/dev/null', sync: false, minLength: 4096 }),
    );
    const app = await buildApp({ config, db: store.db, bus, logger });
    await app.ready();
    const signer = new Signer(seeded.siteSign, seeded.apiKey);
    const all = scenarios(seeded);
    return {
      file: path.join(dataDir, 'huiguan.db'),
      chosen: [...all.read, ...all.write].filter((s) => options.only.test(s.name)),
      async request(scenario) {
        const call = scenario.next({});
        const res = await app.inject({
          method: 'POST',
          url: call.path,
          headers: { 'content-type': 'application/json' },
          payload: signer.body(call),
        });
        if (!res.body.startsWith('{"status":100')) throw new Error(`${scenario.name}: ${res.body.slice(0, 200)}`);
        return res.body;
      },
      async close() {
        await app.close();
        await bus.close();
        await store.db.destroy();
        fs.rmSync(dataDir, { recursive: true, force: true });
      },
    };
  } catch (err) {
    fs.rmSync(dataDir, { recursive: true, force: true });
    throw err;
  }
}
