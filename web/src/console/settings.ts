// The Settings page (issue 19): the site's limits as facts; for owners, rotating the API key (the new key shown
// once, the old one refused at once) and a meeting's hardware-room devices (rcPort, as changeRcPort).

import type { SiteSettingsView as Settings } from '../../../src/contract/console-site';
import { button, h } from '../dom';
import { consoleApi, ConsoleError, type Me } from './api';
import { ts } from './messages-site';
import './recordings.css';
import { alertLine, errorText, field, whileBusy } from './ui';

function facts(s: Settings): HTMLElement {
  const rows: [string, string][] = [
    [ts('setLicence'), ts('partiesN', { n: s.totalNumParties })],
    [ts('setTuiliu'), s.maxTuiliuUsers === null ? ts('noLimit') : String(s.maxTuiliuUsers)],
    [ts('setRegions'), s.regions.join(', ') || '—'],
    [ts('setRcIps'), s.rcIps.join(', ') || '—'],
    [ts('setPhones'), s.videoPhones.join(', ') || '—'],
    [ts('setEndpoints'), String(s.maxWebhookEndpoints)],
    [ts('setExpires'), s.expires ?? ts('setNever')],
  ];
  return h(
    'section',
    { class: 'panel console-panel', testid: 'limits' },
    h('h2', {}, ts('setLimits')),
    h('p', { class: 'muted' }, ts('setLimitsLead')),
    h('dl', { class: 'facts' }, ...rows.flatMap(([term, value]) => [h('dt', {}, term), h('dd', {}, value)])),
  );
}

function rotatePanel(siteSign: string, owner: boolean): HTMLElement {
  const panel = h('section', { class: 'panel console-panel' }, h('h2', {}, ts('rotateTitle')));
  if (!owner) {
    panel.append(h('p', { class: 'muted' }, ts('rotateOwnersOnly')));
    return panel;
  }
  const alert = alertLine();
  const result = h('div', { role: 'status', 'aria-live': 'polite' });
  const actions = h('div', { class: 'row-actions' });
  const start = button(ts('rotate'), { class: 'btn btn-secondary', testid: 'rotate-key' }, () => {
    const confirm: HTMLButtonElement = button(
      ts('rotateConfirm'),
      { class: 'btn btn-danger', testid: 'confirm-rotate' },
      () =>
        void whileBusy(confirm, ts('saving'), async () => {
          try {
            const { apiKey } = await consoleApi.rotateApiKey(siteSign);
            result.replaceChildren(
              h('p', {}, ts('rotated')),
              h('input', {
                class: 'mono',
                readonly: true,
                value: apiKey,
                'aria-label': ts('newKey'),
                testid: 'new-api-key',
              }),
            );
            actions.replaceChildren(start);
            alert.show(null);
          } catch (err) {
            alert.show(errorText(err));
          }
        }),
    );
    const cancel = button(ts('cancel'), { class: 'btn btn-secondary' }, () => {
      actions.replaceChildren(start);
      start.focus();
    });
    actions.replaceChildren(confirm, cancel);
    confirm.focus();
  });
  actions.append(start);
  panel.append(h('p', { class: 'muted' }, ts('rotateLead')), actions, alert.el, result);
  return panel;
}

function rcPortPanel(siteSign: string, s: Settings, owner: boolean): HTMLElement {
  const panel = h(
    'section',
    { class: 'panel console-panel' },
    h('h2', {}, ts('rcTitle')),
    h('p', { class: 'muted' }, ts('rcLead', { ips: s.rcIps.join(', ') || '—' })),
  );
  if (!owner) return panel;
  const confNumber = field(ts('rcMeeting'), {
    name: 'rc-conf-number',
    autocomplete: 'off',
    inputmode: 'numeric',
    required: true,
  });
  const rcPort = h(
    'select',
    { id: 'f-rc-port', name: 'rc-port' },
    h('option', { value: '1' }, ts('rcOne')),
    h('option', { value: '0' }, ts('rcAny')),
  );
  const alert = alertLine();
  const done = h('p', { role: 'status', 'aria-live': 'polite', testid: 'rc-done' });
  const submit = h('button', { type: 'submit', class: 'btn btn-primary', testid: 'save-rc-port' }, ts('save'));
  const form = h(
    'form',
    { class: 'console-form invite-form', novalidate: true },
    confNumber.wrap,
    h('div', { class: 'field' }, h('label', { for: 'f-rc-port' }, ts('rcDevices')), rcPort),
    submit,
  );
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    void whileBusy(submit, ts('saving'), async () => {
      alert.show(null);
      done.textContent = '';
      const number = confNumber.input.value.trim();
      try {
        await consoleApi.changeRcPort(siteSign, number, rcPort.value === '1' ? 1 : 0);
        done.textContent = ts('rcSaved', { number });
      } catch (err) {
        alert.show(err instanceof ConsoleError && err.error === 'code_401' ? ts('rcNoMeeting') : errorText(err));
      }
    });
  });
  panel.append(form, alert.el, done);
  return panel;
}

/** Draws the Settings page into `main`: loading, then the facts and (owners) the controls. */
export function settingsPage(main: HTMLElement, me: Me, siteSign: string): void {
  const owner = me.account.role === 'owner';
  const alert = alertLine();
  const body = h('div', { 'aria-busy': 'true' }, h('p', { class: 'loading' }, ts('settingsLoading')));
  main.append(h('h1', {}, ts('settingsTitle')), alert.el, body);
  consoleApi.settings(siteSign).then(
    (s) => {
      body.setAttribute('aria-busy', 'false');
      body.replaceChildren(
        rotatePanel(siteSign, owner),
        rcPortPanel(siteSign, s, owner),
        facts(s),
        ...(owner ? [] : [h('p', { class: 'muted' }, ts('viewersOnlyLook'))]),
      );
    },
    (err: unknown) => {
      body.setAttribute('aria-busy', 'false');
      body.replaceChildren();
      alert.show(errorText(err));
    },
  );
}
