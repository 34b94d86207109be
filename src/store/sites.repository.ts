import type { Db, NewSite, SiteRow, SiteUpdate } from './database.js';
import { lockKey, LockSpace } from './dialect.js';
import { prepared } from './prepared.js';

const siteBySign = prepared((db, p: { siteSign: string }) =>
  db.selectFrom('sites').selectAll().where('site_sign', '=', p.siteSign),
);

export async function findSiteBySign(db: Db, siteSign: string): Promise<SiteRow | undefined> {
  return siteBySign.first(db, { siteSign });
}

export async function findSiteById(db: Db, id: number): Promise<SiteRow | undefined> {
  return db.selectFrom('sites').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function listSites(db: Db): Promise<SiteRow[]> {
  return db.selectFrom('sites').selectAll().orderBy('id').execute();
}

export async function countSites(db: Db): Promise<number> {
  const row = await db
    .selectFrom('sites')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** Inserts a site; answers undefined when the siteSign is taken. */
export async function insertSite(db: Db, site: NewSite): Promise<SiteRow | undefined> {
  return db
    .insertInto('sites')
    .values(site)
    .onConflict((oc) => oc.column('site_sign').doNothing())
    .returningAll()
    .executeTakeFirst();
}

export async function updateSite(db: Db, siteSign: string, changes: SiteUpdate): Promise<SiteRow | undefined> {
  return db.updateTable('sites').set(changes).where('site_sign', '=', siteSign).returningAll().executeTakeFirst();
}

/**
 * Takes the site's lock until the transaction ends and reads its row, so that every booking and quota
 * check of one site runs one at a time against what the previous one committed.
 */
const siteById = prepared((db, p: { id: number }) => db.selectFrom('sites').selectAll().where('id', '=', p.id));

export async function lockSite(db: Db, id: number): Promise<SiteRow> {
  await lockKey(db, LockSpace.site, id);
  const site = await siteById.first(db, { id });
  if (!site) throw new Error(`no site ${id} to lock`);
  return site;
}
