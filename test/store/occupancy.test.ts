import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Bounds, peakUse } from '../../src/domain/schedule.js';
import { sweep } from '../../src/domain/sweeper.js';
import type { SiteRow } from '../../src/store/database.js';
import { findMeeting, occupancyPeak, rebuildOccupancy, siteOccupations } from '../../src/store/meetings.repository.js';
import { buildTestApp, gmt, type TestApp } from '../helper.js';
import { seededRandom as random } from '../random.js';

const MIN = 60_000;
const HOUR = 60 * MIN;

let t: TestApp;
beforeAll(async () => {
  t = await buildTestApp();
});
afterAll(async () => t.close());

/** The peak recomputed from the meetings table, as before the timeline existed. */
async function recomputed(site: SiteRow, from: number, to: number, excludeId?: number): Promise<number> {
  const occupations = await siteOccupations(t.store.db, site.id, {
    from,
    to,
    maxWindowMs: Bounds.maxWindowMs,
    excludeId,
  });
  return peakUse(occupations, { start: from, end: to });
}

async function timelineRows() {
  const rows = await t.store.db
    .selectFrom('occupancy_timeline')
    .selectAll()
    .orderBy('site_id')
    .orderBy('node')
    .execute();
  return rows.map((r) => [r.site_id, r.node, r.add_parties, r.max_parties].map(Number));
}

describe('the occupancy timeline under a random series of API calls', () => {
  it('answers every peak as the meetings table does, and holds what a rebuild makes', async () => {
    const rnd = random(18);
    const pick = <T>(list: readonly T[]): T => list[Math.floor(rnd() * list.length)]!;
    const sites = [await t.site({ totalNumParties: 60 }), await t.site({ totalNumParties: 10_000 })];
    const users = Array.from({ length: 12 }, (_, i) => `u${i}`);
    const booked: { site: SiteRow; confId: number; confNumber: string; userId: string }[] = [];
    const statuses = new Map<string, number>();
    const seen = (name: string, status: unknown) =>
      statuses.set(`${name} ${status}`, (statuses.get(`${name} ${status}`) ?? 0) + 1);
    /** A time near now on a second, a minute or a quarter of an hour. */
    const near = () => {
      const unit = pick([1000, MIN, 15 * MIN]);
      return Math.floor((t.clock.now + (rnd() * 10 - 2) * HOUR) / unit) * unit;
    };
    const meetingParams = () => ({
      startTime: gmt(near()),
      duration: pick([1, 15, 30, 60, 90, 240]),
      beforeTime: pick([0, 0, 5, 30]),
      confParties: 1 + Math.floor(rnd() * 40),
    });

    for (let step = 0; step < 200; step += 1) {
      const site = pick(sites);
      const userId = pick(users);
      const mine = booked.filter((b) => b.site === site);
      const r = rnd();
      // Holding a meeting (joining, ending, extending) needs one whose window is open.
      const open = await t.store.db
        .selectFrom('meetings')
        .select(['id', 'conf_status'])
        .where('site_id', '=', site.id)
        .where('window_start', '<=', t.clock.now)
        .where('window_end', '>', t.clock.now)
        .where('conf_status', 'in', [0, 2])
        .execute();
      const wanted = new Set(open.filter((row) => r < 0.62 || row.conf_status === 2).map((row) => row.id));
      const holdable = mine.filter((b) => wanted.has(b.confId));
      const candidates = r >= 0.5 && r < 0.8 && holdable.length > 0 ? holdable : mine;
      const m = candidates.length > 0 ? pick(candidates) : undefined;
      if (r < 0.3 || !m) {
        const instant = rnd() < 0.15;
        const res = await t.call('confReservation', site, {
          userId,
          userName: userId,
          confName: `m${step}`,
          ...meetingParams(),
          ...(instant ? { isInstantMeeting: 1 } : {}),
        });
        seen('confReservation', res.body.status);
        if (res.body.status === 100)
          booked.push({ site, confId: res.body.data.confId, confNumber: res.body.data.confNumber, userId });
      } else if (r < 0.42) {
        const res = await t.call('confModify2', site, {
          userId: m.userId,
          confId: m.confId,
          confPassword: '',
          ...meetingParams(),
        });
        seen('confModify2', res.body.status);
      } else if (r < 0.5) {
        seen('cancelConf', (await t.call('cancelConf', site, { userId: m.userId, confId: m.confId })).body.status);
      } else if (r < 0.62) {
        const res = await t.call(
          '/media/v1/events',
          site,
          {
            confNumber: m.confNumber,
            events: [{ type: 'participant.joined', participant: { cuid: `h${step}`, name: 'Host', role: 'host' } }],
          },
          { subject: 'confNumber', encoding: 'json' },
        );
        seen('join', res.body.status);
      } else if (r < 0.67) {
        const res = await t.call(
          '/media/v1/events',
          site,
          { confNumber: m.confNumber, events: [{ type: 'session.ended' }] },
          { subject: 'confNumber', encoding: 'json' },
        );
        seen('session.ended', res.body.status);
      } else if (r < 0.73) {
        seen('endConf', (await t.call('endConf', site, { userId: m.userId, confId: m.confId })).body.status);
      } else if (r < 0.8) {
        const res = await t.call('openingconfModify', site, {
          userId: m.userId,
          confId: m.confId,
          addDuration: pick([0, 15, 120]),
          addNumParties: pick([1, 5, 50]),
        });
        seen('openingconfModify', res.body.status);
      } else if (r < 0.9) {
        t.clock.now += Math.floor(rnd() * 90) * MIN + Math.floor(rnd() * 60) * 1000;
        const settle = pick(['sweep', 'list', 'detail']);
        if (settle === 'sweep') await sweep(t.store.db, t.clock.now, 30_000);
        else if (settle === 'list')
          seen('list', (await t.call('getScheduledConfListByUserId', site, { userId: m.userId })).body.status);
        else
          seen(
            'detail',
            (await t.call('getConfDetailByConfId', site, { userId: m.userId, confId: m.confId })).body.status,
          );
      } else if (r < 0.92) {
        const res = await t.call('delUserByUserId', site, { userId: m.userId, isForceDel: 1 });
        seen('delUserByUserId', res.body.status);
      } else {
        const window = meetingParams();
        const excluded = rnd() < 0.5 ? m : undefined;
        const res = await t.call('getReMainNumPartis', site, {
          userId,
          startTime: window.startTime,
          duration: window.duration,
          beforeTime: window.beforeTime,
          ...(excluded ? { confNumber: excluded.confNumber } : {}),
        });
        const start = Date.parse(`${window.startTime.replace(' ', 'T')}Z`);
        const from = Math.max(start - window.beforeTime * MIN, t.clock.now);
        const to = start + window.duration * MIN;
        const peak = from < to ? await recomputed(site, from, to, excluded?.confId) : 0;
        expect(res.body.remainNumPartis, `step ${step}`).toBe(Math.max(0, site.total_num_parties - peak));
      }

      for (let q = 0; q < 12; q += 1) {
        const s = pick(sites);
        const from = t.clock.now + Math.floor((rnd() * 16 - 4) * HOUR) + (rnd() < 0.3 ? Math.floor(rnd() * 1000) : 0);
        const to = from + Math.ceil(rnd() * 30 * HOUR);
        const others = booked.filter((b) => b.site === s);
        const without = others.length > 0 && rnd() < 0.4 ? pick(others) : undefined;
        const row = without && (await findMeeting(t.store.db, s.id, without.confId));
        const peak = await occupancyPeak(t.store.db, s.id, { from, to }, row);
        expect(peak, `step ${step}, [${gmt(from)}, ${gmt(to)}) of site ${s.id}`).toBe(
          await recomputed(s, from, to, without?.confId),
        );
      }
    }
    // The series went through every path: bookings accepted and refused, meetings held, ended, settled.
    for (const outcome of [
      'confReservation 100',
      'confReservation 205',
      'confModify2 100',
      'cancelConf 100',
      'join 100',
      'endConf 100',
      'openingconfModify 100',
    ])
      expect(statuses.get(outcome) ?? 0, outcome).toBeGreaterThan(0);

    const kept = await timelineRows();
    expect(kept.length).toBeGreaterThan(0);
    await rebuildOccupancy(t.store.db);
    expect(await timelineRows()).toEqual(kept);
  }, 240_000);
});

describe('writes to meetings', () => {
  it('are all in meetings.repository.ts, which keeps the occupancy timeline', () => {
    const root = path.resolve(import.meta.dirname, '../../src');
    const files = (fs.readdirSync(root, { recursive: true }) as string[]).filter(
      (f) => f.endsWith('.ts') && !f.endsWith('.test.ts'),
    );
    const writes =
      /(updateTable|insertInto|deleteFrom|mergeInto)\(\s*['"`]meetings(\s+as\s+\w+)?['"`]|\bupdate\s+meetings\s+set\b|\b(insert\s+into|delete\s+from|merge\s+into)\s+meetings\b/i;
    const writers = files.filter(
      (f) => !f.startsWith(`store${path.sep}migrations`) && writes.test(fs.readFileSync(path.join(root, f), 'utf8')),
    );
    expect(writers).toEqual([path.join('store', 'meetings.repository.ts')]);
  });
});
