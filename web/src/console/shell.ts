// The console's frame: the top bar (brand, site, language, account) and, once signed in, the navigation of
// issue 19's pages.

import { button, h } from '../dom';
import { lang, setLang } from '../i18n';
import { consoleApi, type Me } from './api';
import { t, type MessageKey } from './messages';
import { paths } from './route';
import { errorText, go, link } from './ui';

/** What a signed-in page draws into. */
export interface Frame {
  main: HTMLElement;
}

/** The button that switches between Chinese and English; `redraw` draws the page again in the new one. */
export function langSwitch(redraw: () => void): HTMLButtonElement {
  return button(
    t('switchTo'),
    {
      class: 'btn btn-secondary btn-small',
      lang: lang() === 'zh' ? 'en' : 'zh-CN',
      'aria-label': t('switchToLabel'),
      testid: 'lang',
    },
    () => {
      setLang(lang() === 'zh' ? 'en' : 'zh');
      redraw();
    },
  );
}

function brand(): HTMLElement {
  return h('span', { class: 'brand' }, h('span', { class: 'logo', 'aria-hidden': 'true' }, '会'), t('product'));
}

/** The frame of the pages before sign-in: the top bar and one card. */
export function publicFrame(root: HTMLElement, redraw: () => void): HTMLElement {
  const main = h('main', { class: 'content console-public' });
  root.replaceChildren(
    h('header', { class: 'topbar console-top' }, brand(), h('span', { class: 'spacer' }), langSwitch(redraw)),
    main,
  );
  return main;
}

/** Issue 19's pages in navigation order. */
const NAV: { key: MessageKey; id: string }[] = [
  { key: 'navOverview', id: 'overview' },
  { key: 'navMeetings', id: 'meetings' },
  { key: 'navLive', id: 'live' },
  { key: 'navRecordings', id: 'recordings' },
  { key: 'navUsers', id: 'users' },
  { key: 'navWebhooks', id: 'webhooks' },
  { key: 'navSettings', id: 'settings' },
  { key: 'navAccounts', id: 'accounts' },
];

export function roleText(me: Me): string {
  if (me.account.operator) return t('roleOperator');
  return me.account.role === 'owner' ? t('roleOwner') : t('roleViewer');
}

/**
 * The signed-in frame for site `siteSign` (its name shown), with `current` marked in the navigation.
 * Sign-out here or everywhere leads to the sign-in page.
 */
export function signedInFrame(
  root: HTMLElement,
  options: { me: Me; siteSign: string | null; siteName: string | null; current: string; redraw: () => void },
): Frame {
  const { me, siteSign } = options;
  const notice = h('p', { class: 'error', role: 'alert', hidden: true });
  const signOut = (everywhere: boolean) => async () => {
    try {
      if (everywhere) await consoleApi.signOutEverywhere();
      else await consoleApi.signOut();
      go(`${paths.signIn}?${everywhere ? 'signedOutEverywhere' : 'signedOut'}=1`, { replace: true });
    } catch (err) {
      notice.textContent = errorText(err);
      notice.hidden = false;
    }
  };
  const account = h(
    'div',
    { class: 'console-account' },
    h(
      'span',
      { class: 'who', testid: 'signed-in-as' },
      t('signedInAs', { email: me.account.email, role: roleText(me) }),
    ),
    button(t('signOut'), { class: 'btn btn-secondary btn-small', testid: 'sign-out' }, signOut(false)),
    button(
      t('signOutEverywhere'),
      { class: 'btn btn-ghost-danger btn-small', testid: 'sign-out-everywhere' },
      signOut(true),
    ),
  );
  const top = h(
    'header',
    { class: 'topbar console-top' },
    brand(),
    options.siteName ? h('span', { class: 'console-site', testid: 'site-name' }, options.siteName) : null,
    h('span', { class: 'spacer' }),
    langSwitch(options.redraw),
    account,
  );
  const items: Node[] = [];
  if (me.account.operator) items.push(h('li', {}, navLink(paths.sites, t('navAllSites'), options.current === 'sites')));
  if (siteSign !== null) {
    for (const item of NAV) {
      const text = t(item.key);
      const path = item.id === 'overview' ? paths.overview(siteSign) : paths.sitePage(siteSign, item.id);
      items.push(h('li', {}, navLink(path, text, options.current === item.id)));
    }
  }
  const nav = h('nav', { class: 'console-nav', 'aria-label': t('menu') }, h('ul', {}, ...items));
  const main = h('main', { class: 'console-main', id: 'main' }, notice);
  root.replaceChildren(top, h('div', { class: 'console-frame' }, nav, main));
  // On a phone the navigation is a strip that scrolls sideways: the current page is shown in it.
  nav.querySelector('[aria-current]')?.scrollIntoView({ block: 'nearest', inline: 'nearest' });
  return { main };
}

function navLink(path: string, text: string, current: boolean): HTMLAnchorElement {
  return link(path, text, current ? { 'aria-current': 'page' } : {});
}
