/**
 * The console's Recordings (issue 19): the site's cloud recordings as getCloudFileList (2.19) lists them;
 * an owner deletes one, its row and its file together, and 2.19 drops it; viewers and other sites cannot.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SiteRow } from '../../src/store/database.js';
import { createFileRecordingStorage } from '../../src/store/recording-storage.js';
import { buildTestApp, gmt, sign, type TestApp } from '../helper.js';
import { ConsoleBrowser, consoleAccount } from './console-client.js';

const MIN = 60_000;
const AUDIO = fs.readFileSync(path.resolve('test/fixtures/tone-3s.m4a'));
let t: TestApp;
let acme: SiteRow;
let globex: SiteRow;
let recordingDir: string;
let hosts = 0;

/** Every file under the recording storage, temporary ones included. */
function storedFiles(dir = recordingDir): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? storedFiles(path.join(dir, e.name)) : [path.join(dir, e.name)]))
    .filter((f) => !f.includes(`${path.sep}.uploads`));
}

/** A meeting of `site` that began 30 minutes ago, with a recording of its last ten minutes uploaded. */
async function recorded(site: SiteRow, confName: string): Promise<{ confNumber: string; recordId: number }> {
  const userId = `rec${++hosts}`;
  const user = await t.call('createOrUpdateUser', site, { userId, userName: 'Recorder', enableCloudRecord: 1 });
  expect(user.body.status, user.body.message).toBe(100);
  const res = await t.call('confReservation', site, {
    userId,
    userName: 'Recorder',
    confName,
    startTime: gmt(Math.floor((t.clock.now - 30 * MIN) / 1000) * 1000),
    duration: 120,
    confParties: 5,
  });
  expect(res.body.status, res.body.message).toBe(100);
  const confNumber = res.body.data.confNumber as string;
  const params = {
    confNumber,
    fileType: 'M4A',
    recordStart: gmt(t.clock.now - 10 * MIN),
    recordEnd: gmt(t.clock.now - 5 * MIN),
  };
  const sent = sign(site, params, ++t.clock.now, { subject: 'confNumber' });
  const up = await t.app.inject({
    method: 'POST',
    url: '/media/v1/recordings',
    query: sent,
    headers: { 'content-type': 'audio/mp4' },
    payload: AUDIO,
  });
  expect(up.json().status, up.json().message).toBe(100);
  return { confNumber, recordId: up.json().data.recordId };
}

const cloudFiles = async (site: SiteRow, confNo: string) =>
  (await t.call('getCloudFileList', site, { confNo }, { subject: 'confNo' })).body.data as { topic: string }[];

const pathOf = (url: string) => {
  const u = new URL(url);
  return `${u.pathname}${u.search}`;
};

const signedIn = async (email: string) => {
  const browser = new ConsoleBrowser(t.app);
  expect((await browser.signIn(email)).status).toBe(200);
  return browser;
};

beforeAll(async () => {
  recordingDir = fs.mkdtempSync(path.join(os.tmpdir(), 'huiguan-console-recordings-'));
  t = await buildTestApp({ recordingDir });
  acme = await t.site({ siteSign: 'acme' });
  globex = await t.site({ siteSign: 'globex' });
  await consoleAccount(t, acme, 'owner@acme.example');
  await consoleAccount(t, acme, 'viewer@acme.example', 'viewer');
  await consoleAccount(t, globex, 'owner@globex.example');
});
afterAll(async () => {
  await t?.close();
  fs.rmSync(recordingDir, { recursive: true, force: true });
});

describe('recordings in the console', () => {
  it('lists the site’s recordings as 2.19 does, with links that play', async () => {
    const { confNumber, recordId } = await recorded(acme, 'Board meeting');
    const viewer = await signedIn('viewer@acme.example');
    const res = await viewer.get('/console/api/sites/acme/recordings');
    expect(res.status).toBe(200);
    expect(res.body.total).toBe(1);
    expect(res.body.recordings).toEqual([
      {
        recordId,
        confNumber,
        confName: 'Board meeting',
        topic: 'Board meeting',
        recordStart: expect.stringMatching(/Z$/),
        recordEnd: expect.stringMatching(/Z$/),
        fileSizeBytes: AUDIO.length,
        fileType: 'M4A',
        playUrl: expect.stringMatching(new RegExp(`^http://meet\\.example\\.test/recordings/${recordId}/play\\?`)),
        downloadUrl: expect.stringMatching(
          new RegExp(`^http://meet\\.example\\.test/recordings/${recordId}/download\\?`),
        ),
      },
    ]);
    const download = await t.app.inject({ method: 'GET', url: pathOf(res.body.recordings[0].downloadUrl) });
    expect(download.statusCode).toBe(200);
    expect(download.rawPayload.equals(AUDIO)).toBe(true);
  });

  it('an owner deletes one: the row and the file go, getCloudFileList drops it, its links stop working', async () => {
    const { confNumber, recordId } = await recorded(acme, 'Weekly sync');
    expect((await cloudFiles(acme, confNumber)).map((f) => f.topic)).toEqual(['Weekly sync']);
    const filesBefore = storedFiles();
    const owner = await signedIn('owner@acme.example');
    const link = (await owner.get('/console/api/sites/acme/recordings')).body.recordings.find(
      (r: { recordId: number }) => r.recordId === recordId,
    ).downloadUrl as string;

    const res = await owner.post(`/console/api/sites/acme/recordings/${recordId}/delete`);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ ok: true });
    expect(await cloudFiles(acme, confNumber)).toEqual([]);
    const listed = (await owner.get('/console/api/sites/acme/recordings')).body;
    expect(listed.recordings.map((r: { recordId: number }) => r.recordId)).not.toContain(recordId);
    // Exactly one file fewer, and no temporary one left beside the others.
    const filesAfter = storedFiles();
    expect(filesAfter).toHaveLength(filesBefore.length - 1);
    expect(filesAfter.every((f) => filesBefore.includes(f))).toBe(true);
    // Answered as every link that is not good is.
    expect((await t.app.inject({ method: 'GET', url: pathOf(link) })).statusCode).toBe(403);
    expect(await t.store.db.selectFrom('recordings').select('id').where('id', '=', recordId).execute()).toEqual([]);

    const again = await owner.post(`/console/api/sites/acme/recordings/${recordId}/delete`);
    expect(again.status).toBe(404);
    expect(again.body.error).toBe('not_found');
  });

  it('two deletes of one recording at once: one deletes it, the other is answered 404', async () => {
    const { recordId } = await recorded(acme, 'Twice');
    const [a, b] = [await signedIn('owner@acme.example'), await signedIn('owner@acme.example')];
    const answers = await Promise.all(
      [a, b].map((browser) => browser.post(`/console/api/sites/acme/recordings/${recordId}/delete`)),
    );
    expect(answers.map((r) => r.status).sort()).toEqual([200, 404]);
  });

  it('a viewer is refused (403) and another site’s owner finds nothing (404); the recording stays', async () => {
    const { confNumber, recordId } = await recorded(acme, 'Kept');
    const viewer = await signedIn('viewer@acme.example');
    const refused = await viewer.post(`/console/api/sites/acme/recordings/${recordId}/delete`);
    expect(refused.status).toBe(403);
    expect(refused.body.error).toBe('not_allowed');
    const other = await signedIn('owner@globex.example');
    for (const url of [
      `/console/api/sites/globex/recordings/${recordId}/delete`,
      `/console/api/sites/acme/recordings/${recordId}/delete`,
    ]) {
      const res = await other.post(url);
      expect(res.status, url).toBe(404);
      expect(JSON.stringify(res.body)).not.toContain('Kept');
    }
    expect((await other.get('/console/api/sites/globex/recordings')).body).toEqual({ recordings: [], total: 0 });
    expect((await cloudFiles(acme, confNumber)).map((f) => f.topic)).toEqual(['Kept']);
  });
});

describe('the recording storage’s discard', () => {
  it('takes the file from its key at once; restore puts it back, purge removes it, and a stale one is swept', async () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'huiguan-discard-'));
    const storage = createFileRecordingStorage({ root });
    await storage.put('1/2/a.m4a', Readable.from([AUDIO]), { maxBytes: AUDIO.length });
    const first = await storage.discard('1/2/a.m4a');
    expect(await storage.stat('1/2/a.m4a')).toBeUndefined();
    await first.restore();
    expect(await storage.stat('1/2/a.m4a')).toEqual({ size: AUDIO.length });
    const second = await storage.discard('1/2/a.m4a');
    await second.purge();
    expect(fs.readdirSync(path.join(root, '1', '2'))).toEqual([]);
    // A process killed between taking and purging leaves the taken file, which the stale sweep removes.
    await storage.put('1/2/b.m4a', Readable.from([AUDIO]), { maxBytes: AUDIO.length });
    await storage.discard('1/2/b.m4a');
    expect(fs.readdirSync(path.join(root, '1', '2'))).toHaveLength(1);
    await storage.removeStale(-1);
    expect(fs.readdirSync(path.join(root, '1', '2'))).toEqual([]);
    // Nothing stored is no error.
    await (await storage.discard('1/2/none.m4a')).purge();
    fs.rmSync(root, { recursive: true, force: true });
  });
});
