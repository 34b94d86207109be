import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Static, TSchema } from 'typebox';
import { ConsoleRefusal, Done, SiteParams } from '../contract/console.js';
import {
  Attendance,
  AttendanceQuery,
  Chat,
  DecideBody,
  MeetingDetail,
  MeetingItem,
  MeetingList,
  MeetingListQuery,
  MeetingParams,
  ModifyBody,
  RegistrantParams,
  ScheduleBody,
} from '../contract/console-meetings.js';
import { requireOwner, requireVisibleSite } from '../domain/console-access.js';
import {
  attendanceCsv,
  consoleAttendance,
  consoleCancel,
  consoleChat,
  consoleDecideRegistrant,
  consoleMeetingDetail,
  consoleModify,
  consoleSchedule,
  listConsoleMeetings,
} from '../domain/console-meetings.js';
import type { LinkConfig } from '../domain/meeting-view.js';
import type { MeetingBus } from '../store/bus.js';
import type { Db } from '../store/database.js';
import { needSession, signedIn } from './console-guard.js';

/** What the Meetings and Live pages' routes need besides the console's own deps. */
export interface ConsoleMeetingDeps {
  db: Db;
  clock: () => number;
  /** Where the meetings' links point. */
  links: LinkConfig;
  /** How long the recordings' play and download links work, ms. */
  recordingLinkTtlMs: number;
  /** The server streams meetings itself (the SFU is on). */
  serverStreams: boolean;
  bus: MeetingBus;
}

const answers = (ok: TSchema) => ({ 200: ok, '4xx': ConsoleRefusal, '5xx': ConsoleRefusal });

/**
 * The Meetings page's calls (issue 19), `/console/api/sites/:siteSign/meetings…`: the list and calendar, a
 * meeting's page, its attendance (JSON and CSV) and room chat, booking, editing, cancelling, deciding registrants.
 * Registered inside {@link consoleApiRoutes}, whose guards and error answers apply; changes are for owners.
 */
export async function consoleMeetingRoutes(app: FastifyInstance, deps: ConsoleMeetingDeps): Promise<void> {
  const { db, clock } = deps;
  const session = needSession(db, clock);
  const siteOf = (request: FastifyRequest) =>
    requireVisibleSite(db, signedIn(request).account, (request.params as { siteSign: string }).siteSign);
  const ownerSiteOf = async (request: FastifyRequest) => {
    const site = await siteOf(request);
    requireOwner(signedIn(request).account);
    return site;
  };
  const confIdOf = (request: FastifyRequest) => (request.params as Static<typeof MeetingParams>).confId;
  const logChange = (request: FastifyRequest, what: string, confId: number | undefined) =>
    request.log.info({ consoleAccount: signedIn(request).account.id, confId }, `console: meeting ${what}`);

  app.get(
    '/console/api/sites/:siteSign/meetings',
    {
      preHandler: session,
      schema: { params: SiteParams, querystring: MeetingListQuery, response: answers(MeetingList) },
    },
    async (request) => {
      const site = await siteOf(request);
      return listConsoleMeetings(db, site, request.query as Static<typeof MeetingListQuery>, clock());
    },
  );

  app.post(
    '/console/api/sites/:siteSign/meetings',
    { preHandler: session, schema: { params: SiteParams, body: ScheduleBody, response: answers(MeetingItem) } },
    async (request) => {
      const site = await ownerSiteOf(request);
      const body = request.body as Static<typeof ScheduleBody>;
      const booked = await consoleSchedule(db, site, body, clock(), deps.serverStreams);
      logChange(request, 'booked', booked.confId);
      return booked;
    },
  );

  app.get(
    '/console/api/sites/:siteSign/meetings/:confId',
    { preHandler: session, schema: { params: MeetingParams, response: answers(MeetingDetail) } },
    async (request) => {
      const site = await siteOf(request);
      const links = { ...deps.links, ttlMs: deps.recordingLinkTtlMs };
      return consoleMeetingDetail(db, site, confIdOf(request), links, clock());
    },
  );

  app.post(
    '/console/api/sites/:siteSign/meetings/:confId',
    { preHandler: session, schema: { params: MeetingParams, body: ModifyBody, response: answers(MeetingItem) } },
    async (request) => {
      const site = await ownerSiteOf(request);
      const body = request.body as Static<typeof ModifyBody>;
      const changed = await consoleModify(db, site, confIdOf(request), body, clock(), deps.serverStreams);
      logChange(request, 'changed', changed.confId);
      return changed;
    },
  );

  app.post(
    '/console/api/sites/:siteSign/meetings/:confId/cancel',
    { preHandler: session, schema: { params: MeetingParams, response: answers(MeetingItem) } },
    async (request) => {
      const site = await ownerSiteOf(request);
      const cancelled = await consoleCancel(db, site, confIdOf(request), clock());
      logChange(request, 'cancelled', cancelled.confId);
      return cancelled;
    },
  );

  app.post(
    '/console/api/sites/:siteSign/meetings/:confId/registrants/:registrantId',
    { preHandler: session, schema: { params: RegistrantParams, body: DecideBody, response: answers(Done) } },
    async (request) => {
      const site = await ownerSiteOf(request);
      const { confId, registrantId } = request.params as Static<typeof RegistrantParams>;
      const { status } = request.body as Static<typeof DecideBody>;
      await consoleDecideRegistrant(db, site, confId, registrantId, status, clock());
      logChange(request, `registrant ${status}`, confId);
      return { ok: true as const };
    },
  );

  app.get(
    '/console/api/sites/:siteSign/meetings/:confId/attendance',
    {
      preHandler: session,
      schema: { params: MeetingParams, querystring: AttendanceQuery, response: answers(Attendance) },
    },
    async (request) => {
      const site = await siteOf(request);
      const { page = 1, pageSize = 100 } = request.query as Static<typeof AttendanceQuery>;
      const { rows, total } = await consoleAttendance(
        db,
        site,
        confIdOf(request),
        { offset: (page - 1) * pageSize, limit: pageSize },
        clock(),
      );
      return { rows, total, page, pageSize };
    },
  );

  app.get(
    '/console/api/sites/:siteSign/meetings/:confId/chat',
    { preHandler: session, schema: { params: MeetingParams, querystring: AttendanceQuery, response: answers(Chat) } },
    async (request) => {
      const { page = 1, pageSize = 100 } = request.query as Static<typeof AttendanceQuery>;
      const range = { offset: (page - 1) * pageSize, limit: pageSize };
      const { rows, total } = await consoleChat(db, await siteOf(request), confIdOf(request), range, clock());
      return { rows, total, page, pageSize };
    },
  );

  app.get(
    '/console/api/sites/:siteSign/meetings/:confId/attendance.csv',
    {
      preHandler: session,
      schema: { params: MeetingParams, response: { '4xx': ConsoleRefusal, '5xx': ConsoleRefusal } },
    },
    async (request, reply) => {
      const site = await siteOf(request);
      const { meeting, csv } = await attendanceCsv(db, site, confIdOf(request), clock());
      return reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="attendance-${meeting.conf_number}.csv"`)
        .send(csv);
    },
  );
}
