/**
 * In-process cost of one scenario: the app built as the server builds it (Fastify inject, no sockets, no
 * autocannon), driven `--count` requests in waves of `--concurrency`, on a freshly seeded SQLite database.
 * Prints µs per request; `--profile FILE` writes a CPU profile of the measured requests alone per scenario
 * (`FILE-<scenario>.cpuprofile`) and prints where its time went (profile-summary.ts).
 * `npx tsx bench/inproc.ts [--meetings N] [--count N] [--concurrency C] [--only REGEX] [--profile FILE]`
 */
import fs from 'node:fs';
import { Session } from 'node:inspector/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import pino from 'pino';
import { buildApp } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { createBus } from '../src/store/bus.js';
import { connect } from '../src/store/connect.js';
import { formatSummary, summarise } from './profile-summary.js';
import { scenarios, Signer } from './scenarios.js';
import { seed } from './seed.js';

const { values } = parseArgs({
  options: {
    meetings: { type: 'string', default: '20000' },
    count: { type: 'string', default: '20000' },
    concurrency: { type: 'string', default: '50' },
    only: { type: 'string', default: 'getConfDetailByConfId' },
    'log-level': { type: 'string', default: 'info' },
    profile: { type: 'string' },
  },
});
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'huiguan-inproc-'));
try {
  const meetings = Number(values.meetings);
  const seeded = await seed({
    target: { dialect: 'sqlite', dataDir },
    meetings,
    participations: meetings * 10,
    siteSign: 'inproc',
  });
  const config = loadConfig({ HUIGUAN_DATA_DIR: dataDir, HUIGUAN_RATE_LIMIT: 'off', LOG_LEVEL: values['log-level'] });
  const store = await connect({ dataDir });
  const bus = await createBus(store, undefined, () => undefined);
  const logger = pino(
    { level: values['log-level'] },
    pino.destination({ dest: '/dev/null', sync: false, minLength: 4096 }),
  );
  const app = await buildApp({ config, db: store.db, bus, logger });
  await app.ready();
  const signer = new Signer(seeded.siteSign, seeded.apiKey);
  const only = new RegExp(values.only, 'i');
  for (const s of [...scenarios(seeded).read, ...scenarios(seeded).write].filter((x) => only.test(x.name))) {
    const count = Number(values.count);
    const wave = Number(values.concurrency);
    const one = async () => {
      const call = s.next({});
      const res = await app.inject({
        method: 'POST',
        url: call.path,
        headers: { 'content-type': 'application/json' },
        payload: signer.body(call),
      });
      if (!res.body.startsWith('{"status":100')) throw new Error(`${s.name}: ${res.body.slice(0, 200)}`);
    };
    for (let i = 0; i < 500; i += wave) await Promise.all(Array.from({ length: wave }, one));
    const session = values.profile ? new Session() : undefined;
    if (session) {
      session.connect();
      await session.post('Profiler.enable');
      await session.post('Profiler.start');
    }
    const started = process.hrtime.bigint();
    for (let i = 0; i < count; i += wave) await Promise.all(Array.from({ length: wave }, one));
    const us = Number(process.hrtime.bigint() - started) / 1000 / count;
    if (session) {
      const { profile } = await session.post('Profiler.stop');
      const file = values.profile!.replace(/(\.cpuprofile)?$/, `-${s.name.replace(/\W+/g, '-')}.cpuprofile`);
      fs.writeFileSync(file, JSON.stringify(profile));
      session.disconnect();
      console.log(`${s.name.padEnd(50)} ${us.toFixed(1)} µs/request (${count} requests, waves of ${wave}); ${file}`);
      console.log(formatSummary(summarise(profile)));
    } else console.log(`${s.name.padEnd(50)} ${us.toFixed(1)} µs/request (${count} requests, waves of ${wave})`);
  }
  await app.close();
  await bus.close();
  await store.db.destroy();
} finally {
  fs.rmSync(dataDir, { recursive: true, force: true });
}
