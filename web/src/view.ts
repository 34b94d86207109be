// Rendering. Text from the server (names, meeting names) only ever goes through textContent (see dom.ts).

import type { ChatEntry, LinkInfo, Participant, RosterMessage, Waiting } from './api';
import { ChatPanel } from './chat-view';
import { button, h } from './dom';
import { icon, markIcon } from './icons';
import { known, t } from './room-messages';
import { formatGmtRange, formatLocalRange } from './time';

/** The words for a state the server or the page names (docs/web-protocol.md); the code itself when unknown. */
export function stateText(state: string): string {
  const key = known(`state.${state}`);
  return key ? t(key) : state;
}

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
  shell.state.textContent = text ?? stateText(state);
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

/** A meeting number as people read it: `123 456 7890`. */
export function meetingId(confNumber: string): string {
  return confNumber.replace(/^(\d{3})(\d{3})(\d{4})$/, '$1 $2 $3');
}

/** The meeting's name, number and times. */
export function meetingHeader(link: LinkInfo): HTMLElement {
  const m = link.meeting;
  const statusLabel = t(
    m.status === 'live' ? 'status.live' : m.status === 'ended' ? 'status.ended' : 'status.scheduled',
  );
  const local = formatLocalRange(m.opensAt, m.endsAt);
  return h(
    'div',
    { class: 'meeting-header' },
    h(
      'div',
      { class: 'chips' },
      h('span', { class: `chip chip-${m.status}` }, statusLabel),
      h('span', { class: 'chip' }, t(link.role === 'host' ? 'roleHost' : 'roleAttendee')),
    ),
    h('h1', { testid: 'meeting-name', class: 'meeting-name' }, m.confName),
    h(
      'dl',
      { class: 'facts' },
      h('dt', {}, t('meetingId')),
      h('dd', { class: 'mono' }, meetingId(m.confNumber)),
      h('dt', {}, t('time')),
      h('dd', { testid: 'meeting-time' }, formatGmtRange(m.startTime, m.endTime)),
      local && h('dt', {}, t('localTime')),
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
        placeholder: t('hostKeyPlaceholder'),
      });
  const name = h('input', {
    testid: 'name-input',
    id: 'name',
    name: 'name',
    type: 'text',
    autocomplete: 'name',
    placeholder: t('namePlaceholder'),
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
        placeholder: t('passwordPlaceholder'),
      })
    : null;
  if (password) password.value = opts.password;
  const submit = h(
    'button',
    { testid: 'enter-button', type: 'submit', class: 'btn btn-primary btn-block' },
    t(opts.host ? 'start' : 'join'),
  );
  const form = h(
    'form',
    { class: 'enter-form', novalidate: true },
    h('label', { for: 'name' }, t('name')),
    name,
    password && h('label', { for: 'password' }, t('password')),
    password,
    hostKey && h('label', { for: 'host-key' }, t('hostKey')),
    hostKey,
    submit,
  );
  return { form, name, password, hostKey, submit };
}

/** deviceType as the reports give it, by the catalogue's device words. */
const DEVICE: Record<string, 'device.pc' | 'device.web' | 'device.mobile' | 'device.phone' | 'device.tablet'> = {
  pc: 'device.pc',
  web: 'device.web',
  browser: 'device.web',
  mobile: 'device.mobile',
  phone: 'device.mobile',
  tablet: 'device.tablet',
  pad: 'device.tablet',
  tel: 'device.phone',
};

function deviceLabel(type: string | null | undefined): string {
  if (!type) return '';
  const key = DEVICE[type.toLowerCase()];
  return key ? t(key) : type;
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
  /** The host lowers a participant's raised hand. */
  lowerHand(id: string, el: HTMLButtonElement): void;
  /** Copies the invitation to the clipboard. */
  invite(el: HTMLButtonElement): void;
  /** The host mutes everyone else. */
  muteAll(el: HTMLButtonElement): void;
  /** The host asks a muted participant to unmute (their page asks them; nobody is unmuted silently). */
  askUnmute(id: string, el: HTMLButtonElement): void;
  /** The host hands the host role to participant `id` (confirmed first). */
  makeHost(id: string, el: HTMLButtonElement): void;
  /** Sends a chat message; false when not connected. */
  chat(text: string): boolean;
}

/** The in-meeting screen: built once, then updated by every roster message and every second. */
export class MeetingView {
  readonly el: HTMLElement;
  private readonly name = h('h1', { testid: 'meeting-name', class: 'meeting-name' });
  private readonly number = h('span', { class: 'mono' });
  private readonly idLabel = h('span', {});
  private readonly remainingLabel = h('span', { class: 'label' });
  private readonly remaining = h('strong', { testid: 'remaining', class: 'remaining mono' }, '–:––:––');
  private readonly count = h('span', { testid: 'roster-count', class: 'count' }, '0');
  private readonly rosterTitle = h('span', {});
  private readonly muteAllButton: HTMLButtonElement;
  /** The host asked this page to unmute: the person answers here. */
  private readonly unmuteAsk = h('div', {
    testid: 'unmute-ask',
    class: 'unmute-ask',
    role: 'alertdialog',
    hidden: true,
  });
  private unmuteAccept: (() => void) | null = null;
  private readonly roster = h('ul', { testid: 'roster', class: 'list roster' });
  private readonly waitingCount = h('span', { class: 'count' }, '0');
  private readonly waitingTitle = h('span', {});
  private readonly waitingList = h('ul', { class: 'list waiting' });
  private readonly waitingPanel = h(
    'section',
    { class: 'panel waiting-panel', hidden: true },
    h('h2', {}, this.waitingTitle, ' ', this.waitingCount),
    this.waitingList,
  );
  private readonly actions = h('div', { class: 'room-actions' });
  private readonly leaveButton: HTMLButtonElement;
  private readonly inviteButton: HTMLButtonElement;
  /** Participants whose hand is raised. */
  private hands = new Set<string>();
  /** Where the media stage goes (media-view.ts). */
  readonly stage = h('div', { class: 'room-stage' });
  /** Participants' microphone and camera states, shown in the roster. */
  private media = new Map<string, { audio: boolean; video: boolean }>();
  private readonly body = h('div', { class: 'room-body' });
  private endButton: HTMLButtonElement | null = null;
  /** Ending is for everyone: the host confirms it here first. */
  private readonly endDialog = h('dialog', { testid: 'end-dialog', class: 'end-dialog' });
  private readonly endQuestion = h('p', { class: 'end-question' });
  private readonly endConfirm: HTMLButtonElement;
  private readonly endCancel: HTMLButtonElement;
  /** Handing the host role over is confirmed here first. */
  private readonly hostDialog = h('dialog', { testid: 'host-dialog', class: 'end-dialog' });
  private readonly hostQuestion = h('p', { class: 'end-question' });
  private readonly hostConfirm: HTMLButtonElement;
  private readonly hostCancel: HTMLButtonElement;
  /** Whom the open confirmation is about: their id and name, and the roster line's button. */
  private handingTo: { id: string; name: string; el: HTMLButtonElement } | null = null;
  private readonly chatPanel: ChatPanel;
  private watermark: HTMLElement | null = null;
  private watermarkText: string | null = null;
  private last: RosterMessage | null = null;

  constructor(
    shell: Shell,
    private readonly act: MeetingActions,
  ) {
    this.leaveButton = button('', { testid: 'leave-button', class: 'btn btn-secondary' }, (_e, el) =>
      this.act.leave(el),
    );
    this.actions.appendChild(this.leaveButton);
    this.endConfirm = button('', { testid: 'end-confirm-button', class: 'btn btn-danger' }, () => {
      this.endDialog.close();
      if (this.endButton) this.act.end(this.endButton);
    });
    this.endCancel = button('', { testid: 'end-cancel-button', class: 'btn btn-secondary' }, () =>
      this.endDialog.close(),
    );
    this.endDialog.append(this.endQuestion, h('div', { class: 'end-dialog-actions' }, this.endCancel, this.endConfirm));
    this.hostConfirm = button('', { testid: 'host-confirm-button', class: 'btn btn-primary' }, () => {
      this.hostDialog.close();
      if (this.handingTo) this.act.makeHost(this.handingTo.id, this.handingTo.el);
    });
    this.hostCancel = button('', { testid: 'host-cancel-button', class: 'btn btn-secondary' }, () =>
      this.hostDialog.close(),
    );
    this.hostDialog.append(
      this.hostQuestion,
      h('div', { class: 'end-dialog-actions' }, this.hostCancel, this.hostConfirm),
    );
    this.hostDialog.addEventListener('close', () => {
      this.handingTo = null;
    });
    this.chatPanel = new ChatPanel((text) => this.act.chat(text));
    this.inviteButton = button('', { testid: 'copy-invitation', class: 'btn btn-small btn-secondary' }, (_e, el) =>
      this.act.invite(el),
    );
    this.muteAllButton = button(
      '',
      { testid: 'mute-all-button', class: 'btn btn-small btn-secondary', hidden: true },
      (_e, el) => this.act.muteAll(el),
    );
    this.body.append(
      h(
        'section',
        { class: 'panel roster-panel' },
        h('div', { class: 'panel-head' }, h('h2', {}, this.rosterTitle, ' ', this.count), this.muteAllButton),
        this.roster,
      ),
      this.waitingPanel,
      this.chatPanel.el,
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
          h(
            'div',
            { class: 'room-sub' },
            shell.state,
            h('span', { class: 'room-id' }, this.idLabel, ' ', this.number),
            this.inviteButton,
          ),
        ),
        h('div', { class: 'room-clock' }, this.remainingLabel, this.remaining),
      ),
      shell.error,
      this.unmuteAsk,
      this.stage,
      this.body,
      this.actions,
      this.endDialog,
      this.hostDialog,
    );
    this.relabel();
  }

  /** Words everything again in the current language. */
  relabel(): void {
    this.idLabel.textContent = t('meetingId');
    this.remainingLabel.textContent = t('timeLeft');
    this.rosterTitle.textContent = t('participants');
    this.waitingTitle.textContent = t('waitingRoom');
    this.leaveButton.textContent = t('leave');
    this.showCopied(false);
    this.muteAllButton.replaceChildren(icon('micOff'), t('muteAll'));
    if (this.unmuteAccept) this.drawUnmuteAsk();
    if (this.endButton) this.endButton.textContent = t('end');
    this.endQuestion.textContent = t('endQuestion');
    this.endConfirm.textContent = t('endForAll');
    this.endCancel.textContent = t('cancel');
    this.hostConfirm.textContent = t('makeHost');
    this.hostCancel.textContent = t('cancel');
    if (this.handingTo) this.hostQuestion.textContent = t('hostQuestion', { name: this.handingTo.name });
    this.chatPanel.relabel();
    if (this.last) this.update(this.last);
  }

  setMeeting(confName: string, confNumber: string): void {
    this.name.textContent = confName;
    this.number.textContent = meetingId(confNumber);
  }

  /** The invitation button says "Copied" for a while after a copy. */
  showCopied(copied: boolean): void {
    this.inviteButton.replaceChildren(icon('copy'), t(copied ? 'copied' : 'copyInvitation'));
    this.inviteButton.setAttribute('data-copied', String(copied));
  }

  /** Asks this page's person to unmute: `accept` unmutes them if they agree; a later ask replaces it. */
  askToUnmute(accept: () => void): void {
    this.unmuteAccept = accept;
    this.drawUnmuteAsk();
  }

  /** The microphone is on again (by the person's own hand): the ask is answered. */
  unmuted(): void {
    this.unmuteAccept = null;
    this.unmuteAsk.hidden = true;
  }

  private drawUnmuteAsk(): void {
    const accept = this.unmuteAccept;
    this.unmuteAsk.hidden = accept === null;
    this.unmuteAsk.replaceChildren(
      h('span', {}, t('unmuteAsked')),
      button(t('unmuteAccept'), { testid: 'unmute-accept', class: 'btn btn-small btn-primary' }, () => {
        this.unmuted();
        accept?.();
      }),
      button(t('unmuteDecline'), { testid: 'unmute-decline', class: 'btn btn-small btn-secondary' }, () =>
        this.unmuted(),
      ),
    );
  }

  /** The session's chat so far (on joining). */
  setChat(entries: ChatEntry[]): void {
    this.chatPanel.setHistory(entries);
  }

  addChat(entry: ChatEntry): void {
    this.chatPanel.add(entry);
  }

  /** The server refused this page's chat message (`reason` its code). */
  chatRefused(reason: string): void {
    this.chatPanel.refused(reason);
  }

  /** Asks the host to confirm handing the role to `p`. */
  private confirmHost(p: Participant, el: HTMLButtonElement): void {
    this.handingTo = { id: p.id, name: p.name, el };
    this.hostQuestion.textContent = t('hostQuestion', { name: p.name });
    this.hostDialog.showModal();
  }

  /** Participants whose hand is raised: marked in the roster, and the host can lower each. */
  setHands(hands: Set<string>): void {
    this.hands = new Set(hands);
    if (this.last) this.update(this.last);
  }

  setRemaining(text: string): void {
    if (this.remaining.textContent !== text) this.remaining.textContent = text;
  }

  update(r: RosterMessage): void {
    this.last = r;
    this.setMeeting(r.meeting.confName, r.meeting.confNumber);
    const isHost = r.you.role === 'host';
    const participants = Array.isArray(r.participants) ? r.participants : [];
    const waiting = Array.isArray(r.waiting) ? r.waiting : [];

    this.count.textContent = String(participants.length);
    this.roster.replaceChildren(...participants.map((p) => this.participant(p, r.you.id, isHost)));

    this.waitingCount.textContent = String(waiting.length);
    this.waitingList.replaceChildren(...waiting.map((w) => this.waiting(w)));
    this.waitingPanel.hidden = !isHost || waiting.length === 0;
    this.muteAllButton.hidden = !isHost || participants.length < 2;
    if (!isHost && this.hostDialog.open) this.hostDialog.close();
    this.body.classList.toggle('has-waiting', !this.waitingPanel.hidden);

    if (isHost && !this.endButton) {
      this.endButton = button(t('end'), { testid: 'end-button', class: 'btn btn-danger' }, () =>
        this.endDialog.showModal(),
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

  /**
   * A roster line's microphone and camera marks; the host's mute control says "muted" (and rests) while the
   * participant's microphone is off, so a mute the host asked for shows once the page has done it.
   */
  private showMedia(item: HTMLElement): void {
    const state = this.media.get(item.getAttribute('data-id') ?? '');
    const audio = state ? (state.audio ? 'on' : 'off') : 'unknown';
    const video = state ? (state.video ? 'on' : 'off') : 'unknown';
    if (item.getAttribute('data-audio') === audio && item.getAttribute('data-video') === video) return;
    item.setAttribute('data-audio', audio);
    item.setAttribute('data-video', video);
    const marks = item.querySelector('.media-marks');
    marks?.replaceChildren(
      ...(audio === 'off' ? [markIcon('micOff', t('microphoneMuted'))] : []),
      ...(video === 'off' ? [markIcon('videoOff', t('cameraOff'))] : []),
    );
    const mute = item.querySelector<HTMLButtonElement>('[data-testid="mute-button"]');
    if (mute) {
      const muted = audio === 'off';
      mute.replaceChildren(icon(muted ? 'micOff' : 'mic'), t(muted ? 'mutedOther' : 'mute'));
      mute.disabled = muted;
      mute.setAttribute('data-muted', String(muted));
      // Muted: the host may ask them to unmute, never unmute them.
      item.querySelector('[data-testid="ask-unmute-button"]')?.remove();
      if (muted) {
        const id = item.getAttribute('data-id') ?? '';
        mute.after(
          button(t('askUnmute'), { testid: 'ask-unmute-button', class: 'btn btn-small btn-secondary' }, (_e, el) =>
            this.act.askUnmute(id, el),
          ),
        );
      }
    }
  }

  private participant(p: Participant, you: string, isHost: boolean): HTMLElement {
    const host = p.role === 'host';
    const self = p.id === you;
    const device = deviceLabel(p.deviceType);
    const hand = this.hands.has(p.id);
    const item = h(
      'li',
      {
        testid: 'roster-item',
        class: `item${self ? ' is-you' : ''}`,
        'data-role': host ? 'host' : 'attendee',
        'data-id': p.id,
        'data-hand': hand ? 'up' : null,
      },
      h('span', { class: `avatar${host ? ' avatar-host' : ''}`, 'aria-hidden': 'true' }, initial(p.name)),
      h(
        'span',
        { class: 'who' },
        h('span', { class: 'name' }, p.name),
        h(
          'span',
          { class: 'tags' },
          host && h('span', { class: 'badge badge-host' }, t('badgeHost')),
          self && h('span', { class: 'badge' }, t('badgeYou')),
          device && h('span', { class: 'device' }, device),
        ),
      ),
      hand && h('span', { class: 'hand-mark' }, markIcon('hand', t('handRaised'))),
      h('span', { class: 'media-marks' }),
      isHost &&
        !self &&
        h(
          'span',
          { class: 'item-actions' },
          hand &&
            button(t('lowerHand'), { testid: 'lower-hand-button', class: 'btn btn-small btn-secondary' }, (_e, el) =>
              this.act.lowerHand(p.id, el),
            ),
          button('', { testid: 'mute-button', class: 'btn btn-small btn-secondary' }, (_e, el) =>
            this.act.mute(p.id, el),
          ),
          !host &&
            button(t('makeHost'), { testid: 'make-host-button', class: 'btn btn-small btn-secondary' }, (_e, el) =>
              this.confirmHost(p, el),
            ),
          !host &&
            button(t('remove'), { testid: 'remove-button', class: 'btn btn-small btn-ghost-danger' }, (_e, el) =>
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
        button(t('admit'), { testid: 'admit-button', class: 'btn btn-small btn-primary' }, (_e, el) =>
          this.act.admit(w.id, el),
        ),
        button(t('remove'), { testid: 'remove-button', class: 'btn btn-small btn-ghost-danger' }, (_e, el) =>
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
