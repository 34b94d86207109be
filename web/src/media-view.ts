// The room's media: a paged grid of tiles (shared screens large, then cameras), name cards for the
// participants on other pages, every remote voice, and the media toolbar pinned to the window's bottom.

import { button, h } from './dom';
import { icon, markIcon, type IconName } from './icons';
import type { DeviceChoice, ParticipantMedia, TileSize } from './media';
import { known, t, type MessageKey } from './room-messages';

export interface StageActions {
  microphone(on: boolean): void;
  camera(on: boolean): void;
  screen(on: boolean): void;
  device(kind: 'audioinput' | 'videoinput', deviceId: string): void;
  record(on: boolean): void;
  /** Raise or lower this page's hand. */
  hand(up: boolean): void;
  /** Go live or stop (the host, on the SFU). */
  live(on: boolean): void;
  /** The remote cameras the grid shows now and how large; called when that changes. */
  view(cameras: Map<string, TileSize>): void;
}

interface Tile {
  el: HTMLElement;
  video: HTMLVideoElement;
  label: HTMLElement;
  /** The ids of the video tracks shown: a track added or taken is shown anew. */
  tracks: string;
}

/** At most this many cameras on one page of the grid (the rest: name cards, and their voices). */
export const PAGE_SIZE = 25;
/** Tiles narrower than this (CSS px) make the grid use fewer columns. */
const MIN_TILE_WIDTH = 160;
/** Up to this width a tile gets the SFU's smallest layer (a quarter of 640), up to the next the middle one. */
const SMALL_TILE = 200;
const MEDIUM_TILE = 400;

/** A recording or live state's words (`record.recording`, `live.failed`…); none for off and idle. */
function stateWords(prefix: 'record' | 'live', state: string): string {
  if (state === 'off' || state === 'idle') return '';
  const key = known(`${prefix}.${state}`);
  return key ? t(key) : state;
}

/** A toolbar button's content: its icon and its words (also its tooltip). */
function tool(el: HTMLButtonElement, name: IconName, key: MessageKey): void {
  const words = t(key);
  el.replaceChildren(icon(name), h('span', { class: 'tool-label' }, words));
  el.title = words;
  el.setAttribute('aria-label', words);
}

export class MediaStage {
  readonly el: HTMLElement;
  private readonly grid = h('div', { testid: 'media-grid', class: 'media-grid' });
  private readonly tiles = new Map<string, Tile>();
  private readonly mic: HTMLButtonElement;
  private readonly cam: HTMLButtonElement;
  private readonly share: HTMLButtonElement;
  private readonly record: HTMLButtonElement;
  private readonly hand: HTMLButtonElement;
  /** Gallery (every camera alike) or speaker view (one large: a shared screen, else who speaks or spoke last). */
  private readonly viewButton: HTMLButtonElement;
  private speakerView = false;
  private lastSpeaker: string | null = null;
  /** Participants whose hand is raised (their tiles say so). */
  private hands = new Set<string>();
  private handUp = false;
  private readonly recordStatus = h('span', {
    testid: 'record-status',
    class: 'record-status',
    'data-state': 'idle',
    role: 'status',
  });
  private readonly micSelect = h('select', { testid: 'microphone-select', class: 'device-select' });
  private readonly camSelect = h('select', { testid: 'camera-select', class: 'device-select' });
  /** For everyone on the page: the meeting is being recorded or streamed. */
  private readonly notice = h('div', { testid: 'recording-notice', class: 'recording-notice', hidden: true });
  private recordState = 'idle';
  private recordDetail = '';
  private liveState = 'off';
  private liveOptions: { host: boolean; rtmp: boolean; hls: boolean; error?: string } = {
    host: false,
    rtmp: false,
    hls: false,
  };
  private devices: DeviceChoice | null = null;
  private readonly live: HTMLButtonElement;
  private readonly liveStatus = h('span', {
    testid: 'live-status',
    class: 'live-status',
    'data-state': 'off',
    role: 'status',
  });
  private readonly prev: HTMLButtonElement;
  private readonly next: HTMLButtonElement;
  private readonly pageLabel = h('span', { testid: 'grid-page', class: 'grid-page' });
  private readonly pager = h('div', { class: 'grid-pager', hidden: true });
  /** Name cards of the participants whose camera is on another page. */
  private readonly cards = h('div', { testid: 'name-cards', class: 'name-cards', hidden: true });
  /** Every remote voice plays here, whatever page its participant is on. */
  private readonly voices = h('div', { class: 'voices', hidden: true });
  private readonly audios = new Map<string, { el: HTMLAudioElement; tracks: string }>();
  private readonly toolbar: HTMLElement;
  private page = 0;
  private pages = 1;
  private last: { participants: ParticipantMedia[]; names: Map<string, string>; speaking: string | null } = {
    participants: [],
    names: new Map(),
    speaking: null,
  };
  private viewed = '';
  private on = { audio: false, video: false, screen: false, recording: false, live: false };

  constructor(private readonly act: StageActions) {
    this.mic = button('', { testid: 'microphone-button', class: 'btn btn-tool' }, () =>
      this.act.microphone(!this.on.audio),
    );
    this.cam = button('', { testid: 'camera-button', class: 'btn btn-tool' }, () => this.act.camera(!this.on.video));
    this.share = button('', { testid: 'screen-button', class: 'btn btn-tool' }, () => this.act.screen(!this.on.screen));
    this.record = button('', { testid: 'record-button', class: 'btn btn-tool', hidden: true }, () =>
      this.act.record(!this.on.recording),
    );
    this.live = button('', { testid: 'live-button', class: 'btn btn-tool', hidden: true }, () =>
      this.act.live(!this.on.live),
    );
    this.hand = button('', { testid: 'hand-button', class: 'btn btn-tool' }, () => this.act.hand(!this.handUp));
    this.viewButton = button('', { testid: 'view-button', class: 'btn btn-tool' }, () => {
      this.speakerView = !this.speakerView;
      this.showView();
      const { participants, names, speaking } = this.last;
      this.render(participants, names, speaking);
    });
    this.micSelect.addEventListener('change', () => this.act.device('audioinput', this.micSelect.value));
    this.camSelect.addEventListener('change', () => this.act.device('videoinput', this.camSelect.value));
    this.prev = button('', { testid: 'grid-prev', class: 'btn btn-small btn-secondary' }, () => this.turn(-1));
    this.next = button('', { testid: 'grid-next', class: 'btn btn-small btn-secondary' }, () => this.turn(1));
    this.pager.append(this.prev, this.pageLabel, this.next);
    this.toolbar = h(
      'div',
      { testid: 'media-toolbar', class: 'media-toolbar' },
      this.mic,
      this.cam,
      this.share,
      this.hand,
      this.viewButton,
      this.record,
      this.live,
      this.micSelect,
      this.camSelect,
      this.recordStatus,
      this.liveStatus,
    );
    this.el = h(
      'section',
      { testid: 'media-stage', class: 'media-stage' },
      this.notice,
      this.grid,
      this.pager,
      this.cards,
      this.voices,
      this.toolbar,
    );
    // The toolbar is pinned to the window's bottom: the room keeps that much room free below its content,
    // and the grid is laid out again when its width changes.
    new ResizeObserver(() => {
      this.el
        .closest<HTMLElement>('.room')
        ?.style.setProperty('--media-toolbar-height', `${Math.ceil(this.toolbar.getBoundingClientRect().height)}px`);
    }).observe(this.toolbar);
    new ResizeObserver(() => this.layout()).observe(this.grid);
    this.relabel();
  }

  /** Words everything again in the current language. */
  relabel(): void {
    this.micSelect.setAttribute('aria-label', t('microphone'));
    this.camSelect.setAttribute('aria-label', t('camera'));
    this.prev.textContent = `‹ ${t('previous')}`;
    this.next.textContent = `${t('next')} ›`;
    this.setLocal(this.on);
    this.showHand();
    this.showView();
    this.showRecording();
    this.showLive();
    if (this.devices) this.setDevices(this.devices);
    const { participants, names, speaking } = this.last;
    if (participants.length) this.render(participants, names, speaking);
  }

  /**
   * This page's microphone, camera and screen. A control that is off shows the crossed-out icon on a quiet,
   * dark button (`is-off`), never an alarm's red: being muted is an ordinary state.
   */
  setLocal(state: { audio: boolean; video: boolean; screen: boolean }): void {
    this.on = { ...this.on, ...state };
    const toggle = (el: HTMLButtonElement, on: boolean, name: IconName, key: MessageKey) => {
      tool(el, name, key);
      el.setAttribute('aria-pressed', String(on));
      el.classList.toggle('is-off', !on);
    };
    toggle(this.mic, state.audio, state.audio ? 'mic' : 'micOff', state.audio ? 'muteSelf' : 'unmuteSelf');
    toggle(this.cam, state.video, state.video ? 'video' : 'videoOff', state.video ? 'stopVideo' : 'startVideo');
    // Sharing is the exception: off is the usual state, so it is not marked.
    toggle(
      this.share,
      state.screen,
      state.screen ? 'screenOff' : 'screen',
      state.screen ? 'stopSharing' : 'shareScreen',
    );
    this.share.classList.remove('is-off');
  }

  /** Raised hands: `self`'s own shows on the hand button, everyone's on their tiles. */
  setHands(hands: Set<string>, self: string): void {
    this.hands = new Set(hands);
    this.handUp = hands.has(self);
    this.showHand();
    const { participants, names, speaking } = this.last;
    if (participants.length) this.render(participants, names, speaking);
  }

  /** The view button names the view it is in, pressed in speaker view. */
  private showView(): void {
    tool(this.viewButton, this.speakerView ? 'speaker' : 'gallery', this.speakerView ? 'speakerView' : 'galleryView');
    this.viewButton.setAttribute('aria-pressed', String(this.speakerView));
    this.grid.setAttribute('data-view', this.speakerView ? 'speaker' : 'gallery');
  }

  private showHand(): void {
    tool(this.hand, 'hand', this.handUp ? 'lowerHand' : 'raiseHand');
    this.hand.setAttribute('aria-pressed', String(this.handUp));
  }

  allowRecording(allowed: boolean): void {
    this.record.hidden = !allowed;
    this.setRecording('idle', '');
  }

  /**
   * The recording's state: the browser recorder's (idle, recording, saving, saved, failed) in a mesh, the
   * server's (off, recording, composing, failed) on the SFU.
   */
  setRecording(state: string, detail: string): void {
    this.recordState = state;
    this.recordDetail = detail;
    this.showRecording();
  }

  private showRecording(): void {
    const state = this.recordState;
    this.on.recording = state === 'recording';
    tool(this.record, this.on.recording ? 'stop' : 'record', this.on.recording ? 'stopRecording' : 'record');
    this.record.disabled = state === 'saving';
    this.recordStatus.setAttribute('data-state', state);
    if (state === 'saved') this.recordStatus.setAttribute('data-record-id', this.recordDetail);
    this.recordStatus.textContent = stateWords('record', state);
    this.recordStatus.title = state === 'failed' ? this.recordDetail : '';
    this.showNotice();
  }

  /** The notice at the top of the stage, for everyone: recording, live, or both; hidden otherwise. */
  private showNotice(): void {
    const recording = this.recordState === 'recording';
    const live = this.liveState === 'live';
    this.notice.hidden = !recording && !live;
    this.notice.setAttribute('data-recording', String(recording));
    this.notice.setAttribute('data-live', String(live));
    this.notice.replaceChildren(
      ...(recording ? [h('span', { class: 'notice-item' }, icon('record'), t('record.recording'))] : []),
      ...(live ? [h('span', { class: 'notice-item' }, icon('live'), t('live.live'))] : []),
    );
  }

  /**
   * The live stream's state (off, starting, live, failed), shown to everyone; the host gets the button when
   * the meeting streams somewhere (`rtmp`: its RTMP address, `hls`: its own watch page).
   */
  setLive(state: string, options: { host: boolean; rtmp: boolean; hls: boolean; error?: string }): void {
    this.liveState = state;
    this.liveOptions = options;
    this.showLive();
  }

  private showLive(): void {
    const state = this.liveState;
    const options = this.liveOptions;
    this.on.live = state === 'live' || state === 'starting';
    this.live.hidden = !options.host || (!options.rtmp && !options.hls);
    tool(this.live, this.on.live ? 'stop' : 'live', this.on.live ? 'stopLive' : 'goLive');
    this.liveStatus.setAttribute('data-state', state);
    this.liveStatus.textContent = stateWords('live', state);
    this.liveStatus.title = state === 'failed' ? (options.error ?? '') : '';
    this.showNotice();
  }

  setDevices(choice: DeviceChoice): void {
    this.devices = choice;
    const fill = (
      select: HTMLSelectElement,
      devices: MediaDeviceInfo[],
      current: string | undefined,
      fallback: string,
    ) => {
      select.replaceChildren(
        ...devices.map((d, i) =>
          h('option', { value: d.deviceId, selected: d.deviceId === current }, d.label || `${fallback} ${i + 1}`),
        ),
      );
      select.hidden = devices.length < 2;
    };
    fill(this.micSelect, choice.audioInputs, choice.audioInput, t('microphone'));
    fill(this.camSelect, choice.videoInputs, choice.videoInput, t('camera'));
  }

  /**
   * Draws the shared screens (large, first), the cameras of the current page (at most {@link PAGE_SIZE},
   * this page's own first), name cards for everyone on other pages, and plays every remote voice.
   */
  render(participants: ParticipantMedia[], names: Map<string, string>, speaking: string | null): void {
    this.last = { participants, names, speaking };
    this.pages = Math.max(1, Math.ceil(participants.length / PAGE_SIZE));
    this.page = Math.min(this.page, this.pages - 1);
    const shown = participants.slice(this.page * PAGE_SIZE, (this.page + 1) * PAGE_SIZE);
    const seen = new Set<string>();
    for (const p of participants) {
      if (p.screen)
        this.tile(`${p.id}/screen`, p, 'screen', p.screen, t('screenOf', { name: nameOf(names, p.id) }), false, seen);
    }
    for (const p of shown)
      this.tile(`${p.id}/camera`, p, 'camera', p.camera, nameOf(names, p.id), speaking === p.id, seen);
    for (const [key, tile] of this.tiles) {
      if (seen.has(key)) continue;
      tile.video.srcObject = null;
      tile.el.remove();
      this.tiles.delete(key);
    }
    // Tiles in order: screens, then the page's cameras in roster order.
    const order = [
      ...participants.filter((p) => p.screen).map((p) => `${p.id}/screen`),
      ...shown.map((p) => `${p.id}/camera`),
    ];
    order.forEach((key, i) => {
      const el = this.tiles.get(key)?.el;
      if (el && this.grid.children[i] !== el) this.grid.insertBefore(el, this.grid.children[i] ?? null);
    });
    this.grid.setAttribute('data-count', String(this.tiles.size));
    if (speaking !== null) this.lastSpeaker = speaking;
    const main = this.speakerView ? this.mainTile(participants, shown) : null;
    for (const [key, tile] of this.tiles) tile.el.toggleAttribute('data-main', key === main);

    const off = participants.filter((p) => !shown.includes(p));
    this.cards.hidden = off.length === 0;
    this.cards.replaceChildren(...off.map((p) => this.card(p, nameOf(names, p.id), speaking === p.id)));
    this.pager.hidden = this.pages < 2;
    this.pageLabel.textContent = `${this.page + 1} / ${this.pages}`;
    this.prev.disabled = this.page === 0;
    this.next.disabled = this.page >= this.pages - 1;

    this.playVoices(participants);
    this.layout();
  }

  /**
   * Speaker view's large tile: the first shared screen, else the camera of whoever else speaks or spoke last (on
   * this page of the grid), else the first other participant's; one's own only when alone.
   */
  private mainTile(participants: ParticipantMedia[], shown: ParticipantMedia[]): string | null {
    const screen = participants.find((p) => p.screen);
    if (screen) return `${screen.id}/screen`;
    const speaker = shown.find((p) => p.id === this.lastSpeaker && !p.local) ?? shown.find((p) => !p.local) ?? shown[0];
    return speaker ? `${speaker.id}/camera` : null;
  }

  private turn(by: number): void {
    this.page = Math.max(0, Math.min(this.pages - 1, this.page + by));
    const { participants, names, speaking } = this.last;
    this.render(participants, names, speaking);
  }

  /** A participant whose camera is on another page: their name, muted and speaking marks. */
  private card(p: ParticipantMedia, name: string, speaking: boolean): HTMLElement {
    const el = h(
      'span',
      { testid: 'name-card', class: 'name-card', 'data-peer': p.id, 'data-audio': p.state.audio ? 'on' : 'off' },
      p.state.audio ? null : markIcon('micOff', t('microphoneMuted')),
      name,
    );
    el.toggleAttribute('data-speaking', speaking);
    return el;
  }

  /** One <audio> per remote participant with a voice: tiles' videos are muted, so paging never cuts a voice. */
  private playVoices(participants: ParticipantMedia[]): void {
    const seen = new Set<string>();
    for (const p of participants) {
      if (p.local || !p.camera?.getAudioTracks().length) continue;
      seen.add(p.id);
      let voice = this.audios.get(p.id);
      if (!voice) {
        const el = h('audio', { autoplay: true, 'data-peer': p.id });
        voice = { el, tracks: '' };
        this.audios.set(p.id, voice);
        this.voices.append(el);
      }
      const audio = p.camera.getAudioTracks();
      const tracks = trackIds(audio);
      if (voice.tracks !== tracks) {
        voice.tracks = tracks;
        voice.el.srcObject = new MediaStream(audio);
        void voice.el.play().catch(() => undefined);
      }
    }
    for (const [id, voice] of this.audios) {
      if (seen.has(id)) continue;
      voice.el.srcObject = null;
      voice.el.remove();
      this.audios.delete(id);
    }
  }

  /**
   * Columns for the cameras (about as many as rows, none narrower than {@link MIN_TILE_WIDTH}), and the
   * size each remote camera is shown at, told to the media when it changes.
   */
  private layout(): void {
    const width = this.grid.clientWidth;
    const cameras = [...this.tiles.entries()].filter(([key]) => key.endsWith('/camera'));
    const fit = Math.max(1, Math.floor((width + 8) / (MIN_TILE_WIDTH + 8)));
    // Speaker view: the large tile on a row of its own, the others in a strip of small ones.
    const strip = this.speakerView ? Math.max(1, Math.floor((width + 8) / (SMALL_TILE * 0.75 + 8))) : 0;
    const columns = this.speakerView ? strip : Math.max(1, Math.min(Math.ceil(Math.sqrt(cameras.length)), fit));
    this.grid.style.setProperty('--columns', String(columns));
    const tileWidth = width > 0 ? width / columns : MEDIUM_TILE;
    const size: TileSize = tileWidth <= SMALL_TILE ? 0 : tileWidth <= MEDIUM_TILE ? 1 : 2;
    const view = new Map<string, TileSize>();
    for (const [key, tile] of cameras)
      if (tile.el.getAttribute('data-local') !== 'true')
        view.set(key.slice(0, -'/camera'.length), tile.el.hasAttribute('data-main') ? 2 : size);
    const json = JSON.stringify([...view]);
    if (json === this.viewed) return;
    this.viewed = json;
    this.act.view(view);
  }

  private tile(
    key: string,
    p: ParticipantMedia,
    kind: 'camera' | 'screen',
    stream: MediaStream | null,
    name: string,
    speaking: boolean,
    seen: Set<string>,
  ): void {
    seen.add(key);
    let tile = this.tiles.get(key);
    if (!tile) {
      // A tile shows only the video: voices play from their own <audio> (playVoices), none of oneself. Each
      // media element given an audio track renders it, muted or not, so a voice in the tile too would be
      // decoded and mixed twice, on every page, for every participant.
      const video = h('video', { autoplay: true, playsinline: true, muted: true });
      video.muted = true;
      const label = h('span', { class: 'tile-name' });
      const el = h(
        'div',
        {
          testid: 'tile',
          class: `tile tile-${kind}`,
          'data-peer': p.id,
          'data-kind': kind,
          'data-local': p.local ? 'true' : 'false',
        },
        video,
        h('span', { class: 'tile-avatar', 'aria-hidden': 'true' }, Array.from(name.trim())[0]?.toUpperCase() ?? '?'),
        label,
      );
      tile = { el, video, label, tracks: '' };
      this.tiles.set(key, tile);
      this.grid.append(el);
    }
    const video = stream?.getVideoTracks() ?? [];
    const tracks = trackIds(video);
    if (tile.tracks !== tracks) {
      tile.tracks = tracks;
      tile.video.srcObject = video.length > 0 ? new MediaStream(video) : null;
      if (video.length > 0) void tile.video.play().catch(() => undefined);
    }
    const hand = kind === 'camera' && this.hands.has(p.id);
    tile.label.replaceChildren(
      ...(hand ? [markIcon('hand', t('handRaised'))] : []),
      ...(kind === 'camera' && !p.state.audio ? [markIcon('micOff', t('microphoneMuted'))] : []),
      name,
    );
    tile.el.toggleAttribute('data-hand', hand);
    tile.el.setAttribute('data-audio', p.state.audio ? 'on' : 'off');
    tile.el.setAttribute(
      'data-video',
      kind === 'screen' || (p.state.video && stream?.getVideoTracks().length) ? 'on' : 'off',
    );
    tile.el.toggleAttribute('data-speaking', speaking);
  }

  /** The video element showing `id`'s camera or screen, for the recorder. */
  video(id: string, kind: 'camera' | 'screen'): HTMLVideoElement | null {
    const tile = this.tiles.get(`${id}/${kind}`);
    return tile && tile.el.getAttribute('data-video') === 'on' ? tile.video : null;
  }
}

function nameOf(names: Map<string, string>, id: string): string {
  return names.get(id) ?? '…';
}

function trackIds(tracks: MediaStreamTrack[]): string {
  return tracks.map((t) => t.id).join(',');
}
