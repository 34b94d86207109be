/**
 * `npm run bench -- [options]`: seeds a site, starts `bin/huiguan serve` as its own process, drives it
 * scenario by scenario with autocannon, measures the bare Fastify and `node:http` ceilings in the same
 * run, and writes the results to docs/benchmarks.md. Options: bench/README.md.
 */
import autocannon from 'autocannon';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { startBare, startServer, type Child } from './processes.js';
import { writeReport, type Measured, type Run } from './report.js';
import { scenarios, Signer, type Call, type Scenario } from './scenarios.js';
import { databaseSize, seed, type Seeded, type Target } from './seed.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

const { values } = parseArgs({
  options: {
    db: { type: 'string', default: 'sqlite' },
    meetings: { type: 'string' },
    participations: { type: 'string' },
    duration: { type: 'string' },
    warmup: { type: 'string' },
    connections: { type: 'string', default: '50' },
    quick: { type: 'boolean', default: false },
    growth: { type: 'boolean', default: false },
    'growth-from': { type: 'string', default: '10000' },
    only: { type: 'string' },
    profile: { type: 'boolean', default: false },
    'no-write': { type: 'boolean', default: false },
    out: { type: 'string', default: 'docs/benchmarks.md' },
    'no-wait': { type: 'boolean', default: false },
  },
});

const quick = values.quick;
const dialect = values.db === 'postgres' || values.db === 'pg' ? 'postgres' : 'sqlite';
const meetings = Number(values.meetings ?? (quick ? 5_000 : 100_000));
const participations = Number(values.participations ?? meetings * 10);
const duration = Number(values.duration ?? (quick ? 3 : 10));
const warmup = Number(values.warmup ?? (quick ? 1 : 2));
const connections = Number(values.connections);
const growthFrom = Number(values['growth-from']);
const only = values.only ? new RegExp(values.only, 'i') : undefined;
const log = (line: string) => process.stdout.write(`${line}\n`);

/** Waits while another test suite or benchmark runs: measurements on 2 shared cores mean nothing then. */
async function waitForQuiet(): Promise<void> {
  if (values['no-wait']) return;
  // This run's own chain (npm, sh, tsx, node) is not other work.
  const own = new Set<number>();
  for (let pid = process.pid; pid > 1 && !own.has(pid);) {
    own.add(pid);
    try {
      pid = Number(
        fs
          .readFileSync(`/proc/${pid}/stat`, 'utf8')
          .replace(/^.*\) /s, '')
          .split(' ')[1],
      );
    } catch {
      break;
    }
  }
  const busy = () =>
    fs
      .readdirSync('/proc')
      .filter((d) => /^\d+$/.test(d) && !own.has(Number(d)))
      .map((d) => {
        try {
          return fs.readFileSync(`/proc/${d}/cmdline`, 'utf8').replace(/\0/g, ' ');
        } catch {
          return '';
        }
      })
      .filter((cmd) => /vitest|bench\/run\.ts|scripts\/load\.ts|playwright/.test(cmd));
  for (let waited = 0; busy().length > 0; waited += 30) {
    if (waited === 0) log(`waiting for other work to finish: ${busy()[0]!.slice(0, 120)}`);
    await new Promise((resolve) => setTimeout(resolve, 30_000));
  }
}

async function createTarget(
  label: string,
): Promise<{ target: Target; env: Record<string, string>; drop(): Promise<void> }> {
  if (dialect === 'sqlite') {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), `huiguan-bench-${label}-`));
    return {
      target: { dialect, dataDir },
      env: { HUIGUAN_DATA_DIR: dataDir },
      drop: async () => fs.rmSync(dataDir, { recursive: true, force: true }),
    };
  }
  const databaseUrl = process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/test';
  const schema = `hg_bench_${randomBytes(5).toString('hex')}`;
  const admin = async (statement: string) => {
    const client = new pg.Client({ connectionString: databaseUrl });
    await client.connect();
    try {
      await client.query(statement);
    } finally {
      await client.end();
    }
  };
  await admin(`create schema ${schema}`);
  const url = new URL(databaseUrl);
  url.searchParams.set('options', `-c search_path=${schema}`);
  return {
    target: { dialect, databaseUrl, schema },
    env: { DATABASE_URL: url.toString() },
    drop: () => admin(`drop schema if exists ${schema} cascade`),
  };
}

/** The status code of an answer: read from the front when it comes first, else parsed. */
function statusOf(body: string): number | undefined {
  const front = /^\{"status":(\d+)/.exec(body);
  if (front) return Number(front[1]);
  try {
    return (JSON.parse(body) as { status?: number }).status;
  } catch {
    return undefined;
  }
}

interface Drive {
  rps: number;
  p50: number;
  p99: number;
  requests: number;
  failed: number;
  samples: string[];
}

/** Drives `url` for `seconds` with `connections`; each request built by `scenario` (or a fixed body). */
async function drive(
  url: string,
  seconds: number,
  scenario: Scenario | undefined,
  signer: Signer | undefined,
  amount?: number,
): Promise<Drive> {
  let failed = 0;
  const samples: string[] = [];
  const headers = { 'content-type': 'application/json' };
  const result = await autocannon({
    url,
    connections,
    duration: seconds,
    ...(amount === undefined ? {} : { amount }),
    requests: Array.from({ length: scenario?.steps ?? 1 }, () =>
      scenario && signer
        ? {
            method: 'POST',
            headers,
            setupRequest: (request, context) => {
              const call = scenario.next(context);
              context.call = call;
              return { ...request, path: call.path, body: signer.body(call) };
            },
            onResponse: (status, body, context) => {
              if (status === 200 && statusOf(body) === 100) {
                scenario.answered?.(body, context.call as Call);
                return;
              }
              failed += 1;
              if (samples.length < 3) samples.push(`HTTP ${status} ${body.slice(0, 200)}`);
            },
          }
        : {
            method: 'POST',
            path: '/openapi/v2/getConfDetailByConfId',
            headers,
            body: JSON.stringify({ userId: 'u1', confId: 1, siteSign: 'bench', timeStamp: '1', token: 'X'.repeat(32) }),
            onResponse: (status) => {
              if (status !== 200) failed += 1;
            },
          },
    ),
  });
  failed += result.errors + result.timeouts;
  if (result.timeouts > 0) samples.unshift(`${result.timeouts} requests timed out (autocannon's 10 s)`);
  return {
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    requests: result.requests.total,
    failed,
    samples,
  };
}

/** Requests per second expected of a write: the reservation's, once measured. */
let expectedRate = 5000;

async function measure(
  child: Child,
  scenario: Scenario | undefined,
  signer: Signer | undefined,
  name: string,
  kind: Measured['kind'],
): Promise<Measured> {
  await waitForQuiet();
  // A scenario drawing from a pool that runs out (cancellations) gets no warm-up and at most what is left.
  const pool = scenario?.remaining?.();
  if (warmup > 0 && pool === undefined) await drive(child.url, warmup, scenario, signer);
  // Never more than the pool (a second cancellation of a meeting is a refusal), and about twice the
  // requests the duration would see at the reservation rate, so the run stays short.
  const cap = pool === undefined ? undefined : Math.min(pool, Math.ceil(expectedRate * duration * 4));
  const d = await drive(child.url, duration, scenario, signer, cap);
  if (scenario?.name === 'confReservation') expectedRate = d.rps;
  const line = `  ${name.padEnd(48)} ${d.rps.toFixed(0).padStart(7)} req/s  p50 ${String(d.p50).padStart(4)} ms  p99 ${String(d.p99).padStart(4)} ms${d.failed ? `  ${d.failed} NOT 100: ${d.samples[0]}` : ''}`;
  log(line);
  return { name, kind, rps: d.rps, p50: d.p50, p99: d.p99, requests: d.requests, failed: d.failed, samples: d.samples };
}

/** One request of each read scenario: all must answer 100; their median size sizes the bare answer. */
async function probe(url: string, list: Scenario[], signer: Signer): Promise<number> {
  const sizes: number[] = [];
  for (const s of list) {
    const call = s.next({});
    const body = await (
      await fetch(`${url}${call.path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: signer.body(call),
      })
    ).text();
    if (statusOf(body) !== 100) throw new Error(`${s.name} answers ${body.slice(0, 300)}`);
    sizes.push(Buffer.byteLength(body));
  }
  sizes.sort((a, b) => a - b);
  return sizes[Math.floor(sizes.length / 2)] ?? 1500;
}

async function seedTarget(label: string, count: number, parts: number) {
  const db = await createTarget(label);
  log(`seeding ${count} meetings, ${parts} participations on ${dialect}…`);
  const seeded = await seed({
    target: db.target,
    meetings: count,
    participations: parts,
    siteSign: `bench${label}`,
    log,
  });
  const bytes = await databaseSize(db.target);
  log(
    `  seeded in ${(seeded.seedMs / 1000).toFixed(1)} s (${Math.round(seeded.participations / (seeded.seedMs / 1000))} participations/s), ${(bytes / 1e6).toFixed(0)} MB`,
  );
  return { ...db, seeded, bytes };
}

async function runScenarios(env: Record<string, string>, seeded: Seeded, withWrites: boolean, profileDir?: string) {
  const server = await startServer(env, profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : []);
  try {
    const signer = new Signer(seeded.siteSign, seeded.apiKey);
    const set = scenarios(seeded);
    const size = await probe(server.url, set.read, signer);
    const results: Measured[] = [];
    for (const s of [...set.read, ...(withWrites ? set.write : [])]) {
      if (only && !only.test(s.name)) continue;
      results.push(await measure(server, s, signer, s.name, s.kind));
    }
    const rss = server.peakRss();
    const errors = server
      .output()
      .split('\n')
      .filter((l) => /"level":(50|60)/.test(l))
      .slice(0, 3);
    return { results, rss, size, errors };
  } finally {
    await server.stop();
  }
}

async function main(): Promise<void> {
  const started = Date.now();
  log(
    `bench: ${dialect}, ${meetings} meetings, ${participations} participations, ${connections} connections, ${duration} s per scenario`,
  );
  await waitForQuiet();
  const main = await seedTarget('main', meetings, participations);
  const run: Run = {
    date: new Date().toISOString().slice(0, 16).replace('T', ' ') + ' UTC',
    command: `npm run bench -- ${process.argv.slice(2).join(' ')}`.trim(),
    machine: `${os.cpus().length} × ${os.cpus()[0]?.model.trim() ?? 'cpu'}, ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB`,
    node: process.version,
    dialect,
    meetings: main.seeded.meetings,
    participations: main.seeded.participations,
    users: main.seeded.users,
    seedMs: main.seeded.seedMs,
    dbBytes: main.bytes,
    connections,
    duration,
    quick,
    ceilings: [],
    results: [],
    rss: 0,
  };
  try {
    const profileDir = values.profile ? path.join(root, 'bench', 'profiles') : undefined;
    const measuredRun = await runScenarios(main.env, main.seeded, true, profileDir);
    log(`bare ceilings, ${measuredRun.size} bytes of fixed JSON:`);
    for (const file of ['bare-fastify.ts', 'bare-http.ts'] as const) {
      const bare = await startBare(file, measuredRun.size);
      try {
        run.ceilings.push(
          await measure(
            bare,
            undefined,
            undefined,
            file === 'bare-fastify.ts' ? 'bare Fastify route' : 'bare node:http',
            'ceiling',
          ),
        );
      } finally {
        await bare.stop();
      }
    }
    run.results = measuredRun.results;
    run.rss = measuredRun.rss;
    run.bareBytes = measuredRun.size;
    if (measuredRun.errors.length) log(`server errors:\n${measuredRun.errors.join('\n')}`);
    log(`server peak RSS ${(run.rss / 2 ** 20).toFixed(0)} MiB`);
    if (profileDir) log(`CPU profiles in ${profileDir}`);
  } finally {
    await main.drop();
  }

  if (values.growth) {
    const small = await seedTarget('small', growthFrom, growthFrom * 10);
    try {
      log(`read scenarios at ${growthFrom} meetings:`);
      const smallRun = await runScenarios(small.env, small.seeded, false);
      run.growth = {
        meetings: small.seeded.meetings,
        participations: small.seeded.participations,
        seedMs: small.seeded.seedMs,
        dbBytes: small.bytes,
        results: smallRun.results,
      };
    } finally {
      await small.drop();
    }
  }

  const report = writeReport(run);
  log(report.summary);
  if (!values['no-write']) {
    report.save(path.resolve(root, values.out));
    log(`written to ${values.out}`);
  }
  log(`total ${((Date.now() - started) / 1000).toFixed(0)} s`);
}

await main();
