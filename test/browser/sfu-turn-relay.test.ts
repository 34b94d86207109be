import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { gmt, listeningTestApp, type TestAppOptions } from '../helper.js';
import { haveCoturn, machineAddress, RELAY_ONLY, selectedPairs, startCoturn, type Coturn } from '../sfu/coturn.js';
import { haveJanus, JANUS_BIN } from '../sfu/harness.js';
import { ensurePagesBuilt, haveChromium, launchChromium } from './browser.js';

// A meeting on the SFU whose pages may only use relayed candidates: their connections to Janus go through
// coturn, with the credentials the server minted for each participant.

const MEASURE_SCRIPT = fileURLToPath(new URL('./measure-media.js', import.meta.url));
const enabled = haveChromium && haveCoturn && haveJanus;
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'huiguan-sfu-relay-'));
let coturn: Coturn | undefined;
let browser: Browser;
const options: TestAppOptions = { realClock: true, config: {} };

// Registered before the app's own set-up, so the app (and its Janus) is built with the TURN server.
beforeAll(async () => {
  if (!enabled) return;
  // Relayed from this machine's address, where Janus's candidates are (libnice leaves loopback out).
  coturn = await startCoturn(machineAddress());
  const config = loadConfig({
    HUIGUAN_DATA_DIR: dataDir,
    HUIGUAN_JANUS: 'managed',
    HUIGUAN_JANUS_BIN: JANUS_BIN,
    HUIGUAN_TURN_URLS: coturn.url,
    HUIGUAN_TURN_SECRET: coturn.secret,
  });
  options.config = { dataDir, sfu: config.sfu, turn: config.turn };
}, 30_000);
const server = listeningTestApp(options);

afterAll(async () => {
  await browser?.close();
  await coturn?.stop();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

async function open(url: string, name?: string): Promise<Page> {
  const context = await browser.newContext();
  await context.addInitScript({ path: MEASURE_SCRIPT });
  await context.addInitScript(RELAY_ONLY);
  const page = await context.newPage();
  await page.goto(url.replace('http://meet.example.test', server.base));
  await page.getByTestId('enter-button').waitFor();
  if (name !== undefined) await page.getByTestId('name-input').fill(name);
  await page.getByTestId('enter-button').click();
  await page.getByTestId('media-stage').waitFor();
  return page;
}

type InPage = { measureMedia(video: unknown, ms: number): Promise<{ frames: number; level: number }> };

describe.skipIf(!enabled)('TURN: relay-only pages on the SFU', () => {
  it('relay-only pages publish to Janus and receive from it through coturn', async () => {
    ensurePagesBuilt();
    browser = await launchChromium([
      '--use-fake-device-for-media-stream',
      '--use-fake-ui-for-media-stream',
      '--autoplay-policy=no-user-gesture-required',
    ]);
    const site = await server.t.site();
    await server.t.call('createOrUpdateUser', site, { userId: 'relayhost', userName: 'Relay' });
    const reserved = await server.t.call('confReservation', site, {
      userId: 'relayhost',
      userName: 'Relay',
      confName: 'Behind a firewall, on the SFU',
      startTime: gmt(Math.floor(Date.now() / 1000) * 1000 - 60_000),
      duration: 60,
      confParties: 5,
      optionVideoHost: 1,
      optionVideoParticipants: 1,
      optionJbh: 1,
    });
    expect(reserved.body.status, reserved.body.message).toBe(100);
    const m = reserved.body.data as { hostStartUrl: string; joinUrl: string };
    const a = await open(m.hostStartUrl);
    const b = await open(m.joinUrl, 'Bea');

    // Each page receives the other's camera, with frames advancing.
    for (const [me, other] of [
      [a, b],
      [b, a],
    ] as const) {
      const id = await other.locator('[data-testid="roster-item"].is-you').getAttribute('data-id');
      const video = me.locator(`[data-testid="tile"][data-peer="${id}"][data-kind="camera"] video`);
      await expect
        .poll(
          async () =>
            (await video.count()) === 0
              ? 0
              : video.evaluate(
                  (v, ms) => (globalThis as unknown as InPage).measureMedia(v, ms).then((r) => r.frames),
                  500,
                ),
          { timeout: 45_000 },
        )
        .toBeGreaterThan(0);
    }
    // Both of each page's connections (publisher and subscriber) to Janus run over a relayed candidate.
    for (const page of [a, b]) {
      const pairs = await selectedPairs(page);
      expect(pairs.length).toBeGreaterThanOrEqual(2);
      for (const pair of pairs) expect(pair.startsWith('relay/')).toBe(true);
    }
    expect(coturn?.log()).toMatch(/ALLOCATE processed, success/);
  }, 120_000);
});
