import type { ServerResponse } from 'node:http';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Static, TSchema } from 'typebox';
import { ConsoleRefusal, Done, SiteParams } from '../contract/console.js';
import { ExtendBody, LiveList, MeetingItem, MeetingParams } from '../contract/console-meetings.js';
import { requireOwner, requireVisibleSite } from '../domain/console-access.js';
import { consoleEnd, consoleExtend, liveMeetings, siteOfMeeting } from '../domain/console-meetings.js';
import { resumeSession } from '../domain/console-sessions.js';
import { pageRefusal } from '../domain/errors.js';
import type { ConsoleMeetingDeps } from './console-meetings.js';
import { needSession, signedIn } from './console-guard.js';

const answers = (ok: TSchema) => ({ 200: ok, '4xx': ConsoleRefusal, '5xx': ConsoleRefusal });

/** Open event streams one console session may hold (a few tabs); one more is refused with 429. */
export const MAX_STREAMS_PER_SESSION = 4;
/** A comment line this often keeps proxies from closing a quiet stream, ms. */
const KEEPALIVE_MS = 25_000;
/** How often an open stream checks that its session still holds (signed out, expired), ms. */
const SESSION_CHECK_MS = 60_000;
/** Changes arriving within this long are sent as one snapshot, ms. */
const COALESCE_MS = 150;

/**
 * The Live page's calls (issue 19): the site's live meetings with their rosters, a stream of them as
 * Server-Sent Events (`GET …/live/events`: a `live` event with the whole list at once and after every
 * change of one of the site's meetings on the bus), ending (2.13) and extending (2.14) a meeting.
 */
export async function consoleLiveRoutes(app: FastifyInstance, deps: ConsoleMeetingDeps): Promise<void> {
  const { db, clock, bus } = deps;
  const session = needSession(db, clock);
  const streams = new Map<string, number>();
  const open = new Set<ServerResponse>();
  // A stream never ends by itself: closing the server ends them, else it would wait for every browser to leave.
  app.addHook('preClose', async () => {
    for (const raw of open) raw.end();
  });
  const siteOf = (request: FastifyRequest) =>
    requireVisibleSite(db, signedIn(request).account, (request.params as { siteSign: string }).siteSign);
  const confIdOf = (request: FastifyRequest) => (request.params as Static<typeof MeetingParams>).confId;

  app.get(
    '/console/api/sites/:siteSign/live',
    { preHandler: session, schema: { params: SiteParams, response: answers(LiveList) } },
    async (request) => liveMeetings(db, await siteOf(request)),
  );

  app.get(
    '/console/api/sites/:siteSign/live/events',
    { preHandler: session, schema: { params: SiteParams, response: { '4xx': ConsoleRefusal, '5xx': ConsoleRefusal } } },
    async (request, reply) => {
      // A GET, so the console's cross-site guard lets it pass: an EventSource of another site is refused here.
      const fetchSite = request.headers['sec-fetch-site'];
      if (fetchSite !== undefined && fetchSite !== 'same-origin' && fetchSite !== 'none')
        throw pageRefusal(403, 'bad_origin', '跨站请求被拒绝 (cross-site requests are refused)');
      const site = await siteOf(request);
      const { sessionId } = signedIn(request);
      const held = streams.get(sessionId) ?? 0;
      if (held >= MAX_STREAMS_PER_SESSION)
        throw pageRefusal(429, 'too_many_streams', '打开的实时连接过多 (too many live views open for this session)');
      streams.set(sessionId, held + 1);

      reply.hijack();
      const raw = reply.raw;
      open.add(raw);
      raw.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-store',
        'x-accel-buffering': 'no',
        connection: 'keep-alive',
      });
      let closed = false;
      let pending: NodeJS.Timeout | undefined;
      const mine = new Map<number, boolean>();
      const send = async () => {
        pending = undefined;
        if (closed) return;
        try {
          const list = await liveMeetings(db, site);
          if (!closed) raw.write(`event: live\ndata: ${JSON.stringify(list)}\n\n`);
        } catch (err) {
          request.log.error({ err }, 'console live stream');
        }
      };
      const changed = async (meetingId: number) => {
        let ours = mine.get(meetingId);
        if (ours === undefined) {
          ours = (await siteOfMeeting(db, meetingId)) === site.id;
          mine.set(meetingId, ours);
        }
        if (ours && !closed && pending === undefined) pending = setTimeout(() => void send(), COALESCE_MS);
      };
      const unsubscribe = bus.subscribe((meetingId) => {
        changed(meetingId).catch((err: unknown) => request.log.error({ err }, 'console live stream'));
      });
      const keepalive = setInterval(() => raw.write(': keepalive\n\n'), KEEPALIVE_MS);
      const check = setInterval(() => {
        resumeSession(db, sessionId, clock())
          .then((still) => {
            if (!still && !closed) {
              raw.write('event: signed-out\ndata: {}\n\n');
              raw.end();
            }
          })
          .catch((err: unknown) => request.log.error({ err }, 'console live stream'));
      }, SESSION_CHECK_MS);
      raw.on('close', () => {
        closed = true;
        open.delete(raw);
        unsubscribe();
        clearInterval(keepalive);
        clearInterval(check);
        if (pending) clearTimeout(pending);
        const left = (streams.get(sessionId) ?? 1) - 1;
        if (left > 0) streams.set(sessionId, left);
        else streams.delete(sessionId);
      });
      raw.write('retry: 3000\n\n');
      await send();
    },
  );

  app.post(
    '/console/api/sites/:siteSign/meetings/:confId/end',
    { preHandler: session, schema: { params: MeetingParams, response: answers(Done) } },
    async (request) => {
      const site = await siteOf(request);
      requireOwner(signedIn(request).account);
      const ended = await consoleEnd(db, site, confIdOf(request), clock());
      request.log.info({ consoleAccount: signedIn(request).account.id, confId: ended.id }, 'console: meeting ended');
      await bus.publish(ended.id);
      return { ok: true as const };
    },
  );

  app.post(
    '/console/api/sites/:siteSign/meetings/:confId/extend',
    { preHandler: session, schema: { params: MeetingParams, body: ExtendBody, response: answers(MeetingItem) } },
    async (request) => {
      const site = await siteOf(request);
      requireOwner(signedIn(request).account);
      const extended = await consoleExtend(
        db,
        site,
        confIdOf(request),
        request.body as Static<typeof ExtendBody>,
        clock(),
      );
      request.log.info(
        { consoleAccount: signedIn(request).account.id, confId: extended.confId },
        'console: meeting extended',
      );
      await bus.publish(extended.confId);
      return extended;
    },
  );
}
