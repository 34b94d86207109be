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
  bareBytes?: number;
  ceilings: Measured[];
  results: Measured[];
  /** Peak resident set of the server process (VmHWM), bytes. */
  rss: number;
  growth?: { meetings: number; participations: number; seedMs: number; dbBytes: number; results: Measured[] };
}

const TARGET_P99_MS = 20;
const TARGET_READ_SHARE = 0.5;
const TARGET_RESERVE_SHARE = 0.25;
const TARGET_GROWTH = 1.5;
const TARGET_RSS = 300 * 2 ** 20;

const n = (x: number) => x.toLocaleString('en-US');
const pct = (x: number) => `${Math.round(x * 100)} %`;
const mark = (ok: boolean) => (ok ? 'yes' : '**no**');

export function sectionTitle(run: Pick<Run, 'dialect' | 'meetings' | 'participations' | 'quick'>): string {
  return `## ${run.dialect === 'sqlite' ? 'SQLite' : 'PostgreSQL'}, ${n(run.meetings)} meetings, ${n(run.participations)} participations${run.quick ? ' (--quick)' : ''}`;
}

export function writeReport(run: Run): { section: string; summary: string; save(file: string): void } {
  const bare = run.ceilings.find((c) => c.name === 'bare Fastify route');
  const lines: string[] = [sectionTitle(run), ''];
  lines.push(
    `- date: ${run.date}`,
    `- machine: ${run.machine}; node ${run.node}; client (autocannon) and server share the machine`,
    `- command: \`${run.command}\``,
    `- seeding: ${n(run.meetings)} meetings, ${n(run.participations)} participations, ${n(run.users)} users in ${(run.seedMs / 1000).toFixed(1)} s; database ${(run.dbBytes / 1e6).toFixed(0)} MB`,
    `- load: ${run.connections} connections, ${run.duration} s per scenario after a warm-up; bare routes answer ${n(run.bareBytes ?? 0)} bytes of fixed JSON`,
    `- server peak RSS (VmHWM): ${(run.rss / 2 ** 20).toFixed(0)} MiB (target < 300 MiB: ${mark(run.rss < TARGET_RSS)})`,
    '',
    '| scenario | req/s | p50 ms | p99 ms | vs bare Fastify | not 100 | targets met |',
    '|---|---:|---:|---:|---:|---:|---|',
  );
  const misses: string[] = [];
  for (const r of [...run.ceilings, ...run.results]) {
    const share = bare ? r.rps / bare.rps : 0;
    const checks: string[] = [];
    if (r.kind !== 'ceiling') {
      const p99ok = r.p99 < TARGET_P99_MS;
      checks.push(`p99 < 20 ms: ${mark(p99ok)}`);
      if (!p99ok) misses.push(`${r.name}: p99 ${r.p99} ms`);
      if (r.kind === 'read') {
        checks.push(`≥ 50 %: ${mark(share >= TARGET_READ_SHARE)}`);
        if (share < TARGET_READ_SHARE) misses.push(`${r.name}: ${pct(share)} of bare Fastify`);
      }
      if (r.name === 'confReservation' && run.dialect === 'sqlite') {
        checks.push(`≥ 25 %: ${mark(share >= TARGET_RESERVE_SHARE)}`);
        if (share < TARGET_RESERVE_SHARE) misses.push(`${r.name}: ${pct(share)} of bare Fastify`);
      }
      if (r.failed > 0) {
        checks.push('**ERRORS**');
        misses.push(`${r.name}: ${r.failed} answers not 100 (${r.samples[0] ?? ''})`);
      }
    }
    lines.push(
      `| ${r.name} | ${n(Math.round(r.rps))} | ${r.p50} | ${r.p99} | ${pct(share)} | ${r.failed} | ${checks.join(', ')} |`,
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
    save(file: string) {
      const title = sectionTitle(run);
      const existing = fs.existsSync(file)
        ? fs.readFileSync(file, 'utf8')
        : '# Benchmarks\n\n`npm run bench` (bench/README.md) writes its section here; earlier runs of other databases and scales stay.\n';
      const parts = existing.split(/^(?=## )/m);
      const at = parts.findIndex((p) => p.startsWith(`${title}\n`));
      if (at >= 0) parts[at] = `${section}\n`;
      else parts.push(`${parts[parts.length - 1]!.endsWith('\n\n') ? '' : '\n'}${section}\n`);
      fs.writeFileSync(file, parts.join(''));
    },
  };
}
