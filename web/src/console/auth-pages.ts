// The pages before sign-in: signing in, and setting a password from a one-time link.

import { h } from '../dom';
import { consoleApi } from './api';
import { t, type MessageKey } from './messages';
import { paths } from './route';
import { alertLine, errorText, field, go, whileBusy } from './ui';

/** Query flags the sign-in page shows a notice for. */
const NOTICES: Record<string, MessageKey> = {
  passwordSet: 'passwordSetSignIn',
  signedOut: 'signedOutNotice',
  signedOutEverywhere: 'signedOutEverywhereNotice',
};

/** Where to go after signing in: `next` when it is a console page, else the console's start. */
function nextPath(query: URLSearchParams): string {
  const next = query.get('next') ?? '';
  return /^\/console\/[A-Za-z0-9/_.%-]*$/.test(next) ? next : paths.home;
}

export function signInPage(main: HTMLElement): void {
  const query = new URLSearchParams(location.search);
  const noticeKey = Object.keys(NOTICES).find((k) => query.has(k));
  const notice = noticeKey
    ? h('p', { class: 'notice', role: 'status', testid: 'notice' }, t(NOTICES[noticeKey]!))
    : null;
  const email = field(t('email'), { name: 'email', type: 'email', autocomplete: 'username', required: true });
  email.input.value = query.get('email') ?? '';
  const password = field(t('password'), {
    name: 'password',
    type: 'password',
    autocomplete: 'current-password',
    required: true,
  });
  const alert = alertLine();
  const submit = h('button', { type: 'submit', class: 'btn btn-primary btn-block', testid: 'sign-in' }, t('signIn'));
  const form = h('form', { class: 'console-form', novalidate: true }, email.wrap, password.wrap, alert.el, submit);
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    void whileBusy(submit, t('signingIn'), async () => {
      alert.show(null);
      notice?.remove();
      try {
        await consoleApi.signIn(email.input.value, password.input.value);
        go(nextPath(query), { replace: true });
      } catch (err) {
        alert.show(errorText(err));
        password.input.select();
      }
    });
  });
  main.replaceChildren(
    h(
      'section',
      { class: 'card console-card' },
      h('h1', {}, t('signInTitle')),
      notice,
      h('p', { class: 'lead' }, t('signInLead')),
      form,
      h('p', { class: 'hint' }, t('noAccount')),
    ),
  );
  (email.input.value ? password.input : email.input).focus();
}

/** The link's secret, read once from the address's fragment and then taken out of the address bar. */
let linkSecret: string | null = null;

export function setPasswordPage(main: HTMLElement): void {
  if (location.hash.length > 1) {
    linkSecret = location.hash.slice(1);
    history.replaceState(history.state, '', location.pathname);
  }
  const card = h('section', { class: 'card console-card' }, h('h1', {}, t('setPasswordTitle')));
  main.replaceChildren(card);
  const secret = linkSecret;
  if (!secret) {
    card.append(h('p', { class: 'error', role: 'alert' }, t('linkMissing')));
    return;
  }
  const lead = h('p', { class: 'lead', role: 'status' }, t('loading'));
  const alert = alertLine();
  card.append(lead, alert.el);
  consoleApi.passwordLink(secret).then(
    ({ email }) => {
      lead.textContent = t('setPasswordFor', { email });
      card.append(passwordForm(secret, email, alert));
    },
    (err: unknown) => {
      lead.remove();
      alert.show(errorText(err));
    },
  );
}

function passwordForm(secret: string, email: string, alert: ReturnType<typeof alertLine>): HTMLFormElement {
  // The email, for password managers to save the new password under.
  const username = h('input', {
    type: 'email',
    name: 'username',
    autocomplete: 'username',
    value: email,
    hidden: true,
  });
  const first = field(
    t('newPassword'),
    { name: 'password', type: 'password', autocomplete: 'new-password', required: true, minlength: '10' },
    t('passwordRule'),
  );
  const second = field(t('repeatPassword'), {
    name: 'repeat',
    type: 'password',
    autocomplete: 'new-password',
    required: true,
  });
  const submit = h(
    'button',
    { type: 'submit', class: 'btn btn-primary btn-block', testid: 'set-password' },
    t('setPassword'),
  );
  const form = h('form', { class: 'console-form', novalidate: true }, username, first.wrap, second.wrap, submit);
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    if (first.input.value !== second.input.value) {
      alert.show(t('passwordsDiffer'));
      second.input.focus();
      return;
    }
    void whileBusy(submit, t('saving'), async () => {
      alert.show(null);
      try {
        const done = await consoleApi.setPassword(secret, first.input.value);
        linkSecret = null;
        go(`${paths.signIn}?passwordSet=1&email=${encodeURIComponent(done.email)}`, { replace: true });
      } catch (err) {
        alert.show(errorText(err));
      }
    });
  });
  queueMicrotask(() => first.input.focus());
  return form;
}
