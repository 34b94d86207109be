import { sql, type Kysely } from 'kysely';
import { isPostgres } from '../dialect.js';

/**
 * `meeting_day_counts`: how many not-deleted meetings of a site are in each state, per GMT day of their
 * start time, kept by triggers in the transaction of every change to `meetings`. A site's list finds its
 * `totalItems` and the day its page starts on from these few rows instead of counting and skipping
 * index entries, whose number grows with the site (docs/benchmarks.md).
 */
/** Fills an empty `meeting_day_counts` from the meetings (here, and after a bulk load that skipped triggers). */
export const COUNT_MEETING_DAYS = `
  insert into meeting_day_counts (site_id, conf_status, day, n)
  select site_id, conf_status, start_time / 86400000, count(*) from meetings where conf_del_flag = 1 group by 1, 2, 3`;

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('meeting_day_counts')
    .addColumn('site_id', 'bigint', (c) => c.notNull())
    .addColumn('conf_status', 'integer', (c) => c.notNull())
    .addColumn('day', 'bigint', (c) => c.notNull())
    .addColumn('n', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('meeting_day_counts_pk', ['site_id', 'conf_status', 'day'])
    .execute();
  await sql.raw(COUNT_MEETING_DAYS).execute(db);
  if (isPostgres(db)) await postgresTriggers(db);
  else await sqliteTriggers(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  const postgres = isPostgres(db);
  for (const event of ['insert', 'update', 'delete']) {
    await sql.raw(`drop trigger if exists meeting_day_counts_${event}${postgres ? ' on meetings' : ''}`).execute(db);
  }
  if (postgres) await sql`drop function if exists meeting_day_counts_apply()`.execute(db);
  await db.schema.dropTable('meeting_day_counts').execute();
}

/** Row triggers: SQLite has one writer at a time, so the order the counters are touched in is moot. */
async function sqliteTriggers(db: Kysely<any>): Promise<void> {
  const add = (row: 'new' | 'old') =>
    sql.raw(`
    insert into meeting_day_counts (site_id, conf_status, day, n)
    select ${row}.site_id, ${row}.conf_status, ${row}.start_time / 86400000, ${row === 'new' ? 1 : -1} where ${row}.conf_del_flag = 1
    on conflict (site_id, conf_status, day) do update set n = n + excluded.n;`);
  await sql`create trigger meeting_day_counts_insert after insert on meetings begin ${add('new')} end`.execute(db);
  await sql`create trigger meeting_day_counts_delete after delete on meetings begin ${add('old')} end`.execute(db);
  await sql`
    create trigger meeting_day_counts_update after update of conf_status, conf_del_flag, start_time, site_id on meetings
    begin ${add('old')} ${add('new')} end`.execute(db);
}

/**
 * Statement triggers over transition tables: one statement's changes are summed per counter row and
 * applied in key order, so two transactions changing many meetings (two processes' sweepers) lock the
 * counter rows in the same order and cannot deadlock on them.
 */
async function postgresTriggers(db: Kysely<any>): Promise<void> {
  const rows = (table: string, sign: number) =>
    `select site_id, conf_status, start_time / 86400000 as day, ${sign} as d from ${table} where conf_del_flag = 1`;
  const apply = (source: string) => `
    insert into meeting_day_counts as c (site_id, conf_status, day, n)
    select site_id, conf_status, day, sum(d) from (${source}) changes
    group by site_id, conf_status, day having sum(d) <> 0 order by site_id, conf_status, day
    on conflict (site_id, conf_status, day) do update set n = c.n + excluded.n;`;
  await sql
    .raw(
      `
    create function meeting_day_counts_apply() returns trigger language plpgsql as $$
    begin
      if tg_op = 'INSERT' then ${apply(rows('new_rows', 1))}
      elsif tg_op = 'DELETE' then ${apply(rows('old_rows', -1))}
      else ${apply(`${rows('new_rows', 1)} union all ${rows('old_rows', -1)}`)}
      end if;
      return null;
    end $$`,
    )
    .execute(db);
  const trigger = (event: string, tables: string) =>
    sql
      .raw(
        `create trigger meeting_day_counts_${event} after ${event} on meetings referencing ${tables} for each statement execute function meeting_day_counts_apply()`,
      )
      .execute(db);
  await trigger('insert', 'new table as new_rows');
  await trigger('update', 'old table as old_rows new table as new_rows');
  await trigger('delete', 'old table as old_rows');
}
