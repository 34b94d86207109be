// The room's media: a grid of tiles (cameras, shared screens) and the media toolbar.

import { button, h } from './dom';
import type { DeviceChoice, ParticipantMedia } from './media';

export interface StageActions {
  microphone(on: boolean): void;
  camera(on: boolean): void;
  screen(on: boolean): void;
  device(kind: 'audioinput' | 'videoinput', deviceId: string): void;
  record(on: boolean): void;
}

interface Tile {
  el: HTMLElement;
  video: HTMLVideoElement;
  label: HTMLElement;
  stream: MediaStream | null;
}

const RECORD_TEXT: Record<string, string> = {
  idle: '',
  recording: '● 录制中 Recording',
  saving: '正在保存录制 Saving the recording…',
  saved: '录制已保存 Recording saved',
  failed: '录制失败 Recording failed',
};

export class MediaStage {
  readonly el: HTMLElement;
  private readonly grid = h('div', { testid: 'media-grid', class: 'media-grid' });
  private readonly tiles = new Map<string, Tile>();
  private readonly mic: HTMLButtonElement;
  private readonly cam: HTMLButtonElement;
  private readonly share: HTMLButtonElement;
  private readonly record: HTMLButtonElement;
  private readonly recordStatus = h('span', {
    testid: 'record-status',
    class: 'record-status',
    'data-state': 'idle',
    role: 'status',
  });
  private readonly micSelect = h('select', {
    testid: 'microphone-select',
    class: 'device-select',
    'aria-label': '麦克风 Microphone',
  });
  private readonly camSelect = h('select', {
    testid: 'camera-select',
    class: 'device-select',
    'aria-label': '摄像头 Camera',
  });
  private on = { audio: false, video: false, screen: false, recording: false };

  constructor(private readonly act: StageActions) {
    this.mic = button('', { testid: 'microphone-button', class: 'btn btn-tool' }, () =>
      this.act.microphone(!this.on.audio),
    );
    this.cam = button('', { testid: 'camera-button', class: 'btn btn-tool' }, () => this.act.camera(!this.on.video));
    this.share = button('', { testid: 'screen-button', class: 'btn btn-tool' }, () => this.act.screen(!this.on.screen));
    this.record = button('', { testid: 'record-button', class: 'btn btn-tool', hidden: true }, () =>
      this.act.record(!this.on.recording),
    );
    this.micSelect.addEventListener('change', () => this.act.device('audioinput', this.micSelect.value));
    this.camSelect.addEventListener('change', () => this.act.device('videoinput', this.camSelect.value));
    this.el = h(
      'section',
      { testid: 'media-stage', class: 'media-stage' },
      this.grid,
      h(
        'div',
        { testid: 'media-toolbar', class: 'media-toolbar' },
        this.mic,
        this.cam,
        this.share,
        this.record,
        this.micSelect,
        this.camSelect,
        this.recordStatus,
      ),
    );
    this.setLocal({ audio: false, video: false, screen: false });
  }

  setLocal(state: { audio: boolean; video: boolean; screen: boolean }): void {
    this.on = { ...this.on, ...state };
    const toggle = (el: HTMLButtonElement, on: boolean, onText: string, offText: string) => {
      el.textContent = on ? onText : offText;
      el.setAttribute('aria-pressed', String(on));
      el.classList.toggle('is-off', !on);
    };
    toggle(this.mic, state.audio, '🎤 静音 Mute', '🔇 取消静音 Unmute');
    toggle(this.cam, state.video, '📷 关闭视频 Stop video', '📷 开启视频 Start video');
    toggle(this.share, state.screen, '🖥 停止共享 Stop sharing', '🖥 共享屏幕 Share screen');
  }

  allowRecording(allowed: boolean): void {
    this.record.hidden = !allowed;
    this.setRecording('idle', '');
  }

  setRecording(state: string, detail: string): void {
    this.on.recording = state === 'recording';
    this.record.textContent = this.on.recording ? '⏹ 停止录制 Stop recording' : '⏺ 云录制 Record';
    this.record.disabled = state === 'saving';
    this.recordStatus.setAttribute('data-state', state);
    if (state === 'saved') this.recordStatus.setAttribute('data-record-id', detail);
    this.recordStatus.textContent = RECORD_TEXT[state] ?? state;
    this.recordStatus.title = state === 'failed' ? detail : '';
  }

  setDevices(choice: DeviceChoice): void {
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
    fill(this.micSelect, choice.audioInputs, choice.audioInput, '麦克风 Microphone');
    fill(this.camSelect, choice.videoInputs, choice.videoInput, '摄像头 Camera');
  }

  /** Draws the participants' tiles: each camera (or a name card), and each shared screen. */
  render(participants: ParticipantMedia[], names: Map<string, string>, speaking: string | null): void {
    const seen = new Set<string>();
    for (const p of participants) {
      const name = names.get(p.id) ?? '…';
      this.tile(`${p.id}/camera`, p, 'camera', p.camera, name, speaking === p.id, seen);
      if (p.screen) this.tile(`${p.id}/screen`, p, 'screen', p.screen, `${name} · 屏幕 screen`, false, seen);
    }
    for (const [key, tile] of this.tiles) {
      if (seen.has(key)) continue;
      tile.video.srcObject = null;
      tile.el.remove();
      this.tiles.delete(key);
    }
    this.grid.setAttribute('data-count', String(this.tiles.size));
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
      // Local and screen tiles are muted: no echo of oneself, a screen carries no sound here.
      const video = h('video', { autoplay: true, playsinline: true, muted: p.local || kind === 'screen' });
      video.muted = p.local || kind === 'screen';
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
      tile = { el, video, label, stream: null };
      this.tiles.set(key, tile);
      // The shared screen first, then cameras in roster order.
      if (kind === 'screen') this.grid.prepend(el);
      else this.grid.append(el);
    }
    if (tile.stream !== stream) {
      tile.stream = stream;
      tile.video.srcObject = stream;
      if (stream) void tile.video.play().catch(() => undefined);
    }
    tile.label.textContent = `${kind === 'camera' && !p.state.audio ? '🔇 ' : ''}${name}`;
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
