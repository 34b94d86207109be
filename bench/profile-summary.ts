/**
 * Where a CPU profile's time went, by part: each sample's self time goes to the package (`node_modules/<pkg>`),
 * our source file (`src/…`), Node's internals, or the garbage collector. A function without a script (a native
 * function such as better-sqlite3's statement step or `writev`) is shown with its caller's part: `kysely → native
 * all` is SQLite executing statements that Kysely's driver runs.
 *
 * `npx tsx bench/profile-summary.ts FILE.cpuprofile [--top N]`, or `summarise()` from another script.
 */
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string };
  children?: number[];
}

export interface CpuProfile {
  nodes: ProfileNode[];
  samples?: number[];
  timeDeltas?: number[];
}

/** Self time per part, largest first, as shares of the profile's busy time (idle left out). */
export function summarise(profile: CpuProfile): { part: string; share: number }[] {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const partOf = new Map<number, string>();
  const part = (id: number): string => {
    const known = partOf.get(id);
    if (known !== undefined) return known;
    const node = byId.get(id)!;
    const { functionName, url } = node.callFrame;
    let found: string;
    if (functionName === '(root)') found = '(root)';
    else if (functionName === '(garbage collector)') found = 'garbage collection';
    else if (functionName === '(idle)') found = 'idle';
    else if (functionName === '(program)') found = 'V8 and native, unattributed';
    else if (url) found = partOfUrl(url);
    else {
      const up = parent.get(id);
      const caller = up === undefined ? '(root)' : part(up);
      found = caller === '(root)' || caller.includes(' native ') ? caller : `${caller} → native ${functionName}`;
    }
    partOf.set(id, found);
    return found;
  };
  const time = new Map<string, number>();
  let busy = 0;
  (profile.samples ?? []).forEach((id, i) => {
    const p = part(id);
    if (p === 'idle') return;
    const dt = profile.timeDeltas?.[i] ?? 0;
    time.set(p, (time.get(p) ?? 0) + dt);
    busy += dt;
  });
  return [...time].map(([p, t]) => ({ part: p, share: busy > 0 ? t / busy : 0 })).sort((a, b) => b.share - a.share);
}

function partOfUrl(url: string): string {
  const modules = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (modules) return modules[1]!;
  if (url.startsWith('node:')) return `node ${url.replace(/^node:(internal\/)?/, '').split('/')[0]}`;
  const ours = /\/(src|bench)\/(.+)$/.exec(url);
  if (ours) return `${ours[1]}/${ours[2]}`;
  return url;
}

/** The summary as lines of text: share and part, the `top` largest. */
export function formatSummary(summary: { part: string; share: number }[], top = 15): string {
  return summary
    .slice(0, top)
    .map(({ part, share }) => `${(share * 100).toFixed(1).padStart(5)} %  ${part}`)
    .join('\n');
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { values, positionals } = parseArgs({ allowPositionals: true, options: { top: { type: 'string' } } });
  for (const file of positionals) {
    console.log(`${file}:`);
    console.log(
      formatSummary(summarise(JSON.parse(fs.readFileSync(file, 'utf8')) as CpuProfile), Number(values.top ?? 15)),
    );
  }
}
