import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Bounds, peakUse } from '../../src/domain/schedule.js';
import { siteOccupations, sitePeakUse } from '../../src/store/meetings.repository.js';
import { buildTestApp, gmt, type TestApp } from '../helper.js';

let t: TestApp;
beforeAll(async () => {
  t = await buildTestApp();
});
afterAll(async () => t.close());

const MINUTE = 60_000;

/** A small deterministic generator. */
function random(seed: number): () => number {
  let s = seed;
  return () => ((s = (s * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31);
}

describe('sitePeakUse', () => {
  it('is peakUse (src/domain/schedule.ts) of the site’s occupations, computed by the database', async () => {
    const site = await t.site({ totalNumParties: 100_000 });
    const next = random(11);
    const pick = (n: number) => Math.floor(next() * n);
    // Windows on a 15-minute grid over six hours, so that many start exactly where others end.
    const origin = Math.ceil(t.clock.now / (60 * MINUTE)) * 60 * MINUTE + 60 * MINUTE;
    const booked: number[] = [];
    for (let i = 0; i < 60; i++) {
      const res = await t.call('confReservation', site, {
        userId: `p${i}`, userName: 'P', confName: 'm', startTime: gmt(origin + pick(24) * 15 * MINUTE),
        duration: 15 * (1 + pick(8)), beforeTime: 15 * pick(3), confParties: 1 + pick(40),
      });
      expect(res.body.status).toBe(100);
      booked.push(res.body.data.confId);
    }
    for (const confId of booked.filter((_, i) => i % 9 === 4)) {
      expect((await t.call('cancelConf', site, { userId: `p${booked.indexOf(confId)}`, confId })).body.status).toBe(100);
    }

    let nonZero = 0;
    for (let k = 0; k < 80; k++) {
      const from = origin - 60 * MINUTE + pick(36) * 15 * MINUTE;
      const to = from + (1 + pick(16)) * 15 * MINUTE;
      const q = { from, to, maxWindowMs: Bounds.maxWindowMs, excludeId: k % 4 === 0 ? booked[pick(booked.length)] : undefined };
      const expected = peakUse(await siteOccupations(t.store.db, site.id, q), { start: from, end: to });
      expect(await sitePeakUse(t.store.db, site.id, q)).toBe(expected);
      if (expected > 0) nonZero += 1;
    }
    expect(nonZero).toBeGreaterThan(40);
  });

  it('is 0 where nothing is booked', async () => {
    const site = await t.site();
    expect(await sitePeakUse(t.store.db, site.id, { from: t.clock.now, to: t.clock.now + 60 * MINUTE, maxWindowMs: Bounds.maxWindowMs })).toBe(0);
  });
});
