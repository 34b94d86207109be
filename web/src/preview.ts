// Before joining: the camera as others will see it, the microphone's level, the choice of both devices, and
// whether to join with the microphone on. Nothing leaves the page: the room's media session takes the devices
// chosen here once the page is in the meeting.

import { button, h } from './dom';
import { icon } from './icons';
import { t } from './room-messages';

/** What the person chose before joining. */
export interface JoinChoice {
  microphone: boolean;
  audioInput?: string;
  videoInput?: string;
}

/** The meter's level: the microphone's RMS over the last frame, 0–1, shown on a scale where speech fills it. */
const FULL_SCALE = 0.25;

export class Preview {
  readonly el: HTMLElement;
  private readonly video = h('video', { testid: 'preview-video', autoplay: true, playsinline: true, muted: true });
  private readonly bar = h('span', { class: 'level-bar' });
  private readonly meter = h('div', { testid: 'level-meter', class: 'level-meter', role: 'meter', 'data-level': '0' });
  private readonly micSelect = h('select', { testid: 'preview-microphone-select', class: 'device-select' });
  private readonly camSelect = h('select', { testid: 'preview-camera-select', class: 'device-select' });
  private readonly mic: HTMLButtonElement;
  private readonly note = h('p', { testid: 'preview-note', class: 'hint', hidden: true });
  private stream: MediaStream | null = null;
  private audio: AudioContext | null = null;
  private frame = 0;
  private closed = false;
  private microphone: boolean;

  /** `microphone`: whether the microphone starts on (the default the page chose). */
  constructor(microphone: boolean) {
    this.microphone = microphone;
    this.video.muted = true;
    this.meter.append(this.bar);
    this.mic = button('', { testid: 'preview-microphone', class: 'btn btn-tool' }, () => {
      this.microphone = !this.microphone;
      this.relabel();
    });
    this.micSelect.addEventListener('change', () => void this.take());
    this.camSelect.addEventListener('change', () => void this.take());
    this.el = h(
      'section',
      { testid: 'preview', class: 'preview' },
      h('div', { class: 'preview-video' }, this.video),
      h('div', { class: 'preview-controls' }, this.mic, this.meter, this.micSelect, this.camSelect),
      this.note,
    );
    // Browsers start an AudioContext only after a gesture on the page: the first one wakes the meter.
    this.el.ownerDocument.addEventListener('pointerdown', () => void this.audio?.resume(), { once: true });
    this.relabel();
  }

  /** Words everything again in the current language. */
  relabel(): void {
    this.mic.replaceChildren(
      icon(this.microphone ? 'mic' : 'micOff'),
      h('span', { class: 'tool-label' }, t(this.microphone ? 'previewMicOn' : 'previewMicOff')),
    );
    this.mic.setAttribute('aria-pressed', String(this.microphone));
    this.mic.classList.toggle('is-off', !this.microphone);
    this.micSelect.setAttribute('aria-label', t('microphone'));
    this.camSelect.setAttribute('aria-label', t('camera'));
    this.meter.setAttribute('aria-label', t('level'));
    if (!this.note.hidden) this.note.textContent = t('noDevices');
  }

  /** Takes the camera and microphone (the ones chosen, else the browser's), and lists the devices. */
  async start(): Promise<void> {
    await this.take();
    if (this.closed) return;
    const all = await navigator.mediaDevices.enumerateDevices().catch(() => [] as MediaDeviceInfo[]);
    const fill = (select: HTMLSelectElement, kind: MediaDeviceKind, current: string | undefined, name: string) => {
      const devices = all.filter((d) => d.kind === kind && d.deviceId !== '');
      select.replaceChildren(
        ...devices.map((d, i) =>
          h('option', { value: d.deviceId, selected: d.deviceId === current }, d.label || `${name} ${i + 1}`),
        ),
      );
      select.hidden = devices.length === 0;
    };
    fill(this.micSelect, 'audioinput', this.deviceOf('audio'), t('microphone'));
    fill(this.camSelect, 'videoinput', this.deviceOf('video'), t('camera'));
  }

  choice(): JoinChoice {
    const audioInput = this.micSelect.value || this.deviceOf('audio');
    const videoInput = this.camSelect.value || this.deviceOf('video');
    return {
      microphone: this.microphone,
      ...(audioInput ? { audioInput } : {}),
      ...(videoInput ? { videoInput } : {}),
    };
  }

  /** Lets the camera and microphone go (the room takes them afresh). */
  close(): void {
    this.closed = true;
    this.release();
  }

  private deviceOf(kind: 'audio' | 'video'): string | undefined {
    const track = kind === 'audio' ? this.stream?.getAudioTracks()[0] : this.stream?.getVideoTracks()[0];
    return track?.getSettings().deviceId;
  }

  private release(): void {
    cancelAnimationFrame(this.frame);
    for (const track of this.stream?.getTracks() ?? []) track.stop();
    this.stream = null;
    this.video.srcObject = null;
    void this.audio?.close().catch(() => undefined);
    this.audio = null;
  }

  private async take(): Promise<void> {
    const exact = (id: string) => (id ? { deviceId: { exact: id } } : true);
    const wanted = { audio: exact(this.micSelect.value), video: exact(this.camSelect.value) };
    this.release();
    let stream: MediaStream | null = null;
    for (const attempt of [wanted, { audio: wanted.audio }, { video: wanted.video }]) {
      try {
        stream = await navigator.mediaDevices.getUserMedia(attempt);
        break;
      } catch {
        // The next attempt asks for less.
      }
    }
    if (this.closed) {
      for (const track of stream?.getTracks() ?? []) track.stop();
      return;
    }
    this.stream = stream;
    this.note.hidden = stream !== null;
    this.note.textContent = stream ? '' : t('noDevices');
    this.video.srcObject = stream;
    if (stream?.getAudioTracks().length) this.measure(stream);
  }

  private measure(stream: MediaStream): void {
    const audio = new AudioContext();
    this.audio = audio;
    const analyser = audio.createAnalyser();
    analyser.fftSize = 1024;
    audio.createMediaStreamSource(stream).connect(analyser);
    const samples = new Float32Array(analyser.fftSize);
    const draw = () => {
      analyser.getFloatTimeDomainData(samples);
      let sum = 0;
      for (const s of samples) sum += s * s;
      const level = Math.min(1, Math.sqrt(sum / samples.length) / FULL_SCALE);
      this.bar.style.width = `${Math.round(level * 100)}%`;
      this.meter.setAttribute('data-level', level.toFixed(2));
      this.meter.setAttribute('aria-valuenow', String(Math.round(level * 100)));
      this.frame = requestAnimationFrame(draw);
    };
    draw();
  }
}
