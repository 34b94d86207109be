import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { CloseCode } from '../../src/api/socket-limits.js';
import { createSite } from '../../src/domain/sites.js';
import { sweep } from '../../src/domain/sweeper.js';
import { computeToken } from '../../src/domain/token.js';
import type { Store } from '../../src/store/connect.js';
import type { SiteRow } from '../../src/store/database.js';
import { MeetingStatus } from '../../src/domain/meeting-status.js';
import { migrateToLatest } from '../../src/store/migrate.js';
import { findTicket } from '../../src/store/presence.repository.js';
import { createTestDatabase, gmt, listeningTestApp, type TestDatabase } from '../helper.js';
import { postForm, startServer, type ServerProcess } from '../server-process.js';
import { PageSocket } from '../web/ws-client.js';

// Reading the tickets in `slow.tokens` takes 300 ms, as on a busy database.
const slow = vi.hoisted(() => ({ tokens: new Set<string>() }));
vi.mock('../../src/store/presence.repository.js', async (importOriginal) => {
  const original = await importOriginal<typeof import('../../src/store/presence.repository.js')>();
  return {
    ...original,
    findTicket: async (...args: Parameters<typeof original.findTicket>) => {
      if (slow.tokens.has(args[1])) await new Promise((resolve) => setTimeout(resolve, 300));
      return original.findTicket(...args);
    },
  };
});

const server = listeningTestApp();

const linkParts = (url: string) => /\/(s|j)\/(\d{10})\/([0-9A-F]{32})$/.exec(url)!.slice(1) as [string, string, string];

async function enter(url: string, name: string): Promise<{ ticket: string; state: string }> {
  const [kind, n, secret] = linkParts(url);
  const res = await server.t.app.inject({
    method: 'POST',
    url: `/web/v1/links/${kind}/${n}/${secret}/enter`,
    payload: { name },
  });
  expect(res.statusCode, res.body).toBe(200);
  return res.json();
}

describe('host commands over the page WebSocket', () => {
  async function meetingWithGuests(site: SiteRow) {
    const res = await server.t.call('confReservation', site, {
      userId: 'host1',
      userName: 'Hostess',
      confName: 'Powers',
      startTime: gmt(Math.floor((server.t.clock.now - 300_000) / 1000) * 1000),
      duration: 60,
      confParties: 10,
      waitingRoom: 1,
    });
    expect(res.body.status, res.body.message).toBe(100);
    const m = res.body.data as { confId: number; confNumber: string; hostStartUrl: string; joinUrl: string };
    const hostTicket = (await enter(m.hostStartUrl, 'Hostess')).ticket;
    const host = await PageSocket.open(server.base, hostTicket);
    await host.rosterOf(1);
    const annTicket = (await enter(m.joinUrl, 'Ann')).ticket;
    const ann = await PageSocket.open(server.base, annTicket);
    const annId = (await host.waitFor((x) => x.type === 'roster' && x.waiting?.length === 1)).waiting![0]!.id;
    host.send({ type: 'admit', id: annId });
    await ann.rosterOf(2);
    const carlTicket = (await enter(m.joinUrl, 'Carl')).ticket;
    const carlId = (
      await host.waitFor((x) => x.type === 'roster' && x.waiting?.length === 1 && x.waiting[0]!.name === 'Carl')
    ).waiting![0]!.id;
    return { m, host, hostTicket, ann, annId, carlTicket, carlId };
  }

  const confStatus = async (site: SiteRow, confId: number) =>
    (await server.t.call('getConfDetailByConfId', site, { userId: 'host1', confId })).body.data.confStatus as number;

  it('are refused to a host who left and came back with the same ticket', async () => {
    const site = await server.t.site();
    const { m, host, hostTicket, ann, annId, carlTicket, carlId } = await meetingWithGuests(site);
    const alone = ann.nextRoster(1);
    host.send({ type: 'leave' });
    await host.state('left');
    await alone;

    // A busy database: the commands arrive while the server still reads the ticket.
    slow.tokens.add(hostTicket);
    const again = await PageSocket.open(server.base, hostTicket);
    for (const command of [
      { type: 'end' },
      { type: 'admit', id: carlId },
      { type: 'remove', id: annId },
      { type: 'mute', id: annId },
    ])
      again.send(command);
    await again.closed;
    expect(again.messages.map((x) => x.state)).toEqual(['left']);
    // Each would show on Ann's page within milliseconds; two seconds of nothing is a refusal.
    await expect(
      ann.waitFor(
        (x) => x.type !== 'roster' && x.type !== 'state' && x.type !== 'media-config' && x.type !== 'chat-history',
        2000,
      ),
    ).rejects.toThrow();
    expect(ann.messages.filter((x) => x.type === 'state' && x.state !== 'lobby').map((x) => x.state)).toEqual([
      'in_meeting',
    ]);
    expect(await confStatus(site, m.confId)).toBe(MeetingStatus.live);
    expect((await findTicket(server.t.store.db, carlTicket))!.state).toBe('lobby');
    const live = await server.t.call('getLiveDetail', site, { confNo: m.confNumber }, { subject: 'confNo' });
    expect(live.body.data.map((p: { userName: string }) => p.userName)).toEqual(['Ann']);
  });

  it('are refused to a host whose heartbeat timed out while the socket stayed open', async () => {
    const site = await server.t.site();
    const { m, host, ann, carlTicket, carlId } = await meetingWithGuests(site);
    server.t.clock.now += 31_000;
    ann.send({ type: 'ping' });
    await ann.waitFor((x) => x.type === 'pong');
    // The sweeper closes the host's participation; this page is not told yet.
    await sweep(server.t.store.db, server.t.clock.now, 30_000);
    host.send({ type: 'end' });
    host.send({ type: 'admit', id: carlId });
    host.send({ type: 'ping' });
    // One connection's messages are handled in order: the pong comes after the refusals.
    await host.waitFor((x) => x.type === 'pong');
    expect(await confStatus(site, m.confId)).toBe(MeetingStatus.live);
    expect((await findTicket(server.t.store.db, carlTicket))!.state).toBe('lobby');
    expect(ann.messages.some((x) => x.type === 'state' && x.state === 'ended')).toBe(false);
  });
});

/** Resident memory of a process, bytes (Linux). */
function rss(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'))!;
  return Number(m[1]) * 1024;
}

/**
 * The attack of issue 14, item 4, on a real server process: pages of one meeting send 60 KB signals as fast as
 * they can to a page that does not read. Before the limits the server held every one of them for the silent
 * page (+328 MB for 6000 signals) and kept it.
 */
describe('a page that does not read', () => {
  let database: TestDatabase;
  let store: Store;
  let proc: ServerProcess;
  let site: SiteRow;

  beforeAll(async () => {
    database = await createTestDatabase();
    store = await database.open();
    await migrateToLatest(store);
    site = await createSite(store.db, { siteSign: 'flood', name: 'Flood', totalNumParties: 100 }, Date.now());
    proc = await startServer(database, { LOG_LEVEL: 'warn' });
  }, 60_000);

  afterAll(async () => {
    await proc?.stop();
    await store?.db.destroy();
    await database?.drop();
  });

  /** Growth of the server's resident memory allowed during and after the flood. */
  const BOUND = 100 * 1024 * 1024;

  it('is closed as a slow reader (4002), the senders past their budget (4003), and the server’s memory stays bounded', async () => {
    const timeStamp = String(Date.now());
    const reserved = await postForm(`${proc.url}/openapi/v2/confReservation`, {
      siteSign: site.site_sign,
      timeStamp,
      token: computeToken('host', site.api_key, timeStamp),
      userId: 'host',
      userName: 'Host',
      confName: 'Flood',
      startTime: gmt(Math.floor(Date.now() / 1000) * 1000),
      duration: '60',
      confParties: '10',
      optionJbh: '1',
    });
    expect(reserved.status, reserved.message).toBe(100);
    const [, n, secret] = linkParts((reserved.data as { joinUrl: string }).joinUrl);
    const join = async (name: string) => {
      const res = await fetch(`${proc.url}/web/v1/links/j/${n}/${secret}/enter`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ name }),
      });
      return PageSocket.open(proc.url, ((await res.json()) as { ticket: string }).ticket);
    };
    const reader = await join('Reader');
    const senders = [await join('S1'), await join('S2'), await join('S3'), await join('S4')];
    const [fence, watcher] = [await join('Fence'), await join('Watcher')];
    const roster = await reader.rosterOf(7, 15_000);
    await Promise.all([...senders, fence, watcher].map((s) => s.rosterOf(7, 15_000)));
    const readerId = roster.you!.id;
    const watcherId = (await watcher.rosterOf(7)).you!.id;
    // The reader still sends its heartbeat: it is in the meeting, it only does not read.
    const heartbeat = setInterval(() => reader.send({ type: 'ping' }), 5000);

    reader.pauseReading();
    const before = rss(proc.child.pid!);
    let peak = before;
    const sampler = setInterval(() => (peak = Math.max(peak, rss(proc.child.pid!))), 50);
    // 6000 signals of 60 KB in all, as the attack sent; random text, so that compression does not shrink them.
    const signal = JSON.stringify({
      type: 'signal',
      to: readerId,
      data: { blob: randomBytes(45_000).toString('base64') },
    });
    expect(signal.length).toBeGreaterThan(60_000);
    await Promise.all(
      senders.map(async (sender) => {
        for (let i = 0; i < 1500 && sender.closeCode === undefined; i++) {
          const sent = sender.sendText(signal).catch(() => undefined);
          if (i % 10 === 9) await sent;
        }
        await sender.closed;
      }),
    );
    // Signals are relayed in order (with PostgreSQL, through the database): once a later one reached the
    // watcher, the flood has reached the reader's connection.
    fence.send({ type: 'signal', to: watcherId, data: { fence: true } });
    await watcher.waitFor((x) => x.type === 'signal', 60_000);
    clearInterval(sampler);
    peak = Math.max(peak, rss(proc.child.pid!));
    expect(peak - before, `peak resident memory grew by ${Math.round((peak - before) / 2 ** 20)} MiB`).toBeLessThan(
      BOUND,
    );
    for (const sender of senders) expect(sender.closeCode).toBe(CloseCode.tooManyMessages);

    // What waited for the reader (at most the 4 MiB cap) comes, then the close.
    reader.resumeReading();
    await reader.closed;
    clearInterval(heartbeat);
    expect(reader.closeCode).toBe(CloseCode.slowReader);
    expect(rss(proc.child.pid!) - before).toBeLessThan(BOUND);
    expect((await fetch(`${proc.url}/healthz`)).status).toBe(200);
  }, 120_000);
});
