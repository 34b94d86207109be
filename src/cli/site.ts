import { InvalidArgumentError, type Command } from 'commander';
import {
  addRooms,
  changeSite,
  createSite,
  requireSite,
  rotateApiKey,
  viewAllSites,
  viewSite,
  type SiteSettings,
  type SiteView,
} from '../domain/sites.js';
import type { SiteState } from '../store/database.js';
import { withStore, type CliIo } from './store.js';

function integer(value: string): number {
  if (!/^-?\d+$/.test(value)) throw new InvalidArgumentError('expected an integer');
  return Number(value);
}

function limit(value: string): number | null {
  return value === 'none' ? null : integer(value);
}

interface SettingOptions {
  name?: string;
  parties?: number;
  expires?: string;
  state?: SiteState;
  rcIps?: string;
  videoPhone?: string;
  regions?: string;
  maxTuiliuUsers?: number | null;
  json?: boolean;
}

function settingOptions(command: Command): Command {
  return command
    .option('--expires <date>', 'last day the site works, yyyy-MM-dd (GMT), or "never"')
    .option('--rc-ips <list>', 'hardware-room access addresses, comma-separated (answered as rcIps)')
    .option('--video-phone <list>', 'audio dial-in numbers, comma-separated (answered as videoPhone)')
    .option('--regions <list>', 'data-center regions users may be moved to, comma-separated (default "default")')
    .option('--max-tuiliu-users <n>', 'how many users may have custom streaming, or "none" for no limit', limit)
    .option('--json', 'print one JSON object');
}

function toSettings(options: SettingOptions): SiteSettings {
  const settings: SiteSettings = {};
  if (options.name !== undefined) settings.name = options.name;
  if (options.parties !== undefined) settings.totalNumParties = options.parties;
  if (options.expires !== undefined) settings.expires = options.expires;
  if (options.state !== undefined) settings.state = options.state;
  if (options.rcIps !== undefined) settings.rcIps = options.rcIps;
  if (options.videoPhone !== undefined) settings.videoPhone = options.videoPhone;
  if (options.regions !== undefined) settings.regions = options.regions;
  if (options.maxTuiliuUsers !== undefined) settings.maxTuiliuUsers = options.maxTuiliuUsers;
  return settings;
}

function print(io: CliIo, view: SiteView, json: boolean | undefined): void {
  if (json) {
    io.out(JSON.stringify(view));
    return;
  }
  const rooms = view.rooms.length
    ? view.rooms.map((r) => `${r.count}×${r.capacity}${r.expires ? ` until ${r.expires}` : ''}`).join(', ')
    : 'elastic (no pool)';
  io.out(
    [
      `site     ${view.siteSign} (${view.name})`,
      `apiKey   ${view.apiKey}`,
      `state    ${view.state}${view.usable ? '' : ' — not usable: API calls answer 106'}`,
      `expires  ${view.expires ?? 'never'}`,
      `parties  ${view.totalNumParties}`,
      `rooms    ${rooms}`,
      `regions  ${view.regions.join(', ')}`,
      `rcIps    ${view.rcIps || '-'}`,
      `dial-in  ${view.videoPhone || '-'}`,
      `tuiliu   ${view.maxTuiliuUsers ?? 'no limit'}`,
    ].join('\n'),
  );
}

/** `huiguan site …` and `huiguan room …`. */
export function siteCommands(program: Command, io: CliIo): void {
  const site = program.command('site').description('manage sites (tenants) and their API keys');

  settingOptions(
    site
      .command('create')
      .description('create a site and print it with its new API key')
      .requiredOption('--sign <siteSign>', 'the site sign integrators send as siteSign')
      .requiredOption('--name <name>', 'display name')
      .requiredOption('--parties <n>', 'concurrent-parties licence (totalNumParties)', integer),
  ).action(async (options: SettingOptions & { sign: string; name: string; parties: number }) => {
    await withStore(io, async ({ db }) => {
      const now = Date.now();
      const created = await createSite(
        db,
        { ...toSettings(options), siteSign: options.sign, name: options.name, totalNumParties: options.parties },
        now,
      );
      print(io, await viewSite(db, created, now), options.json);
    });
  });

  site
    .command('list')
    .description('list every site with its API key')
    .option('--json', 'print a JSON array')
    .action(async (options: { json?: boolean }) => {
      await withStore(io, async ({ db }) => {
        const views = await viewAllSites(db, Date.now());
        if (options.json) io.out(JSON.stringify(views));
        else if (views.length === 0) io.out('no sites');
        else
          views.forEach((v, i) => {
            if (i > 0) io.out('');
            print(io, v, false);
          });
      });
    });

  settingOptions(
    site
      .command('update')
      .description('change a site’s settings')
      .requiredOption('--sign <siteSign>', 'the site to change')
      .option('--name <name>', 'display name')
      .option('--parties <n>', 'concurrent-parties licence (totalNumParties)', integer)
      .option('--state <state>', 'active, expired or deleted'),
  ).action(async (options: SettingOptions & { sign: string }) => {
    await withStore(io, async ({ db }) => {
      const now = Date.now();
      print(io, await viewSite(db, await changeSite(db, options.sign, toSettings(options), now), now), options.json);
    });
  });

  site
    .command('rotate-key')
    .description('give the site a new API key; the old one stops working at once')
    .requiredOption('--sign <siteSign>', 'the site')
    .option('--json', 'print one JSON object')
    .action(async (options: { sign: string; json?: boolean }) => {
      await withStore(io, async ({ db }) => {
        const now = Date.now();
        print(io, await viewSite(db, await rotateApiKey(db, options.sign, now), now), options.json);
      });
    });

  program
    .command('room')
    .description('manage a site’s pool of virtual rooms')
    .command('add')
    .description('add rooms of one capacity to a site’s pool (a site with a pool books meetings into its rooms)')
    .requiredOption('--site <siteSign>', 'the site')
    .requiredOption('--capacity <n>', 'parties per room', integer)
    .option('--count <n>', 'how many rooms', integer, 1)
    .option('--expires <date>', 'last day the rooms work, yyyy-MM-dd (GMT)')
    .option('--json', 'print the site as one JSON object')
    .action(async (options: { site: string; capacity: number; count: number; expires?: string; json?: boolean }) => {
      await withStore(io, async ({ db }) => {
        const now = Date.now();
        const input = {
          siteSign: options.site,
          capacity: options.capacity,
          count: options.count,
          ...(options.expires ? { expires: options.expires } : {}),
        };
        await addRooms(db, input, now);
        print(io, await viewSite(db, await requireSite(db, options.site), now), options.json);
      });
    });
}
