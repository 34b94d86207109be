// What the room page needs from its media, whatever carries it: a mesh of peer connections today
// (mesh.ts), an SFU tomorrow (docs/media.md). Nothing outside web/src/media knows about WebRTC.

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
}

/** What the server told the page about its media (`media-config`, docs/web-protocol.md). */
export interface MediaConfig {
  iceServers: RTCIceServer[];
  /** Camera on when entering (optionVideoHost / optionVideoParticipants). */
  camera: boolean;
  microphone: boolean;
  /** This page may record the meeting to the cloud. */
  cloudRecord: boolean;
}

/** Messages the media sends through the page's WebSocket (docs/web-protocol.md). */
export type MediaOutgoing =
  | { type: 'signal'; to: string; data: Record<string, unknown> }
  | { type: 'media'; audio: boolean; video: boolean; screen: boolean };

export interface MediaSessionOptions {
  /** This page's participant id (`you.id` of the roster). */
  selfId: string;
  config: MediaConfig;
  send(message: MediaOutgoing): void;
  /** Something shown changed: a stream came or went, a state changed. */
  onChange(): void;
  /** The host asked this page to mute; the session has muted the microphone. */
  onMutedByHost(): void;
}

export interface DeviceChoice {
  audioInputs: MediaDeviceInfo[];
  videoInputs: MediaDeviceInfo[];
  audioInput: string | undefined;
  videoInput: string | undefined;
}

/**
 * A page's part in a meeting's media. `start` takes the camera and microphone; `setParticipants` follows the
 * roster; `receive` takes the server's media messages (`signal`, `media`, `mute`), answering false for others.
 */
export interface MediaSession {
  start(): Promise<void>;
  setParticipants(ids: string[]): void;
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
