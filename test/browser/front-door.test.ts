import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SiteRow } from '../../src/store/database.js';
import { buildTestApp, gmt, type TestApp } from '../helper.js';
import { ensurePagesBuilt, haveChromium, launchChromium } from './browser.js';
import { screenshots } from './screenshots.js';

// Issue 17, item 1: the front door at `/` (join by meeting ID, the console, /docs, the language switch), and what
// the pages say for each bad link: not valid, cancelled, ended, not yet open.

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

const MIN = 60_000;
const local = (url: string) => url.replace('http://meet.example.test', base);

interface Booked {
  confId: number;
  confNumber: string;
  hostStartUrl: string;
  joinUrl: string;
}

async function reserve(site: SiteRow, params: Record<string, unknown> = {}): Promise<Booked> {
  const res = await t.call('confReservation', site, {
    userId: 'host1',
    userName: 'Hostess',
    confName: 'Front door',
    startTime: gmt(Math.floor(Date.now() / 1000) * 1000 - MIN),
    duration: 60,
    confParties: 10,
    ...params,
  });
  expect(res.body.status, res.body.message).toBe(100);
  return res.body.data;
}

async function open(url: string, locale = 'en-US'): Promise<Page> {
  const context = await browser.newContext({ locale, timezoneId: 'UTC' });
  const page = await context.newPage();
  await page.goto(url.startsWith('/') ? `${base}${url}` : local(url));
  return page;
}

const state = (page: Page) => page.getByTestId('state');

describe.skipIf(!haveChromium)('the front door', () => {
  it('joins by meeting ID and password into the attendee flow, the password carried to the join form', async () => {
    const site = await t.site();
    const m = await reserve(site, { confPassword: 'Pw123', optionJbh: 1, confName: 'By number' });
    const page = await open('/');
    await expect.poll(() => page.locator('h1').textContent()).toBe('Join a meeting');
    expect(await page.evaluate<string>('document.documentElement.lang')).toBe('en');
    expect(await page.getByTestId('console-link').getAttribute('href')).toBe('/console/');
    expect(await page.getByTestId('docs-link').getAttribute('href')).toBe('/docs');

    const spaced = m.confNumber.replace(/^(\d{3})(\d{3})(\d{4})$/, '$1 $2 $3');
    await page.getByTestId('meeting-number-input').fill('12345');
    await page.getByTestId('join-button').click();
    await expect.poll(() => page.getByTestId('error').textContent()).toBe('A meeting ID has 10 digits.');
    await page.getByTestId('meeting-number-input').fill(spaced);
    await page.getByTestId('meeting-password-input').fill('wrong');
    await page.getByTestId('join-button').click();
    await expect.poll(() => page.getByTestId('error').textContent()).toBe('The meeting password is not right.');
    await page.getByTestId('meeting-password-input').fill('Pw123');
    await page.getByTestId('join-button').click();

    await page.waitForURL(new RegExp(`/j/${m.confNumber}/[0-9A-F]{32}$`));
    expect(page.url()).toBe(local(m.joinUrl));
    await expect.poll(() => page.getByTestId('meeting-name').textContent()).toBe('By number');
    expect(await page.getByTestId('password-input').inputValue()).toBe('Pw123');
    // Carried once: not kept for the next visit.
    expect(await page.evaluate<number>('sessionStorage.length')).toBe(0);
    await page.getByTestId('name-input').fill('Walk-in');
    await page.getByTestId('enter-button').click();
    await page.getByTestId('room').waitFor();
    await page.context().close();
  });

  it('an unknown meeting ID is said so; the language follows the browser and the switch, which is kept', async () => {
    const page = await open('/', 'zh-CN');
    await expect.poll(() => page.locator('h1').textContent()).toBe('加入会议');
    expect(await page.evaluate<string>('document.documentElement.lang')).toBe('zh-CN');
    expect(await page.getByTestId('lang-zh').getAttribute('aria-pressed')).toBe('true');
    await page.getByTestId('meeting-number-input').fill('0000000001');
    await page.getByTestId('join-button').click();
    await expect.poll(() => page.getByTestId('error').textContent()).toBe('没有这个会议号的会议。请检查后重试。');

    await page.getByTestId('lang-en').click();
    expect(await page.locator('h1').textContent()).toBe('Join a meeting');
    expect(await page.evaluate<string>('document.documentElement.lang')).toBe('en');
    expect(await page.getByTestId('docs-link').textContent()).toBe('API documentation');
    // What was typed stays.
    expect(await page.getByTestId('meeting-number-input').inputValue()).toBe('0000000001');
    await page.reload();
    await expect.poll(() => page.locator('h1').textContent()).toBe('Join a meeting');
    expect(await page.getByTestId('lang-en').getAttribute('aria-pressed')).toBe('true');
    await page.context().close();
  });
});

describe.skipIf(!haveChromium)('a first-time user, in Chinese, from the front door into a meeting and back out', () => {
  it('types the meeting ID and password, gives a name, is in the room, leaves, and is led back to the front door', async () => {
    const site = await t.site();
    const m = await reserve(site, { confPassword: '2468', optionJbh: 1, confName: '周会' });
    const page = await open('/', 'zh-CN');
    await expect.poll(() => page.locator('h1').textContent()).toBe('加入会议');
    await page.getByTestId('meeting-number-input').fill(m.confNumber);
    await page.getByTestId('meeting-password-input').fill('2468');
    await page.getByTestId('join-button').click();

    await page.waitForURL(new RegExp(`/j/${m.confNumber}/[0-9A-F]{32}$`));
    await expect.poll(() => page.getByTestId('meeting-name').textContent()).toBe('周会');
    await page.getByTestId('name-input').fill('小王');
    await page.getByTestId('enter-button').click();
    await page.getByTestId('room').waitFor();
    expect(await page.getByTestId('leave-button').textContent()).toBe('离开');
    await screenshots(page, 'test-results/front-door', 'journey-room', { fullPage: false, checkWidth: false });

    await page.getByTestId('leave-button').click();
    await expect.poll(() => page.getByTestId('state').getAttribute('data-state')).toBe('left');
    expect(await page.getByTestId('state').textContent()).toBe('你已离开会议');
    await screenshots(page, 'test-results/front-door', 'journey-left', { fullPage: false, checkWidth: false });
    await page.getByTestId('front-door-link').click();
    await page.waitForURL(`${base}/`);
    await expect.poll(() => page.locator('h1').textContent()).toBe('加入会议');
    await page.context().close();
  });
});

describe.skipIf(!haveChromium)('bad links get a page that says what happened', () => {
  const invalid = 'This link is not valid';

  it('a garbled link, one cut short and one with a wrong secret: not valid, with the way to the front door', async () => {
    const site = await t.site();
    const m = await reserve(site);
    const secret = m.joinUrl.split('/').at(-1)!;
    for (const url of [
      `/j/${m.confNumber}/%E0%A4%A`,
      `/j/${m.confNumber}`,
      `/j/${m.confNumber}/${'A'.repeat(32)}`,
      `/s/${m.confNumber}/${secret}`,
    ]) {
      const page = await open(url);
      await expect.poll(() => state(page).getAttribute('data-state'), { message: url }).toBe('invalid');
      expect(await state(page).textContent()).toBe(invalid);
      await page.getByTestId('front-door-link').click();
      await page.waitForURL(`${base}/`);
      await page.context().close();
    }
  });

  it('a cancelled meeting says cancelled, in the reader’s language', async () => {
    const site = await t.site();
    const m = await reserve(site, { startTime: gmt(Date.now() + 60 * MIN) });
    expect((await t.call('cancelConf', site, { userId: 'host1', confId: m.confId })).body.status).toBe(100);
    for (const [url, locale, text] of [
      [m.joinUrl, 'en-US', 'This meeting was cancelled'],
      [m.hostStartUrl, 'zh-CN', '会议已取消'],
    ] as const) {
      const page = await open(url, locale);
      await expect.poll(() => state(page).getAttribute('data-state')).toBe('cancelled');
      expect(await state(page).textContent()).toBe(text);
      await page.context().close();
    }
  });

  it('an ended meeting says it has ended', async () => {
    const site = await t.site();
    const m = await reserve(site);
    // Its window (until 59 minutes from now) has passed.
    t.clock.now = Date.now() + 2 * 60 * MIN;
    const page = await open(m.joinUrl);
    await expect.poll(() => state(page).getAttribute('data-state')).toBe('ended');
    expect(await state(page).textContent()).toBe('This meeting has ended');
    t.clock.now = Date.now();
    await page.context().close();
  });

  it('a meeting not open yet shows when it opens, to the host and to an attendee waiting for the host', async () => {
    const site = await t.site();
    const m = await reserve(site, { startTime: gmt(Math.floor(Date.now() / 1000) * 1000 + 24 * 60 * MIN) });
    const opensAt = new Date(Date.now() + 24 * 60 * MIN);
    const day = String(opensAt.getUTCDate()).padStart(2, '0');

    const host = await open(m.hostStartUrl);
    await host.getByTestId('opens-at').waitFor();
    expect(await host.getByTestId('opens-at').textContent()).toMatch(
      /^The meeting is not open yet\. It opens at .+\.$/,
    );
    expect(await host.getByTestId('opens-at').textContent()).toContain(day);

    const guest = await open(m.joinUrl, 'zh-CN');
    await guest.getByTestId('opens-at').waitFor();
    expect(await guest.getByTestId('opens-at').textContent()).toMatch(/^会议尚未开放。开放时间：/);
    await guest.getByTestId('name-input').fill('Early');
    await guest.getByTestId('enter-button').click();
    await expect.poll(() => state(guest).getAttribute('data-state')).toBe('host_wait');
    expect(await guest.getByTestId('opens-at').textContent()).toContain(day);
    await host.context().close();
    await guest.context().close();
  });
});
