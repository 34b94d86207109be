/**
 * The console's Meetings and Live pages in chromium (issue 19): a meeting booked through the API appears on
 * the calendar; two participants join and the Live page shows them as they come (Server-Sent Events); the
 * owner ends the meeting there; its attendance is on its page and exports as CSV. Screenshots of each page
 * at desktop and phone size are kept in test-results/console/.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { consoleAccount, PASSWORD } from '../console/console-client.js';
import { gmt, listeningTestApp } from '../helper.js';
import { ensurePagesBuilt, haveChromium, launchChromium } from './browser.js';

const server = listeningTestApp({ realClock: true });
const ARTIFACTS = path.resolve('test-results/console');
const DESKTOP = { width: 1280, height: 800 };
const PHONE = { width: 390, height: 844 };
let browser: Browser;

async function screenshots(page: Page, name: string): Promise<void> {
  for (const [size, viewport] of [
    ['desktop', DESKTOP],
    ['phone', PHONE],
  ] as const) {
    await page.setViewportSize(viewport);
    // Nothing wider than the screen: the page scrolls down, never sideways.
    expect(await page.evaluate<number>('document.documentElement.scrollWidth'), `${name} ${size}`).toBeLessThanOrEqual(
      viewport.width,
    );
    await page.screenshot({ path: path.join(ARTIFACTS, `${name}-${size}.png`), fullPage: true });
  }
  await page.setViewportSize(DESKTOP);
}

describe.skipIf(!haveChromium)('the console’s Meetings and Live pages in a browser', () => {
  beforeAll(async () => {
    ensurePagesBuilt();
    fs.mkdirSync(ARTIFACTS, { recursive: true });
    browser = await launchChromium();
  }, 120_000);
  afterAll(async () => browser?.close());

  it('shows a booked meeting on the calendar, its participants live, ends it, exports its attendance', async () => {
    const t = server.t;
    const site = await t.site({ siteSign: 'acme', totalNumParties: 25 });
    await consoleAccount(t, site, 'owner@acme.example');
    const booked = await t.call('confReservation', site, {
      userId: 'host1',
      userName: 'Host One',
      confName: '周会 Weekly',
      startTime: gmt(Math.floor(t.clock.now / 60_000) * 60_000),
      duration: 60,
      confParties: 10,
    });
    expect(booked.body.status, booked.body.message).toBe(100);
    const { confId, confNumber } = booked.body.data as { confId: number; confNumber: string };
    const events = async (list: Record<string, unknown>[]) => {
      const res = await t.call(
        '/media/v1/events',
        site,
        { confNumber, events: list },
        { subject: 'confNumber', encoding: 'json' },
      );
      expect(res.body.status, res.body.message).toBe(100);
    };

    const context = await browser.newContext({ viewport: DESKTOP, locale: 'en-US', acceptDownloads: true });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (err) => errors.push(err.message));
    page.on('console', (msg) => msg.type() === 'error' && errors.push(msg.text()));
    page.on('dialog', (dialog) => void dialog.accept());
    await page.goto(`${server.base}/console/sign-in`);
    await page.locator('#f-email').fill('owner@acme.example');
    await page.locator('#f-password').fill(PASSWORD);
    await page.getByTestId('sign-in').click();
    await page.getByTestId('overview').waitFor();

    // The calendar: the meeting on its day, a link to its page.
    await page.getByRole('navigation').getByRole('link', { name: 'Meetings' }).click();
    await page.getByTestId('calendar').waitFor();
    const day = new Date().toLocaleDateString('en-CA');
    const onDay = page.getByTestId(`day-${day}`).getByTestId(`meeting-${confNumber}`);
    await onDay.waitFor();
    expect(await onDay.textContent()).toBe('周会 Weekly');
    await screenshots(page, 'meetings-calendar');
    await page.getByTestId('view-list').click();
    await page.getByTestId('meeting-list').waitFor();
    expect(await page.getByTestId('meeting-list').textContent()).toContain('Host One (host1)');
    await screenshots(page, 'meetings-list');

    // Live: two people join while the page is open, and appear without a reload.
    await page.getByRole('navigation').getByRole('link', { name: 'Live' }).click();
    await page.getByText('No meeting is live now.').waitFor();
    await page.getByText('Updating live').waitFor();
    await events([
      { type: 'session.started' },
      { type: 'participant.joined', participant: { cuid: 'p1', name: '张三', role: 'host', deviceType: 'pc' } },
    ]);
    await page.getByTestId(`roster-${confNumber}`).getByText('张三').waitFor();
    await events([{ type: 'participant.joined', participant: { cuid: 'p2', name: 'Smith, Jo', role: 'attendee' } }]);
    await page.getByTestId(`roster-${confNumber}`).getByText('Smith, Jo').waitFor();
    expect(await page.getByTestId(`live-count-${confNumber}`).textContent()).toBe('2 in the meeting');
    await screenshots(page, 'live');
    await page.getByTestId(`end-${confId}`).click();
    await page.getByText('No meeting is live now.').waitFor();
    const api = await t.call('getConfDetailByConfId', site, { userId: 'host1', confId });
    expect(api.body.data.confStatus).toBe(3);

    // The meeting's page: both people in its attendance, and the CSV of it.
    await page.getByRole('navigation').getByRole('link', { name: 'Meetings' }).click();
    await page.getByTestId(`meeting-${confNumber}`).first().click();
    await page.getByTestId('attendance').waitFor();
    const rows = await page.getByTestId('attendance').locator('tbody tr').allTextContents();
    expect(rows).toHaveLength(2);
    expect(rows[0]).toContain('张三');
    expect(rows[1]).toContain('Smith, Jo');
    expect(await page.getByTestId('edit-meeting').count()).toBe(0);
    await screenshots(page, 'meeting');
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-csv').click()]);
    expect(download.suggestedFilename()).toBe(`attendance-${confNumber}.csv`);
    const csv = fs.readFileSync((await download.path())!);
    expect(csv.subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
    const lines = csv.subarray(3).toString('utf8').trimEnd().split('\r\n');
    expect(lines[0]).toBe('session,name,role,device,join (GMT),leave (GMT),minutes');
    expect(lines).toHaveLength(3);
    expect(lines[1]).toContain(',张三,host,pc,');
    expect(lines[2]).toContain(',"Smith, Jo",attendee,');
    expect(errors).toEqual([]);
    await context.close();
  }, 90_000);
});
