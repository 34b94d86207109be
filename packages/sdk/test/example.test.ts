import { execFile } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HuiguanClient } from '../src/index.js';
import { startServer, type SdkTestServer } from './server.js';

const run = promisify(execFile);
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const tsc = path.join(root, 'node_modules/.bin/tsc');

let server: SdkTestServer;
beforeAll(async () => {
  // The example imports '@huiguan/sdk' as an integrator does: through the package's exports, i.e. dist/.
  await run(tsc, ['-p', 'packages/sdk/tsconfig.json'], { cwd: root });
  server = await startServer();
}, 60_000);
afterAll(async () => server?.close());

describe('examples/book-list-cancel.ts', () => {
  it('type-checks against the built package', async () => {
    await run(tsc, ['-p', 'packages/sdk/examples/tsconfig.json'], { cwd: root });
  });

  it('books, lists and cancels against a running server, exiting 0', async () => {
    const { site } = await server.siteClient();
    const { stdout, stderr } = await run(
      process.execPath,
      ['--import', 'tsx', 'packages/sdk/examples/book-list-cancel.ts'],
      {
        cwd: root,
        env: {
          ...process.env,
          HUIGUAN_URL: server.url,
          HUIGUAN_SITE_SIGN: site.site_sign,
          HUIGUAN_API_KEY: site.api_key,
          HUIGUAN_USER_ID: 'example-user',
        },
        timeout: 30_000,
      },
    );
    expect(stderr).toBe('');
    const lines = stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^booked: confId=(\d+) confNumber=(\d{10}) \S+Z – \S+Z$/);
    const [, confId, confNumber] = /confId=(\d+) confNumber=(\d{10})/.exec(lines[0]!)!;
    expect(lines[1]).toContain(`/s/${confNumber}/`);
    expect(lines[2]).toContain(`/j/${confNumber}/`);
    expect(lines[3]).toBe('scheduled for example-user: 1');
    expect(lines[4]).toMatch(
      new RegExp(`^  ${confNumber}  \\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}:00 GMT  30 min  SDK example meeting$`),
    );
    expect(lines[5]).toBe(`cancelled: confId=${confId} confStatus=9`);

    // The server agrees: nothing is left scheduled.
    const check = new HuiguanClient({ baseUrl: server.url, siteSign: site.site_sign, apiKey: site.api_key });
    expect((await check.meetings.listScheduled({ userId: 'example-user' })).totalItems).toBe(0);
  });

  it('exits 1 with the ApiError when the server refuses', async () => {
    const { site } = await server.siteClient();
    const failed = await run(process.execPath, ['--import', 'tsx', 'packages/sdk/examples/book-list-cancel.ts'], {
      cwd: root,
      env: { ...process.env, HUIGUAN_URL: server.url, HUIGUAN_SITE_SIGN: site.site_sign, HUIGUAN_API_KEY: 'wrong-key' },
      timeout: 30_000,
    }).catch((e: { code: number; stderr: string }) => e);
    expect(failed).toMatchObject({ code: 1 });
    expect((failed as { stderr: string }).stderr).toMatch(/^refused by confReservation: status 102: /);
  });
});
