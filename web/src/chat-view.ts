// The room's chat panel. Messages are the server's (docs/web-protocol.md): names and text only ever go through
// textContent (dom.ts), so a message is shown as the text it is, never as markup.

import type { ChatEntry } from './api';
import { button, h } from './dom';
import { icon } from './icons';
import { known, t } from './room-messages';

/** How many messages the panel keeps on screen (the server sends the last 200 on joining). */
const SHOWN = 500;

/** The chat: what was said in the session, and a line to say something; `send` answers false when not connected. */
export class ChatPanel {
  readonly el: HTMLElement;
  private readonly title = h('span', {});
  private readonly list = h('ol', { testid: 'chat-list', class: 'chat-list', 'aria-live': 'polite' });
  private readonly empty = h('p', { testid: 'chat-empty', class: 'chat-empty' });
  private readonly input = h('input', {
    testid: 'chat-input',
    id: 'chat-input',
    class: 'chat-input',
    type: 'text',
    autocomplete: 'off',
  });
  private readonly sendButton: HTMLButtonElement;
  private readonly notice = h('p', { testid: 'chat-error', class: 'chat-error', role: 'alert', hidden: true });
  private reason: string | null = null;
  /** What was sent last: put back in the line when the server refuses it, to be shortened or sent again. */
  private lastSent = '';
  private readonly seen = new Set<string>();

  constructor(private readonly send: (text: string) => boolean) {
    this.sendButton = button('', { testid: 'chat-send', class: 'btn btn-small btn-primary' }, () => this.submit());
    const form = h('form', { class: 'chat-form' }, this.input, this.sendButton);
    form.addEventListener('submit', (ev) => {
      ev.preventDefault();
      this.submit();
    });
    this.el = h(
      'section',
      { testid: 'chat', class: 'panel chat-panel' },
      h('div', { class: 'panel-head' }, h('h2', {}, icon('chat'), this.title)),
      this.empty,
      this.list,
      this.notice,
      form,
    );
    this.relabel();
  }

  relabel(): void {
    this.title.textContent = t('chat');
    this.empty.textContent = t('chatEmpty');
    this.input.placeholder = t('chatPlaceholder');
    this.input.setAttribute('aria-label', t('chatPlaceholder'));
    this.sendButton.replaceChildren(icon('send'), t('chatSend'));
    this.showReason();
  }

  /** The session's chat so far: replaces what the panel showed (after a reconnect, the server's list is whole). */
  setHistory(entries: ChatEntry[]): void {
    this.seen.clear();
    this.list.replaceChildren();
    for (const entry of entries) this.add(entry);
    this.empty.hidden = this.list.childElementCount > 0;
  }

  add(entry: ChatEntry): void {
    if (typeof entry.id !== 'string' || this.seen.has(entry.id)) return;
    this.seen.add(entry.id);
    const time = new Date(entry.sentAt).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
    this.list.appendChild(
      h(
        'li',
        { testid: 'chat-item', class: 'chat-item', 'data-from': String(entry.from) },
        h(
          'div',
          { class: 'chat-meta' },
          h('span', { testid: 'chat-name', class: 'chat-name' }, String(entry.name)),
          h('time', { class: 'chat-time' }, time),
        ),
        h('p', { testid: 'chat-text', class: 'chat-text' }, String(entry.text)),
      ),
    );
    while (this.list.childElementCount > SHOWN) this.list.firstElementChild?.remove();
    this.empty.hidden = true;
    this.list.scrollTop = this.list.scrollHeight;
  }

  /** The server refused this page's message: its reason, worded (the typed text is kept to correct). */
  refused(reason: string): void {
    this.reason = reason;
    this.showReason();
    if (this.input.value === '') this.input.value = this.lastSent;
  }

  private showReason(): void {
    const key = this.reason === null ? null : known(`refused.${this.reason}`);
    this.notice.hidden = this.reason === null;
    this.notice.textContent = this.reason === null ? '' : key ? t(key) : t('error.refused', { code: this.reason });
  }

  private submit(): void {
    const text = this.input.value;
    this.reason = null;
    this.showReason();
    if (!this.send(text)) {
      this.notice.hidden = false;
      this.notice.textContent = t('error.notConnected');
      return;
    }
    this.input.value = '';
    this.lastSent = text;
  }
}
