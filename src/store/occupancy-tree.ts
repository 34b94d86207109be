/**
 * The layout of a site's occupancy timeline (table `occupancy_timeline`, migration 0016) and the pure
 * arithmetic on it: which nodes a change or a peak reads, and what they become. No I/O.
 *
 * Time is cut into slots: the second s of hour h, minute m is slot `h·4096 + m·64 + s` (hour, minute and
 * second each get 6 bits; minutes 60–63 and seconds 60–63 are slots no instant maps to). Slots are grouped
 * in blocks of 2¹⁸ (64 hours), each block a segment tree of 18 levels whose nodes carry `add` (parties added
 * to the whole node's span) and `max` (the largest sum of `add` from the node down to a leaf). A meeting of
 * whole hours is one node; whole quarters of an hour a few; a span stops splitting at the unit it is aligned
 * to. A node that is not stored is all zero below; a node that becomes all zero is deleted.
 *
 * A slot no instant maps to reads as the last second before it, so the largest value over a range of slots
 * is the largest over the seconds it covers (docs/decisions.md, "Occupancy timeline"), and a window's
 * time in ms maps to slots by its seconds: the timeline only changes on whole seconds.
 */

/** Levels of a block's tree below its root; a block has 2^LEVELS slots. */
const LEVELS = 18;
const BLOCK_SLOTS = 2 ** LEVELS;
/** Node keys: block · 2^(LEVELS+1) + the node's heap index in its block (root 1, children 2v and 2v + 1). */
const BLOCK_KEYS = 2 ** (LEVELS + 1);

export interface NodeValue {
  add: number;
  max: number;
}

/** Stored nodes by key; a key absent is a node whose whole subtree is zero. */
export type Nodes = Map<number, NodeValue>;

/** Half-open range of slots. */
export interface SlotRange {
  from: number;
  to: number;
}

/** The slot of the second `second` (since the epoch). */
export function slotOf(second: number): number {
  const hour = Math.floor(second / 3600);
  const inHour = second - hour * 3600;
  const minute = Math.floor(inHour / 60);
  return hour * 4096 + minute * 64 + (inHour - minute * 60);
}

/**
 * The slots of [start, end) ms: every second the range touches. Exact for windows of whole seconds (every
 * meeting's); a query bound inside a second reads that second, over which the timeline is constant.
 */
export function slotRange(start: number, end: number): SlotRange {
  if (start >= end) return { from: 0, to: 0 };
  return { from: slotOf(Math.floor(start / 1000)), to: slotOf(Math.ceil(end / 1000)) };
}

export function isEmpty(range: SlotRange): boolean {
  return range.from >= range.to;
}

/** A range cut at block boundaries: the block's key base and the range in the block's slots. */
interface Piece {
  base: number;
  x: number;
  y: number;
}

function pieces(range: SlotRange): Piece[] {
  const out: Piece[] = [];
  for (let s = range.from; s < range.to;) {
    const block = Math.floor(s / BLOCK_SLOTS);
    const end = Math.min(range.to, (block + 1) * BLOCK_SLOTS);
    out.push({ base: block * BLOCK_KEYS, x: s - block * BLOCK_SLOTS, y: end - block * BLOCK_SLOTS });
    s = end;
  }
  return out;
}

/**
 * Walks the nodes of `piece`'s decomposition: `covered` for each node inside the range (its subtree is not
 * entered), `partial` for each node the range cuts, after its children.
 */
function walk(
  piece: Piece,
  covered: (key: number) => void,
  partial: (key: number, left: number, right: number) => void,
  v = 1,
  lo = 0,
  hi = BLOCK_SLOTS,
): void {
  const key = piece.base + v;
  if (piece.x <= lo && hi <= piece.y) return covered(key);
  const mid = (lo + hi) / 2;
  if (piece.x < mid) walk(piece, covered, partial, 2 * v, lo, mid);
  if (piece.y > mid) walk(piece, covered, partial, 2 * v + 1, mid, hi);
  partial(key, piece.base + 2 * v, piece.base + 2 * v + 1);
}

/** Keys a peak over `ranges` reads. */
export function peakKeys(ranges: readonly SlotRange[], into = new Set<number>()): Set<number> {
  const add = (key: number) => void into.add(key);
  for (const range of ranges) for (const piece of pieces(range)) walk(piece, add, add);
  return into;
}

/** Keys adding to `ranges` reads and may write: the peak's, and both children of every node cut. */
export function changeKeys(ranges: readonly SlotRange[]): Set<number> {
  const into = new Set<number>();
  const add = (key: number) => void into.add(key);
  for (const range of ranges) {
    for (const piece of pieces(range)) {
      walk(piece, add, (key, left, right) => {
        into.add(key).add(left).add(right);
      });
    }
  }
  return into;
}

const ZERO: NodeValue = { add: 0, max: 0 };

/** Adds `delta` over `range` in `nodes` (which hold every key of {@link changeKeys} that is stored). */
export function addRange(nodes: Nodes, range: SlotRange, delta: number): void {
  const maxOf = (key: number) => nodes.get(key)?.max ?? 0;
  for (const piece of pieces(range)) {
    walk(
      piece,
      (key) => {
        const n = nodes.get(key) ?? ZERO;
        nodes.set(key, { add: n.add + delta, max: n.max + delta });
      },
      (key, left, right) => {
        const add = nodes.get(key)?.add ?? 0;
        nodes.set(key, { add, max: add + Math.max(maxOf(left), maxOf(right)) });
      },
    );
  }
}

/** The largest value of the timeline over `range`, from `nodes` holding every key of {@link peakKeys} stored. */
export function rangeMax(nodes: Nodes, range: SlotRange): number {
  let best = 0;
  for (const piece of pieces(range)) best = Math.max(best, pieceMax(nodes, piece, 1, 0, BLOCK_SLOTS));
  return best;
}

function pieceMax(nodes: Nodes, piece: Piece, v: number, lo: number, hi: number): number {
  const n = nodes.get(piece.base + v);
  if (!n) return 0;
  if (piece.x <= lo && hi <= piece.y) return n.max;
  const mid = (lo + hi) / 2;
  let below = 0;
  if (piece.x < mid) below = pieceMax(nodes, piece, 2 * v, lo, mid);
  if (piece.y > mid) below = Math.max(below, pieceMax(nodes, piece, 2 * v + 1, mid, hi));
  return n.add + below;
}

/** A range to take the peak over, less `minus` (a meeting left out, inside its own window). */
export interface PeakPart {
  range: SlotRange;
  minus: number;
}

/**
 * The parts of `query` to take the peak over when the meeting occupying `excluded` with `parties` is left
 * out: inside its window the timeline less its parties, outside it the timeline.
 */
export function peakParts(query: SlotRange, excluded?: { range: SlotRange; parties: number }): PeakPart[] {
  if (!excluded) return [{ range: query, minus: 0 }];
  const inside = { from: Math.max(query.from, excluded.range.from), to: Math.min(query.to, excluded.range.to) };
  if (isEmpty(inside)) return [{ range: query, minus: 0 }];
  return [
    { range: { from: query.from, to: inside.from }, minus: 0 },
    { range: inside, minus: excluded.parties },
    { range: { from: inside.to, to: query.to }, minus: 0 },
  ].filter((part) => !isEmpty(part.range));
}

/** The peak over the parts (at least 0), from `nodes` holding the stored keys of their {@link peakKeys}. */
export function partsMax(nodes: Nodes, parts: readonly PeakPart[]): number {
  let best = 0;
  for (const part of parts) best = Math.max(best, rangeMax(nodes, part.range) - part.minus);
  return best;
}

/**
 * The stored nodes of a timeline holding exactly `occupations` (a rebuild): the same nodes and values as
 * adding them one by one with {@link addRange}, without the zero ones.
 */
export function buildNodes(occupations: Iterable<{ range: SlotRange; parties: number }>): Nodes {
  const adds = new Map<number, number>();
  for (const o of occupations) {
    if (o.parties === 0) continue;
    for (const piece of pieces(o.range)) {
      walk(
        piece,
        (key) => void adds.set(key, (adds.get(key) ?? 0) + o.parties),
        () => undefined,
      );
    }
  }
  // Every ancestor of a node with parties, children (higher heap index) before parents.
  const keys = new Set(adds.keys());
  for (const key of adds.keys()) {
    for (let v = heapOf(key); v > 1; v = Math.floor(v / 2)) {
      const parent = key - heapOf(key) + Math.floor(v / 2);
      if (keys.has(parent)) break;
      keys.add(parent);
    }
  }
  const nodes: Nodes = new Map();
  for (const key of [...keys].sort((a, b) => heapOf(b) - heapOf(a))) {
    const v = heapOf(key);
    const add = adds.get(key) ?? 0;
    const below = v < BLOCK_SLOTS ? Math.max(nodes.get(key + v)?.max ?? 0, nodes.get(key + v + 1)?.max ?? 0) : 0;
    nodes.set(key, { add, max: add + below });
  }
  for (const [key, n] of nodes) if (n.add === 0 && n.max === 0) nodes.delete(key);
  return nodes;
}

/** A key's heap index in its block. */
function heapOf(key: number): number {
  return ((key % BLOCK_KEYS) + BLOCK_KEYS) % BLOCK_KEYS;
}

/** What to write after a change: nodes new or changed, and stored nodes that became zero (to delete). */
export function changedNodes(stored: Nodes, now: Nodes): { upserts: [number, NodeValue][]; deletes: number[] } {
  const upserts: [number, NodeValue][] = [];
  const deletes: number[] = [];
  for (const [key, n] of now) {
    const was = stored.get(key);
    if (n.add === 0 && n.max === 0) {
      if (was) deletes.push(key);
    } else if (!was || was.add !== n.add || was.max !== n.max) upserts.push([key, n]);
  }
  return { upserts, deletes };
}
