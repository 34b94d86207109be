import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { haveCoturn, RELAY_ONLY, selectedPairs, startCoturn, type Coturn } from '../sfu/coturn.js';
import { gmt, listeningTestApp, type TestAppOptions } from '../helper.js';
import { ensurePagesBuilt, haveChromium, launchChromium } from './browser.js';

// Pages that may only use relayed candidates (iceTransportPolicy 'relay', as behind a firewall that lets
// nothing through but the TURN server) still meet: the credentials the server mints for each participant
// are accepted by coturn, and the media flows through it.

const MEASURE_SCRIPT = fileURLToPath(new URL('./measure-media.js', import.meta.url));

const enabled = haveChromium && haveCoturn;
let coturn: Coturn | undefined;
let browser: Browser;
const options: TestAppOptions = { realClock: true, config: {} };

// Registered before the app's own set-up, so the app is built with the TURN server's secret.
beforeAll(async () => {
  if (!enabled) return;
  coturn = await startCoturn();
  options.config = { turn: { urls: [coturn.url], secret: coturn.secret, ttlSeconds: 600 } };
}, 30_000);
const server = listeningTestApp(options);

afterAll(async () => {
  await browser?.close();
  await coturn?.stop();
});

/** The `media-config` messages each page received. */
const mediaConfigs = new Map<Page, { iceServers: { urls: string[]; username?: string; credential?: string }[] }>();

async function open(url: string, name?: string): Promise<Page> {
  const context = await browser.newContext();
  await context.addInitScript({ path: MEASURE_SCRIPT });
  await context.addInitScript(RELAY_ONLY);
  const page = await context.newPage();
  page.on('websocket', (ws) =>
    ws.on('framereceived', ({ payload }) => {
      const text = String(payload);
      if (text.includes('"media-config"')) mediaConfigs.set(page, JSON.parse(text));
    }),
  );
  await page.goto(url.replace('http://meet.example.test', server.base));
  await page.getByTestId('enter-button').waitFor();
  if (name !== undefined) await page.getByTestId('name-input').fill(name);
  await page.getByTestId('enter-button').click();
  await page.getByTestId('media-stage').waitFor();
  return page;
}

describe.skipIf(!enabled)('TURN: relay-only pages', () => {
  it('two relay-only pages connect through coturn with credentials minted for each participant', async () => {
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
      confName: 'Behind a firewall',
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

    // The server hands each page the TURN server with a credential of its own, never the secret.
    await expect.poll(() => mediaConfigs.size).toBe(2);
    const minted = [...mediaConfigs.values()].map((c) => c.iceServers.find((s) => s.urls.includes(coturn!.url)));
    for (const server of minted) {
      expect(server?.username).toMatch(/^\d+:[\w-]+$/);
      expect(server?.credential).toBeTruthy();
      expect(JSON.stringify(server)).not.toContain(coturn!.secret);
    }
    expect(minted[0]?.username).not.toBe(minted[1]?.username);

    // Media flows, relayed: every connected pair has a relay candidate on the page's side.
    const idOfB = await b.locator('[data-testid="roster-item"].is-you').getAttribute('data-id');
    const tile = a.locator(`[data-testid="tile"][data-peer="${idOfB}"][data-kind="camera"] video`);
    await expect
      .poll(
        async () =>
          tile.evaluate(
            (video, ms) =>
              (globalThis as unknown as { measureMedia(v: unknown, ms: number): Promise<{ frames: number }> })
                .measureMedia(video, ms)
                .then((r) => r.frames),
            500,
          ),
        { timeout: 30_000 },
      )
      .toBeGreaterThan(0);
    for (const page of [a, b]) {
      const pairs = await selectedPairs(page);
      expect(pairs.length).toBeGreaterThan(0);
      for (const pair of pairs) expect(pair.startsWith('relay/')).toBe(true);
    }
    expect(coturn?.log()).toMatch(/ALLOCATE processed, success/);
  }, 90_000);
});
