// The site console (issue 19): one page for every /console/… address, which routes itself. Signed out, it
// shows sign-in or set-password; signed in, the frame (shell.ts) and the page asked for.

import '../style.css';
import './console.css';
import { h } from '../dom';
import { lang } from '../i18n';
import { consoleApi, ConsoleError, type Me } from './api';
import { setPasswordPage, signInPage } from './auth-pages';
import { t } from './messages';
import { parseRoute, paths } from './route';
import { publicFrame, signedInFrame } from './shell';
import { livePage } from './live';
import { meetingPage } from './meeting-page';
import { meetingsPage } from './meetings';
import { recordingsPage } from './recordings';
import { usersPage } from './users';
import { webhooksPage } from './webhooks';
import { settingsPage } from './settings';
import { accountsPage, overviewPage, sitesPage } from './site-pages';
import { errorText, link, setNavigate } from './ui';

const root = document.getElementById('app')!;
/** Drawings begun; a drawing that a newer one overtook draws nothing. */
let drawing = 0;

function navigate(path: string, options: { replace?: boolean } = {}): void {
  if (options.replace) history.replaceState(null, '', path);
  else history.pushState(null, '', path);
  void draw();
}

async function draw(): Promise<void> {
  const mine = ++drawing;
  lang();
  document.title = t('product');
  const route = parseRoute(location.pathname);
  if (route.page === 'sign-in') return signInPage(publicFrame(root, redraw));
  if (route.page === 'set-password') return setPasswordPage(publicFrame(root, redraw));
  if (route.page === 'not-found') return notFound();

  let me: Me;
  try {
    me = await consoleApi.me();
  } catch (err) {
    if (err instanceof ConsoleError && err.status === 401) {
      const next = location.pathname === paths.home ? '' : `?next=${encodeURIComponent(location.pathname)}`;
      return navigate(`${paths.signIn}${next}`, { replace: true });
    }
    return failed(err);
  }
  if (mine !== drawing) return;
  const ownSite = me.site?.siteSign ?? null;
  if (route.page === 'home' || (route.page === 'sites' && !me.account.operator)) {
    return navigate(ownSite !== null ? paths.overview(ownSite) : paths.sites, { replace: true });
  }
  try {
    if (route.page === 'sites') {
      const { sites } = await consoleApi.sites();
      if (mine !== drawing) return;
      const frame = signedInFrame(root, { me, siteSign: null, siteName: null, current: 'sites', redraw });
      return sitesPage(frame.main, sites);
    }
    const site = await consoleApi.site(route.siteSign);
    const accounts = route.page === 'accounts' ? (await consoleApi.accounts(route.siteSign)).accounts : [];
    if (mine !== drawing) return;
    const frame = signedInFrame(root, {
      me,
      siteSign: site.siteSign,
      siteName: site.name,
      current: route.page === 'meeting' ? 'meetings' : route.page,
      redraw,
    });
    document.title = `${site.name} · ${t('product')}`;
    if (route.page === 'overview') overviewPage(frame.main, me, site);
    else if (route.page === 'recordings') recordingsPage(frame.main, me, site.siteSign);
    else if (route.page === 'users') usersPage(frame.main, me, site.siteSign);
    else if (route.page === 'webhooks') webhooksPage(frame.main, me, site.siteSign);
    else if (route.page === 'settings') settingsPage(frame.main, me, site.siteSign);
    else if (route.page === 'meetings') meetingsPage(frame.main, me, site);
    else if (route.page === 'meeting') await meetingPage(frame.main, me, site.siteSign, route.confId);
    else if (route.page === 'live') livePage(frame.main, me, site.siteSign);
    else accountsPage(frame.main, me, site.siteSign, accounts);
    // After an in-page move, the new page's heading takes the focus, so that a screen reader announces it.
    const heading = frame.main.querySelector('h1');
    heading?.setAttribute('tabindex', '-1');
    if (mine > 1) heading?.focus();
  } catch (err) {
    if (mine !== drawing) return;
    const frame = signedInFrame(root, { me, siteSign: ownSite, siteName: me.site?.name ?? null, current: '', redraw });
    frame.main.append(h('p', { class: 'error', role: 'alert' }, errorText(err)));
  }
}

function redraw(): void {
  void draw();
}

function notFound(): void {
  publicFrame(root, redraw).append(
    h('section', { class: 'card console-card' }, h('h1', {}, t('pageNotFound')), link(paths.home, t('backToConsole'))),
  );
}

function failed(err: unknown): void {
  publicFrame(root, redraw).append(
    h('section', { class: 'card console-card' }, h('p', { class: 'error', role: 'alert' }, errorText(err))),
  );
}

setNavigate(navigate);
window.addEventListener('popstate', redraw);
void draw();
