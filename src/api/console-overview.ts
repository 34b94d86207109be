import type { FastifyInstance } from 'fastify';
import type { Static } from 'typebox';
import { ConsoleRefusal, SiteParams } from '../contract/console.js';
import { Overview, OverviewQuery } from '../contract/console-site.js';
import { requireVisibleSite } from '../domain/console-access.js';
import { siteOverview } from '../domain/console-overview.js';
import type { Db } from '../store/database.js';
import { needSession, signedIn } from './console-guard.js';

/**
 * `GET /console/api/sites/:siteSign/overview?days=30`: the console's Overview page (issue 19), registered
 * inside {@link consoleApiRoutes} so that its guards and error answers apply.
 */
export async function consoleOverviewRoutes(
  app: FastifyInstance,
  deps: { db: Db; clock: () => number },
): Promise<void> {
  const { db, clock } = deps;
  app.get(
    '/console/api/sites/:siteSign/overview',
    {
      preHandler: needSession(db, clock),
      schema: {
        params: SiteParams,
        querystring: OverviewQuery,
        response: { 200: Overview, '4xx': ConsoleRefusal, '5xx': ConsoleRefusal },
      },
    },
    async (request) => {
      const { siteSign } = request.params as Static<typeof SiteParams>;
      const { days } = request.query as Static<typeof OverviewQuery>;
      const site = await requireVisibleSite(db, signedIn(request).account, siteSign);
      return siteOverview(db, site, days ?? 30, clock());
    },
  );
}
