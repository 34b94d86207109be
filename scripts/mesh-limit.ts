/**
 * How many participants a meeting's media carries on this machine: N fake-device pages in one headless
 * chromium join one meeting; for each N, how long until every page receives every camera, and the frame
 * rate each page decodes per remote camera once it does. Two modes, measured in one run:
 *
 * - `mesh`: every page sends its camera to every other (cameras on for all);
 * - `sfu`: through a managed Janus (HUIGUAN_JANUS=managed); the first `--cameras` pages have their camera
 *   on, the rest are viewers with microphones only. Also Janus's CPU time over the measuring window, the
 *   RTP packets the pages received from it (each one a packet Janus forwarded), and so Janus's CPU per
 *   forwarded packet and per forwarded stream.
 *
 * Not a test (its numbers depend on the machine); the numbers measured are in docs/media.md.
 *
 *   npx tsx scripts/mesh-limit.ts [--modes mesh,sfu] [--sizes 4,8,16] [--cameras 4] [--seconds 5]
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { Browser, Page } from 'playwright-core';
import { loadConfig } from '../src/config.js';
import { ensurePagesBuilt, launchChromium } from '../test/browser/browser.js';
import { buildTestApp, gmt, type TestApp } from '../test/helper.js';

const { values } = parseArgs({
  options: {
    modes: { type: 'string', default: 'mesh,sfu' },
    sizes: { type: 'string', default: '4,6,8' },
    cameras: { type: 'string', default: '4' },
    seconds: { type: 'string', default: '5' },
    timeout: { type: 'string', default: '120' },
  },
});
const modes = values.modes.split(',') as ('mesh' | 'sfu')[];
const sizes = values.sizes.split(',').map(Number);
const cameraLimit = Number(values.cameras);
const seconds = Number(values.seconds);
const timeoutMs = Number(values.timeout) * 1000;

/** Keeps the page's peer connections, so the script can read how many RTP packets arrived. */
const KEEP_CONNECTIONS = `(() => {
  const Native = window.RTCPeerConnection;
  window.__pcs = [];
  window.RTCPeerConnection = function (config) {
    const pc = new Native(config);
    window.__pcs.push(pc);
    return pc;
  };
  window.RTCPeerConnection.prototype = Native.prototype;
})();`;

/** Frames decoded by each remote camera tile of the page over `ms`, and RTP packets received meanwhile. */
function measurePage(page: Page, ms: number): Promise<{ frames: number[]; packets: number; streams: number }> {
  return page.evaluate(
    `(async () => {
      const videos = [...document.querySelectorAll('[data-testid="tile"][data-kind="camera"][data-local="false"] video')]
        .filter((v) => v.videoWidth > 0);
      const count = () => videos.map((v) => v.getVideoPlaybackQuality().totalVideoFrames);
      const packets = async () => {
        let sum = 0, streams = 0;
        for (const pc of window.__pcs) {
          if (pc.connectionState === 'closed') continue;
          (await pc.getStats()).forEach((s) => {
            if (s.type === 'inbound-rtp') { sum += s.packetsReceived || 0; if ((s.packetsReceived || 0) > 0) streams++; }
          });
        }
        return { sum, streams };
      };
      const before = count();
      const p0 = await packets();
      await new Promise((r) => setTimeout(r, ${ms}));
      const p1 = await packets();
      return { frames: count().map((n, i) => n - before[i]), packets: p1.sum - p0.sum, streams: p1.streams };
    })()`,
  ) as Promise<{ frames: number[]; packets: number; streams: number }>;
}

/** CPU seconds (user + system) a process has used, from /proc. */
function cpuSeconds(pid: number): number {
  const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

function janusPid(dataDir: string): number | undefined {
  try {
    const out = execFileSync('pgrep', ['-f', '--', `-F ${path.join(dataDir, 'janus')}`], { encoding: 'utf8' });
    return Number(out.trim().split('\n')[0]);
  } catch {
    return undefined;
  }
}

const quantile = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * q))];

async function measure(mode: 'mesh' | 'sfu', n: number, t: TestApp, base: string, browser: Browser, dataDir: string) {
  const cameras = mode === 'mesh' ? n : Math.min(n, cameraLimit);
  const site = await t.site();
  await t.call('createOrUpdateUser', site, { userId: 'limit', userName: 'Host' });
  const reserved = await t.call('confReservation', site, {
    userId: 'limit',
    userName: 'Host',
    confName: `${mode} ${n}`,
    startTime: gmt(Math.floor(Date.now() / 1000) * 1000 - 60_000),
    duration: 60,
    confParties: n,
    optionVideoHost: 1,
    optionVideoParticipants: mode === 'mesh' ? 1 : 0,
    optionJbh: 1,
  });
  const m = reserved.body.data as { joinUrl: string; hostStartUrl: string };
  const started = Date.now();
  const pages: Page[] = [];
  for (let i = 0; i < n; i++) {
    const context = await browser.newContext();
    await context.addInitScript(KEEP_CONNECTIONS);
    const page = await context.newPage();
    await page.goto((i === 0 ? m.hostStartUrl : m.joinUrl).replace('http://meet.example.test', base));
    if (i > 0) await page.getByTestId('name-input').fill(`P${i}`);
    await page.getByTestId('enter-button').click();
    pages.push(page);
  }
  // SFU: the first `cameras` pages turn their camera on (the host's is on already).
  for (const page of pages.slice(1, cameras)) {
    await page.getByTestId('camera-button').waitFor({ timeout: 60_000 });
    await page.getByTestId('camera-button').click();
  }
  // Every page shows every camera but its own, with a picture. (Polled with evaluate: the pages' CSP refuses
  // the eval that waitForFunction uses.)
  const showing = `[...document.querySelectorAll('[data-testid="tile"][data-kind="camera"][data-local="false"] video')].filter((v) => v.videoWidth > 0).length`;
  const wanted = (i: number) => (i < cameras ? cameras - 1 : cameras);
  const shown = async () => Promise.all(pages.map(async (page) => (await page.evaluate(showing)) as number));
  const deadline = Date.now() + timeoutMs;
  while ((await shown()).some((count, i) => count < wanted(i)) && Date.now() < deadline)
    await new Promise((resolve) => setTimeout(resolve, 250));
  const counts = await shown();
  const close = async () => {
    for (const page of pages) await page.context().close();
  };
  if (counts.some((count, i) => count < wanted(i))) {
    const short = counts.filter((count, i) => count < wanted(i)).length;
    console.log(
      `| ${mode} | ${n} | ${cameras} | not within ${timeoutMs / 1000} s (${short} pages short) | – | – | – | – |`,
    );
    await close();
    return;
  }
  const fullSeconds = (Date.now() - started) / 1000;
  const pid = mode === 'sfu' ? janusPid(dataDir) : undefined;
  const cpu0 = pid ? cpuSeconds(pid) : 0;
  const wall0 = Date.now();
  const perPage = await Promise.all(pages.map((p) => measurePage(p, seconds * 1000)));
  const cpu = pid ? cpuSeconds(pid) - cpu0 : 0;
  const wall = (Date.now() - wall0) / 1000;
  const rates = perPage
    .flatMap((p) => p.frames)
    .map((f) => f / seconds)
    .sort((a, b) => a - b);
  const good = perPage.filter(
    (p, i) => p.frames.length >= wanted(i) && p.frames.every((f) => f / seconds >= 10),
  ).length;
  const packets = perPage.reduce((sum, p) => sum + p.packets, 0);
  const streams = perPage.reduce((sum, p) => sum + p.streams, 0);
  const janus =
    mode === 'sfu' && pid
      ? `${((cpu / wall) * 100).toFixed(1)} % of a core; ${((cpu * 1e6) / packets).toFixed(0)} µs per packet (${Math.round(packets / wall)} packets/s); ${(((cpu / wall) * 100) / streams).toFixed(3)} % per stream (${streams} streams)`
      : '–';
  console.log(
    `| ${mode} | ${n} | ${cameras} | ${fullSeconds.toFixed(1)} s | ${rates[0]?.toFixed(1)} / ${quantile(rates, 0.5)?.toFixed(1)} / ${rates.at(-1)?.toFixed(1)} | ${good} of ${n} | ${janus} |`,
  );
  await close();
}

ensurePagesBuilt();
const browser = await launchChromium([
  '--use-fake-device-for-media-stream',
  '--use-fake-ui-for-media-stream',
  '--autoplay-policy=no-user-gesture-required',
]);
console.log(
  '| mode | participants | cameras on | time to full media | frames/s per remote camera (min / median / max) | pages receiving every camera at ≥ 10 fps | Janus CPU |',
);
console.log('|---|---|---|---|---|---|---|');
for (const mode of modes) {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), `huiguan-limit-${mode}-`));
  // The SFU as HUIGUAN_JANUS=managed configures it, Janus's files in this run's data directory.
  const config = loadConfig({ HUIGUAN_DATA_DIR: dataDir, ...(mode === 'sfu' ? { HUIGUAN_JANUS: 'managed' } : {}) });
  const t = await buildTestApp({ realClock: true, config: { dataDir, sfu: config.sfu } });
  const base = await t.app.listen({ port: 0, host: '127.0.0.1' });
  for (const n of sizes) await measure(mode, n, t, base, browser, dataDir);
  await t.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
}
await browser.close();
