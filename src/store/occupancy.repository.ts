import type { Compilable } from 'kysely';
import type { Db } from './database.js';
import { LockSpace, lockKey } from './dialect.js';
import {
  addRange,
  changedNodes,
  changeKeys,
  isEmpty,
  partsMax,
  peakKeys,
  peakParts,
  slotRange,
  type NodeValue,
  type Nodes,
} from './occupancy-tree.js';
import { prepared, type Prepared } from './prepared.js';

/** What one meeting adds to its site's timeline: `parties` over [start, end) ms. */
export interface Occupancy {
  siteId: number;
  start: number;
  end: number;
  parties: number;
}

function same(a: Occupancy | undefined, b: Occupancy | undefined): boolean {
  if (!a || !b) return a === b;
  return a.siteId === b.siteId && a.start === b.start && a.end === b.end && a.parties === b.parties;
}

/**
 * Replaces what one meeting adds to the timeline (`before`, undefined for nothing) by `after`, in the
 * caller's transaction: every change to a meeting's status, deletion, window or parties calls this, with the
 * same statement's old and new row (meetings.repository.ts). Nothing is written when they add the same.
 */
export async function moveOccupancy(db: Db, before: Occupancy | undefined, after: Occupancy | undefined) {
  if (same(before, after)) return;
  const changes: Occupancy[] = [];
  if (before) changes.push({ ...before, parties: -before.parties });
  if (after) changes.push(after);
  await changeOccupancy(db, changes);
}

/**
 * Adds each change's `parties` (negative to take away) over its window, in the caller's transaction. A site's
 * nodes are read, changed and written under its occupancy lock (PostgreSQL: a transaction-scoped advisory lock,
 * taken after the meeting rows the caller locked; sites in id order), so concurrent changes apply one after
 * another.
 */
export async function changeOccupancy(db: Db, changes: readonly Occupancy[]): Promise<void> {
  if (!db.isTransaction) throw new Error('changeOccupancy runs in the transaction of the meetings it follows');
  const bySite = new Map<number, Occupancy[]>();
  for (const c of changes) {
    if (c.parties === 0 || c.start >= c.end) continue;
    const list = bySite.get(c.siteId);
    if (list) list.push(c);
    else bySite.set(c.siteId, [c]);
  }
  for (const siteId of [...bySite.keys()].sort((a, b) => a - b)) {
    const ranges = bySite.get(siteId)!.map((c) => ({ range: slotRange(c.start, c.end), delta: c.parties }));
    await lockKey(db, LockSpace.occupancy, siteId);
    const stored = await readNodes(db, siteId, changeKeys(ranges.map((r) => r.range)));
    const nodes = new Map(stored);
    for (const r of ranges) addRange(nodes, r.range, r.delta);
    const { upserts, deletes } = changedNodes(stored, nodes);
    await writeNodes(db, siteId, upserts);
    await deleteNodes(db, siteId, deletes);
  }
}

/**
 * The site's peak concurrent parties over [from, to) ms: the largest sum of the parties of its occupying
 * meetings at any instant, as `peakUse` over those meetings answers. `excluded` (the occupancy of a meeting of
 * the site, as stored) is left out. One statement, so one snapshot of the timeline.
 */
export async function sitePeak(
  db: Db,
  siteId: number,
  window: { from: number; to: number },
  excluded?: Occupancy,
): Promise<number> {
  const query = slotRange(window.from, window.to);
  if (isEmpty(query)) return 0;
  const parts = peakParts(
    query,
    excluded?.siteId === siteId
      ? { range: slotRange(excluded.start, excluded.end), parties: excluded.parties }
      : undefined,
  );
  // 123 keys at most for windows of up to 48 hours in three parts (a random search): one statement (MAX_IDS).
  const nodes = await readNodes(db, siteId, peakKeys(parts.map((p) => p.range)));
  return partsMax(nodes, parts);
}

/** Statements take ids in lists padded to a multiple of this, so that few shapes are compiled. */
const ID_STEP = 32;
const MAX_IDS = 256;
const MAX_ROWS = 64;

type Values = Record<string, number>;

/** A prepared shape per size, made on first use: `build(size)` builds the shape of that many ids or rows. */
function shapes<R>(build: (size: number) => (db: Db, p: Values) => Compilable<R>) {
  const made = new Map<number, Prepared<Values, R>>();
  return (size: number): Prepared<Values, R> => {
    let shape = made.get(size);
    if (!shape) made.set(size, (shape = prepared(build(size))));
    return shape;
  };
}

/** The values `p.n0`, `p.n1`… of a shape as a list of `size`. */
function slots(size: number, p: Values): number[] {
  return Array.from({ length: size }, (_, i) => p[`n${i}`]!);
}

/** Ids as the values `n0`, `n1`… of a list padded to a multiple of ID_STEP (the first repeated), and its size. */
function idValues(siteId: number, ids: readonly number[]): [size: number, values: Values] {
  const size = Math.ceil(ids.length / ID_STEP) * ID_STEP;
  const values: Values = { site: siteId };
  for (let i = 0; i < size; i += 1) values[`n${i}`] = ids[i] ?? ids[0]!;
  return [size, values];
}

function chunks<T>(list: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < list.length; i += size) out.push(list.slice(i, i + size));
  return out;
}

const readShape = shapes(
  (size) => (db, p) =>
    db
      .selectFrom('occupancy_timeline')
      .select(['node', 'add_parties as add', 'max_parties as max'])
      .where('site_id', '=', p.site!)
      .where('node', 'in', slots(size, p)),
);

const writeShape = shapes(
  (size) => (db, p) =>
    db
      .insertInto('occupancy_timeline')
      .values(
        Array.from({ length: size }, (_, i) => ({
          site_id: p.site!,
          node: p[`n${i}`]!,
          add_parties: p[`a${i}`]!,
          max_parties: p[`m${i}`]!,
        })),
      )
      .onConflict((oc) =>
        oc.columns(['site_id', 'node']).doUpdateSet((eb) => ({
          add_parties: eb.ref('excluded.add_parties'),
          max_parties: eb.ref('excluded.max_parties'),
        })),
      ),
);

const deleteShape = shapes(
  (size) => (db, p) =>
    db.deleteFrom('occupancy_timeline').where('site_id', '=', p.site!).where('node', 'in', slots(size, p)),
);

async function readNodes(db: Db, siteId: number, keys: Set<number>): Promise<Nodes> {
  const nodes: Nodes = new Map();
  for (const ids of chunks([...keys], MAX_IDS)) {
    const [size, values] = idValues(siteId, ids);
    for (const row of await readShape(size).all(db, values))
      nodes.set(Number(row.node), { add: Number(row.add), max: Number(row.max) });
  }
  return nodes;
}

async function writeNodes(db: Db, siteId: number, rows: readonly [number, NodeValue][]): Promise<void> {
  for (const chunk of chunks(rows, MAX_ROWS)) {
    const values: Values = { site: siteId };
    chunk.forEach(([node, n], i) => {
      values[`n${i}`] = node;
      values[`a${i}`] = n.add;
      values[`m${i}`] = n.max;
    });
    await writeShape(chunk.length).all(db, values);
  }
}

async function deleteNodes(db: Db, siteId: number, keys: readonly number[]): Promise<void> {
  for (const ids of chunks(keys, MAX_IDS)) {
    const [size, values] = idValues(siteId, ids);
    await deleteShape(size).all(db, values);
  }
}
