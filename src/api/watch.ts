import fs from 'node:fs';
import path from 'node:path';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { isWatchSecret, liveStreamStatus, servesHls } from '../domain/live-stream.js';
import { DelFlag, MeetingStatus } from '../domain/meeting-status.js';
import type { Db, MeetingRow } from '../store/database.js';
import { findMeetingByConfNumber } from '../store/meetings.repository.js';
import { hlsDir } from '../sfu/live.js';
import { HLS_PLAYLIST } from '../sfu/live-compose.js';
import { sendBuiltPage, WEB_ROOT } from './web.js';

export interface WatchDeps {
  db: Db;
  clock: () => number;
  /** `config.dataDir`: the HLS files are under `<dataDir>/live/<meetingId>/hls`. */
  dataDir: string;
  /** Directory of the built pages. Default `dist/web` (the watch page is `watch/index.html` there). */
  webRoot?: string;
}

/**
 * The watch page's policy: the pages' own (api/security.ts) with `blob:` media, which hls.js plays
 * through (a MediaSource object URL).
 */
const WATCH_PAGE_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "media-src 'self' blob:",
  "connect-src 'self'",
  "font-src 'self'",
  "object-src 'none'",
  "frame-ancestors 'none'",
  "base-uri 'self'",
  "form-action 'self'",
].join('; ');

/** The files ffmpeg writes into a meeting's HLS directory, and nothing else, are served. */
const HLS_FILE = /^(?:index\.m3u8|seg-\d{1,9}\.ts)$/;

/**
 * The meeting's watch page (`watchUrl` with isTuiliu=1): `/w/<confNumber>/<secret>` (the page),
 * `…/status` (what it shows) and `…/hls/<file>` (the stream). No licence seat, no join: the link's
 * 128-bit secret is the only key, and every answer for a wrong one is the same 404.
 */
export async function watchRoutes(app: FastifyInstance, deps: WatchDeps): Promise<void> {
  const page = path.join(deps.webRoot ?? WEB_ROOT, 'watch', 'index.html');

  const meetingOf = async (confNumber: string, secret: string): Promise<MeetingRow | undefined> => {
    if (!/^\d{10}$/.test(confNumber) || !/^[0-9A-Fa-f]{32}$/.test(secret)) return undefined;
    const meeting = await findMeetingByConfNumber(deps.db, confNumber);
    if (!meeting || !isWatchSecret(meeting, secret) || !servesHls(meeting)) return undefined;
    if (meeting.conf_del_flag !== DelFlag.normal || meeting.conf_status === MeetingStatus.cancelled) return undefined;
    return meeting;
  };
  const notFound = (reply: FastifyReply) =>
    reply.code(404).type('text/plain; charset=utf-8').header('cache-control', 'no-store').send('Not found');

  app.get<{ Params: { confNumber: string; secret: string } }>('/w/:confNumber/:secret', async (request, reply) => {
    if (!(await meetingOf(request.params.confNumber, request.params.secret))) return notFound(reply);
    return sendBuiltPage(reply, page, 'The meeting pages are not built', 200, {
      'content-security-policy': WATCH_PAGE_CSP,
    });
  });

  app.get<{ Params: { confNumber: string; secret: string } }>(
    '/w/:confNumber/:secret/status',
    async (request, reply) => {
      const meeting = await meetingOf(request.params.confNumber, request.params.secret);
      if (!meeting) return notFound(reply);
      const status = await liveStreamStatus(deps.db, meeting, deps.clock());
      const playlist = path.join(hlsDir(deps.dataDir, meeting.id), HLS_PLAYLIST);
      const playing = status.state === 'live' && status.hls && fs.existsSync(playlist);
      reply.header('cache-control', 'no-store');
      return { confName: meeting.conf_name, state: status.state, playlist: playing ? `hls/${HLS_PLAYLIST}` : '' };
    },
  );

  app.get<{ Params: { confNumber: string; secret: string; file: string } }>(
    '/w/:confNumber/:secret/hls/:file',
    async (request, reply) => {
      const meeting = await meetingOf(request.params.confNumber, request.params.secret);
      const { file } = request.params;
      if (!meeting || !HLS_FILE.test(file)) return notFound(reply);
      const filePath = path.join(hlsDir(deps.dataDir, meeting.id), file);
      let body: Buffer;
      try {
        body = await fs.promises.readFile(filePath);
      } catch {
        return notFound(reply);
      }
      const playlist = file === HLS_PLAYLIST;
      return reply
        .type(playlist ? 'application/vnd.apple.mpegurl' : 'video/mp2t')
        .header('cache-control', playlist ? 'no-cache' : 'max-age=60')
        .send(body);
    },
  );
}
