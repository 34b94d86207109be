import type { FastifyPluginAsync } from 'fastify';
import Type from 'typebox';
import {
  DEFAULT_DAYS_BACK,
  joinCounts,
  meetingsHeld,
  minutesPerDay,
  recordTime,
  timeRange,
} from '../domain/statistics.js';
import { defineEndpoint, ok, type EndpointDeps } from './endpoint.js';
import { endpointParams, userIdParam } from './schemas.js';
import { answers } from '../contract/answers.js';

const dateTime = (description: string) =>
  Type.String({ maxLength: 19, description: `${description}, GMT, yyyy-MM-dd HH:mm:ss` });
const date = (description: string) =>
  Type.String({ maxLength: 10, description: `${description}, GMT, yyyy-MM-dd (included)` });
const rangeParams = { userId: userIdParam, startTime: dateTime('from'), endTime: dateTime('until (excluded)') };
const dayParams = {
  userId: userIdParam,
  startTime: Type.Optional(date(`first day; absent: ${DEFAULT_DAYS_BACK} days before endTime`)),
  endTime: Type.Optional(date('last day; absent: today')),
};

/** §2.22–2.24, 2.27, 2.28: a site's usage, in minutes and participant-times. */
export const statisticsRoutes: FastifyPluginAsync<EndpointDeps> = async (app, deps) => {
  defineEndpoint(app, deps, {
    name: 'getConfRecordTimeBySiteSign',
    answer: answers.getConfRecordTimeBySiteSign,
    section: '2.22',
    summary: '获取某段时间内的会议总时长以及参会人时长 (meeting and participant minutes in a range)',
    subject: 'userId',
    access: 'read',
    params: endpointParams(rangeParams),
    handler: async ({ db, site, params }) =>
      ok({ data: await recordTime(db, site.id, timeRange(params.startTime, params.endTime)) }),
  });

  defineEndpoint(app, deps, {
    name: 'getConfCountBySiteSign',
    answer: answers.getConfCountBySiteSign,
    section: '2.23',
    summary: '获取某段时间内的会议数量与会议列表 (meetings held in a range)',
    subject: 'userId',
    access: 'read',
    params: endpointParams(rangeParams),
    handler: async ({ db, site, params }) =>
      ok({ data: await meetingsHeld(db, site.id, timeRange(params.startTime, params.endTime)) }),
  });

  defineEndpoint(app, deps, {
    name: 'getUserCountsBySiteSign',
    answer: answers.getUserCountsBySiteSign,
    section: '2.24',
    summary: '获取某段时间内的参会人次 (participant-times in a range: all, mobile, pc)',
    subject: 'userId',
    access: 'read',
    params: endpointParams(rangeParams),
    handler: async ({ db, site, params }) =>
      ok({ data: await joinCounts(db, site.id, timeRange(params.startTime, params.endTime)) }),
  });

  defineEndpoint(app, deps, {
    name: 'getTotalConfTimeForEveryDay',
    answer: answers.getTotalConfTimeForEveryDay,
    section: '2.27',
    summary: '查询时间范围内每天会议总时长 (meeting minutes per day)',
    subject: 'userId',
    access: 'read',
    params: endpointParams(dayParams),
    handler: async ({ db, site, params, now }) =>
      ok({ data: await minutesPerDay(db, site.id, params, now, 'meeting') }),
  });

  defineEndpoint(app, deps, {
    name: 'getAllJoinTimeForEveryDay',
    answer: answers.getAllJoinTimeForEveryDay,
    section: '2.28',
    summary: '查询时间范围内每天参会人总时长 (participant minutes per day)',
    subject: 'userId',
    access: 'read',
    params: endpointParams(dayParams),
    handler: async ({ db, site, params, now }) =>
      ok({ data: await minutesPerDay(db, site.id, params, now, 'participant') }),
  });
};
