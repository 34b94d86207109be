import type { Generated, Insertable, Kysely, Selectable, Updateable } from 'kysely';
import type { ConsoleTables } from './console-tables.js';

/** Times are epoch milliseconds (GMT) in both dialects; flags are 0/1 integers. */
type Millis = number;

export interface SitesTable {
  id: Generated<number>;
  site_sign: string;
  name: string;
  /** Kept in clear: the MD5 token scheme needs it to recompute tokens. */
  api_key: string;
  state: SiteState;
  /** First instant at which the site no longer works; null for never. */
  expires_at: Millis | null;
  total_num_parties: number;
  /** Hardware-room (H.323/SIP) access addresses, comma-separated, as `rcIps` shows them. */
  rc_ips: string;
  /** Audio dial-in numbers, comma-separated, as `videoPhone` shows them. */
  video_phone: string;
  /** Data-center regions users may be moved to, comma-separated. */
  regions: string;
  /** How many users may have custom streaming (`enableTuiliu`); null for no limit. */
  max_tuiliu_users: number | null;
  created_at: Millis;
  updated_at: Millis;
}

export type SiteState = 'active' | 'expired' | 'deleted';

export interface RoomsTable {
  id: Generated<number>;
  site_id: number;
  capacity: number;
  expires_at: Millis | null;
  created_at: Millis;
}

export interface UsersTable {
  id: Generated<number>;
  site_id: number;
  user_id: string;
  user_name: string;
  phone: string;
  login_name: string;
  enable_tuiliu: number;
  enable_cloud_record: number;
  host_key: string;
  region: string;
  created_at: Millis;
  updated_at: Millis;
  /** Set when the user is deleted (2.20); the userId may then be created again as a new user. */
  deleted_at: Millis | null;
}

export interface MeetingsTable {
  /** `confId`. */
  id: Generated<number>;
  site_id: number;
  /** Host: `users.id`. */
  user_pk: number;
  conf_number: string;
  conf_name: string;
  conf_password: string;
  h323pwd: string;
  start_time: Millis;
  /** Minutes. */
  duration: number;
  /** Minutes the meeting may start before `start_time`. */
  before_time: number;
  /** `start_time − before_time`: the meeting occupies [window_start, window_end). */
  window_start: Millis;
  /** `start_time + duration`. */
  window_end: Millis;
  conf_parties: number;
  /** The pool room the meeting is booked into; null on a site without a pool. */
  room_id: number | null;
  /** 0 scheduled, 2 live, 3 ended, 9 cancelled. */
  conf_status: number;
  /** 1 normal, 2 deleted. */
  conf_del_flag: number;
  /** 1 once a session of the meeting has been held. */
  held: number;
  option_jbh: number;
  option_video_host: number;
  option_video_participants: number;
  login_name: string;
  is_instant: number;
  interpretation: number;
  is_tuiliu: number;
  stream_diy: number;
  stream_url: string;
  stream_key: string;
  watch_url: string;
  audio: number;
  waiting_room: number;
  live: number;
  registration_type: number;
  watermark: number;
  /** As requested; a watermark forces it on in answers (§2.2). */
  meeting_authentication: number;
  /** 2.25: 1 lets at most one hardware-room (H.323/SIP) device in; 0 no limit. */
  rc_port: Generated<number>;
  /** Secret of `hostStartUrl` (128 bits, hex). */
  host_secret: string;
  /** Secret of `joinUrl` (128 bits, hex), independent of the host's. */
  join_secret: string;
  created_at: Millis;
  updated_at: Millis;
}

/** Keyed by (time_stamp, token): new rows go to the end of the key order (migration 0008). */
export interface UsedTokensTable {
  /** The request's timeStamp, which the token signs; the row may be pruned once it leaves the window. */
  time_stamp: Millis;
  /** Upper-case hex MD5 token, as accepted. */
  token: string;
  site_id: number;
}

export interface SessionsTable {
  id: Generated<number>;
  site_id: number;
  meeting_id: number;
  /** The session's `uuid` in reports (2.26): 16 random bytes, base64. */
  uuid: string;
  started_at: Millis;
  ended_at: Millis | null;
  /** The participant id (`cuid`) the host role was last handed to in this session; null if never (0018). */
  host_handed_to: string | null;
}

/** Where a person coming through a start or join page stands. */
export type TicketState = 'admitted' | 'host_wait' | 'lobby' | 'removed' | 'left' | 'ended';

export interface TicketsTable {
  /** 128 random bits, hex: the page's credential for its WebSocket. */
  token: string;
  meeting_id: number;
  role: ParticipantRole;
  name: string;
  cuid: string;
  /** Shown as the watermark when the meeting has one. */
  login_name: string;
  /** The registrant whose personal link (`tk`) was used, or empty. */
  registrant_id: string;
  state: TicketState;
  /** The client address the ticket was asked from (an IPv6 address by its /64), migration 0011. */
  client: string;
  /** Which meeting password the ticket was obtained with (see `passwordTag`); null for a host link. */
  password_tag: string | null;
  created_at: Millis;
  updated_at: Millis;
  /** When the person raised their hand in the meeting; null while it is down (migration 0018). */
  hand_raised_at: Millis | null;
}

/** A wrong host key, meeting password or registrant link given on the join page (migration 0011). */
export interface EntryFailuresTable {
  id: Generated<number>;
  meeting_id: number;
  /** The meeting's host (`users.id`): host-key failures count per host, whose key opens all their meetings. */
  host_user_pk: number;
  /** The client address (an IPv6 address by its /64). */
  client: string;
  kind: EntryFailureKind;
  at: Millis;
}

export type EntryFailureKind = 'host_key' | 'password' | 'tk';

export type ParticipantRole = 'host' | 'attendee';

export interface ParticipationsTable {
  id: Generated<number>;
  site_id: number;
  meeting_id: number;
  session_id: number;
  /** The page's ticket; null for participants reported by the media-plane API. */
  ticket: string | null;
  cuid: string;
  name: string;
  role: ParticipantRole;
  device: string;
  /** pc, mobile or 其他. */
  device_type: string;
  ip: string;
  user_id: string;
  registrant_id: string;
  view_only: number;
  joined_at: Millis;
  left_at: Millis | null;
  /** Last heartbeat of a page; null for media-plane participants, who leave by event. */
  last_seen_at: Millis | null;
}

export type RegistrantStatus = 'approved' | 'pending' | 'denied';

/** 3.31: a meeting's registration questions, as JSON. */
export interface RegistrationSettingsTable {
  meeting_id: number;
  /** `[{title, type: 'short'|'single', answers: string[], required}]` */
  custom_questions: string;
  /** `[{field_name, required}]` */
  questions: string;
  updated_at: Millis;
}

export interface RegistrantsTable {
  id: Generated<number>;
  site_id: number;
  meeting_id: number;
  /** The document's `registrant_id` / `id`: 16 random bytes, base64url. */
  registrant_id: string;
  /** Secret of the personal join link (`tk`), 32 random bytes, base64url. */
  tk: string;
  email: string;
  /** Lower-cased email: one registration per address and meeting. */
  email_key: string;
  first_name: string;
  last_name: string;
  address: string;
  city: string;
  state: string;
  zip: string;
  country: string;
  phone: string;
  comments: string;
  industry: string;
  job_title: string;
  no_of_employees: string;
  org: string;
  language: string;
  purchasing_time_frame: string;
  role_in_purchase_process: string;
  /** `[{title, value}]` as JSON. */
  custom_questions: string;
  status: RegistrantStatus;
  created_at: Millis;
  updated_at: Millis;
}

/** Per site and GMT day, what closed sessions and participations added up to (statistics). */
export interface UsageDailyTable {
  site_id: number;
  /** `yyyy-MM-dd`, GMT. */
  day: string;
  /** Session time falling on this day. */
  meeting_ms: number;
  /** Participation time falling on this day. */
  participant_ms: number;
  /** Participations that began this day: all, mobile, pc. */
  joins: number;
  mobile_joins: number;
  pc_joins: number;
}

/** A cloud recording (2.19): one stored file of a meeting. */
export interface RecordingsTable {
  /** `recordId` in the upload's answer and in links. */
  id: Generated<number>;
  site_id: number;
  meeting_id: number;
  /** The session's uuid when the recording belongs to one, else a uuid of its own (same form). */
  uuid: string;
  topic: string;
  record_start: Millis;
  record_end: Millis;
  /** Bytes. */
  file_size: number;
  /** MP4 video or M4A audio; WEBM video (an extension) from the page's recorder. */
  file_type: 'MP4' | 'M4A' | 'WEBM';
  /** Where the file is, in the recording storage. */
  storage_key: string;
  created_at: Millis;
}

/** A chunked upload of the host page's recorder (migration 0012); its chunks are files of the staging. */
export interface RecordingUploadsTable {
  /** `uploadId`: 128 random bits, hex. */
  id: string;
  site_id: number;
  meeting_id: number;
  /** The page ticket that began it: only that page may add to it or finish it. */
  ticket: string;
  file_type: 'MP4' | 'WEBM';
  /** The recording's start. */
  started_at: Millis;
  /** Bytes of the chunks stored and being written; never above the recording size limit. */
  reserved_bytes: number;
  /** Last chunk reserved (or the upload's start): an upload quiet for long is abandoned. */
  updated_at: Millis;
  /** Who holds the finish (a random id per attempt) until `finishing_until`. */
  finisher: string | null;
  finishing_until: Millis | null;
  /** Set once finished: the recording it made, answered again to a repeated finish. */
  record_id: number | null;
  file_size: number | null;
  duration_ms: number | null;
}

/** A server-side recording of a meeting on the SFU, from the host's start to its stored MP4 (migration 0014). */
export interface SfuRecordingsTable {
  id: Generated<number>;
  site_id: number;
  meeting_id: number;
  session_id: number;
  /** The session's VideoRoom. */
  room_id: number;
  /** The room's recording directory (Janus's `rec_dir`); the job's files are moved to `<dir>/job-<id>` at stop. */
  dir: string;
  state: SfuRecordingState;
  /** When the host started it. */
  started_at: Millis;
  stopped_at: Millis | null;
  /** Composing attempts begun. */
  attempts: Generated<number>;
  /** The process composing it (a random id per attempt) until `lease_until`; a queued job waits until then. */
  lease_owner: string | null;
  lease_until: Millis | null;
  /** Composing progress, percent. */
  progress: Generated<number>;
  /** Why it failed, or the last attempt's error. */
  error: Generated<string>;
  /** The recording it made (`recordings.id`) once done. */
  record_id: number | null;
  updated_at: Millis;
}

export type SfuRecordingState = 'recording' | 'queued' | 'composing' | 'done' | 'failed';

/** Where a session's SFU room lives (migration 0013): one row per session, shared by every server process. */
export interface SfuRoomsTable {
  session_id: number;
  meeting_id: number;
  /** The Janus instance's name: its configured URL, or `managed`. */
  instance_url: string;
  /** The VideoRoom room id. */
  room_id: number;
  /** The room's secret (128 bits, hex), needed for every request about it. */
  secret: string;
  created_at: Millis;
  /** When the room was destroyed (the session ended); null while it lives. */
  destroyed_at: Millis | null;
}

/** The live stream of a meeting session (migration 0015): what the process running its ffmpeg reports. */
export interface LiveStreamsTable {
  session_id: number;
  meeting_id: number;
  state: LiveStreamState;
  /** 1 when it pushes to the meeting's RTMP address (streamDiy=1). */
  rtmp: number;
  /** 1 when the server publishes HLS for the watch page (isTuiliu=1). */
  hls: number;
  /** Why it failed; empty otherwise. */
  error: string;
  /** When the host went live (last). */
  started_at: Millis;
  /** Last change, and the running process's heartbeat while starting or live. */
  updated_at: Millis;
}

export type LiveStreamState = 'starting' | 'live' | 'failed' | 'off';

export interface Database extends ConsoleTables {
  sites: SitesTable;
  rooms: RoomsTable;
  users: UsersTable;
  meetings: MeetingsTable;
  used_tokens: UsedTokensTable;
  sessions: SessionsTable;
  tickets: TicketsTable;
  entry_failures: EntryFailuresTable;
  participations: ParticipationsTable;
  registration_settings: RegistrationSettingsTable;
  registrants: RegistrantsTable;
  usage_daily: UsageDailyTable;
  recordings: RecordingsTable;
  recording_uploads: RecordingUploadsTable;
  sfu_rooms: SfuRoomsTable;
  sfu_recordings: SfuRecordingsTable;
  live_streams: LiveStreamsTable;
  webhook_endpoints: WebhookEndpointsTable;
  site_event_counters: SiteEventCountersTable;
  site_events: SiteEventsTable;
  webhook_deliveries: WebhookDeliveriesTable;
  meeting_day_counts: MeetingDayCountsTable;
  rate_counters: RateCountersTable;
  occupancy_timeline: OccupancyTimelineTable;
  chat_messages: ChatMessagesTable;
}

/** A message of a meeting session's chat (migration 0018). */
export interface ChatMessagesTable {
  /** A UUID. */
  id: string;
  site_id: number;
  meeting_id: number;
  session_id: number;
  /** The sender's participant id (`cuid`) and the name they had in the meeting. */
  sender_cuid: string;
  sender_name: string;
  /** Trimmed, 1 to 1,000 characters (domain/room-chat.ts). */
  text: string;
  sent_at: Millis;
}

/** A rate limit's count for one client address or site in its current fixed window (migration 0010). */
export interface RateCountersTable {
  /** `ip:<address>` or `site:<siteSign>`. */
  name: string;
  window_start: Millis;
  hits: number;
}

/**
 * One stored node of a site's occupancy timeline, a segment tree over time (migration 0016, layout in
 * `occupancy-tree.ts`): `add_parties` over the node's whole span, `max_parties` the largest sum below it.
 */
export interface OccupancyTimelineTable {
  site_id: number;
  node: number;
  add_parties: number;
  max_parties: number;
}

/** Not-deleted meetings of a site in one state, per GMT day of their start; kept by triggers (migration 0007). */
export interface MeetingDayCountsTable {
  site_id: number;
  conf_status: number;
  /** ⌊start_time / 86,400,000⌋. */
  day: number;
  n: number;
}

/** A receiver of a site's events (extension). */
export interface WebhookEndpointsTable {
  id: Generated<number>;
  site_id: number;
  url: string;
  /** HMAC key of the deliveries' signatures, 32 random bytes, hex. */
  secret: string;
  /** Comma-separated event types, or `*`. */
  events: string;
  active: number;
  created_at: Millis;
}

export interface SiteEventCountersTable {
  site_id: number;
  last_seq: number;
}

/** Every event of a site, numbered 1, 2, 3… (the catch-up feed reads it). */
export interface SiteEventsTable {
  id: Generated<number>;
  site_id: number;
  seq: number;
  event_id: string;
  type: string;
  occurred_at: Millis;
  /** The event's `data`, as JSON. */
  payload: string;
}

export type DeliveryStatus = 'pending' | 'delivered' | 'failed';

/** The outbox: one row per event and endpoint, written in the transaction that made the event. */
export interface WebhookDeliveriesTable {
  id: Generated<number>;
  endpoint_id: number;
  event_pk: number;
  status: DeliveryStatus;
  attempts: number;
  next_attempt_at: Millis;
  /** A process is delivering it until then; another may take it over afterwards. */
  lease_until: Millis | null;
  last_status_code: number | null;
  last_error: string;
  created_at: Millis;
  delivered_at: Millis | null;
}

export type Db = Kysely<Database>;

export type SiteRow = Selectable<SitesTable>;
export type NewSite = Insertable<SitesTable>;
export type SiteUpdate = Updateable<SitesTable>;
/** A room of a site's room pool (§2.1). */
export type PoolRoomRow = Selectable<RoomsTable>;
export type UserRow = Selectable<UsersTable>;
export type NewUser = Insertable<UsersTable>;
export type MeetingRow = Selectable<MeetingsTable>;
export type NewMeeting = Insertable<MeetingsTable>;
export type MeetingUpdate = Updateable<MeetingsTable>;
export type SessionRow = Selectable<SessionsTable>;
export type TicketRow = Selectable<TicketsTable>;
export type ParticipationRow = Selectable<ParticipationsTable>;
export type NewParticipation = Insertable<ParticipationsTable>;
export type RegistrantRow = Selectable<RegistrantsTable>;
export type NewRegistrant = Insertable<RegistrantsTable>;
