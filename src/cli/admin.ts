import { InvalidArgumentError, type Command } from 'commander';
import { loadConfig } from '../config.js';
import { addConsoleAccount, setPasswordUrl } from '../domain/console-accounts.js';
import { requireSite } from '../domain/sites.js';
import type { ConsoleRole } from '../store/console-tables.js';
import { withStore, type CliIo } from './store.js';

function role(value: string): ConsoleRole {
  if (value !== 'owner' && value !== 'viewer') throw new InvalidArgumentError('expected owner or viewer');
  return value;
}

interface AddOptions {
  site?: string;
  operator?: boolean;
  email: string;
  role: ConsoleRole;
  json?: boolean;
}

/** `huiguan admin …`: the site console's accounts. */
export function adminCommands(program: Command, io: CliIo): void {
  const admin = program.command('admin').description('accounts of the site console (/console/)');

  const add = admin
    .command('add')
    .description(
      'add a console account of a site (or an operator, who sees every site) and print its set-password link',
    )
    .option('--site <siteSign>', 'the site the account belongs to')
    .option('--operator', 'an operator account: sees and runs every site')
    .requiredOption('--email <email>', 'the email the person signs in with')
    .option('--role <role>', 'owner (runs the site) or viewer (only looks); not for --operator', role, 'owner')
    .option('--json', 'print one JSON object')
    .action(async (options: AddOptions) => {
      if ((options.site === undefined) === (options.operator === undefined))
        add.error('error: give either --site <siteSign> or --operator');
      const { publicUrl } = loadConfig(io.env);
      await withStore(io, async ({ db }) => {
        const now = Date.now();
        const site = options.site === undefined ? null : await requireSite(db, options.site);
        const added = await addConsoleAccount(db, { site, email: options.email, role: options.role }, now);
        const view = {
          email: added.account.email,
          siteSign: site?.site_sign ?? null,
          role: added.account.role,
          operator: site === null,
          setPasswordUrl: setPasswordUrl(publicUrl, added.secret),
          expiresAt: new Date(added.expiresAt).toISOString(),
        };
        if (options.json) return io.out(JSON.stringify(view));
        const who = site ? `${view.role} of site ${site.site_sign}` : 'operator (every site)';
        io.out(`console account ${view.email}: ${who}`);
        io.out(`set-password link (works once, until ${view.expiresAt}; give it to ${view.email} only):`);
        io.out(`  ${view.setPasswordUrl}`);
      });
    });
}
