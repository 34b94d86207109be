import type { Db } from './database.js';
import { prepared } from './prepared.js';

export async function insertEndpoint(
  db: Db,
  row: { site_id: number; url: string; secret: string; events: string; created_at: number },
) {
  return db
    .insertInto('webhook_endpoints')
    .values({ ...row, active: 1 })
    .returningAll()
    .executeTakeFirstOrThrow();
}

const activeEndpoints = prepared((db, p: { siteId: number }) =>
  db.selectFrom('webhook_endpoints').selectAll().where('site_id', '=', p.siteId).where('active', '=', 1).orderBy('id'),
);

export async function endpointsOf(db: Db, siteId: number) {
  return activeEndpoints.all(db, { siteId });
}

export async function deactivateEndpoint(db: Db, siteId: number, id: number): Promise<boolean> {
  const result = await db
    .updateTable('webhook_endpoints')
    .set({ active: 0 })
    .where('id', '=', id)
    .where('site_id', '=', siteId)
    .where('active', '=', 1)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

const bumpSeq = prepared((db, p: { siteId: number }) =>
  db
    .insertInto('site_event_counters')
    .values({ site_id: p.siteId, last_seq: 1 })
    .onConflict((oc) =>
      oc.column('site_id').doUpdateSet((eb) => ({ last_seq: eb('site_event_counters.last_seq', '+', 1) })),
    )
    .returning('last_seq'),
);

/** The site's next event number; the counter row serialises a site's events under concurrency. */
export async function nextSeq(db: Db, siteId: number): Promise<number> {
  const row = await bumpSeq.first(db, { siteId });
  if (!row) throw new Error(`no event counter for site ${siteId}`);
  return Number(row.last_seq);
}

type EventRow = { site_id: number; seq: number; event_id: string; type: string; occurred_at: number; payload: string };
const eventInsert = prepared((db, p: EventRow) =>
  db
    .insertInto('site_events')
    .values({
      site_id: p.site_id,
      seq: p.seq,
      event_id: p.event_id,
      type: p.type,
      occurred_at: p.occurred_at,
      payload: p.payload,
    })
    .returning('id'),
);

export async function insertEvent(db: Db, row: EventRow) {
  const inserted = await eventInsert.first(db, row);
  if (!inserted) throw new Error('site_events insert returned no row');
  return inserted;
}

export async function insertDeliveries(db: Db, eventPk: number, endpointIds: number[], now: number): Promise<void> {
  if (endpointIds.length === 0) return;
  await db
    .insertInto('webhook_deliveries')
    .values(
      endpointIds.map((endpoint_id) => ({
        endpoint_id,
        event_pk: eventPk,
        status: 'pending' as const,
        attempts: 0,
        next_attempt_at: now,
        created_at: now,
        last_error: '',
      })),
    )
    .execute();
}

/** A site's events after `after`, in order. */
export async function eventsAfter(db: Db, siteId: number, after: number, limit: number) {
  return db
    .selectFrom('site_events')
    .selectAll()
    .where('site_id', '=', siteId)
    .where('seq', '>', after)
    .orderBy('seq')
    .limit(limit)
    .execute();
}

export async function lastSeq(db: Db, siteId: number): Promise<number> {
  const row = await db
    .selectFrom('site_event_counters')
    .select('last_seq')
    .where('site_id', '=', siteId)
    .executeTakeFirst();
  return Number(row?.last_seq ?? 0);
}

/**
 * The oldest pending delivery of each active endpoint, with what it takes to send it, taken one site at a
 * time in turn (every site's first endpoint, then every site's second…), so that a site with many
 * endpoints cannot crowd out the others. An endpoint whose oldest delivery is not due yet, or is being sent
 * by a process now, is skipped: deliveries to one endpoint go out one at a time, in order.
 */
export async function headsOfQueues(db: Db, now: number, limit: number) {
  const heads = db
    .selectFrom('webhook_deliveries')
    .select((eb) => ['endpoint_id', eb.fn.min('id').as('head_id')])
    .where('status', '=', 'pending')
    .groupBy('endpoint_id')
    .as('heads');
  const due = db
    .selectFrom(heads)
    .innerJoin('webhook_deliveries as d', 'd.id', 'heads.head_id')
    .innerJoin('webhook_endpoints as e', 'e.id', 'd.endpoint_id')
    .innerJoin('site_events as ev', 'ev.id', 'd.event_pk')
    .innerJoin('sites as s', 's.id', 'ev.site_id')
    .select((eb) => [
      'd.id',
      'd.attempts',
      'd.created_at',
      'e.url',
      'e.secret',
      'e.site_id',
      'ev.event_id',
      'ev.seq',
      'ev.type',
      'ev.occurred_at',
      'ev.payload',
      's.site_sign',
      eb.fn
        .agg<number>('row_number')
        .over((over) => over.partitionBy('e.site_id').orderBy('d.id'))
        .as('turn'),
    ])
    .where('e.active', '=', 1)
    .where('d.next_attempt_at', '<=', now)
    .where((eb) => eb.or([eb('d.lease_until', 'is', null), eb('d.lease_until', '<', now)]))
    .as('due');
  return db.selectFrom(due).selectAll().orderBy('turn').orderBy('id').limit(limit).execute();
}

/** Takes a delivery of an active endpoint for `leaseMs`; false when another process took it first, or it was dropped. */
export async function lease(db: Db, id: number, now: number, leaseMs: number): Promise<boolean> {
  const result = await db
    .updateTable('webhook_deliveries')
    .set({ lease_until: now + leaseMs })
    .where('id', '=', id)
    .where('status', '=', 'pending')
    .where((eb) => eb.or([eb('lease_until', 'is', null), eb('lease_until', '<', now)]))
    .where('endpoint_id', 'in', (eb) => eb.selectFrom('webhook_endpoints').select('id').where('active', '=', 1))
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** The site's endpoints in use. */
export async function countEndpoints(db: Db, siteId: number): Promise<number> {
  const row = await db
    .selectFrom('webhook_endpoints')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('site_id', '=', siteId)
    .where('active', '=', 1)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** Marks an endpoint's pending deliveries failed (`reason`); a delivery on its way stays failed when it returns. */
export async function dropPendingDeliveries(db: Db, endpointId: number, reason: string): Promise<void> {
  await db
    .updateTable('webhook_deliveries')
    .set({ status: 'failed', lease_until: null, last_error: reason })
    .where('endpoint_id', '=', endpointId)
    .where('status', '=', 'pending')
    .execute();
}

export async function recordAttempt(
  db: Db,
  id: number,
  outcome: {
    status: 'pending' | 'delivered' | 'failed';
    attempts: number;
    nextAttemptAt: number;
    statusCode: number | null;
    error: string;
    now: number;
  },
): Promise<void> {
  await db
    .updateTable('webhook_deliveries')
    .set({
      status: outcome.status,
      attempts: outcome.attempts,
      next_attempt_at: outcome.nextAttemptAt,
      lease_until: null,
      last_status_code: outcome.statusCode,
      last_error: outcome.error.slice(0, 500),
      delivered_at: outcome.status === 'delivered' ? outcome.now : null,
    })
    .where('id', '=', id)
    // A delivery dropped while it was on its way (its endpoint deleted) stays dropped.
    .where('status', '=', 'pending')
    .execute();
}

/** Deliveries for the CLI, newest first. */
export async function listDeliveries(db: Db, filter: { siteId?: number; status?: string; limit: number }) {
  let query = db
    .selectFrom('webhook_deliveries as d')
    .innerJoin('webhook_endpoints as e', 'e.id', 'd.endpoint_id')
    .innerJoin('site_events as ev', 'ev.id', 'd.event_pk')
    .select([
      'd.id',
      'd.status',
      'd.attempts',
      'd.next_attempt_at',
      'd.last_status_code',
      'd.last_error',
      'd.created_at',
      'd.delivered_at',
      'e.url',
      'ev.type',
      'ev.seq',
      'ev.event_id',
      'ev.site_id',
    ])
    .orderBy('d.id', 'desc')
    .limit(filter.limit);
  if (filter.siteId !== undefined) query = query.where('ev.site_id', '=', filter.siteId);
  if (filter.status) query = query.where('d.status', '=', filter.status as 'pending');
  return query.execute();
}

/** The delivery `id` when it goes to an endpoint of the site, with its endpoint's state. */
export async function findSiteDelivery(db: Db, siteId: number, id: number) {
  return db
    .selectFrom('webhook_deliveries as d')
    .innerJoin('webhook_endpoints as e', 'e.id', 'd.endpoint_id')
    .select(['d.id', 'd.status', 'd.event_pk', 'd.endpoint_id', 'e.active'])
    .where('d.id', '=', id)
    .where('e.site_id', '=', siteId)
    .executeTakeFirst();
}
