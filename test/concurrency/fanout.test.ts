import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSite } from '../../src/domain/sites.js';
import { computeToken } from '../../src/domain/token.js';
import { signalParts } from '../../src/store/bus.js';
import type { Store } from '../../src/store/connect.js';
import type { SiteRow } from '../../src/store/database.js';
import { migrateToLatest } from '../../src/store/migrate.js';
import { createTestDatabase, dialect, gmt, type TestDatabase } from '../helper.js';
import { postForm, startServer, type ServerProcess } from '../server-process.js';
import { PageSocket } from '../web/ws-client.js';

/**
 * Two server processes on one PostgreSQL behind an imaginary load balancer: a page connected to one
 * sees joins made through the other. (With SQLite the server runs as one process; there is no other.)
 */
describe.skipIf(dialect !== 'postgres')('presence across server processes', () => {
  let database: TestDatabase;
  let store: Store;
  let a: ServerProcess;
  let b: ServerProcess;
  let site: SiteRow;

  beforeAll(async () => {
    database = await createTestDatabase();
    store = await database.open();
    await migrateToLatest(store);
    site = await createSite(store.db, { siteSign: 'fanout', name: 'Fan-out', totalNumParties: 100 }, Date.now());
    [a, b] = await Promise.all([
      startServer(database, { LOG_LEVEL: 'warn' }),
      startServer(database, { LOG_LEVEL: 'warn' }),
    ]);
  }, 60_000);

  afterAll(async () => {
    await Promise.all([a?.stop(), b?.stop()]);
    await store?.db.destroy();
    await database?.drop();
  });

  const signed = (subject: string, params: Record<string, string>) => {
    const timeStamp = String(Date.now());
    return { ...params, siteSign: site.site_sign, timeStamp, token: computeToken(subject, site.api_key, timeStamp) };
  };

  it('shows a page on one process the joins and leaves made through the other', async () => {
    const reserved = await postForm(
      `${a.url}/openapi/v2/confReservation`,
      signed('host', {
        userId: 'host',
        userName: 'Host',
        confName: 'Fan-out',
        startTime: gmt(Math.floor(Date.now() / 1000) * 1000),
        duration: '60',
        confParties: '10',
      }),
    );
    expect(reserved.status).toBe(100);
    const meeting = reserved.data as { confNumber: string; hostStartUrl: string; joinUrl: string };
    const [, kind, n, secret] = /\/(s)\/(\d{10})\/([0-9A-F]{32})$/.exec(meeting.hostStartUrl)!;
    const entered = await fetch(`${a.url}/web/v1/links/${kind}/${n}/${secret}/enter`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'Host' }),
    });
    const { ticket } = (await entered.json()) as { ticket: string };
    const host = await PageSocket.open(a.url, ticket);
    await host.rosterOf(1);

    const joined = host.nextRoster(2);
    const media = await fetch(`${b.url}/media/v1/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        ...signed(meeting.confNumber, { confNumber: meeting.confNumber }),
        events: [
          {
            type: 'participant.joined',
            participant: { cuid: 'sip-1', name: 'Room 101', role: 'attendee', device: 'H.323/SIP' },
          },
        ],
      }),
    });
    expect(await media.json()).toEqual({ status: 100, message: 'success' });
    expect((await joined).participants!.map((p) => p.name)).toEqual(['Host', 'Room 101']);

    // And the other way round: a page on B joins; the host's page on A sees it.
    const [, , , joinSecret] = /\/(j)\/(\d{10})\/([0-9A-F]{32})$/.exec(meeting.joinUrl)!;
    const guestEntry = await fetch(`${b.url}/web/v1/links/j/${n}/${joinSecret}/enter`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'Guest' }),
    });
    const three = host.nextRoster(3);
    const guest = await PageSocket.open(b.url, ((await guestEntry.json()) as { ticket: string }).ticket);
    await three;
    const two = host.nextRoster(2);
    guest.send({ type: 'leave' });
    await two;
    host.close();
  });

  it('relays media signals between pages on different processes, large ones in parts, and the host’s mute', async () => {
    const reserved = await postForm(
      `${a.url}/openapi/v2/confReservation`,
      signed('host2', {
        userId: 'host2',
        userName: 'Host',
        confName: 'Signals',
        startTime: gmt(Math.floor(Date.now() / 1000) * 1000),
        duration: '60',
        confParties: '10',
      }),
    );
    const meeting = reserved.data as { hostStartUrl: string; joinUrl: string };
    const page = async (server: ServerProcess, url: string, name: string, count: number) => {
      const [, kind, n, secret] = /\/(s|j)\/(\d{10})\/([0-9A-F]{32})$/.exec(url)!;
      const entered = await fetch(`${server.url}/web/v1/links/${kind}/${n}/${secret}/enter`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ name }),
      });
      const socket = await PageSocket.open(server.url, ((await entered.json()) as { ticket: string }).ticket);
      return { socket, id: (await socket.rosterOf(count)).you!.id };
    };
    const host = await page(a, meeting.hostStartUrl, 'Host', 1);
    const guest = await page(b, meeting.joinUrl, 'Guest', 2);

    // Random fingerprints: a description that stays larger than one NOTIFY payload even deflated.
    const sdp = `v=0\r\n${Array.from({ length: 300 }, (_, i) => `a=fingerprint:sha-256 ${randomBytes(32).toString('hex')} ${i}`).join('\r\n')}`;
    expect(signalParts({ meetingId: 1, to: host.id, from: guest.id, message: { sdp } }).length).toBeGreaterThan(1);
    guest.socket.send({ type: 'signal', to: host.id, data: { description: { type: 'offer', sdp } } });
    expect(await host.socket.waitFor((m) => m.type === 'signal')).toEqual({
      type: 'signal',
      from: guest.id,
      data: { description: { type: 'offer', sdp } },
    });
    host.socket.send({ type: 'media', audio: true, video: false, screen: false });
    expect(await guest.socket.waitFor((m) => m.type === 'media')).toEqual({
      type: 'media',
      from: host.id,
      audio: true,
      video: false,
      screen: false,
    });
    host.socket.send({ type: 'mute', id: guest.id });
    expect(await guest.socket.waitFor((m) => m.type === 'mute')).toEqual({ type: 'mute', from: host.id });
    host.socket.close();
    guest.socket.close();
  });
});
