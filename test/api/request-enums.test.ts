import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addRooms } from '../../src/domain/sites.js';
import type { SiteRow } from '../../src/store/database.js';
import { buildTestApp, gmt, type TestApp } from '../helper.js';

let t: TestApp;
beforeAll(async () => {
  t = await buildTestApp();
});
afterAll(async () => t.close());

const HOUR = 3_600_000;
const at = (hours: number) => gmt(Math.ceil(t.clock.now / HOUR) * HOUR + hours * HOUR);

function reserve(site: SiteRow, params: Record<string, unknown> = {}) {
  return t.call('confReservation', site, { userId: 'host1', userName: 'Host One', confName: 'Weekly', startTime: at(1), duration: 60, confParties: 5, ...params });
}

/** A site whose pool has one room of 10 parties only: a meeting of 5 fits only with upCompatible. */
async function siteWithBigRoom() {
  const site = await t.site({ totalNumParties: 1000 });
  const [big] = await addRooms(t.store.db, { siteSign: site.site_sign, capacity: 10, count: 1 }, t.clock.now);
  return { site, big: big! };
}

describe('upCompatible: y or n, in either case, normalised at the edge', () => {
  it('honours upCompatible=Y as y on confReservation (it was silently "no": 205)', async () => {
    const { site, big } = await siteWithBigRoom();
    const res = await reserve(site, { upCompatible: 'Y' });
    expect(res.body.status).toBe(100);
    expect(res.body.data.roomId).toBe(big.id);
  });

  it('honours upCompatible=Y on confModify2', async () => {
    const { site, big } = await siteWithBigRoom();
    const booked = await reserve(site, { upCompatible: 'y' });
    expect(booked.body.data.roomId).toBe(big.id);
    const modified = await t.call('confModify2', site, {
      userId: 'host1', confId: booked.body.data.confId, confPassword: '', startTime: at(3), duration: 60, confParties: 6, upCompatible: 'Y',
    });
    expect(modified.body.status).toBe(100);
    expect(modified.body.data.roomId).toBe(big.id);
  });

  it('treats N, n, empty and absent as no, in a JSON body too', async () => {
    const { site } = await siteWithBigRoom();
    for (const upCompatible of ['N', 'n', '', undefined]) {
      const res = await reserve(site, upCompatible === undefined ? {} : { upCompatible });
      expect(res.body.status).toBe(205);
    }
    expect((await t.call('confReservation', site, { userId: 'h', userName: 'H', confName: 'W', startTime: at(1), duration: 60, confParties: 5, upCompatible: 'Y' }, { encoding: 'json' })).body.status).toBe(100);
  });

  it('refuses anything else with 109 naming the parameter and its values', async () => {
    const { site } = await siteWithBigRoom();
    const res = await reserve(site, { upCompatible: 'yes' });
    expect(res.body.status).toBe(109);
    expect(res.body.message).toContain('upCompatible');
    expect(res.body.message).toContain('"y", "n"');
  });
});
