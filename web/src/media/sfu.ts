// Media through the server's SFU (Janus, docs/media.md): one publisher peer connection carrying this page's
// microphone, camera (simulcast) and shared screen, and one subscriber peer connection carrying everyone
// else's streams. Every offer and answer goes through the page's WebSocket (`type: 'sfu'`,
// docs/web-protocol.md); the server makes the VideoRoom calls, the page never speaks Janus's API.

import type {
  DeviceChoice,
  MediaSession,
  MediaSessionOptions,
  MediaSource,
  MediaState,
  ParticipantMedia,
  SfuOutgoing,
  SfuWanted,
  TileSize,
} from './session';

/** The camera as taken: 640×360 at 15 frames per second, sent in three sizes (below). */
const CAMERA: MediaTrackConstraints = {
  width: { ideal: 640 },
  height: { ideal: 360 },
  frameRate: { ideal: 15, max: 24 },
};
/**
 * The camera's simulcast layers, largest first: Janus reads the rids in that order (its default `rid_order`
 * "hml"), so that substream 0 is `q` (a quarter of the size), 1 is `h`, 2 is `f`.
 */
const LAYERS: RTCRtpEncodingParameters[] = [
  { rid: 'f', scaleResolutionDownBy: 1, maxBitrate: 900_000 },
  { rid: 'h', scaleResolutionDownBy: 2, maxBitrate: 300_000 },
  { rid: 'q', scaleResolutionDownBy: 4, maxBitrate: 100_000 },
];
const CAMERA_BITRATE = 600_000;
const SCREEN_BITRATE = 1_500_000;
/** How long an offer or answer waits for ICE candidates before it goes; later ones are trickled. */
const GATHER_MS = 1_000;
/** How long the page waits for the server's answer to a publish before it tries again. */
const ANSWER_MS = 15_000;
/** How long a subscription change waits for the server's offer before the next change is sent anyway. */
const OFFER_MS = 10_000;
/** Grid changes come in bursts (a resize, a page turn): the subscription follows once they settle. */
const SUBSCRIBE_DELAY_MS = 150;
/** Waits between publish attempts after a failure or a media-server restart. */
const RETRY_MS = [500, 1_000, 2_000, 4_000, 8_000];

/** One stream another participant publishes (`streams`). */
interface Published {
  feed: number;
  id: string;
  mid: string;
  kind: 'audio' | 'video';
  source: MediaSource;
  simulcast: boolean;
}

/** One stream of the subscriber connection (`offer`): `mid` is this page's, `feedMid` the publisher's. */
interface Received {
  mid: string;
  feed: number;
  feedMid: string;
  id: string;
  kind: 'audio' | 'video';
  source: MediaSource;
}

/** A remote participant's streams as shown: the camera stream carries the microphone too. */
interface Remote {
  camera: MediaStream;
  screen: MediaStream;
}

type Incoming = { type: string; from?: unknown; [key: string]: unknown };

export class SfuSession implements MediaSession {
  /** The microphone's track and, while the camera is on, the camera's. */
  private camera: MediaStream = new MediaStream();
  /** The camera chosen in the device list, taken again when the camera is turned on. */
  private videoDevice: string | undefined;
  /** Bumped by every camera on/off: a camera that arrives after it was turned off again is stopped. */
  private cameraTurn = 0;
  private screen: MediaStream | null = null;
  private readonly state: MediaState;
  private publisher: RTCPeerConnection | null = null;
  private screenTransceiver: RTCRtpTransceiver | null = null;
  private subscriber: RTCPeerConnection | null = null;
  /** Publisher negotiations, one at a time. */
  private publishing: Promise<void> = Promise.resolve();
  /** Subscriber negotiations, one at a time. */
  private subscribing: Promise<void> = Promise.resolve();
  /** Bumped by every (re)publish from scratch: an older attempt stops when it sees a newer one. */
  private generation = 0;
  private answer: { resolve(jsep: RTCSessionDescriptionInit): void; reject(err: Error): void } | null = null;
  /** Whether the current publisher / subscriber description went out: later candidates are trickled. */
  private sent = { publisher: false, subscriber: false };
  private available: Published[] = [];
  private received = new Map<string, Received>();
  private readonly remote = new Map<string, Remote>();
  private readonly states = new Map<string, MediaState>();
  private readonly talking = new Set<string>();
  private others: string[] = [];
  private view = new Map<string, TileSize>();
  /** The last subscription sent, as JSON, and whether its offer is still awaited. */
  private subscribed = '[]';
  private awaitingOffer: number | undefined;
  private subscribeTimer: number | undefined;
  /** Messages that came before the camera and microphone were ready, in order. */
  private pending: Incoming[] | null = [];
  private closed = false;

  constructor(private readonly options: MediaSessionOptions) {
    this.state = { audio: options.config.microphone, video: options.config.camera, screen: false };
  }

  private send(message: SfuOutgoing | { type: 'media'; audio: boolean; video: boolean; screen: boolean }): void {
    if (!this.closed) this.options.send(message);
  }

  private changed(): void {
    if (!this.closed) this.options.onChange();
  }

  async start(): Promise<void> {
    // A camera that is off is not taken at all (its light stays off); setCamera takes it when turned on.
    const turn = this.cameraTurn;
    const taken = await capture({ audio: true, ...(this.state.video ? { video: CAMERA } : {}) });
    if (this.closed) {
      stopAll(taken);
      return;
    }
    // The camera was turned off or on meanwhile: setCamera takes it when wanted.
    if (turn !== this.cameraTurn) for (const track of taken?.getVideoTracks() ?? []) track.stop();
    for (const track of taken?.getTracks() ?? []) if (track.readyState === 'live') this.camera.addTrack(track);
    this.applyEnabled();
    const pending = this.pending ?? [];
    this.pending = null;
    this.announce();
    for (const message of pending) this.receive(message);
    this.republish();
    this.changed();
  }

  private applyEnabled(): void {
    for (const t of this.camera.getAudioTracks()) t.enabled = this.state.audio;
  }

  private announce(): void {
    this.send({ type: 'media', ...this.state });
  }

  // ---- publishing ----

  /** Drops the publisher connection and publishes from scratch, retrying with backoff until answered. */
  private republish(): void {
    const generation = ++this.generation;
    this.publishing = this.publishing.then(async () => {
      for (let attempt = 0; generation === this.generation && !this.closed; attempt++) {
        try {
          await this.publish(generation);
          return;
        } catch (err) {
          console.warn('publish failed', err);
          await sleep(RETRY_MS[Math.min(attempt, RETRY_MS.length - 1)]!);
        }
      }
    });
  }

  private async publish(generation: number): Promise<void> {
    this.publisher?.close();
    this.publisher = null;
    this.screenTransceiver = null;
    if (!this.camera.getTracks().length && !this.state.video && !this.screen) return;
    const pc = new RTCPeerConnection({ iceServers: this.options.config.iceServers });
    this.publisher = pc;
    this.sent.publisher = false;
    pc.onicecandidate = ({ candidate }) => {
      if (this.publisher === pc && this.sent.publisher)
        this.send({ type: 'sfu', op: 'trickle', pc: 'publisher', candidate: candidate ? candidate.toJSON() : null });
    };
    // A path that broke (a network change) is looked for again with an ICE restart on the same publisher.
    pc.onconnectionstatechange = () => {
      if (pc.connectionState === 'failed' && this.publisher === pc) this.restartIce(pc);
    };
    const audio = this.camera.getAudioTracks()[0];
    if (audio) pc.addTransceiver(audio, { direction: 'sendonly', streams: [this.camera] });
    // The camera's m-line is there even while the camera is off: turning it on is a replaceTrack, no renegotiation.
    const simulcast = this.options.config.sfu?.simulcast ?? true;
    pc.addTransceiver(this.camera.getVideoTracks()[0] ?? 'video', {
      direction: 'sendonly',
      streams: [this.camera],
      sendEncodings: simulcast ? LAYERS.map((layer) => ({ ...layer })) : [{ maxBitrate: CAMERA_BITRATE }],
    });
    this.addScreen(pc);
    if (generation !== this.generation) return;
    await this.negotiate(pc);
  }

  private addScreen(pc: RTCPeerConnection): void {
    const track = this.screen?.getVideoTracks()[0];
    if (!track || this.screenTransceiver) return;
    this.screenTransceiver = pc.addTransceiver(track, {
      direction: 'sendonly',
      streams: [this.screen!],
      sendEncodings: [{ maxBitrate: SCREEN_BITRATE }],
    });
  }

  private restartIce(pc: RTCPeerConnection): void {
    this.publishing = this.publishing.then(async () => {
      if (this.publisher !== pc || this.closed) return;
      try {
        await this.negotiate(pc, true);
      } catch (err) {
        console.warn('ICE restart failed', err);
        this.republish();
      }
    });
  }

  /** Offers what the publisher connection now carries and applies the server's answer. */
  private async negotiate(pc: RTCPeerConnection, iceRestart = false): Promise<void> {
    await pc.setLocalDescription(await pc.createOffer({ iceRestart }));
    await gathered(pc);
    if (this.publisher !== pc || this.closed) return;
    const answered = new Promise<RTCSessionDescriptionInit>((resolve, reject) => {
      const timer = window.setTimeout(() => reject(new Error('no answer from the media server')), ANSWER_MS);
      this.answer = {
        resolve: (jsep) => (window.clearTimeout(timer), resolve(jsep)),
        reject: (err) => (window.clearTimeout(timer), reject(err)),
      };
    });
    this.sent.publisher = true;
    this.send({ type: 'sfu', op: 'publish', jsep: description(pc), sources: this.sources(pc) });
    const jsep = await answered;
    if (this.publisher === pc) await pc.setRemoteDescription(jsep);
  }

  /** What each of the publisher's m-lines carries, by mid. */
  private sources(pc: RTCPeerConnection): Record<string, MediaSource> {
    const sources: Record<string, MediaSource> = {};
    for (const t of pc.getTransceivers()) {
      if (!t.mid || t.currentDirection === 'stopped' || t.direction === 'stopped') continue;
      sources[t.mid] =
        t === this.screenTransceiver ? 'screen' : t.receiver.track.kind === 'audio' ? 'microphone' : 'camera';
    }
    return sources;
  }

  /** Adds or removes the screen's m-line on the publisher connection, by renegotiation. */
  private renegotiateScreen(): void {
    const generation = this.generation;
    this.publishing = this.publishing.then(async () => {
      const pc = this.publisher;
      if (generation !== this.generation || this.closed) return;
      if (!pc) {
        this.republish();
        return;
      }
      if (this.screen) this.addScreen(pc);
      else if (this.screenTransceiver) {
        this.screenTransceiver.stop();
        this.screenTransceiver = null;
      } else return;
      try {
        await this.negotiate(pc);
      } catch (err) {
        console.warn('screen negotiation failed', err);
        this.republish();
      }
    });
  }

  // ---- subscribing ----

  /** The streams this page wants now: every voice, every screen, and the cameras the grid shows. */
  private wanted(): SfuWanted[] {
    const wanted: SfuWanted[] = [];
    for (const s of this.available) {
      const layer = (size: TileSize) => (s.simulcast ? { substream: size } : {});
      if (s.kind === 'audio') wanted.push({ feed: s.feed, mid: s.mid });
      else if (s.source === 'screen') wanted.push({ feed: s.feed, mid: s.mid, ...layer(2) });
      else {
        const size = this.view.get(s.id);
        // A camera that is off sends black frames: not worth a decoder.
        if (size === undefined || this.states.get(s.id)?.video === false) continue;
        wanted.push({ feed: s.feed, mid: s.mid, ...layer(size) });
      }
    }
    return wanted.sort((a, b) => a.feed - b.feed || a.mid.localeCompare(b.mid));
  }

  private scheduleSubscribe(): void {
    if (this.pending || this.closed) return;
    window.clearTimeout(this.subscribeTimer);
    this.subscribeTimer = window.setTimeout(() => this.subscribe(), SUBSCRIBE_DELAY_MS);
  }

  /**
   * Sends the whole wanted set when it changed. A change of streams makes the server renegotiate: the next
   * change waits for that offer (or {@link OFFER_MS}); a change of layers only is sent at once.
   */
  private subscribe(): void {
    const wanted = this.wanted();
    const json = JSON.stringify(wanted);
    if (json === this.subscribed) return;
    const streamsOf = (list: SfuWanted[]) => JSON.stringify(list.map((w) => [w.feed, w.mid]));
    const renegotiates = streamsOf(wanted) !== streamsOf(JSON.parse(this.subscribed) as SfuWanted[]);
    if (renegotiates && this.awaitingOffer !== undefined) return;
    this.subscribed = json;
    this.send({ type: 'sfu', op: 'subscribe', streams: wanted });
    if (renegotiates) {
      this.awaitingOffer = window.setTimeout(() => this.offerArrived(), OFFER_MS);
    }
  }

  private offerArrived(): void {
    window.clearTimeout(this.awaitingOffer);
    this.awaitingOffer = undefined;
    this.scheduleSubscribe();
  }

  private onOffer(jsep: RTCSessionDescriptionInit, streams: Received[]): void {
    this.subscribing = this.subscribing
      .then(async () => {
        if (this.closed) return;
        this.received = new Map(streams.map((s) => [s.mid, s]));
        let pc = this.subscriber;
        if (!pc) {
          pc = new RTCPeerConnection({ iceServers: this.options.config.iceServers });
          this.subscriber = pc;
          this.sent.subscriber = false;
          const own = pc;
          pc.onicecandidate = ({ candidate }) => {
            if (this.subscriber === own && this.sent.subscriber)
              this.send({
                type: 'sfu',
                op: 'trickle',
                pc: 'subscriber',
                candidate: candidate ? candidate.toJSON() : null,
              });
          };
          pc.ontrack = ({ track }) => {
            track.onunmute = () => this.changed();
            this.assemble();
          };
          // A path that broke (a network change): the server has Janus offer again with new ICE credentials.
          pc.onconnectionstatechange = () => {
            if (own.connectionState === 'failed' && this.subscriber === own) this.send({ type: 'sfu', op: 'restart' });
          };
        }
        await pc.setRemoteDescription(jsep);
        await pc.setLocalDescription(await pc.createAnswer());
        if (!this.sent.subscriber) await gathered(pc);
        if (this.subscriber !== pc || this.closed) return;
        this.sent.subscriber = true;
        this.send({ type: 'sfu', op: 'start', jsep: description(pc) });
        this.assemble();
      })
      .catch((err: unknown) => console.warn('subscription failed', err))
      .finally(() => this.offerArrived());
  }

  /** Puts every received track into its participant's camera or screen stream, and takes out the rest. */
  private assemble(): void {
    const want = new Map<string, { camera: MediaStreamTrack[]; screen: MediaStreamTrack[] }>();
    for (const t of this.subscriber?.getTransceivers() ?? []) {
      const info = t.mid === null ? undefined : this.received.get(t.mid);
      if (!info || t.currentDirection === 'inactive' || t.currentDirection === 'stopped') continue;
      const tracks = want.get(info.id) ?? { camera: [], screen: [] };
      tracks[info.source === 'screen' ? 'screen' : 'camera'].push(t.receiver.track);
      want.set(info.id, tracks);
    }
    for (const id of this.remote.keys()) if (!want.has(id)) want.set(id, { camera: [], screen: [] });
    for (const [id, tracks] of want) {
      let remote = this.remote.get(id);
      if (!remote) {
        remote = { camera: new MediaStream(), screen: new MediaStream() };
        this.remote.set(id, remote);
      }
      setTracks(remote.camera, tracks.camera);
      setTracks(remote.screen, tracks.screen);
    }
    this.changed();
  }

  // ---- the server's messages ----

  receive(message: Incoming): boolean {
    if (message.type !== 'sfu' && message.type !== 'media' && message.type !== 'mute') return false;
    if (this.closed) return true;
    if (this.pending) {
      this.pending.push(message);
      return true;
    }
    if (message.type === 'mute') this.mutedByHost();
    else if (message.type === 'media') {
      if (typeof message.from !== 'string') return true;
      const state = { audio: message.audio === true, video: message.video === true, screen: message.screen === true };
      this.states.set(message.from, state);
      this.scheduleSubscribe();
      this.changed();
    } else this.onSfu(message);
    return true;
  }

  private onSfu(message: Incoming): void {
    switch (message.op) {
      case 'answer':
        this.answer?.resolve(message.jsep as RTCSessionDescriptionInit);
        this.answer = null;
        break;
      case 'offer':
        this.onOffer(message.jsep as RTCSessionDescriptionInit, Array.isArray(message.streams) ? message.streams : []);
        break;
      case 'streams':
        this.available = Array.isArray(message.streams) ? (message.streams as Published[]) : [];
        this.scheduleSubscribe();
        this.changed();
        break;
      case 'talking':
        if (typeof message.id !== 'string') break;
        if (message.talking === true) this.talking.add(message.id);
        else this.talking.delete(message.id);
        this.changed();
        break;
      case 'muted':
        this.mutedByHost();
        break;
      case 'reset':
        this.reset();
        break;
      case 'error': {
        const text = typeof message.message === 'string' ? message.message : 'media server error';
        // `request` names the operation refused; without it, a publish waiting for its answer tries again.
        const request = typeof message.request === 'string' ? message.request : undefined;
        console.warn('media server:', request ?? '', text);
        if (request === undefined || request === 'publish') this.answer?.reject(new Error(text));
        // A refused subscription: the server dropped its side of it, so the page drops its connection too and
        // subscribes again, from nothing, a little later.
        if (request === 'subscribe' || request === 'start' || request === 'restart') {
          this.dropSubscription();
          window.clearTimeout(this.awaitingOffer);
          this.awaitingOffer = window.setTimeout(() => this.offerArrived(), RETRY_MS[2]);
        }
        this.options.onError?.(text);
        break;
      }
    }
  }

  private mutedByHost(): void {
    this.setMicrophone(false);
    this.options.onMutedByHost();
  }

  /** The media server was lost or restarted: both connections are gone; publish again and resubscribe. */
  private reset(): void {
    this.answer?.reject(new Error('media server reset'));
    this.answer = null;
    this.dropSubscription();
    this.available = [];
    this.offerArrived();
    this.republish();
  }

  /** Closes the subscriber connection and forgets what it carried and asked for. */
  private dropSubscription(): void {
    this.subscriber?.close();
    this.subscriber = null;
    this.received.clear();
    this.subscribed = '[]';
    this.assemble();
  }

  // ---- what the page asks ----

  setParticipants(ids: string[]): void {
    const others = ids.filter((id) => id !== this.options.selfId);
    // Newcomers learn everyone's state: each page says it again when someone arrives.
    const added = others.some((id) => !this.others.includes(id));
    this.others = others;
    for (const id of this.remote.keys()) if (!others.includes(id)) this.remote.delete(id);
    if (added && !this.pending) this.announce();
    this.changed();
  }

  setView(cameras: Map<string, TileSize>): void {
    this.view = cameras;
    this.scheduleSubscribe();
  }

  participants(): ParticipantMedia[] {
    const live = (s: MediaStream | undefined) => (s && s.getTracks().length > 0 ? s : null);
    const self: ParticipantMedia = {
      id: this.options.selfId,
      local: true,
      camera: this.camera,
      screen: this.screen,
      state: { ...this.state },
      talking: this.talking.has(this.options.selfId),
    };
    return [
      self,
      ...this.others.map((id) => {
        const remote = this.remote.get(id);
        const screen = live(remote?.screen);
        const shared = this.available.some((s) => s.id === id && s.source === 'screen');
        return {
          id,
          local: false,
          camera: live(remote?.camera),
          screen: shared ? screen : null,
          state: { ...(this.states.get(id) ?? { audio: true, video: true, screen: false }) },
          talking: this.talking.has(id),
        };
      }),
    ];
  }

  setMicrophone(on: boolean): void {
    this.state.audio = on;
    this.applyEnabled();
    this.announce();
    this.changed();
  }

  /** Off stops the camera (its light goes off) and sends nothing; on takes it again into the same m-line. */
  setCamera(on: boolean): void {
    this.state.video = on;
    const turn = ++this.cameraTurn;
    for (const track of this.camera.getVideoTracks()) {
      this.camera.removeTrack(track);
      track.stop();
    }
    void this.cameraSender()?.replaceTrack(null);
    this.announce();
    this.changed();
    if (on) void this.takeCamera(turn);
  }

  private async takeCamera(turn: number): Promise<void> {
    const video = { ...CAMERA, ...(this.videoDevice ? { deviceId: { exact: this.videoDevice } } : {}) };
    const track = (await capture({ video }))?.getVideoTracks()[0];
    if (!track) return;
    if (this.closed || turn !== this.cameraTurn) {
      track.stop();
      return;
    }
    this.camera.addTrack(track);
    const sender = this.cameraSender();
    if (sender) await sender.replaceTrack(track);
    else this.republish();
    this.changed();
  }

  /** The publisher's camera sender (not the screen's). */
  private cameraSender(): RTCRtpSender | undefined {
    return this.publisher
      ?.getTransceivers()
      .find(
        (t) => t !== this.screenTransceiver && t.receiver.track.kind === 'video' && t.currentDirection !== 'stopped',
      )?.sender;
  }

  async startScreenShare(): Promise<void> {
    if (this.screen) return;
    const screen = await navigator.mediaDevices.getDisplayMedia({ video: true, audio: false });
    this.screen = screen;
    // The browser's own "stop sharing" ends the track.
    screen.getVideoTracks()[0]?.addEventListener('ended', () => this.stopScreenShare());
    this.state.screen = true;
    this.renegotiateScreen();
    this.announce();
    this.changed();
  }

  stopScreenShare(): void {
    if (!this.screen) return;
    stopAll(this.screen);
    this.screen = null;
    this.state.screen = false;
    this.renegotiateScreen();
    this.announce();
    this.changed();
  }

  async devices(): Promise<DeviceChoice> {
    const all = await navigator.mediaDevices.enumerateDevices();
    return {
      audioInputs: all.filter((d) => d.kind === 'audioinput'),
      videoInputs: all.filter((d) => d.kind === 'videoinput'),
      audioInput: this.camera.getAudioTracks()[0]?.getSettings().deviceId,
      videoInput: this.camera.getVideoTracks()[0]?.getSettings().deviceId ?? this.videoDevice,
    };
  }

  async selectDevice(kind: 'audioinput' | 'videoinput', deviceId: string): Promise<void> {
    const audio = kind === 'audioinput';
    if (!audio) {
      this.videoDevice = deviceId;
      // A camera that is off is taken from the chosen device when turned on.
      if (this.state.video) this.setCamera(true);
      return;
    }
    const fresh = await navigator.mediaDevices.getUserMedia({ audio: { deviceId: { exact: deviceId } } });
    const next = fresh.getAudioTracks()[0]!;
    const old = this.camera.getAudioTracks()[0];
    if (old) {
      this.camera.removeTrack(old);
      old.stop();
    }
    this.camera.addTrack(next);
    this.applyEnabled();
    const sender = this.publisher?.getTransceivers().find((t) => t.receiver.track.kind === 'audio')?.sender;
    // The same m-line carries the new microphone; a connection without one needs a new publish.
    if (sender) await sender.replaceTrack(next);
    else this.republish();
    this.changed();
  }

  close(): void {
    this.closed = true;
    this.generation++;
    window.clearTimeout(this.subscribeTimer);
    window.clearTimeout(this.awaitingOffer);
    this.answer?.reject(new Error('closed'));
    this.answer = null;
    this.publisher?.close();
    this.subscriber?.close();
    this.publisher = null;
    this.subscriber = null;
    stopAll(this.camera);
    stopAll(this.screen);
  }
}

/** Camera and microphone, or whichever of them there is, or nothing (the page then only receives). */
async function capture(constraints: MediaStreamConstraints): Promise<MediaStream | null> {
  const attempts: MediaStreamConstraints[] = [constraints, { audio: constraints.audio }, { video: constraints.video }];
  for (const attempt of attempts) {
    if (!attempt.audio && !attempt.video) continue;
    try {
      return await navigator.mediaDevices.getUserMedia(attempt);
    } catch (err) {
      console.warn('no media for', attempt, err);
    }
  }
  return null;
}

/** Resolves when the connection has gathered its ICE candidates, or after {@link GATHER_MS}. */
function gathered(pc: RTCPeerConnection): Promise<void> {
  if (pc.iceGatheringState === 'complete') return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      window.clearTimeout(timer);
      pc.removeEventListener('icegatheringstatechange', check);
      resolve();
    };
    const check = () => {
      if (pc.iceGatheringState === 'complete') done();
    };
    const timer = window.setTimeout(done, GATHER_MS);
    pc.addEventListener('icegatheringstatechange', check);
  });
}

function description(pc: RTCPeerConnection): RTCSessionDescriptionInit {
  const local = pc.localDescription!;
  return { type: local.type, sdp: local.sdp };
}

function setTracks(stream: MediaStream, tracks: MediaStreamTrack[]): void {
  for (const t of stream.getTracks()) if (!tracks.includes(t)) stream.removeTrack(t);
  for (const t of tracks) if (!stream.getTracks().includes(t)) stream.addTrack(t);
}

function stopAll(stream: MediaStream | null): void {
  for (const track of stream?.getTracks() ?? []) track.stop();
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => window.setTimeout(resolve, ms));
}
