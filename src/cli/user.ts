import type { Command } from 'commander';
import { requireSite } from '../domain/sites.js';
import { regenerateHostKey } from '../domain/users.js';
import { withStore, type CliIo } from './store.js';

/** `huiguan user …`: a site's users. */
export function userCommands(program: Command, io: CliIo): void {
  const user = program.command('user').description('users (meeting hosts) of a site');

  user
    .command('regenerate-host-key')
    .description('give the user a new host key; the old one stops working on all their meetings at once')
    .requiredOption('--site <siteSign>', 'the site')
    .requiredOption('--user <userId>', 'the user')
    .option('--json', 'print one JSON object')
    .action(async (options: { site: string; user: string; json?: boolean }) => {
      await withStore(io, async ({ db }) => {
        const updated = await db
          .transaction()
          .execute(async (trx) =>
            regenerateHostKey(trx, await requireSite(trx, options.site), options.user, Date.now()),
          );
        const view = { siteSign: options.site, userId: updated.user_id, hostKey: Number(updated.host_key) };
        io.out(
          options.json ? JSON.stringify(view) : `user ${view.userId} of ${view.siteSign}: new host key ${view.hostKey}`,
        );
      });
    });
}
