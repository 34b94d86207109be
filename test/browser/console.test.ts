/**
 * The site console in chromium (issue 19): set a password from the one-time link, sign in, see the
 * overview, switch the language, invite a viewer, sign out. Screenshots of each page at desktop and phone
 * size are kept in test-results/console/ (CI's artifacts).
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addConsoleAccount } from '../../src/domain/console-accounts.js';
import { changeSite } from '../../src/domain/sites.js';
import { consoleAccount, PASSWORD as TEST_PASSWORD } from '../console/console-client.js';
import { listeningTestApp } from '../helper.js';
import { ensurePagesBuilt, haveChromium, launchChromium } from './browser.js';
import { DESKTOP, screenshots } from './screenshots.js';

const server = listeningTestApp({ realClock: true });
const ARTIFACTS = path.resolve('test-results/console');
const PASSWORD = 'a console password';
let browser: Browser;

const shoot = (page: Page, name: string) => screenshots(page, ARTIFACTS, name);

describe.skipIf(!haveChromium)('the site console in a browser', () => {
  beforeAll(async () => {
    ensurePagesBuilt();
    fs.mkdirSync(ARTIFACTS, { recursive: true });
    browser = await launchChromium();
  }, 120_000);
  afterAll(async () => browser?.close());

  it('sets a password, signs in, shows the overview, switches language, invites, signs out', async () => {
    const t = server.t;
    const created = await t.site({ siteSign: 'acme', totalNumParties: 25 });
    const site = await changeSite(t.store.db, created.site_sign, { name: 'Acme 会议室' }, t.clock.now);
    const { secret } = await addConsoleAccount(
      t.store.db,
      { site, email: 'owner@acme.example', role: 'owner' },
      Date.now(),
    );
    const context = await browser.newContext({ viewport: DESKTOP, locale: 'en-US' });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (err) => errors.push(err.message));
    page.on('console', (msg) => msg.type() === 'error' && errors.push(msg.text()));

    // The one-time link: the secret leaves the address bar once read.
    const opened = await page.goto(`${server.base}/console/set-password#${secret}`);
    // The pages' strict policy: scripts and styles from the server only, no frames.
    const csp = opened!.headers()['content-security-policy'];
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    await page.getByText('Choose a console password for owner@acme.example.').waitFor();
    expect(page.url()).toBe(`${server.base}/console/set-password`);
    await shoot(page, 'set-password');
    await page.getByLabel('New password', { exact: true }).fill(PASSWORD);
    await page.getByLabel('New password again').fill(PASSWORD);
    await page.getByTestId('set-password').click();

    // Signing in: the email is filled in already.
    await page.getByTestId('notice').waitFor();
    expect(await page.getByTestId('notice').textContent()).toBe('Your password is set. Sign in.');
    expect(await page.getByLabel('Email').inputValue()).toBe('owner@acme.example');
    await page.getByLabel('Password').fill('not the password');
    await page.getByTestId('sign-in').click();
    await page.getByText('The email or the password is not right.').waitFor();
    await shoot(page, 'sign-in');
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByTestId('sign-in').click();

    // The overview: the site, its licence, who is signed in; every page of the console in the navigation.
    await page.getByTestId('overview').waitFor();
    expect(page.url()).toBe(`${server.base}/console/sites/acme`);
    expect(await page.getByTestId('site-name').textContent()).toBe('Acme 会议室');
    expect(await page.getByTestId('licence').textContent()).toBe('Up to 25 concurrent parties');
    expect(await page.getByTestId('signed-in-as').textContent()).toBe('owner@acme.example (owner)');
    const nav = page.getByRole('navigation');
    expect(await nav.getByRole('link').allTextContents()).toEqual([
      'Overview',
      'Meetings',
      'Live',
      'Recordings',
      'Users',
      'Webhooks',
      'Settings',
      'Console accounts',
    ]);
    expect(await nav.textContent()).toContain('MeetingsLiveRecordingsUsersWebhooksSettings');
    expect(await page.getByTestId('api-key').isHidden()).toBe(true);
    await page.getByTestId('reveal-key').click();
    await page.getByTestId('api-key').waitFor();
    expect(await page.getByTestId('api-key').textContent()).toBe(site.api_key);
    await page.getByTestId('reveal-key').click();
    expect(await page.getByTestId('api-key').isHidden()).toBe(true);
    await shoot(page, 'overview-en');

    // 中文, kept for the next pages.
    await page.getByTestId('lang').click();
    await page.getByText('最多 25 方同时参会').waitFor();
    expect(await page.evaluate<string>('document.documentElement.lang')).toBe('zh-CN');
    expect(await page.getByRole('navigation').getByRole('link').allTextContents()).toEqual([
      '概览',
      '会议',
      '进行中',
      '录制',
      '用户',
      'Webhooks',
      '设置',
      '控制台账号',
    ]);
    await shoot(page, 'overview-zh');

    // Accounts: invite a viewer; the one-time link is shown once.
    await page.getByRole('link', { name: '控制台账号' }).click();
    await page.getByTestId('accounts').waitFor();
    expect(page.url()).toBe(`${server.base}/console/sites/acme/accounts`);
    await page.getByLabel('邮箱').fill('viewer@acme.example');
    await page.getByTestId('invite').click();
    await page.getByTestId('invite-link').waitFor();
    expect(await page.getByTestId('invite-link').inputValue()).toMatch(
      /^http:\/\/meet\.example\.test\/console\/set-password#[A-Za-z0-9_-]{43}$/,
    );
    // The list is fetched again after the invitation is shown: wait for it.
    await expect.poll(() => page.getByTestId('accounts').textContent()).toContain('viewer@acme.example');
    await shoot(page, 'accounts-zh');
    await page.getByTestId('lang').click();
    await page.getByRole('columnheader', { name: 'Role' }).waitFor();

    // Signing out: the console asks for sign-in again, also after a reload.
    await page.getByTestId('sign-out').click();
    await page.getByTestId('notice').waitFor();
    expect(await page.getByTestId('notice').textContent()).toBe('You are signed out.');
    await page.goto(`${server.base}/console/sites/acme`);
    await page.getByTestId('sign-in').waitFor();
    expect(page.url()).toBe(`${server.base}/console/sign-in?next=%2Fconsole%2Fsites%2Facme`);
    expect(errors.filter((e) => !/401|Unauthorized/.test(e))).toEqual([]);
    await context.close();
  }, 60_000);

  it('shows an operator every site, and a viewer no key and no invitation', async () => {
    const t = server.t;
    await t.site({ siteSign: 'globex' });
    await consoleAccount(t, null, 'ops@operator.example');
    await consoleAccount(t, await t.site({ siteSign: 'initech' }), 'viewer@initech.example', 'viewer');
    const context = await browser.newContext({ viewport: DESKTOP, locale: 'zh-CN' });
    const page = await context.newPage();
    const signIn = async (email: string) => {
      await page.goto(`${server.base}/console/`);
      await page.getByTestId('sign-in').waitFor();
      await page.getByLabel('邮箱').fill(email);
      await page.getByLabel('密码').fill(TEST_PASSWORD);
      await page.getByTestId('sign-in').click();
    };

    // In Chinese, as the browser is.
    await signIn('ops@operator.example');
    await page.getByTestId('sites').waitFor();
    expect(page.url()).toBe(`${server.base}/console/sites`);
    expect(await page.getByTestId('signed-in-as').textContent()).toBe('ops@operator.example（运维）');
    const sites = await page.getByTestId('sites').getByRole('link').count();
    expect(sites).toBeGreaterThanOrEqual(3);
    await shoot(page, 'sites-zh');
    await page.getByTestId('sites').getByRole('listitem').filter({ hasText: 'globex' }).getByRole('link').click();
    await page.getByTestId('overview').waitFor();
    expect(page.url()).toBe(`${server.base}/console/sites/globex`);
    expect(await page.getByRole('navigation').getByRole('link').allTextContents()).toEqual([
      '全部站点',
      '概览',
      '会议',
      '进行中',
      '录制',
      '用户',
      'Webhooks',
      '设置',
      '控制台账号',
    ]);
    await page.getByTestId('sign-out').click();
    await page.getByTestId('notice').waitFor();

    await signIn('viewer@initech.example');
    await page.getByTestId('overview').waitFor();
    expect(await page.getByTestId('reveal-key').count()).toBe(0);
    expect(await page.getByText('只有所有者可以查看 API 密钥。').count()).toBe(1);
    await page.getByRole('link', { name: '控制台账号' }).click();
    await page.getByTestId('accounts').waitFor();
    expect(await page.getByTestId('invite').count()).toBe(0);
    expect(await page.getByText('只有所有者可以邀请他人。').count()).toBe(1);
    await shoot(page, 'accounts-viewer-zh');
    await context.close();
  }, 60_000);

  it('locks an account out after five wrong passwords: the right one waits too, and the page says until when', async () => {
    const t = server.t;
    await consoleAccount(t, await t.site({ siteSign: 'umbrella' }), 'owner@umbrella.example');
    const context = await browser.newContext({ viewport: DESKTOP, locale: 'en-US' });
    const page = await context.newPage();
    await page.goto(`${server.base}/console/`);
    await page.getByTestId('sign-in').waitFor();
    await page.getByLabel('Email').fill('owner@umbrella.example');
    const attempt = async (password: string) => {
      await page.getByLabel('Password').fill(password);
      await page.getByTestId('sign-in').click();
    };
    for (let i = 1; i <= 5; i++) {
      await attempt(`wrong password ${i}`);
      // The click empties the alert line at once: what it shows next is this try's answer.
      await expect.poll(() => page.getByTestId('error').textContent()).toBe('The email or the password is not right.');
    }
    await attempt(TEST_PASSWORD);
    await expect.poll(() => page.getByTestId('error').textContent()).toMatch(/^Too many attempts\. Try again after /);
    expect(await page.getByTestId('overview').count()).toBe(0);
    await shoot(page, 'sign-in-locked');
    await context.close();
  }, 60_000);
});
