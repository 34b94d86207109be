import { InvalidArgumentError, type Command } from 'commander';
import { loadConfig } from '../config.js';
import { requireSite } from '../domain/sites.js';
import { formatDateTime } from '../domain/time.js';
import { createEndpoint, removeEndpoint } from '../domain/webhooks.js';
import { endpointsOf, listDeliveries } from '../store/webhooks.repository.js';
import { withStore, type CliIo } from './store.js';

function integer(value: string): number {
  if (!/^\d+$/.test(value)) throw new InvalidArgumentError('expected a whole number');
  return Number(value);
}

/** `huiguan webhook …`: a site's webhook endpoints and the outbox. */
export function webhookCommands(program: Command, io: CliIo): void {
  const webhook = program
    .command('webhook')
    .description('webhook endpoints of a site and their deliveries (docs/webhooks.md)');

  webhook
    .command('add')
    .description('register an endpoint; prints its signing secret')
    .requiredOption('--site <siteSign>', 'the site')
    .requiredOption('--url <url>', 'http(s) URL that receives the events')
    .option('--events <list>', '* (default) or event types, comma-separated')
    .option('--json', 'print one JSON object')
    .action(async (options: { site: string; url: string; events?: string; json?: boolean }) => {
      await withStore(io, async ({ db }) => {
        const site = await requireSite(db, options.site);
        const endpoint = await createEndpoint(db, site, options, Date.now(), loadConfig(io.env).webhookTargets);
        const view = {
          id: endpoint.id,
          siteSign: site.site_sign,
          url: endpoint.url,
          events: endpoint.events,
          secret: endpoint.secret,
        };
        io.out(
          options.json
            ? JSON.stringify(view)
            : `endpoint ${view.id}: ${view.url} (${view.events})\nsecret  ${view.secret}`,
        );
      });
    });

  webhook
    .command('list')
    .description('the site’s endpoints')
    .requiredOption('--site <siteSign>', 'the site')
    .option('--json', 'print a JSON array')
    .action(async (options: { site: string; json?: boolean }) => {
      await withStore(io, async ({ db }) => {
        const site = await requireSite(db, options.site);
        const endpoints = (await endpointsOf(db, site.id)).map((e) => ({
          id: e.id,
          url: e.url,
          events: e.events,
          created: formatDateTime(e.created_at),
        }));
        if (options.json) io.out(JSON.stringify(endpoints));
        else if (endpoints.length === 0) io.out('no endpoints');
        else for (const e of endpoints) io.out(`${e.id}\t${e.url}\t${e.events}\t${e.created}`);
      });
    });

  webhook
    .command('remove')
    .description('stop sending to an endpoint')
    .requiredOption('--site <siteSign>', 'the site')
    .requiredOption('--id <id>', 'the endpoint', integer)
    .action(async (options: { site: string; id: number }) => {
      await withStore(io, async ({ db }) => {
        await removeEndpoint(db, await requireSite(db, options.site), options.id);
        io.out(`endpoint ${options.id} removed`);
      });
    });

  webhook
    .command('deliveries')
    .description('the outbox, newest first: what was sent, what waits for a retry, what failed')
    .option('--site <siteSign>', 'only this site')
    .option('--status <status>', 'pending, delivered or failed')
    .option('--limit <n>', 'how many', integer, 50)
    .option('--json', 'print a JSON array')
    .action(async (options: { site?: string; status?: string; limit: number; json?: boolean }) => {
      await withStore(io, async ({ db }) => {
        const siteId = options.site ? (await requireSite(db, options.site)).id : undefined;
        const rows = await listDeliveries(db, {
          ...(siteId !== undefined ? { siteId } : {}),
          ...(options.status ? { status: options.status } : {}),
          limit: options.limit,
        });
        const view = rows.map((r) => ({
          id: r.id,
          event: `${r.type} #${r.seq}`,
          url: r.url,
          status: r.status,
          attempts: r.attempts,
          lastStatusCode: r.last_status_code,
          lastError: r.last_error,
          nextAttempt: r.status === 'pending' ? formatDateTime(r.next_attempt_at) : null,
          delivered: r.delivered_at === null ? null : formatDateTime(r.delivered_at),
        }));
        if (options.json) io.out(JSON.stringify(view));
        else if (view.length === 0) io.out('no deliveries');
        else {
          for (const d of view) {
            const when =
              d.status === 'delivered' ? `at ${d.delivered}` : d.status === 'pending' ? `next ${d.nextAttempt}` : '';
            io.out(
              `${d.id}\t${d.status}\t${d.event}\t${d.url}\tattempts ${d.attempts} ${when} ${d.lastError}`.trimEnd(),
            );
          }
        }
      });
    });
}
