import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Static, TSchema } from 'typebox';
import { ApiKeyAnswer, ConsoleRefusal, Done, SiteParams } from '../contract/console.js';
import { RcPortBody, SiteSettings } from '../contract/console-site.js';
import { requireOwner, requireVisibleSite } from '../domain/console-access.js';
import { consoleChangeRcPort, consoleRotateApiKey, siteSettings } from '../domain/console-settings.js';
import type { Db } from '../store/database.js';
import { needSession, signedIn } from './console-guard.js';

const answers = (ok: TSchema) => ({ 200: ok, '4xx': ConsoleRefusal, '5xx': ConsoleRefusal });

/**
 * The console's Settings page (issue 19): `GET /console/api/sites/:siteSign/settings`; for owners
 * `POST …/api-key/rotate` (answers the new key, once; logged without it) and `POST …/rc-port` (2.25).
 * Registered inside {@link consoleApiRoutes}.
 */
export async function consoleSettingsRoutes(
  app: FastifyInstance,
  deps: { db: Db; clock: () => number },
): Promise<void> {
  const { db, clock } = deps;
  const session = needSession(db, clock);
  const siteOf = async (request: FastifyRequest, owner: boolean) => {
    const { siteSign } = request.params as Static<typeof SiteParams>;
    const account = signedIn(request).account;
    const site = await requireVisibleSite(db, account, siteSign);
    if (owner) requireOwner(account);
    return { site, account };
  };

  app.get(
    '/console/api/sites/:siteSign/settings',
    { preHandler: session, schema: { params: SiteParams, response: answers(SiteSettings) } },
    async (request) => siteSettings((await siteOf(request, false)).site),
  );

  app.post(
    '/console/api/sites/:siteSign/api-key/rotate',
    { preHandler: session, schema: { params: SiteParams, response: answers(ApiKeyAnswer) } },
    async (request) => {
      const { site, account } = await siteOf(request, true);
      const apiKey = await consoleRotateApiKey(db, site, clock());
      request.log.info(
        { consoleAccount: account.id, email: account.email, siteSign: site.site_sign },
        'console: API key rotated',
      );
      return { apiKey };
    },
  );

  app.post(
    '/console/api/sites/:siteSign/rc-port',
    { preHandler: session, schema: { params: SiteParams, body: RcPortBody, response: answers(Done) } },
    async (request) => {
      const { site, account } = await siteOf(request, true);
      const body = request.body as Static<typeof RcPortBody>;
      await consoleChangeRcPort(db, site, body, clock());
      request.log.info({ consoleAccount: account.id, siteSign: site.site_sign, ...body }, 'console: rcPort changed');
      return { ok: true as const };
    },
  );
}
