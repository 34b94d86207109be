import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createSite } from '../../src/domain/sites.js';
import { computeToken } from '../../src/domain/token.js';
import type { Store } from '../../src/store/connect.js';
import type { SiteRow } from '../../src/store/database.js';
import { migrateToLatest } from '../../src/store/migrate.js';
import { createTestDatabase, gmt, type TestDatabase } from '../helper.js';
import { postForm, startServer, type ServerProcess } from '../server-process.js';
import { PageSocket } from '../web/ws-client.js';

/** Every `.part` file under `dir`. */
const partials = (dir: string) =>
  fs.existsSync(dir)
    ? fs
        .readdirSync(dir, { recursive: true, encoding: 'utf8' })
        .filter((n) => n.endsWith('.part'))
        .map((n) => path.join(dir, n))
    : [];

/**
 * A server killed with SIGKILL in the middle of a recording chunk leaves the chunk's temporary file; the
 * next start sweeps it once it is older than the sweep's bound (an hour: here the file is aged).
 */
describe('a recording upload cut off by kill -9 (issue 14, item 8)', () => {
  let database: TestDatabase;
  let store: Store;
  let site: SiteRow;
  let dataDir: string;
  let server: ServerProcess | undefined;
  let page: PageSocket | undefined;
  const env = () => ({ LOG_LEVEL: 'warn', HUIGUAN_RATE_LIMIT: 'off', HUIGUAN_DATA_DIR: dataDir });

  beforeAll(async () => {
    database = await createTestDatabase();
    dataDir = database.env.HUIGUAN_DATA_DIR ?? fs.mkdtempSync(path.join(os.tmpdir(), 'huiguan-recording-kill-'));
    store = await database.open();
    await migrateToLatest(store);
    site = await createSite(
      store.db,
      { siteSign: 'reckill', name: 'Recording kill', totalNumParties: 100 },
      Date.now(),
    );
  });
  afterAll(async () => {
    page?.close();
    server?.child.kill('SIGKILL');
    await store?.db.destroy();
    await database?.drop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  let stamp = Date.now();
  const signed = (subject: string, params: Record<string, string>) => {
    const timeStamp = String((stamp = Math.max(stamp + 1, Date.now())));
    return { ...params, siteSign: site.site_sign, timeStamp, token: computeToken(subject, site.api_key, timeStamp) };
  };

  it('leaves a .part file that the next start removes', async () => {
    server = await startServer(database, env());
    const user = { userId: 'rec', userName: 'Rec' };
    expect(
      (
        await postForm(
          `${server.url}/openapi/v2/createOrUpdateUser`,
          signed('rec', { ...user, enableCloudRecord: '1' }),
        )
      ).status,
    ).toBe(100);
    const reserved = await postForm(
      `${server.url}/openapi/v2/confReservation`,
      signed('rec', {
        ...user,
        confName: 'Kill',
        startTime: gmt(Math.floor(Date.now() / 1000) * 1000 - 60_000),
        duration: '60',
        confParties: '5',
      }),
    );
    expect(reserved.status).toBe(100);
    const [, number, secret] = /\/s\/(\d{10})\/([0-9A-F]{32})$/.exec(
      (reserved.data as { hostStartUrl: string }).hostStartUrl,
    )!;
    const entered = await fetch(`${server.url}/web/v1/links/s/${number}/${secret}/enter`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'Host' }),
    });
    const { ticket } = (await entered.json()) as { ticket: string };
    page = await PageSocket.open(server.url, ticket);
    await page.state('in_meeting');
    const begun = await fetch(`${server.url}/web/v1/recordings`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ticket}`, 'content-type': 'application/json' },
      body: JSON.stringify({ fileType: 'WEBM' }),
    });
    const { uploadId } = (await begun.json()) as { uploadId: string };

    // A chunk of 512 KiB of which 64 KiB arrive; the server is killed while it waits for the rest.
    const target = new URL(`/web/v1/recordings/${uploadId}/chunks/0`, server.url);
    const request = http.request(target, {
      method: 'PUT',
      headers: {
        authorization: `Bearer ${ticket}`,
        'content-type': 'video/webm',
        'content-length': String(512 * 1024),
      },
    });
    request.on('error', () => undefined);
    request.write(Buffer.alloc(64 * 1024, 1));
    const staging = path.join(dataDir, 'recording-uploads');
    await vi.waitFor(() => expect(partials(staging).length).toBe(1), { timeout: 20_000, interval: 50 });
    server.child.kill('SIGKILL');
    await server.exited;
    request.destroy();
    page.close();
    const [left] = partials(staging);
    expect(fs.existsSync(left!)).toBe(true);

    // An hour later, the next start sweeps it.
    const hoursAgo = new Date(Date.now() - 2 * 3_600_000);
    fs.utimesSync(left!, hoursAgo, hoursAgo);
    server = await startServer(database, env());
    await vi.waitFor(() => expect(fs.existsSync(left!)).toBe(false), { timeout: 20_000, interval: 100 });
    expect(partials(staging)).toEqual([]);
    await server.stop();
    server = undefined;
  }, 120_000);
});
