import { InvalidArgumentError, type Command } from 'commander';
import { requireSite } from '../domain/sites.js';
import { computeToken } from '../domain/token.js';
import { withStore, type CliIo } from './store.js';

function timeStamp(value: string): string {
  if (!/^\d{1,16}$/.test(value)) throw new InvalidArgumentError('expected milliseconds since the epoch');
  return value;
}

/**
 * `huiguan sign <subject>`: a fresh timeStamp and the token over it, for calling the API from a shell without
 * GNU date or md5sum. Printed as `TS=…` and `TOKEN=…` lines, so that `eval "$(./bin/huiguan sign …)"` sets them.
 */
export function signCommand(program: Command, io: CliIo): void {
  program
    .command('sign')
    .description(
      'print a timeStamp and the token for one API call (TS=… and TOKEN=… lines, for eval in a shell); ' +
        'the subject is the value of the endpoint’s userId, confNo or confNumber',
    )
    .argument('<subject>', 'the value of the parameter that signs the endpoint’s token, e.g. the userId')
    .option('--key <apiKey>', 'the site’s API key')
    .option('--site <siteSign>', 'instead of --key: read the key of this site from the database')
    .option('--time <ms>', 'the timeStamp to sign, in ms since the epoch (default now)', timeStamp)
    .option('--json', 'print one JSON object {timeStamp, token}')
    .action(async (subject: string, options: { key?: string; site?: string; time?: string; json?: boolean }) => {
      if ((options.key === undefined) === (options.site === undefined)) {
        program.error('error: sign takes one of --key <apiKey> and --site <siteSign>');
      }
      const apiKey =
        options.key ?? (await withStore(io, async ({ db }) => (await requireSite(db, options.site!)).api_key));
      const ts = options.time ?? String(Date.now());
      const token = computeToken(subject, apiKey, ts);
      io.out(options.json ? JSON.stringify({ timeStamp: ts, token }) : `TS=${ts}\nTOKEN=${token}`);
    });
}
