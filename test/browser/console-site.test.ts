/**
 * The console's pages about a site's use in chromium (issue 19): the Overview's day chart changes after a
 * meeting is held, a viewer changes nothing, the page logs no error (a CSP refusal is one). Screenshots of
 * each page at desktop and phone size are kept in test-results/console/.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SiteRow } from '../../src/store/database.js';
import { consoleAccount, PASSWORD } from '../console/console-client.js';
import { gmt, listeningTestApp, sign } from '../helper.js';
import { ensurePagesBuilt, haveChromium, launchChromium } from './browser.js';
import { DESKTOP, screenshots } from './screenshots.js';

const server = listeningTestApp({ realClock: true });
const ARTIFACTS = path.resolve('test-results/console');
const AUDIO = fs.readFileSync(path.resolve('test/fixtures/tone-3s.m4a'));
let browser: Browser;
let site: SiteRow;
let recorders = 0;

// The charts follow their width (a ResizeObserver): they draw again after each resize.
const shoot = (page: Page, name: string) => screenshots(page, ARTIFACTS, name, { settleMs: 200 });

/** A page signed in as `email`, collecting what it logs as errors. */
async function signedInPage(email: string, locale = 'en-US'): Promise<{ page: Page; errors: string[] }> {
  const context = await browser.newContext({ viewport: DESKTOP, locale });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (err) => errors.push(err.message));
  page.on('console', (msg) => msg.type() === 'error' && errors.push(msg.text()));
  await page.goto(`${server.base}/console/sign-in`);
  await page.getByTestId('sign-in').waitFor();
  await page.getByTestId('lang').waitFor();
  await page.locator('#f-email').fill(email);
  await page.locator('#f-password').fill(PASSWORD);
  await page.getByTestId('sign-in').click();
  await page.getByTestId('overview').waitFor();
  return { page, errors };
}

/** Today's row of the usage table: meeting minutes, participant minutes, participants, peak parties. */
async function todaysRow(page: Page): Promise<string[]> {
  const today = new Date(server.t.clock.now).toISOString().slice(0, 10);
  return page.locator(`[data-testid="usage-table"] tr[data-day="${today}"] td`).allTextContents();
}

async function mediaEvent(confNumber: string, type: string, participant: Record<string, unknown>) {
  const res = await server.t.call(
    '/media/v1/events',
    site,
    { confNumber, events: [{ type, participant }] },
    { subject: 'confNumber', encoding: 'json' },
  );
  expect(res.body.status, res.body.message).toBe(100);
}

/** A recording of the last ten minutes of a meeting of `site` that began 30 minutes ago, uploaded as 2.18 does. */
async function uploadRecording(confName: string): Promise<{ confNumber: string; recordId: number }> {
  const t = server.t;
  const userId = `rec-${++recorders}`;
  expect(
    (await t.call('createOrUpdateUser', site, { userId, userName: 'Recorder', enableCloudRecord: 1 })).body.status,
  ).toBe(100);
  const now = Math.floor(Date.now() / 1000) * 1000;
  const booked = await t.call('confReservation', site, {
    userId,
    userName: 'Recorder',
    confName,
    startTime: gmt(now - 30 * 60_000),
    duration: 120,
    confParties: 5,
  });
  expect(booked.body.status, booked.body.message).toBe(100);
  const confNumber = booked.body.data.confNumber as string;
  const params = { confNumber, fileType: 'M4A', recordStart: gmt(now - 10 * 60_000), recordEnd: gmt(now - 5 * 60_000) };
  const up = await t.app.inject({
    method: 'POST',
    url: '/media/v1/recordings',
    query: sign(site, params, Date.now(), { subject: 'confNumber' }),
    headers: { 'content-type': 'audio/mp4' },
    payload: AUDIO,
  });
  expect(up.json().status, up.json().message).toBe(100);
  return { confNumber, recordId: up.json().data.recordId };
}

const cloudFiles = async (confNo: string) =>
  (await server.t.call('getCloudFileList', site, { confNo }, { subject: 'confNo' })).body.data as { topic: string }[];

describe.skipIf(!haveChromium)('the console’s site pages in a browser', () => {
  beforeAll(async () => {
    ensurePagesBuilt();
    fs.mkdirSync(ARTIFACTS, { recursive: true });
    browser = await launchChromium();
    site = await server.t.site({ siteSign: 'acme', totalNumParties: 25 });
    await consoleAccount(server.t, site, 'owner@acme.example');
    await consoleAccount(server.t, site, 'viewer@acme.example', 'viewer');
  }, 120_000);
  afterAll(async () => browser?.close());

  it('overview: empty at first; after a meeting is held today its day shows it, in the charts and the table', async () => {
    const { page, errors } = await signedInPage('owner@acme.example');
    await page.getByTestId('usage-empty').waitFor();
    expect(await page.getByTestId('live-now').textContent()).toContain('No meeting is in progress.');
    expect(await page.getByTestId('upcoming').textContent()).toContain('No meetings are scheduled.');
    expect(await page.getByTestId('booked-now').textContent()).toBe('0 of 25 parties');
    await shoot(page, 'overview-empty');

    // A meeting held for the last 40 minutes (the server's clock set back while it is held), all of it today (GMT),
    // and one coming tomorrow.
    const t = server.t;
    const now = Date.now();
    const minutes = Math.min(40, Math.floor((now % 86_400_000) / 60_000) - 1);
    const booked = await t.call('confReservation', site, {
      userId: 'h1',
      userName: 'Wang Fang',
      confName: 'Weekly sync',
      startTime: gmt(now - 45 * 60_000),
      duration: 60,
      confParties: 10,
    });
    expect(booked.body.status, booked.body.message).toBe(100);
    const coming = await t.call('confReservation', site, {
      userId: 'h1',
      userName: 'Wang Fang',
      confName: 'Planning',
      startTime: gmt(now + 26 * 3_600_000),
      duration: 30,
      confParties: 5,
    });
    expect(coming.body.status, coming.body.message).toBe(100);
    const confNumber = booked.body.data.confNumber as string;
    t.clock.now = now - minutes * 60_000;
    await mediaEvent(confNumber, 'participant.joined', {
      cuid: 'host',
      name: 'Wang Fang',
      role: 'host',
      deviceType: 'pc',
    });
    await mediaEvent(confNumber, 'participant.joined', {
      cuid: 'a1',
      name: 'Li Lei',
      role: 'attendee',
      deviceType: 'mobile',
    });
    t.clock.now = Date.now();
    await mediaEvent(confNumber, 'participant.left', { cuid: 'a1' });
    await mediaEvent(confNumber, 'participant.left', { cuid: 'host' });

    // The range buttons load the charts again; 90 days, then 30.
    await page.getByTestId('range-90').click();
    await page.locator('[data-testid="chart-minutes"] canvas').waitFor();
    expect(await page.getByTestId('range-90').getAttribute('aria-pressed')).toBe('true');
    expect(await page.evaluate<string | null>("document.activeElement?.getAttribute('data-testid') ?? null")).toBe(
      'range-90',
    );
    expect(await page.locator('[data-testid="usage-table"] tbody tr').count()).toBe(90);
    await page.getByTestId('range-30').click();
    await page.locator('[data-testid="usage-table"] tbody tr').nth(29).waitFor({ state: 'attached' });
    expect(await page.locator('[data-testid="usage-table"] tbody tr').count()).toBe(30);
    // uPlot draws once its box has a width (a ResizeObserver): each chart's canvas appears.
    for (const chart of ['chart-minutes', 'chart-joins', 'chart-devices', 'chart-peak'])
      await page.locator(`[data-testid="${chart}"] canvas`).first().waitFor();
    await page.getByText('Show as a table').click();
    expect(await todaysRow(page)).toEqual([String(minutes), String(2 * minutes), '2', '2']);
    expect(await page.getByTestId('chart-minutes').textContent()).toContain(
      `${minutes} meeting minutes and ${2 * minutes} participant minutes in 30 days.`,
    );
    expect(await page.getByTestId('chart-devices').textContent()).toContain('Computer 1, phone 1, other 0.');
    expect(await page.getByTestId('chart-peak').textContent()).toContain('the licence allows 25');
    expect(await page.getByTestId('upcoming').textContent()).toContain('Planning');
    // The meeting's window has 15 minutes to run: its parties stay booked, as the 205 check counts them.
    expect(await page.getByTestId('booked-now').textContent()).toBe('10 of 25 parties');
    await shoot(page, 'overview');

    await page.getByTestId('lang').click();
    await page.getByText('每天的会议时长与参会人时长（分钟）').waitFor();
    await shoot(page, 'overview-zh');
    // No error logged: a script or style refused by the pages' CSP would be one.
    expect(errors).toEqual([]);
    await page.context().close();
  }, 90_000);

  it('recordings: play and download links, and an owner deletes one; getCloudFileList drops it', async () => {
    const kept = await uploadRecording('Board meeting');
    const gone = await uploadRecording('Design review');
    expect((await cloudFiles(gone.confNumber)).map((f) => f.topic)).toEqual(['Design review']);
    const { page, errors } = await signedInPage('owner@acme.example');
    await page.getByRole('navigation').getByRole('link', { name: 'Recordings' }).click();
    await page.getByTestId('recordings').waitFor();
    expect(page.url()).toBe(`${server.base}/console/sites/acme/recordings`);
    const row = (id: number) => page.locator(`[data-testid="recordings"] tr[data-record-id="${id}"]`);
    expect(await row(gone.recordId).textContent()).toContain('Design review');
    // The play link is the signed link 2.19 answers: it plays the file.
    const play = await row(kept.recordId).getByRole('link', { name: 'Play' }).getAttribute('href');
    const played = await page.request.get(play!.replace('http://meet.example.test', server.base));
    expect(played.status()).toBe(200);
    await shoot(page, 'recordings');

    await row(gone.recordId).getByTestId('delete-recording').click();
    await row(gone.recordId).getByTestId('confirm-delete').click();
    await row(gone.recordId).waitFor({ state: 'detached' });
    expect(await row(kept.recordId).count()).toBe(1);
    expect(await cloudFiles(gone.confNumber)).toEqual([]);
    expect((await cloudFiles(kept.confNumber)).map((f) => f.topic)).toEqual(['Board meeting']);
    expect(errors).toEqual([]);
    await page.context().close();
  }, 60_000);

  it('users: an owner adds one, changes it, gives it a new host key and deletes it, as the API sees it', async () => {
    const { page, errors } = await signedInPage('owner@acme.example');
    await page.getByRole('navigation').getByRole('link', { name: 'Users' }).click();
    await page.getByTestId('users').waitFor();
    await page.getByLabel('User ID (userId)').fill('zhang');
    await page.getByLabel('Name').fill('Zhang Wei');
    await page.getByLabel('May record to the cloud').check();
    await page.getByTestId('save-user').click();
    const row = page.locator('[data-testid="users"] tr[data-user-id="zhang"]');
    await row.waitFor();
    const apiUser = async () => (await server.t.call('getUserByUserId', site, { userId: 'zhang' })).body;
    expect((await apiUser()).userInfo).toMatchObject({ username: 'Zhang Wei', hasCloudRecord: 1 });
    await shoot(page, 'users');

    await row.getByTestId('edit-user').click();
    await page.getByLabel('Name').fill('Zhang Wei (Ops)');
    await page.getByLabel('May record to the cloud').uncheck();
    await page.getByTestId('save-user').click();
    await row.getByText('Zhang Wei (Ops)').waitFor();
    expect((await apiUser()).userInfo).toMatchObject({ username: 'Zhang Wei (Ops)', hasCloudRecord: 0 });

    const oldKey = await row.getByTestId('host-key').textContent();
    await row.getByTestId('new-host-key').click();
    await page.getByTestId('status').getByText('the old one no longer works').waitFor();
    const newKey = await row.getByTestId('host-key').textContent();
    expect(newKey).not.toBe(oldKey);
    expect(String((await apiUser()).userInfo.hostKey).padStart(6, '0')).toBe(newKey);

    await row.getByTestId('delete-user').click();
    await row.getByTestId('confirm-delete').click();
    await row.waitFor({ state: 'detached' });
    expect((await apiUser()).status).toBe(101);
    expect(errors).toEqual([]);
    await page.context().close();
  }, 60_000);

  it('webhooks: an owner adds an endpoint, sees a delivery refused with its status, sends it again', async () => {
    // The test server's endpoint is on 127.0.0.1, which the default rules refuse: the console says so.
    const { page, errors } = await signedInPage('owner@acme.example');
    await page.getByRole('navigation').getByRole('link', { name: 'Webhooks' }).click();
    await page.getByTestId('endpoints-empty').waitFor();
    await page.getByLabel('Address (URL)').fill('http://127.0.0.1:9/hook');
    await page.getByTestId('add-endpoint').click();
    await page.getByTestId('error').getByText('Not added:').waitFor();
    // One the rules allow: its secret is shown once.
    await page.getByLabel('Address (URL)').fill('https://hooks.example.com/huiguan');
    await page.getByTestId('add-endpoint').click();
    await page.getByTestId('endpoint-secret').waitFor();
    expect(await page.getByTestId('endpoint-secret').inputValue()).toMatch(/^[0-9a-f]{64}$/);
    expect(await page.getByTestId('endpoints').textContent()).toContain('https://hooks.example.com/huiguan');
    // A delivery that was refused (HTTP 503) and given up, as the worker leaves it.
    const t = server.t;
    const booked = await t.call('confReservation', site, {
      userId: 'hooked',
      userName: 'Hooked',
      confName: 'Hooked',
      startTime: gmt(Date.now() + 3 * 86_400_000),
      duration: 30,
      confParties: 2,
    });
    expect(booked.body.status).toBe(100);
    await t.store.db
      .updateTable('webhook_deliveries')
      .set({ status: 'failed', attempts: 9, last_status_code: 503, last_error: 'HTTP 503' })
      .execute();
    await page.reload();
    await page.getByTestId('deliveries').waitFor();
    expect(await page.getByTestId('delivery-status').first().textContent()).toContain('Failed · HTTP 503');
    await shoot(page, 'webhooks');
    await page.getByTestId('resend').first().click();
    await page.getByTestId('status').getByText('Queued to be sent again.').waitFor();
    await expect.poll(() => page.getByTestId('delivery-status').first().textContent()).toContain('Retrying');
    // The refused address was answered 400, which the browser logs; nothing else.
    expect(errors.filter((e) => !/status of 400/.test(e))).toEqual([]);
    await page.context().close();
  }, 60_000);

  it('settings: an owner rotates the API key; the API refuses the old one at once and takes the new one', async () => {
    const { page, errors } = await signedInPage('owner@acme.example');
    await page.getByRole('navigation').getByRole('link', { name: 'Settings' }).click();
    await page.getByTestId('limits').waitFor();
    expect(await page.getByTestId('limits').textContent()).toContain('25 concurrent parties');
    const ask = (apiKey: string) =>
      server.t.call('getUserByUserId', { ...site, api_key: apiKey }, { userId: 'nobody' });
    expect((await ask(site.api_key)).body.status).toBe(101);
    await shoot(page, 'settings');
    await page.getByTestId('rotate-key').click();
    await page.getByTestId('confirm-rotate').click();
    await page.getByTestId('new-api-key').waitFor();
    const newKey = await page.getByTestId('new-api-key').inputValue();
    expect(newKey).not.toBe(site.api_key);
    const old = await ask(site.api_key);
    expect(old.body.status, old.body.message).toBe(102);
    expect((await ask(newKey)).body.status).toBe(101);
    site = { ...site, api_key: newKey };
    // A meeting held to one room device, as changeRcPort.
    const booked = await server.t.call('confReservation', site, {
      userId: 'roomy',
      userName: 'Roomy',
      confName: 'Room',
      startTime: gmt(Date.now() + 5 * 86_400_000),
      duration: 30,
      confParties: 2,
    });
    expect(booked.body.status).toBe(100);
    await page.getByLabel('Meeting number').fill(booked.body.data.confNumber);
    await page.getByTestId('save-rc-port').click();
    await page.getByTestId('rc-done').getByText('is updated').waitFor();
    const row = await server.t.store.db
      .selectFrom('meetings')
      .select('rc_port')
      .where('conf_number', '=', booked.body.data.confNumber)
      .executeTakeFirstOrThrow();
    expect(row.rc_port).toBe(1);
    expect(errors).toEqual([]);
    await page.context().close();
  }, 60_000);

  it('a viewer sees every page with no control that changes anything', async () => {
    const { page, errors } = await signedInPage('viewer@acme.example');
    await page.locator('[data-testid="chart-peak"] canvas').waitFor();
    expect(await page.getByTestId('reveal-key').count()).toBe(0);
    // What a viewer can press only reads: the range and the language.
    const buttons = await page
      .locator('main button')
      .evaluateAll((els) => els.map((e) => e.getAttribute('data-testid')));
    expect(buttons.sort()).toEqual(['range-30', 'range-90']);
    await shoot(page, 'overview-viewer');
    await page.getByRole('navigation').getByRole('link', { name: 'Recordings' }).click();
    await page.getByTestId('recordings').waitFor();
    expect(await page.locator('main button').count()).toBe(0);
    expect(await page.getByRole('link', { name: 'Play' }).count()).toBeGreaterThan(0);
    await page.getByText('You are a viewer: you can look, not change.').waitFor();
    await shoot(page, 'recordings-viewer');
    await page.getByRole('navigation').getByRole('link', { name: 'Users' }).click();
    await page.getByTestId('users').waitFor();
    expect(await page.locator('main button').count()).toBe(0);
    expect(await page.locator('main input').count()).toBe(0);
    await shoot(page, 'users-viewer');
    await page.getByRole('navigation').getByRole('link', { name: 'Webhooks' }).click();
    await page.getByTestId('deliveries').waitFor();
    expect(await page.locator('main button').count()).toBe(0);
    expect(await page.locator('main input').count()).toBe(0);
    await shoot(page, 'webhooks-viewer');
    await page.getByRole('navigation').getByRole('link', { name: 'Settings' }).click();
    await page.getByTestId('limits').waitFor();
    expect(await page.locator('main button').count()).toBe(0);
    expect(await page.locator('main input, main select').count()).toBe(0);
    await shoot(page, 'settings-viewer');
    expect(errors).toEqual([]);
    await page.context().close();
  }, 60_000);
});
