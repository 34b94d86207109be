import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { gmt, listeningTestApp } from '../helper.js';
import { haveJanus, JANUS_BIN } from '../sfu/harness.js';
import { ensurePagesBuilt, haveChromium, launchChromium } from './browser.js';

// The SFU's studio from the host's page, end to end: the room page's Record and Go live buttons, the page
// hub, the real rooms on a managed Janus, the composing worker and the live streams — the path a host takes.

const enabled = haveChromium && haveJanus;
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'huiguan-sfu-studio-'));
const config = loadConfig({ HUIGUAN_DATA_DIR: dataDir, HUIGUAN_JANUS: 'managed', HUIGUAN_JANUS_BIN: JANUS_BIN });
const server = listeningTestApp({ realClock: true, config: { dataDir, sfu: config.sfu } });
const children: ChildProcess[] = [];
let browser: Browser | undefined;
afterAll(async () => {
  for (const child of children) child.kill('SIGKILL');
  await browser?.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

const local = (url: string) => url.replace('http://meet.example.test', server.base);

async function open(url: string, name?: string): Promise<Page> {
  const page = await (await browser!.newContext()).newPage();
  await page.goto(local(url), { timeout: 60_000 });
  await page.getByTestId('enter-button').waitFor({ timeout: 60_000 });
  if (name !== undefined) await page.getByTestId('name-input').fill(name);
  await page.getByTestId('enter-button').click();
  await page.getByTestId('media-stage').waitFor();
  return page;
}

async function freeTcpPort(): Promise<number> {
  const probe = net.createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as net.AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

function probe(file: string): { streams: { codec_type: string; codec_name: string }[]; duration: number } {
  const out = spawnSync(
    'ffprobe',
    ['-v', 'error', '-show_entries', 'stream=codec_type,codec_name:format=duration', '-of', 'json', file],
    { encoding: 'utf8' },
  );
  const info = JSON.parse(out.stdout || '{}') as { streams?: []; format?: { duration?: string } };
  return { streams: info.streams ?? [], duration: Number(info.format?.duration ?? 0) };
}

describe.skipIf(!enabled)('the SFU studio from the host’s page', () => {
  it('records on the server and goes live to RTMP and to the HLS watch page from the room’s buttons', async () => {
    ensurePagesBuilt();
    browser = await launchChromium([
      '--use-fake-device-for-media-stream',
      '--use-fake-ui-for-media-stream',
      '--autoplay-policy=no-user-gesture-required',
    ]);
    const port = await freeTcpPort();
    const received = path.join(dataDir, 'received.flv');
    const receiver = spawn(
      'ffmpeg',
      ['-v', 'error', '-listen', '1', '-i', `rtmp://127.0.0.1:${port}/live/studio`, '-c', 'copy', received],
      { stdio: 'ignore' },
    );
    children.push(receiver);
    const receiverDone = new Promise((resolve) => receiver.once('close', resolve));

    const site = await server.t.site();
    await server.t.call('createOrUpdateUser', site, {
      userId: 'studio',
      userName: 'Studio',
      enableCloudRecord: 1,
      enableTuiliu: 1,
    });
    const reserved = await server.t.call('confReservation', site, {
      userId: 'studio',
      userName: 'Studio',
      confName: 'Studio',
      startTime: gmt(Math.floor(Date.now() / 1000) * 1000 - 60_000),
      duration: 60,
      confParties: 5,
      optionVideoHost: 1,
      optionVideoParticipants: 1,
      optionJbh: 1,
      isTuiliu: 1,
      streamDiy: 1,
      streamUrl: `rtmp://127.0.0.1:${port}/live`,
      streamKey: 'studio',
    });
    expect(reserved.body.status, reserved.body.message).toBe(100);
    const m = reserved.body.data as { confNumber: string; hostStartUrl: string; joinUrl: string; confId: number };
    const detail = await server.t.call('getConfDetailByConfId', site, { userId: 'studio', confId: m.confId });
    const watchUrl = (detail.body.data as { watchUrl: string }).watchUrl;
    expect(watchUrl).toMatch(/\/w\/\d{10}\/[0-9A-F]{32}$/);

    const host = await open(m.hostStartUrl);
    const ann = await open(m.joinUrl, 'Ann');
    const notice = ann.getByTestId('recording-notice');
    // Both publish before the host goes live: a publisher arriving later composes the stream again, which
    // reconnects the RTMP push, and this receiver takes one connection only.
    const others = host.locator('[data-testid="tile"][data-kind="camera"][data-local="false"] video');
    await expect
      .poll(() => others.evaluate((v: { videoWidth: number }) => v.videoWidth), { timeout: 45_000 })
      .toBeGreaterThan(0);

    // Go live: the RTMP receiver and the watch page get the composed meeting.
    await host.getByTestId('live-button').click();
    await expect
      .poll(async () => host.getByTestId('live-status').getAttribute('data-state'), { timeout: 45_000 })
      .toBe('live');
    // Everyone in the meeting sees that it is streamed, not only the host.
    await expect.poll(() => notice.getAttribute('data-live'), { timeout: 10_000 }).toBe('true');
    expect(await notice.isVisible()).toBe(true);
    const viewer = await (await browser.newContext()).newPage();
    await viewer.goto(local(watchUrl));
    await expect
      .poll(
        async () =>
          viewer.evaluate(
            () =>
              (
                globalThis as unknown as { document: { querySelector(s: string): { currentTime: number } | null } }
              ).document.querySelector('video')?.currentTime ?? 0,
          ),
        {
          timeout: 45_000,
        },
      )
      .toBeGreaterThan(2);
    const live = await server.t.call('getLiveDetail', site, { confNo: m.confNumber }, { subject: 'confNo' });
    expect(live.body.liveStream).toMatchObject({ state: 'live', rtmp: true, hls: true, watchUrl });

    // Record while live, about 10 s.
    await host.getByTestId('record-button').click();
    await expect
      .poll(async () => host.getByTestId('record-status').getAttribute('data-state'), { timeout: 20_000 })
      .toBe('recording');
    await expect.poll(() => notice.getAttribute('data-recording'), { timeout: 10_000 }).toBe('true');
    expect(await notice.textContent()).toBe('RecordingLive');
    await new Promise((resolve) => setTimeout(resolve, 10_000));
    await host.getByTestId('record-button').click();
    await host.getByTestId('live-button').click();
    await Promise.race([receiverDone, new Promise((resolve) => setTimeout(resolve, 15_000))]);
    const pushed = probe(received);
    expect(pushed.streams).toContainEqual(expect.objectContaining({ codec_type: 'video', codec_name: 'h264' }));
    expect(pushed.streams).toContainEqual(expect.objectContaining({ codec_type: 'audio', codec_name: 'aac' }));
    expect(pushed.duration).toBeGreaterThanOrEqual(5);

    // The recording is composed on the server and listed: one MP4 of about the 10 s recorded.
    const listed = async () =>
      (await server.t.call('getCloudFileList', site, { confNo: m.confNumber }, { subject: 'confNo' })).body;
    await expect.poll(async () => (await listed()).recordCount, { timeout: 120_000, interval: 2000 }).toBe(1);
    const item = (await listed()).data[0] as { fileType: string; duration: number; fileSizeBytes: number };
    expect(item.fileType).toBe('MP4');
    expect(item.fileSizeBytes).toBeGreaterThan(0);
    await expect
      .poll(async () => host.getByTestId('record-status').getAttribute('data-state'), { timeout: 20_000 })
      .toMatch(/^(off|idle)$/);
  }, 300_000);
});
