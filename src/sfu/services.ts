import type { VideoRoomHandle } from 'janode/plugins/videoroom';
import type { MeetingRow, SessionRow } from '../store/database.js';

/**
 * What the page signaling needs of the SFU's parts, written as the narrowest interfaces so that each part
 * (rooms.ts, recording.ts, live.ts) can be built and tested on its own, and the page hub depends on no more
 * than it uses.
 */

/** Tells every page of meeting `meetingId` an SFU message (`{"type":"sfu", ...message}`). */
export type PageTeller = (meetingId: number, message: Record<string, unknown>) => void;

/** A Janus instance: attaches VideoRoom handles on its session, and says when that session was lost. */
export interface SfuInstance {
  attach(): Promise<VideoRoomHandle>;
  /**
   * `listener` is called as soon as the session is lost (every handle on it is gone). Returns its
   * unregistering. Optional: without it the loss is learnt at the reset.
   */
  onLost?(listener: () => void): () => void;
  /**
   * `listener` is called when the instance has a session again after a loss (after a Janus restart every room
   * is gone too), before requests waiting for the session go on. Returns the function that unregisters it.
   */
  onReset(listener: () => void): () => void;
}

/** A meeting session's VideoRoom: where it is, and its secret for the moderator's requests. */
export interface SfuRoomRef {
  instance: SfuInstance;
  roomId: number;
  secret: string;
  sessionId: number;
}

/** The rooms of all meetings on the SFU (rooms.ts). */
export interface SfuRoomControl {
  /** The session's room, created (with its placement row) if missing, also after a Janus restart. */
  ensureRoom(meeting: MeetingRow, session: SessionRow): Promise<SfuRoomRef>;
  /** Adds `token` to the room's allowed list. */
  allow(room: SfuRoomRef, token: string): Promise<void>;
  /** Removes `token` from the room's allowed list: it cannot join again. */
  revoke(room: SfuRoomRef, token: string): Promise<void>;
  /** Throws the feed's publisher out of the room. */
  kick(room: SfuRoomRef, feed: number): Promise<void>;
  /** Stops (or restarts) relaying one stream of a publisher. */
  moderate(room: SfuRoomRef, feed: number, mid: string, mute: boolean): Promise<void>;
  /** Destroys the session's room and marks its placement row. */
  destroy(sessionId: number): Promise<void>;
}

/**
 * Server-side cloud recording (recording.ts). `hostTicket` is the host page's ticket (the caller has checked
 * that it is the host's, in the meeting, and that the owner has cloud recording). The service tells every
 * page the state as `{"type":"sfu","op":"recording",…}`; a refusal throws (the page is told its message).
 */
export interface SfuRecordingControl {
  setRecording(meeting: MeetingRow, session: SessionRow, on: boolean, hostTicket: string): Promise<void>;
  /** The meeting's recording state as pages show it, for a page that joins. */
  stateOf(meetingId: number): Promise<{ state: string; detail?: string }>;
}

/** Live streaming (live.ts), as `SfuRecordingControl`; the caller has checked the host. */
export interface SfuLiveControl {
  setLive(meeting: MeetingRow, session: SessionRow, on: boolean, hostTicket: string): Promise<void>;
}

/** The SFU's services handed to the page hub when `config.sfu` is set. */
export interface SfuServices {
  rooms: SfuRoomControl;
  /**
   * A session ended here (the host's "end for everyone"): its room is destroyed, its recording stopped and
   * queued for composing, its live stream stopped, at once. Ends seen nowhere (endConf, the sweeper) are
   * caught by the room sweep, the recording worker and the stream's heartbeat within seconds.
   */
  sessionEnded(sessionId: number): Promise<void>;
  recording?: SfuRecordingControl;
  live?: SfuLiveControl;
}
