import type { Db, SiteRow, SiteState } from '../store/database.js';
import { countSites, findSiteBySign, insertSite, listSites, updateSite } from '../store/sites.repository.js';
import { insertPoolRooms, listPoolRooms } from '../store/pool-rooms.repository.js';
import { ApiError, Code, parameterError } from './errors.js';
import { newApiKey } from './secrets.js';
import { dateFromExpiry, expiryFromDate } from './time.js';

/** Settings of a site an operator may give at creation and change later. */
export interface SiteSettings {
  name?: string;
  totalNumParties?: number;
  /** `yyyy-MM-dd`, the last day the site works (GMT); `null` or `never` for no expiry. */
  expires?: string | null;
  state?: SiteState;
  rcIps?: string;
  videoPhone?: string;
  /** Comma-separated data-center regions. */
  regions?: string;
  /** `null` for no limit. */
  maxTuiliuUsers?: number | null;
}

/** A site as the CLI shows it; `apiKey` included (operators need it to call the API). */
export interface SiteView {
  siteSign: string;
  apiKey: string;
  name: string;
  totalNumParties: number;
  state: SiteState;
  /** Last valid day, or null for never. */
  expires: string | null;
  usable: boolean;
  rcIps: string;
  videoPhone: string;
  regions: string[];
  maxTuiliuUsers: number | null;
  rooms: { capacity: number; count: number; expires: string | null }[];
}

export const DEFAULT_REGIONS = 'default';
const SIGN = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;
const STATES: readonly SiteState[] = ['active', 'expired', 'deleted'];
const REGION = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;

/** Whether a site may be used at `now`: active and not past its expiry. Anything else is 106. */
export function siteUsable(site: SiteRow, now: number): boolean {
  return site.state === 'active' && (site.expires_at === null || now < site.expires_at);
}

export function siteRegions(site: SiteRow): string[] {
  return site.regions.split(',').filter((r) => r !== '');
}

function validateSign(siteSign: string): void {
  if (!SIGN.test(siteSign)) {
    throw parameterError('siteSign', 'letters, digits, "_", "." or "-", at most 64, starting with a letter or digit');
  }
}

function settingsToColumns(settings: SiteSettings) {
  const columns: Partial<SiteRow> = {};
  if (settings.name !== undefined) {
    const name = settings.name.trim();
    if (name === '' || name.length > 200) throw parameterError('name', 'a non-empty name of at most 200 characters');
    columns.name = name;
  }
  if (settings.totalNumParties !== undefined) {
    if (
      !Number.isInteger(settings.totalNumParties) ||
      settings.totalNumParties < 0 ||
      settings.totalNumParties > 1_000_000
    ) {
      throw parameterError('totalNumParties', 'an integer from 0 to 1000000');
    }
    columns.total_num_parties = settings.totalNumParties;
  }
  if (settings.expires !== undefined) {
    if (settings.expires === null || settings.expires === 'never') columns.expires_at = null;
    else {
      const expiresAt = expiryFromDate(settings.expires);
      if (expiresAt === undefined) throw parameterError('expires', 'a date yyyy-MM-dd or "never"');
      columns.expires_at = expiresAt;
    }
  }
  if (settings.state !== undefined) {
    if (!STATES.includes(settings.state)) throw parameterError('state', `one of ${STATES.join(', ')}`);
    columns.state = settings.state;
  }
  if (settings.rcIps !== undefined) columns.rc_ips = normaliseList(settings.rcIps, 'rcIps');
  if (settings.videoPhone !== undefined) columns.video_phone = normaliseList(settings.videoPhone, 'videoPhone');
  if (settings.regions !== undefined) {
    const regions = normaliseList(settings.regions, 'regions');
    if (regions === '' || !regions.split(',').every((r) => REGION.test(r))) {
      throw parameterError('regions', 'one or more region names (letters, digits, "_", "." or "-"), comma-separated');
    }
    columns.regions = regions;
  }
  if (settings.maxTuiliuUsers !== undefined) {
    const max = settings.maxTuiliuUsers;
    if (max !== null && (!Number.isInteger(max) || max < 0))
      throw parameterError('maxTuiliuUsers', 'a non-negative integer or none');
    columns.max_tuiliu_users = max;
  }
  return columns;
}

function normaliseList(text: string, name: string): string {
  const items = text
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  const joined = items.join(',');
  if (joined.length > 1000) throw parameterError(name, 'at most 1000 characters');
  return joined;
}

/** Creates a site with a fresh API key (or `apiKey`, for bootstrapping). 109 when the sign is taken. */
export async function createSite(
  db: Db,
  input: SiteSettings & { siteSign: string; name: string; totalNumParties: number; apiKey?: string },
  now: number,
): Promise<SiteRow> {
  validateSign(input.siteSign);
  const columns = settingsToColumns({ regions: DEFAULT_REGIONS, ...input });
  const site = await insertSite(db, {
    site_sign: input.siteSign,
    name: columns.name!,
    api_key: input.apiKey ?? newApiKey(),
    state: columns.state ?? 'active',
    expires_at: columns.expires_at ?? null,
    total_num_parties: columns.total_num_parties!,
    rc_ips: columns.rc_ips ?? '',
    video_phone: columns.video_phone ?? '',
    regions: columns.regions!,
    max_tuiliu_users: columns.max_tuiliu_users ?? null,
    created_at: now,
    updated_at: now,
  });
  if (!site) throw parameterError('siteSign', `a sign not in use; "${input.siteSign}" already exists`);
  return site;
}

export async function requireSite(db: Db, siteSign: string): Promise<SiteRow> {
  const site = await findSiteBySign(db, siteSign);
  if (!site) throw new ApiError(Code.siteInvalid, `站点不存在 (no site "${siteSign}")`);
  return site;
}

export async function changeSite(db: Db, siteSign: string, settings: SiteSettings, now: number): Promise<SiteRow> {
  const columns = settingsToColumns(settings);
  const site = await updateSite(db, siteSign, { ...columns, updated_at: now });
  if (!site) throw new ApiError(Code.siteInvalid, `站点不存在 (no site "${siteSign}")`);
  return site;
}

/** Replaces the site's API key; tokens made with the old key stop working at once. */
export async function rotateApiKey(db: Db, siteSign: string, now: number): Promise<SiteRow> {
  const site = await updateSite(db, siteSign, { api_key: newApiKey(), updated_at: now });
  if (!site) throw new ApiError(Code.siteInvalid, `站点不存在 (no site "${siteSign}")`);
  return site;
}

/** Adds `count` virtual rooms of `capacity` parties to the site's pool. */
export async function addRooms(
  db: Db,
  input: { siteSign: string; capacity: number; count: number; expires?: string },
  now: number,
) {
  const site = await requireSite(db, input.siteSign);
  if (!Number.isInteger(input.capacity) || input.capacity < 1 || input.capacity > 100_000) {
    throw parameterError('capacity', 'an integer from 1 to 100000');
  }
  if (!Number.isInteger(input.count) || input.count < 1 || input.count > 10_000) {
    throw parameterError('count', 'an integer from 1 to 10000');
  }
  let expiresAt: number | null = null;
  if (input.expires !== undefined) {
    const parsed = expiryFromDate(input.expires);
    if (parsed === undefined) throw parameterError('expires', 'a date yyyy-MM-dd');
    expiresAt = parsed;
  }
  return insertPoolRooms(db, { siteId: site.id, capacity: input.capacity, expiresAt, count: input.count, now });
}

/**
 * Makes sure the site named by `HUIGUAN_SITE_SIGN` exists with the key `HUIGUAN_API_KEY`
 * (container deployments): created with 100 parties when missing, its key replaced when different.
 */
export async function ensureSite(db: Db, siteSign: string, apiKey: string, now: number): Promise<SiteRow> {
  validateSign(siteSign);
  if (apiKey.length < 16) throw parameterError('HUIGUAN_API_KEY', 'at least 16 characters');
  const existing = await findSiteBySign(db, siteSign);
  if (!existing) {
    try {
      return await createSite(db, { siteSign, name: siteSign, totalNumParties: 100, apiKey }, now);
    } catch (err) {
      // Another process created it first: fall through to the update.
      if (!(err instanceof ApiError)) throw err;
    }
  }
  if (existing?.api_key === apiKey) return existing;
  return (await updateSite(db, siteSign, { api_key: apiKey, updated_at: now }))!;
}

/** On a database with no site at all, creates site `demo` and answers it; otherwise undefined. */
export async function createDemoSiteIfEmpty(db: Db, now: number): Promise<SiteRow | undefined> {
  if ((await countSites(db)) > 0) return undefined;
  try {
    return await createSite(db, { siteSign: 'demo', name: 'Demo site', totalNumParties: 100 }, now);
  } catch (err) {
    if (err instanceof ApiError) return undefined; // created concurrently by another process
    throw err;
  }
}

export async function viewSite(db: Db, site: SiteRow, now: number): Promise<SiteView> {
  const rooms = await listPoolRooms(db, site.id);
  const groups = new Map<string, { capacity: number; count: number; expires: string | null }>();
  for (const room of rooms) {
    const expires = room.expires_at === null ? null : dateFromExpiry(room.expires_at);
    const key = `${room.capacity}|${expires}`;
    const group = groups.get(key) ?? { capacity: room.capacity, count: 0, expires };
    group.count += 1;
    groups.set(key, group);
  }
  return {
    siteSign: site.site_sign,
    apiKey: site.api_key,
    name: site.name,
    totalNumParties: site.total_num_parties,
    state: site.state,
    expires: site.expires_at === null ? null : dateFromExpiry(site.expires_at),
    usable: siteUsable(site, now),
    rcIps: site.rc_ips,
    videoPhone: site.video_phone,
    regions: siteRegions(site),
    maxTuiliuUsers: site.max_tuiliu_users,
    rooms: [...groups.values()],
  };
}

export async function viewAllSites(db: Db, now: number): Promise<SiteView[]> {
  const sites = await listSites(db);
  return Promise.all(sites.map((s) => viewSite(db, s, now)));
}
