import type { FastifyInstance } from 'fastify';
import type { Static, TSchema } from 'typebox';
import { ConsoleRefusal, Done, SiteParams } from '../contract/console.js';
import {
  DeleteUserBody,
  HostKeyAnswer,
  UserBody,
  UserList,
  UserParams,
  ConsoleUser,
} from '../contract/console-site.js';
import { requireOwner, requireVisibleSite } from '../domain/console-access.js';
import {
  consoleDeleteUser,
  consoleRegenerateHostKey,
  consoleSaveUser,
  consoleUserView,
  listConsoleUsers,
} from '../domain/console-users.js';
import type { Db } from '../store/database.js';
import { needSession, signedIn } from './console-guard.js';

const answers = (ok: TSchema) => ({ 200: ok, '4xx': ConsoleRefusal, '5xx': ConsoleRefusal });

/**
 * The console's Users page (issue 19): `GET /console/api/sites/:siteSign/users`; for owners `POST …/users`
 * (add or change), `POST …/users/:userId/delete` and `POST …/users/:userId/host-key` (a new host key).
 * Registered inside {@link consoleApiRoutes}.
 */
export async function consoleUserRoutes(app: FastifyInstance, deps: { db: Db; clock: () => number }): Promise<void> {
  const { db, clock } = deps;
  const session = needSession(db, clock);
  const ownersSite = async (siteSign: string, request: Parameters<typeof signedIn>[0]) => {
    const account = signedIn(request).account;
    const site = await requireVisibleSite(db, account, siteSign);
    requireOwner(account);
    return { site, account };
  };

  app.get(
    '/console/api/sites/:siteSign/users',
    { preHandler: session, schema: { params: SiteParams, response: answers(UserList) } },
    async (request) => {
      const { siteSign } = request.params as Static<typeof SiteParams>;
      const account = signedIn(request).account;
      const site = await requireVisibleSite(db, account, siteSign);
      return listConsoleUsers(db, site, account.role === 'owner');
    },
  );

  app.post(
    '/console/api/sites/:siteSign/users',
    { preHandler: session, schema: { params: SiteParams, body: UserBody, response: answers(ConsoleUser) } },
    async (request) => {
      const { siteSign } = request.params as Static<typeof SiteParams>;
      const { site, account } = await ownersSite(siteSign, request);
      const body = request.body as Static<typeof UserBody>;
      const user = await consoleSaveUser(db, site, body, clock());
      request.log.info({ consoleAccount: account.id, siteSign, userId: user.user_id }, 'console: user saved');
      return consoleUserView(user, true);
    },
  );

  app.post(
    '/console/api/sites/:siteSign/users/:userId/delete',
    { preHandler: session, schema: { params: UserParams, body: DeleteUserBody, response: answers(Done) } },
    async (request) => {
      const { siteSign, userId } = request.params as Static<typeof UserParams>;
      const { site, account } = await ownersSite(siteSign, request);
      const { force } = request.body as Static<typeof DeleteUserBody>;
      await consoleDeleteUser(db, site, userId, force, clock());
      request.log.info({ consoleAccount: account.id, siteSign, userId, force }, 'console: user deleted');
      return { ok: true as const };
    },
  );

  app.post(
    '/console/api/sites/:siteSign/users/:userId/host-key',
    { preHandler: session, schema: { params: UserParams, response: answers(HostKeyAnswer) } },
    async (request) => {
      const { siteSign, userId } = request.params as Static<typeof UserParams>;
      const { site, account } = await ownersSite(siteSign, request);
      const user = await consoleRegenerateHostKey(db, site, userId, clock());
      request.log.info({ consoleAccount: account.id, siteSign, userId }, 'console: host key regenerated');
      return { hostKey: user.host_key };
    },
  );
}
