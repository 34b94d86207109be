import path from 'node:path';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { sendBuiltPage, WEB_ROOT } from './web.js';

/** The console's page addresses (web/src/console/route.ts); every one is the same page, which routes itself. */
export const CONSOLE_PAGES = [
  '/console/',
  '/console/sign-in',
  '/console/set-password',
  '/console/sites',
  '/console/sites/:siteSign',
  '/console/sites/:siteSign/accounts',
  '/console/sites/:siteSign/meetings',
  '/console/sites/:siteSign/meetings/:confId',
  '/console/sites/:siteSign/live',
  '/console/sites/:siteSign/recordings',
  '/console/sites/:siteSign/users',
  '/console/sites/:siteSign/webhooks',
  '/console/sites/:siteSign/settings',
] as const;

/**
 * The site console's page (`dist/web/console.html`, built by Vite from web/console.html) at each of
 * {@link CONSOLE_PAGES}, under the pages' CSP (api/security.ts); `/console` leads to `/console/`.
 */
export async function consolePageRoutes(app: FastifyInstance, options: { webRoot?: string }): Promise<void> {
  const page = path.join(options.webRoot ?? WEB_ROOT, 'console.html');
  const shell = async (_request: unknown, reply: FastifyReply) =>
    sendBuiltPage(reply, page, 'The console page is not built');
  app.get('/console', async (_request, reply) => reply.redirect('/console/'));
  for (const url of CONSOLE_PAGES) app.get(url, shell);
}
