// What the room page needs from its media, whatever carries it: a mesh of peer connections (mesh.ts) or
// the server's SFU (sfu.ts, docs/media.md). Nothing outside web/src/media knows about WebRTC.

/** What a participant sends: microphone on, camera on, sharing the screen. */
export interface MediaState {
  audio: boolean;
  video: boolean;
  screen: boolean;
}

/** One participant's media as the page shows it; `id` is the roster's participant id. */
export interface ParticipantMedia {
  id: string;
  local: boolean;
  camera: MediaStream | null;
  screen: MediaStream | null;
  state: MediaState;
  /** The SFU says this participant is speaking (Janus's talk events); the mesh leaves it out. */
  talking?: boolean;
}

/** How large a tile shows a camera: 0 small, 1 medium, 2 large (the simulcast layer an SFU sends it). */
export type TileSize = 0 | 1 | 2;

/** What the server told the page about its media (`media-config`, docs/web-protocol.md). */
export interface MediaConfig {
  iceServers: RTCIceServer[];
  /** Camera on when entering (optionVideoHost / optionVideoParticipants). */
  camera: boolean;
  microphone: boolean;
  /** This page may record the meeting to the cloud. */
  cloudRecord: boolean;
  /** Present when the meeting's media goes through the server's SFU; absent: the mesh. */
  sfu?: { simulcast: boolean };
}

/** Where a published stream comes from (`sources` of the SFU's `publish`). */
export type MediaSource = 'microphone' | 'camera' | 'screen';

/** One stream the page wants from the SFU: a publisher's (feed's) mid, and for simulcast video its layer. */
export interface SfuWanted {
  feed: number;
  mid: string;
  substream?: TileSize;
}

/** What a page says to the server's SFU (docs/web-protocol.md); the page never speaks Janus's own API. */
export type SfuOutgoing =
  | { type: 'sfu'; op: 'publish'; jsep: RTCSessionDescriptionInit; sources: Record<string, MediaSource> }
  | { type: 'sfu'; op: 'trickle'; pc: 'publisher' | 'subscriber'; candidate: RTCIceCandidateInit | null }
  | { type: 'sfu'; op: 'subscribe'; streams: SfuWanted[] }
  | { type: 'sfu'; op: 'start'; jsep: RTCSessionDescriptionInit }
  | { type: 'sfu'; op: 'restart' }
  | { type: 'sfu'; op: 'record'; on: boolean }
  | { type: 'sfu'; op: 'live'; on: boolean };

/** Messages the media sends through the page's WebSocket (docs/web-protocol.md). */
export type MediaOutgoing =
  | { type: 'signal'; to: string; data: Record<string, unknown> }
  | { type: 'media'; audio: boolean; video: boolean; screen: boolean }
  | SfuOutgoing;

export interface MediaSessionOptions {
  /** This page's participant id (`you.id` of the roster). */
  selfId: string;
  config: MediaConfig;
  send(message: MediaOutgoing): void;
  /** Something shown changed: a stream came or went, a state changed. */
  onChange(): void;
  /** The host asked this page to mute; the session has muted the microphone. */
  onMutedByHost(): void;
  /** The media server refused or failed something (the SFU's `error`); shown to the user. */
  onError?(message: string): void;
}

export interface DeviceChoice {
  audioInputs: MediaDeviceInfo[];
  videoInputs: MediaDeviceInfo[];
  audioInput: string | undefined;
  videoInput: string | undefined;
}

/**
 * A page's part in a meeting's media. `start` takes the camera and microphone; `setParticipants` follows the
 * roster; `receive` takes the server's media messages (`signal`, `media`, `mute`, `sfu`), answering false for
 * others; `setView` says which cameras the grid shows now and how large, so that an SFU sends only those.
 */
export interface MediaSession {
  start(): Promise<void>;
  setParticipants(ids: string[]): void;
  /** Only an SFU cares: the mesh receives every camera anyway. */
  setView?(cameras: Map<string, TileSize>): void;
  receive(message: { type: string; from?: unknown; [key: string]: unknown }): boolean;
  participants(): ParticipantMedia[];
  setMicrophone(on: boolean): void;
  setCamera(on: boolean): void;
  startScreenShare(): Promise<void>;
  stopScreenShare(): void;
  devices(): Promise<DeviceChoice>;
  selectDevice(kind: 'audioinput' | 'videoinput', deviceId: string): Promise<void>;
  close(): void;
}
