// Pieces every console page uses: links that stay in the page, form fields, refusals in words.

import { h } from '../dom';
import { formatLocal } from '../time';
import { ConsoleError } from './api';
import { t } from './messages';

type Navigate = (path: string, options?: { replace?: boolean }) => void;
let navigate: Navigate = (path) => location.assign(path);

/** Where in-page links go (main.ts sets it to its router). */
export function setNavigate(to: Navigate): void {
  navigate = to;
}

export function go(path: string, options?: { replace?: boolean }): void {
  navigate(path, options);
}

/** A link to another console page, followed without reloading the page. */
export function link(path: string, text: string, attrs: Record<string, string | undefined> = {}): HTMLAnchorElement {
  const a = h('a', { href: path, ...attrs }, text);
  a.addEventListener('click', (ev) => {
    if (ev.button !== 0 || ev.metaKey || ev.ctrlKey || ev.shiftKey || ev.altKey) return;
    ev.preventDefault();
    go(path);
  });
  return a;
}

/** A labelled input; the label names it for screen readers. */
export function field(
  label: string,
  input: Record<string, string | boolean>,
  hint?: string,
): { wrap: HTMLElement; input: HTMLInputElement } {
  const id = `f-${String(input.name)}`;
  const el = h('input', { id, ...input, ...(hint ? { 'aria-describedby': `${id}-hint` } : {}) });
  const wrap = h(
    'div',
    { class: 'field' },
    h('label', { for: id }, label),
    el,
    hint ? h('p', { class: 'hint', id: `${id}-hint` }, hint) : null,
  );
  return { wrap, input: el };
}

/** A refusal (or a failure) in the reader's words. */
export function errorText(err: unknown): string {
  if (!(err instanceof ConsoleError)) return t('errorOther', { message: String(err) });
  switch (err.error) {
    case 'bad_credentials':
      return t('errorBadCredentials');
    case 'too_many_attempts':
      return t('errorTooMany', { time: formatLocal(Date.now() + (err.retryAfterSeconds ?? 60) * 1000) });
    case 'link_invalid':
      return t('errorLinkInvalid');
    case 'weak_password':
      return t('errorWeakPassword');
    case 'email_taken':
      return t('errorEmailTaken');
    case 'bad_email':
      return t('errorBadEmail');
    case 'not_allowed':
      return t('errorNotAllowed');
    case 'not_found':
      return t('errorNotFound');
    case 'signed_out':
      return t('errorSignedOut');
    case 'network':
      return t('errorNetwork');
    default:
      return t('errorOther', { message: err.message || err.error });
  }
}

/** The page's alert line: shows `text`, or hides when there is none. */
export function alertLine(): { el: HTMLElement; show(text: string | null): void } {
  const el = h('p', { class: 'error', role: 'alert', testid: 'error', hidden: true });
  return {
    el,
    show(text) {
      el.textContent = text ?? '';
      el.hidden = text === null;
    },
  };
}

/** A submit button that says `busyText` and is disabled while `work` runs. */
export async function whileBusy(button: HTMLButtonElement, busyText: string, work: () => Promise<void>): Promise<void> {
  const label = button.textContent;
  button.disabled = true;
  button.textContent = busyText;
  try {
    await work();
  } finally {
    button.disabled = false;
    button.textContent = label;
  }
}
