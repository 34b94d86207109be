import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { redactUrl } from '../../src/api/log.js';
import { rotateApiKey } from '../../src/domain/sites.js';
import type { SiteRow } from '../../src/store/database.js';
import { buildTestApp, gmt, sign, type TestApp } from '../helper.js';

const MIN = 60_000;
const DAY_MS = 86_400_000;
const LIMIT = 40_000;
const AUDIO = fs.readFileSync(path.resolve('test/fixtures/tone-3s.m4a'));
const VIDEO = fs.readFileSync(path.resolve('test/fixtures/clip-2s.mp4'));

let t: TestApp;
let recordingDir: string;
beforeAll(async () => {
  recordingDir = fs.mkdtempSync(path.join(os.tmpdir(), 'huiguan-recordings-test-'));
  t = await buildTestApp({ recordingDir, recordingMaxBytes: LIMIT });
});
afterAll(async () => {
  await t.close();
  fs.rmSync(recordingDir, { recursive: true, force: true });
});

/** Every file under the recording storage, temporary ones included. */
function storedFiles(dir = recordingDir): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? storedFiles(path.join(dir, e.name)) : [path.join(dir, e.name)]));
}

interface Booked {
  confId: number;
  confNumber: string;
}

/** A user allowed (or not) to record, and a meeting of theirs that began `ago` minutes ago. */
async function meetingOf(
  site: SiteRow,
  userId: string,
  enableCloudRecord = 1,
  ago = 30,
  confName = 'Board meeting',
): Promise<Booked> {
  const user = await t.call('createOrUpdateUser', site, { userId, userName: `Host ${userId}`, enableCloudRecord });
  expect(user.body.status, user.body.message).toBe(100);
  const res = await t.call('confReservation', site, {
    userId,
    userName: `Host ${userId}`,
    confName,
    startTime: gmt(Math.floor((t.clock.now - ago * MIN) / 1000) * 1000),
    duration: 120,
    confParties: 10,
  });
  expect(res.body.status, res.body.message).toBe(100);
  return res.body.data;
}

interface UploadOptions {
  contentType?: string;
  token?: string;
  /** Send the body as a stream without Content-Length (chunked). */
  chunked?: boolean;
  /** Parameters already signed (a replay). */
  sent?: Record<string, string>;
}

/** `POST /media/v1/recordings` with `body` as the file and the signed parameters in the query string. */
async function upload(site: SiteRow, params: Record<string, unknown>, body: Buffer, options: UploadOptions = {}) {
  const sent =
    options.sent ??
    sign(site, params, ++t.clock.now, { subject: 'confNumber', ...(options.token ? { token: options.token } : {}) });
  const response = await t.app.inject({
    method: 'POST',
    url: '/media/v1/recordings',
    query: sent,
    headers: { 'content-type': options.contentType ?? 'audio/mp4' },
    payload: options.chunked ? Readable.from([body.subarray(0, 1000), body.subarray(1000)]) : body,
  });
  return { statusCode: response.statusCode, headers: response.headers, body: response.json(), sent };
}

/** Recording parameters: the last ten minutes, audio. */
function recording(m: Booked, extra: Record<string, unknown> = {}) {
  return {
    confNumber: m.confNumber,
    fileType: 'M4A',
    recordStart: gmt(t.clock.now - 10 * MIN),
    recordEnd: gmt(t.clock.now - 5 * MIN),
    ...extra,
  };
}

async function uploadOk(site: SiteRow, params: Record<string, unknown>, body: Buffer, options: UploadOptions = {}) {
  const res = await upload(site, params, body, options);
  expect(res.body.status, res.body.message).toBe(100);
  return res.body.data as { recordId: number; uuid: string; fileSize: number };
}

/**
 * POSTs `total` bytes as video/mp4 (chunked, or with Content-Length when `declare`), answering as soon as
 * the response arrives even while the body is still being sent.
 */
function postWhileSending(url: string, total: number, declare: boolean) {
  return new Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string; sentBytes: number }>(
    (resolve, reject) => {
      let sentBytes = 0;
      const headers: Record<string, string> = {
        'content-type': 'video/mp4',
        ...(declare ? { 'content-length': String(total) } : {}),
      };
      const request = http.request(url, { method: 'POST', headers }, (response) => {
        let body = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => (body += chunk));
        response.on('end', () =>
          resolve({ status: response.statusCode ?? 0, headers: response.headers, body, sentBytes }),
        );
      });
      // The server closes the connection while the body is still coming: expected once answered.
      request.on('error', reject);
      const chunk = Buffer.alloc(64 * 1024, 1);
      const pump = () => {
        while (sentBytes < total && !request.destroyed) {
          sentBytes += chunk.length;
          if (!request.write(chunk)) return void request.once('drain', pump);
        }
        if (!request.destroyed) request.end();
      };
      pump();
    },
  );
}

let address: string | undefined;
/** The test app on a real socket, for what app.inject cannot show (a client still sending, a dropped connection). */
async function listening(): Promise<string> {
  return (address ??= await t.app.listen({ port: 0, host: '127.0.0.1' }));
}

const fileList = (site: SiteRow, confNo: string) => t.call('getCloudFileList', site, { confNo }, { subject: 'confNo' });

/** GETs a link the server handed out, on the test app. */
function get(url: string, headers: Record<string, string> = {}) {
  return t.app.inject({ method: 'GET', url: url.replace('http://meet.example.test', ''), headers });
}

describe('uploading a recording (POST /media/v1/recordings)', () => {
  it('stores the file as sent and answers recordId, uuid and fileSize', async () => {
    const site = await t.site();
    const m = await meetingOf(site, 'rec1');
    const before = storedFiles().length;
    const res = await upload(site, recording(m), AUDIO);
    expect(res.statusCode).toBe(200);
    expect(res.body).toEqual({
      status: 100,
      message: 'success',
      data: { recordId: expect.any(Number), uuid: expect.any(String), fileSize: AUDIO.length },
    });
    const files = storedFiles();
    expect(files).toHaveLength(before + 1);
    const stored = files.find((f) => fs.readFileSync(f).equals(AUDIO));
    expect(stored).toMatch(/\.m4a$/);
    expect(res.headers.connection).not.toBe('close');
  });

  it('streams a body without Content-Length (chunked) as well', async () => {
    const site = await t.site();
    const m = await meetingOf(site, 'rec1');
    const data = await uploadOk(site, recording(m, { fileType: 'MP4' }), VIDEO.subarray(0, 5000), {
      contentType: 'video/mp4',
      chunked: true,
    });
    expect(data.fileSize).toBe(5000);
  });

  it('belongs to the session live at recordStart, to a given session, or to a uuid of its own', async () => {
    const site = await t.site();
    const m = await meetingOf(site, 'rec1');
    const events = (list: Record<string, unknown>[]) =>
      t.call(
        '/media/v1/events',
        site,
        { confNumber: m.confNumber, events: list },
        { subject: 'confNumber', encoding: 'json' },
      );
    const host = { cuid: 'h', name: 'Host', role: 'host' };
    const held = await events([
      { type: 'participant.joined', participant: host, at: gmt(t.clock.now - 20 * MIN) },
      { type: 'participant.left', participant: { cuid: 'h' }, at: gmt(t.clock.now - 12 * MIN) },
    ]);
    expect(held.body.status, held.body.message).toBe(100);
    const sessions = await t.store.db
      .selectFrom('sessions')
      .select('uuid')
      .where('meeting_id', '=', m.confId)
      .execute();
    expect(sessions).toHaveLength(1);
    const sessionUuid = sessions[0]!.uuid;

    const during = await uploadOk(
      site,
      recording(m, { recordStart: gmt(t.clock.now - 20 * MIN), recordEnd: gmt(t.clock.now - 12 * MIN) }),
      AUDIO,
    );
    expect(during.uuid).toBe(sessionUuid);
    const after = await uploadOk(
      site,
      recording(m, { recordStart: gmt(t.clock.now - 5 * MIN), recordEnd: gmt(t.clock.now - 1 * MIN) }),
      AUDIO,
    );
    expect(after.uuid).not.toBe(sessionUuid);
    expect(after.uuid).toMatch(/^[A-Za-z0-9+/]{22}==$/);
    const named = await uploadOk(site, recording(m, { uuid: sessionUuid }), AUDIO);
    expect(named.uuid).toBe(sessionUuid);

    const unknown = await upload(site, recording(m, { uuid: 'not-a-session' }), AUDIO);
    expect(unknown.body.status).toBe(109);
    expect(unknown.body.message).toContain('uuid');
  });

  it('refuses a wrong token (102) and a used one (704)', async () => {
    const site = await t.site();
    const m = await meetingOf(site, 'rec1');
    const wrong = await upload(site, recording(m), AUDIO, { token: 'F'.repeat(32) });
    expect(wrong.body.status).toBe(102);
    expect(wrong.headers.connection).toBe('close');
    const first = await upload(site, recording(m), AUDIO);
    expect(first.body.status).toBe(100);
    const again = await upload(site, {}, AUDIO, { sent: first.sent });
    expect(again.body.status).toBe(704);
  });

  it('refuses an unknown meeting (401) and a host without enableCloudRecord (103)', async () => {
    const site = await t.site();
    const other = await t.site();
    const elsewhere = await meetingOf(other, 'rec1');
    const unknown = await upload(site, recording(elsewhere), AUDIO);
    expect(unknown.body.status).toBe(401);

    const m = await meetingOf(site, 'norec', 0);
    const refused = await upload(site, recording(m), AUDIO);
    expect(refused.body.status).toBe(103);
    expect(refused.body.message).toContain('enableCloudRecord');
    expect(refused.body.message).toContain('norec');
  });

  it('refuses bad times with 109 naming the parameter', async () => {
    const site = await t.site();
    const m = await meetingOf(site, 'rec1');
    const cases: [Record<string, unknown>, string][] = [
      [{ recordStart: '2026-06-01 25:00:00' }, 'recordStart'],
      [{ recordStart: '2026/06/01 07:00:00' }, 'recordStart'],
      [{ recordEnd: 'yesterday' }, 'recordEnd'],
      [{ recordStart: gmt(t.clock.now - 5 * MIN), recordEnd: gmt(t.clock.now - 10 * MIN) }, 'recordEnd'],
      [{ recordEnd: gmt(t.clock.now + 60 * MIN) }, 'recordEnd'],
      [{ fileType: 'AVI' }, 'fileType'],
    ];
    for (const [extra, name] of cases) {
      const res = await upload(site, recording(m, extra), AUDIO);
      expect(res.body.status, JSON.stringify(extra)).toBe(109);
      expect(res.body.message).toContain(name);
    }
    const list = await fileList(site, m.confNumber);
    expect(list.body.recordCount).toBe(0);
  });

  it('refuses a file over the limit with 109 and keeps nothing, declared or streamed', async () => {
    const site = await t.site();
    const m = await meetingOf(site, 'rec1');
    const big = Buffer.concat([VIDEO, VIDEO]);
    expect(big.length).toBeGreaterThan(LIMIT);
    const before = storedFiles();

    const declared = await upload(site, recording(m, { fileType: 'MP4' }), big, { contentType: 'video/mp4' });
    expect(declared.body.status).toBe(109);
    expect(declared.body.message).toContain(String(LIMIT));
    expect(declared.headers.connection).toBe('close');
    // Refused before the transfer: the token is still good.
    const retried = await upload(site, {}, AUDIO, { sent: declared.sent });
    expect(retried.body.status).toBe(100);

    const streamed = await upload(site, recording(m, { fileType: 'MP4' }), big, {
      contentType: 'video/mp4',
      chunked: true,
    });
    expect(streamed.body.status).toBe(109);
    expect(storedFiles()).toHaveLength(before.length + 1);
    expect((await fileList(site, m.confNumber)).body.recordCount).toBe(1);
  });

  it('answers a client still sending a file over the limit, then closes the connection', async () => {
    const site = await t.site();
    const m = await meetingOf(site, 'rec1');
    const base = await listening();
    const before = storedFiles();
    for (const declare of [false, true]) {
      const sent = sign(site, recording(m, { fileType: 'MP4' }), ++t.clock.now, { subject: 'confNumber' });
      const answer = await postWhileSending(
        `${base}/media/v1/recordings?${new URLSearchParams(sent)}`,
        64 * 1024 * 1024,
        declare,
      );
      expect(answer.status).toBe(200);
      expect(JSON.parse(answer.body).status, answer.body).toBe(109);
      expect(answer.headers.connection).toBe('close');
      expect(answer.sentBytes).toBeLessThan(64 * 1024 * 1024);
    }
    expect(storedFiles()).toEqual(before);
  });

  it('keeps nothing of an upload cut off midway', async () => {
    const site = await t.site();
    const m = await meetingOf(site, 'rec1');
    const base = await listening();
    const before = storedFiles();
    const sent = sign(site, recording(m, { fileType: 'MP4' }), ++t.clock.now, { subject: 'confNumber' });
    const request = http.request(`${base}/media/v1/recordings?${new URLSearchParams(sent)}`, {
      method: 'POST',
      headers: { 'content-type': 'video/mp4', 'content-length': String(VIDEO.length) },
    });
    request.on('error', () => undefined);
    request.write(VIDEO.subarray(0, 10_000));
    // The server has the first part (a temporary file exists) before the client goes away.
    await expect.poll(() => storedFiles().length).toBeGreaterThan(before.length);
    request.destroy();
    await expect.poll(() => storedFiles()).toEqual(before);
    expect((await fileList(site, m.confNumber)).body.recordCount).toBe(0);
  });

  it('takes only the file types as the body', async () => {
    const site = await t.site();
    const m = await meetingOf(site, 'rec1');
    const json = await upload(site, recording(m), Buffer.from('{}'), { contentType: 'application/json' });
    expect(json.statusCode).toBe(415);
    expect(json.body.status).toBe(109);
    const empty = await upload(site, recording(m), Buffer.alloc(0));
    expect(empty.body.status).toBe(109);
    expect(empty.body.message).toContain('file');
    for (const contentType of ['audio/x-m4a', 'application/octet-stream']) {
      expect((await upload(site, recording(m), AUDIO, { contentType })).body.status).toBe(100);
    }
  });
});

describe('getCloudFileList (2.19) and the links it hands out', () => {
  it('keeps link signatures out of the logs', () => {
    expect(redactUrl('/recordings/7/play?expires=1780000000&sig=00ff')).toBe(
      '/recordings/7/play?expires=1780000000&sig=%5Bredacted%5D',
    );
  });

  it('answers the document’s fields with working links', async () => {
    const site = await t.site();
    const m = await meetingOf(site, 'rec1', 1, 60, 'Quarterly review');
    const audio = await uploadOk(
      site,
      recording(m, { recordStart: gmt(t.clock.now - 30 * MIN), recordEnd: gmt(t.clock.now - 20 * MIN) }),
      AUDIO,
    );
    const video = await uploadOk(
      site,
      recording(m, {
        fileType: 'MP4',
        topic: 'Q3 <b>numbers</b>',
        recordStart: gmt(t.clock.now - 40 * MIN),
        recordEnd: gmt(t.clock.now - 35 * MIN),
      }),
      VIDEO,
      { contentType: 'video/mp4' },
    );

    const res = await fileList(site, m.confNumber);
    expect(res.body.status).toBe(100);
    expect(res.body.message).toBe('success');
    expect(res.body.recordCount).toBe(2);
    const [first, second] = res.body.data;
    const expires = Math.ceil((t.clock.now + DAY_MS) / 1000);
    expect(first).toEqual({
      uuid: video.uuid,
      confNo: m.confNumber,
      topic: 'Q3 <b>numbers</b>',
      downloadUrl: expect.stringMatching(
        new RegExp(
          `^http://meet\\.example\\.test/recordings/${video.recordId}/download\\?expires=${expires}&sig=[0-9a-f]{64}$`,
        ),
      ),
      playUrl: expect.stringMatching(
        new RegExp(
          `^http://meet\\.example\\.test/recordings/${video.recordId}/play\\?expires=${expires}&sig=[0-9a-f]{64}$`,
        ),
      ),
      recordStart: gmt(t.clock.now - 40 * MIN),
      recordEnd: gmt(t.clock.now - 35 * MIN),
      fileSize: '0.03MB',
      fileSizeBytes: VIDEO.length,
      fileType: 'MP4',
    });
    expect(second).toMatchObject({
      uuid: audio.uuid,
      topic: 'Quarterly review',
      fileType: 'M4A',
      fileSize: '0.01MB',
      fileSizeBytes: AUDIO.length,
    });

    const whole = await get(first.downloadUrl);
    expect(whole.statusCode).toBe(200);
    expect(whole.headers['content-type']).toBe('video/mp4');
    expect(whole.headers['content-disposition']).toBe(`attachment; filename="${m.confNumber}-${video.recordId}.mp4"`);
    expect(whole.headers['accept-ranges']).toBe('bytes');
    expect(whole.rawPayload.equals(VIDEO)).toBe(true);

    const range = await get(first.downloadUrl, { range: 'bytes=0-9' });
    expect(range.statusCode).toBe(206);
    expect(range.headers['content-range']).toBe(`bytes 0-9/${VIDEO.length}`);
    expect(range.rawPayload.equals(VIDEO.subarray(0, 10))).toBe(true);
    const tail = await get(first.downloadUrl, { range: `bytes=${VIDEO.length - 5}-` });
    expect(tail.statusCode).toBe(206);
    expect(tail.rawPayload.equals(VIDEO.subarray(VIDEO.length - 5))).toBe(true);

    const audioFile = await get(second.downloadUrl);
    expect(audioFile.headers['content-type']).toBe('audio/mp4');
    expect(audioFile.headers['content-disposition']).toBe(
      `attachment; filename="${m.confNumber}-${audio.recordId}.m4a"`,
    );
    expect(audioFile.rawPayload.equals(AUDIO)).toBe(true);

    const page = await get(first.playUrl);
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(page.body).toContain('Q3 &lt;b&gt;numbers&lt;/b&gt;');
    expect(page.body).not.toContain('<b>');
    const source = /<video controls preload="metadata" src="([^"]+)"/.exec(page.body)?.[1];
    expect(source).toMatch(new RegExp(`^download\\?expires=${expires}&amp;sig=[0-9a-f]{64}$`));
    const fromPage = await get(`/recordings/${video.recordId}/${source!.replace('&amp;', '&')}`);
    expect(fromPage.statusCode).toBe(200);
    expect(fromPage.rawPayload.equals(VIDEO)).toBe(true);
    expect((await get(second.playUrl)).body).toMatch(/<audio controls/);
  });

  it('answers an empty list for a meeting without recordings and 401 for an unknown one', async () => {
    const site = await t.site();
    const m = await meetingOf(site, 'rec1');
    expect((await fileList(site, m.confNumber)).body).toEqual({
      status: 100,
      message: 'success',
      recordCount: 0,
      data: [],
    });
    expect((await fileList(site, '1000000001')).body.status).toBe(401);
    const other = await t.site();
    expect((await fileList(other, m.confNumber)).body.status).toBe(401);
  });

  it('refuses expired, tampered and borrowed links with 403', async () => {
    const site = await t.site();
    const m = await meetingOf(site, 'rec1');
    const a = await uploadOk(site, recording(m), AUDIO);
    const b = await uploadOk(site, recording(m), AUDIO);
    const [first, second] = (await fileList(site, m.confNumber)).body.data as {
      downloadUrl: string;
      playUrl: string;
    }[];
    expect(first!.downloadUrl).toContain(`/recordings/${a.recordId}/`);

    const sigOf = (url: string) => new URL(url).searchParams.get('sig')!;
    const flip = (sig: string) => (sig[0] === '0' ? '1' : '0') + sig.slice(1);
    const refused = [
      first!.downloadUrl.replace(/sig=[0-9a-f]+/, `sig=${flip(sigOf(first!.downloadUrl))}`),
      first!.downloadUrl.replace(/expires=(\d+)/, (_, e: string) => `expires=${Number(e) + 1}`),
      first!.downloadUrl.replace('/download?', '/play?'),
      first!.downloadUrl.replace(`/recordings/${a.recordId}/`, `/recordings/${b.recordId}/`),
      first!.downloadUrl.replace(/&sig=.*/, ''),
      `/recordings/abc/download?expires=1&sig=${sigOf(first!.downloadUrl)}`,
      `/recordings/999999/download?expires=9999999999&sig=${sigOf(first!.downloadUrl)}`,
    ];
    for (const url of refused) {
      const res = await get(url);
      expect(res.statusCode, url).toBe(403);
      expect(res.body).toBe('链接无效或已过期 (this link is not valid or has expired)\n');
    }
    expect((await get(second!.playUrl)).statusCode).toBe(200);

    t.clock.now += DAY_MS + 1000;
    for (const url of [first!.downloadUrl, first!.playUrl, second!.downloadUrl])
      expect((await get(url)).statusCode).toBe(403);
    const fresh = (await fileList(site, m.confNumber)).body.data[0];
    expect((await get(fresh.downloadUrl)).statusCode).toBe(200);
  });

  it('revokes every link when the site’s API key is rotated', async () => {
    const site = await t.site();
    const m = await meetingOf(site, 'rec1');
    await uploadOk(site, recording(m), AUDIO);
    const before = (await fileList(site, m.confNumber)).body.data[0];
    expect((await get(before.downloadUrl)).statusCode).toBe(200);

    const rotated = await rotateApiKey(t.store.db, site.site_sign, t.clock.now);
    expect((await get(before.downloadUrl)).statusCode).toBe(403);
    expect((await get(before.playUrl)).statusCode).toBe(403);
    const after = (await fileList(rotated, m.confNumber)).body.data[0];
    expect(after.downloadUrl).not.toBe(before.downloadUrl);
    expect((await get(after.downloadUrl)).statusCode).toBe(200);
  });

  it('closes the links of a deleted meeting', async () => {
    const site = await t.site();
    const m = await meetingOf(site, 'gone');
    await uploadOk(site, recording(m), AUDIO);
    const item = (await fileList(site, m.confNumber)).body.data[0];
    const deleted = await t.call('delUserByUserId', site, { userId: 'gone', isForceDel: 1 });
    expect(deleted.body.status, deleted.body.message).toBe(100);
    expect((await fileList(site, m.confNumber)).body.status).toBe(401);
    expect((await get(item.downloadUrl)).statusCode).toBe(403);
  });
});
