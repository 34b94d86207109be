import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reserveMeeting } from '../../src/domain/meetings.js';
import { buildTestApp, gmt, type TestApp } from '../helper.js';

// isTuiliu=1 asks for an automatic streaming channel: the server's own, which exists only with its SFU
// (docs/media.md). Without it the booking is refused as before; with it the meeting's watchUrl is the
// server's watch page. Documented answers of meetings without live streaming do not change.

let t: TestApp;
beforeAll(async () => {
  t = await buildTestApp();
});
afterAll(async () => t.close());

const booking = (confName: string) => ({
  userId: 'streamer',
  userName: 'Streamer',
  confName,
  startTime: gmt(t.clock.now + 3_600_000),
  duration: 60,
  confParties: 5,
});

describe('isTuiliu=1 (automatic streaming channel)', () => {
  it('is refused by a server without its SFU, naming the parameter and what to use instead', async () => {
    const site = await t.site();
    const res = await t.call('confReservation', site, { ...booking('No channel'), isTuiliu: 1 });
    expect(res.body.status).not.toBe(100);
    expect(res.body.message).toContain('isTuiliu=1');
    expect(res.body.message).toContain('streamDiy=1');
  });

  it('is booked when the server streams, and the meeting’s watchUrl is the server’s watch page', async () => {
    const site = await t.site();
    const booked = await t.store.db
      .transaction()
      .execute((trx) => reserveMeeting(trx, site, { ...booking('Town hall'), isTuiliu: 1 }, t.clock.now, true));
    const detail = await t.call('getConfDetailByConfId', site, { userId: 'streamer', confId: booked.meeting.id });
    expect(detail.body.status).toBe(100);
    const data = detail.body.data as { watchUrl: string; confNumber: string };
    expect(data.watchUrl).toMatch(new RegExp(`^http://meet\\.example\\.test/w/${data.confNumber}/[0-9A-F]{32}$`));
    // The watch page's secret is not the join link's.
    const join = (await t.call('getConfDetailByConfId', site, { userId: 'streamer', confId: booked.meeting.id })).body
      .data as { joinUrl: string };
    expect(join.joinUrl.split('/').at(-1)).not.toBe(data.watchUrl.split('/').at(-1));
  });

  it('leaves watchUrl as it was for meetings without live streaming', async () => {
    const site = await t.site();
    const res = await t.call('confReservation', site, booking('Ordinary'));
    expect((res.body.data as { watchUrl: string }).watchUrl).toBe('');
  });
});
