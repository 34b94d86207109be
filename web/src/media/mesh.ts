// A full mesh: one RTCPeerConnection to every other participant, negotiated with the "perfect
// negotiation" pattern over the server's WebSocket relay. Fine for small meetings (docs/media.md).

import type { DeviceChoice, MediaSession, MediaSessionOptions, MediaState, ParticipantMedia } from './session';

/** What one page tells another through `signal` messages. */
interface SignalData {
  description?: RTCSessionDescriptionInit;
  candidate?: RTCIceCandidateInit | null;
  /** The sender's stream ids, so that the receiver tells its camera from its screen. */
  streams?: { camera: string | null; screen: string | null };
}

/** The camera as taken: 640×360 at 15 frames per second is plenty for a tile in a grid. */
const CAMERA: MediaTrackConstraints = {
  width: { ideal: 640 },
  height: { ideal: 360 },
  frameRate: { ideal: 15, max: 24 },
};
const CAMERA_BITRATE = 600_000;
/** Beyond this many peers each copy of the camera is sent at half the size and {@link CROWDED_BITRATE}. */
const CROWDED_PEERS = 3;
const CROWDED_BITRATE = 200_000;

class Peer {
  readonly pc: RTCPeerConnection;
  private makingOffer = false;
  private ignoreOffer = false;
  /** Remote streams by id, as they arrive. */
  private readonly remote = new Map<string, MediaStream>();
  streamIds: { camera: string | null; screen: string | null } = { camera: null, screen: null };
  state: MediaState = { audio: true, video: true, screen: false };
  private screenSender: RTCRtpSender | null = null;
  /** Whether this side's tracks are on the connection yet (see {@link attach}). */
  private attached = false;

  constructor(
    readonly id: string,
    private readonly session: MeshSession,
    private readonly polite: boolean,
  ) {
    this.pc = new RTCPeerConnection({ iceServers: session.iceServers });
    this.pc.onnegotiationneeded = async () => {
      try {
        this.makingOffer = true;
        await this.pc.setLocalDescription();
        this.send({ description: this.pc.localDescription!.toJSON() as RTCSessionDescriptionInit });
      } catch (err) {
        console.warn('offer failed', err);
      } finally {
        this.makingOffer = false;
      }
    };
    this.pc.onicecandidate = ({ candidate }) => this.send({ candidate: candidate ? candidate.toJSON() : null });
    this.pc.ontrack = ({ track, streams }) => {
      const stream = streams[0] ?? new MediaStream([track]);
      this.remote.set(stream.id, stream);
      stream.onremovetrack = () => session.changed();
      track.onunmute = () => session.changed();
      track.onended = () => session.changed();
      session.changed();
    };
    this.pc.onconnectionstatechange = () => {
      if (this.pc.connectionState === 'connected') this.tuneCamera(session.crowded);
      // A connection that failed is restarted by its impolite side (one restart at a time).
      if (this.pc.connectionState === 'failed' && !this.polite) this.pc.restartIce();
      session.changed();
    };
  }

  send(data: SignalData): void {
    this.session.send({ type: 'signal', to: this.id, data: data as Record<string, unknown> });
  }

  /**
   * Puts this side's camera, microphone and screen on the connection. The caller (the smaller id) does
   * so at once and offers; the callee waits for that offer and then adds its tracks to the transceivers
   * the offer made, so that the pair shares one audio and one video transceiver instead of each side
   * making its own. A caller without a camera or microphone still offers to receive them.
   */
  attach(camera: MediaStream | null, screen: MediaStream | null, caller: boolean): void {
    if (this.attached) return;
    this.attached = true;
    for (const kind of ['audio', 'video'] as const) {
      const track = kind === 'audio' ? camera?.getAudioTracks()[0] : camera?.getVideoTracks()[0];
      if (track) this.pc.addTrack(track, camera!);
      else if (caller) this.pc.addTransceiver(kind, { direction: 'recvonly' });
    }
    this.setScreen(screen);
  }

  setScreen(stream: MediaStream | null): void {
    if (!this.attached) return;
    if (this.screenSender) this.pc.removeTrack(this.screenSender);
    this.screenSender = null;
    const track = stream?.getVideoTracks()[0];
    if (track) this.screenSender = this.pc.addTrack(track, stream!);
  }

  /**
   * Every peer gets its own copy of the camera: with many peers each copy is sent smaller, so that a
   * page's uplink and encoder keep up (docs/media.md). The shared screen keeps its full size.
   */
  tuneCamera(crowded: boolean): void {
    for (const sender of this.pc.getSenders()) {
      if (sender.track?.kind !== 'video' || sender === this.screenSender) continue;
      const parameters = sender.getParameters();
      const encoding = parameters.encodings?.[0];
      if (!encoding) continue;
      encoding.maxBitrate = crowded ? CROWDED_BITRATE : CAMERA_BITRATE;
      encoding.scaleResolutionDownBy = crowded ? 2 : 1;
      sender.setParameters(parameters).catch(() => undefined);
    }
  }

  replaceTrack(old: MediaStreamTrack | undefined, next: MediaStreamTrack): void {
    if (!this.attached) return;
    const sender = this.pc
      .getSenders()
      .find((s) => s.track === old || (old === undefined && s.track?.kind === next.kind));
    if (sender) void sender.replaceTrack(next);
    else if (this.session.localCamera) this.pc.addTrack(next, this.session.localCamera);
  }

  async receive(data: SignalData): Promise<void> {
    if (data.streams) {
      this.streamIds = data.streams;
      this.session.changed();
    }
    if (data.description) {
      const collision = data.description.type === 'offer' && (this.makingOffer || this.pc.signalingState !== 'stable');
      this.ignoreOffer = !this.polite && collision;
      if (this.ignoreOffer) return;
      await this.pc.setRemoteDescription(data.description);
      if (data.description.type === 'offer') {
        this.attach(this.session.localCamera, this.session.screen, false);
        await this.pc.setLocalDescription();
        this.send({ description: this.pc.localDescription!.toJSON() as RTCSessionDescriptionInit });
      }
    } else if (data.candidate !== undefined) {
      try {
        await this.pc.addIceCandidate(data.candidate ?? undefined);
      } catch (err) {
        if (!this.ignoreOffer) console.warn('candidate refused', err);
      }
    }
  }

  /** The remote camera and screen streams with a live track. */
  streams(): { camera: MediaStream | null; screen: MediaStream | null } {
    const live = (s: MediaStream | undefined) => (s && s.getTracks().some((t) => t.readyState === 'live') ? s : null);
    const screen = this.streamIds.screen ? live(this.remote.get(this.streamIds.screen)) : null;
    const camera = this.streamIds.camera
      ? live(this.remote.get(this.streamIds.camera))
      : live([...this.remote.values()].find((s) => s.id !== this.streamIds.screen));
    return { camera, screen: this.state.screen ? screen : null };
  }

  close(): void {
    this.pc.close();
  }
}

export class MeshSession implements MediaSession {
  readonly iceServers: RTCIceServer[];
  localCamera: MediaStream | null = null;
  private localScreen: MediaStream | null = null;
  private readonly state: MediaState;
  private readonly peers = new Map<string, Peer>();
  private wanted: string[] = [];
  /** Signals that came before the local media was ready, in order. */
  private pending: { type: string; from?: unknown; [key: string]: unknown }[] | null = [];
  /** Each peer's signals are handled one at a time, in order. */
  private readonly queues = new Map<string, Promise<void>>();
  private closed = false;

  constructor(private readonly options: MediaSessionOptions) {
    this.iceServers = options.config.iceServers;
    this.state = { audio: options.config.microphone, video: options.config.camera, screen: false };
  }

  send(message: Parameters<MediaSessionOptions['send']>[0]): void {
    if (!this.closed) this.options.send(message);
  }

  changed(): void {
    if (!this.closed) this.options.onChange();
  }

  async start(): Promise<void> {
    this.localCamera = await this.capture({ audio: true, video: CAMERA });
    if (this.closed) {
      stopAll(this.localCamera);
      return;
    }
    this.applyEnabled();
    const pending = this.pending ?? [];
    this.pending = null;
    this.setParticipants(this.wanted);
    for (const message of pending) this.receive(message);
    this.changed();
  }

  /** Camera and microphone, or whichever of them there is, or nothing (the page then only receives). */
  private async capture(constraints: MediaStreamConstraints): Promise<MediaStream | null> {
    const attempts: MediaStreamConstraints[] = [
      constraints,
      { audio: constraints.audio },
      { video: constraints.video },
    ];
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

  private applyEnabled(): void {
    for (const t of this.localCamera?.getAudioTracks() ?? []) t.enabled = this.state.audio;
    for (const t of this.localCamera?.getVideoTracks() ?? []) t.enabled = this.state.video;
  }

  private announce(): void {
    this.send({ type: 'media', ...this.state });
  }

  get crowded(): boolean {
    return this.peers.size > CROWDED_PEERS;
  }

  get screen(): MediaStream | null {
    return this.localScreen;
  }

  private streamIds() {
    return { camera: this.localCamera?.id ?? null, screen: this.localScreen?.id ?? null };
  }

  setParticipants(ids: string[]): void {
    this.wanted = ids.filter((id) => id !== this.options.selfId);
    if (this.pending) return;
    let added = false;
    for (const id of this.wanted) {
      if (this.peers.has(id)) continue;
      this.peer(id);
      added = true;
    }
    for (const [id, peer] of this.peers) {
      if (this.wanted.includes(id)) continue;
      peer.close();
      this.peers.delete(id);
      this.queues.delete(id);
      this.changed();
    }
    for (const peer of this.peers.values()) peer.tuneCamera(this.crowded);
    // Newcomers learn everyone's state: each page says it again when someone arrives.
    if (added) this.announce();
  }

  private peer(id: string): Peer {
    let peer = this.peers.get(id);
    if (peer) return peer;
    peer = new Peer(id, this, this.options.selfId > id);
    this.peers.set(id, peer);
    peer.send({ streams: this.streamIds() });
    if (this.options.selfId < id) peer.attach(this.localCamera, this.localScreen, true);
    this.changed();
    return peer;
  }

  receive(message: { type: string; from?: unknown; [key: string]: unknown }): boolean {
    if (message.type !== 'signal' && message.type !== 'media' && message.type !== 'mute') return false;
    if (this.closed) return true;
    if (this.pending) {
      this.pending.push(message);
      return true;
    }
    const from = typeof message.from === 'string' ? message.from : '';
    if (message.type === 'mute') {
      this.setMicrophone(false);
      this.options.onMutedByHost();
      return true;
    }
    // Signals from someone the roster does not show yet are for a peer about to appear.
    const peer = this.peer(from);
    if (message.type === 'media') {
      peer.state = { audio: message.audio === true, video: message.video === true, screen: message.screen === true };
      this.changed();
      return true;
    }
    const data = (message.data ?? {}) as SignalData;
    const queue = (this.queues.get(from) ?? Promise.resolve())
      .then(() => peer.receive(data))
      .catch((err: unknown) => console.warn('signal failed', err));
    this.queues.set(from, queue);
    return true;
  }

  participants(): ParticipantMedia[] {
    const self: ParticipantMedia = {
      id: this.options.selfId,
      local: true,
      camera: this.localCamera,
      screen: this.localScreen,
      state: { ...this.state },
    };
    return [
      self,
      ...[...this.peers.values()].map((p) => ({ id: p.id, local: false, ...p.streams(), state: { ...p.state } })),
    ];
  }

  setMicrophone(on: boolean): void {
    this.state.audio = on;
    this.applyEnabled();
    this.announce();
    this.changed();
  }

  setCamera(on: boolean): void {
    this.state.video = on;
    this.applyEnabled();
    this.announce();
    this.changed();
  }

  async startScreenShare(): Promise<void> {
    if (this.localScreen) return;
    const screen = await navigator.mediaDevices.getDisplayMedia({ video: true, audio: false });
    this.localScreen = screen;
    // The browser's own "stop sharing" ends the track.
    screen.getVideoTracks()[0]?.addEventListener('ended', () => this.stopScreenShare());
    this.state.screen = true;
    for (const peer of this.peers.values()) {
      peer.send({ streams: this.streamIds() });
      peer.setScreen(screen);
    }
    this.announce();
    this.changed();
  }

  stopScreenShare(): void {
    if (!this.localScreen) return;
    stopAll(this.localScreen);
    this.localScreen = null;
    this.state.screen = false;
    for (const peer of this.peers.values()) {
      peer.setScreen(null);
      peer.send({ streams: this.streamIds() });
    }
    this.announce();
    this.changed();
  }

  async devices(): Promise<DeviceChoice> {
    const all = await navigator.mediaDevices.enumerateDevices();
    const current = (kind: 'audio' | 'video') => {
      const track = kind === 'audio' ? this.localCamera?.getAudioTracks()[0] : this.localCamera?.getVideoTracks()[0];
      return track?.getSettings().deviceId;
    };
    return {
      audioInputs: all.filter((d) => d.kind === 'audioinput'),
      videoInputs: all.filter((d) => d.kind === 'videoinput'),
      audioInput: current('audio'),
      videoInput: current('video'),
    };
  }

  async selectDevice(kind: 'audioinput' | 'videoinput', deviceId: string): Promise<void> {
    const audio = kind === 'audioinput';
    const fresh = await navigator.mediaDevices.getUserMedia(
      audio ? { audio: { deviceId: { exact: deviceId } } } : { video: { ...CAMERA, deviceId: { exact: deviceId } } },
    );
    const next = fresh.getTracks()[0]!;
    if (!this.localCamera) this.localCamera = new MediaStream();
    const old = audio ? this.localCamera.getAudioTracks()[0] : this.localCamera.getVideoTracks()[0];
    for (const peer of this.peers.values()) peer.replaceTrack(old, next);
    if (old) {
      this.localCamera.removeTrack(old);
      old.stop();
    }
    this.localCamera.addTrack(next);
    this.applyEnabled();
    this.changed();
  }

  close(): void {
    this.closed = true;
    for (const peer of this.peers.values()) peer.close();
    this.peers.clear();
    stopAll(this.localCamera);
    stopAll(this.localScreen);
  }
}

function stopAll(stream: MediaStream | null): void {
  for (const track of stream?.getTracks() ?? []) track.stop();
}
