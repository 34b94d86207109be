import type { Browser, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { gmt, listeningTestApp } from '../helper.js';
import { ensurePagesBuilt, haveChromium, launchChromium } from './browser.js';

// The media toolbar stays on screen at every window size (it once fell below the fold at 1280×800 with one
// participant), and never covers the leave button.

const server = listeningTestApp({ realClock: true });
let browser: Browser;

const local = (url: string) => url.replace('http://meet.example.test', server.base);

const SIZES = [
  { width: 1280, height: 800 },
  { width: 1920, height: 1080 },
  { width: 800, height: 600 },
  { width: 390, height: 844 },
];

async function open(url: string, name?: string): Promise<Page> {
  const page = await (await browser.newContext({ viewport: SIZES[0]! })).newPage();
  await page.goto(local(url));
  await page.getByTestId('enter-button').waitFor();
  if (name !== undefined) await page.getByTestId('name-input').fill(name);
  await page.getByTestId('enter-button').click();
  await page.getByTestId('media-stage').waitFor();
  return page;
}

async function reserve() {
  const site = await server.t.site();
  await server.t.call('createOrUpdateUser', site, { userId: 'toolbarhost', userName: 'Hostess' });
  const reserved = await server.t.call('confReservation', site, {
    userId: 'toolbarhost',
    userName: 'Hostess',
    confName: 'Toolbar room',
    startTime: gmt(Math.floor(Date.now() / 1000) * 1000 - 60_000),
    duration: 60,
    confParties: 10,
    optionVideoHost: 1,
    optionVideoParticipants: 1,
    optionJbh: 1,
  });
  expect(reserved.body.status, reserved.body.message).toBe(100);
  return reserved.body.data as { hostStartUrl: string; joinUrl: string };
}

interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** Where an element is drawn, in the viewport's coordinates. */
const box = async (page: Page, testid: string): Promise<Box> => (await page.getByTestId(testid).first().boundingBox())!;

async function expectToolbarOnScreen(page: Page, participants: number): Promise<void> {
  for (const size of SIZES) {
    await page.setViewportSize(size);
    await page.evaluate('window.scrollTo(0, 0)');
    const where = `${participants} participant(s) at ${size.width}×${size.height}`;
    await expect.poll(() => page.getByTestId('tile').count(), { message: where }).toBe(participants);
    const bar = await box(page, 'media-toolbar');
    expect(bar.y, where).toBeGreaterThanOrEqual(0);
    expect(bar.y + bar.height, where).toBeLessThanOrEqual(size.height);
    expect(bar.x, where).toBeGreaterThanOrEqual(0);
    expect(bar.x + bar.width, where).toBeLessThanOrEqual(size.width);
    for (const control of ['microphone-button', 'camera-button', 'screen-button']) {
      const b = await box(page, control);
      expect(b.y >= bar.y && b.y + b.height <= bar.y + bar.height, `${control}, ${where}`).toBe(true);
      expect(b.x >= 0 && b.x + b.width <= size.width, `${control}, ${where}`).toBe(true);
    }
    // Scrolled to the end, the leave button shows above (or, on a phone, below) the toolbar, never under it.
    await page.evaluate('window.scrollTo(0, document.documentElement.scrollHeight)');
    const leave = await box(page, 'leave-button');
    const bar2 = await box(page, 'media-toolbar');
    expect(leave.y + leave.height <= bar2.y || leave.y >= bar2.y + bar2.height, `leave button, ${where}`).toBe(true);
    expect(leave.y + leave.height, `leave button, ${where}`).toBeLessThanOrEqual(size.height);
  }
}

describe.skipIf(!haveChromium)('the media toolbar in the room page', () => {
  it('stays inside the window at 1280×800, 1920×1080, 800×600 and a phone’s size, with 1 and 4 participants', async () => {
    ensurePagesBuilt();
    browser = await launchChromium(['--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream']);
    try {
      const m = await reserve();
      const host = await open(m.hostStartUrl);
      await expectToolbarOnScreen(host, 1);
      for (const name of ['Ann', 'Bob', 'Cy']) await open(m.joinUrl, name);
      await expectToolbarOnScreen(host, 4);
    } finally {
      await browser.close();
    }
  }, 180_000);
});
