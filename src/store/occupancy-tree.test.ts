import { describe, expect, it } from 'vitest';
import { peakUse, type Occupation } from '../domain/schedule.js';
import {
  addRange,
  buildNodes,
  changedNodes,
  changeKeys,
  partsMax,
  peakKeys,
  peakParts,
  slotOf,
  slotRange,
  type Nodes,
} from './occupancy-tree.js';
import { seededRandom as random } from '../../test/random.js';

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
/** A block boundary (64 hours) in 2026, so that windows cross blocks. */
const ORIGIN = Math.ceil(Date.UTC(2026, 11, 3) / (64 * HOUR)) * 64 * HOUR;

/** A time near ORIGIN on a second, a minute, a quarter or an hour, as bookings are. */
function time(rnd: () => number, spanHours: number): number {
  const unit = [SECOND, MINUTE, 15 * MINUTE, HOUR][Math.floor(rnd() * 4)]!;
  return ORIGIN - 24 * HOUR + Math.floor((rnd() * spanHours * HOUR) / unit) * unit;
}

function meeting(rnd: () => number): Occupation {
  const start = time(rnd, 96);
  const length = [MINUTE, 30 * MINUTE, HOUR, 90 * MINUTE, 48 * HOUR, 61 * SECOND][Math.floor(rnd() * 6)]!;
  return { start, end: start + length, parties: 1 + Math.floor(rnd() * 50) };
}

const slots = (o: Occupation) => ({ range: slotRange(o.start, o.end), parties: o.parties });

/** Changes `nodes` as the repository does: read the keys a change needs, change, keep the non-zero. */
function change(nodes: Nodes, o: Occupation, sign: 1 | -1): void {
  const { range } = slots(o);
  const stored: Nodes = new Map([...changeKeys([range])].flatMap((k) => (nodes.has(k) ? [[k, nodes.get(k)!]] : [])));
  const next = new Map(stored);
  addRange(next, range, sign * o.parties);
  const { upserts, deletes } = changedNodes(stored, next);
  for (const [key, n] of upserts) nodes.set(key, n);
  for (const key of deletes) nodes.delete(key);
}

/** The peak over `within` leaving out `excluded`, as the repository reads it: only the keys the parts name. */
function treePeak(nodes: Nodes, within: Occupation | { start: number; end: number }, excluded?: Occupation): number {
  const parts = peakParts(slotRange(within.start, within.end), excluded && slots(excluded));
  const keys = peakKeys(parts.map((p) => p.range));
  return partsMax(new Map([...nodes].filter(([k]) => keys.has(k))), parts);
}

describe('the occupancy timeline', () => {
  it('maps seconds to slots in order, one slot per second', () => {
    const rnd = random(1);
    for (let i = 0; i < 1000; i += 1) {
      const s = Math.floor(time(rnd, 2000) / 1000);
      expect(slotOf(s + 1)).toBeGreaterThan(slotOf(s));
    }
    expect(slotOf(3600) - slotOf(3599)).toBe(4096 - 59 * 64 - 59);
  });

  it('answers the peak peakUse answers, for any window and with any meeting left out, as meetings come and go', () => {
    const rnd = random(2);
    const nodes: Nodes = new Map();
    let live: Occupation[] = [];
    for (let step = 0; step < 400; step += 1) {
      if (live.length > 0 && rnd() < 0.35) {
        const gone = live[Math.floor(rnd() * live.length)]!;
        live = live.filter((o) => o !== gone);
        change(nodes, gone, -1);
      } else {
        const o = meeting(rnd);
        live.push(o);
        change(nodes, o, 1);
      }
      for (let q = 0; q < 10; q += 1) {
        const start = time(rnd, 96) + (rnd() < 0.3 ? Math.floor(rnd() * SECOND) : 0);
        const within = { start, end: start + Math.ceil(rnd() * 50 * HOUR) };
        expect(treePeak(nodes, within), `step ${step}`).toBe(peakUse(live, within));
        if (live.length === 0) continue;
        const excluded = live[Math.floor(rnd() * live.length)]!;
        expect(treePeak(nodes, within, excluded), `step ${step} without one`).toBe(
          peakUse(
            live.filter((o) => o !== excluded),
            within,
          ),
        );
      }
    }
    // Taking every meeting away leaves nothing stored, and a rebuild is what the changes made.
    expect(buildNodes(live.map(slots))).toEqual(nodes);
    for (const o of live) change(nodes, o, -1);
    expect(nodes.size).toBe(0);
  });

  it('keeps back-to-back meetings apart', () => {
    const a = { start: ORIGIN - HOUR, end: ORIGIN, parties: 7 };
    const b = { start: ORIGIN, end: ORIGIN + 61 * SECOND, parties: 5 };
    const nodes: Nodes = new Map();
    change(nodes, a, 1);
    change(nodes, b, 1);
    expect(treePeak(nodes, { start: ORIGIN - 2 * HOUR, end: ORIGIN + HOUR })).toBe(7);
    expect(treePeak(nodes, { start: ORIGIN, end: ORIGIN + HOUR })).toBe(5);
    expect(treePeak(nodes, { start: ORIGIN + 61 * SECOND, end: ORIGIN + HOUR })).toBe(0);
    expect(treePeak(nodes, { start: ORIGIN + 60_500, end: ORIGIN + 61 * SECOND })).toBe(5);
  });

  it('stores a few nodes per meeting on quarter hours, and reads a few dozen per peak', () => {
    const rnd = random(3);
    const booked: Occupation[] = [];
    for (let i = 0; i < 2000; i += 1) {
      const start = ORIGIN + Math.floor(rnd() * 90) * 24 * HOUR + Math.floor(rnd() * 40) * 15 * MINUTE;
      booked.push({ start, end: start + [30, 45, 60, 90, 120][Math.floor(rnd() * 5)]! * MINUTE, parties: 10 });
    }
    const nodes = buildNodes(booked.map(slots));
    expect(nodes.size / booked.length).toBeLessThan(10);
    const keys = peakKeys([slotRange(ORIGIN + 5 * HOUR + 17 * SECOND, ORIGIN + 53 * HOUR)]);
    expect(keys.size).toBeLessThanOrEqual(80);
  });
});
