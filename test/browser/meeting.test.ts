import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, gmt, type TestApp } from '../helper.js';
import { ensurePagesBuilt, haveChromium, launchChromium } from './browser.js';

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

/** The test app hands out links under http://meet.example.test; the pages are served here. */
const local = (url: string) => url.replace('http://meet.example.test', base);

async function openPage(url: string): Promise<Page> {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(local(url));
  return page;
}

async function enter(page: Page, name?: string) {
  await page.getByTestId('enter-button').waitFor();
  if (name !== undefined) await page.getByTestId('name-input').fill(name);
  await page.getByTestId('enter-button').click();
}

const rosterCount = (page: Page) => page.getByTestId('roster-count');

describe.skipIf(!haveChromium)('a meeting held in the browser from the links confReservation answered', () => {
  it('host starts, two join, rosters and live detail show three, one leaves, the host ends, reports show all', async () => {
    const site = await t.site();
    const reserved = await t.call('confReservation', site, {
      userId: 'host1',
      userName: 'Hostess',
      confName: 'Browser sync',
      startTime: gmt(Math.floor(Date.now() / 1000) * 1000 - 60_000),
      duration: 60,
      confParties: 10,
    });
    expect(reserved.body.status).toBe(100);
    const m = reserved.body.data;

    const host = await openPage(m.hostStartUrl);
    await expect.poll(() => host.getByTestId('meeting-name').textContent()).toContain('Browser sync');
    expect(await host.getByTestId('name-input').inputValue()).toBe('Hostess');
    await enter(host);
    await host.getByTestId('room').waitFor();

    const ann = await openPage(m.joinUrl);
    await enter(ann, '<script>window.__xss=2</script>Ann');
    const bob = await openPage(m.webClientJoin);
    await enter(bob, '<img src=x onerror="window.__xss=1">Bob');

    for (const page of [host, ann, bob])
      await expect.poll(() => rosterCount(page).textContent(), { timeout: 10_000 }).toBe('3');
    const names = await host.getByTestId('roster-item').allTextContents();
    expect(names.join('|')).toContain('<img src=x onerror="window.__xss=1">Bob');
    expect(names.join('|')).toContain('<script>window.__xss=2</script>Ann');
    for (const page of [host, ann, bob])
      expect(await page.evaluate(() => (globalThis as unknown as { __xss?: number }).__xss)).toBeUndefined();
    expect(await host.getByTestId('end-button').count()).toBe(1);
    expect(await ann.getByTestId('end-button').count()).toBe(0);

    const live = await t.call('getLiveDetail', site, { confNo: m.confNumber }, { subject: 'confNo' });
    expect(live.body.data.map((p: { userName: string }) => p.userName)).toEqual([
      'Hostess',
      '<script>window.__xss=2</script>Ann',
      '<img src=x onerror="window.__xss=1">Bob',
    ]);
    expect(live.body.data.every((p: { deviceType: string }) => p.deviceType === 'pc')).toBe(true);
    const living = await t.call('getLivingConfListBySiteSign', site, { userId: 'x' });
    expect(living.body.data.map((c: { confId: number }) => c.confId)).toEqual([m.confId]);

    await ann.getByTestId('leave-button').click();
    await expect.poll(() => ann.getByTestId('state').getAttribute('data-state')).toBe('left');
    for (const page of [host, bob])
      await expect.poll(() => rosterCount(page).textContent(), { timeout: 10_000 }).toBe('2');

    await host.getByTestId('end-button').click();
    await host.getByTestId('end-confirm-button').click();
    await expect.poll(() => bob.getByTestId('state').getAttribute('data-state'), { timeout: 10_000 }).toBe('ended');
    await expect.poll(() => host.getByTestId('state').getAttribute('data-state'), { timeout: 10_000 }).toBe('ended');

    const detail = await t.call('getConfDetailByConfId', site, { userId: 'host1', confId: m.confId });
    expect(detail.body.data.confStatus).toBe(3);
    const flat = await t.call('getConfLogListByConfId', site, { userId: 'host1', confId: m.confId });
    expect(flat.body.totalItems).toBe(3);
    const logs = flat.body.data.logs as {
      participantName: string;
      joinTime: string;
      leaveTime: string;
      deviceType: string;
      ip: string;
    }[];
    expect(logs.map((l) => l.participantName)).toEqual([
      'Hostess',
      '<script>window.__xss=2</script>Ann',
      '<img src=x onerror="window.__xss=1">Bob',
    ]);
    const started = Date.parse(`${logs[0]!.joinTime.replace(' ', 'T')}Z`);
    expect(Math.abs(started - Date.now())).toBeLessThan(120_000);
    for (const log of logs) {
      expect(log.leaveTime >= log.joinTime).toBe(true);
      expect(log.leaveTime <= gmt(Date.now())).toBe(true);
      expect(log.ip).toBe('127.0.0.1');
    }
    expect(logs[1]!.leaveTime <= logs[0]!.leaveTime).toBe(true);
    const grouped = await t.call('getConfLogListByConfId2', site, { userId: 'host1', confId: m.confId });
    expect(grouped.body.recordStatus).toBe(1);
    expect(grouped.body.data.records).toHaveLength(1);
    expect(grouped.body.data.records[0].logs).toHaveLength(3);
  }, 60_000);

  it('tells a wrong link from a good one, and nothing more', async () => {
    const page = await openPage(`${base}/j/1234567890/${'A'.repeat(32)}`);
    await expect.poll(() => page.getByTestId('state').getAttribute('data-state')).toBe('invalid');
    expect(await page.getByTestId('name-input').count()).toBe(0);
  });
});
