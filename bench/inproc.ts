/**
 * In-process cost of one scenario: the app built as the server builds it (Fastify inject, no sockets, no
 * autocannon), driven `--count` requests in waves of `--concurrency`, on a freshly seeded SQLite database.
 * Prints µs per request; `--profile FILE` writes a CPU profile of the measured requests alone per scenario
 * (`FILE-<scenario>.cpuprofile`) and prints where its time went (profile-summary.ts).
 * `npx tsx bench/inproc.ts [--meetings N] [--count N] [--concurrency C] [--only REGEX] [--profile FILE]`
 */
import fs from 'node:fs';
import { Session } from 'node:inspector/promises';
import { parseArgs } from 'node:util';
import { formatSummary, summarise } from './profile-summary.js';
import { inProcessApp } from './in-process.js';

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
const inProcess = await inProcessApp({
  meetings: Number(values.meetings),
  only: new RegExp(values.only, 'i'),
  logLevel: values['log-level'],
  siteSign: 'inproc',
});
try {
  for (const s of inProcess.chosen) {
    const count = Number(values.count);
    const wave = Number(values.concurrency);
    const one = () => inProcess.request(s);
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
} finally {
  await inProcess.close();
}
