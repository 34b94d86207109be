/**
 * Mixed load against running servers, then the invariants checked in SQL.
 *
 *   npm run load -- [--seconds 60] [--connections 100]
 *
 * Starts two server processes on one database (PostgreSQL when DATABASE_URL is set, else a temporary
 * SQLite file), drives reservations, modifications, cancellations, media-plane joins and leaves, and lists
 * from many connections at once, alternating between the servers, and then checks that no user holds
 * overlapping meetings, no site's licence is exceeded at any instant, every participation belongs to a
 * session of its meeting, and the statistics equal what the raw rows add up to.
 */
import { sql } from 'kysely';
import { parseArgs } from 'node:util';
import { createSite } from '../src/domain/sites.js';
import { computeToken } from '../src/domain/token.js';
import type { Db, SiteRow } from '../src/store/database.js';

export interface LoadOptions {
  /** Base URLs of the servers; requests alternate between them. */
  urls: string[];
  site: SiteRow;
  seconds: number;
  connections: number;
  /** Meetings live during the load, for joins and leaves. */
  liveMeetings: string[];
}

export interface LoadReport {
  requests: number;
  /** `operation status` → count. */
  answers: Record<string, number>;
  /** Answers that must never happen: HTTP 5xx, status 103, unreadable bodies. */
  failures: string[];
}

const DOCUMENTED = new Set([100, 101, 102, 104, 106, 109, 112, 201, 202, 205, 301, 401, 402, 704, 705, 707, 708, 709]);
const gmt = (ms: number) => new Date(ms).toISOString().slice(0, 19).replace('T', ' ');
const pick = <T>(list: T[]): T => list[Math.floor(Math.random() * list.length)]!;

/** Drives the mixed load for `seconds`; answers what came back. */
export async function runLoad(options: LoadOptions): Promise<LoadReport> {
  const { site } = options;
  const report: LoadReport = { requests: 0, answers: {}, failures: [] };
  const deadline = Date.now() + options.seconds * 1000;
  const hour = 3_600_000;
  const base = Math.ceil(Date.now() / hour) * hour + hour;
  let stamp = Date.now();
  let counter = 0;

  const call = async (
    operation: string,
    path: string,
    subject: string,
    params: Record<string, unknown>,
    json = false,
  ) => {
    const timeStamp = String((stamp = Math.max(stamp + 1, Date.now())));
    const body = {
      ...params,
      siteSign: site.site_sign,
      timeStamp,
      token: computeToken(subject, site.api_key, timeStamp),
    };
    const url = `${options.urls[counter++ % options.urls.length]}${path}`;
    report.requests += 1;
    try {
      const res = await fetch(
        url,
        json
          ? { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }
          : {
              method: 'POST',
              body: new URLSearchParams(Object.entries(body).map(([k, v]) => [k, String(v)] as [string, string])),
            },
      );
      const answer = (await res.json()) as { status: number; message: string; data?: any };
      const key = `${operation} ${answer.status}`;
      report.answers[key] = (report.answers[key] ?? 0) + 1;
      if (res.status >= 500 || answer.status === 103 || !DOCUMENTED.has(answer.status))
        report.failures.push(`${operation}: HTTP ${res.status} ${JSON.stringify(answer)}`);
      return answer;
    } catch (err) {
      report.failures.push(`${operation}: ${String(err)}`);
      return undefined;
    }
  };

  const worker = async (w: number) => {
    const mine: { confId: number; userId: string }[] = [];
    const joined: { confNumber: string; cuid: string }[] = [];
    while (Date.now() < deadline) {
      const roll = Math.random();
      const userId = `u${Math.floor(Math.random() * 200)}`;
      const startTime = gmt(base + Math.floor(Math.random() * 192) * 15 * 60_000);
      if (roll < 0.35 || mine.length === 0) {
        const answer = await call('reserve', '/openapi/v2/confReservation', userId, {
          userId,
          userName: userId,
          confName: 'load',
          startTime,
          duration: pick([30, 60]),
          confParties: 1 + Math.floor(Math.random() * 10),
        });
        if (answer?.status === 100) mine.push({ confId: answer.data.confId, userId });
      } else if (roll < 0.5) {
        const m = pick(mine);
        await call('modify', '/openapi/v2/confModify2', m.userId, {
          userId: m.userId,
          confId: m.confId,
          confPassword: '',
          startTime,
          duration: pick([30, 60]),
          confParties: 1 + Math.floor(Math.random() * 10),
        });
      } else if (roll < 0.6) {
        const m = mine.splice(Math.floor(Math.random() * mine.length), 1)[0]!;
        await call('cancel', '/openapi/v2/cancelConf', m.userId, { userId: m.userId, confId: m.confId });
      } else if (roll < 0.75 && options.liveMeetings.length > 0) {
        const confNumber = pick(options.liveMeetings);
        const cuid = `w${w}-${counter}`;
        const answer = await call(
          'join',
          '/media/v1/events',
          confNumber,
          {
            confNumber,
            events: [
              {
                type: 'participant.joined',
                participant: { cuid, name: cuid, role: 'attendee', deviceType: pick(['pc', 'mobile']) },
              },
            ],
          },
          true,
        );
        if (answer?.status === 100) joined.push({ confNumber, cuid });
      } else if (roll < 0.85 && joined.length > 0) {
        const p = joined.splice(Math.floor(Math.random() * joined.length), 1)[0]!;
        await call(
          'leave',
          '/media/v1/events',
          p.confNumber,
          { confNumber: p.confNumber, events: [{ type: 'participant.left', participant: { cuid: p.cuid } }] },
          true,
        );
      } else if (roll < 0.93) {
        await call('list-user', '/openapi/v2/getScheduledConfListByUserId', userId, { userId, pageSize: 20 });
      } else {
        await call('list-site', '/openapi/v2/getScheduledConfListBySiteSign', userId, {
          userId,
          pageNo: 1 + Math.floor(Math.random() * 5),
          pageSize: 20,
        });
      }
    }
  };
  await Promise.all(Array.from({ length: options.connections }, (_, w) => worker(w)));
  return report;
}

/** Each invariant's violations; all empty when the database kept every rule. */
export async function checkInvariants(db: Db): Promise<Record<string, unknown[]>> {
  const overlaps = await sql<{ a: number; b: number }>`
    select m1.id as a, m2.id as b from meetings m1 join meetings m2
      on m1.user_pk = m2.user_pk and m1.id < m2.id
     where m1.conf_status in (0, 2) and m2.conf_status in (0, 2) and m1.conf_del_flag = 1 and m2.conf_del_flag = 1
       and m1.window_start < m2.window_end and m2.window_start < m1.window_end`.execute(db);
  const peaks = await sql<{ site_id: number; peak: number; licence: number }>`
    with ev as (
      select site_id, window_start as t, conf_parties as d from meetings where conf_status in (0, 2) and conf_del_flag = 1
      union all
      select site_id, window_end as t, -conf_parties as d from meetings where conf_status in (0, 2) and conf_del_flag = 1
    ), running as (
      select site_id, sum(d) over (partition by site_id order by t, d rows between unbounded preceding and current row) as level from ev
    )
    select r.site_id, max(r.level) as peak, s.total_num_parties as licence
      from running r join sites s on s.id = r.site_id
     group by r.site_id, s.total_num_parties
    having max(r.level) > s.total_num_parties`.execute(db);
  const strayParticipations = await sql<{ id: number }>`
    select p.id from participations p join sessions s on s.id = p.session_id
     where s.meeting_id <> p.meeting_id or (p.left_at is null and s.ended_at is not null)`.execute(db);
  const liveWithoutSession = await sql<{ id: number }>`
    select m.id from meetings m where m.conf_status = 2
       and not exists (select 1 from sessions s where s.meeting_id = m.id and s.ended_at is null)`.execute(db);
  const statistics = await sql<{ site_id: number; what: string; kept: number; counted: number }>`
    select u.site_id, 'joins' as what, u.kept, coalesce(p.counted, 0) as counted
      from (select site_id, sum(joins) as kept from usage_daily group by site_id) u
      left join (select site_id, count(*) as counted from participations group by site_id) p on p.site_id = u.site_id
     where u.kept <> coalesce(p.counted, 0)
    union all
    select u.site_id, 'participant_ms', u.kept, coalesce(p.counted, 0)
      from (select site_id, sum(participant_ms) as kept from usage_daily group by site_id) u
      left join (select site_id, sum(left_at - joined_at) as counted from participations where left_at is not null group by site_id) p on p.site_id = u.site_id
     where u.kept <> coalesce(p.counted, 0)
    union all
    select u.site_id, 'meeting_ms', u.kept, coalesce(s.counted, 0)
      from (select site_id, sum(meeting_ms) as kept from usage_daily group by site_id) u
      left join (select site_id, sum(ended_at - started_at) as counted from sessions where ended_at is not null group by site_id) s on s.site_id = u.site_id
     where u.kept <> coalesce(s.counted, 0)`.execute(db);
  return {
    overlappingMeetingsOfOneUser: overlaps.rows,
    sitesOverLicence: peaks.rows,
    participationsOutsideTheirSession: strayParticipations.rows,
    liveMeetingsWithoutSession: liveWithoutSession.rows,
    statisticsNotMatchingRows: statistics.rows,
  };
}

/** Prepares a site and `live` meetings that are being held, through the API of the first server. */
export async function prepare(
  db: Db,
  url: string,
  live: number,
  licence: number,
): Promise<{ site: SiteRow; liveMeetings: string[] }> {
  const site = await createSite(
    db,
    { siteSign: `load${Date.now()}`, name: 'Load', totalNumParties: licence },
    Date.now(),
  );
  const liveMeetings: string[] = [];
  for (let i = 0; i < live; i += 1) {
    const timeStamp = String(Date.now() + i);
    const params = {
      userId: `live${i}`,
      userName: 'Live',
      confName: 'live',
      startTime: gmt(Math.floor(Date.now() / 1000) * 1000 - 60_000),
      duration: '120',
      confParties: '50',
      siteSign: site.site_sign,
      timeStamp,
      token: computeToken(`live${i}`, site.api_key, timeStamp),
    };
    const answer = (await (
      await fetch(`${url}/openapi/v2/confReservation`, { method: 'POST', body: new URLSearchParams(params) })
    ).json()) as { status: number; data: { confNumber: string } };
    if (answer.status !== 100) throw new Error(`could not book a live meeting: ${JSON.stringify(answer)}`);
    const confNumber = answer.data.confNumber;
    const ts = String(Date.now() + 1000 + i);
    const started = await fetch(`${url}/media/v1/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        siteSign: site.site_sign,
        confNumber,
        timeStamp: ts,
        token: computeToken(confNumber, site.api_key, ts),
        events: [{ type: 'participant.joined', participant: { cuid: `host${i}`, name: 'Host', role: 'host' } }],
      }),
    });
    if (((await started.json()) as { status: number }).status !== 100)
      throw new Error('could not start a live meeting');
    liveMeetings.push(confNumber);
  }
  return { site, liveMeetings };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { seconds: { type: 'string', default: '60' }, connections: { type: 'string', default: '100' } },
  });
  const { createTestDatabase } = await import('../test/helper.js');
  const { startServer } = await import('../test/server-process.js');
  const { migrateToLatest } = await import('../src/store/migrate.js');
  const database = await createTestDatabase();
  const store = await database.open();
  try {
    await migrateToLatest(store);
    const servers = await Promise.all(
      [0, 1].map(() => startServer(database, { LOG_LEVEL: 'warn', HUIGUAN_RATE_LIMIT: 'off' })),
    );
    try {
      const { site, liveMeetings } = await prepare(store.db, servers[0]!.url, 5, 2000);
      console.log(
        `load: ${values.connections} connections for ${values.seconds} s against ${servers.length} servers on ${store.dialect}`,
      );
      const report = await runLoad({
        urls: servers.map((s) => s.url),
        site,
        seconds: Number(values.seconds),
        connections: Number(values.connections),
        liveMeetings,
      });
      console.log(`requests: ${report.requests} (${Math.round(report.requests / Number(values.seconds))}/s)`);
      console.log(
        Object.entries(report.answers)
          .sort()
          .map(([k, v]) => `  ${k}: ${v}`)
          .join('\n'),
      );
      const violations = await checkInvariants(store.db);
      const broken = Object.entries(violations).filter(([, rows]) => rows.length > 0);
      console.log(broken.length === 0 ? 'invariants: all hold' : `invariants BROKEN: ${JSON.stringify(broken)}`);
      if (report.failures.length) {
        console.log(`failures (${report.failures.length}):\n  ${report.failures.slice(0, 20).join('\n  ')}`);
        for (const s of servers) {
          for (const line of s
            .output()
            .split('\n')
            .filter((l) => l.includes('"level":50'))
            .slice(0, 3)) {
            const err = (
              JSON.parse(line) as { err: { message: string; detail?: string; where?: string; stack?: string } }
            ).err;
            console.log(
              err.message,
              '|',
              err.detail,
              '|',
              err.where,
              '|',
              err.stack
                ?.split('\n')
                .filter((f) => f.includes('/src/'))
                .slice(0, 4)
                .join(' < '),
            );
          }
        }
      }
      process.exitCode = broken.length === 0 && report.failures.length === 0 ? 0 : 1;
    } finally {
      await Promise.all(servers.map((s) => s.stop()));
    }
  } finally {
    await store.db.destroy();
    await database.drop();
  }
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split('/').pop()!)) await main();
