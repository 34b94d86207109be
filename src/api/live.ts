import type { FastifyPluginAsync } from 'fastify';
import Type from 'typebox';
import { Code } from '../domain/errors.js';
import { MAX_PAGE_SIZE } from '../domain/meeting-lists.js';
import { liveStreamStatus, watchUrlOf } from '../domain/live-stream.js';
import { fullMeetingView, type LinkConfig } from '../domain/meeting-view.js';
import { endMeeting, extendMeeting, requireOwnMeeting, requireSiteMeeting } from '../domain/meetings.js';
import { flatReport, liveParticipants, sessionReport } from '../domain/reports.js';
import { chatReport } from '../domain/room-chat.js';
import type { MeetingBus } from '../store/bus.js';
import { defineEndpoint, ok, type EndpointDeps } from './endpoint.js';
import { endpointParams, userIdParam } from './schemas.js';
import { answers } from '../contract/answers.js';

const confId = Type.Integer({ minimum: 1, description: '会议ID (confId)' });
const confNo = Type.String({ minLength: 1, maxLength: 16, description: '会议号 (confNumber)' });
const pageParams = {
  pageNo: Type.Optional(Type.Integer({ minimum: 1, default: 1, description: 'page number' })),
  pageSize: Type.Optional(
    Type.Integer({
      minimum: 1,
      maximum: MAX_PAGE_SIZE,
      default: 10,
      description: `log rows per page, at most ${MAX_PAGE_SIZE}`,
    }),
  ),
};

/**
 * §2.11, 2.13–2.15, 2.26, 2.30: live meetings and what happened in them (2.15 also shows the live stream, an
 * extension), and the extension getConfChatListByConfId (the room's chat).
 */
export const liveRoutes: FastifyPluginAsync<EndpointDeps & { links: LinkConfig; bus: MeetingBus }> = async (
  app,
  deps,
) => {
  defineEndpoint(app, deps, {
    name: 'endConf',
    answer: answers.endConf,
    section: '2.13',
    summary: '结束会议 (end a live meeting)',
    subject: 'userId',
    params: endpointParams({ userId: userIdParam, confId }),
    handler: async ({ db, site, params, now, afterCommit }) => {
      const meeting = await endMeeting(db, site, params.userId, params.confId, now);
      afterCommit(() => deps.bus.publish(meeting.id));
      return { status: Code.ok, message: 'end conf success' };
    },
  });

  defineEndpoint(app, deps, {
    name: 'openingconfModify',
    answer: answers.openingconfModify,
    section: '2.14',
    summary: '会中修改会议 (extend a live meeting)',
    subject: 'userId',
    params: endpointParams({
      userId: userIdParam,
      confId,
      addDuration: Type.Optional(
        Type.Integer({
          minimum: 0,
          maximum: 1440,
          description: 'minutes to add; absent: 0 (one of addDuration, addNumParties must be above 0)',
        }),
      ),
      addNumParties: Type.Optional(
        Type.Integer({ minimum: 0, maximum: 10_000, description: 'parties to add; absent: 0' }),
      ),
    }),
    handler: async ({ db, site, params, now, afterCommit }) => {
      const extended = await extendMeeting(db, site, params, now);
      afterCommit(() => deps.bus.publish(extended.meeting.id));
      return ok({ data: fullMeetingView(extended.meeting, extended.host, site, deps.links) });
    },
  });

  defineEndpoint(app, deps, {
    name: 'getLiveDetail',
    answer: answers.getLiveDetail,
    section: '2.15',
    summary: '获取正在进行的会议的参会人员信息 (participants now in a live meeting)',
    subject: 'confNo',
    access: 'read',
    params: endpointParams({ confNo }),
    handler: async ({ db, site, params, now }) => {
      const meeting = await requireSiteMeeting(db, site, params.confNo);
      const live = await liveStreamStatus(db, meeting, now);
      return ok({
        data: await liveParticipants(db, meeting, { includeLeft: false }),
        // Extension: the meeting's live stream, beside the document's data.
        liveStream: { ...live, watchUrl: watchUrlOf(meeting, deps.links) },
      });
    },
  });

  defineEndpoint(app, deps, {
    name: 'getLiveDetail2',
    answer: answers.getLiveDetail2,
    section: '2.30',
    summary: '获取正在进行的会议的参会人员信息(包含离开人员记录) (live participants, those who left included)',
    subject: 'confNo',
    access: 'read',
    params: endpointParams({ confNo }),
    handler: async ({ db, site, params }) =>
      ok({
        data: await liveParticipants(db, await requireSiteMeeting(db, site, params.confNo), { includeLeft: true }),
      }),
  });

  defineEndpoint(app, deps, {
    name: 'getConfLogListByConfId',
    answer: answers.getConfLogListByConfId,
    section: '2.11',
    summary: '根据会议id查询会议报告 (join and leave logs of a meeting)',
    subject: 'userId',
    access: 'read',
    params: endpointParams({ userId: userIdParam, confId, ...pageParams }),
    handler: async ({ db, site, params, now }) => {
      const { meeting } = await requireOwnMeeting(db, site, params.userId, params.confId, now);
      const report = await flatReport(db, meeting, params.pageNo ?? 1, params.pageSize ?? 10, deps.links);
      return ok({ ...report.page, data: report.data });
    },
  });

  defineEndpoint(app, deps, {
    name: 'getConfLogListByConfId2',
    answer: answers.getConfLogListByConfId2,
    section: '2.26',
    summary: '根据会议id查询会议报告(定制) (logs grouped by session)',
    subject: 'userId',
    access: 'read',
    params: endpointParams({ userId: userIdParam, confId, ...pageParams }),
    handler: async ({ db, site, params, now }) => {
      const { meeting } = await requireOwnMeeting(db, site, params.userId, params.confId, now);
      const report = await sessionReport(db, meeting, params.pageNo ?? 1, params.pageSize ?? 10, now, deps.links);
      return {
        ...report.page,
        currentPage: String(report.page.currentPage),
        recordStatus: report.recordStatus,
        status: Code.ok,
        message: 'success',
        data: report.data,
      };
    },
  });

  defineEndpoint(app, deps, {
    name: 'getConfChatListByConfId',
    answer: answers.getConfChatListByConfId,
    section: 'extension',
    summary:
      'Extension: the chat of a meeting’s sessions, in the order sent, paged; `uuid` keeps one session (not in the vendor document)',
    subject: 'userId',
    access: 'read',
    params: endpointParams({
      userId: userIdParam,
      confId,
      uuid: Type.Optional(
        Type.String({ minLength: 1, maxLength: 64, description: 'a session’s uuid (2.26); absent: every session' }),
      ),
      ...pageParams,
    }),
    handler: async ({ db, site, params, now }) => {
      const { meeting } = await requireOwnMeeting(db, site, params.userId, params.confId, now);
      const report = await chatReport(db, meeting, params.uuid, params.pageNo ?? 1, params.pageSize ?? 10);
      return ok({ ...report.page, data: report.data });
    },
  });
};
