/**
 * Parameters and answers of the API, named as the document names them (they are the wire names).
 * Answers are the server's JSON as it is: times stay the document's GMT text (`yyyy-MM-dd HH:mm:ss`),
 * so nothing is lost; `time.ts` turns them into `Date`s where wanted.
 */
import type {
  Answers,
  FullMeetingShape,
  LiveParticipantShape,
  LogRowShape,
  RegistrantShape,
  SiteListItemShape,
} from './contract.generated.js';
import type { TimeInput } from './time.js';
import type { Envelope } from './transport.js';

export type { Answers, Envelope, TimeInput };

/** A 0/1 switch. */
export type Flag = 0 | 1;

/** An answer that carries nothing but `status` 100 and `message`. */
export type OkAnswer = Envelope;

// ─── Users (2.17, 2.18, 2.20, 2.21) ─────────────────────────────────────────────────────────────

/** §2.17 createOrUpdateUser. */
export interface CreateOrUpdateUserParams {
  /** The user's id in your system, at most 32 characters. */
  userId: string;
  userName: string;
  phone?: string;
  /** Login name, shown as the watermark. */
  loginName?: string;
  /** Custom streaming allowed (within the site's quota, else 205). */
  enableTuiliu?: Flag;
  /** Cloud recording allowed. */
  enableCloudRecord?: Flag;
  /** `true`/1: create (an existing user is updated); `false`/2/0: update only (101 when missing). Omitted: either. */
  isNeedCreate?: boolean | 0 | 1 | 2;
}

/** §2.17's `data`. */
export type UserData = Answers['createOrUpdateUser']['data'];

export type UserAnswer = Answers['createOrUpdateUser'];

/** §2.18 changeUserIdDataCenter. */
export interface ChangeDataCenterParams {
  userId: string;
  /** Required by the document; it does not rename the user. */
  userName: string;
  loginName?: string;
  /** One of the site's regions. */
  region: string;
}

/** §2.20 delUserByUserId. */
export interface DeleteUserParams {
  userId: string;
  /** 1: delete even with scheduled meetings (they are cancelled). Default 0. A live meeting always refuses (708). */
  isForceDel?: Flag;
}

/** §2.21 getUserByUserId's `userInfo`; `userId`, `loginName` and `region` are this server's additions. */
export type UserInfo = Answers['getUserByUserId']['userInfo'];

/** §2.21: `userInfo` at the top level, not in `data`. */
export type UserInfoAnswer = Answers['getUserByUserId'];

// ─── Meetings (2.1–2.10, 2.12, 2.16) ────────────────────────────────────────────────────────────

/** `confStatus`: 0 scheduled, 2 live, 3 ended, 9 cancelled. */
export const ConfStatus = { scheduled: 0, live: 2, ended: 3, cancelled: 9 } as const;
export type ConfStatus = (typeof ConfStatus)[keyof typeof ConfStatus];

/** Options shared by 2.1, 2.2 and 2.12. */
export interface MeetingOptions {
  /** Login name, shown as the watermark; becomes the user's login name. */
  loginName?: string;
  /** Simultaneous interpretation: 1 on, anything else off. */
  interpretation?: number;
  /** Automatic streaming channel (1); this server has none and answers 103. */
  isTuiliu?: Flag;
  /** 1: custom streaming with `streamUrl`, `streamKey`, `watchUrl` (needs the user's `enableTuiliu`). */
  streamDiy?: Flag;
  streamUrl?: string;
  streamKey?: string;
  watchUrl?: string;
  /** 0 default, 1 phone only, 2 VoIP only, 3 both. */
  audio?: 0 | 1 | 2 | 3;
  /** 0 default, 1 on, 2 off. */
  waitingRoom?: 0 | 1 | 2;
}

/** §2.1 confReservation. */
export interface ReserveParams extends MeetingOptions {
  userId: string;
  /** Stored on the userId's first call; later names do not change it. */
  userName: string;
  phone?: string;
  /** None of `\ / : * ? ？ " < > |` or a newline. */
  confName: string;
  /** At most 16 letters or digits; empty or omitted for none. */
  confPassword?: string;
  /** GMT; required unless `isInstantMeeting` is 1. A `Date` is formatted for you. */
  startTime?: TimeInput;
  /** Minutes. */
  duration: number;
  /** Concurrent parties. */
  confParties: number;
  /** Participants may join before the host. Default 0. */
  optionJbh?: Flag;
  optionVideoHost?: Flag;
  optionVideoParticipants?: Flag;
  /** Minutes the meeting may open early. Default 0. */
  beforeTime?: number;
  /** 1: the meeting starts now. Default 0. */
  isInstantMeeting?: Flag;
  /** 1: gives the user streaming permission for good. */
  live?: Flag;
  /** 1: only registrants may join. */
  registrationType?: Flag;
  /** `y`: a larger pool room may be used. */
  upCompatible?: 'y' | 'n';
}

/** §2.2 confReservation2: as 2.1, with the watermark; `loginName` is required. */
export interface ReserveWithWatermarkParams extends ReserveParams {
  loginName: string;
  watermark?: Flag;
  /** 0 default, 1 on, 2 off; forced on with a watermark. */
  meetingAuthentication?: 0 | 1 | 2;
}

/** The full meeting of 2.1–2.3, 2.5–2.7, 2.12 and 2.14. */
export interface Meeting extends Omit<FullMeetingShape, 'confStatus'> {
  confStatus: ConfStatus;
}

export interface MeetingAnswer extends Omit<Answers['confReservation'], 'data'> {
  data: Meeting;
}

/** §2.3 getConfDetailByConfId, §2.4 cancelConf, §2.13 endConf. */
export interface MeetingRef {
  userId: string;
  confId: number;
}

/** Paging and the start-time filter of the lists (2.5, 2.7–2.10). */
export interface ListParams {
  userId: string;
  /** ≥ 1. Default 1. */
  pageNo?: number;
  /** 1–100. Default 10. */
  pageSize?: number;
  /** Earliest meeting start (GMT, included). */
  startTime?: TimeInput;
  /** Latest meeting start (GMT, included). */
  endTime?: TimeInput;
}

export type Pagination = Pick<
  Answers['getScheduledConfListBySiteSign'],
  'totalPage' | 'currentPage' | 'totalItems' | 'pageSize'
>;

/** §2.5 / §2.7: the user's meetings in `data.confInfo`; `currentPage` is text, as the document shows. */
export interface UserMeetingListAnswer extends Omit<Answers['getScheduledConfListByUserId'], 'data'> {
  data: { confInfo: Meeting[] };
}

/** §2.6: the user's live meeting (at most one), without paging. */
export interface LivingMeetingAnswer extends Omit<Answers['getLivingConfByUserId'], 'data'> {
  data: { confInfo: Meeting[] };
}

/** The shorter item of the site lists (2.8–2.10). */
export interface SiteMeeting extends Omit<SiteListItemShape, 'confStatus'> {
  confStatus: ConfStatus;
}

/** §2.8–2.10: the array in `data` directly. */
export interface SiteMeetingListAnswer extends Omit<Answers['getScheduledConfListBySiteSign'], 'data'> {
  data: SiteMeeting[];
}

/** §2.12 confModify2: the new time, parties and password are always given. */
export interface ModifyParams extends MeetingOptions {
  userId: string;
  confId: number;
  confName?: string;
  /** Required by the document; empty removes the password. */
  confPassword: string;
  startTime: TimeInput;
  duration: number;
  confParties: number;
  beforeTime?: number;
  upCompatible?: 'y' | 'n';
  /** Omitted: unchanged. */
  optionJbh?: Flag;
  optionVideoHost?: Flag;
  optionVideoParticipants?: Flag;
  /** 1 add, 0 remove the watermark; omitted: unchanged. */
  watermark?: Flag;
}

/** §2.16 getReMainNumPartis. */
export interface RemainingPartiesParams {
  userId: string;
  startTime: TimeInput;
  duration: number;
  beforeTime?: number;
  /** A meeting of yours to leave out (when moving it). */
  confNumber?: string;
}

/** §2.16: at the top level, with the document's spellings. */
export type RemainingPartiesAnswer = Answers['getReMainNumPartis'];

// ─── Live meetings and reports (2.11, 2.13–2.15, 2.26, 2.30) ───────────────────────────────────

/** §2.14 openingconfModify. */
export interface ExtendParams {
  userId: string;
  confId: number;
  /** Minutes to add. */
  addDuration?: number;
  /** Parties to add. */
  addNumParties?: number;
}

/** §2.15 / §2.30 getLiveDetail(2). */
export interface LiveDetailParams {
  /** The meeting's confNumber. */
  confNo: string;
}

/** `deviceType`: "pc", "mobile" or "其他" (other). */
export type DeviceType = 'pc' | 'mobile' | '其他';

/** A participant of 2.15. */
export interface LiveParticipant extends Omit<LiveParticipantShape, 'deviceType'> {
  deviceType: DeviceType;
}

export interface LiveDetailAnswer extends Omit<Answers['getLiveDetail'], 'data'> {
  data: LiveParticipant[];
}

/** A participant of 2.30: `leaveTime` is empty while still in. */
export interface LiveParticipantWithLeave
  extends LiveParticipant, Pick<Answers['getLiveDetail2']['data'][number], 'leaveTime'> {}

export interface LiveDetail2Answer extends Omit<Answers['getLiveDetail2'], 'data'> {
  data: LiveParticipantWithLeave[];
}

/** §2.11 / §2.26 getConfLogListByConfId(2). */
export interface ReportParams {
  userId: string;
  confId: number;
  pageNo?: number;
  pageSize?: number;
}

/** A registrant as 3.33 lists it (and as report rows carry it). */
export interface Registrant extends Omit<RegistrantShape, 'status'> {
  status: RegistrantStatus;
}

/** One join of 2.11 / 2.26; a registrant's row carries the registration's fields too. */
export interface LogRow extends Omit<LogRowShape, 'deviceType' | 'status'> {
  deviceType: DeviceType;
  status?: RegistrantStatus;
}

/** §2.11. */
export interface ReportAnswer extends Omit<Answers['getConfLogListByConfId'], 'data'> {
  data: Omit<Answers['getConfLogListByConfId']['data'], 'logs'> & { logs: LogRow[] };
}

/** A session (one holding) of 2.26. */
export interface SessionRecord extends Omit<Answers['getConfLogListByConfId2']['data']['records'][number], 'logs'> {
  logs: LogRow[];
}

/**
 * §2.26 `recordStatus`: 1 data; 2 a single record of a single person; 3 no data yet; 5 never held.
 */
export type RecordStatus = 1 | 2 | 3 | 4 | 5;

/** §2.26: `currentPage` is text, as the document shows. */
export interface SessionReportAnswer extends Omit<Answers['getConfLogListByConfId2'], 'data' | 'recordStatus'> {
  recordStatus: RecordStatus;
  data: Omit<Answers['getConfLogListByConfId2']['data'], 'records'> & { records: SessionRecord[] };
}

// ─── Registration (3.31–3.33 and the extension) ────────────────────────────────────────────────

export type RegistrantStatus = 'pending' | 'approved' | 'denied';

/** The document's standard question fields (§3.31 `field_name`). */
export type StandardField =
  | 'last_name'
  | 'address'
  | 'city'
  | 'country'
  | 'zip'
  | 'state'
  | 'phone'
  | 'industry'
  | 'org'
  | 'job_title'
  | 'purchasing_time_frame'
  | 'role_in_purchase_process'
  | 'no_of_employees'
  | 'comments';

export interface CustomQuestion {
  title: string;
  /** `short`: free text; `single`: one of `answers`. */
  type: 'short' | 'single';
  answers?: string[];
  required?: boolean;
}

export interface StandardQuestion {
  field_name: StandardField;
  required?: boolean;
}

/** §3.31 updateRegistrationQuestions: a list not given stays as it was. */
export interface UpdateQuestionsParams {
  userId: string;
  confId: number;
  custom_questions?: CustomQuestion[];
  questions?: StandardQuestion[];
}

/** §3.32 addRegistrant. */
export interface AddRegistrantParams extends Partial<Record<StandardField, string>> {
  userId: string;
  confId: number;
  first_name: string;
  email: string;
  /** e.g. `zh-CN`, `en-US`. */
  language?: string;
  /** Answers to the meeting's custom questions, each at most 128 characters. */
  custom_questions?: { title: string; value: string }[];
  /** true (default): approved at once; false: pending until the host decides. */
  auto_approve?: boolean;
}

/** §3.32's `data`. */
export type AddedRegistrant = Answers['addRegistrant']['data'];

export type AddRegistrantAnswer = Answers['addRegistrant'];

/** §3.33 getRegistrants. */
export interface GetRegistrantsParams {
  userId: string;
  confId: number;
  /** Default `approved`. */
  status?: RegistrantStatus;
}

export interface RegistrantListAnswer extends Omit<Answers['getRegistrants'], 'data'> {
  data: Registrant[];
}

/** Extension updateRegistrantStatus: the host decides a pending registration. */
export interface UpdateRegistrantStatusParams {
  userId: string;
  confId: number;
  /** The `registrant_id` 3.32 answered. */
  registrantId: string;
  status: 'approved' | 'denied';
}

export interface RegistrantAnswer extends Omit<Answers['updateRegistrantStatus'], 'data'> {
  data: Registrant;
}

// ─── Statistics (2.22–2.24, 2.27, 2.28) ─────────────────────────────────────────────────────────

/** A GMT range: `startTime` included, `endTime` excluded. */
export interface TimeRangeParams {
  userId: string;
  startTime: TimeInput;
  endTime: TimeInput;
}

/**
 * A range of GMT days, both included (at most 366). A `Date` stands for its GMT day. Both are optional:
 * `endTime` defaults to today, `startTime` to 30 days before `endTime`.
 */
export interface DayRangeParams {
  userId: string;
  startTime?: TimeInput;
  endTime?: TimeInput;
}

/** §2.22, in minutes. */
export type RecordTimeAnswer = Answers['getConfRecordTimeBySiteSign'];

/** §2.23. */
export type ConfCountAnswer = Answers['getConfCountBySiteSign'];

/** §2.24: participant-times. */
export type UserCountsAnswer = Answers['getUserCountsBySiteSign'];

/** §2.27 / §2.28: minutes per day, every day of the range listed. */
export type DailyMinutesAnswer = Answers['getTotalConfTimeForEveryDay'];

// ─── Recordings (2.19) ──────────────────────────────────────────────────────────────────────────

export interface CloudFileListParams {
  /** The meeting's confNumber. */
  confNo: string;
}

export interface CloudFile extends Omit<Answers['getCloudFileList']['data'][number], 'fileType'> {
  /** MP4 or M4A; WEBM for recordings made by the meeting page. */
  fileType: 'MP4' | 'M4A' | 'WEBM';
}

export interface CloudFileListAnswer extends Omit<Answers['getCloudFileList'], 'data'> {
  data: CloudFile[];
}

// ─── Hosts and hardware rooms (2.25, 2.29) ──────────────────────────────────────────────────────

/** §2.25 changeRcPort. */
export interface ChangeRcPortParams {
  userId: string;
  confNumber: string;
  /** 1: at most one H.323/SIP device; 0: no limit. */
  rcPort: Flag;
}

/** §2.29 getHostKeyByConfNumber. */
export interface HostKeyParams {
  confNumber: string;
}

export type HostKeyAnswer = Answers['getHostKeyByConfNumber'];

// ─── Media plane (POST /media/v1/events) ────────────────────────────────────────────────────────

/** Who joins or leaves, as the media server knows them. */
export interface MediaParticipant {
  /** The participant's client id, unique within the meeting. */
  cuid: string;
  /** Display name; required when joining. */
  name?: string;
  /** Required when joining. */
  role?: 'host' | 'attendee';
  /** Device or operating system, e.g. `Windows` or `H.323/SIP`. */
  device?: string;
  deviceType?: DeviceType;
  ip?: string;
  userId?: string;
  /** For a registration-only meeting: an approved registrant's id. */
  registrantId?: string;
  /** Audience rather than panelist. */
  viewOnly?: boolean;
}

/** One media-plane event; `at` (GMT, not in the future) dates it, default now. */
export type MediaEvent =
  | { type: 'session.started'; at?: TimeInput }
  | {
      type: 'participant.joined';
      at?: TimeInput;
      participant: MediaParticipant & { name: string; role: 'host' | 'attendee' };
    }
  | { type: 'participant.left'; at?: TimeInput; participant: MediaParticipant }
  | { type: 'session.ended'; at?: TimeInput };

export interface MediaEventsParams {
  /** The meeting's confNumber (ten digits). */
  confNumber: string;
  /** 1 to 100 events, applied in order, all or none. */
  events: MediaEvent[];
}
