/**
 * `npm run bench -- [options]`: seeds a site, starts `bin/huiguan serve` as its own process, drives it
 * scenario by scenario with autocannon, measures the bare Fastify and `node:http` ceilings in the same
 * run, and writes the results to docs/benchmarks.md. With `--against <rev>`, measures the working tree
 * (A) and the server of `<rev>` (B, a temporary git worktree) interleaved, A, B, A, B…, on identical
 * copies of one seeded database. Options: bench/README.md.
 */
import autocannon from 'autocannon';
import { execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import Database from 'better-sqlite3';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { killStarted, startBare, startServer, type Child } from './processes.js';
import { writeAbReport, writeReport, type AbRun, type Measured, type Run } from './report.js';
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
    against: { type: 'string' },
    rounds: { type: 'string' },
    'log-level': { type: 'string', default: 'warn' },
    processes: { type: 'string', default: '1' },
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
const logLevel = values['log-level'];
const rounds = Number(values.rounds ?? 3);
const processes = Number(values.processes);
const log = (line: string) => process.stdout.write(`${line}\n`);
/** The command of this run as typed (arguments with shell characters quoted), for the report. */
const command = `npm run bench -- ${process.argv
  .slice(2)
  .map((arg) => (/^[\w./:=@,+-]*$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`))
  .join(' ')}`.trim();
if (values.rounds !== undefined && !values.against) throw new Error('--rounds goes with --against');
if (values.against && values.growth) throw new Error('--growth is not measured A/B: run it without --against');
if (!Number.isInteger(rounds) || rounds < 1) throw new Error(`--rounds ${values.rounds}: a whole number ≥ 1`);
if (!/^(trace|debug|info|warn|error|fatal|silent)$/.test(logLevel)) throw new Error(`--log-level ${logLevel}?`);
if (!Number.isInteger(processes) || processes < 1 || processes > 8)
  throw new Error(`--processes ${values.processes}: a whole number from 1 to 8`);
if (processes > 1 && values.against) throw new Error('--processes is not measured A/B: run it without --against');

/** Something an interruption (Ctrl-C, SIGTERM) must still undo: a database, the worktree. */
interface Undo {
  run(): Promise<void> | void;
  /** The same as a shell command, run detached on interruption: tsx may SIGKILL this process meanwhile. */
  shell?: string;
}
/** Registered undos, run last-in first. */
const cleanups: Undo[] = [];
const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
/** Registers `undo`; answers a function running it once (and no more on interruption). */
function onCleanup(run: Undo['run'], shell?: string): () => Promise<void> {
  const undo: Undo = { run, ...(shell ? { shell } : {}) };
  cleanups.push(undo);
  return async () => {
    const at = cleanups.indexOf(undo);
    if (at < 0) return;
    cleanups.splice(at, 1);
    await undo.run();
  };
}
let interrupted = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const)
  // `on`, not `once`: Ctrl-C reaches this process twice (from the terminal and relayed by tsx), and the
  // second must not end it before the cleanup is done.
  process.on(signal, () => {
    if (interrupted) return;
    interrupted = true;
    log(`${signal}: stopping the servers, removing what this run made…`);
    killStarted();
    const undos = cleanups.splice(0).reverse();
    // tsx kills this process when it is slow to acknowledge the signal (busy driving load): what a shell
    // can undo is undone by a detached one, which outlives it.
    const script = undos.flatMap((u) => (u.shell ? [u.shell] : [])).join('; ');
    if (script) spawn('sh', ['-c', script], { cwd: root, detached: true, stdio: 'ignore' }).unref();
    void (async () => {
      for (const undo of undos.filter((u) => !u.shell)) {
        try {
          await undo.run();
        } catch (err) {
          log(`  cleanup failed: ${String(err)}`);
        }
      }
      process.exit(130);
    })();
  });

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
): Promise<{ target: Target; env: Record<string, string>; drop(): Promise<void>; dropShell?: string }> {
  if (dialect === 'sqlite') {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), `huiguan-bench-${label}-`));
    return {
      target: { dialect, dataDir },
      env: { HUIGUAN_DATA_DIR: dataDir },
      drop: async () => fs.rmSync(dataDir, { recursive: true, force: true }),
      dropShell: `rm -rf ${quote(dataDir)}`,
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

/**
 * Drives the servers at `urls` together for `seconds` with `connections` shared out among them (one autocannon
 * each); each request built by `scenario` (or a fixed body). With several servers the rates add up, and p50
 * and p99 are the highest of the servers' (autocannon keeps no histogram to merge).
 */
async function drive(
  urls: string[],
  seconds: number,
  scenario: Scenario | undefined,
  signer: Signer | undefined,
  amount?: number,
): Promise<Drive> {
  const parts = await Promise.all(
    urls.map((url, i) => {
      const share = Math.floor(connections / urls.length) + (i < connections % urls.length ? 1 : 0);
      const part = amount === undefined ? undefined : Math.ceil(amount / urls.length);
      return driveOne(url, Math.max(1, share), seconds, scenario, signer, part);
    }),
  );
  return {
    rps: parts.reduce((sum, d) => sum + d.rps, 0),
    p50: Math.max(...parts.map((d) => d.p50)),
    p99: Math.max(...parts.map((d) => d.p99)),
    requests: parts.reduce((sum, d) => sum + d.requests, 0),
    failed: parts.reduce((sum, d) => sum + d.failed, 0),
    samples: parts.flatMap((d) => d.samples).slice(0, 3),
  };
}

async function driveOne(
  url: string,
  connections: number,
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

/** Requests per second expected of a write on one server: the reservation's, once measured. */
interface Pace {
  expectedRate: number;
}
const defaultPace: Pace = { expectedRate: 5000 };

async function measure(
  child: Child | Child[],
  scenario: Scenario | undefined,
  signer: Signer | undefined,
  name: string,
  kind: Measured['kind'],
  options: { pace?: Pace; roundsLeft?: number; tag?: string } = {},
): Promise<Measured> {
  const { pace = defaultPace, roundsLeft = 1, tag = '' } = options;
  const urls = (Array.isArray(child) ? child : [child]).map((c) => c.url);
  await waitForQuiet();
  // A scenario drawing from a pool that runs out (cancellations) gets no warm-up and at most what is left.
  const pool = scenario?.remaining?.();
  if (warmup > 0 && pool === undefined) await drive(urls, warmup, scenario, signer);
  // Never more than the pool (a second cancellation of a meeting is a refusal), shared out over the
  // rounds still to run on this server, and about twice the requests the duration would see at the
  // reservation rate, so the run stays short.
  const cap =
    pool === undefined
      ? undefined
      : Math.min(Math.floor(pool / roundsLeft), Math.ceil(pace.expectedRate * duration * 4));
  if (cap !== undefined && cap < 1) {
    log(`  ${tag}${name.padEnd(48)} nothing left to draw from: not measured`);
    return { name, kind, rps: 0, p50: 0, p99: 0, requests: 0, failed: 1, samples: ['pool exhausted'] };
  }
  const d = await drive(urls, duration, scenario, signer, cap);
  if (scenario?.name === 'confReservation') pace.expectedRate = d.rps;
  const line = `  ${tag}${name.padEnd(48)} ${d.rps.toFixed(0).padStart(7)} req/s  p50 ${String(d.p50).padStart(4)} ms  p99 ${String(d.p99).padStart(4)} ms${d.failed ? `  ${d.failed} NOT 100: ${d.samples[0]}` : ''}`;
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

/**
 * Starts the server (`--processes` of them, on one database) and measures every scenario. With more than one,
 * each read scenario is measured on the first alone and then on all of them, in that order, so that their
 * ratio comes from one run.
 */
async function runScenarios(env: Record<string, string>, seeded: Seeded, withWrites: boolean, profileDir?: string) {
  const servers: Child[] = [];
  try {
    for (let i = 0; i < processes; i++)
      servers.push(
        await startServer(env, {
          nodeArgs: profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [],
          logLevel,
        }),
      );
    const signer = new Signer(seeded.siteSign, seeded.apiKey);
    const set = scenarios(seeded);
    const size = await probe(servers[0]!.url, set.read, signer);
    const results: Measured[] = [];
    for (const s of [...set.read, ...(withWrites ? set.write : [])]) {
      if (only && !only.test(s.name)) continue;
      const alone =
        processes > 1 && s.kind === 'read'
          ? await measure(servers[0]!, s, signer, s.name, s.kind, { tag: '1 process   ' })
          : undefined;
      const all = await measure(servers, s, signer, s.name, s.kind, {
        ...(processes > 1 ? { tag: `${processes} processes ` } : {}),
      });
      results.push(alone ? { ...all, oneProcess: { rps: alone.rps, p99: alone.p99 } } : all);
    }
    const rss = Math.max(...servers.map((server) => server.peakRss()));
    const errors = (await Promise.all(servers.map((server) => server.lines(/"level":(50|60)/, 3)))).flat();
    return { results, rss, size, errors };
  } finally {
    await Promise.all(servers.map((server) => server.stop()));
  }
}

/** When, by what command and on what machine a run was made. */
function runFacts() {
  return {
    date: new Date().toISOString().slice(0, 16).replace('T', ' ') + ' UTC',
    command,
    machine: `${os.cpus().length} × ${os.cpus()[0]?.model.trim() ?? 'cpu'}, ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB`,
    node: process.version,
  };
}

async function main(): Promise<void> {
  const started = Date.now();
  log(
    `bench: ${dialect}, ${meetings} meetings, ${participations} participations, ${connections} connections, ${duration} s per scenario`,
  );
  await waitForQuiet();
  const main = await seedTarget('main', meetings, participations);
  const dropMain = onCleanup(main.drop, main.dropShell);
  const run: Run = {
    ...runFacts(),
    dialect,
    meetings: main.seeded.meetings,
    participations: main.seeded.participations,
    users: main.seeded.users,
    seedMs: main.seeded.seedMs,
    dbBytes: main.bytes,
    connections,
    duration,
    quick,
    logLevel,
    processes,
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
    await dropMain();
  }

  if (values.growth) {
    const small = await seedTarget('small', growthFrom, growthFrom * 10);
    const dropSmall = onCleanup(small.drop, small.dropShell);
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
      await dropSmall();
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

/** `git` in this checkout; answers its output, trimmed. */
function git(args: string[]): string {
  return execFileSync('git', args, { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
}

/**
 * Checks `rev` out into a temporary worktree (detached), gives it this checkout's node_modules by a
 * symlink and builds its server as the project does (`node scripts/build-server.mjs`). The pages
 * (`dist/web`) are not the API's: the server starts without them, but this checkout's are linked in when
 * built so that both servers register the same routes. `remove` undoes it all.
 */
async function checkoutRevision(rev: string): Promise<{ dir: string; label: string; remove(): Promise<void> }> {
  const hash = git(['rev-parse', '--verify', `${rev}^{commit}`]);
  const short = git(['rev-parse', '--short', hash]);
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'huiguan-bench-rev-'));
  const dir = path.join(tmp, 'tree');
  const links = [path.join(dir, 'node_modules'), path.join(dir, 'dist', 'web')];
  // The links first (neither rm -r nor rmSync follows them, but nothing must reach through them), then the
  // tree, then git's record of it (`prune` forgets worktrees whose directory is gone).
  const remove = onCleanup(
    () => {
      for (const link of links)
        if (fs.lstatSync(link, { throwIfNoEntry: false })?.isSymbolicLink()) fs.unlinkSync(link);
      fs.rmSync(tmp, { recursive: true, force: true });
      git(['worktree', 'prune']);
    },
    `rm -f ${links.map(quote).join(' ')}; rm -rf ${quote(tmp)}; git worktree prune`,
  );
  try {
    log(`B: ${rev} = ${short}, checked out in ${dir}`);
    git(['worktree', 'add', '--detach', dir, hash]);
    fs.symlinkSync(path.join(root, 'node_modules'), path.join(dir, 'node_modules'), 'dir');
    const build = path.join(dir, 'scripts', 'build-server.mjs');
    if (!fs.existsSync(build)) throw new Error(`${short} has no scripts/build-server.mjs: its server cannot be built`);
    const t = Date.now();
    execFileSync(process.execPath, [build], { cwd: dir, stdio: 'inherit' });
    log(`  built its server in ${((Date.now() - t) / 1000).toFixed(1)} s`);
    const web = path.join(root, 'dist', 'web');
    if (fs.existsSync(web) && !fs.existsSync(path.join(dir, 'dist', 'web')))
      fs.symlinkSync(web, path.join(dir, 'dist', 'web'), 'dir');
    return { dir, label: short, remove };
  } catch (err) {
    await remove();
    throw err;
  }
}

/** A copy of a seeded SQLite database in a data directory of its own (the seeding closed it: no WAL left). */
async function copyTarget(from: Target, label: string) {
  const db = await createTarget(label);
  for (const suffix of ['', '-wal', '-shm']) {
    const file = path.join(from.dataDir!, `huiguan.db${suffix}`);
    if (fs.existsSync(file)) fs.copyFileSync(file, path.join(db.target.dataDir!, `huiguan.db${suffix}`));
  }
  return db;
}

/**
 * B's database was made by the working tree's migrations: those B does not have are forgotten in it (their rows
 * in `kysely_migration`; their tables stay, unused by B), so that B's server starts on it (Kysely refuses a
 * database with a migration it does not know).
 */
async function forgetUnknownMigrations(target: Target, checkout: string): Promise<void> {
  const module = (await import(pathToFileURL(path.join(checkout, 'dist', 'store', 'migrate.js')).href)) as {
    migrations?: Record<string, unknown>;
  };
  if (!module.migrations) throw new Error('B has no migration list (dist/store/migrate.js `migrations`)');
  const known = Object.keys(module.migrations);
  let forgotten: string[];
  if (target.dialect === 'sqlite') {
    const db = new Database(path.join(target.dataDir!, 'huiguan.db'));
    try {
      const names = (db.prepare('select name from kysely_migration').all() as { name: string }[]).map((r) => r.name);
      forgotten = names.filter((name) => !known.includes(name));
      for (const name of forgotten) db.prepare('delete from kysely_migration where name = ?').run(name);
    } finally {
      db.close();
    }
  } else {
    const client = new pg.Client({ connectionString: target.databaseUrl });
    await client.connect();
    try {
      const result = await client.query<{ name: string }>(
        `delete from ${target.schema}.kysely_migration where name <> all($1::text[]) returning name`,
        [known],
      );
      forgotten = result.rows.map((r) => r.name);
    } finally {
      await client.end();
    }
  }
  if (forgotten.length > 0) log(`  B does not have migrations ${forgotten.join(', ')}: forgotten in its database`);
}

/** The A/B run: the working tree (A) against `rev` (B), each scenario interleaved A, B, A, B… `rounds` times. */
async function abMain(rev: string): Promise<void> {
  const started = Date.now();
  const head = git(['rev-parse', '--short', 'HEAD']);
  const changed = git(['status', '--porcelain', '--untracked-files=no', '--', 'src', 'bin', 'scripts', 'package.json']);
  const aLabel = `working tree (${head}${changed ? ' + changes' : ''})`;
  log(
    `bench A/B: ${dialect}, ${meetings} meetings, ${participations} participations, ${connections} connections, ${duration} s per scenario, ${rounds} rounds, LOG_LEVEL=${logLevel}`,
  );
  const b = await checkoutRevision(rev);
  const servers: Child[] = [];
  const drops: (() => Promise<void>)[] = [];
  try {
    await waitForQuiet();
    // SQLite: one seeding, the file copied for B. PostgreSQL: a schema each, seeded by the same
    // deterministic generator (copying a schema is not simple); each side has its own Seeded (API key).
    const seededA = await seedTarget('a', meetings, participations);
    drops.push(onCleanup(seededA.drop, seededA.dropShell));
    const seededB =
      dialect === 'sqlite'
        ? { ...(await copyTarget(seededA.target, 'b')), seeded: seededA.seeded, bytes: seededA.bytes }
        : await seedTarget('b', meetings, participations);
    drops.push(onCleanup(seededB.drop, seededB.dropShell));
    await forgetUnknownMigrations(seededB.target, b.dir);
    const profileDir = values.profile ? path.join(root, 'bench', 'profiles') : undefined;
    const side = async (seeded: typeof seededA, checkout: string | undefined, name: string) => {
      const server = await startServer(seeded.env, {
        ...(checkout ? { checkout } : {}),
        logLevel,
        nodeArgs: profileDir ? ['--cpu-prof', `--cpu-prof-dir=${path.join(profileDir, name)}`] : [],
      });
      servers.push(server);
      const signer = new Signer(seeded.seeded.siteSign, seeded.seeded.apiKey);
      const set = scenarios(seeded.seeded);
      const size = await probe(server.url, set.read, signer);
      return { server, signer, list: [...set.read, ...set.write], size, pace: { expectedRate: 5000 } };
    };
    const a = await side(seededA, undefined, 'A');
    const bSide = await side(seededB, b.dir, 'B');
    log(`A: ${aLabel} at ${a.server.url}; B: ${b.label} at ${bSide.server.url}`);

    const run: AbRun = {
      ...runFacts(),
      dialect,
      meetings: seededA.seeded.meetings,
      participations: seededA.seeded.participations,
      quick,
      logLevel,
      connections,
      duration,
      warmup,
      rounds,
      a: { label: aLabel, rss: 0 },
      b: { label: b.label, rss: 0 },
      bare: [],
      bareBytes: a.size,
      rows: [],
    };
    log(`bare Fastify route, ${a.size} bytes of fixed JSON, ${rounds} rounds:`);
    const bare = await startBare('bare-fastify.ts', a.size);
    try {
      for (let r = 0; r < rounds; r += 1)
        run.bare.push(
          await measure(bare, undefined, undefined, 'bare Fastify route', 'ceiling', { tag: `r${r + 1}   ` }),
        );
    } finally {
      await bare.stop();
    }
    for (let i = 0; i < a.list.length; i += 1) {
      const sa = a.list[i]!;
      const sb = bSide.list[i]!;
      if (only && !only.test(sa.name)) continue;
      const row: AbRun['rows'][number] = { name: sa.name, kind: sa.kind, a: [], b: [] };
      for (let r = 0; r < rounds; r += 1) {
        const roundsLeft = rounds - r;
        row.a.push(
          await measure(a.server, sa, a.signer, sa.name, sa.kind, { pace: a.pace, roundsLeft, tag: `r${r + 1} A ` }),
        );
        row.b.push(
          await measure(bSide.server, sb, bSide.signer, sb.name, sb.kind, {
            pace: bSide.pace,
            roundsLeft,
            tag: `r${r + 1} B `,
          }),
        );
      }
      run.rows.push(row);
    }
    run.a.rss = a.server.peakRss();
    run.b.rss = bSide.server.peakRss();
    for (const [name, s] of [
      ['A', a.server],
      ['B', bSide.server],
    ] as const) {
      const errors = await s.lines(/"level":(50|60)/, 3);
      if (errors.length) log(`server ${name} errors:\n${errors.join('\n')}`);
    }
    if (profileDir) log(`CPU profiles in ${profileDir}/A and ${profileDir}/B`);

    const report = writeAbReport(run);
    log(report.summary);
    if (!values['no-write']) {
      report.save(path.resolve(root, values.out));
      log(`written to ${values.out}`);
    }
  } finally {
    for (const s of servers) await s.stop();
    for (const drop of drops.reverse()) await drop();
    await b.remove();
  }
  log(`total ${((Date.now() - started) / 1000).toFixed(0)} s`);
}

if (values.against) await abMain(values.against);
else await main();
