import type { FastifyInstance } from 'fastify';
import type { Static } from 'typebox';
import { ConsoleRefusal, Done, SiteParams } from '../contract/console.js';
import { RecordingList, RecordingParams } from '../contract/console-site.js';
import { requireOwner, requireVisibleSite } from '../domain/console-access.js';
import { deleteSiteRecording, listSiteRecordings } from '../domain/console-recordings.js';
import type { Db } from '../store/database.js';
import type { RecordingStorage } from '../store/recording-storage.js';
import { needSession, signedIn } from './console-guard.js';

/**
 * The console's Recordings page (issue 19): `GET /console/api/sites/:siteSign/recordings` and, for owners,
 * `POST …/recordings/:recordId/delete`, registered inside {@link consoleApiRoutes}.
 */
export async function consoleRecordingRoutes(
  app: FastifyInstance,
  deps: {
    db: Db;
    clock: () => number;
    publicUrl: string;
    recordingLinkTtlMs: number;
    recordingStorage: RecordingStorage;
  },
): Promise<void> {
  const { db, clock } = deps;
  const session = needSession(db, clock);
  const answers = (ok: typeof RecordingList | typeof Done) => ({
    200: ok,
    '4xx': ConsoleRefusal,
    '5xx': ConsoleRefusal,
  });

  app.get(
    '/console/api/sites/:siteSign/recordings',
    { preHandler: session, schema: { params: SiteParams, response: answers(RecordingList) } },
    async (request) => {
      const { siteSign } = request.params as Static<typeof SiteParams>;
      const site = await requireVisibleSite(db, signedIn(request).account, siteSign);
      const links = { publicUrl: deps.publicUrl, ttlMs: deps.recordingLinkTtlMs };
      return listSiteRecordings(db, site, links, clock());
    },
  );

  app.post(
    '/console/api/sites/:siteSign/recordings/:recordId/delete',
    { preHandler: session, schema: { params: RecordingParams, response: answers(Done) } },
    async (request) => {
      const { siteSign, recordId } = request.params as Static<typeof RecordingParams>;
      const account = signedIn(request).account;
      const site = await requireVisibleSite(db, account, siteSign);
      requireOwner(account);
      const deleted = await deleteSiteRecording(db, deps.recordingStorage, site, recordId);
      request.log.info(
        { consoleAccount: account.id, siteSign: site.site_sign, recordId, meetingId: deleted.meeting_id },
        'console: recording deleted',
      );
      return { ok: true as const };
    },
  );
}
