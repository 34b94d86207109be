/**
 * Seeds one site straight into the database, in batched multi-row inserts inside transactions, with
 * a realistic shape: many users, meetings spread over the past year and the next three months, most
 * past ones held (one session, participations), the `usage_daily` rollups equal to what those rows add
 * up to, one meeting with exactly 1,000 participations, and a few meetings live right now (a host
 * present) for the media-plane scenario. Every check constraint and unique column of the schema holds.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import pg from 'pg';
import { createSite } from '../src/domain/sites.js';
import { splitByDay, dayOf } from '../src/domain/usage.js';
import { connect } from '../src/store/connect.js';
import { rebuildOccupancy } from '../src/store/meetings.repository.js';
import { seededRandom as random } from '../test/random.js';
import { migrateToLatest } from '../src/store/migrate.js';
import { COUNT_MEETING_DAYS } from '../src/store/migrations/0007-meeting-day-counts.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const PAST_DAYS = 365;
const FUTURE_DAYS = 90;
/** Meetings per user: a user books about two a month. */
const MEETINGS_PER_USER = 20;
/** Meetings live during the run, each with its host present, for the media-plane scenario. */
export const LIVE_MEETINGS = 20;
export const REPORT_PARTICIPATIONS = 1000;
/** Concurrent parties of the site: high enough that bookings are refused only for a real reason. */
export const SITE_LICENCE = 1_000_000;

export const Status = { scheduled: 0, live: 2, ended: 3, cancelled: 9 } as const;

/** Where the seeded data lives: the server process is pointed at it through `env`. */
export interface Target {
  dialect: 'sqlite' | 'postgres';
  /** SQLite: the data directory (file `huiguan.db`). */
  dataDir?: string;
  /** PostgreSQL: the server URL and the schema of this run. */
  databaseUrl?: string;
  schema?: string;
}

export interface Seeded {
  siteSign: string;
  apiKey: string;
  meetings: number;
  participations: number;
  users: number;
  seedMs: number;
  /** Samples the scenarios draw from. */
  sample: {
    /** Meetings of any state with their host's userId. */
    any: { confId: number; userId: string }[];
    /** Scheduled future meetings with their host, window and parties (modify / cancel). */
    future: {
      confId: number;
      userId: string;
      startTime: number;
      duration: number;
      beforeTime: number;
      confParties: number;
    }[];
    live: string[];
    report: { confId: number; userId: string };
    users: string[];
    /** Number of users, `u<index>` for index < users. */
    userCount: number;
    /** A busy window: a weekday morning with many scheduled meetings. */
    busyStart: number;
    /** Last day (exclusive) of the seeded past; the statistics scenario ends the day before. */
    today: number;
    /** Latest window end of any seeded meeting: new bookings go after it. */
    horizon: number;
  };
}

/** Column-wise writer of one table; `flush` is called with up to a batch of rows. */
interface Writer {
  insert(table: string, columns: string[], rows: unknown[][]): Promise<void>;
  begin(): Promise<void>;
  commit(): Promise<void>;
  close(): Promise<void>;
}

const TYPES: Record<string, string> = {};
for (const c of [
  'id',
  'site_id',
  'user_pk',
  'meeting_id',
  'session_id',
  'start_time',
  'window_start',
  'window_end',
  'created_at',
  'updated_at',
  'started_at',
  'ended_at',
  'joined_at',
  'left_at',
  'last_seen_at',
  'meeting_ms',
  'participant_ms',
  'joins',
  'mobile_joins',
  'pc_joins',
  'deleted_at',
])
  TYPES[c] = 'int8';
for (const c of [
  'duration',
  'before_time',
  'conf_parties',
  'conf_status',
  'conf_del_flag',
  'held',
  'view_only',
  'enable_tuiliu',
  'enable_cloud_record',
])
  TYPES[c] = 'int4';

function sqliteWriter(file: string): Writer {
  const db = new BetterSqlite3(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = OFF');
  db.pragma('cache_size = -262144');
  const statements = new Map<string, BetterSqlite3.Statement>();
  const statement = (table: string, columns: string[], n: number) => {
    const key = `${table}:${n}`;
    let s = statements.get(key);
    if (!s) {
      const row = `(${columns.map(() => '?').join(',')})`;
      s = db.prepare(
        `insert into ${table} (${columns.join(',')}) values ${Array.from({ length: n }, () => row).join(',')}`,
      );
      statements.set(key, s);
    }
    return s;
  };
  return {
    async insert(table, columns, rows) {
      const per = Math.max(1, Math.min(500, Math.floor(30_000 / columns.length)));
      for (let i = 0; i < rows.length; i += per) {
        const chunk = rows.slice(i, i + per);
        statement(table, columns, chunk.length).run(chunk.flat());
      }
    },
    async begin() {
      db.exec('begin');
    },
    async commit() {
      db.exec('commit');
    },
    async close() {
      db.pragma('wal_checkpoint(TRUNCATE)');
      db.exec('analyze');
      db.close();
    },
  };
}

async function postgresWriter(databaseUrl: string, schema: string): Promise<Writer> {
  const client = new pg.Client({ connectionString: databaseUrl, options: `-c search_path=${schema}` });
  await client.connect();
  await client.query('set synchronous_commit = off');
  // Foreign keys are PostgreSQL triggers; replica mode skips them while the generator, which makes every
  // reference valid, loads the rows (the server role here is a superuser: trust auth on the loopback).
  await client.query('set session_replication_role = replica');
  // Secondary indexes are built once at the end, which is several times faster than keeping them up to
  // date row by row; unique ones stay (they are constraints).
  const secondary = await client.query<{ name: string; definition: string }>(
    `select c.relname as name, pg_get_indexdef(i.indexrelid) as definition
       from pg_index i join pg_class c on c.oid = i.indexrelid join pg_namespace n on n.oid = c.relnamespace
      where n.nspname = $1 and not i.indisunique and not i.indisprimary`,
    [schema],
  );
  for (const index of secondary.rows) await client.query(`drop index ${schema}.${index.name}`);
  return {
    async insert(table, columns, rows) {
      // One array parameter per column: the statement stays small whatever the batch size.
      const arrays = columns.map((_, c) => rows.map((r) => r[c]));
      const casts = columns.map((c, i) => `$${i + 1}::${TYPES[c] ?? 'text'}[]`);
      await client.query(
        `insert into ${table} (${columns.join(',')}) select * from unnest(${casts.join(',')})`,
        arrays,
      );
    },
    async begin() {
      await client.query('begin');
    },
    async commit() {
      await client.query('commit');
    },
    async close() {
      for (const table of ['users', 'meetings', 'sessions', 'participations']) {
        await client.query(
          `select setval(pg_get_serial_sequence('${table}', 'id'), (select coalesce(max(id), 1) from ${table}))`,
        );
      }
      // Replica mode skipped the triggers too: the per-day list counts (migration 0007) are made here.
      await client.query('set session_replication_role = origin');
      await client.query('delete from meeting_day_counts');
      await client.query(COUNT_MEETING_DAYS);
      await client.query("set maintenance_work_mem = '1GB'");
      for (const index of secondary.rows) await client.query(index.definition);
      // VACUUM also sets the visibility map, which index-only scans need (ANALYZE alone does not).
      await client.query('vacuum analyze');
      await client.end();
    },
  };
}

/** Buffers rows of one table and writes them in batches, committing every `commitEvery` rows. */
class Table {
  private rows: unknown[][] = [];
  private sinceCommit = 0;
  count = 0;
  constructor(
    private readonly writer: Writer,
    readonly name: string,
    readonly columns: string[],
    private readonly batch = 5000,
    private readonly commitEvery = 100_000,
    /** Tables whose rows this one references: flushed first, so foreign keys hold. */
    private readonly parents: Table[] = [],
  ) {}
  async add(row: unknown[]): Promise<void> {
    this.rows.push(row);
    this.count += 1;
    if (this.rows.length >= this.batch) await this.flush();
  }
  async flush(): Promise<void> {
    if (this.rows.length === 0) return;
    for (const parent of this.parents) await parent.flush();
    await this.writer.insert(this.name, this.columns, this.rows);
    this.sinceCommit += this.rows.length;
    this.rows = [];
    if (this.sinceCommit >= this.commitEvery) {
      await this.writer.commit();
      await this.writer.begin();
      this.sinceCommit = 0;
    }
  }
}

/** Random hex secrets and base64 uuids, cut from one large buffer at a time. */
class Entropy {
  private buffer = randomBytes(0);
  private at = 0;
  bytes(n: number): Buffer {
    if (this.at + n > this.buffer.length) {
      this.buffer = randomBytes(1 << 20);
      this.at = 0;
    }
    const out = this.buffer.subarray(this.at, this.at + n);
    this.at += n;
    return out;
  }
  hex(): string {
    return this.bytes(16).toString('hex').toUpperCase();
  }
  base64(): string {
    return this.bytes(16).toString('base64');
  }
}

/** Distinct 10-digit conference numbers: j ↦ 10⁹ + (j·7919 mod 9·10⁹), a bijection. */
function confNumber(j: number): string {
  return String(1_000_000_000 + Number((BigInt(j + 1) * 7919n) % 9_000_000_000n));
}

export interface SeedOptions {
  target: Target;
  meetings: number;
  participations: number;
  siteSign: string;
  log?: (line: string) => void;
}

/**
 * Creates the schema and the site, then the rows. Meeting j belongs to user `u(j mod U)` and falls in
 * that user's ⌊j / U⌋-th slice of the 455 days, on a weekday morning GMT (Beijing working hours), so
 * that no user ever holds two meetings at once.
 */
export async function seed(options: SeedOptions): Promise<Seeded> {
  const started = Date.now();
  const log = options.log ?? (() => {});
  const { target } = options;
  const store = await connect({ databaseUrl: target.databaseUrl, dataDir: target.dataDir, pgSchema: target.schema });
  await migrateToLatest(store);
  const now = Date.now();
  const site = await createSite(
    store.db,
    { siteSign: options.siteSign, name: 'Benchmark', totalNumParties: SITE_LICENCE },
    now,
  );
  await store.db.destroy();

  const writer =
    target.dialect === 'sqlite'
      ? sqliteWriter(path.join(target.dataDir!, 'huiguan.db'))
      : await postgresWriter(target.databaseUrl!, target.schema!);
  const rnd = random(7);
  const entropy = new Entropy();
  const pick = <T>(list: readonly T[]): T => list[Math.floor(rnd() * list.length)]!;

  const special = LIVE_MEETINGS + 1;
  const regular = Math.max(0, options.meetings - special);
  const userCount = Math.max(10, Math.round(regular / MEETINGS_PER_USER));
  const perUser = Math.max(1, Math.ceil(regular / userCount));
  const today = Math.floor(now / DAY) * DAY;
  const firstDay = today - PAST_DAYS * DAY;
  const sliceDays = (PAST_DAYS + FUTURE_DAYS) / perUser;

  await writer.begin();
  const users = new Table(writer, 'users', [
    'id',
    'site_id',
    'user_id',
    'user_name',
    'host_key',
    'created_at',
    'updated_at',
  ]);
  const userIds: string[] = [];
  const addUser = async (userId: string, name: string) => {
    const id = users.count + 1;
    userIds.push(userId);
    await users.add([id, site.id, userId, name, String(100_000 + Math.floor(rnd() * 900_000)), firstDay, firstDay]);
    return id;
  };
  for (let u = 0; u < userCount; u += 1) await addUser(`u${u}`, `User ${u}`);
  const reportHost = await addUser('report-host', 'Report Host');
  const liveHosts: number[] = [];
  for (let i = 0; i < LIVE_MEETINGS; i += 1) liveHosts.push(await addUser(`live${i}`, `Live Host ${i}`));
  await users.flush();

  // Meetings: times and states first (typed arrays), so participations can be shared out before writing.
  const total = regular + special;
  const start = new Float64Array(total);
  const duration = new Int32Array(total);
  const before = new Int32Array(total);
  const status = new Int8Array(total);
  const held = new Uint8Array(total);
  const deleted = new Uint8Array(total);
  const userPk = new Int32Array(total);
  let horizon = now;
  for (let j = 0; j < regular; j += 1) {
    const u = j % userCount;
    const k = Math.floor(j / userCount);
    // Slices [⌈k·s⌉, ⌈k·s⌉ + ⌊s⌋) days are disjoint, so a user's meetings never overlap; weekends are avoided.
    const sliceStart = firstDay + Math.ceil(k * sliceDays) * DAY;
    const sliceLength = Math.max(1, Math.floor(sliceDays));
    let day = sliceStart + Math.floor(rnd() * sliceLength) * DAY;
    for (let retry = 0; retry < 4 && sliceLength >= 3 && [0, 6].includes(new Date(day).getUTCDay()); retry += 1) {
      day = sliceStart + Math.floor(rnd() * sliceLength) * DAY;
    }
    start[j] = day + Math.floor(rnd() * 10) * HOUR + pick([0, 15, 30, 45]) * MINUTE;
    duration[j] = pick([30, 45, 60, 60, 90, 120]);
    before[j] = pick([0, 0, 0, 5, 10, 15]);
    userPk[j] = u + 1;
    const windowEnd = start[j]! + duration[j]! * MINUTE;
    horizon = Math.max(horizon, windowEnd);
    const r = rnd();
    if (windowEnd <= now) {
      if (r < 0.82) {
        status[j] = Status.ended;
        held[j] = 1;
      } else if (r < 0.92) status[j] = Status.cancelled;
      else status[j] = Status.ended;
      if (rnd() < 0.01) deleted[j] = 1;
    } else {
      status[j] = r < 0.92 ? Status.scheduled : Status.cancelled;
    }
  }
  // The report meeting: yesterday, two hours, held, 1,000 participations.
  const reportIndex = regular;
  start[reportIndex] = today - DAY + 2 * HOUR;
  duration[reportIndex] = 120;
  status[reportIndex] = Status.ended;
  held[reportIndex] = 1;
  userPk[reportIndex] = reportHost;
  // Live meetings: opened ten minutes ago for a day.
  for (let i = 0; i < LIVE_MEETINGS; i += 1) {
    const j = regular + 1 + i;
    start[j] = Math.floor(now / MINUTE) * MINUTE - 10 * MINUTE;
    duration[j] = 1440;
    status[j] = Status.live;
    held[j] = 1;
    userPk[j] = liveHosts[i]!;
  }

  // Participations shared out over the held past meetings with random weights, exactly the budget.
  const budget = Math.max(0, options.participations - REPORT_PARTICIPATIONS - LIVE_MEETINGS);
  const share = new Int32Array(total);
  const weights = new Float64Array(regular);
  let weightSum = 0;
  for (let j = 0; j < regular; j += 1) {
    if (held[j]) weightSum += weights[j] = 0.2 + 1.6 * rnd() * rnd() * 2;
  }
  let given = 0;
  for (let j = 0; j < regular; j += 1) {
    if (held[j]) given += share[j] = Math.floor((budget * weights[j]!) / weightSum);
  }
  for (let j = 0; weightSum > 0 && given < budget; j = (j + 1) % regular) {
    if (held[j]) {
      share[j] = share[j]! + 1;
      given += 1;
    }
  }
  for (let j = 0; j < regular; j += 1) if (held[j] && share[j] === 0) held[j] = 0;
  share[reportIndex] = REPORT_PARTICIPATIONS;
  for (let i = 0; i < LIVE_MEETINGS; i += 1) share[regular + 1 + i] = 1;

  const meetings = new Table(
    writer,
    'meetings',
    [
      'id',
      'site_id',
      'user_pk',
      'conf_number',
      'conf_name',
      'conf_password',
      'h323pwd',
      'start_time',
      'duration',
      'before_time',
      'window_start',
      'window_end',
      'conf_parties',
      'conf_status',
      'conf_del_flag',
      'held',
      'host_secret',
      'join_secret',
      'created_at',
      'updated_at',
    ],
    2000,
  );
  const sessions = new Table(
    writer,
    'sessions',
    ['id', 'site_id', 'meeting_id', 'uuid', 'started_at', 'ended_at'],
    5000,
    100_000,
    [meetings],
  );
  const participations = new Table(
    writer,
    'participations',
    [
      'id',
      'site_id',
      'meeting_id',
      'session_id',
      'cuid',
      'name',
      'role',
      'device',
      'device_type',
      'ip',
      'user_id',
      'joined_at',
      'left_at',
    ],
    5000,
    100_000,
    [sessions],
  );
  const usage = new Map<
    string,
    { meeting_ms: number; participant_ms: number; joins: number; mobile_joins: number; pc_joins: number }
  >();
  const use = (day: string) => {
    let u = usage.get(day);
    if (!u) usage.set(day, (u = { meeting_ms: 0, participant_ms: 0, joins: 0, mobile_joins: 0, pc_joins: 0 }));
    return u;
  };
  const names = ['周会', '项目评审', 'Weekly sync', '客户沟通', '培训', '招聘面试', 'Design review', '季度总结'];
  const devices: [string, string][] = [
    ['Windows', 'pc'],
    ['macOS', 'pc'],
    ['Windows', 'pc'],
    ['iOS', 'mobile'],
    ['Android', 'mobile'],
    ['H.323', '其他'],
  ];

  const sample: Seeded['sample'] = {
    any: [],
    future: [],
    live: [],
    report: { confId: reportIndex + 1, userId: 'report-host' },
    users: userIds,
    userCount,
    busyStart: 0,
    today,
    horizon,
  };
  const sampleEvery = Math.max(1, Math.floor(total / 5000));
  for (let j = 0; j < total; j += 1) {
    const id = j + 1;
    const windowStart = start[j]! - before[j]! * MINUTE;
    const windowEnd = start[j]! + duration[j]! * MINUTE;
    const parties = status[j] === Status.live ? 100 : Math.max(share[j]!, pick([5, 10, 10, 25, 50, 100]));
    const password = rnd() < 0.3 ? String(1000 + Math.floor(rnd() * 9000)) : '';
    const created = Math.min(now, windowStart - Math.floor(rnd() * 14) * DAY - HOUR);
    const userId = userIds[userPk[j]! - 1]!;
    if (j >= regular + 1) sample.live.push(confNumber(j));
    await meetings.add([
      id,
      site.id,
      userPk[j],
      confNumber(j),
      `${pick(names)} ${j}`,
      password,
      password ? String(100_000 + Math.floor(rnd() * 900_000)) : '',
      start[j],
      duration[j],
      before[j],
      windowStart,
      windowEnd,
      parties,
      status[j],
      deleted[j] ? 2 : 1,
      held[j],
      entropy.hex(),
      entropy.hex(),
      created,
      Math.min(now, windowEnd),
    ]);
    if (j % sampleEvery === 0 && !deleted[j]) sample.any.push({ confId: id, userId });
    if (status[j] === Status.scheduled && windowStart > now + HOUR && j < regular) {
      sample.future.push({
        confId: id,
        userId,
        startTime: start[j]!,
        duration: duration[j]!,
        beforeTime: before[j]!,
        confParties: parties,
      });
    }
    if (!held[j]) continue;
    const live = status[j] === Status.live;
    const sessionStart = live
      ? now - 5 * MINUTE
      : Math.max(windowStart, start[j]! - 2 * MINUTE + Math.floor(rnd() * 6) * MINUTE);
    const sessionEnd = live
      ? null
      : Math.min(
          windowEnd,
          Math.max(sessionStart + MINUTE, start[j]! + Math.floor(duration[j]! * (0.7 + 0.3 * rnd())) * MINUTE),
        );
    const sessionId = sessions.count + 1;
    await sessions.add([sessionId, site.id, id, entropy.base64(), sessionStart, sessionEnd]);
    if (sessionEnd !== null)
      for (const part of splitByDay(sessionStart, sessionEnd)) use(part.day).meeting_ms += part.ms;
    for (let p = 0; p < share[j]!; p += 1) {
      const [device, deviceType] = p === 0 ? devices[0]! : pick(devices);
      const span = (sessionEnd ?? now) - sessionStart;
      const joined = p === 0 ? sessionStart : sessionStart + Math.floor(rnd() * span * 0.3);
      const left =
        sessionEnd === null ? null : p === 0 ? sessionEnd : joined + Math.floor(rnd() * (sessionEnd - joined));
      await participations.add([
        participations.count + 1,
        site.id,
        id,
        sessionId,
        `c${j}-${p}`,
        p === 0 ? userId : `Guest ${p}`,
        p === 0 ? 'host' : 'attendee',
        device,
        deviceType,
        `10.${p % 250}.${j % 250}.${(j + p) % 250}`,
        p === 0 ? userId : '',
        joined,
        left,
      ]);
      const day = use(dayOf(joined));
      day.joins += 1;
      if (deviceType === 'mobile') day.mobile_joins += 1;
      if (deviceType === 'pc') day.pc_joins += 1;
      if (left !== null) for (const part of splitByDay(joined, left)) use(part.day).participant_ms += part.ms;
    }
    if (j % 100_000 === 0 && j > 0) log(`  ${j} meetings, ${participations.count} participations`);
  }
  await meetings.flush();
  await sessions.flush();
  await participations.flush();
  const usageDaily = new Table(writer, 'usage_daily', [
    'site_id',
    'day',
    'meeting_ms',
    'participant_ms',
    'joins',
    'mobile_joins',
    'pc_joins',
  ]);
  for (const [day, u] of [...usage].sort())
    await usageDaily.add([site.id, day, u.meeting_ms, u.participant_ms, u.joins, u.mobile_joins, u.pc_joins]);
  await usageDaily.flush();
  await writer.commit();
  await writer.close();
  // The meetings went in around the repository, which keeps each site's occupancy timeline (migration 0016):
  // it is built from them, as the migration builds it.
  const built = await connect({ databaseUrl: target.databaseUrl, dataDir: target.dataDir, pgSchema: target.schema });
  await rebuildOccupancy(built.db);
  await built.db.destroy();

  // The busy window: the future weekday morning (GMT) with the most scheduled meetings starting.
  const perHour = new Map<number, number>();
  for (const m of sample.future)
    perHour.set(Math.floor(m.startTime / HOUR) * HOUR, (perHour.get(Math.floor(m.startTime / HOUR) * HOUR) ?? 0) + 1);
  sample.busyStart = [...perHour].sort((a, b) => b[1] - a[1] || a[0] - b[0])[0]?.[0] ?? today + DAY;
  return {
    siteSign: site.site_sign,
    apiKey: site.api_key,
    meetings: total,
    participations: participations.count,
    users: users.count,
    seedMs: Date.now() - started,
    sample,
  };
}

/** Bytes the seeded database takes: SQLite file with its WAL; PostgreSQL tables of the schema with indexes. */
export async function databaseSize(target: Target): Promise<number> {
  if (target.dialect === 'sqlite') {
    const file = path.join(target.dataDir!, 'huiguan.db');
    return [file, `${file}-wal`, `${file}-shm`].reduce(
      (sum, f) => sum + (fs.existsSync(f) ? fs.statSync(f).size : 0),
      0,
    );
  }
  const client = new pg.Client({ connectionString: target.databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ bytes: string }>(
      `select coalesce(sum(pg_total_relation_size(c.oid)), 0) as bytes from pg_class c join pg_namespace n on n.oid = c.relnamespace
        where n.nspname = $1 and c.relkind = 'r'`,
      [target.schema],
    );
    return Number(rows[0]!.bytes);
  } finally {
    await client.end();
  }
}
