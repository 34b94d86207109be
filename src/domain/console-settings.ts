/**
 * The console's Settings page (issue 19): rotating the site's API key, a meeting's hardware-room devices
 * (rcPort, as changeRcPort 2.25), and the site's limits as read-only facts.
 */
import type { SiteSettingsView } from '../contract/console-site.js';
import type { Db, SiteRow } from '../store/database.js';
import { updateMeeting } from '../store/meetings.repository.js';
import { asApi } from './console-meetings.js';
import { requireSiteMeeting } from './meetings.js';
import { rotateApiKey, siteRegions } from './sites.js';
import { dateFromExpiry } from './time.js';
import { MAX_ENDPOINTS_PER_SITE } from './webhooks.js';

const list = (text: string) => text.split(',').filter((s) => s !== '');

export function siteSettings(site: SiteRow): SiteSettingsView {
  return {
    totalNumParties: site.total_num_parties,
    maxTuiliuUsers: site.max_tuiliu_users,
    regions: siteRegions(site),
    rcIps: list(site.rc_ips),
    videoPhones: list(site.video_phone),
    maxWebhookEndpoints: MAX_ENDPOINTS_PER_SITE,
    state: site.state,
    expires: site.expires_at === null ? null : dateFromExpiry(site.expires_at),
  };
}

/**
 * A new API key for the site, as `huiguan site rotate-key` gives: the old one is refused by every server
 * process from the next request on (each request reads the site's key from the database).
 */
export async function consoleRotateApiKey(db: Db, site: SiteRow, now: number): Promise<string> {
  return (await rotateApiKey(db, site.site_sign, now)).api_key;
}

/** 2.25 from the console: the meeting `confNumber` admits at most one hardware-room device (1) or any (0). */
export async function consoleChangeRcPort(
  db: Db,
  site: SiteRow,
  input: { confNumber: string; rcPort: 0 | 1 },
  now: number,
): Promise<void> {
  await asApi(() =>
    db.transaction().execute(async (trx) => {
      const meeting = await requireSiteMeeting(trx, site, input.confNumber);
      await updateMeeting(trx, meeting.id, { rc_port: input.rcPort, updated_at: now });
    }),
  );
}
