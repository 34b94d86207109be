// The start/join page: docs/web-protocol.md. One page for /s/..., /j/... and /wc/join/... links.

import './style.css';
import {
  ApiError,
  enter,
  getLink,
  MeetingSocket,
  type LinkInfo,
  type MediaConfigMessage,
  type MediaMessage,
  type RosterMessage,
  type ServerMessage,
  type SfuMessage,
} from './api';
import { button, h } from './dom';
import { isFrontDoor, showFrontDoor, takeCarriedPassword } from './home';
import { defineMessages } from './i18n';
import { CloudRecorder, createMediaSession, SpeakerDetector, type MediaSession, type RecorderSource } from './media';
import { MediaStage } from './media-view';
import { parseRoute } from './route';
import { formatLocal, formatRemaining } from './time';
import { card, createShell, enterForm, meetingHeader, MeetingView, setError, setState, showScreen } from './view';

/** States after which the server closes the socket: the page stops there. */
const FINAL = new Set(['full', 'removed', 'ended', 'left', 'invalid']);
const NETWORK_ERROR = '网络错误，请稍后重试 Network error, please try again';
/** Why the server closed the socket, by close code (docs/web-protocol.md). */
const CLOSED_BECAUSE: Record<number, string> = {
  4001: '会议已在另一个窗口打开 The meeting was opened in another window',
  4002: '网络太慢，连接已断开 The connection was too slow and was closed',
  4003: '消息过多，连接已断开 Too many messages: the connection was closed',
};
const TITLE = 'Huiguan 会管';

const t = defineMessages({
  invalid: { zh: '会议链接无效', en: 'This link is not valid' },
  invalidHint: {
    zh: '请确认链接完整（可与邀请中的对照），或用会议号加入。',
    en: 'Check that the link is complete (compare it with your invitation), or join with the meeting ID.',
  },
  cancelled: { zh: '会议已取消', en: 'This meeting was cancelled' },
  cancelledHint: { zh: '主持人已取消这个会议，它不会举行。', en: 'The host cancelled it: it will not take place.' },
  ended: { zh: '会议已结束', en: 'This meeting has ended' },
  notOpen: {
    zh: '会议尚未开放。开放时间：{time}',
    en: 'The meeting is not open yet. It opens at {time}.',
  },
  frontDoor: { zh: '用会议号加入会议', en: 'Join a meeting with its ID' },
});

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
/** The SFU's last recording and live states (to every page); shown once the stage exists. */
let sfuRecording: SfuMessage | null = null;
let sfuLive: SfuMessage | null = null;

function go(state: string, text?: string): void {
  current = state;
  setState(shell, state, text);
}

function title(): HTMLElement | null {
  return link ? h('h1', { testid: 'meeting-name', class: 'meeting-name' }, link.meeting.confName) : null;
}

function closeSocket(): void {
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
      else media?.startScreenShare().catch(() => setError(shell, '无法共享屏幕 Could not share the screen'));
    },
    device: (kind, id) =>
      void media
        ?.selectDevice(kind, id)
        .then(renderMedia, () => setError(shell, '无法使用该设备 Could not use that device')),
    // On the SFU the server records (and streams) the meeting; in a mesh the host's browser records it.
    record: (on) =>
      config.sfu
        ? void socket?.send({ type: 'sfu', op: 'record', on })
        : on
          ? void startRecording()
          : void stopRecording(),
    live: (on) => void socket?.send({ type: 'sfu', op: 'live', on }),
    view: (cameras) => media?.setView?.(cameras),
  });
  room.stage.replaceChildren(stage.el);
  stage.allowRecording(config.cloudRecord);
  media = createMediaSession({
    selfId,
    config,
    send: (message) => socket?.send(message),
    onChange: renderMedia,
    onMutedByHost: () => setError(shell, '主持人已将你静音 The host muted you'),
    onError: (text) => setError(shell, `媒体服务器 Media server: ${text}`),
  });
  // The SFU says who is talking (Janus's audio levels); a mesh page measures the voices itself.
  if (!config.sfu) {
    speaker = new SpeakerDetector((id) => {
      speaking = id;
      renderMedia();
    });
  }
  showSfuStates();
  for (const message of early) media.receive(message);
  early = [];
  media.setParticipants(participantIds);
  const session = media;
  void session.start().then(async () => {
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
    onState: (state, detail) => stage?.setRecording(state, detail),
  });
  recorder = current;
  try {
    await current.start();
  } catch (err) {
    stage?.setRecording('failed', err instanceof Error ? err.message : '');
    setError(shell, '无法开始录制 Could not start recording');
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
  go('loading');
  setError(shell, '');
  showScreen(shell, card('card-message', shell.state, shell.error));
}

/** A link that opens no meeting, or a cancelled meeting's: said so, with the way to the front door. */
function showInvalid(state: 'invalid' | 'cancelled' = 'invalid'): void {
  leaveRoom();
  closeSocket();
  link = null;
  document.title = TITLE;
  go(state, t(state));
  setError(shell, '');
  showScreen(
    shell,
    card(
      `card-message card-${state}`,
      h('div', { class: 'icon', 'aria-hidden': 'true' }, '!'),
      shell.state,
      h('p', { testid: 'state-hint', class: 'hint' }, t(state === 'invalid' ? 'invalidHint' : 'cancelledHint')),
      shell.error,
      h('a', { testid: 'front-door-link', class: 'front-door-link', href: '/' }, t('frontDoor')),
    ),
  );
}

/** Before the meeting opens, when it opens (in the viewer's time), for hosts and attendees alike. */
function opensAtNotice(): HTMLElement | null {
  if (!link || link.meeting.status !== 'scheduled' || Date.now() >= link.meeting.opensAt) return null;
  return h('p', { testid: 'opens-at', class: 'opens-at' }, t('notOpen', { time: formatLocal(link.meeting.opensAt) }));
}

function showLoadError(err: unknown): void {
  go('error');
  setError(shell, err instanceof ApiError && err.message ? err.message : NETWORK_ERROR);
  const retry = button('重试 Retry', { testid: 'retry-button', class: 'btn btn-secondary' }, () => void start());
  showScreen(shell, card('card-message', shell.state, shell.error, retry));
}

function showForm(info: LinkInfo): void {
  const host = info.role === 'host';
  go(
    'form',
    host
      ? '确认名字后开始会议 Confirm your name to start the meeting'
      : '输入名字后加入会议 Enter your name to join the meeting',
  );
  setError(shell, '');
  if (info.meeting.status === 'ended') {
    go('ended', t('ended'));
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
    setError(shell, '');
    void doEnter().then((ok) => {
      if (!ok) view.submit.disabled = false;
    });
  });
  showScreen(shell, card('card-form', meetingHeader(info), opensAtNotice(), shell.state, shell.error, view.form));
  if (!view.name.value) view.name.focus();
}

/** connecting, host_wait, lobby, or a state this page does not know: the page waits for the server. */
function showWaiting(state: string, text?: string): void {
  leaveRoom();
  go(state, text);
  setError(shell, '');
  const leave =
    state === 'connecting'
      ? null
      : button('离开 Leave', { testid: 'cancel-button', class: 'btn btn-secondary' }, (_e, el) => leaveMeeting(el));
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
  go(state, text);
  setError(shell, '');
  const again =
    state === 'left' && link
      ? button('重新加入 Rejoin', { testid: 'rejoin-button', class: 'btn btn-primary' }, (_e, el) => void rejoin(el))
      : null;
  showScreen(shell, card(`card-message card-${state}`, title(), shell.state, shell.error, again));
}

function showDisconnected(): void {
  leaveRoom();
  go('disconnected');
  setError(shell, '');
  const again = button(
    '重新加入 Rejoin',
    { testid: 'rejoin-button', class: 'btn btn-primary' },
    (_e, el) => void rejoin(el),
  );
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
  });
  leaveRoom();
  room = view;
  go('in_meeting');
  setError(shell, '');
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
    setError(shell, '未连接 Not connected');
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
  setError(shell, '');
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
  if (!(err instanceof ApiError) || err.status === 0 || err.status >= 500) {
    setError(shell, NETWORK_ERROR);
    return;
  }
  if (err.status === 404 || err.status === 410) {
    showInvalid(err.status === 410 ? 'cancelled' : 'invalid');
    return;
  }
  let text = err.message || `请求被拒绝 Refused (${err.code || err.status})`;
  if (err.code === 'too_early' && link) {
    text += `\n会议开放时间 Opens at: ${formatLocal(link.meeting.opensAt)}`;
  }
  if (err.code === 'ended') showFinal('ended');
  setError(shell, text);
}

function connect(entered: string, state: string): void {
  closeSocket();
  ticket = entered;
  mediaConfig = null;
  early = [];
  sfuRecording = null;
  sfuLive = null;
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
  } else if (msg.type === 'signal' || msg.type === 'media' || msg.type === 'mute' || msg.type === 'sfu') {
    if (media) media.receive(msg);
    else early.push(msg);
  }
}

function onState(state: string, message: string): void {
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
  participantIds = participants.map((p) => p.id);
  selfId = typeof r.you?.id === 'string' ? r.you.id : '';
  isHost = r.you?.role === 'host';
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
  showDisconnected();
  setError(shell, CLOSED_BECAUSE[code] ?? '');
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
  document.title = `${info.meeting.confName} · ${TITLE}`;
  showForm(info);
}

if (isFrontDoor(location.pathname)) showFrontDoor(shell, root.querySelector('header.topbar'));
else void start();
