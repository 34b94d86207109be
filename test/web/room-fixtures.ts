import { expect } from 'vitest';
import type { SiteRow } from '../../src/store/database.js';
import { gmt, type TestApp } from '../helper.js';
import { PageSocket } from './ws-client.js';

const MIN = 60_000;

/** What confReservation answers that the room tests use. */
export interface Booked {
  confId: number;
  confNumber: string;
  hostStartUrl: string;
  joinUrl: string;
}

/** `/web/v1/links/<kind>/<n>/<secret>` of a link the API handed out. */
export const linkPath = (url: string) => {
  const m = /\/(s|j)\/(\d{10})\/([0-9A-F]{32})$/.exec(url)!;
  return `/web/v1/links/${m[1]}/${m[2]}/${m[3]}`;
};

/**
 * The room tests' factories over the app `test().t`, listening at `test().base` (both set in `beforeAll`): a
 * meeting open since 5 minutes ago, the page's enter call (from the client address `ip`), and entering then
 * opening the page's WebSocket.
 */
export function roomFixtures(test: () => { t: TestApp; base: string }) {
  async function openMeeting(
    site: SiteRow,
    params: Record<string, unknown> = {},
    name = 'confReservation',
  ): Promise<Booked> {
    const { t } = test();
    const res = await t.call(name, site, {
      userId: 'host1',
      userName: 'Hostess',
      confName: 'Room',
      startTime: gmt(Math.floor((t.clock.now - 5 * MIN) / 1000) * 1000),
      duration: 60,
      confParties: 10,
      ...params,
    });
    expect(res.body.status, res.body.message).toBe(100);
    return res.body.data;
  }

  async function enter(url: string, body: Record<string, unknown>, ip = '127.0.0.1') {
    const res = await test().t.app.inject({
      method: 'POST',
      url: `${linkPath(url)}/enter`,
      payload: body,
      remoteAddress: ip,
    });
    return { statusCode: res.statusCode, body: res.json() };
  }

  async function connect(url: string, name: string, extra: Record<string, unknown> = {}, ip?: string) {
    const entered = await enter(url, { name, ...extra }, ip);
    expect(entered.statusCode, JSON.stringify(entered.body)).toBe(200);
    return {
      socket: await PageSocket.open(test().base, entered.body.ticket),
      state: entered.body.state as string,
      ticket: entered.body.ticket as string,
    };
  }

  return { openMeeting, enter, connect };
}
