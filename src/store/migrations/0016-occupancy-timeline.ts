import { sql, type Kysely } from 'kysely';
import { withoutRowid } from '../dialect.js';
import { buildNodes, slotRange } from '../occupancy-tree.js';

/**
 * `occupancy_timeline`: each site's concurrent parties over time as a segment tree in rows (layout in
 * `occupancy-tree.ts`), changed in the transaction of every change to a meeting's occupancy, so that the
 * licence check and getReMainNumPartis read a few dozen nodes instead of every meeting in the window
 * (docs/decisions.md, "Occupancy timeline"). Built here from the meetings that occupy.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('occupancy_timeline')
    .addColumn('site_id', 'bigint', (c) => c.notNull())
    .addColumn('node', 'bigint', (c) => c.notNull())
    .addColumn('add_parties', 'bigint', (c) => c.notNull())
    .addColumn('max_parties', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('occupancy_timeline_pk', ['site_id', 'node'])
    .$call(withoutRowid(db))
    .execute();
  await rebuildOccupancy(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('occupancy_timeline').execute();
}

/**
 * Builds every site's timeline afresh from its meetings that occupy (scheduled 0 or live 2, not deleted:
 * `occupancyOf` in meetings.repository.ts): here, and after a bulk load that bypassed the repository
 * (bench/seed.ts). Runs in the caller's transaction; nothing may change meetings meanwhile.
 */
export async function rebuildOccupancy(db: Kysely<any>): Promise<void> {
  await db.deleteFrom('occupancy_timeline').execute();
  const sites = await db
    .selectFrom('meetings')
    .select('site_id')
    .distinct()
    .where('conf_status', 'in', [0, 2])
    .where('conf_del_flag', '=', 1)
    .execute();
  for (const { site_id: siteId } of sites) {
    const meetings = await db
      .selectFrom('meetings')
      .select(['window_start', 'window_end', 'conf_parties'])
      .where('site_id', '=', siteId)
      .where('conf_status', 'in', [0, 2])
      .where('conf_del_flag', '=', 1)
      .execute();
    const nodes = buildNodes(
      meetings.map((m) => ({
        range: slotRange(Number(m.window_start), Number(m.window_end)),
        parties: Number(m.conf_parties),
      })),
    );
    const rows = [...nodes].map(([node, n]) => ({
      site_id: Number(siteId),
      node,
      add_parties: n.add,
      max_parties: n.max,
    }));
    for (let i = 0; i < rows.length; i += 500)
      await db
        .insertInto('occupancy_timeline')
        .values(rows.slice(i, i + 500))
        .execute();
  }
  // The planner's picture of the table as it now is. Without it PostgreSQL took the table filled here for the
  // empty one it had seen, and read a site's every node (the primary key by site_id alone, then a filter)
  // for each peak: 9.7 ms instead of 0.3 ms at 20,000 meetings.
  await sql`analyze occupancy_timeline`.execute(db);
}
