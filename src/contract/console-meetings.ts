/**
 * The console's Meetings and Live pages (issue 19): what their calls take and answer. Times the console
 * takes and shows are ISO 8601 (UTC); the page shows them in the reader's time zone.
 */
import Type, { type Static, type TSchema } from 'typebox';
import { SiteSignParam } from './console.js';

const closed = { additionalProperties: false } as const;

export const MeetingStateSchema = Type.Union([
  Type.Literal('scheduled'),
  Type.Literal('live'),
  Type.Literal('ended'),
  Type.Literal('cancelled'),
]);
export type MeetingState = Static<typeof MeetingStateSchema>;

/** A list or calendar query (`GET …/meetings`): meetings starting in [from, to), by state and host, paged. */
export interface MeetingListQuery {
  from: string;
  to: string;
  state?: MeetingState | undefined;
  host?: string | undefined;
  page?: number;
  pageSize?: number;
}

/** The longest span one list or calendar query may cover, in days. */
export const MAX_RANGE_DAYS = 31;
/** The most meetings one list page answers. */
export const MAX_MEETING_PAGE = 100;

const IsoTime = Type.String({ minLength: 10, maxLength: 30 });
const UserIdInput = Type.String({ minLength: 1, maxLength: 64 });

export const MeetingParams = Type.Object(
  { siteSign: SiteSignParam, confId: Type.Integer({ minimum: 1, maximum: 2 ** 31 - 1 }) },
  closed,
);
export const RegistrantParams = Type.Object(
  { ...MeetingParams.properties, registrantId: Type.String({ minLength: 1, maxLength: 64 }) },
  closed,
);

/** The list: meetings starting in [from, to) (at most {@link MAX_RANGE_DAYS} days), optionally one host's, one state's. */
export const MeetingListQuery = Type.Object(
  {
    from: IsoTime,
    to: IsoTime,
    state: Type.Optional(MeetingStateSchema),
    host: Type.Optional(UserIdInput),
    page: Type.Optional(Type.Integer({ minimum: 1, maximum: 100_000 })),
    pageSize: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_MEETING_PAGE })),
  },
  closed,
);

export const MeetingItem = Type.Object({
  confId: Type.Integer(),
  confNumber: Type.String(),
  confName: Type.String(),
  /** ISO 8601. */
  startTime: Type.String(),
  endTime: Type.String(),
  duration: Type.Integer(),
  confParties: Type.Integer(),
  state: MeetingStateSchema,
  hostUserId: Type.String(),
  hostName: Type.String(),
  registration: Type.Boolean(),
});
export type MeetingItemView = Static<typeof MeetingItem>;

export const MeetingList = Type.Object({
  meetings: Type.Array(MeetingItem),
  total: Type.Integer(),
  page: Type.Integer(),
  pageSize: Type.Integer(),
});

export type MeetingListView = Static<typeof MeetingList>;

export const MeetingLinks = Type.Object({
  hostStartUrl: Type.String(),
  joinUrl: Type.String(),
  webClientJoin: Type.String(),
});

export const SessionView = Type.Object({
  uuid: Type.String(),
  startedAt: Type.String(),
  endedAt: Type.Union([Type.String(), Type.Null()]),
  people: Type.Integer(),
});

export const RegistrantView = Type.Object({
  registrantId: Type.String(),
  name: Type.String(),
  email: Type.String(),
  org: Type.String(),
  status: Type.Union([Type.Literal('approved'), Type.Literal('pending'), Type.Literal('denied')]),
  createdAt: Type.String(),
});

export const RecordingView = Type.Object({
  uuid: Type.String(),
  topic: Type.String(),
  recordStart: Type.String(),
  recordEnd: Type.String(),
  fileSize: Type.String(),
  fileType: Type.String(),
  playUrl: Type.String(),
  downloadUrl: Type.String(),
});

/** A meeting's page: details, links, sessions, registrants (registration meetings), recordings. */
export const MeetingDetail = Type.Object({
  meeting: MeetingItem,
  confPassword: Type.String(),
  beforeTime: Type.Integer(),
  options: Type.Object({
    optionJbh: Type.Integer(),
    waitingRoom: Type.Integer(),
    registrationType: Type.Integer(),
  }),
  links: MeetingLinks,
  sessions: Type.Array(SessionView),
  registrants: Type.Array(RegistrantView),
  /** True when the registrants list was cut at its bound. */
  registrantsTruncated: Type.Boolean(),
  recordings: Type.Array(RecordingView),
});
export type MeetingDetailView = Static<typeof MeetingDetail>;

export const AttendanceQuery = Type.Object(
  {
    page: Type.Optional(Type.Integer({ minimum: 1, maximum: 100_000 })),
    pageSize: Type.Optional(Type.Integer({ minimum: 1, maximum: 500 })),
  },
  closed,
);

export const AttendanceRow = Type.Object({
  session: Type.String(),
  name: Type.String(),
  role: Type.String(),
  device: Type.String(),
  joinedAt: Type.String(),
  leftAt: Type.Union([Type.String(), Type.Null()]),
  minutes: Type.Integer(),
});
export type AttendanceRowView = Static<typeof AttendanceRow>;

/** One page of `row`s, of `total`, as {@link AttendanceQuery} asked. */
const pageOfRows = <R extends TSchema>(row: R) =>
  Type.Object({ rows: Type.Array(row), total: Type.Integer(), page: Type.Integer(), pageSize: Type.Integer() });

export const Attendance = pageOfRows(AttendanceRow);

export type AttendanceView = Static<typeof Attendance>;

/** A message of the meeting room's chat (issue 17), for the meeting's page; paged with {@link AttendanceQuery}. */
export const ChatRow = Type.Object({
  /** The session's uuid. */
  session: Type.String(),
  name: Type.String(),
  /** Plain text, as sent. */
  text: Type.String(),
  /** ISO 8601. */
  sentAt: Type.String(),
});

export const Chat = pageOfRows(ChatRow);
export type ChatView = Static<typeof Chat>;

/** Booking from the console: the fields of 2.1 the form offers; the host is a user of the site (created when new). */
export const ScheduleBody = Type.Object(
  {
    userId: UserIdInput,
    userName: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    confName: Type.String({ minLength: 1, maxLength: 128 }),
    confPassword: Type.Optional(Type.String({ maxLength: 32 })),
    startTime: IsoTime,
    duration: Type.Integer({ minimum: 1, maximum: 1440 }),
    confParties: Type.Integer({ minimum: 1, maximum: 10_000 }),
    beforeTime: Type.Optional(Type.Integer({ minimum: 0, maximum: 1440 })),
    optionJbh: Type.Optional(Type.Integer({ minimum: 0, maximum: 1 })),
    waitingRoom: Type.Optional(Type.Integer({ minimum: 0, maximum: 2 })),
    registrationType: Type.Optional(Type.Integer({ minimum: 0, maximum: 1 })),
  },
  closed,
);
export type ScheduleInput = Static<typeof ScheduleBody>;

/** Editing from the console: 2.12's fields; the host stays. */
export const ModifyBody = Type.Object(
  {
    confName: Type.String({ minLength: 1, maxLength: 128 }),
    confPassword: Type.String({ maxLength: 32 }),
    startTime: IsoTime,
    duration: Type.Integer({ minimum: 1, maximum: 1440 }),
    confParties: Type.Integer({ minimum: 1, maximum: 10_000 }),
    beforeTime: Type.Optional(Type.Integer({ minimum: 0, maximum: 1440 })),
  },
  closed,
);
export type ModifyConsoleInput = Static<typeof ModifyBody>;

export const DecideBody = Type.Object(
  { status: Type.Union([Type.Literal('approved'), Type.Literal('denied')]) },
  closed,
);

/** 2.14's extension: minutes and parties to add (at least one above 0). */
export const ExtendBody = Type.Object(
  {
    addDuration: Type.Optional(Type.Integer({ minimum: 0, maximum: 1440 })),
    addNumParties: Type.Optional(Type.Integer({ minimum: 0, maximum: 10_000 })),
  },
  closed,
);

export const LiveParticipant = Type.Object({
  name: Type.String(),
  role: Type.String(),
  device: Type.String(),
  joinedAt: Type.String(),
});

export const LiveMeeting = Type.Object({
  meeting: MeetingItem,
  sessionStartedAt: Type.Union([Type.String(), Type.Null()]),
  participants: Type.Array(LiveParticipant),
});
export type LiveMeetingView = Static<typeof LiveMeeting>;

/** The site's live meetings (at most 100) with who is in each; the live events stream sends the same shape. */
export const LiveList = Type.Object({ meetings: Type.Array(LiveMeeting), truncated: Type.Boolean() });
export type LiveListView = Static<typeof LiveList>;
