// Rendering. Text from the server (names, meeting names) only ever goes through textContent (see dom.ts).

import type { LinkInfo, Participant, RosterMessage, Waiting } from './api';
import { button, h } from './dom';
import { formatGmtRange, formatLocalRange } from './time';

export const STATE_TEXT: Record<string, string> = {
  loading: '正在加载… Loading…',
  invalid: '会议链接无效 This link is not valid',
  error: '无法加载会议信息 Could not load the meeting',
  connecting: '正在连接… Connecting…',
  host_wait: '等待主持人开始会议 Waiting for the host to start the meeting',
  lobby: '等候室：请等待主持人允许入会 Waiting room: the host will let you in',
  in_meeting: '会议中 In the meeting',
  full: '会议人数已满 The meeting is full',
  removed: '你已被主持人移出会议 The host removed you',
  ended: '会议已结束 The meeting has ended',
  left: '你已离开会议 You left the meeting',
  disconnected: '连接已断开 Connection lost',
};

export interface Shell {
  /** Where each screen goes. */
  content: HTMLElement;
  /** data-testid=state: data-state is the current state, the text its message. Moved into each screen. */
  state: HTMLElement;
  /** data-testid=error: error and info messages; hidden when empty. */
  error: HTMLElement;
}

export function createShell(root: HTMLElement): Shell {
  const state = h('p', {
    testid: 'state',
    class: 'state',
    'data-state': 'loading',
    role: 'status',
    'aria-live': 'polite',
  });
  const error = h('p', { testid: 'error', class: 'error', role: 'alert', hidden: true });
  const content = h('main', { class: 'content' });
  root.replaceChildren(
    h(
      'header',
      { class: 'topbar' },
      h('span', { class: 'brand' }, h('span', { class: 'logo', 'aria-hidden': 'true' }, '会'), 'Huiguan 会管'),
    ),
    content,
  );
  return { content, state, error };
}

export function setState(shell: Shell, state: string, text?: string): void {
  shell.state.setAttribute('data-state', state);
  shell.state.textContent = text ?? STATE_TEXT[state] ?? state;
}

export function setError(shell: Shell, text: string): void {
  shell.error.textContent = text;
  shell.error.hidden = text === '';
}

/** Replaces the screen; the state and error elements move into it. */
export function showScreen(shell: Shell, ...children: (Node | null | false)[]): void {
  shell.content.replaceChildren(...children.filter((c): c is Node => !!c));
}

/** A centred card holding the state and error elements, and whatever else. */
export function card(className: string, ...children: (Node | null | false)[]): HTMLElement {
  const el = h('section', { class: `card ${className}` });
  for (const child of children) if (child) el.appendChild(child);
  return el;
}

function meetingId(confNumber: string): string {
  return confNumber.replace(/^(\d{3})(\d{3})(\d{4})$/, '$1 $2 $3');
}

/** The meeting's name, number and times. */
export function meetingHeader(link: LinkInfo): HTMLElement {
  const m = link.meeting;
  const statusLabel = m.status === 'live' ? '进行中 Live' : m.status === 'ended' ? '已结束 Ended' : '未开始 Scheduled';
  const local = formatLocalRange(m.opensAt, m.endsAt);
  return h(
    'div',
    { class: 'meeting-header' },
    h(
      'div',
      { class: 'chips' },
      h('span', { class: `chip chip-${m.status}` }, statusLabel),
      h('span', { class: 'chip' }, link.role === 'host' ? '主持人 Host' : '参会者 Attendee'),
    ),
    h('h1', { testid: 'meeting-name', class: 'meeting-name' }, m.confName),
    h(
      'dl',
      { class: 'facts' },
      h('dt', {}, '会议号 Meeting ID'),
      h('dd', { class: 'mono' }, meetingId(m.confNumber)),
      h('dt', {}, '会议时间 Time'),
      h('dd', { testid: 'meeting-time' }, formatGmtRange(m.startTime, m.endTime)),
      local && h('dt', {}, '可入会时段（本地时间）Open to join, your time'),
      local && h('dd', { testid: 'meeting-local-time' }, local),
    ),
  );
}

export interface FormView {
  form: HTMLFormElement;
  name: HTMLInputElement;
  password: HTMLInputElement | null;
  hostKey: HTMLInputElement | null;
  submit: HTMLButtonElement;
}

export function enterForm(opts: { host: boolean; name: string; askPassword: boolean; password: string }): FormView {
  // An attendee who knows the host's key (2.29) may come in as host.
  const hostKey = opts.host
    ? null
    : h('input', {
        testid: 'host-key-input',
        id: 'host-key',
        name: 'hostKey',
        type: 'password',
        inputmode: 'numeric',
        autocomplete: 'off',
        placeholder: '主持人密钥（可选）Host key (optional)',
      });
  const name = h('input', {
    testid: 'name-input',
    id: 'name',
    name: 'name',
    type: 'text',
    autocomplete: 'name',
    placeholder: '你的名字 Your name',
    enterkeyhint: 'go',
    // 64 characters, or the host's own userName as it is (the server accepts that too).
    maxlength: String(Math.max(64, opts.name.length)),
  });
  name.value = opts.name;
  const password = opts.askPassword
    ? h('input', {
        testid: 'password-input',
        id: 'password',
        name: 'password',
        type: 'password',
        autocomplete: 'off',
        placeholder: '会议密码 Meeting password',
      })
    : null;
  if (password) password.value = opts.password;
  const submit = h(
    'button',
    { testid: 'enter-button', type: 'submit', class: 'btn btn-primary btn-block' },
    opts.host ? '开始会议 Start meeting' : '加入会议 Join meeting',
  );
  const form = h(
    'form',
    { class: 'enter-form', novalidate: true },
    h('label', { for: 'name' }, '名字 Name'),
    name,
    password && h('label', { for: 'password' }, '密码 Password'),
    password,
    hostKey && h('label', { for: 'host-key' }, '主持人密钥 Host key'),
    hostKey,
    submit,
  );
  return { form, name, password, hostKey, submit };
}

const DEVICE: Record<string, string> = {
  pc: '电脑 PC',
  web: '网页 Web',
  browser: '网页 Web',
  mobile: '手机 Mobile',
  phone: '手机 Phone',
  tablet: '平板 Tablet',
  pad: '平板 Tablet',
  tel: '电话 Phone',
};

function deviceLabel(type: string | null | undefined): string {
  if (!type) return '';
  return DEVICE[type.toLowerCase()] ?? type;
}

function initial(name: string): string {
  const first = Array.from(name.trim())[0];
  return first ? first.toUpperCase() : '?';
}

export interface MeetingActions {
  leave(el: HTMLButtonElement): void;
  end(el: HTMLButtonElement): void;
  admit(id: string, el: HTMLButtonElement): void;
  remove(id: string, el: HTMLButtonElement): void;
  mute(id: string, el: HTMLButtonElement): void;
}

/** The in-meeting screen: built once, then updated by every roster message and every second. */
export class MeetingView {
  readonly el: HTMLElement;
  private readonly name = h('h1', { testid: 'meeting-name', class: 'meeting-name' });
  private readonly number = h('span', { class: 'mono' });
  private readonly remaining = h('strong', { testid: 'remaining', class: 'remaining mono' }, '–:––:––');
  private readonly count = h('span', { testid: 'roster-count', class: 'count' }, '0');
  private readonly roster = h('ul', { testid: 'roster', class: 'list roster' });
  private readonly waitingCount = h('span', { class: 'count' }, '0');
  private readonly waitingList = h('ul', { class: 'list waiting' });
  private readonly waitingPanel = h(
    'section',
    { class: 'panel waiting-panel', hidden: true },
    h('h2', {}, '等候室 Waiting room ', this.waitingCount),
    this.waitingList,
  );
  private readonly actions = h('div', { class: 'room-actions' });
  /** Where the media stage goes (media-view.ts). */
  readonly stage = h('div', { class: 'room-stage' });
  /** Participants' microphone and camera states, shown in the roster. */
  private media = new Map<string, { audio: boolean; video: boolean }>();
  private readonly body = h('div', { class: 'room-body' });
  private endButton: HTMLButtonElement | null = null;
  private watermark: HTMLElement | null = null;
  private watermarkText: string | null = null;

  constructor(
    shell: Shell,
    private readonly act: MeetingActions,
  ) {
    this.actions.appendChild(
      button('离开 Leave', { testid: 'leave-button', class: 'btn btn-secondary' }, (_e, el) => this.act.leave(el)),
    );
    this.body.append(
      h('section', { class: 'panel roster-panel' }, h('h2', {}, '参会者 Participants ', this.count), this.roster),
      this.waitingPanel,
    );
    this.el = h(
      'section',
      { testid: 'room', class: 'room' },
      h(
        'div',
        { class: 'room-head' },
        h(
          'div',
          { class: 'room-title' },
          this.name,
          h('div', { class: 'room-sub' }, shell.state, h('span', { class: 'room-id' }, '会议号 ', this.number)),
        ),
        h('div', { class: 'room-clock' }, h('span', { class: 'label' }, '剩余时间 Time left'), this.remaining),
      ),
      shell.error,
      this.stage,
      this.body,
      this.actions,
    );
  }

  setMeeting(confName: string, confNumber: string): void {
    this.name.textContent = confName;
    this.number.textContent = meetingId(confNumber);
  }

  setRemaining(text: string): void {
    if (this.remaining.textContent !== text) this.remaining.textContent = text;
  }

  update(r: RosterMessage): void {
    this.setMeeting(r.meeting.confName, r.meeting.confNumber);
    const isHost = r.you.role === 'host';
    const participants = Array.isArray(r.participants) ? r.participants : [];
    const waiting = Array.isArray(r.waiting) ? r.waiting : [];

    this.count.textContent = String(participants.length);
    this.roster.replaceChildren(...participants.map((p) => this.participant(p, r.you.id, isHost)));

    this.waitingCount.textContent = String(waiting.length);
    this.waitingList.replaceChildren(...waiting.map((w) => this.waiting(w)));
    this.waitingPanel.hidden = !isHost || waiting.length === 0;
    this.body.classList.toggle('has-waiting', !this.waitingPanel.hidden);

    if (isHost && !this.endButton) {
      this.endButton = button('结束会议 End meeting', { testid: 'end-button', class: 'btn btn-danger' }, (_e, el) =>
        this.act.end(el),
      );
      this.actions.appendChild(this.endButton);
    } else if (!isHost && this.endButton) {
      this.endButton.remove();
      this.endButton = null;
    }

    this.setWatermark(typeof r.you.watermark === 'string' && r.you.watermark !== '' ? r.you.watermark : null);
  }

  /** Microphone and camera states by participant id; the roster shows them. */
  setMediaStates(states: Map<string, { audio: boolean; video: boolean }>): void {
    this.media = states;
    for (const item of this.roster.querySelectorAll<HTMLElement>('[data-testid="roster-item"]')) this.showMedia(item);
  }

  private showMedia(item: HTMLElement): void {
    const state = this.media.get(item.getAttribute('data-id') ?? '');
    item.setAttribute('data-audio', state ? (state.audio ? 'on' : 'off') : 'unknown');
    item.setAttribute('data-video', state ? (state.video ? 'on' : 'off') : 'unknown');
  }

  private participant(p: Participant, you: string, isHost: boolean): HTMLElement {
    const host = p.role === 'host';
    const self = p.id === you;
    const device = deviceLabel(p.deviceType);
    const item = h(
      'li',
      {
        testid: 'roster-item',
        class: `item${self ? ' is-you' : ''}`,
        'data-role': host ? 'host' : 'attendee',
        'data-id': p.id,
      },
      h('span', { class: `avatar${host ? ' avatar-host' : ''}`, 'aria-hidden': 'true' }, initial(p.name)),
      h(
        'span',
        { class: 'who' },
        h('span', { class: 'name' }, p.name),
        h(
          'span',
          { class: 'tags' },
          host && h('span', { class: 'badge badge-host' }, '主持人 host'),
          self && h('span', { class: 'badge' }, '你 you'),
          device && h('span', { class: 'device' }, device),
        ),
      ),
      h('span', { class: 'media-marks', 'aria-hidden': 'true' }),
      isHost &&
        !self &&
        h(
          'span',
          { class: 'item-actions' },
          button('静音 Mute', { testid: 'mute-button', class: 'btn btn-small btn-secondary' }, (_e, el) =>
            this.act.mute(p.id, el),
          ),
          !host &&
            button('移除 Remove', { testid: 'remove-button', class: 'btn btn-small btn-ghost-danger' }, (_e, el) =>
              this.act.remove(p.id, el),
            ),
        ),
    );
    this.showMedia(item);
    return item;
  }

  private waiting(w: Waiting): HTMLElement {
    return h(
      'li',
      { testid: 'waiting-item', class: 'item', 'data-id': w.id },
      h('span', { class: 'avatar', 'aria-hidden': 'true' }, initial(w.name)),
      h('span', { class: 'who' }, h('span', { class: 'name' }, w.name)),
      h(
        'span',
        { class: 'item-actions' },
        button('允许 Admit', { testid: 'admit-button', class: 'btn btn-small btn-primary' }, (_e, el) =>
          this.act.admit(w.id, el),
        ),
        button('移除 Remove', { testid: 'remove-button', class: 'btn btn-small btn-ghost-danger' }, (_e, el) =>
          this.act.remove(w.id, el),
        ),
      ),
    );
  }

  private setWatermark(text: string | null): void {
    if (text === this.watermarkText) return;
    this.watermarkText = text;
    this.watermark?.remove();
    this.watermark = null;
    if (text === null) return;
    const tile = h('div', { class: 'watermark-tiles' });
    for (let i = 0; i < 240; i++) tile.appendChild(h('span', {}, text));
    this.watermark = h(
      'div',
      { testid: 'watermark', class: 'watermark', 'aria-hidden': 'true', 'data-text': text },
      tile,
    );
    this.el.appendChild(this.watermark);
  }
}
