import type { FastifyInstance } from 'fastify';
import type { Static, TSchema } from 'typebox';
import { ConsoleRefusal, Done, SiteParams } from '../contract/console.js';
import {
  DeliveryParams,
  EndpointBody,
  EndpointParams,
  NewEndpoint,
  WebhookOverview,
} from '../contract/console-site.js';
import { requireOwner, requireVisibleSite } from '../domain/console-access.js';
import {
  consoleAddEndpoint,
  consoleRemoveEndpoint,
  consoleWebhooks,
  resendDelivery,
} from '../domain/console-webhooks.js';
import type { WebhookTargetPolicy } from '../domain/webhook-targets.js';
import type { Db } from '../store/database.js';
import { needSession, signedIn } from './console-guard.js';

const answers = (ok: TSchema) => ({ 200: ok, '4xx': ConsoleRefusal, '5xx': ConsoleRefusal });

/**
 * The console's Webhooks page (issue 19): `GET /console/api/sites/:siteSign/webhooks`; for owners
 * `POST …/webhooks` (add), `POST …/webhooks/:endpointId/delete` and
 * `POST …/webhook-deliveries/:deliveryId/resend`. Registered inside {@link consoleApiRoutes}.
 */
export async function consoleWebhookRoutes(
  app: FastifyInstance,
  deps: { db: Db; clock: () => number; webhookTargets: WebhookTargetPolicy },
): Promise<void> {
  const { db, clock } = deps;
  const session = needSession(db, clock);
  const ownersSite = async (request: Parameters<typeof signedIn>[0]) => {
    const { siteSign } = request.params as { siteSign: string };
    const account = signedIn(request).account;
    const site = await requireVisibleSite(db, account, siteSign);
    requireOwner(account);
    return { site, account };
  };

  app.get(
    '/console/api/sites/:siteSign/webhooks',
    { preHandler: session, schema: { params: SiteParams, response: answers(WebhookOverview) } },
    async (request) => {
      const { siteSign } = request.params as Static<typeof SiteParams>;
      return consoleWebhooks(db, await requireVisibleSite(db, signedIn(request).account, siteSign));
    },
  );

  app.post(
    '/console/api/sites/:siteSign/webhooks',
    { preHandler: session, schema: { params: SiteParams, body: EndpointBody, response: answers(NewEndpoint) } },
    async (request) => {
      const { site, account } = await ownersSite(request);
      const body = request.body as Static<typeof EndpointBody>;
      const e = await consoleAddEndpoint(db, site, body, clock(), deps.webhookTargets);
      request.log.info(
        { consoleAccount: account.id, siteSign: site.site_sign, endpoint: e.id },
        'console: webhook added',
      );
      return {
        id: e.id,
        url: e.url,
        events: e.events,
        createdAt: new Date(e.created_at).toISOString(),
        secret: e.secret,
      };
    },
  );

  app.post(
    '/console/api/sites/:siteSign/webhooks/:endpointId/delete',
    { preHandler: session, schema: { params: EndpointParams, response: answers(Done) } },
    async (request) => {
      const { site, account } = await ownersSite(request);
      const { endpointId } = request.params as Static<typeof EndpointParams>;
      await consoleRemoveEndpoint(db, site, endpointId);
      request.log.info(
        { consoleAccount: account.id, siteSign: site.site_sign, endpointId },
        'console: webhook deleted',
      );
      return { ok: true as const };
    },
  );

  app.post(
    '/console/api/sites/:siteSign/webhook-deliveries/:deliveryId/resend',
    { preHandler: session, schema: { params: DeliveryParams, response: answers(Done) } },
    async (request) => {
      const { site, account } = await ownersSite(request);
      const { deliveryId } = request.params as Static<typeof DeliveryParams>;
      await resendDelivery(db, site, deliveryId, clock());
      request.log.info({ consoleAccount: account.id, siteSign: site.site_sign, deliveryId }, 'console: webhook resent');
      return { ok: true as const };
    },
  );
}
