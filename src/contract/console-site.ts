/**
 * The site console's pages about one site's use (issue 19, item 2): what their calls take and answer. The
 * routes validate and serialise with these schemas and the console's page reads the same shapes.
 */
import Type, { type Static } from 'typebox';

/** Days the overview's charts cover: 30 unless asked, at most 90. */
export const OverviewQuery = Type.Object(
  { days: Type.Optional(Type.Integer({ minimum: 7, maximum: 90, default: 30 })) },
  { additionalProperties: false },
);

/** A meeting in the overview's lists. */
export const OverviewMeeting = Type.Object({
  confId: Type.Integer(),
  confNumber: Type.String(),
  confName: Type.String(),
  hostName: Type.String(),
  /** ISO 8601. */
  startTime: Type.String(),
  /** Minutes. */
  duration: Type.Integer(),
  confParties: Type.Integer(),
});

/** A meeting in progress, with the parties present in it now. */
export const OverviewLiveMeeting = Type.Object({ ...OverviewMeeting.properties, present: Type.Integer() });

/** One GMT day of the charts. */
export const OverviewDay = Type.Object({
  /** yyyy-MM-dd, GMT, as 2.27 and 2.28 count days. */
  day: Type.String(),
  /** 2.27: minutes of meetings held (closed sessions). */
  meetingMinutes: Type.Integer(),
  /** 2.28: minutes of participants present (closed participations). */
  participantMinutes: Type.Integer(),
  /** 2.24: participations that began that day. */
  joins: Type.Integer(),
  /** The most parties present at once that day, over all the site's meetings. */
  peakParties: Type.Integer(),
});

export const Overview = Type.Object({
  /** ISO 8601, the server's time of the answer. */
  now: Type.String(),
  licence: Type.Object({
    /** Concurrent parties the site may book. */
    totalNumParties: Type.Integer(),
    /** Parties booked now by scheduled and live meetings (what the 205 check counts). */
    bookedNow: Type.Integer(),
    /** Parties present now in the site's meetings. */
    presentNow: Type.Integer(),
  }),
  /** Meetings in progress (at most 20), and how many there are. */
  live: Type.Array(OverviewLiveMeeting),
  liveTotal: Type.Integer(),
  /** Scheduled meetings from a day before now on, in start order (at most 20), and how many there are. */
  upcoming: Type.Array(OverviewMeeting),
  upcomingTotal: Type.Integer(),
  /** Every day of the range, oldest first, today (GMT) last. */
  days: Type.Array(OverviewDay),
  /** 2.24 over the range: participations by device. */
  devices: Type.Object({ pc: Type.Integer(), mobile: Type.Integer(), other: Type.Integer() }),
});

export type OverviewView = Static<typeof Overview>;
export type OverviewMeetingView = Static<typeof OverviewMeeting>;
export type OverviewLiveMeetingView = Static<typeof OverviewLiveMeeting>;
export type OverviewDayView = Static<typeof OverviewDay>;

export const RecordingParams = Type.Object(
  {
    siteSign: Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9][A-Za-z0-9_.-]*$' }),
    recordId: Type.Integer({ minimum: 1, maximum: 2 ** 53 - 1 }),
  },
  { additionalProperties: false },
);

/** A cloud recording as getCloudFileList (2.19) lists it, with its meeting. */
export const ConsoleRecording = Type.Object({
  recordId: Type.Integer(),
  confNumber: Type.String(),
  confName: Type.String(),
  topic: Type.String(),
  /** ISO 8601. */
  recordStart: Type.String(),
  recordEnd: Type.String(),
  fileSizeBytes: Type.Integer(),
  fileType: Type.String(),
  /** Signed links, good for `HUIGUAN_RECORDING_LINK_TTL_SECONDS` as 2.19's. */
  playUrl: Type.String(),
  downloadUrl: Type.String(),
});

/** The site's recordings, newest first (at most 200), and how many there are. */
export const RecordingList = Type.Object({ recordings: Type.Array(ConsoleRecording), total: Type.Integer() });

export type ConsoleRecordingView = Static<typeof ConsoleRecording>;
export type RecordingListView = Static<typeof RecordingList>;

export const UserParams = Type.Object(
  {
    siteSign: Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9][A-Za-z0-9_.-]*$' }),
    userId: Type.String({ minLength: 1, maxLength: 32 }),
  },
  { additionalProperties: false },
);

/** Adding (`create`) or changing a user, as createOrUpdateUser (2.17) does. */
export const UserBody = Type.Object(
  {
    userId: Type.String({ minLength: 1, maxLength: 32 }),
    userName: Type.String({ minLength: 1, maxLength: 200 }),
    enableCloudRecord: Type.Union([Type.Literal(0), Type.Literal(1)]),
    /** true: add (2.17 isNeedCreate=1: an existing user is changed); false: change only (101 when there is none). */
    create: Type.Boolean(),
  },
  { additionalProperties: false },
);

/** Deleting a user as delUserByUserId (2.20): `force` cancels its scheduled meetings too. */
export const DeleteUserBody = Type.Object({ force: Type.Boolean() }, { additionalProperties: false });

/** A user of the site; `hostKey` only for owners (it lets anyone start the user's meetings), null for viewers. */
export const ConsoleUser = Type.Object({
  userId: Type.String(),
  userName: Type.String(),
  loginName: Type.String(),
  phone: Type.String(),
  enableCloudRecord: Type.Integer(),
  enableTuiliu: Type.Integer(),
  region: Type.String(),
  hostKey: Type.Union([Type.String(), Type.Null()]),
  /** ISO 8601. */
  createdAt: Type.String(),
});

/** The site's users by userId (at most 500), and how many there are. */
export const UserList = Type.Object({ users: Type.Array(ConsoleUser), total: Type.Integer() });
export const HostKeyAnswer = Type.Object({ hostKey: Type.String() });

export type ConsoleUserView = Static<typeof ConsoleUser>;
export type UserListView = Static<typeof UserList>;

export const EndpointParams = Type.Object(
  {
    siteSign: Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9][A-Za-z0-9_.-]*$' }),
    endpointId: Type.Integer({ minimum: 1, maximum: 2 ** 53 - 1 }),
  },
  { additionalProperties: false },
);
export const DeliveryParams = Type.Object(
  {
    siteSign: Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9][A-Za-z0-9_.-]*$' }),
    deliveryId: Type.Integer({ minimum: 1, maximum: 2 ** 53 - 1 }),
  },
  { additionalProperties: false },
);

/** A webhook endpoint as createEndpoint takes it: `events` `*` or event types, comma-separated. */
export const EndpointBody = Type.Object(
  { url: Type.String({ minLength: 1, maxLength: 2000 }), events: Type.String({ minLength: 1, maxLength: 1000 }) },
  { additionalProperties: false },
);

export const ConsoleEndpoint = Type.Object({
  id: Type.Integer(),
  url: Type.String(),
  events: Type.String(),
  /** ISO 8601. */
  createdAt: Type.String(),
});

/** A new endpoint with its signing secret, shown this once. */
export const NewEndpoint = Type.Object({ ...ConsoleEndpoint.properties, secret: Type.String() });

/** A delivery of an event to an endpoint, as the delivery log shows it. */
export const ConsoleDelivery = Type.Object({
  id: Type.Integer(),
  url: Type.String(),
  type: Type.String(),
  seq: Type.Integer(),
  eventId: Type.String(),
  status: Type.Union([Type.Literal('pending'), Type.Literal('delivered'), Type.Literal('failed')]),
  attempts: Type.Integer(),
  /** The last attempt's HTTP status, null when none answered. */
  lastStatusCode: Type.Union([Type.Integer(), Type.Null()]),
  lastError: Type.String(),
  /** ISO 8601. */
  createdAt: Type.String(),
  deliveredAt: Type.Union([Type.String(), Type.Null()]),
  nextAttemptAt: Type.String(),
});

/** The site's endpoints, its last 100 deliveries (newest first), the limit and the event types. */
export const WebhookOverview = Type.Object({
  endpoints: Type.Array(ConsoleEndpoint),
  deliveries: Type.Array(ConsoleDelivery),
  maxEndpoints: Type.Integer(),
  eventTypes: Type.Array(Type.String()),
});

export type ConsoleEndpointView = Static<typeof ConsoleEndpoint>;
export type NewEndpointView = Static<typeof NewEndpoint>;
export type ConsoleDeliveryView = Static<typeof ConsoleDelivery>;
export type WebhookOverviewView = Static<typeof WebhookOverview>;

/** The site's limits and access facts, read-only in the console (the operator's CLI sets them). */
export const SiteSettings = Type.Object({
  totalNumParties: Type.Integer(),
  /** Users who may have custom streaming (enableTuiliu); null: no limit. */
  maxTuiliuUsers: Type.Union([Type.Integer(), Type.Null()]),
  /** Data-center regions users may be moved to (2.18). */
  regions: Type.Array(Type.String()),
  /** Hardware-room (H.323/SIP) access addresses, as `rcIps` shows them. */
  rcIps: Type.Array(Type.String()),
  /** Audio dial-in numbers, as `videoPhone` shows them. */
  videoPhones: Type.Array(Type.String()),
  maxWebhookEndpoints: Type.Integer(),
  state: Type.String(),
  /** Last day it works (GMT, yyyy-MM-dd), or null for never. */
  expires: Type.Union([Type.String(), Type.Null()]),
});

/** A changed meeting's rcPort, as changeRcPort (2.25) takes it. */
export const RcPortBody = Type.Object(
  {
    confNumber: Type.String({ minLength: 1, maxLength: 32 }),
    rcPort: Type.Union([Type.Literal(0), Type.Literal(1)]),
  },
  { additionalProperties: false },
);

export type SiteSettingsView = Static<typeof SiteSettings>;
