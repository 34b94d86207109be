import type { FastifyPluginAsync } from 'fastify';
import Type from 'typebox';
import { MAX_PAGE_SIZE, siteMeetings, userMeetings, type ListState, type Page } from '../domain/meeting-lists.js';
import { fullMeetingView, siteListItem, type LinkConfig } from '../domain/meeting-view.js';
import {
  cancelMeeting,
  modifyMeeting,
  remainingParties,
  requireOwnMeeting,
  reserveMeeting,
} from '../domain/meetings.js';
import { Code } from '../domain/errors.js';
import { Bounds } from '../domain/schedule.js';
import type { SiteRow } from '../store/database.js';
import type { ListedMeeting } from '../store/meetings.repository.js';
import { defineEndpoint, ok, type EndpointDeps } from './endpoint.js';
import { choice, endpointParams, flag, text, userIdParam } from './schemas.js';
import { answers } from '../contract/answers.js';

const time = (description: string) =>
  Type.String({ maxLength: 19, description: `${description}, GMT, yyyy-MM-dd HH:mm:ss` });
const confId = Type.Integer({ minimum: 1, description: '会议ID (confId)' });
const duration = Type.Integer({ minimum: 1, maximum: Bounds.maxDuration, description: 'minutes' });
const beforeTime = Type.Integer({
  minimum: 0,
  maximum: Bounds.maxBeforeTime,
  description: 'minutes the meeting may open early',
});
const confParties = Type.Integer({ minimum: 1, maximum: Bounds.maxConfParties, description: 'concurrent parties' });
const upCompatible = choice(
  [Type.Literal('y'), Type.Literal('n')],
  'y: a larger pool room may be used; absent: n (either case)',
  { ignoreCase: true },
);
const confName = text(Bounds.maxConfNameLength, 'meeting name; none of \\ / : * ? ？ " < > | &lt; &gt; or newline', {
  minLength: 1,
});
const confPassword = text(32, 'meeting password: at most 16 letters or digits; empty for none');

/**
 * Options shared by 2.1, 2.2 and 2.12. Left out, each is off or empty in a reservation (`absent`
 * `'none'`) and keeps its value in a modification (`'unchanged'`).
 */
function optionParams(absent: 'none' | 'unchanged') {
  const off = absent === 'none' ? 'absent: 0' : 'absent: unchanged';
  const empty = absent === 'none' ? 'absent: none' : 'absent: unchanged';
  return {
    loginName: Type.Optional(
      text(200, `login name, shown as the watermark; ${absent === 'none' ? "absent: the user's own" : empty}`),
    ),
    interpretation: Type.Optional(
      Type.Integer({ description: `simultaneous interpretation: 1 on, anything else off; ${off}` }),
    ),
    isTuiliu: Type.Optional(flag(`automatic streaming channel (not available on this server); ${off}`)),
    streamDiy: Type.Optional(flag(`custom streaming with streamUrl / streamKey / watchUrl; ${off}`)),
    streamUrl: Type.Optional(text(512, `custom stream push URL; ${empty}`)),
    streamKey: Type.Optional(text(512, `custom stream key; ${empty}`)),
    watchUrl: Type.Optional(text(512, `live-stream watch URL; ${empty}`)),
    audio: Type.Optional(
      Type.Integer({ minimum: 0, maximum: 3, description: `0 default, 1 phone only, 2 VoIP only, 3 both; ${off}` }),
    ),
    waitingRoom: Type.Optional(Type.Integer({ minimum: 0, maximum: 2, description: `0 default, 1 on, 2 off; ${off}` })),
  };
}

const reservationParams = {
  userId: userIdParam,
  userName: text(200, 'user name; stored on the userId’s first call', { minLength: 1 }),
  phone: Type.Optional(text(64, 'mobile number; absent: none')),
  confName,
  confPassword: Type.Optional(text(32, 'meeting password: at most 16 letters or digits; absent or empty: none')),
  startTime: Type.Optional(time('start time; required unless isInstantMeeting=1')),
  duration,
  confParties,
  optionJbh: Type.Optional(flag('participants may join before the host', 0)),
  optionVideoHost: Type.Optional(flag('host video on', 0)),
  optionVideoParticipants: Type.Optional(flag('participant video on', 0)),
  beforeTime: Type.Optional({ ...beforeTime, default: 0 }),
  isInstantMeeting: Type.Optional(flag('1: the meeting starts now', 0)),
  live: Type.Optional(flag('1: gives the user streaming permission for good; absent: 0')),
  registrationType: Type.Optional(flag('1: only registrants may join; absent: 0')),
  upCompatible: Type.Optional(upCompatible),
  ...optionParams('none'),
};

const pageParams = {
  pageNo: Type.Optional(Type.Integer({ minimum: 1, default: 1, description: 'page number' })),
  pageSize: Type.Optional(
    Type.Integer({
      minimum: 1,
      maximum: MAX_PAGE_SIZE,
      default: 10,
      description: `items per page, at most ${MAX_PAGE_SIZE}`,
    }),
  ),
  startTime: Type.Optional(time('earliest meeting start; absent: no lower bound')),
  endTime: Type.Optional(time('latest meeting start; absent: no upper bound')),
};

/** §2.1–2.10, 2.12, 2.16: booking meetings and listing them. */
export const meetingRoutes: FastifyPluginAsync<
  EndpointDeps & {
    links: LinkConfig;
    /** The server streams meetings itself (the SFU is on): `isTuiliu=1` is accepted. */
    serverStreams: boolean;
  }
> = async (app, deps) => {
  const full = (
    site: SiteRow,
    m: { meeting: Parameters<typeof fullMeetingView>[0]; host: { user_id: string; user_name: string } },
  ) => fullMeetingView(m.meeting, m.host, site, deps.links);
  const listedHost = (row: ListedMeeting) => ({ user_id: row.host_user_id, user_name: row.host_user_name });

  defineEndpoint(app, deps, {
    name: 'confReservation',
    answer: answers.confReservation,
    section: '2.1',
    summary: '预约会议 (reserve a meeting)',
    subject: 'userId',
    params: endpointParams(reservationParams),
    handler: async ({ db, site, params, now }) =>
      ok({ data: full(site, await reserveMeeting(db, site, params, now, deps.serverStreams)) }),
  });

  defineEndpoint(app, deps, {
    name: 'confReservation2',
    answer: answers.confReservation2,
    section: '2.2',
    summary: '预约会议支持水印会议 (reserve a meeting, with watermark)',
    subject: 'userId',
    params: endpointParams({
      ...reservationParams,
      loginName: text(200, 'login name shown as the watermark; unique per user', { minLength: 1 }),
      watermark: Type.Optional(flag('1: show the watermark', 0)),
      meetingAuthentication: Type.Optional(
        Type.Integer({
          minimum: 0,
          maximum: 2,
          default: 0,
          description: '0 default, 1 on, 2 off; forced on with a watermark',
        }),
      ),
    }),
    handler: async ({ db, site, params, now }) =>
      ok({ data: full(site, await reserveMeeting(db, site, params, now, deps.serverStreams)) }),
  });

  defineEndpoint(app, deps, {
    name: 'getConfDetailByConfId',
    answer: answers.getConfDetailByConfId,
    section: '2.3',
    summary: '获取会议信息 (one meeting)',
    subject: 'userId',
    access: 'read',
    params: endpointParams({ userId: userIdParam, confId }),
    handler: async ({ db, site, params, now }) =>
      ok({ data: full(site, await requireOwnMeeting(db, site, params.userId, params.confId, now)) }),
  });

  defineEndpoint(app, deps, {
    name: 'cancelConf',
    answer: answers.cancelConf,
    section: '2.4',
    summary: '取消会议 (cancel a meeting)',
    subject: 'userId',
    params: endpointParams({ userId: userIdParam, confId }),
    handler: async ({ db, site, params, now }) => {
      await cancelMeeting(db, site, params.userId, params.confId, now);
      return { status: Code.ok, message: 'cancel conf success' };
    },
  });

  const userList = (
    name: 'getScheduledConfListByUserId' | 'getFinishedConfListByUserId',
    section: string,
    summary: string,
    state: ListState,
  ) =>
    defineEndpoint(app, deps, {
      name,
      answer: answers[name],
      section,
      summary,
      subject: 'userId',
      access: 'read',
      params: endpointParams({ userId: userIdParam, ...pageParams }),
      handler: async ({ db, site, params, now }) => {
        const page = await userMeetings(db, site, params.userId, state, params, now);
        return ok({
          ...pagination(page),
          currentPage: String(page.currentPage),
          data: { confInfo: page.items.map((row) => full(site, { meeting: row, host: listedHost(row) })) },
        });
      },
    });
  userList('getScheduledConfListByUserId', '2.5', '获取用户预约会议列表 (a user’s scheduled meetings)', 'scheduled');
  userList('getFinishedConfListByUserId', '2.7', '获取用户已结束会议列表 (a user’s finished meetings)', 'finished');

  defineEndpoint(app, deps, {
    name: 'getLivingConfByUserId',
    answer: answers.getLivingConfByUserId,
    section: '2.6',
    summary: '获取用户正在进行的会议列表 (a user’s live meeting)',
    subject: 'userId',
    access: 'read',
    params: endpointParams({ userId: userIdParam }),
    handler: async ({ db, site, params, now }) => {
      const page = await userMeetings(db, site, params.userId, 'living', { pageSize: MAX_PAGE_SIZE }, now);
      return ok({ data: { confInfo: page.items.map((row) => full(site, { meeting: row, host: listedHost(row) })) } });
    },
  });

  const siteList = (
    name: 'getScheduledConfListBySiteSign' | 'getLivingConfListBySiteSign' | 'getFinishedConfListBySiteSign',
    section: string,
    summary: string,
    state: ListState,
  ) =>
    defineEndpoint(app, deps, {
      name,
      answer: answers[name],
      section,
      summary,
      subject: 'userId',
      access: 'read',
      params: endpointParams({ userId: userIdParam, ...pageParams }),
      handler: async ({ db, site, params, now }) => {
        const page = await siteMeetings(db, site, state, params, now);
        return ok({
          data: page.items.map((row) => siteListItem(row, listedHost(row), deps.links)),
          ...pagination(page),
        });
      },
    });
  siteList(
    'getScheduledConfListBySiteSign',
    '2.8',
    '获取站点所有已预约的会议 (a site’s scheduled meetings)',
    'scheduled',
  );
  siteList('getLivingConfListBySiteSign', '2.9', '获取站点所有正在进行的会议 (a site’s live meetings)', 'living');
  siteList(
    'getFinishedConfListBySiteSign',
    '2.10',
    '获取站点所有已结束的会议 (a site’s finished meetings)',
    'finished',
  );

  defineEndpoint(app, deps, {
    name: 'confModify2',
    answer: answers.confModify2,
    section: '2.12',
    summary: '修改会议 (modify a meeting, time and parties included)',
    subject: 'userId',
    params: endpointParams({
      userId: userIdParam,
      confId,
      confName: Type.Optional(text(Bounds.maxConfNameLength, 'meeting name; absent: unchanged', { minLength: 1 })),
      confPassword,
      startTime: time('start time'),
      duration,
      confParties,
      beforeTime: Type.Optional({
        ...beforeTime,
        description: 'minutes the meeting may open early; absent: unchanged',
      }),
      upCompatible: Type.Optional(upCompatible),
      optionJbh: Type.Optional(flag('participants may join before the host; absent: unchanged')),
      optionVideoHost: Type.Optional(flag('host video on; absent: unchanged')),
      optionVideoParticipants: Type.Optional(flag('participant video on; absent: unchanged')),
      watermark: Type.Optional(flag('1 add, 0 remove the watermark; absent: unchanged')),
      ...optionParams('unchanged'),
    }),
    handler: async ({ db, site, params, now }) =>
      ok({ data: full(site, await modifyMeeting(db, site, params, now, deps.serverStreams)) }),
  });

  defineEndpoint(app, deps, {
    name: 'getReMainNumPartis',
    answer: answers.getReMainNumPartis,
    section: '2.16',
    summary: '根据时间方数获取剩余并发方数 (remaining concurrent parties in a time window)',
    subject: 'userId',
    access: 'read',
    params: endpointParams({
      userId: userIdParam,
      startTime: time('start time'),
      duration,
      beforeTime: Type.Optional({ ...beforeTime, default: 0 }),
      confNumber: Type.Optional(text(16, 'a meeting of the site to leave out; absent: none left out')),
    }),
    handler: async ({ db, site, params, now }) => ok(await remainingParties(db, site, params, now)),
  });
};

function pagination(page: Page) {
  return {
    totalPage: page.totalPage,
    currentPage: page.currentPage,
    totalItems: page.totalItems,
    pageSize: page.pageSize,
  };
}
