/**
 * The console's Webhooks page (issue 19): the site's endpoints, added (within createEndpoint's limits and
 * its rules on targets) and deleted as the API's extension does, its delivery log with the answers'
 * HTTP statuses, and sending a delivery again.
 */
import type { WebhookOverviewView } from '../contract/console-site.js';
import type { Db, SiteRow } from '../store/database.js';
import { endpointsOf, findSiteDelivery, insertDeliveries, listDeliveries } from '../store/webhooks.repository.js';
import { asApi } from './console-meetings.js';
import { pageRefusal } from './errors.js';
import type { WebhookTargetPolicy } from './webhook-targets.js';
import { createEndpoint, EVENT_TYPES, MAX_ENDPOINTS_PER_SITE, removeEndpoint } from './webhooks.js';

/** Deliveries the log shows. */
const LOGGED = 100;
const iso = (ms: number) => new Date(ms).toISOString();

export async function consoleWebhooks(db: Db, site: SiteRow): Promise<WebhookOverviewView> {
  const endpoints = await endpointsOf(db, site.id);
  const deliveries = await listDeliveries(db, { siteId: site.id, limit: LOGGED });
  return {
    endpoints: endpoints.map((e) => ({ id: e.id, url: e.url, events: e.events, createdAt: iso(e.created_at) })),
    deliveries: deliveries.map((d) => ({
      id: d.id,
      url: d.url,
      type: d.type,
      seq: d.seq,
      eventId: d.event_id,
      status: d.status,
      attempts: d.attempts,
      lastStatusCode: d.last_status_code,
      lastError: d.last_error,
      createdAt: iso(d.created_at),
      deliveredAt: d.delivered_at === null ? null : iso(d.delivered_at),
      nextAttemptAt: iso(d.next_attempt_at),
    })),
    maxEndpoints: MAX_ENDPOINTS_PER_SITE,
    eventTypes: [...EVENT_TYPES],
  };
}

/** createEndpoint from the console, in one transaction: its refusals (109: a URL refused, the limit) as `code_109`. */
export async function consoleAddEndpoint(
  db: Db,
  site: SiteRow,
  input: { url: string; events: string },
  now: number,
  targets: WebhookTargetPolicy,
) {
  return asApi(() => db.transaction().execute((trx) => createEndpoint(trx, site, input, now, targets)));
}

/** deleteEndpoint from the console: its pending deliveries are dropped. */
export async function consoleRemoveEndpoint(db: Db, site: SiteRow, endpointId: number): Promise<void> {
  await asApi(() => db.transaction().execute((trx) => removeEndpoint(trx, site, endpointId)));
}

/**
 * Sends a delivery's event to its endpoint again: a new delivery, queued behind the endpoint's pending ones
 * (the receiver knows it by its `Huiguan-Event-Id`). 404 for no such delivery of the site; 409 while the
 * delivery is still pending or its endpoint is deleted.
 */
export async function resendDelivery(db: Db, site: SiteRow, deliveryId: number, now: number): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const delivery = await findSiteDelivery(trx, site.id, deliveryId);
    if (!delivery) throw pageRefusal(404, 'not_found', `投递不存在 (no delivery ${deliveryId})`);
    if (delivery.active !== 1)
      throw pageRefusal(409, 'endpoint_deleted', '端点已删除 (the endpoint was deleted; nothing is sent to it)');
    if (delivery.status === 'pending')
      throw pageRefusal(409, 'still_pending', '投递仍在进行 (the delivery is still being tried)');
    await insertDeliveries(trx, delivery.event_pk, [delivery.endpoint_id], now);
  });
}
