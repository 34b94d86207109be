import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Static, TSchema } from 'typebox';
import Type from 'typebox';
import {
  AccountList,
  ApiKeyAnswer,
  ConsoleRefusal,
  ConsoleSite,
  Done,
  InviteBody,
  Invited,
  Me,
  PasswordLinkBody,
  PasswordLinkInfo,
  SetPasswordBody,
  SignInBody,
  SiteList,
  SiteParams,
  type MeView,
} from '../contract/console.js';
import { requireOwner, requireVisibleSite, visibleSites } from '../domain/console-access.js';
import {
  accountOfPasswordLink,
  addConsoleAccount,
  listSiteAccounts,
  setPasswordUrl,
  setPasswordWithLink,
  siteOfAccount,
  viewConsoleAccount,
  viewConsoleSite,
} from '../domain/console-accounts.js';
import { csrfToken, signIn, signOut, signOutEverywhere, type ConsoleSignedIn } from '../domain/console-sessions.js';
import { clientKey, EntryLocked } from '../domain/entry-guard.js';
import { ApiError } from '../domain/errors.js';
import type { WebhookTargetPolicy } from '../domain/webhook-targets.js';
import type { Db } from '../store/database.js';
import type { RecordingStorage } from '../store/recording-storage.js';
import { clearSessionCookie, needSession, refuseCrossSite, setSessionCookie, signedIn } from './console-guard.js';
import { consoleOverviewRoutes } from './console-overview.js';
import { consoleRecordingRoutes } from './console-recordings.js';
import { consoleUserRoutes } from './console-users.js';
import { consoleWebhookRoutes } from './console-webhooks.js';
import { consoleSettingsRoutes } from './console-settings.js';
import { consoleLiveRoutes } from './console-live.js';
import { consoleMeetingRoutes, type ConsoleMeetingDeps } from './console-meetings.js';
import { validationMessage } from './validation-message.js';

export interface ConsoleDeps extends ConsoleMeetingDeps {
  db: Db;
  clock: () => number;
  /** `config.publicUrl`: the base of the set-password links an owner's invitation answers, and an own origin. */
  publicUrl: string;
  /** `config.recordingLinkTtlMs`: how long the recordings' signed links work. */
  recordingLinkTtlMs: number;
  /** Where recording files are, for deleting them. */
  recordingStorage: RecordingStorage;
  /** `config.webhookTargets`: where webhook endpoints may point. */
  webhookTargets: WebhookTargetPolicy;
}

/** The console's requests are small: an email, a password, a link's secret. */
const CONSOLE_BODY_LIMIT = 16 * 1024;

const answers = (ok: TSchema) => ({ 200: ok, '4xx': ConsoleRefusal, '5xx': ConsoleRefusal });
const iso = (ms: number) => new Date(ms).toISOString();

/**
 * The console's JSON calls, `/console/api/…` (issue 19): sign-in and sessions, set-password links, the
 * sites an account sees, their accounts and API keys. Refusals answer `{error, message}` with an HTTP
 * status (docs/decisions.md, "Console"); answers are never cached.
 */
export async function consoleApiRoutes(app: FastifyInstance, deps: ConsoleDeps): Promise<void> {
  const { db, clock } = deps;
  app.decorateRequest('consoleSignedIn', null);
  app.setErrorHandler(consoleErrorHandler);
  app.addHook('onRoute', (route) => {
    route.bodyLimit ??= CONSOLE_BODY_LIMIT;
  });
  app.addHook('onRequest', async (request, reply) => {
    reply.header('cache-control', 'no-store');
    refuseCrossSite(request, deps.publicUrl);
  });
  const session = needSession(db, clock);
  await app.register(consoleOverviewRoutes, deps);
  await app.register(consoleRecordingRoutes, deps);
  await app.register(consoleUserRoutes, deps);
  await app.register(consoleWebhookRoutes, deps);
  await app.register(consoleSettingsRoutes, deps);
  await app.register(consoleMeetingRoutes, deps);
  await app.register(consoleLiveRoutes, deps);
  const me = async ({ account, sessionId }: ConsoleSignedIn): Promise<MeView> => {
    const site = await siteOfAccount(db, account);
    return {
      account: viewConsoleAccount(account, site),
      site: site ? viewConsoleSite(site, clock()) : null,
      csrfToken: csrfToken(sessionId),
    };
  };

  app.post('/console/api/sign-in', { schema: { body: SignInBody, response: answers(Me) } }, async (request, reply) => {
    const body = request.body as Static<typeof SignInBody>;
    const client = clientKey(request.ip);
    try {
      const opened = await signIn(db, { ...body, client }, clock());
      request.log.info({ consoleAccount: opened.account.id }, 'console sign-in');
      setSessionCookie(request, reply, opened.sessionId);
      return await me(opened);
    } catch (err) {
      if (err instanceof ApiError) request.log.info({ client, reason: err.reason }, 'console sign-in refused');
      throw err;
    }
  });

  app.post(
    '/console/api/sign-out',
    { preHandler: session, schema: { response: answers(Done) } },
    async (request, reply) => {
      await signOut(db, signedIn(request).sessionId);
      clearSessionCookie(request, reply);
      return { ok: true as const };
    },
  );

  app.post(
    '/console/api/sign-out-everywhere',
    { preHandler: session, schema: { response: answers(Done) } },
    async (request, reply) => {
      await signOutEverywhere(db, signedIn(request).account);
      clearSessionCookie(request, reply);
      return { ok: true as const };
    },
  );

  app.get('/console/api/me', { preHandler: session, schema: { response: answers(Me) } }, async (request) =>
    me(signedIn(request)),
  );

  app.post(
    '/console/api/password-link',
    { schema: { body: PasswordLinkBody, response: answers(PasswordLinkInfo) } },
    async (request) => {
      const { secret } = request.body as Static<typeof PasswordLinkBody>;
      const { account, expiresAt } = await accountOfPasswordLink(db, secret, clock());
      return { email: account.email, expiresAt: iso(expiresAt) };
    },
  );

  app.post(
    '/console/api/set-password',
    {
      schema: { body: SetPasswordBody, response: answers(Type.Object({ email: Type.String() })) },
    },
    async (request) => {
      const { secret, password } = request.body as Static<typeof SetPasswordBody>;
      const account = await setPasswordWithLink(db, secret, password, clock());
      request.log.info({ consoleAccount: account.id }, 'console password set');
      return { email: account.email };
    },
  );

  app.get('/console/api/sites', { preHandler: session, schema: { response: answers(SiteList) } }, async (request) => {
    const now = clock();
    return { sites: (await visibleSites(db, signedIn(request).account)).map((s) => viewConsoleSite(s, now)) };
  });

  app.get(
    '/console/api/sites/:siteSign',
    { preHandler: session, schema: { params: SiteParams, response: answers(ConsoleSite) } },
    async (request) => viewConsoleSite(await siteOf(request), clock()),
  );

  app.get(
    '/console/api/sites/:siteSign/accounts',
    { preHandler: session, schema: { params: SiteParams, response: answers(AccountList) } },
    async (request) => ({ accounts: await listSiteAccounts(db, await siteOf(request)) }),
  );

  app.post(
    '/console/api/sites/:siteSign/accounts',
    {
      preHandler: session,
      schema: { params: SiteParams, body: InviteBody, response: answers(Invited) },
    },
    async (request) => {
      const site = await siteOf(request);
      const inviter = signedIn(request).account;
      requireOwner(inviter);
      const body = request.body as Static<typeof InviteBody>;
      const added = await addConsoleAccount(db, { site, email: body.email, role: body.role }, clock());
      request.log.info(
        { consoleAccount: inviter.id, invited: added.account.id, siteSign: site.site_sign },
        'console account invited',
      );
      return {
        account: viewConsoleAccount(added.account, site),
        setPasswordUrl: setPasswordUrl(deps.publicUrl, added.secret),
        expiresAt: iso(added.expiresAt),
      };
    },
  );

  // A POST, not a GET: the key is shown only when an owner asks, and the asking is logged (never the key).
  app.post(
    '/console/api/sites/:siteSign/api-key',
    { preHandler: session, schema: { params: SiteParams, response: answers(ApiKeyAnswer) } },
    async (request) => {
      const site = await siteOf(request);
      const account = signedIn(request).account;
      requireOwner(account);
      request.log.info(
        { consoleAccount: account.id, email: account.email, siteSign: site.site_sign },
        'console: API key revealed',
      );
      return { apiKey: site.api_key };
    },
  );

  async function siteOf(request: FastifyRequest) {
    const { siteSign } = request.params as Static<typeof SiteParams>;
    return requireVisibleSite(db, signedIn(request).account, siteSign);
  }
}

/**
 * The console's mapper: a refusal answers `{error, message}` with its HTTP status (429 with `Retry-After`
 * and `retryAfterSeconds` while locked out); a request that cannot be read answers its 4xx with
 * `bad_request`; anything else 500 `internal`, logged, with no internals.
 */
function consoleErrorHandler(this: FastifyInstance, thrown: unknown, request: FastifyRequest, reply: FastifyReply) {
  if (thrown instanceof ApiError) {
    if (thrown instanceof EntryLocked) {
      reply.header('retry-after', String(thrown.retryAfterSeconds));
      return reply.code(429).send({
        error: thrown.reason ?? 'too_many_attempts',
        message: thrown.message,
        retryAfterSeconds: thrown.retryAfterSeconds,
      });
    }
    return reply.code(thrown.http ?? 400).send({ error: thrown.reason ?? 'refused', message: thrown.message });
  }
  const error = thrown as FastifyError;
  if (error.validation)
    return reply.code(400).send({ error: 'bad_request', message: validationMessage(error.validation) });
  const status = error.statusCode ?? 500;
  if (status >= 400 && status < 500) {
    const reason = status === 429 ? 'rate_limited' : 'bad_request';
    return reply.code(status).send({ error: reason, message: error.message });
  }
  request.log.error({ err: error }, 'internal error');
  return reply.code(500).send({ error: 'internal', message: '服务器内部错误 (internal server error)' });
}
