import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../helper.js';
import { haveChromium, launchChromium } from './browser.js';

let t: TestApp;
let base: string;
let browser: Browser;

beforeAll(async () => {
  if (!haveChromium) return;
  t = await buildTestApp({ realClock: true });
  base = await t.app.listen({ port: 0, host: '127.0.0.1' });
  browser = await launchChromium();
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await t?.close();
});

/** Opens the operation `id` (its DOM id, `operations-<tag>-<operationId>`) and presses "Try it out". */
async function tryOut(page: Page, id: string): Promise<Locator> {
  const operation = page.locator(`#${id}`);
  await operation.locator('.opblock-summary').click();
  await operation.locator('button.try-out__btn').first().click();
  return operation;
}

/** Presses "Execute" and answers the server's answer (not the documented example) once it shows `expected`. */
async function execute(operation: Locator, expected: string): Promise<string> {
  await operation.locator('button.execute').click();
  const answer = operation.locator('.live-responses-table .response-col_description pre').first();
  await expect
    .poll(async () => (await answer.textContent().catch(() => '')) ?? '', { timeout: 15_000 })
    .toContain(expected);
  return (await answer.textContent()) ?? '';
}

/** A form field of a POST operation. */
const field = (operation: Locator, name: string) =>
  operation.locator(`tr[data-property-name="${name}"] input[type=text]`).first();

describe.skipIf(!haveChromium)('/docs, the interactive reference', () => {
  it('makes signed calls from the browser with the API key and siteSign typed into Authorize once, served without any CDN, its CSP refusing nothing', async () => {
    const site = await t.site({ siteSign: 'docs-site' });
    const page = await browser.newPage();
    const foreign: string[] = [];
    const sent: string[] = [];
    page.on('request', (r) => {
      if (!r.url().startsWith(base) && !r.url().startsWith('data:')) foreign.push(r.url());
      if (r.url().includes('/openapi/v2/')) sent.push(`${r.method()} ${r.url()} ${r.postData() ?? ''}`);
    });
    // What the page's CSP refuses shows as a console error ("Refused to apply inline style…"); none is expected.
    const errors: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text());
    });
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${base}/docs`);
    await page.locator('.swagger-ui .info .title').waitFor();
    // Huiguan's, not the stock header: the tab's title and the top bar, which leads to the front door.
    expect(await page.title()).toBe('Huiguan API');
    await expect.poll(() => page.getByTestId('docs-brand').getAttribute('href')).toBe('/');
    expect(await page.getByTestId('docs-brand').getAttribute('aria-label')).toBe('Huiguan API');

    await page.locator('button.authorize').first().click();
    const modal = page.locator('.modal-ux');
    await modal.locator('input').nth(0).fill(site.api_key);
    await modal.locator('input').nth(1).fill('docs-site');
    for (let i = 0; i < 2; i++) await modal.locator('button.authorize').first().click();
    await modal.locator('.close-modal').first().click();

    const operation = await tryOut(page, 'operations-API-createOrUpdateUser');
    // Signed by Authorize: no siteSign, timeStamp or token to type.
    for (const signed of ['siteSign', 'timeStamp', 'token'])
      expect(await operation.locator(`tr[data-property-name="${signed}"]`).count(), signed).toBe(0);
    await field(operation, 'userId').fill('docs-user');
    await field(operation, 'userName').fill('Docs User');
    // An enumeration: Swagger UI shows a choice.
    await operation.locator('tr[data-property-name="isNeedCreate"] select').first().selectOption('true');
    await field(operation, 'phone').fill('13000009999');
    expect(await execute(operation, 'docs-user')).toContain('"status": 100');
    const user = await t.call('getUserByUserId', site, { userId: 'docs-user' });
    expect(user.body.userInfo).toMatchObject({ username: 'Docs User', mobile: '13000009999' });

    // A booking with only the required fields: nothing optional was filled in for the reader (issue 17: streamDiy=1
    // was, and the booking answered 104).
    const reserve = await tryOut(page, 'operations-API-confReservation');
    const prefilled = await reserve
      .locator('tr[data-property-name] input[type=text], tr[data-property-name] select')
      .evaluateAll((fields) => fields.map((f) => (f as unknown as { value: string }).value).filter((v) => v !== ''));
    expect(prefilled).toEqual([]);
    const startTime = new Date(Date.now() + 3_600_000).toISOString().slice(0, 19).replace('T', ' ');
    for (const [name, value] of [
      ['userId', 'docs-user'],
      ['userName', 'Docs User'],
      ['confName', 'From the docs'],
      ['startTime', startTime],
      ['duration', '30'],
      ['confParties', '3'],
    ])
      await field(reserve, name!).fill(value!);
    const booking = await execute(reserve, 'From the docs');
    expect(booking).toContain('"status": 100');
    const booked = sent.find((r) => r.includes('/confReservation'))!;
    expect(new Set(new URLSearchParams(booked.split(' ')[2]).keys())).toEqual(
      new Set([
        'userId',
        'userName',
        'confName',
        'startTime',
        'duration',
        'confParties',
        'siteSign',
        'timeStamp',
        'token',
      ]),
    );
    const confId = JSON.parse(booking).data.confId as number;

    // A GET endpoint of the document: signed in the query string, a fresh timeStamp and token for each call.
    const detail = await tryOut(page, 'operations-API-getConfDetailByConfId');
    expect(await detail.locator('.opblock-summary-method').textContent()).toBe('GET');
    await detail.locator('tr[data-param-name="userId"] input').fill('docs-user');
    await detail.locator('tr[data-param-name="confId"] input').fill(String(confId));
    await execute(detail, '"status": 100');
    const read = sent.find((r) => r.startsWith('GET ') && r.includes('/getConfDetailByConfId'))!;
    expect(new URL(read.split(' ')[1]!).searchParams.get('siteSign')).toBe('docs-site');
    const tokens = sent.map((r) => /token=([0-9A-F]{32})/.exec(r)?.[1]);
    expect(new Set(tokens).size).toBe(sent.length);

    expect(sent.join('\n')).not.toContain(site.api_key);
    expect(foreign).toEqual([]);
    expect(errors).toEqual([]);
    // The key typed into Authorize is not kept in the browser's storage.
    const stored = await page.evaluate<string>(
      'JSON.stringify({ ...localStorage }) + JSON.stringify({ ...sessionStorage })',
    );
    expect(stored).not.toContain(site.api_key);
  }, 90_000);

  it('lists each endpoint once, with the method its document gives, and no v1 alias', async () => {
    const page = await browser.newPage();
    await page.goto(`${base}/docs/`);
    await page.locator('.swagger-ui .info .title').waitFor();
    await page.locator('.opblock').first().waitFor();
    const listed = await page
      .locator('.opblock .opblock-summary')
      .evaluateAll((rows) =>
        rows.map(
          (r) =>
            `${r.querySelector('.opblock-summary-method')?.textContent} ${r.querySelector('.opblock-summary-path')?.getAttribute('data-path')}`,
        ),
      );
    const paths = listed.map((l) => l.split(' ')[1]);
    expect(new Set(paths).size).toBe(paths.length);
    const v2 = listed.filter((l) => l.includes('/openapi/v2/'));
    // The 33 endpoints of the document and the three extensions (regenerateHostKey, updateRegistrantStatus and
    // getConfChatListByConfId).
    expect(v2).toHaveLength(36);
    expect(listed).toContain('POST /openapi/v2/getConfChatListByConfId');
    expect(listed.filter((l) => l.includes('/openapi/v1/'))).toEqual([]);
    expect(v2.filter((l) => l.startsWith('GET')).sort()).toEqual([
      'GET /openapi/v2/getConfDetailByConfId',
      'GET /openapi/v2/getConfLogListByConfId',
      'GET /openapi/v2/getConfLogListByConfId2',
      'GET /openapi/v2/getRegistrants',
    ]);
    expect(listed).toContain('POST /openapi/v2/getLivingConfByUserId');
    await page.close();
  });
});
