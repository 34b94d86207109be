// The Webhooks page (issue 19): the site's endpoints (owners add and delete them), and the delivery log with
// each answer's HTTP status, where an owner sends a delivery that failed or went through once more.

import type {
  ConsoleDeliveryView as Delivery,
  ConsoleEndpointView as Endpoint,
  WebhookOverviewView as Overview,
} from '../../../src/contract/console-site';
import { button, h } from '../dom';
import { formatLocal } from '../time';
import { consoleApi, ConsoleError, type Me } from './api';
import { ts } from './messages-site';
import './recordings.css';
import { dataTable } from './table';
import { alertLine, errorText, field, whileBusy } from './ui';

function hookError(err: unknown): string {
  if (err instanceof ConsoleError) {
    if (err.error === 'code_109') return ts('hookRefused', { message: err.message });
    if (err.error === 'still_pending') return ts('hookStillPending');
    if (err.error === 'endpoint_deleted') return ts('hookEndpointGone');
  }
  return errorText(err);
}

interface Page {
  siteSign: string;
  owner: boolean;
  alert: (text: string | null) => void;
  announce: (text: string) => void;
  reload: () => Promise<void>;
}

function endpointList(p: Page, endpoints: Endpoint[]): HTMLElement {
  if (endpoints.length === 0) return h('p', { class: 'empty', testid: 'endpoints-empty' }, ts('hooksEmpty'));
  return h(
    'ul',
    { class: 'console-list', testid: 'endpoints' },
    ...endpoints.map((e) => {
      const remove: HTMLButtonElement = button(
        ts('delete'),
        {
          class: 'btn btn-ghost-danger btn-small',
          testid: 'delete-endpoint',
          'aria-label': ts('deleteEndpoint', { url: e.url }),
        },
        () =>
          void whileBusy(remove, ts('deleting'), async () => {
            try {
              await consoleApi.deleteEndpoint(p.siteSign, e.id);
              p.announce(ts('endpointDeleted'));
              await p.reload();
            } catch (err) {
              p.alert(hookError(err));
            }
          }),
      );
      return h(
        'li',
        { 'data-endpoint-id': String(e.id) },
        h('span', { class: 'mono rec-topic' }, e.url),
        h('span', { class: 'muted' }, ts('hookEvents', { events: e.events === '*' ? ts('allEvents') : e.events })),
        p.owner ? remove : null,
      );
    }),
  );
}

function statusText(d: Delivery): string {
  const code = d.lastStatusCode === null ? '' : ` · HTTP ${d.lastStatusCode}`;
  const word = d.status === 'delivered' ? ts('delivered') : d.status === 'failed' ? ts('failed') : ts('pending');
  return `${word}${code}`;
}

/** Sends the delivery's event again (a new delivery); told in the status line, or the refusal in words. */
function resendButton(p: Page, d: Delivery): HTMLButtonElement {
  const resend: HTMLButtonElement = button(
    ts('resend'),
    {
      class: 'btn btn-secondary btn-small',
      testid: 'resend',
      'aria-label': ts('resendNamed', { type: d.type, seq: d.seq }),
    },
    () =>
      void whileBusy(resend, ts('saving'), async () => {
        try {
          await consoleApi.resendDelivery(p.siteSign, d.id);
          // Said once the log shows the new delivery.
          await p.reload();
          p.announce(ts('resent'));
        } catch (err) {
          p.alert(hookError(err));
        }
      }),
  );
  return resend;
}

function deliveryLog(p: Page, deliveries: Delivery[]): HTMLElement {
  if (deliveries.length === 0) return h('p', { class: 'empty', testid: 'deliveries-empty' }, ts('deliveriesEmpty'));
  const heads = [ts('hookEvent'), ts('hookEndpoint'), ts('hookStatus'), ts('hookWhen')];
  if (p.owner) heads.push(ts('recActions'));
  return dataTable(
    'deliveries',
    heads,
    deliveries.map((d) => {
      const error = d.lastError && d.status !== 'delivered' && d.lastError !== `HTTP ${d.lastStatusCode}`;
      const cells: (Node | string)[] = [
        h(
          'span',
          {},
          h('span', { class: 'rec-topic' }, d.type),
          h('span', { class: 'muted rec-meeting' }, `#${d.seq}`),
        ),
        h('span', { class: 'mono' }, d.url),
        h(
          'span',
          { testid: 'delivery-status' },
          statusText(d),
          error ? h('span', { class: 'muted rec-meeting' }, d.lastError) : null,
        ),
        formatLocal(Date.parse(d.deliveredAt ?? d.createdAt)),
      ];
      if (p.owner)
        cells.push(d.status === 'pending' ? h('span', { class: 'muted' }, ts('retrying')) : resendButton(p, d));
      return { attrs: { 'data-delivery-id': String(d.id) }, cells };
    }),
  );
}

function endpointForm(p: Page, o: Overview): HTMLElement {
  const url = field(
    ts('hookUrl'),
    { name: 'hook-url', type: 'url', autocomplete: 'off', required: true },
    ts('hookUrlHint'),
  );
  const events = field(
    ts('hookEventsField'),
    { name: 'hook-events', autocomplete: 'off', value: '*' },
    ts('hookEventsHint', { types: o.eventTypes.join(', ') }),
  );
  const submit = h('button', { type: 'submit', class: 'btn btn-primary', testid: 'add-endpoint' }, ts('addEndpoint'));
  const secret = h('div', { role: 'status', 'aria-live': 'polite' });
  const full = o.endpoints.length >= o.maxEndpoints;
  if (full) submit.disabled = true;
  const form = h('form', { class: 'console-form', novalidate: true }, url.wrap, events.wrap, submit);
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    void whileBusy(submit, ts('saving'), async () => {
      p.alert(null);
      try {
        const added = await consoleApi.addEndpoint(
          p.siteSign,
          url.input.value.trim(),
          events.input.value.trim() || '*',
        );
        url.input.value = '';
        await p.reload();
        secret.replaceChildren(
          h('p', {}, ts('secretOnce', { url: added.url })),
          h('input', {
            class: 'mono',
            readonly: true,
            value: added.secret,
            'aria-label': ts('secretLabel'),
            testid: 'endpoint-secret',
          }),
        );
      } catch (err) {
        p.alert(hookError(err));
      }
    });
  });
  return h(
    'section',
    { class: 'panel console-panel' },
    h('h2', {}, ts('addEndpoint')),
    h('p', { class: 'muted' }, ts('hookLimit', { n: o.endpoints.length, max: o.maxEndpoints })),
    form,
    secret,
  );
}

/** Draws the Webhooks page into `main`: loading, then the endpoints, the form (owners) and the delivery log. */
export function webhooksPage(main: HTMLElement, me: Me, siteSign: string): void {
  const alert = alertLine();
  const status = h('p', { class: 'sr-only', role: 'status', 'aria-live': 'polite', testid: 'status' });
  const body = h('div', { 'aria-busy': 'true' }, h('p', { class: 'loading' }, ts('hooksLoading')));
  let form: HTMLElement | null = null;
  main.append(h('h1', {}, ts('hooksTitle')), h('p', { class: 'lead' }, ts('hooksLead')), alert.el, status, body);
  const page: Page = {
    siteSign,
    owner: me.account.role === 'owner',
    alert: alert.show,
    announce: (text) => (status.textContent = text),
    reload: async () => {
      try {
        const o = await consoleApi.webhooks(siteSign);
        body.setAttribute('aria-busy', 'false');
        // The form is drawn once: a secret just shown in it stays.
        if (page.owner && !form) form = endpointForm(page, o);
        body.replaceChildren(
          h('section', { class: 'panel console-panel' }, h('h2', {}, ts('endpoints')), endpointList(page, o.endpoints)),
          ...(form ? [form] : [h('p', { class: 'muted' }, ts('viewersOnlyLook'))]),
          h(
            'section',
            { class: 'panel console-panel' },
            h('h2', {}, ts('deliveryLog')),
            deliveryLog(page, o.deliveries),
          ),
        );
      } catch (err) {
        body.setAttribute('aria-busy', 'false');
        body.replaceChildren();
        alert.show(errorText(err));
      }
    },
  };
  void page.reload();
}
