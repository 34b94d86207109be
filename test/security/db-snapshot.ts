import { createHash } from 'node:crypto';
import { sql } from 'kysely';
import type { Store } from '../../src/store/connect.js';

/** Row count and a checksum of one table's rows (order-independent). */
export interface TableDigest {
  rows: number;
  sha256: string;
}

export type Snapshot = Record<string, TableDigest>;

export interface SnapshotOptions {
  /** Tables left out. Default: `used_tokens` (a request answered 100 claims its token there). */
  except?: string[];
  /**
   * Only the rows of this site (`sites.id`): a table with `site_id` is filtered on it, `sites` on `id`,
   * one with `meeting_id` on the site's meetings, one with `endpoint_id` on the site's webhook endpoints;
   * any other table is taken whole.
   */
  siteId?: number;
}

/** The tables of the store's database (its own PostgreSQL schema only) and their columns, by name. */
export async function tableColumns(store: Store): Promise<Map<string, Set<string>>> {
  const out = new Map<string, Set<string>>();
  if (store.dialect === 'postgres') {
    // Straight from information_schema: Kysely's introspector reads every schema, and other test runs
    // drop theirs at any moment.
    const { rows } = await sql<{ table_name: string; column_name: string }>`
      select c.table_name, c.column_name from information_schema.columns c
      join information_schema.tables t on t.table_schema = c.table_schema and t.table_name = c.table_name
      where c.table_schema = current_schema() and t.table_type = 'BASE TABLE'`.execute(store.db);
    for (const r of rows) out.set(r.table_name, (out.get(r.table_name) ?? new Set()).add(r.column_name));
  } else {
    for (const t of await store.db.introspection.getTables())
      if (!t.isView) out.set(t.name, new Set(t.columns.map((c) => c.name)));
  }
  return new Map([...out.entries()].sort(([a], [b]) => a.localeCompare(b)));
}

/** JSON with keys sorted, so that equal rows give equal text whatever the driver's column order. */
function canonical(row: Record<string, unknown>): string {
  return JSON.stringify(
    Object.keys(row)
      .sort()
      .map((k) => [k, row[k] instanceof Buffer ? (row[k] as Buffer).toString('hex') : row[k]]),
  );
}

/**
 * Counts and checksums every table (or one site's rows of every table), to compare before and after
 * requests that must change nothing.
 */
export async function snapshot(store: Store, options: SnapshotOptions = {}): Promise<Snapshot> {
  const except = new Set(options.except ?? ['used_tokens']);
  const db = store.db as any;
  const tables = [...(await tableColumns(store)).entries()].filter(([name]) => !except.has(name));
  const out: Snapshot = {};
  await Promise.all(
    tables.map(async ([name, columns]) => {
      let query = db.selectFrom(name).selectAll();
      const siteId = options.siteId;
      if (siteId !== undefined) {
        if (name === 'sites') query = query.where('id', '=', siteId);
        else if (columns.has('site_id')) query = query.where('site_id', '=', siteId);
        else if (columns.has('meeting_id'))
          query = query.where('meeting_id', 'in', db.selectFrom('meetings').select('id').where('site_id', '=', siteId));
        else if (columns.has('endpoint_id')) {
          query = query.where(
            'endpoint_id',
            'in',
            db.selectFrom('webhook_endpoints').select('id').where('site_id', '=', siteId),
          );
        }
      }
      const rows = ((await query.execute()) as Record<string, unknown>[]).map(canonical).sort();
      out[name] = { rows: rows.length, sha256: createHash('sha256').update(rows.join('\n')).digest('hex') };
    }),
  );
  return Object.fromEntries(Object.entries(out).sort(([a], [b]) => a.localeCompare(b)));
}

/** The tables whose digest differs between two snapshots. */
export function changedTables(before: Snapshot, after: Snapshot): string[] {
  const names = new Set([...Object.keys(before), ...Object.keys(after)]);
  return [...names].filter((n) => before[n]?.rows !== after[n]?.rows || before[n]?.sha256 !== after[n]?.sha256).sort();
}
