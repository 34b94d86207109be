// The room page's media, behind one module: the page imports only from here. The mesh (mesh.ts) carries a
// meeting's media unless the server says it runs an SFU (`media-config` with `sfu`, docs/media.md): then
// sfu.ts does. Nothing else in the page differs between the two.

import { MeshSession } from './mesh';
import type { MediaSession, MediaSessionOptions } from './session';
import { SfuSession } from './sfu';

export type {
  DeviceChoice,
  MediaConfig,
  MediaOutgoing,
  MediaSession,
  MediaState,
  ParticipantMedia,
  TileSize,
} from './session';
export { CloudRecorder, type RecorderSource } from './recorder';
export { SpeakerDetector } from './speaker';

export function createMediaSession(options: MediaSessionOptions): MediaSession {
  return options.config.sfu ? new SfuSession(options) : new MeshSession(options);
}
