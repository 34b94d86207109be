import fs from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { expect } from 'vitest';

/** The two sizes every page is looked at in: a laptop's screen and a phone's. */
export const DESKTOP = { width: 1280, height: 800 };
export const PHONE = { width: 390, height: 844 };

export interface ScreenshotOptions {
  /** The whole page, not only the screen's worth (default true). */
  fullPage?: boolean;
  /** Fails when the page is wider than the screen: it must scroll down, never sideways (default true). */
  checkWidth?: boolean;
  /** Waits this long after each resize, for pages that draw again at a new width (charts). */
  settleMs?: number;
}

/**
 * Saves the page as `<dir>/<name>-desktop.png` and `<name>-phone.png` (CI keeps test-results/ as artifacts),
 * then puts it back at desktop size.
 */
export async function screenshots(page: Page, dir: string, name: string, options: ScreenshotOptions = {}) {
  const { fullPage = true, checkWidth = true, settleMs = 0 } = options;
  fs.mkdirSync(dir, { recursive: true });
  for (const [size, viewport] of [
    ['desktop', DESKTOP],
    ['phone', PHONE],
  ] as const) {
    await page.setViewportSize(viewport);
    if (checkWidth)
      expect(
        await page.evaluate<number>('document.documentElement.scrollWidth'),
        `${name} ${size}`,
      ).toBeLessThanOrEqual(viewport.width);
    if (settleMs > 0) await page.waitForTimeout(settleMs);
    await page.screenshot({ path: path.join(dir, `${name}-${size}.png`), fullPage });
  }
  await page.setViewportSize(DESKTOP);
}
