import type { FastifyPluginAsync } from 'fastify';
import Type from 'typebox';
import type { WebhookTargetPolicy } from '../domain/webhook-targets.js';
import { createEndpoint, eventBody, removeEndpoint } from '../domain/webhooks.js';
import { formatDateTime } from '../domain/time.js';
import { endpointsOf, eventsAfter, lastSeq } from '../store/webhooks.repository.js';
import { defineEndpoint, ok, type EndpointDeps } from './endpoint.js';
import { endpointParams, text } from './schemas.js';
import { answers } from '../contract/answers.js';

/**
 * Extension (docs/webhooks.md): a site's webhook endpoints and its events feed, signed like the API with
 * the token subject `siteSign`. `targets`: where endpoints may point (`Config.webhookTargets`).
 */
export const webhookRoutes: FastifyPluginAsync<EndpointDeps & { targets: WebhookTargetPolicy }> = async (app, deps) => {
  defineEndpoint(app, deps, {
    name: 'createEndpoint',
    url: '/webhooks/v1/createEndpoint',
    answer: answers['/webhooks/v1/createEndpoint'],
    section: 'extension',
    summary: 'Extension: register a webhook endpoint; answers its signing secret once',
    subject: 'siteSign',
    params: endpointParams({
      url: text(2000, 'http(s) URL that receives the events', { minLength: 1 }),
      events: Type.Optional(text(1000, '* (default) or event types, comma-separated')),
    }),
    handler: async ({ db, site, params, now }) => {
      const endpoint = await createEndpoint(db, site, params, now, deps.targets);
      return ok({ data: { id: endpoint.id, url: endpoint.url, events: endpoint.events, secret: endpoint.secret } });
    },
  });

  defineEndpoint(app, deps, {
    name: 'listEndpoints',
    url: '/webhooks/v1/listEndpoints',
    answer: answers['/webhooks/v1/listEndpoints'],
    section: 'extension',
    summary: 'Extension: the site’s webhook endpoints (secrets are not shown again)',
    subject: 'siteSign',
    access: 'read',
    params: endpointParams({}),
    handler: async ({ db, site }) =>
      ok({
        data: (await endpointsOf(db, site.id)).map((e) => ({
          id: e.id,
          url: e.url,
          events: e.events,
          createdAt: formatDateTime(e.created_at),
        })),
      }),
  });

  defineEndpoint(app, deps, {
    name: 'deleteEndpoint',
    url: '/webhooks/v1/deleteEndpoint',
    answer: answers['/webhooks/v1/deleteEndpoint'],
    section: 'extension',
    summary: 'Extension: stop sending to a webhook endpoint',
    subject: 'siteSign',
    params: endpointParams({ id: Type.Integer({ minimum: 1, description: 'the endpoint’s id' }) }),
    handler: async ({ db, site, params }) => {
      await removeEndpoint(db, site, params.id);
      return ok();
    },
  });

  defineEndpoint(app, deps, {
    name: 'events',
    url: '/webhooks/v1/events',
    answer: answers['/webhooks/v1/events'],
    section: 'extension',
    summary: 'Extension: the site’s events after a sequence number, to catch up after downtime',
    subject: 'siteSign',
    params: endpointParams({
      after: Type.Optional(Type.Integer({ minimum: 0, default: 0, description: 'the last seq already seen' })),
      limit: Type.Optional(
        Type.Integer({ minimum: 1, maximum: 500, default: 100, description: 'at most this many events' }),
      ),
    }),
    handler: async ({ db, site, params }) => {
      const events = await eventsAfter(db, site.id, params.after ?? 0, params.limit ?? 100);
      return ok({ data: events.map((e) => eventBody(e, site.site_sign)), lastSeq: await lastSeq(db, site.id) });
    },
  });
};
