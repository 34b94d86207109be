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
import { DESKTOP, screenshots } from './screenshots.js';

const server = listeningTestApp({ realClock: true });
const ARTIFACTS = path.resolve('test-results/console');
let browser: Browser;

const shoot = (page: Page, name: string) => screenshots(page, ARTIFACTS, name);

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
    await shoot(page, 'meetings-calendar');
    await page.getByTestId('view-list').click();
    await page.getByTestId('meeting-list').waitFor();
    expect(await page.getByTestId('meeting-list').textContent()).toContain('Host One (host1)');
    await shoot(page, 'meetings-list');

    // Live: two people join while the page is open, and appear without a reload.
    await page.getByRole('navigation').getByRole('link', { name: 'Live' }).click();
    await page.getByText('No meeting is live now.').waitFor();
    await page.getByText('Updating live').waitFor();
    await events([
      { type: 'session.started' },
      { type: 'participant.joined', participant: { cuid: 'p1', name: '张三', role: 'host', deviceType: 'pc' } },
    ]);
    await page.getByTestId(`roster-${confNumber}`).getByText('张三').waitFor();
    // The focus stays where it is while the roster changes.
    await page.getByLabel('Minutes to add').focus();
    await events([{ type: 'participant.joined', participant: { cuid: 'p2', name: 'Smith, Jo', role: 'attendee' } }]);
    await page.getByTestId(`roster-${confNumber}`).getByText('Smith, Jo').waitFor();
    expect(await page.getByTestId(`live-count-${confNumber}`).textContent()).toBe('2 in the meeting');
    expect(await page.evaluate<string>('document.activeElement?.getAttribute("name") ?? ""')).toBe(`extend-${confId}`);
    await shoot(page, 'live');
    // Extending by 15 minutes (2.14's rule): the meeting now lasts 75.
    await page.getByTestId(`extend-${confId}`).click();
    await page.getByText(/^Changed: it now ends at .*, for up to 10 parties\.$/).waitFor();
    const extended = await t.call('getConfDetailByConfId', site, { userId: 'host1', confId });
    expect(extended.body.data.duration).toBe(75);
    await page.getByTestId(`end-${confId}`).click();
    await page.getByText('No meeting is live now.').waitFor();
    const api = await t.call('getConfDetailByConfId', site, { userId: 'host1', confId });
    expect(api.body.data.confStatus).toBe(3);

    // What 张三 said in the room's chat (kept as the room keeps it), shown on the meeting's page as text.
    const held = await t.store.db
      .selectFrom('sessions')
      .select('id')
      .where('meeting_id', '=', confId)
      .executeTakeFirstOrThrow();
    await t.store.db
      .insertInto('chat_messages')
      .values({
        id: '00000000-0000-4000-8000-000000000001',
        site_id: site.id,
        meeting_id: confId,
        session_id: held.id,
        sender_cuid: 'p1',
        sender_name: '张三',
        text: 'Agenda: <b>budget</b>',
        sent_at: Date.now(),
      })
      .execute();

    // The meeting's page: both people in its attendance, and the CSV of it.
    await page.getByRole('navigation').getByRole('link', { name: 'Meetings' }).click();
    await page.getByTestId(`meeting-${confNumber}`).first().click();
    await page.getByTestId('attendance').waitFor();
    const rows = await page.getByTestId('attendance').locator('tbody tr').allTextContents();
    expect(rows).toHaveLength(2);
    expect(rows[0]).toContain('张三');
    expect(rows[1]).toContain('Smith, Jo');
    expect(await page.getByTestId('edit-meeting').count()).toBe(0);
    const said = page.getByTestId('meeting-chat').locator('tbody tr');
    await said.first().waitFor();
    expect(await said.locator('td').allTextContents()).toEqual([
      '1',
      expect.any(String),
      '张三',
      'Agenda: <b>budget</b>',
    ]);
    expect(await page.getByTestId('meeting-chat').locator('b').count()).toBe(0);
    await shoot(page, 'meeting');
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

  it('books through the form with the licence’s refusal in words, edits, and shows a viewer no control', async () => {
    const t = server.t;
    const site = await t.site({ siteSign: 'initech', totalNumParties: 5 });
    await consoleAccount(t, site, 'owner@initech.example');
    await consoleAccount(t, site, 'viewer@initech.example', 'viewer');
    const signedIn = async (email: string, locale: string) => {
      const context = await browser.newContext({ viewport: DESKTOP, locale });
      const page = await context.newPage();
      const errors: string[] = [];
      page.on('pageerror', (err) => errors.push(err.message));
      page.on('console', (msg) => msg.type() === 'error' && !/409/.test(msg.text()) && errors.push(msg.text()));
      await page.goto(`${server.base}/console/sign-in`);
      await page.locator('#f-email').fill(email);
      await page.locator('#f-password').fill(PASSWORD);
      await page.getByTestId('sign-in').click();
      await page.getByTestId('overview').waitFor();
      return { context, page, errors };
    };

    // A meeting of 4 parties holds most of the licence of 5 at that hour.
    const hour = Math.ceil((t.clock.now + 7_200_000) / 3_600_000) * 3_600_000;
    const held = await t.call('confReservation', site, {
      userId: 'other',
      userName: 'Other',
      confName: 'Busy',
      startTime: gmt(hour),
      duration: 60,
      confParties: 4,
    });
    expect(held.body.status, held.body.message).toBe(100);
    const d = new Date(hour);
    const pad = (n: number) => String(n).padStart(2, '0');
    const local = `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:00`;

    // In Chinese, as the browser is: 2 more parties at that hour are over the licence: 205, in words.
    const { context, page, errors } = await signedIn('owner@initech.example', 'zh-CN');
    await page.goto(`${server.base}/console/sites/initech/meetings`);
    await page.getByTestId('book-open').click();
    await page.getByLabel('主持人 userId').fill('h1');
    await page.getByLabel('主持人姓名（新用户）').fill('李四');
    await page.getByLabel('会议名称').fill('项目评审');
    await page.getByLabel('开始时间（本地时间）').fill(local);
    await page.getByLabel('方数').fill('2');
    await page.getByTestId('book').click();
    const refusal = page.getByTestId('booking-form').getByTestId('error');
    await refusal.waitFor();
    expect(await refusal.textContent()).toBe('超出站点许可：这段时间可用的同时参会方数不足。');
    await shoot(page, 'meetings-book-refused-zh');
    await page.getByLabel('方数').fill('1');
    await page.getByTestId('book').click();
    await page.getByTestId('meeting-details').waitFor();
    expect(await page.getByTestId('meeting-name').textContent()).toBe('项目评审');
    expect(await page.getByTestId('meeting-details').textContent()).toContain('李四 (h1)');

    // Editing: the new name is saved through 2.12's rules and the API sees it.
    await page.getByTestId('edit-meeting').click();
    await page.getByTestId('edit-form').getByLabel('会议名称').fill('项目评审（改）');
    await page.getByTestId('save-meeting').click();
    await page.getByText('项目评审（改）').first().waitFor();
    const confId = Number(page.url().split('/').pop());
    const api = await t.call('getConfDetailByConfId', site, { userId: 'h1', confId });
    expect(api.body.data.confName).toBe('项目评审（改）');
    expect(errors).toEqual([]);
    await context.close();

    // A viewer: the meeting, its links and attendance, but no booking, edit, cancel or end.
    const viewer = await signedIn('viewer@initech.example', 'en-US');
    await viewer.page.goto(`${server.base}/console/sites/initech/meetings/${confId}`);
    await viewer.page.getByTestId('meeting-details').waitFor();
    expect(await viewer.page.getByText('Viewers look only; they cannot change anything.').count()).toBe(1);
    expect(await viewer.page.getByTestId('edit-meeting').count()).toBe(0);
    expect(await viewer.page.getByTestId('cancel-meeting').count()).toBe(0);
    await viewer.page.goto(`${server.base}/console/sites/initech/meetings`);
    await viewer.page.getByTestId('calendar').waitFor();
    expect(await viewer.page.getByTestId('book-open').count()).toBe(0);
    expect(viewer.errors).toEqual([]);
    await viewer.context.close();
  }, 90_000);
});
