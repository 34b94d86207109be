// The signed-in pages built so far: all sites (operators), a site's overview, its console accounts.

import { button, h } from '../dom';
import { formatLocal } from '../time';
import { consoleApi, type Account, type Me, type Site } from './api';
import { t } from './messages';
import { overviewDashboard } from './overview';
import { paths } from './route';
import { roleText } from './shell';
import { alertLine, errorText, field, link, whileBusy } from './ui';

function facts(rows: [string, Node | string][]): HTMLElement {
  return h('dl', { class: 'facts' }, ...rows.flatMap(([term, value]) => [h('dt', {}, term), h('dd', {}, value)]));
}

function siteState(site: Site): string {
  return site.usable ? t('stateActive') : `${site.state} — ${t('stateUnusable')}`;
}

export function sitesPage(main: HTMLElement, sites: Site[]): void {
  const list = sites.length
    ? h(
        'ul',
        { class: 'console-list', testid: 'sites' },
        ...sites.map((s) =>
          h(
            'li',
            {},
            link(paths.overview(s.siteSign), s.name),
            h('span', { class: 'mono muted' }, s.siteSign),
            h('span', { class: 'muted' }, t('licenceParties', { n: s.totalNumParties })),
          ),
        ),
      )
    : h('p', { class: 'empty' }, t('sitesEmpty'));
  main.append(h('h1', {}, t('sitesTitle')), list);
}

export function overviewPage(main: HTMLElement, me: Me, site: Site): void {
  const owner = me.account.role === 'owner';
  const siteCard = h(
    'section',
    { class: 'panel console-panel', testid: 'overview' },
    h('h2', {}, t('site')),
    facts([
      [t('siteName'), site.name],
      [t('siteSign'), h('span', { class: 'mono' }, site.siteSign)],
      [t('licence'), h('span', { testid: 'licence' }, t('licenceParties', { n: site.totalNumParties }))],
      [t('state'), siteState(site)],
      [t('expires'), site.expires ?? t('never')],
      [t('you'), `${me.account.email} (${roleText(me)})`],
    ]),
  );
  main.append(h('h1', {}, t('overviewTitle')));
  overviewDashboard(main, site.siteSign);
  main.append(siteCard, apiKeyPanel(site, owner));
}

/** The API key, hidden until an owner asks (the server logs the asking). */
function apiKeyPanel(site: Site, owner: boolean): HTMLElement {
  const panel = h('section', { class: 'panel console-panel' }, h('h2', {}, t('apiAccess')));
  if (!owner) {
    panel.append(h('p', { class: 'muted' }, t('keyOwnersOnly')));
    return panel;
  }
  const alert = alertLine();
  const shown = h('p', { class: 'mono api-key', testid: 'api-key', hidden: true });
  const reveal: HTMLButtonElement = button(t('revealKey'), { class: 'btn btn-secondary', testid: 'reveal-key' }, () => {
    if (!shown.hidden) {
      shown.textContent = '';
      shown.hidden = true;
      reveal.textContent = t('revealKey');
      return;
    }
    void whileBusy(reveal, t('loading'), async () => {
      try {
        shown.textContent = (await consoleApi.revealApiKey(site.siteSign)).apiKey;
        shown.hidden = false;
        alert.show(null);
      } catch (err) {
        alert.show(errorText(err));
      }
    }).then(() => {
      if (!shown.hidden) reveal.textContent = t('hideKey');
    });
  });
  panel.append(h('p', { class: 'muted' }, t('apiKeyHidden')), reveal, shown, alert.el);
  return panel;
}

function statusText(account: Account): string {
  if (account.status === 'active') return t('statusActive');
  return account.status === 'invited' ? t('statusInvited') : t('statusDisabled');
}

function accountRows(accounts: Account[]): HTMLElement {
  if (accounts.length === 0) return h('p', { class: 'empty' }, t('accountsEmpty'));
  return h(
    'table',
    { class: 'console-table', testid: 'accounts' },
    h(
      'thead',
      {},
      h('tr', {}, ...[t('email'), t('role'), t('status'), t('created')].map((c) => h('th', { scope: 'col' }, c))),
    ),
    h(
      'tbody',
      {},
      ...accounts.map((a) =>
        h(
          'tr',
          {},
          h('td', { 'data-label': t('email') }, a.email),
          h('td', { 'data-label': t('role') }, a.role === 'owner' ? t('roleOwner') : t('roleViewer')),
          h('td', { 'data-label': t('status') }, statusText(a)),
          h('td', { 'data-label': t('created') }, formatLocal(Date.parse(a.createdAt))),
        ),
      ),
    ),
  );
}

export function accountsPage(main: HTMLElement, me: Me, siteSign: string, accounts: Account[]): void {
  const table = h('div', {}, accountRows(accounts));
  main.append(h('h1', {}, t('accountsTitle')), h('p', { class: 'lead' }, t('accountsLead')), table);
  if (me.account.role !== 'owner') {
    main.append(h('p', { class: 'muted' }, t('viewersCannotInvite')));
    return;
  }
  main.append(
    inviteForm(siteSign, async () => {
      table.replaceChildren(accountRows((await consoleApi.accounts(siteSign)).accounts));
    }),
  );
}

function inviteForm(siteSign: string, reload: () => Promise<void>): HTMLElement {
  const email = field(t('email'), { name: 'invite-email', type: 'email', autocomplete: 'off', required: true });
  const roleSelect = h(
    'select',
    { id: 'f-invite-role', name: 'invite-role' },
    h('option', { value: 'viewer' }, t('roleViewer')),
    h('option', { value: 'owner' }, t('roleOwner')),
  );
  const alert = alertLine();
  const result = h('div', { class: 'invite-result', role: 'status', 'aria-live': 'polite' });
  const submit = h('button', { type: 'submit', class: 'btn btn-primary', testid: 'invite' }, t('invite'));
  const form = h(
    'form',
    { class: 'console-form invite-form', novalidate: true },
    email.wrap,
    h('div', { class: 'field' }, h('label', { for: 'f-invite-role' }, t('role')), roleSelect),
    submit,
  );
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    void whileBusy(submit, t('inviting'), async () => {
      alert.show(null);
      result.replaceChildren();
      try {
        const role = roleSelect.value === 'owner' ? 'owner' : 'viewer';
        const invited = await consoleApi.invite(siteSign, email.input.value, role);
        const url = h('input', {
          class: 'mono',
          readonly: true,
          value: invited.setPasswordUrl,
          'aria-label': t('invite'),
          testid: 'invite-link',
        });
        const copy: HTMLButtonElement = button(t('copy'), { class: 'btn btn-secondary btn-small' }, () => {
          url.select();
          void navigator.clipboard?.writeText(invited.setPasswordUrl).then(() => (copy.textContent = t('copied')));
        });
        result.append(
          h(
            'p',
            {},
            t('invitedLink', { email: invited.account.email, time: formatLocal(Date.parse(invited.expiresAt)) }),
          ),
          h('div', { class: 'copy-row' }, url, copy),
        );
        email.input.value = '';
        await reload();
      } catch (err) {
        alert.show(errorText(err));
      }
    });
  });
  return h('section', { class: 'panel console-panel' }, h('h2', {}, t('inviteTitle')), form, alert.el, result);
}
