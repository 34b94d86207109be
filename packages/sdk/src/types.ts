/**
 * Parameters and answers of the API, named as the document names them (they are the wire names).
 *
 * Parameters are the server's own (`WireParams`, generated from the route schemas), with the SDK's conveniences:
 * a GMT time may be a `Date`, and `isNeedCreate` a boolean or number (`contract-check.ts` holds each endpoint's
 * parameters to the server's, so that drift fails the compiler). Answers are the server's JSON as it is: times
 * stay the document's GMT text (`yyyy-MM-dd HH:mm:ss`), so nothing is lost; `time.ts` turns them into `Date`s
 * where wanted.
 */
import type {
  Answers,
  FullMeetingShape,
  LiveParticipantShape,
  LogRowShape,
  RegistrantShape,
  SiteListItemShape,
  WireParams,
} from './contract.generated.js';
import type { TimeInput } from './time.js';
import type { Envelope } from './transport.js';

export type { Answers, Envelope, TimeInput, WireParams };

/** A 0/1 switch. */
export type Flag = 0 | 1;

/**
 * Endpoint `E`'s parameters as the server validates them, its GMT times `T` also given as `Date`s (the transport
 * formats them). Required and optional as the server has them.
 */
type WithTimes<E extends keyof WireParams, T extends keyof WireParams[E]> = Omit<WireParams[E], T> & {
  [P in keyof Pick<WireParams[E], T>]: TimeInput;
};

/** An answer that carries nothing but `status` 100 and `message`. */
export type OkAnswer = Envelope;

// ─── Users (2.17, 2.18, 2.20, 2.21) ─────────────────────────────────────────────────────────────

/** §2.17 createOrUpdateUser. */
export interface CreateOrUpdateUserParams extends Omit<WireParams['createOrUpdateUser'], 'isNeedCreate'> {
  /**
   * `true`/1: create (an existing user is updated); `false`/2/0: update only (101 when missing). Omitted: either.
   * Sent as its text, which is one of the server's words (`"true"`, `"1"`, …).
   */
  isNeedCreate?: boolean | 0 | 1 | 2;
}

/** §2.17's `data`. */
export type UserData = Answers['createOrUpdateUser']['data'];

export type UserAnswer = Answers['createOrUpdateUser'];

/** §2.18 changeUserIdDataCenter; `userName` is required by the document and does not rename the user. */
export type ChangeDataCenterParams = WireParams['changeUserIdDataCenter'];

/** §2.20 delUserByUserId. A live meeting always refuses (708). */
export type DeleteUserParams = WireParams['delUserByUserId'];

/** §2.21 getUserByUserId's `userInfo`; `userId`, `loginName` and `region` are this server's additions. */
export type UserInfo = Answers['getUserByUserId']['userInfo'];

/** §2.21: `userInfo` at the top level, not in `data`. */
export type UserInfoAnswer = Answers['getUserByUserId'];

// ─── Meetings (2.1–2.10, 2.12, 2.16) ────────────────────────────────────────────────────────────

/** `confStatus`: 0 scheduled, 2 live, 3 ended, 9 cancelled. */
export const ConfStatus = { scheduled: 0, live: 2, ended: 3, cancelled: 9 } as const;
export type ConfStatus = (typeof ConfStatus)[keyof typeof ConfStatus];

/**
 * Options shared by 2.1, 2.2 and 2.12 (as 2.1 takes them). `isTuiliu` 1 asks for an automatic streaming channel,
 * which this server has not (103); `streamDiy` 1 needs the user's `enableTuiliu`.
 */
export type MeetingOptions = Pick<
  WireParams['confReservation'],
  | 'loginName'
  | 'interpretation'
  | 'isTuiliu'
  | 'streamDiy'
  | 'streamUrl'
  | 'streamKey'
  | 'watchUrl'
  | 'audio'
  | 'waitingRoom'
>;

/** §2.1 confReservation; `startTime` may be a `Date`. */
export type ReserveParams = WithTimes<'confReservation', 'startTime'>;

/** §2.2 confReservation2: as 2.1, with the watermark; `loginName` is required. */
export type ReserveWithWatermarkParams = WithTimes<'confReservation2', 'startTime'>;

/** The full meeting of 2.1–2.3, 2.5–2.7, 2.12 and 2.14. */
export interface Meeting extends Omit<FullMeetingShape, 'confStatus'> {
  confStatus: ConfStatus;
}

export interface MeetingAnswer extends Omit<Answers['confReservation'], 'data'> {
  data: Meeting;
}

/** §2.3 getConfDetailByConfId, §2.4 cancelConf, §2.13 endConf. */
export type MeetingRef = WireParams['getConfDetailByConfId'];

/** Paging and the start-time filter of the lists (2.5, 2.7–2.10), both ends included; times may be `Date`s. */
export type ListParams = WithTimes<'getScheduledConfListByUserId', 'startTime' | 'endTime'>;

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

/**
 * §2.12 confModify2: the new time, parties and password are always given (an empty `confPassword` removes the
 * password); `startTime` may be a `Date`.
 */
export type ModifyParams = WithTimes<'confModify2', 'startTime'>;

/** §2.16 getReMainNumPartis; `confNumber` leaves one of your meetings out (when moving it). */
export type RemainingPartiesParams = WithTimes<'getReMainNumPartis', 'startTime'>;

/** §2.16: at the top level, with the document's spellings. */
export type RemainingPartiesAnswer = Answers['getReMainNumPartis'];

// ─── Live meetings and reports (2.11, 2.13–2.15, 2.26, 2.30) ───────────────────────────────────

/** §2.14 openingconfModify. */
export type ExtendParams = WireParams['openingconfModify'];

/** §2.15 / §2.30 getLiveDetail(2): `confNo` is the meeting's confNumber. */
export type LiveDetailParams = WireParams['getLiveDetail'];

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
export type ReportParams = WireParams['getConfLogListByConfId'];

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

/** Extension getConfChatListByConfId: a meeting's chat, paged (`uuid`: one session). */
export type ChatParams = WireParams['getConfChatListByConfId'];
export type ChatAnswer = Answers['getConfChatListByConfId'];

/** §2.26: `currentPage` is text, as the document shows. */
export interface SessionReportAnswer extends Omit<Answers['getConfLogListByConfId2'], 'data' | 'recordStatus'> {
  recordStatus: RecordStatus;
  data: Omit<Answers['getConfLogListByConfId2']['data'], 'records'> & { records: SessionRecord[] };
}

// ─── Registration (3.31–3.33 and the extension) ────────────────────────────────────────────────

export type RegistrantStatus = 'pending' | 'approved' | 'denied';

/** A custom question of §3.31: `short` is free text, `single` one of `answers`. */
export type CustomQuestion = NonNullable<WireParams['updateRegistrationQuestions']['custom_questions']>[number];

/** A standard question of §3.31. */
export type StandardQuestion = NonNullable<WireParams['updateRegistrationQuestions']['questions']>[number];

/** The document's standard question fields (§3.31 `field_name`). */
export type StandardField = StandardQuestion['field_name'];

/** §3.31 updateRegistrationQuestions: a list not given stays as it was; lists travel as JSON text in the form. */
export type UpdateQuestionsParams = WireParams['updateRegistrationQuestions'];

/**
 * §3.32 addRegistrant: the standard fields, `language` (e.g. `zh-CN`), and `custom_questions`, the answers to the
 * meeting's custom questions.
 */
export type AddRegistrantParams = WireParams['addRegistrant'];

/** §3.32's `data`. */
export type AddedRegistrant = Answers['addRegistrant']['data'];

export type AddRegistrantAnswer = Answers['addRegistrant'];

/** §3.33 getRegistrants. */
export type GetRegistrantsParams = WireParams['getRegistrants'];

export interface RegistrantListAnswer extends Omit<Answers['getRegistrants'], 'data'> {
  data: Registrant[];
}

/** Extension updateRegistrantStatus: the host decides a pending registration (`registrantId`: 3.32's `registrant_id`). */
export type UpdateRegistrantStatusParams = WireParams['updateRegistrantStatus'];

export interface RegistrantAnswer extends Omit<Answers['updateRegistrantStatus'], 'data'> {
  data: Registrant;
}

// ─── Statistics (2.22–2.24, 2.27, 2.28) ─────────────────────────────────────────────────────────

/** A GMT range (2.22–2.24): `startTime` included, `endTime` excluded; either may be a `Date`. */
export type TimeRangeParams = WithTimes<'getConfRecordTimeBySiteSign', 'startTime' | 'endTime'>;

/**
 * A range of GMT days, both included (at most 366; 2.27, 2.28). A `Date` stands for its GMT day. Both are optional:
 * `endTime` defaults to today, `startTime` to 30 days before `endTime`.
 */
export type DayRangeParams = WithTimes<'getTotalConfTimeForEveryDay', 'startTime' | 'endTime'>;

/** §2.22, in minutes. */
export type RecordTimeAnswer = Answers['getConfRecordTimeBySiteSign'];

/** §2.23. */
export type ConfCountAnswer = Answers['getConfCountBySiteSign'];

/** §2.24: participant-times. */
export type UserCountsAnswer = Answers['getUserCountsBySiteSign'];

/** §2.27 / §2.28: minutes per day, every day of the range listed. */
export type DailyMinutesAnswer = Answers['getTotalConfTimeForEveryDay'];

// ─── Recordings (2.19) ──────────────────────────────────────────────────────────────────────────

/** §2.19 getCloudFileList: `confNo` is the meeting's confNumber. */
export type CloudFileListParams = WireParams['getCloudFileList'];

export interface CloudFile extends Omit<Answers['getCloudFileList']['data'][number], 'fileType'> {
  /** MP4 or M4A; WEBM for recordings made by the meeting page. */
  fileType: 'MP4' | 'M4A' | 'WEBM';
}

export interface CloudFileListAnswer extends Omit<Answers['getCloudFileList'], 'data'> {
  data: CloudFile[];
}

// ─── Hosts and hardware rooms (2.25, 2.29) ──────────────────────────────────────────────────────

/** §2.25 changeRcPort. */
export type ChangeRcPortParams = WireParams['changeRcPort'];

/** §2.29 getHostKeyByConfNumber. */
export type HostKeyParams = WireParams['getHostKeyByConfNumber'];

export type HostKeyAnswer = Answers['getHostKeyByConfNumber'];
/** Extension `regenerateHostKey`: the user whose host key is replaced. */
export type RegenerateHostKeyParams = WireParams['regenerateHostKey'];
/** Extension `regenerateHostKey`: the user's new host key. */
export type RegenerateHostKeyAnswer = Answers['regenerateHostKey'];

// ─── Media plane (POST /media/v1/events) ────────────────────────────────────────────────────────

/** A media-plane event as the server validates it (the SDK's {@link MediaEvent} says more). */
type WireMediaEvent = WireParams['/media/v1/events']['events'][number];

/**
 * Who joins or leaves, as the media server knows them (`registrantId`: for a registration-only meeting, an approved
 * registrant's id).
 */
export type MediaParticipant = NonNullable<WireMediaEvent['participant']>;

/**
 * One media-plane event; `at` (GMT, not in the future) dates it, default now. Stricter than the server's schema,
 * which leaves these to the domain: a join carries the participant with `name` and `role`, a leave the participant.
 */
export type MediaEvent =
  | { type: 'session.started'; at?: TimeInput }
  | {
      type: 'participant.joined';
      at?: TimeInput;
      participant: MediaParticipant & { name: string; role: 'host' | 'attendee' };
    }
  | { type: 'participant.left'; at?: TimeInput; participant: MediaParticipant }
  | { type: 'session.ended'; at?: TimeInput };

/** `POST /media/v1/events`: 1 to 100 events, applied in order, all or none. */
export interface MediaEventsParams extends Omit<WireParams['/media/v1/events'], 'events'> {
  events: MediaEvent[];
}
