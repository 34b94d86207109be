/** Turns a run into a section of docs/benchmarks.md, replacing the section of the same database and scale. */
import fs from 'node:fs';

export interface Measured {
  name: string;
  kind: 'read' | 'write' | 'ceiling';
  rps: number;
  p50: number;
  p99: number;
  requests: number;
  /** Answers other than HTTP 200 with status 100 (and socket errors, timeouts). */
  failed: number;
  samples: string[];
  /** With `--processes` above 1: the same read scenario on the first server alone, measured just before. */
  oneProcess?: { rps: number; p99: number };
}

export interface Run {
  date: string;
  command: string;
  machine: string;
  node: string;
  dialect: 'sqlite' | 'postgres';
  meetings: number;
  participations: number;
  users: number;
  seedMs: number;
  dbBytes: number;
  connections: number;
  duration: number;
  quick: boolean;
  /** `LOG_LEVEL` of the server (`warn` unless `--log-level`). */
  logLevel: string;
  /** Server processes on the one database (`--processes`). */
  processes: number;
  bareBytes?: number;
  ceilings: Measured[];
  results: Measured[];
  /** Peak resident set of the server process (VmHWM), bytes. */
  rss: number;
  growth?: { meetings: number; participations: number; seedMs: number; dbBytes: number; results: Measured[] };
}

// The performance issue's targets (issue 18). Shares of the bare Fastify route measured in the same run, on
// SQLite; on PostgreSQL half of each. Scenarios not named have no share target.
const TARGET_SHARES: [RegExp, number][] = [
  [/^getConfDetailByConfId/, 0.5],
  [/^getScheduledConfList/, 0.4],
  [/^getReMainNumPartis/, 0.3],
  [/^createOrUpdateUser/, 0.3],
  [/^confReservation/, 0.2],
];
const TARGET_P99_MS = 25;
/** Two server processes on PostgreSQL against one, in the same run. */
const TARGET_SCALE = 1.6;
const TARGET_GROWTH = 1.5;
const TARGET_RSS = 300 * 2 ** 20;

const n = (x: number) => x.toLocaleString('en-US');
const pct = (x: number) => `${Math.round(x * 100)} %`;
const mark = (ok: boolean) => (ok ? 'yes' : '**no**');

const dbName = (dialect: Run['dialect']) => (dialect === 'sqlite' ? 'SQLite' : 'PostgreSQL');

/** The title of a run's section; a log level other than the default `warn` gets sections of its own. */
export function sectionTitle(
  run: Pick<Run, 'dialect' | 'meetings' | 'participations' | 'quick' | 'logLevel'> & { processes?: number },
): string {
  return `## ${dbName(run.dialect)}, ${n(run.meetings)} meetings, ${n(run.participations)} participations${run.quick ? ' (--quick)' : ''}${run.logLevel === 'warn' ? '' : `, LOG_LEVEL=${run.logLevel}`}${(run.processes ?? 1) > 1 ? `, ${run.processes} processes` : ''}`;
}

/** Writes `section` (starting with `title`) into `file`, replacing the section of the same title, keeping the others. */
export function saveSection(file: string, title: string, section: string): void {
  const existing = fs.existsSync(file)
    ? fs.readFileSync(file, 'utf8')
    : '# Benchmarks\n\n`npm run bench` (bench/README.md) writes its section here; earlier runs of other databases and scales stay.\n';
  const parts = existing.split(/^(?=## )/m);
  const at = parts.findIndex((p) => p.startsWith(`${title}\n`));
  if (at >= 0) parts[at] = `${section}\n`;
  else parts.push(`${parts[parts.length - 1]!.endsWith('\n\n') ? '' : '\n'}${section}\n`);
  fs.writeFileSync(file, parts.join(''));
}

export function writeReport(run: Run): { section: string; summary: string; save(file: string): void } {
  const bare = run.ceilings.find((c) => c.name === 'bare Fastify route');
  const lines: string[] = [sectionTitle(run), ''];
  lines.push(
    `- date: ${run.date}`,
    `- machine: ${run.machine}; node ${run.node}; client (autocannon) and server share the machine`,
    `- command: \`${run.command}\``,
    `- seeding: ${n(run.meetings)} meetings, ${n(run.participations)} participations, ${n(run.users)} users in ${(run.seedMs / 1000).toFixed(1)} s; database ${(run.dbBytes / 1e6).toFixed(0)} MB`,
    `- load: ${run.connections} connections, ${run.duration} s per scenario after a warm-up; bare routes answer ${n(run.bareBytes ?? 0)} bytes of fixed JSON; server LOG_LEVEL=${run.logLevel}`,
    `- server peak RSS (VmHWM${run.processes > 1 ? ', the largest of the processes' : ''}): ${(run.rss / 2 ** 20).toFixed(0)} MiB (target < 300 MiB: ${mark(run.rss < TARGET_RSS)})`,
    ...(run.processes > 1
      ? [
          `- ${run.processes} server processes on the one database, the connections shared out among them; a read scenario is measured on the first process alone, then on all (p50 and p99: the highest of the processes')`,
        ]
      : []),
    '',
    `| scenario | req/s | p50 ms | p99 ms | vs bare Fastify | not 100 |${run.processes > 1 ? ' req/s on 1 process | × 1 process |' : ''} targets met |`,
    `|---|---:|---:|---:|---:|---:|${run.processes > 1 ? '---:|---:|' : ''}---|`,
  );
  const misses: string[] = [];
  const scale = run.dialect === 'sqlite' ? 1 : 0.5;
  for (const r of [...run.ceilings, ...run.results]) {
    const share = bare ? r.rps / bare.rps : 0;
    const checks: string[] = [];
    if (r.kind !== 'ceiling') {
      const p99ok = r.p99 < TARGET_P99_MS;
      checks.push(`p99 < ${TARGET_P99_MS} ms: ${mark(p99ok)}`);
      if (!p99ok) misses.push(`${r.name}: p99 ${r.p99} ms`);
      const target = TARGET_SHARES.find(([name]) => name.test(r.name))?.[1];
      if (target !== undefined && run.processes === 1) {
        checks.push(`≥ ${pct(target * scale)}: ${mark(share >= target * scale)}`);
        if (share < target * scale) misses.push(`${r.name}: ${pct(share)} of bare Fastify`);
      }
      if (r.oneProcess && run.dialect === 'postgres' && run.processes === 2) {
        const gain = r.rps / Math.max(1, r.oneProcess.rps);
        checks.push(`2 processes ≥ ${TARGET_SCALE}×: ${mark(gain >= TARGET_SCALE)}`);
        if (gain < TARGET_SCALE) misses.push(`${r.name}: 2 processes give ${gain.toFixed(2)}× one`);
      }
      if (r.failed > 0) {
        checks.push('**ERRORS**');
        misses.push(`${r.name}: ${r.failed} answers not 100 (${r.samples[0] ?? ''})`);
      }
    }
    lines.push(
      `| ${r.name} | ${n(Math.round(r.rps))} | ${r.p50} | ${r.p99} | ${pct(share)} | ${r.failed} |${run.processes > 1 ? (r.oneProcess ? ` ${n(Math.round(r.oneProcess.rps))} | ${(r.rps / Math.max(1, r.oneProcess.rps)).toFixed(2)} |` : ' | |') : ''} ${checks.join(', ')} |`,
    );
  }
  if (run.growth) {
    lines.push(
      '',
      `Growth: the read scenarios on a second database of ${n(run.growth.meetings)} meetings and ${n(run.growth.participations)} participations ` +
        `(seeded in ${(run.growth.seedMs / 1000).toFixed(1)} s, ${(run.growth.dbBytes / 1e6).toFixed(0)} MB), against this one.`,
      '',
      `| scenario | p99 ms at ${n(run.growth.meetings)} | p99 ms at ${n(run.meetings)} | ratio | ≤ 1.5× | req/s at ${n(run.growth.meetings)} | req/s at ${n(run.meetings)} |`,
      '|---|---:|---:|---:|---|---:|---:|',
    );
    for (const small of run.growth.results) {
      const large = run.results.find((r) => r.name === small.name);
      if (!large) continue;
      const ratio = large.p99 / Math.max(1, small.p99);
      if (ratio > TARGET_GROWTH) misses.push(`${small.name}: p99 grows ${ratio.toFixed(2)}×`);
      lines.push(
        `| ${small.name} | ${small.p99} | ${large.p99} | ${ratio.toFixed(2)} | ${mark(ratio <= TARGET_GROWTH)} | ${n(Math.round(small.rps))} | ${n(Math.round(large.rps))} |`,
      );
    }
  }
  if (run.rss >= TARGET_RSS) misses.push(`peak RSS ${(run.rss / 2 ** 20).toFixed(0)} MiB`);
  lines.push('', misses.length ? `Targets missed: ${misses.map((m) => `\n- ${m}`).join('')}` : 'Every target met.', '');
  const section = lines.join('\n');
  return {
    section,
    summary: section,
    save: (file: string) => saveSection(file, sectionTitle(run), section),
  };
}

/** One side of an A/B run: the server of a revision (or of the working tree). */
export interface Side {
  /** E.g. `working tree (HEAD 7467d19, with changes)` or `4baed89 (HEAD~2)`. */
  label: string;
  /** Peak resident set of its server (VmHWM), bytes. */
  rss: number;
}

/** An A/B run: every scenario measured on both sides, interleaved A, B, A, B… `rounds` times each. */
export interface AbRun extends Pick<
  Run,
  | 'date'
  | 'command'
  | 'machine'
  | 'node'
  | 'dialect'
  | 'meetings'
  | 'participations'
  | 'quick'
  | 'connections'
  | 'duration'
> {
  logLevel: string;
  warmup: number;
  rounds: number;
  a: Side;
  b: Side;
  /** The bare Fastify route, once per round (measured before the scenarios). */
  bare: Measured[];
  bareBytes: number;
  rows: { name: string; kind: Measured['kind']; a: Measured[]; b: Measured[] }[];
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((x, y) => x - y);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length === 0 ? 0 : sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

export function abSectionTitle(
  run: Pick<AbRun, 'a' | 'b' | 'dialect' | 'meetings' | 'participations' | 'quick' | 'logLevel'>,
): string {
  return `## A/B: ${run.a.label} against ${run.b.label}, ${dbName(run.dialect)}, ${n(run.meetings)} meetings, ${n(run.participations)} participations${run.quick ? ' (--quick)' : ''}, LOG_LEVEL=${run.logLevel}`;
}

/** The A/B section: medians of the rounds per side, their ratio, and each side against bare Fastify. */
export function writeAbReport(run: AbRun): { section: string; summary: string; save(file: string): void } {
  const bare = median(run.bare.map((b) => b.rps));
  const cell = (ms: Measured[]) => `${n(Math.round(median(ms.map((m) => m.rps))))} (${median(ms.map((m) => m.p99))})`;
  const title = abSectionTitle(run);
  const lines: string[] = [
    title,
    '',
    `- date: ${run.date}`,
    `- machine: ${run.machine}; node ${run.node}; client (autocannon) and servers share the machine`,
    `- command: \`${run.command}\``,
    `- A: ${run.a.label}; B: ${run.b.label}; each its own server process on its own identical copy of the seeded database (${run.dialect === 'sqlite' ? 'one seeding, the file copied' : 'two schemas seeded by the same deterministic generator'})`,
    `- load: ${run.connections} connections; per scenario A, B, A, B… ${run.rounds} rounds each, every round ${run.warmup} s of warm-up then ${run.duration} s measured; the cells are the medians of the rounds: req/s (p99 ms)`,
    `- bare Fastify route (${n(run.bareBytes)} bytes of fixed JSON), once per round before the scenarios: ${run.bare.map((b) => n(Math.round(b.rps))).join(', ')} req/s, median ${n(Math.round(bare))}`,
    `- server peak RSS (VmHWM): A ${(run.a.rss / 2 ** 20).toFixed(0)} MiB, B ${(run.b.rss / 2 ** 20).toFixed(0)} MiB`,
    '',
    '| scenario | A req/s (p99) | B req/s (p99) | A/B | A × bare | B × bare |',
    '|---|---:|---:|---:|---:|---:|',
  ];
  const notes: string[] = [];
  for (const row of run.rows) {
    const a = median(row.a.map((m) => m.rps));
    const b = median(row.b.map((m) => m.rps));
    const ratio = (x: number, y: number) => {
      if (y <= 0) return '–';
      const r = x / y;
      return r >= 10 ? r.toFixed(1) : r >= 1 ? r.toFixed(2) : r.toPrecision(2);
    };
    lines.push(
      `| ${row.name} | ${cell(row.a)} | ${cell(row.b)} | ${ratio(a, b)} | ${ratio(a, bare)} | ${ratio(b, bare)} |`,
    );
    const rounds = (ms: Measured[]) => ms.map((m) => n(Math.round(m.rps))).join(', ');
    notes.push(`- ${row.name}: A ${rounds(row.a)}; B ${rounds(row.b)}`);
    for (const [side, ms] of [
      ['A', row.a],
      ['B', row.b],
    ] as const) {
      const failed = ms.reduce((sum, m) => sum + m.failed, 0);
      if (failed > 0)
        notes.push(
          `  - **${side}: ${failed} answers not 100** (${ms.find((m) => m.samples.length)?.samples[0] ?? ''})`,
        );
    }
  }
  lines.push('', 'Each round, req/s:', '', ...notes, '');
  const section = lines.join('\n');
  return { section, summary: section, save: (file: string) => saveSection(file, title, section) };
}
