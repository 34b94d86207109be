// Who is speaking: the loudest audio above a threshold, measured with WebAudio analysers.

/** Level (RMS of the samples, 0–1) above which someone counts as speaking. */
const THRESHOLD = 0.02;
const INTERVAL_MS = 200;
/**
 * Samples each measure looks at: about 340 ms at 48 kHz, longer than the interval, so that no sound falls
 * between two measures (a 1024-sample window saw 21 ms of every 200, and missed short sounds).
 */
const WINDOW = 16384;
/**
 * How long the speaker stays marked after their last loud sample: speech has pauses between words, and a
 * marker that flickers on and off at every pause is hard to follow (meeting apps hold it for a second or two).
 */
const HOLD_MS = 1500;

export class SpeakerDetector {
  private readonly context = new AudioContext();
  private readonly meters = new Map<
    string,
    { trackId: string; source: MediaStreamAudioSourceNode; analyser: AnalyserNode }
  >();
  private readonly samples = new Float32Array(WINDOW);
  private timer: number;
  private current: string | null = null;
  /** When the current speaker was last heard above the threshold (performance.now()). */
  private heardAt = 0;

  /** Calls `onSpeaker` with the id of the participant speaking, or null, whenever that changes. */
  constructor(private readonly onSpeaker: (id: string | null) => void) {
    this.timer = window.setInterval(() => this.measure(), INTERVAL_MS);
  }

  /** The audio to watch, by participant id; streams without audio are left out. */
  update(streams: Map<string, MediaStream | null>): void {
    void this.context.resume().catch(() => undefined);
    for (const [id, meter] of this.meters) {
      const track = streams.get(id)?.getAudioTracks()[0];
      if (track?.id === meter.trackId) continue;
      meter.source.disconnect();
      this.meters.delete(id);
    }
    for (const [id, stream] of streams) {
      const track = stream?.getAudioTracks()[0];
      if (!stream || !track || this.meters.has(id)) continue;
      const source = this.context.createMediaStreamSource(new MediaStream([track]));
      const analyser = this.context.createAnalyser();
      analyser.fftSize = WINDOW;
      source.connect(analyser);
      this.meters.set(id, { trackId: track.id, source, analyser });
    }
  }

  private measure(): void {
    let loudest: string | null = null;
    let level = THRESHOLD;
    for (const [id, meter] of this.meters) {
      meter.analyser.getFloatTimeDomainData(this.samples);
      let sum = 0;
      for (const x of this.samples) sum += x * x;
      const rms = Math.sqrt(sum / this.samples.length);
      if (rms > level) {
        level = rms;
        loudest = id;
      }
    }
    const now = performance.now();
    if (loudest !== null) this.heardAt = now;
    // Silence keeps the last speaker marked for HOLD_MS; someone else speaking takes over at once.
    const next = loudest ?? (now - this.heardAt < HOLD_MS && this.meters.has(this.current ?? '') ? this.current : null);
    if (next !== this.current) {
      this.current = next;
      this.onSpeaker(next);
    }
  }

  close(): void {
    window.clearInterval(this.timer);
    void this.context.close().catch(() => undefined);
  }
}
