import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSite } from '../../src/domain/sites.js';
import { computeToken } from '../../src/domain/token.js';
import type { Store } from '../../src/store/connect.js';
import type { SiteRow } from '../../src/store/database.js';
import { migrateToLatest } from '../../src/store/migrate.js';
import { createTestDatabase, gmt, type TestDatabase } from '../helper.js';
import { postForm, startServer, type ServerProcess } from '../server-process.js';
import { PageSocket } from '../web/ws-client.js';

const HOUR = 3_600_000;

/**
 * The server is killed with SIGKILL while a few hundred reservations and media-plane events are in
 * flight, then started again on the same database.
 */
describe('crash safety', () => {
  let database: TestDatabase;
  let store: Store;
  let site: SiteRow;
  let server: ServerProcess | undefined;
  const env = { LOG_LEVEL: 'warn', HUIGUAN_HEARTBEAT_TIMEOUT_SECONDS: '5', HUIGUAN_RATE_LIMIT: 'off' };

  beforeAll(async () => {
    database = await createTestDatabase();
    store = await database.open();
    await migrateToLatest(store);
    site = await createSite(store.db, { siteSign: 'crash', name: 'Crash', totalNumParties: 100_000 }, Date.now());
  });
  afterAll(async () => {
    server?.child.kill('SIGKILL');
    await store?.db.destroy();
    await database?.drop();
  });

  let stamp = Date.now();
  const signed = (subject: string, params: Record<string, string>) => {
    const timeStamp = String((stamp = Math.max(stamp + 1, Date.now())));
    return { ...params, siteSign: site.site_sign, timeStamp, token: computeToken(subject, site.api_key, timeStamp) };
  };
  const reserve = (url: string, i: number, startTime: string) =>
    signed(`user${i}`, {
      userId: `user${i}`,
      userName: `User ${i}`,
      confName: `Meeting ${i}`,
      startTime,
      duration: '60',
      confParties: '20',
      confPassword: `p${i}`,
    });

  it('keeps every answered request, refuses its token again, and closes the pages that died with it', async () => {
    server = await startServer(database, env);
    const now = Math.floor(Date.now() / 1000) * 1000;
    // Meetings open now, with a page host in each, and two media-plane attendees.
    const live: { confNumber: string; hostStartUrl: string }[] = [];
    for (let i = 0; i < 3; i += 1) {
      const answer = await postForm(
        `${server.url}/openapi/v2/confReservation`,
        reserve(server.url, 1000 + i, gmt(now - 60_000)),
      );
      expect(answer.status).toBe(100);
      live.push(answer.data as { confNumber: string; hostStartUrl: string });
    }
    const pages: PageSocket[] = [];
    for (const m of live) {
      const [, n, secret] = /\/s\/(\d{10})\/([0-9A-F]{32})$/.exec(m.hostStartUrl)!;
      const entered = await fetch(`${server.url}/web/v1/links/s/${n}/${secret}/enter`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ name: 'Host' }),
      });
      const page = await PageSocket.open(server.url, ((await entered.json()) as { ticket: string }).ticket);
      await page.state('in_meeting');
      pages.push(page);
    }

    // A few hundred requests at once; the server dies while they run.
    const sent: { params: Record<string, string>; path: string }[] = [];
    for (let i = 0; i < 240; i += 1)
      sent.push({
        path: '/openapi/v2/confReservation',
        params: reserve(server.url, i, gmt(now + 2 * HOUR + i * 60_000)),
      });
    for (const [k, m] of live.entries()) {
      for (let j = 0; j < 20; j += 1) {
        sent.push({
          path: '/media/v1/events',
          params: {
            ...signed(m.confNumber, { confNumber: m.confNumber }),
            events: JSON.stringify([
              { type: 'participant.joined', participant: { cuid: `c${k}-${j}`, name: `P${j}`, role: 'attendee' } },
            ]),
          },
        });
      }
    }
    const victim = server;
    let answered = 0;
    let settled = 0;
    let aQuarter!: () => void;
    const quarterAnswered = new Promise<void>((resolve) => (aQuarter = resolve));
    const results = sent.map(({ path, params }) =>
      fetch(
        `${victim.url}${path}`,
        path.startsWith('/media')
          ? {
              method: 'POST',
              headers: { 'content-type': 'application/json' },
              body: JSON.stringify({ ...params, events: JSON.parse(params.events!) }),
            }
          : { method: 'POST', body: new URLSearchParams(params) },
      )
        .then((r) => r.json() as Promise<{ status: number; data?: Record<string, unknown> }>)
        .then((body) => ((answered += 1), body))
        .catch(() => undefined)
        .finally(() => {
          settled += 1;
          if (answered >= sent.length / 4 || settled === sent.length) aQuarter();
        }),
    );
    // Killed in the middle: once about a quarter has been answered (however long that takes on a busy machine).
    await quarterAnswered;
    victim.child.kill('SIGKILL');
    await victim.exited;
    const answers = await Promise.all(results);
    const ok = answers.map((a, i) => ({ a, s: sent[i]! })).filter((x) => x.a?.status === 100);
    const unanswered = answers.filter((a) => a === undefined).length;
    expect(ok.length).toBeGreaterThan(0);
    expect(unanswered).toBeGreaterThan(0);

    server = await startServer(database, env);
    // Every reservation answered 100 is there, field for field.
    for (const { a, s } of ok.filter((x) => x.s.path.endsWith('confReservation'))) {
      const data = a!.data as { confId: number };
      const detail = await postForm(
        `${server.url}/openapi/v2/getConfDetailByConfId`,
        signed(s.params.userId!, { userId: s.params.userId!, confId: String(data.confId) }),
      );
      expect(detail).toEqual({ status: 100, message: 'success', data: a!.data });
    }
    // Every media-plane join answered 100 is a participation.
    for (const { s } of ok.filter((x) => x.s.path.startsWith('/media'))) {
      const cuid = (JSON.parse(s.params.events!) as { participant: { cuid: string } }[])[0]!.participant.cuid;
      const row = await store.db.selectFrom('participations').select('id').where('cuid', '=', cuid).executeTakeFirst();
      expect(row, cuid).toBeDefined();
    }
    // Nothing half-written: a meeting per answered reservation at most, no participation without its session,
    // live meetings have an open session and only they do.
    const meetings = await store.db
      .selectFrom('meetings')
      .select(['id', 'conf_status'])
      .where('site_id', '=', site.id)
      .execute();
    expect(meetings.length).toBeGreaterThanOrEqual(3 + ok.filter((x) => x.s.path.endsWith('confReservation')).length);
    expect(meetings.length).toBeLessThanOrEqual(3 + 240);
    const open = await store.db.selectFrom('sessions').select('meeting_id').where('ended_at', 'is', null).execute();
    const liveIds = meetings
      .filter((m) => m.conf_status === 2)
      .map((m) => m.id)
      .sort();
    expect(open.map((o) => o.meeting_id).sort()).toEqual(liveIds);
    // A token answered before the crash stays used.
    const replay = ok.find((x) => x.s.path.endsWith('confReservation'));
    if (replay) expect((await postForm(`${server.url}${replay.s.path}`, replay.s.params)).status).toBe(704);

    // The pages' hosts stopped sending heartbeats when the first process died: the new one's sweeper lets
    // them go at their last heartbeat.
    for (const page of pages) page.close();
    await expect
      .poll(
        async () =>
          (
            await store.db
              .selectFrom('participations')
              .select('id')
              .where('left_at', 'is', null)
              .where('ticket', 'is not', null)
              .execute()
          ).length,
        { timeout: 25_000, interval: 1000 },
      )
      .toBe(0);
    const closed = await store.db
      .selectFrom('participations')
      .select(['left_at', 'last_seen_at'])
      .where('ticket', 'is not', null)
      .execute();
    for (const p of closed) expect(p.left_at).toBe(p.last_seen_at);
  }, 90_000);
});
