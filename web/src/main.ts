// The start/join page: docs/web-protocol.md. One page for /s/..., /j/... and /wc/join/... links.

import './style.css';
import {
  ApiError,
  enter,
  getLink,
  MeetingSocket,
  SILENT_CLOSE,
  type LinkInfo,
  type MediaConfigMessage,
  type MediaMessage,
  type RosterMessage,
  type ServerMessage,
  type SfuMessage,
} from './api';
import { button, h } from './dom';
import { isFrontDoor, showFrontDoor, takeCarriedPassword } from './home';
import { languageSwitch } from './lang-switch';
import { CloudRecorder, createMediaSession, SpeakerDetector, type MediaSession, type RecorderSource } from './media';
import { MediaStage } from './media-view';
import { known, t } from './room-messages';
import { Preview, type JoinChoice } from './preview';
import { parseRoute } from './route';
import { formatLocal, formatRemaining } from './time';
import {
  card,
  createShell,
  enterForm,
  meetingHeader,
  meetingId,
  MeetingView,
  setError,
  setState,
  showScreen,
} from './view';

/**
 * After a lost connection the page connects again by itself, after each of these waits in turn (ms), then gives
 * up and offers "Rejoin".
 */
const RECONNECT_DELAYS_MS = [500, 1000, 2000, 4000, 8000, 15_000, 15_000, 15_000, 15_000];
/** States after which the server closes the socket: the page stops there. */
const FINAL = new Set(['full', 'removed', 'ended', 'left', 'invalid']);

const root = document.getElementById('app') ?? document.body.appendChild(h('div', { id: 'app' }));
const shell = createShell(root);
const route = parseRoute(location.pathname, location.search);

let link: LinkInfo | null = null;
/** What the form sent, repeated by "rejoin". */
let entry: { name: string; password?: string; hostKey?: string; tk?: string } = { name: '' };
let socket: MeetingSocket | null = null;
let current = 'loading';
let room: MeetingView | null = null;
let endsAt = 0;
let clock: number | undefined;
let leaving = false;
let leaveTimer: number | undefined;

// Media (web/src/media): created once the room, the server's media-config and this page's id are known.
let ticket = '';
let mediaConfig: MediaConfigMessage | null = null;
/** Media messages that came before the media session existed. */
let early: (MediaMessage | SfuMessage)[] = [];
let selfId = '';
let names = new Map<string, string>();
let participantIds: string[] = [];
let media: MediaSession | null = null;
let stage: MediaStage | null = null;
let speaker: SpeakerDetector | null = null;
let speaking: string | null = null;
let recorder: CloudRecorder | null = null;
let isHost = false;
/** This page may record the meeting to the cloud (the host's, when the owner may): it follows the host role. */
let mayRecord = false;
/** The SFU's last recording and live states (to every page); shown once the stage exists. */
let sfuRecording: SfuMessage | null = null;
let sfuLive: SfuMessage | null = null;
/** Mesh: the host page's recorder state, as the host's page told it (to the other pages). */
let meshRecording: string | null = null;
/** Reconnecting: the tries made since the connection was lost (0: connected, or not trying). */
let reconnectTries = 0;
let reconnectTimer: number | undefined;
/** The camera and microphone check on the form; what was chosen there, for the room. */
let preview: Preview | null = null;
let joinChoice: JoinChoice = { microphone: true };
/** Participants whose hand is raised, as the server told (on joining: every hand up; then each change). */
let hands = new Set<string>();
/** Draws the current screen again (after a change of language). */
let redraw: () => void = () => undefined;
/** The error shown now, worded again after a change of language. */
let errorWords: (() => string) | null = null;

/** Shows an error or notice (none: null), in the current language and again in the next one. */
function say(words: (() => string) | null): void {
  errorWords = words;
  setError(shell, words ? words() : '');
}

/** The page in the newly chosen language: the screen drawn again, with what was typed and the error kept. */
function relabel(): void {
  document.title = link ? `${link.meeting.confName} · ${t('title')}` : t('title');
  const typed = new Map([...shell.content.querySelectorAll('input')].map((input) => [input.id, input.value]));
  const words = errorWords;
  redraw();
  for (const input of shell.content.querySelectorAll('input')) {
    const value = typed.get(input.id);
    if (value !== undefined) input.value = value;
  }
  say(words);
}

function go(state: string, text?: string): void {
  preview?.close();
  preview = null;
  current = state;
  setState(shell, state, text);
}

function title(): HTMLElement | null {
  return link ? h('h1', { testid: 'meeting-name', class: 'meeting-name' }, link.meeting.confName) : null;
}

function closeSocket(): void {
  window.clearTimeout(reconnectTimer);
  socket?.dispose();
  socket = null;
  leaving = false;
  window.clearTimeout(leaveTimer);
}

function leaveRoom(): void {
  window.clearInterval(clock);
  clock = undefined;
  room = null;
  stopMedia();
}

// ---- media ----

function startMedia(): void {
  if (media || !mediaConfig || !selfId || !room) return;
  const config = mediaConfig;
  stage = new MediaStage({
    microphone: (on) => media?.setMicrophone(on),
    camera: (on) => media?.setCamera(on),
    screen: (on) => {
      if (!on) media?.stopScreenShare();
      else media?.startScreenShare().catch(() => say(() => t('screenFailed')));
    },
    device: (kind, id) => void media?.selectDevice(kind, id).then(renderMedia, () => say(() => t('deviceFailed'))),
    // On the SFU the server records (and streams) the meeting; in a mesh the host's browser records it.
    record: (on) =>
      config.sfu
        ? void socket?.send({ type: 'sfu', op: 'record', on })
        : on
          ? void startRecording()
          : void stopRecording(),
    live: (on) => void socket?.send({ type: 'sfu', op: 'live', on }),
    hand: (up) => {
      if (!socket?.send({ type: 'hand', raised: up })) return say(() => t('error.notConnected'));
      setHand(selfId, up);
    },
    view: (cameras) => media?.setView?.(cameras),
  });
  room.stage.replaceChildren(stage.el);
  mayRecord = config.cloudRecord;
  stage.allowRecording(mayRecord);
  media = createMediaSession({
    selfId,
    // The microphone as chosen before joining (docs/decisions.md); the camera as the meeting's options say.
    config: { ...config, microphone: config.microphone && joinChoice.microphone },
    send: (message) => socket?.send(message),
    onChange: renderMedia,
    onMutedByHost: () => say(() => t('mutedByHost')),
    onError: (text) => say(() => t('mediaServer', { text })),
  });
  // The SFU says who is talking (Janus's audio levels); a mesh page measures the voices itself.
  if (!config.sfu) {
    speaker = new SpeakerDetector((id) => {
      speaking = id;
      renderMedia();
    });
  }
  showSfuStates();
  stage.setHands(hands, selfId);
  for (const message of early) media.receive(message);
  early = [];
  media.setParticipants(participantIds);
  const session = media;
  void session.start().then(async () => {
    if (media !== session) return;
    await useChosenDevices(session);
    if (media !== session) return;
    stage?.setDevices(await session.devices());
    renderMedia();
  });
  renderMedia();
}

function renderMedia(): void {
  if (!media || !stage) return;
  const participants = media.participants();
  if (!speaker) speaking = talker(participants);
  stage.render(participants, names, speaking);
  const self = participants.find((p) => p.local);
  if (self) stage.setLocal(self.state);
  if (self?.state.audio) room?.unmuted();
  room?.setMediaStates(new Map(participants.map((p) => [p.id, p.state])));
  // A muted participant is never the speaker, not even during the detector's hold after their last word.
  speaker?.update(new Map(participants.map((p) => [p.id, p.state.audio ? p.camera : null])));
}

/** On the SFU: whoever spoke first of those talking now keeps the mark until they stop; the muted never have it. */
function talker(participants: ReturnType<MediaSession['participants']>): string | null {
  const talking = participants.filter((p) => p.talking && p.state.audio).map((p) => p.id);
  return speaking !== null && talking.includes(speaking) ? speaking : (talking[0] ?? null);
}

function showSfuStates(): void {
  if (!stage) return;
  if (meshRecording !== null && !isHost) stage.setRecording(meshRecording, '');
  if (sfuRecording) {
    stage.setRecording(String(sfuRecording.state), typeof sfuRecording.detail === 'string' ? sfuRecording.detail : '');
  }
  if (sfuLive) {
    stage.setLive(String(sfuLive.state), {
      host: isHost,
      rtmp: sfuLive.rtmp === true,
      hls: sfuLive.hls === true,
      ...(typeof sfuLive.error === 'string' ? { error: sfuLive.error } : {}),
    });
  }
}

/** The devices chosen before joining, where the session took others (the browser's defaults). */
async function useChosenDevices(session: MediaSession): Promise<void> {
  const now = await session.devices();
  for (const [kind, wanted, taken] of [
    ['audioinput', joinChoice.audioInput, now.audioInput],
    ['videoinput', joinChoice.videoInput, now.videoInput],
  ] as const) {
    if (wanted && taken && wanted !== taken) await session.selectDevice(kind, wanted).catch(() => undefined);
  }
}

/** Raises or lowers participant `id`'s hand on this page. */
function setHand(id: string, up: boolean): void {
  if (up) hands.add(id);
  else hands.delete(id);
  room?.setHands(hands);
  stage?.setHands(hands, selfId);
}

/** The invitation to pass on: the meeting's name, its join link, number, and password when it has one. */
function invitation(): string | null {
  if (!link || !route) return null;
  const given =
    link.invitation ??
    (route.kind === 'j'
      ? { joinPath: `/j/${route.confNumber}/${route.secret}`, password: entry.password ?? '' }
      : null);
  if (!given) return null;
  const m = link.meeting;
  const text = t('invitation', {
    meeting: m.confName,
    url: `${location.origin}${given.joinPath}`,
    id: meetingId(m.confNumber),
  });
  return given.password ? `${text}\n${t('invitationPassword', { password: given.password })}` : text;
}

async function copyInvitation(el: HTMLButtonElement): Promise<void> {
  const text = invitation();
  if (text === null) return;
  el.disabled = true;
  try {
    await navigator.clipboard.writeText(text);
    room?.showCopied(true);
    window.setTimeout(() => room?.showCopied(false), 3000);
  } catch {
    say(() => t('copyFailed'));
  } finally {
    el.disabled = false;
  }
}

function recorderSources(): RecorderSource[] {
  if (!media || !stage) return [];
  return media.participants().flatMap((p) => {
    const name = names.get(p.id) ?? '';
    const camera: RecorderSource = { id: p.id, name, video: stage?.video(p.id, 'camera') ?? null, audio: p.camera };
    return p.screen
      ? [{ id: `${p.id}/screen`, name, video: stage?.video(p.id, 'screen') ?? null, audio: null }, camera]
      : [camera];
  });
}

async function startRecording(): Promise<void> {
  if (recorder?.state === 'recording' || recorder?.state === 'saving') return;
  const current = new CloudRecorder({
    ticket,
    sources: recorderSources,
    onState: (state, detail) => {
      stage?.setRecording(state, detail);
      // Everyone in the meeting is told that it is being recorded (docs/web-protocol.md), by the host's page.
      if (isHost) socket?.send({ type: 'recording', state });
    },
  });
  recorder = current;
  try {
    await current.start();
  } catch (err) {
    stage?.setRecording('failed', err instanceof Error ? err.message : '');
    say(() => t('recordFailed'));
  }
}

/** Stops recording and finishes the upload, even when the room is being left. */
async function stopRecording(): Promise<void> {
  const current = recorder;
  if (!current) return;
  await current.stop();
  current.close();
  if (recorder === current) recorder = null;
}

function stopMedia(): void {
  void stopRecording();
  media?.close();
  media = null;
  speaker?.close();
  speaker = null;
  speaking = null;
  stage = null;
  selfId = '';
}

// ---- screens ----

function showLoading(): void {
  redraw = showLoading;
  go('loading');
  say(null);
  showScreen(shell, card('card-message', shell.state, shell.error));
}

/** A link that opens no meeting, or a cancelled meeting's: said so, with the way to the front door. */
function showInvalid(state: 'invalid' | 'cancelled' = 'invalid'): void {
  leaveRoom();
  closeSocket();
  link = null;
  redraw = () => showInvalid(state);
  document.title = t('title');
  go(state, t(`state.${state}`));
  say(null);
  showScreen(
    shell,
    card(
      `card-message card-${state}`,
      h('div', { class: 'icon', 'aria-hidden': 'true' }, '!'),
      shell.state,
      h('p', { testid: 'state-hint', class: 'hint' }, t(state === 'invalid' ? 'invalidHint' : 'cancelledHint')),
      shell.error,
      frontDoorLink(),
    ),
  );
}

/** Before the meeting opens, when it opens (in the viewer's time), for hosts and attendees alike. */
function opensAtNotice(): HTMLElement | null {
  if (!link || link.meeting.status !== 'scheduled' || Date.now() >= link.meeting.opensAt) return null;
  return h('p', { testid: 'opens-at', class: 'opens-at' }, t('notOpen', { time: formatLocal(link.meeting.opensAt) }));
}

function showLoadError(err: unknown): void {
  redraw = () => showLoadError(err);
  go('error');
  say(() => refusal(err));
  const retry = button(t('retry'), { testid: 'retry-button', class: 'btn btn-secondary' }, () => void start());
  showScreen(shell, card('card-message', shell.state, shell.error, retry));
}

function showForm(info: LinkInfo): void {
  const host = info.role === 'host';
  // Drawn again (another language), the check keeps the microphone choice made so far.
  const microphone = preview?.choice().microphone ?? joinChoice.microphone;
  redraw = () => showForm(info);
  go('form', t(host ? 'state.formHost' : 'state.formAttendee'));
  say(null);
  if (info.meeting.status === 'ended') {
    go('ended');
    showScreen(shell, card('card-form', meetingHeader(info), shell.state, shell.error));
    return;
  }
  const askPassword = !!info.meeting.hasPassword && !host;
  const view = enterForm({
    host,
    name: host ? (info.meeting.hostName ?? '') : entry.name,
    askPassword,
    // From a web-client link's `pwd`, or typed at the front door.
    password: route?.password || (askPassword ? takeCarriedPassword(info.meeting.confNumber) : ''),
  });
  view.form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    if (view.submit.disabled) return;
    entry = { name: view.name.value.trim() };
    if (view.password) entry.password = view.password.value;
    if (view.hostKey?.value.trim()) entry.hostKey = view.hostKey.value.trim();
    if (route?.tk) entry.tk = route.tk;
    view.submit.disabled = true;
    if (preview) joinChoice = preview.choice();
    say(null);
    void doEnter().then((ok) => {
      if (!ok) view.submit.disabled = false;
    });
  });
  // Unmuted unless chosen otherwise: the meeting's options say nothing of the microphone (docs/decisions.md).
  const check = navigator.mediaDevices ? new Preview(microphone) : null;
  showScreen(
    shell,
    card('card-form', meetingHeader(info), opensAtNotice(), shell.state, shell.error, check?.el ?? null, view.form),
  );
  preview = check;
  void check?.start();
  if (!view.name.value) view.name.focus();
}

/** connecting, host_wait, lobby, or a state this page does not know: the page waits for the server. */
function showWaiting(state: string, text?: string): void {
  leaveRoom();
  redraw = () => showWaiting(state, text);
  go(state, text);
  say(null);
  const leave =
    state === 'connecting'
      ? null
      : button(t('leave'), { testid: 'cancel-button', class: 'btn btn-secondary' }, (_e, el) => leaveMeeting(el));
  showScreen(
    shell,
    card(
      'card-message card-waiting',
      title(),
      h('div', { class: 'pulse', 'aria-hidden': 'true' }),
      shell.state,
      state === 'host_wait' ? opensAtNotice() : null,
      shell.error,
      leave,
    ),
  );
}

/** full, removed, ended, left: the socket is closed; "left" may come back. */
function showFinal(state: string, text?: string): void {
  leaveRoom();
  redraw = () => showFinal(state, text);
  go(state, text);
  say(null);
  const again =
    state === 'left' && link
      ? button(t('rejoin'), { testid: 'rejoin-button', class: 'btn btn-primary' }, (_e, el) => void rejoin(el))
      : null;
  showScreen(shell, card(`card-message card-${state}`, title(), shell.state, shell.error, again, frontDoorLink()));
}

/** The way back to the front door, from a page that has nothing more to offer. */
function frontDoorLink(): HTMLElement {
  return h('a', { testid: 'front-door-link', class: 'front-door-link', href: '/' }, t('frontDoor'));
}

function showDisconnected(): void {
  leaveRoom();
  redraw = showDisconnected;
  go('disconnected');
  say(null);
  const again = button(t('rejoin'), { testid: 'rejoin-button', class: 'btn btn-primary' }, (_e, el) => void rejoin(el));
  showScreen(shell, card('card-message card-disconnected', title(), shell.state, shell.error, again));
}

function tick(): void {
  room?.setRemaining(formatRemaining(endsAt - Date.now()));
}

function showRoom(): MeetingView {
  const view = new MeetingView(shell, {
    leave: (el) => leaveMeeting(el),
    end: (el) => sendFrom(el, { type: 'end' }),
    admit: (id, el) => sendFrom(el, { type: 'admit', id }),
    remove: (id, el) => sendFrom(el, { type: 'remove', id }),
    mute: (id, el) => sendFrom(el, { type: 'mute', id }),
    lowerHand: (id, el) => {
      sendFrom(el, { type: 'hand', id, raised: false });
      setHand(id, false);
    },
    invite: (el) => void copyInvitation(el),
    muteAll: (el) => sendFrom(el, { type: 'mute', id: '*' }),
    askUnmute: (id, el) => sendFrom(el, { type: 'unmute-ask', id }),
    makeHost: (id, el) => sendFrom(el, { type: 'host', id }),
    chat: (text) => socket?.send({ type: 'chat', text }) ?? false,
  });
  leaveRoom();
  room = view;
  redraw = () => {
    go('in_meeting');
    view.relabel();
    stage?.relabel();
  };
  go('in_meeting');
  say(null);
  if (link) {
    view.setMeeting(link.meeting.confName, link.meeting.confNumber);
    endsAt = link.meeting.endsAt;
  }
  showScreen(shell, view.el);
  tick();
  clock = window.setInterval(tick, 250);
  return view;
}

// ---- actions ----

function sendFrom(el: HTMLButtonElement, msg: Parameters<MeetingSocket['send']>[0]): void {
  if (!socket?.send(msg)) {
    say(() => t('error.notConnected'));
    return;
  }
  el.disabled = true;
  // The next roster or state message redraws the button; re-enable it should none come.
  window.setTimeout(() => {
    el.disabled = false;
  }, 5000);
}

function leaveMeeting(el: HTMLButtonElement): void {
  el.disabled = true;
  leaving = true;
  if (!socket?.send({ type: 'leave' })) {
    closeSocket();
    showFinal('left');
    return;
  }
  // The server answers "left" and closes; should it not, the page leaves anyway.
  leaveTimer = window.setTimeout(() => {
    if (!leaving) return;
    closeSocket();
    showFinal('left');
  }, 5000);
}

async function rejoin(el: HTMLButtonElement): Promise<void> {
  el.disabled = true;
  say(null);
  if (!(await doEnter())) el.disabled = false;
}

/** POST .../enter with what the form gave, then connect. False (and a message shown) when refused. */
async function doEnter(): Promise<boolean> {
  if (!route) return false;
  try {
    const res = await enter(route.kind, route.confNumber, route.secret, entry);
    if (typeof res.ticket !== 'string' || res.ticket === '') throw new ApiError(0, 'bad_response', '');
    connect(res.ticket, res.state);
    return true;
  } catch (err) {
    enterFailed(err);
    return false;
  }
}

function enterFailed(err: unknown): void {
  if (err instanceof ApiError && (err.status === 404 || err.status === 410)) {
    showInvalid(err.status === 410 ? 'cancelled' : 'invalid');
    return;
  }
  if (err instanceof ApiError && err.code === 'ended') showFinal('ended');
  say(() => refusal(err));
}

/** The page's words for a refused JSON call, by its `error` code (docs/web-protocol.md). */
function refusal(err: unknown): string {
  if (!(err instanceof ApiError) || err.status === 0 || err.status >= 500) return t('error.network');
  if (err.code === 'too_early') {
    return t('error.too_early', { time: link ? formatLocal(link.meeting.opensAt) : '' });
  }
  if (err.code === 'too_many_attempts') {
    return err.retryAt
      ? t('error.too_many_attempts', { time: formatLocal(err.retryAt) })
      : t('error.too_many_attempts_no_time');
  }
  const key = known(`error.${err.code}`);
  return key ? t(key) : t('error.refused', { code: err.code || err.status });
}

function connect(entered: string, state: string): void {
  closeSocket();
  ticket = entered;
  mediaConfig = null;
  early = [];
  sfuRecording = null;
  sfuLive = null;
  meshRecording = null;
  hands = new Set();
  socket = new MeetingSocket(entered, { onMessage, onClose });
  showWaiting(state === 'host_wait' || state === 'lobby' ? state : 'connecting');
}

// ---- WebSocket ----

function onMessage(msg: ServerMessage): void {
  if (msg.type === 'state') onState(String(msg.state), typeof msg.message === 'string' ? msg.message : '');
  else if (msg.type === 'roster') onRoster(msg);
  else if (msg.type === 'media-config') {
    mediaConfig = msg;
    startMedia();
  } else if (msg.type === 'sfu' && (msg.op === 'recording' || msg.op === 'live')) {
    if (msg.op === 'recording') sfuRecording = msg;
    else sfuLive = msg;
    showSfuStates();
  } else if (msg.type === 'unmute-ask') {
    // Asked, never done silently: the person answers, and only then is the microphone turned on.
    if (media?.participants().find((p) => p.local)?.state.audio === false) {
      room?.askToUnmute(() => media?.setMicrophone(true));
    }
  } else if (msg.type === 'chat') {
    room?.addChat(msg);
  } else if (msg.type === 'chat-history') {
    if (Array.isArray(msg.messages)) room?.setChat(msg.messages);
  } else if (msg.type === 'refused') {
    refused(String(msg.request), String(msg.reason));
  } else if (msg.type === 'hand') {
    if (typeof msg.id === 'string' && typeof msg.raised === 'boolean') setHand(msg.id, msg.raised);
  } else if (msg.type === 'recording') {
    meshRecording = String(msg.state);
    showSfuStates();
  } else if (msg.type === 'signal' || msg.type === 'media' || msg.type === 'mute' || msg.type === 'sfu') {
    if (media) media.receive(msg);
    else early.push(msg);
  }
}

/**
 * The right to record follows the host role: a page that gets it shows the record control; one that loses it
 * stops its recording (a mesh's, which it saves) and hides the control.
 */
function followRecordingRight(may: boolean): void {
  if (!stage || may === mayRecord) return;
  mayRecord = may;
  stage.allowRecording(may);
  if (!may && !mediaConfig?.sfu) void stopRecording();
}

/** The server refused a request of this page: the chat says why beside itself, anything else on the page. */
function refused(request: string, reason: string): void {
  if (request === 'chat') return room?.chatRefused(reason);
  const key = known(`refused.${reason}`);
  say(() => (key ? t(key) : t('error.refused', { code: reason })));
}

function onState(state: string, message: string): void {
  if (state === 'in_meeting' || state === 'host_wait' || state === 'lobby') reconnectTries = 0;
  // Gone without leaving (the server missed this page's heartbeat): the ticket still holds, come back with it.
  if (state === 'left' && !leaving && current !== 'left') {
    closeSocket();
    dropped();
    return;
  }
  // Back after the last one left (oneself): the session ended with its tickets. Enter afresh, as the form did;
  // a meeting that is over says so then.
  if (state === 'ended' && reconnectTries > 0) {
    closeSocket();
    void enterAgain();
    return;
  }
  if (state === 'in_meeting') {
    if (!room) showRoom();
    else go('in_meeting');
  } else if (FINAL.has(state)) {
    closeSocket();
    if (state === 'invalid') showInvalid();
    else showFinal(state);
  } else if (state === 'host_wait' || state === 'lobby') {
    showWaiting(state);
  } else {
    showWaiting(state, message || state);
  }
}

function onRoster(r: RosterMessage): void {
  if (!socket || FINAL.has(current)) return;
  const view = room ?? showRoom();
  view.update(r);
  const participants = Array.isArray(r.participants) ? r.participants : [];
  names = new Map(participants.map((p) => [p.id, p.name]));
  const arrived = participants.some((p) => !participantIds.includes(p.id));
  const hadRoster = participantIds.length > 0;
  participantIds = participants.map((p) => p.id);
  selfId = typeof r.you?.id === 'string' ? r.you.id : '';
  const wasHost = isHost;
  isHost = r.you?.role === 'host';
  // The host role handed over, to this page or away from it (docs/decisions.md): said once, when it changes.
  if (hadRoster && wasHost !== isHost) say(() => t(isHost ? 'nowHost' : 'noLongerHost'));
  followRecordingRight(r.you?.cloudRecord === true);
  // Mesh: whoever arrives while the host's page records learns it at once.
  if (isHost && arrived && recorder?.state === 'recording') socket?.send({ type: 'recording', state: 'recording' });
  hands = new Set([...hands].filter((id) => participantIds.includes(id)));
  view.setHands(hands);
  stage?.setHands(hands, selfId);
  showSfuStates();
  startMedia();
  media?.setParticipants(participantIds);
  renderMedia();
  if (typeof r.meeting?.endsAt === 'number') endsAt = r.meeting.endsAt;
  tick();
}

function onClose(code: number): void {
  socket = null;
  if (leaving) {
    leaving = false;
    window.clearTimeout(leaveTimer);
    showFinal('left');
    return;
  }
  if (FINAL.has(current)) return;
  // Opened in another window: that window has the meeting now; this one says so and waits to be asked.
  if (code === 4001) {
    showDisconnected();
    say(() => t('closed.4001'));
    return;
  }
  if (code !== SILENT_CLOSE) console.warn('meeting connection closed', code);
  dropped();
}

/**
 * The connection was lost: "reconnecting…", and the page connects again with its ticket after a wait that grows
 * (RECONNECT_DELAYS_MS); the media starts afresh once it is back in. After the last wait, "Rejoin".
 */
function dropped(): void {
  const delay = RECONNECT_DELAYS_MS[reconnectTries];
  if (delay === undefined) {
    reconnectTries = 0;
    showDisconnected();
    return;
  }
  reconnectTries++;
  // The media belonged to the lost connection; the server tells the hands up (this page's too) when it is back.
  stopMedia();
  mediaConfig = null;
  early = [];
  participantIds = [];
  hands = new Set();
  if (room) {
    room.stage.replaceChildren();
    go('reconnecting');
    redraw = () => {
      go('reconnecting');
      room?.relabel();
    };
  } else {
    showWaiting('reconnecting');
  }
  window.clearTimeout(reconnectTimer);
  reconnectTimer = window.setTimeout(() => {
    socket = new MeetingSocket(ticket, { onMessage, onClose });
  }, delay);
}

/** Enters again with what the form gave (a fresh ticket); while that fails for the network, keeps trying. */
async function enterAgain(): Promise<void> {
  if (await doEnter()) return;
  if (current === 'reconnecting') dropped();
}

// ---- start ----

async function start(): Promise<void> {
  if (!route) {
    showInvalid();
    return;
  }
  showLoading();
  let info: LinkInfo;
  try {
    info = await getLink(route.kind, route.confNumber, route.secret);
    if (!info.meeting || typeof info.meeting.confName !== 'string') throw new ApiError(0, 'bad_response', '');
  } catch (err) {
    if (err instanceof ApiError && err.status === 404) showInvalid();
    else if (err instanceof ApiError && err.status === 410) showInvalid('cancelled');
    else showLoadError(err);
    return;
  }
  link = info;
  document.title = `${info.meeting.confName} · ${t('title')}`;
  showForm(info);
}

if (isFrontDoor(location.pathname)) showFrontDoor(shell, root.querySelector('header.topbar'));
else {
  root.querySelector('header.topbar')?.append(languageSwitch(() => t('language'), relabel));
  void start();
}
