/**
 * The answers of every endpoint, as the vendor document shows them: the one source of their shapes.
 * The routes serialise with them (api/endpoint.ts), the domain's views are typed with them (`Static<>`),
 * the OpenAPI document shows them, and the SDK's types are generated from them (`npm run sdk-types`).
 * Nothing here imports the domain or the API: both import this.
 */
import Type, { type Static, type TProperties, type TSchema } from 'typebox';

/** `status` of every success answer (§1.2; `Code.ok` in domain/errors.ts). */
const OK = 100;

const s = (description?: string) => Type.String(description ? { description } : {});
const i = (description?: string) => Type.Integer(description ? { description } : {});
const gmt = (description: string) => Type.String({ description: `${description} (GMT, yyyy-MM-dd HH:mm:ss)` });

const envelope = <F extends TProperties = Record<never, never>>(fields: F = {} as F) =>
  Type.Object({ status: Type.Literal(OK), message: s('success'), ...fields });

export const FullMeeting = Type.Object(
  {
    confId: i('会议ID'),
    confNumber: s('会议号, 10 digits'),
    confName: s(),
    confPassword: s(),
    h323pwd: s('password for hardware rooms (digits)'),
    startTime: gmt('start'),
    duration: i('minutes'),
    beforeTime: i('minutes the meeting may open early'),
    confParties: i(),
    confStatus: i('0 scheduled, 2 live, 3 ended, 9 cancelled'),
    confDelFlag: i('1 normal, 2 deleted'),
    roomId: i(),
    virConfId: i(),
    userId: s(),
    userName: s(),
    hostStartUrl: s('the host starts the meeting here'),
    joinUrl: s('participants join here'),
    webClientJoin: s(),
    protocolHostStartUrl: s(),
    protocolJoinUrl: s(),
    rcIps: s(),
    optionJbh: i(),
    optionVideoHost: i(),
    optionVideoParticipants: i(),
    audio: i(),
    interpretation: i(),
    waitingRoom: i(),
    watermark: i(),
    meetingAuthentication: i(),
    videoConf: s(),
    videoPhone: s(),
    watchUrl: s(),
  },
  { description: 'A meeting (2.1 response)' },
);

export const SiteListItem = Type.Object({
  confId: i(),
  confNumber: s(),
  confName: s(),
  startTime: gmt('start'),
  duration: i(),
  joinUrl: s(),
  hostStartUrl: s(),
  confPassword: s(),
  confStatus: i(),
  confParties: i(),
  userName: s(),
  userId: s(),
  beforeTime: i(),
  watchUrl: s(),
  interpretation: i(),
});

const paging = <P extends TSchema>(currentPage: P) => ({ totalPage: i(), currentPage, totalItems: i(), pageSize: i() });

export const LiveParticipant = Type.Object({
  openId: s(),
  userId: s(),
  userName: s(),
  ipAddress: s(),
  device: s(),
  cn: s(),
  city: s(),
  viewOnly: Type.Boolean(),
  joinTime: gmt('joined'),
  deviceType: s('pc, mobile or 其他'),
});

/** Extension of 2.15 (not in the vendor document): the meeting's live stream (issue 16). */
export const LiveStream = Type.Object(
  {
    state: Type.Union([Type.Literal('off'), Type.Literal('starting'), Type.Literal('live'), Type.Literal('failed')], {
      description: 'off (none, or stopped), starting, live, or failed (see error)',
    }),
    rtmp: Type.Boolean({ description: 'pushes to streamUrl/streamKey (streamDiy=1)' }),
    hls: Type.Boolean({ description: 'publishes HLS for the server’s watch page (isTuiliu=1)' }),
    watchUrl: s('where it is watched: the meeting’s watchUrl; empty when it has none'),
    error: s('why it failed; empty otherwise'),
  },
  { description: 'extension: the live stream of the meeting, started and stopped by the host on the meeting page' },
);

export const Registrant = Type.Object({
  id: s('registrant_id'),
  first_name: s(),
  last_name: s(),
  email: s(),
  address: s(),
  city: s(),
  country: s(),
  zip: s(),
  state: s(),
  phone: s(),
  industry: s(),
  org: s(),
  job_title: s(),
  purchasing_time_frame: s(),
  role_in_purchase_process: s(),
  no_of_employees: s(),
  comments: s(),
  custom_questions: Type.Array(Type.Object({ title: s(), value: s() })),
  status: s('approved, pending or denied'),
  create_time: s('ISO 8601, GMT'),
  join_url: s('personal join link with tk'),
});

export const LogRow = Type.Object(
  {
    cuid: s(),
    participantName: s(),
    joinTime: gmt('joined'),
    leaveTime: s('left (GMT), empty while present'),
    device: s(),
    deviceType: s('pc, mobile or 其他'),
    ip: s(),
    registrantId: Type.Optional(s('a registrant’s row only')),
    ...Type.Partial(Type.Omit(Registrant, ['id'])).properties,
  },
  { description: 'A registrant’s row also carries registrantId and the registration’s fields.' },
);

const perDay = Type.Array(Type.Object({ datetime: s('yyyy-MM-dd'), duration: i('minutes') }));

/** The success answer of each endpoint: by name under /openapi/v2/, by path elsewhere. */
export const answers = {
  confReservation: envelope({ data: FullMeeting }),
  confReservation2: envelope({ data: FullMeeting }),
  getConfDetailByConfId: envelope({ data: FullMeeting }),
  cancelConf: Type.Object({ status: Type.Literal(OK), message: s('cancel conf success') }),
  getScheduledConfListByUserId: envelope({ ...paging(s()), data: Type.Object({ confInfo: Type.Array(FullMeeting) }) }),
  getLivingConfByUserId: envelope({ data: Type.Object({ confInfo: Type.Array(FullMeeting) }) }),
  getFinishedConfListByUserId: envelope({ ...paging(s()), data: Type.Object({ confInfo: Type.Array(FullMeeting) }) }),
  getScheduledConfListBySiteSign: envelope({ ...paging(i()), data: Type.Array(SiteListItem) }),
  getLivingConfListBySiteSign: envelope({ ...paging(i()), data: Type.Array(SiteListItem) }),
  getFinishedConfListBySiteSign: envelope({ ...paging(i()), data: Type.Array(SiteListItem) }),
  getConfLogListByConfId: envelope({
    ...paging(i()),
    data: Type.Object({ startTime: gmt('meeting start'), duration: i(), confId: i(), logs: Type.Array(LogRow) }),
  }),
  confModify2: envelope({ data: FullMeeting }),
  endConf: Type.Object({ status: Type.Literal(OK), message: s('end conf success') }),
  openingconfModify: envelope({ data: FullMeeting }),
  getLiveDetail: envelope({ data: Type.Array(LiveParticipant), liveStream: LiveStream }),
  getReMainNumPartis: envelope({ remainNumPartis: i(), totalNumParties: i() }),
  createOrUpdateUser: envelope({
    data: Type.Object({
      userId: s(),
      phone: s(),
      userName: s(),
      loginName: s(),
      enableTuiliu: i(),
      enableCloudRecord: i(),
    }),
  }),
  changeUserIdDataCenter: envelope(),
  getCloudFileList: envelope({
    recordCount: i(),
    data: Type.Array(
      Type.Object({
        uuid: s(),
        confNo: s(),
        topic: s(),
        downloadUrl: s('signed, expiring'),
        playUrl: s('signed, expiring'),
        recordStart: gmt('start'),
        recordEnd: gmt('end'),
        fileSize: s('e.g. 45MB'),
        fileSizeBytes: i('extension: the size in bytes'),
        fileType: s('MP4 or M4A; WEBM (an extension) for recordings made by the meeting page'),
      }),
    ),
  }),
  delUserByUserId: envelope(),
  getUserByUserId: envelope({
    userInfo: Type.Object({
      hostKey: i('six digits'),
      username: s(),
      mobile: s(),
      hasTuiliu: i(),
      hasCloudRecord: i(),
      hasCoHost: i(),
      hasLocalRecord: i(),
      hasClosedCaption: i(),
      userId: s('extension'),
      loginName: s('extension'),
      region: s('extension: the data-center region (2.18)'),
    }),
  }),
  getConfRecordTimeBySiteSign: envelope({
    data: Type.Object({ confCountTime: i('minutes'), confUserTime: i('minutes') }),
  }),
  getConfCountBySiteSign: envelope({
    data: Type.Object({
      confCounts: i(),
      confNumbers: Type.Array(s()),
      confList: Type.Array(
        Type.Object({
          confNo: s(),
          startTime: gmt('first session start'),
          endTime: s('last session end (GMT), empty while live'),
          userId: s(),
        }),
      ),
    }),
  }),
  getUserCountsBySiteSign: envelope({ data: Type.Object({ allCounts: i(), mobileCount: i(), pcCount: i() }) }),
  changeRcPort: envelope(),
  getConfLogListByConfId2: envelope({
    ...paging(s()),
    recordStatus: i('1 data, 2 one record of one person, 3 none yet, 5 never held'),
    data: Type.Object({
      confId: i(),
      confNumber: s(),
      confName: s(),
      startTime: gmt('meeting start'),
      endTime: gmt('meeting end'),
      duration: i(),
      records: Type.Array(
        Type.Object({
          uuid: s('session'),
          startTime: gmt('session start'),
          endTime: s(),
          duration: i('minutes'),
          logs: Type.Array(LogRow),
        }),
      ),
    }),
  }),
  getTotalConfTimeForEveryDay: envelope({ data: perDay }),
  getAllJoinTimeForEveryDay: envelope({ data: perDay }),
  getHostKeyByConfNumber: envelope({ data: Type.Object({ hostKey: i('six digits') }) }),
  regenerateHostKey: envelope({ data: Type.Object({ hostKey: i('the new key, six digits') }) }),
  getConfChatListByConfId: envelope({
    ...paging(i()),
    data: Type.Object({
      confId: i(),
      messages: Type.Array(
        Type.Object({
          messageId: s('a UUID'),
          uuid: s('the session the message was sent in'),
          cuid: s('the sender’s participant id, as in the reports (2.11, 2.26)'),
          participantName: s('the sender’s name in the meeting'),
          text: s('as sent: plain text, trimmed, at most 1,000 characters'),
          sendTime: gmt('when the server received it'),
        }),
      ),
    }),
  }),
  getLiveDetail2: envelope({
    data: Type.Array(Type.Object({ ...LiveParticipant.properties, leaveTime: s('empty while present') })),
  }),
  updateRegistrationQuestions: envelope(),
  addRegistrant: envelope({
    data: Type.Object({
      registrant_id: s(),
      id: i('confId'),
      topic: s(),
      start_time: s('ISO 8601, GMT'),
      join_url: s(),
      tk: s(),
    }),
  }),
  getRegistrants: envelope({ data: Type.Array(Registrant) }),
  updateRegistrantStatus: envelope({ data: Registrant }),
  '/media/v1/events': envelope(),
  '/webhooks/v1/createEndpoint': envelope({
    data: Type.Object({ id: i(), url: s(), events: s(), secret: s('HMAC key of the signatures; shown once') }),
  }),
  '/webhooks/v1/listEndpoints': envelope({
    data: Type.Array(Type.Object({ id: i(), url: s(), events: s(), createdAt: gmt('registered') })),
  }),
  '/webhooks/v1/deleteEndpoint': envelope(),
  '/webhooks/v1/events': envelope({
    lastSeq: i('the site’s newest event'),
    data: Type.Array(
      Type.Object({
        id: s('event id'),
        seq: i(),
        type: s(),
        time: gmt('when it happened'),
        siteSign: s(),
        data: Type.Object({}, { additionalProperties: true }),
      }),
    ),
  }),
};

/** {@link answers}, looked up by a name known only at run time. */
export const successResponses: Record<string, TSchema> = answers;

export type FullMeetingAnswer = Static<typeof FullMeeting>;
export type SiteListItemAnswer = Static<typeof SiteListItem>;
export type LiveParticipantAnswer = Static<typeof LiveParticipant>;
export type LiveStreamAnswer = Static<typeof LiveStream>;
export type LogRowAnswer = Static<typeof LogRow>;
export type RegistrantAnswer = Static<typeof Registrant>;
/** The answer of endpoint `name` (a key of {@link answers}). */
export type Answer<N extends keyof typeof answers> = Static<(typeof answers)[N]>;
