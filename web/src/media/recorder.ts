// Cloud recording from the host's page: the participants' videos composed onto a canvas, their audio
// mixed with WebAudio, recorded by MediaRecorder and uploaded in chunks while recording
// (docs/media.md, POST /web/v1/recordings...).

/** One tile of the recording. */
export interface RecorderSource {
  id: string;
  name: string;
  /** The element showing the participant's camera or screen; null or not playing: a name card. */
  video: HTMLVideoElement | null;
  /** Whose audio goes into the recording. */
  audio: MediaStream | null;
}

export type RecorderState = 'idle' | 'recording' | 'saving' | 'saved' | 'failed';

/** MP4 only with H.264/AAC, which every player plays; else WebM (Debian's chromium has no H.264 encoder). */
const FORMATS = [
  { mimeType: 'video/mp4;codecs=avc1,mp4a.40.2', fileType: 'MP4' },
  { mimeType: 'video/webm;codecs=vp8,opus', fileType: 'WEBM' },
  { mimeType: 'video/webm', fileType: 'WEBM' },
] as const;
const WIDTH = 1280;
const HEIGHT = 720;
const FPS = 15;
/** A chunk a second: a dropped connection loses at most what the last second recorded. */
const TIMESLICE_MS = 1000;
const MAX_RETRY_MS = 10_000;

export class CloudRecorder {
  private readonly canvas = document.createElement('canvas');
  private readonly g: CanvasRenderingContext2D;
  private readonly audio = new AudioContext();
  private readonly mix = this.audio.createMediaStreamDestination();
  private readonly mixed = new Map<string, MediaStreamAudioSourceNode>();
  private recorder: MediaRecorder | null = null;
  private timer: number | undefined;
  private uploadId = '';
  private index = 0;
  private uploads: Promise<void> = Promise.resolve();
  private failure: Error | null = null;
  state: RecorderState = 'idle';

  constructor(
    private readonly options: {
      ticket: string;
      sources(): RecorderSource[];
      onState(state: RecorderState, detail: string): void;
    },
  ) {
    this.canvas.width = WIDTH;
    this.canvas.height = HEIGHT;
    this.g = this.canvas.getContext('2d')!;
  }

  private set(state: RecorderState, detail = ''): void {
    this.state = state;
    this.options.onState(state, detail);
  }

  async start(): Promise<void> {
    if (this.state === 'recording' || this.state === 'saving') return;
    const format = FORMATS.find((f) => MediaRecorder.isTypeSupported(f.mimeType));
    if (!format) throw new Error('this browser cannot record');
    const begun = await this.call('/web/v1/recordings', { method: 'POST', json: { fileType: format.fileType } });
    this.uploadId = String(((await begun.json()) as { uploadId: string }).uploadId);
    this.index = 0;
    this.failure = null;
    await this.audio.resume();
    this.draw();
    this.timer = window.setInterval(() => this.draw(), 1000 / FPS);
    const stream = new MediaStream([
      ...this.canvas.captureStream(FPS).getVideoTracks(),
      ...this.mix.stream.getAudioTracks(),
    ]);
    const recorder = new MediaRecorder(stream, { mimeType: format.mimeType, videoBitsPerSecond: 1_500_000 });
    recorder.ondataavailable = (e) => {
      if (e.data.size === 0) return;
      const index = this.index++;
      this.uploads = this.uploads.then(() => this.upload(index, e.data));
    };
    recorder.start(TIMESLICE_MS);
    this.recorder = recorder;
    this.set('recording');
  }

  /** Stops, uploads what is left, finishes; answers the recording's id. */
  async stop(): Promise<number | undefined> {
    const recorder = this.recorder;
    if (!recorder || this.state !== 'recording') return undefined;
    this.set('saving');
    const stopped = new Promise((resolve) => recorder.addEventListener('stop', resolve, { once: true }));
    recorder.stop();
    await stopped;
    window.clearInterval(this.timer);
    this.recorder = null;
    try {
      await this.uploads;
      if (this.failure) throw this.failure;
      const finished = await this.call(`/web/v1/recordings/${this.uploadId}/finish`, {
        method: 'POST',
        json: { chunks: this.index },
      });
      const { recordId } = (await finished.json()) as { recordId: number };
      this.set('saved', String(recordId));
      return recordId;
    } catch (err) {
      this.set('failed', err instanceof Error ? err.message : String(err));
      return undefined;
    }
  }

  /** Sends chunk `index`, again and again while the network fails; a refusal stops the recording's upload. */
  private async upload(index: number, chunk: Blob): Promise<void> {
    if (this.failure) return;
    for (let attempt = 0; ; attempt++) {
      try {
        await this.call(`/web/v1/recordings/${this.uploadId}/chunks/${index}`, {
          method: 'PUT',
          body: chunk,
          type: chunk.type.split(';')[0] || 'application/octet-stream',
        });
        return;
      } catch (err) {
        if (err instanceof Refused && err.status < 500 && err.status !== 429) {
          this.failure = err;
          return;
        }
      }
      await new Promise((resolve) => window.setTimeout(resolve, Math.min(MAX_RETRY_MS, 500 * 2 ** attempt)));
    }
  }

  private async call(
    path: string,
    init: { method: string; json?: unknown; body?: Blob; type?: string },
  ): Promise<Response> {
    const headers: Record<string, string> = { authorization: `Bearer ${this.options.ticket}` };
    if (init.json !== undefined) headers['content-type'] = 'application/json';
    if (init.type) headers['content-type'] = init.type;
    const res = await fetch(path, {
      method: init.method,
      headers,
      body: init.json !== undefined ? JSON.stringify(init.json) : (init.body ?? null),
      cache: 'no-store',
    });
    if (!res.ok) throw new Refused(res.status, await res.text().catch(() => ''));
    return res;
  }

  /** One frame: every source in a grid, and their audio into the mix. */
  private draw(): void {
    const sources = this.options.sources();
    this.mixAudio(sources);
    const g = this.g;
    g.fillStyle = '#111827';
    g.fillRect(0, 0, WIDTH, HEIGHT);
    const cols = Math.ceil(Math.sqrt(sources.length || 1));
    const rows = Math.ceil((sources.length || 1) / cols);
    const w = WIDTH / cols;
    const h = HEIGHT / rows;
    sources.forEach((s, i) => {
      const x = (i % cols) * w;
      const y = Math.floor(i / cols) * h;
      const v = s.video;
      if (v && v.readyState >= 2 && v.videoWidth > 0) {
        const scale = Math.min(w / v.videoWidth, h / v.videoHeight);
        const dw = v.videoWidth * scale;
        const dh = v.videoHeight * scale;
        g.drawImage(v, x + (w - dw) / 2, y + (h - dh) / 2, dw, dh);
      } else {
        g.fillStyle = '#374151';
        g.fillRect(x + 4, y + 4, w - 8, h - 8);
      }
      // The name at the tile's top: a player's control bar covers the bottom of the picture.
      g.font = '20px sans-serif';
      g.fillStyle = 'rgba(0,0,0,0.55)';
      g.fillRect(x + 8, y + 8, Math.min(w - 16, 16 + g.measureText(s.name).width), 32);
      g.fillStyle = '#fff';
      g.fillText(s.name, x + 16, y + 31, w - 32);
    });
  }

  private mixAudio(sources: RecorderSource[]): void {
    const tracks = new Map<string, MediaStreamTrack>();
    for (const s of sources) for (const t of s.audio?.getAudioTracks() ?? []) tracks.set(t.id, t);
    for (const [id, node] of this.mixed) {
      if (tracks.has(id)) continue;
      node.disconnect();
      this.mixed.delete(id);
    }
    for (const [id, track] of tracks) {
      if (this.mixed.has(id)) continue;
      const node = this.audio.createMediaStreamSource(new MediaStream([track]));
      node.connect(this.mix);
      this.mixed.set(id, node);
    }
  }

  close(): void {
    window.clearInterval(this.timer);
    if (this.recorder?.state === 'recording') this.recorder.stop();
    void this.audio.close().catch(() => undefined);
  }
}

class Refused extends Error {
  constructor(
    readonly status: number,
    body: string,
  ) {
    super(`upload refused (${status}) ${body}`);
  }
}
