import type { Browser } from 'playwright-core';
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

describe.skipIf(!haveChromium)('/docs, the interactive reference', () => {
  it('makes a signed call from the browser with the API key typed into Authorize, served without any CDN, its CSP refusing nothing', async () => {
    const site = await t.site({ siteSign: 'docs-site' });
    const page = await browser.newPage();
    const foreign: string[] = [];
    page.on('request', (r) => {
      if (!r.url().startsWith(base) && !r.url().startsWith('data:')) foreign.push(r.url());
    });
    // What the page's CSP refuses shows as a console error ("Refused to apply inline style…").
    const refused: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error' && /Content Security Policy/i.test(m.text())) refused.push(m.text());
    });
    await page.goto(`${base}/docs/`);
    await page.locator('.swagger-ui .info .title').waitFor();

    await page.locator('button.authorize').first().click();
    await page.locator('.modal-ux input[type=text], .modal-ux input[type=password]').first().fill(site.api_key);
    await page.locator('.modal-ux button.authorize').click();
    await page.locator('.modal-ux button.btn-done, .modal-ux .close-modal').first().click();

    const operation = page.locator('#operations-API-createOrUpdateUser');
    await operation.locator('.opblock-summary').click();
    await operation.locator('button.try-out__btn').first().click();
    const field = (name: string) => operation.locator(`tr[data-property-name="${name}"] input`).first();
    await field('userId').fill('docs-user');
    await field('userName').fill('Docs User');
    await field('siteSign').fill('docs-site');
    // Swagger UI pre-fills optional fields with sample values; these must be real ones.
    // An enumeration: Swagger UI shows a choice.
    await operation.locator('tr[data-property-name="isNeedCreate"] select').first().selectOption('true');
    await field('phone').fill('13000009999');
    await operation.locator('button.execute').click();
    // The server's answer (not the documented example shown above it).
    const answer = operation.locator('.live-responses-table .response-col_description pre').first();
    await expect
      .poll(async () => (await answer.textContent().catch(() => '')) ?? '', { timeout: 15_000 })
      .toContain('docs-user');
    expect(await answer.textContent()).toContain('"status": 100');

    const user = await t.call('getUserByUserId', site, { userId: 'docs-user' });
    expect(user.body.userInfo).toMatchObject({ username: 'Docs User', mobile: '13000009999' });
    expect(foreign).toEqual([]);
    expect(refused).toEqual([]);
    // The key typed into Authorize is not kept in the browser's storage.
    const stored = await page.evaluate<string>(
      'JSON.stringify({ ...localStorage }) + JSON.stringify({ ...sessionStorage })',
    );
    expect(stored).not.toContain(site.api_key);
  }, 60_000);
});
