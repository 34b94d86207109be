import fs from 'node:fs';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SiteRow } from '../../src/store/database.js';
import { buildTestApp, gmt, sign, type TestApp } from '../helper.js';
import { haveChromium, launchChromium } from './browser.js';

const MIN = 60_000;

/** What the test reads of a page's HTMLMediaElement (the project's types have no DOM). */
interface Media {
  readyState: number;
  duration: number;
  currentTime: number;
  muted: boolean;
  error: { message: string } | null;
  play(): Promise<void>;
}

let t: TestApp;
let base: string;
let browser: Browser;

beforeAll(async () => {
  if (!haveChromium) return;
  t = await buildTestApp({ realClock: true });
  base = await t.app.listen({ port: 0, host: '127.0.0.1' });
  browser = await launchChromium(['--autoplay-policy=no-user-gesture-required']);
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await t?.close();
});

/** The test app hands out links under http://meet.example.test; they are served here. */
const local = (url: string) => url.replace('http://meet.example.test', base);

/** Uploads a fixture as a recording of a fresh meeting over HTTP and answers its getCloudFileList item. */
async function recorded(site: SiteRow, fixture: string, fileType: 'MP4' | 'M4A') {
  const userId = `rec-${fileType}`;
  await t.call('createOrUpdateUser', site, { userId, userName: 'Recorder', enableCloudRecord: 1 });
  const reserved = await t.call('confReservation', site, {
    userId,
    userName: 'Recorder',
    confName: `Recorded ${fileType}`,
    startTime: gmt(Math.floor(Date.now() / 1000) * 1000 - 30 * MIN),
    duration: 60,
    confParties: 5,
  });
  expect(reserved.body.status, reserved.body.message).toBe(100);
  const { confNumber } = reserved.body.data;
  const params = {
    confNumber,
    fileType,
    recordStart: gmt(Date.now() - 10 * MIN),
    recordEnd: gmt(Date.now() - 5 * MIN),
  };
  const query = new URLSearchParams(sign(site, params, Date.now(), { subject: 'confNumber' }));
  const file = fs.readFileSync(path.resolve('test/fixtures', fixture));
  const uploaded = await fetch(`${base}/media/v1/recordings?${query}`, {
    method: 'POST',
    headers: { 'content-type': fileType === 'MP4' ? 'video/mp4' : 'audio/mp4' },
    body: file,
  });
  const answer = (await uploaded.json()) as { status: number; message: string; data: { fileSize: number } };
  expect(answer.status, answer.message).toBe(100);
  expect(answer.data.fileSize).toBe(file.length);
  const list = await t.call('getCloudFileList', site, { confNo: confNumber }, { subject: 'confNo' });
  expect(list.body.recordCount).toBe(1);
  return list.body.data[0] as { playUrl: string; downloadUrl: string };
}

/** Opens the play page; answers the player's duration once loaded and its position after playing a while. */
async function play(url: string, element: 'video' | 'audio') {
  const context = await browser.newContext();
  const page = await context.newPage();
  const fetched: number[] = [];
  page.on('response', (r) => {
    if (r.url().includes('/download?')) fetched.push(r.status());
  });
  const response = await page.goto(local(url));
  expect(response?.status()).toBe(200);
  const player = page.locator(element);
  await expect.poll(() => player.evaluate((e: Media) => e.readyState), { timeout: 10_000 }).toBeGreaterThanOrEqual(1);
  const duration = await player.evaluate((e: Media) => e.duration);
  await player.evaluate((e: Media) => {
    e.muted = true;
    return e.play();
  });
  await expect.poll(() => player.evaluate((e: Media) => e.currentTime), { timeout: 10_000 }).toBeGreaterThan(0.5);
  const error = await player.evaluate((e: Media) => e.error?.message ?? null);
  await context.close();
  return { duration, error, fetched };
}

describe.skipIf(!haveChromium)('a recording played in the browser from the playUrl getCloudFileList answered', () => {
  it('plays an uploaded MP4 video for its real duration', async () => {
    const site = await t.site();
    const item = await recorded(site, 'clip-2s.mp4', 'MP4');
    const { duration, error, fetched } = await play(item.playUrl, 'video');
    // The player asks for byte ranges and gets them.
    expect(fetched).toContain(206);
    expect(error).toBeNull();
    expect(duration).toBeGreaterThan(1.8);
    expect(duration).toBeLessThan(2.2);
  }, 30_000);

  it('plays an uploaded M4A audio for its real duration', async () => {
    const site = await t.site();
    const item = await recorded(site, 'tone-3s.m4a', 'M4A');
    const { duration, error, fetched } = await play(item.playUrl, 'audio');
    expect(fetched).toContain(206);
    expect(error).toBeNull();
    expect(duration).toBeGreaterThan(2.8);
    expect(duration).toBeLessThan(3.2);
  }, 30_000);
});
