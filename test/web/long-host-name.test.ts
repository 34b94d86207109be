import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { ensurePagesBuilt, haveChromium, launchChromium } from '../browser/browser.js';
import { buildTestApp, gmt, type TestApp } from '../helper.js';

// Issue 14, item 15: the start page pre-fills the host's userName, which may be longer than 64 characters.

vi.setConfig({ testTimeout: 60_000 });

let t: TestApp;
let base: string;
let browser: Browser;

beforeAll(async () => {
  if (!haveChromium) return;
  ensurePagesBuilt();
  t = await buildTestApp({ realClock: true });
  base = await t.app.listen({ port: 0, host: '127.0.0.1' });
  browser = await launchChromium();
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await t?.close();
});

describe.skipIf(!haveChromium)('the start page of a host whose userName is over 64 characters', () => {
  it('starts the meeting with the pre-filled name; the join page keeps the 64-character field', async () => {
    const site = await t.site();
    const long = `${'Prof. Maximiliane Oberhuber-Wittgenstein '.repeat(3)}(Board)`;
    expect(long.length).toBeGreaterThan(64);
    const reserved = await t.call('confReservation', site, {
      userId: 'longname',
      userName: long,
      confName: 'Long names',
      startTime: gmt(Math.floor(Date.now() / 1000) * 1000 - 60_000),
      duration: 60,
      confParties: 5,
    });
    expect(reserved.body.status, reserved.body.message).toBe(100);
    const local = (url: string) => url.replace('http://meet.example.test', base);

    const host = await (await browser.newContext()).newPage();
    await host.goto(local(reserved.body.data.hostStartUrl));
    await host.getByTestId('enter-button').waitFor();
    expect(await host.getByTestId('name-input').inputValue()).toBe(long);
    await host.getByTestId('enter-button').click();
    // The room, or a refusal shown under the form.
    await host
      .locator('[data-testid="room"], [data-testid="error"]:not([hidden])')
      .first()
      .waitFor({ timeout: 30_000 });
    expect(await host.getByTestId('error').textContent()).toBe('');
    expect(await host.getByTestId('room').count()).toBe(1);

    const guest = await (await browser.newContext()).newPage();
    await guest.goto(local(reserved.body.data.joinUrl));
    await guest.getByTestId('enter-button').waitFor();
    expect(await guest.getByTestId('name-input').getAttribute('maxlength')).toBe('64');
  });
});
