/**
 * Who may see and change what in the console: an operator account every site; a site account its own site
 * only (another site is answered as if it did not exist); a viewer reads, an owner also changes.
 */
import type { ConsoleAccountRow } from '../store/console-tables.js';
import type { Db, SiteRow } from '../store/database.js';
import { findSiteById, findSiteBySign, listSites } from '../store/sites.repository.js';
import { pageRefusal } from './errors.js';

const noSite = (siteSign: string) => pageRefusal(404, 'not_found', `站点不存在 (no site "${siteSign}")`);

/** The site `siteSign` when `account` may see it; 404 `not_found` otherwise, the same as for no such site. */
export async function requireVisibleSite(db: Db, account: ConsoleAccountRow, siteSign: string): Promise<SiteRow> {
  const site = await findSiteBySign(db, siteSign);
  if (!site || (account.site_id !== null && account.site_id !== site.id)) throw noSite(siteSign);
  return site;
}

/** The sites `account` sees: all for an operator, its own for a site account. */
export async function visibleSites(db: Db, account: ConsoleAccountRow): Promise<SiteRow[]> {
  if (account.site_id === null) return listSites(db);
  const own = await findSiteById(db, account.site_id);
  return own ? [own] : [];
}

/** Refuses (403 `not_allowed`) a viewer: changes are for owners (and operators, owners of every site). */
export function requireOwner(account: ConsoleAccountRow): void {
  if (account.role !== 'owner')
    throw pageRefusal(403, 'not_allowed', '只有所有者可以执行此操作 (only an owner of the site may do this)');
}
