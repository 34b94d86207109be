// The room page's media, behind one module: the page imports only from here. Replacing the mesh by an
// SFU (docs/media.md) means a second MediaSession implementation chosen here; nothing else changes.

import { MeshSession } from './mesh';
import type { MediaSession, MediaSessionOptions } from './session';

export type { DeviceChoice, MediaConfig, MediaOutgoing, MediaSession, MediaState, ParticipantMedia } from './session';
export { CloudRecorder, type RecorderSource } from './recorder';
export { SpeakerDetector } from './speaker';

export function createMediaSession(options: MediaSessionOptions): MediaSession {
  return new MeshSession(options);
}
