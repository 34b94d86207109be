import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { scanWebm } from '../../src/media/webm-duration.js';
import type { SiteRow } from '../../src/store/database.js';
import { liveWebm } from '../fixtures/webm.js';
import { gmt, listeningTestApp } from '../helper.js';
import { PageSocket } from '../web/ws-client.js';

const server = listeningTestApp();

/** A live meeting with the host and one attendee in it; answers their tickets. */
async function liveMeeting(site: SiteRow, enableCloudRecord: 0 | 1) {
  await server.t.call('createOrUpdateUser', site, { userId: 'rec', userName: 'Rec', enableCloudRecord });
  const res = await server.t.call('confReservation', site, {
    userId: 'rec',
    userName: 'Rec',
    confName: 'Chunks',
    startTime: gmt(Math.floor((server.t.clock.now - 300_000) / 1000) * 1000),
    duration: 60,
    confParties: 5,
  });
  const m = res.body.data as { confNumber: string; hostStartUrl: string; joinUrl: string };
  const tickets: string[] = [];
  for (const [url, count] of [
    [m.hostStartUrl, 1],
    [m.joinUrl, 2],
  ] as const) {
    const [, kind, number, secret] = /\/(s|j)\/(\d{10})\/([0-9A-F]{32})$/.exec(url)!;
    const entered = await server.t.app.inject({
      method: 'POST',
      url: `/web/v1/links/${kind}/${number}/${secret}/enter`,
      payload: { name: `P${count}` },
    });
    const socket = await PageSocket.open(server.base, entered.json().ticket);
    await socket.rosterOf(count);
    tickets.push(entered.json().ticket);
  }
  return { confNumber: m.confNumber, host: tickets[0]!, attendee: tickets[1]! };
}

const auth = (ticket: string) => ({ authorization: `Bearer ${ticket}` });
const begin = (ticket: string, fileType = 'WEBM') =>
  server.t.app.inject({ method: 'POST', url: '/web/v1/recordings', headers: auth(ticket), payload: { fileType } });
const chunk = (ticket: string, uploadId: string, index: number, body: Buffer) =>
  server.t.app.inject({
    method: 'PUT',
    url: `/web/v1/recordings/${uploadId}/chunks/${index}`,
    headers: { ...auth(ticket), 'content-type': 'video/webm' },
    payload: body,
  });
const finish = (ticket: string, uploadId: string, chunks: number) =>
  server.t.app.inject({
    method: 'POST',
    url: `/web/v1/recordings/${uploadId}/finish`,
    headers: auth(ticket),
    payload: { chunks },
  });

describe('the page’s chunked recording upload', () => {
  it('is for the host in the meeting whose enableCloudRecord is on', async () => {
    const site = await server.t.site();
    const off = await liveMeeting(site, 0);
    expect((await begin(off.host)).json()).toMatchObject({ error: 'not_allowed' });
    const on = await liveMeeting(await server.t.site(), 1);
    expect((await begin(on.attendee)).statusCode).toBe(403);
    expect((await begin('0'.repeat(32))).statusCode).toBe(401);
    expect((await begin(on.host, 'AVI')).statusCode).toBe(400);
    expect((await begin(on.host)).statusCode).toBe(200);
  });

  it('appends chunks idempotently, finishes once all are there, and the WebM is listed with its duration written in', async () => {
    const site = await server.t.site();
    const m = await liveMeeting(site, 1);
    const { uploadId } = (await begin(m.host)).json();
    const file = liveWebm();
    const parts = [file.subarray(0, 60), file.subarray(60, 150), file.subarray(150)];
    expect((await chunk(m.host, uploadId, 0, parts[0]!)).json()).toEqual({ index: 0, size: 60, stored: true });
    expect((await chunk(m.host, uploadId, 1, parts[1]!)).json()).toEqual({ index: 1, size: 90, stored: true });
    // Sent again (the answer was lost): kept once.
    expect((await chunk(m.host, uploadId, 1, parts[1]!)).json()).toEqual({ index: 1, size: 90, stored: false });
    // Nobody else adds to or finishes this upload.
    expect((await chunk(m.attendee, uploadId, 2, parts[2]!)).statusCode).toBe(404);
    expect((await finish(m.attendee, uploadId, 3)).statusCode).toBe(404);

    const early = await finish(m.host, uploadId, 3);
    expect(early.statusCode).toBe(409);
    expect(early.json()).toMatchObject({ error: 'missing_chunks', missing: [2] });
    expect((await chunk(m.host, uploadId, 2, parts[2]!)).statusCode).toBe(200);
    const done = await finish(m.host, uploadId, 3);
    expect(done.statusCode, done.body).toBe(200);
    expect(done.json()).toMatchObject({ fileType: 'WEBM', durationMs: 2500 });
    expect((await finish(m.host, uploadId, 3)).json().recordId).toBe(done.json().recordId);
    expect((await chunk(m.host, uploadId, 3, parts[2]!)).statusCode).toBe(409);

    const list = await server.t.call('getCloudFileList', site, { confNo: m.confNumber }, { subject: 'confNo' });
    expect(list.body.recordCount).toBe(1);
    const item = list.body.data[0];
    expect(item.fileType).toBe('WEBM');
    expect(item.fileSizeBytes).toBe(done.json().fileSize);
    const download = await fetch(item.downloadUrl.replace('http://meet.example.test', server.base));
    expect(download.headers.get('content-type')).toBe('video/webm');
    const stored = Buffer.from(await download.arrayBuffer());
    expect(stored.length).toBe(done.json().fileSize);
    expect((await scanWebm(Readable.from([stored]))).statedDurationMs).toBe(2500);
  });
});
