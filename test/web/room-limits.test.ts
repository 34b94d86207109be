import { describe, expect, it, vi } from 'vitest';
import { CloseCode, PRESENCE_WRITE_INTERVAL_MS } from '../../src/api/socket-limits.js';
import * as presence from '../../src/store/presence.repository.js';
import type { SiteRow } from '../../src/store/database.js';
import { gmt, listeningTestApp } from '../helper.js';
import { PageSocket } from './ws-client.js';

// The presence queries counted: every call still goes to the database.
vi.mock('../../src/store/presence.repository.js', async (importOriginal) => {
  const original = await importOriginal<typeof import('../../src/store/presence.repository.js')>();
  return { ...original, presentIn: vi.fn(original.presentIn), touchParticipation: vi.fn(original.touchParticipation) };
});
const presentIn = vi.mocked(presence.presentIn);
const touchParticipation = vi.mocked(presence.touchParticipation);

const server = listeningTestApp();

async function openMeeting(site: SiteRow, params: Record<string, unknown> = {}) {
  const res = await server.t.call('confReservation', site, {
    userId: 'host1',
    userName: 'Hostess',
    confName: 'Limits',
    startTime: gmt(Math.floor((server.t.clock.now - 300_000) / 1000) * 1000),
    duration: 60,
    confParties: 50,
    optionJbh: 1,
    ...params,
  });
  expect(res.body.status, res.body.message).toBe(100);
  return res.body.data as { confNumber: string; hostStartUrl: string; joinUrl: string };
}

async function enter(url: string, name: string): Promise<string> {
  const m = /\/(s|j)\/(\d{10})\/([0-9A-F]{32})$/.exec(url)!;
  const res = await server.t.app.inject({
    method: 'POST',
    url: `/web/v1/links/${m[1]}/${m[2]}/${m[3]}/enter`,
    payload: { name },
  });
  expect(res.statusCode, res.body).toBe(200);
  return res.json().ticket as string;
}

/** Enters through a link and connects; answers once the page sees `count` participants. */
async function join(url: string, name: string, count: number) {
  const ticket = await enter(url, name);
  const socket = await PageSocket.open(server.base, ticket);
  const roster = await socket.rosterOf(count, 15_000);
  return { socket, ticket, id: roster.you!.id };
}

/** Resolves once `n` of `pages` have closed. */
function closedCount(pages: PageSocket[], n: number): Promise<void> {
  let closed = 0;
  return new Promise((resolve) => {
    for (const page of pages) void page.closed.then(() => ++closed === n && resolve());
  });
}

describe('one WebSocket per ticket', () => {
  it('replaces the older connection (closed with 4001), without leaving the meeting', async () => {
    const site = await server.t.site();
    const m = await openMeeting(site);
    const host = await join(m.hostStartUrl, 'Host', 1);
    const ticket = await enter(m.joinUrl, 'Twin');
    const first = await PageSocket.open(server.base, ticket);
    await first.rosterOf(2);
    await host.socket.rosterOf(2);
    const seen = host.socket.messages.length;
    const second = await PageSocket.open(server.base, ticket);
    await first.closed;
    expect(first.closeCode).toBe(CloseCode.replaced);
    expect((await second.rosterOf(2)).participants!.map((p) => p.name)).toEqual(['Host', 'Twin']);
    // The takeover is not a departure: the host's roster never shrank.
    expect(host.socket.messages.slice(seen).filter((x) => x.type === 'roster' && x.participants!.length !== 2)).toEqual(
      [],
    );

    // Fifty at once on one ticket: one stays.
    const many = await Promise.all(Array.from({ length: 50 }, () => PageSocket.open(server.base, ticket)));
    await closedCount([second, ...many], 50);
    const open = [second, ...many].filter((p) => p.closeCode === undefined);
    expect(open).toHaveLength(1);
    expect([second, ...many].filter((p) => p.closeCode === CloseCode.replaced)).toHaveLength(50);
    await open[0]!.rosterOf(2);
    const live = await server.t.call('getLiveDetail', site, { confNo: m.confNumber }, { subject: 'confNo' });
    expect(live.body.data.map((p: { userName: string }) => p.userName)).toEqual(['Host', 'Twin']);

    // Closing the one left is leaving.
    const alone = host.socket.nextRoster(1);
    open[0]!.close();
    await alone;
  });
});

describe('a flood on one WebSocket', () => {
  it('writes presence at most once per interval, however many pings, and closes the page past its budget (4003)', async () => {
    const site = await server.t.site();
    const m = await openMeeting(site);
    const page = await join(m.joinUrl, 'Pinger', 1);
    touchParticipation.mockClear();
    const pings = 400;
    for (let i = 0; i < pings; i++) page.socket.send({ type: 'ping' });
    await page.socket.waitFor(() => page.socket.messages.filter((x) => x.type === 'pong').length === pings, 15_000);
    expect(touchParticipation).toHaveBeenCalledTimes(1);

    // The heartbeat still counts: a ping one interval later is written.
    server.t.clock.now += PRESENCE_WRITE_INTERVAL_MS;
    page.socket.send({ type: 'ping' });
    await page.socket.waitFor(() => page.socket.messages.filter((x) => x.type === 'pong').length === pings + 1);
    expect(touchParticipation).toHaveBeenCalledTimes(2);
    expect(touchParticipation.mock.calls[1]![2]).toBe(server.t.clock.now);

    // 20,000 pings: the page is closed once its budget is spent, with a handful of writes at most.
    for (let i = 0; i < 20_000; i++) page.socket.send({ type: 'ping' });
    await page.socket.closed;
    expect(page.socket.closeCode).toBe(CloseCode.tooManyMessages);
    expect(touchParticipation.mock.calls.length).toBeLessThanOrEqual(2);
    expect(page.socket.messages.filter((x) => x.type === 'pong').length).toBeLessThan(20_000);
  });

  it('relays a mesh negotiation’s burst of signals in full', async () => {
    const site = await server.t.site();
    const m = await openMeeting(site);
    const ann = await join(m.joinUrl, 'Ann', 1);
    const bob = await join(m.joinUrl, 'Bob', 2);
    // Offers with many candidates to 7 peers and 20 candidates each: well within the budget.
    const sdp = `v=0\r\n${Array.from({ length: 100 }, (_, i) => `a=candidate:${i} 1 udp 2122260223 192.168.1.${i} ${50000 + i} typ host`).join('\r\n')}`;
    for (let i = 0; i < 7; i++)
      ann.socket.send({ type: 'signal', to: bob.id, data: { description: { type: 'offer', sdp } } });
    for (let i = 0; i < 140; i++)
      ann.socket.send({
        type: 'signal',
        to: bob.id,
        data: { candidate: { candidate: `candidate:${i}`, sdpMid: '0' } },
      });
    await bob.socket.waitFor(() => bob.socket.messages.filter((x) => x.type === 'signal').length === 147, 15_000);
    ann.socket.send({ type: 'ping' });
    await ann.socket.waitFor((x) => x.type === 'pong');
    expect(ann.socket.closeCode).toBeUndefined();
  });
});

describe('a roster change', () => {
  it('is read once for all the pages of the meeting, not once per page', async () => {
    const site = await server.t.site();
    const m = await openMeeting(site);
    const pages = [await join(m.hostStartUrl, 'Host', 1)];
    for (let i = 1; i < 20; i++) pages.push(await join(m.joinUrl, `P${i}`, i + 1));
    await Promise.all(pages.map((p) => p.socket.rosterOf(20, 15_000)));

    presentIn.mockClear();
    const shrunk = pages.slice(0, 19).map((p) => p.socket.nextRoster(19, 15_000));
    pages[19]!.socket.send({ type: 'leave' });
    await Promise.all(shrunk);
    expect(presentIn.mock.calls.length).toBeLessThanOrEqual(2);
  });
});
