import path from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import Type from 'typebox';
import type { Config } from '../config.js';
import type { RecordingLinkPurpose } from '../domain/recording-links.js';
import {
  cloudFiles,
  FILE_EXTENSION,
  FILE_MEDIA_TYPE,
  fileSizeText,
  openRecordingLink,
  type LinkedRecording,
} from '../domain/recordings.js';
import { pageRefusal } from '../domain/errors.js';
import { formatDateTime } from '../domain/time.js';
import type { RecordingStorage } from '../store/recording-storage.js';
import { defineEndpoint, ok, type EndpointDeps } from './endpoint.js';
import { sendLinkRefusal } from './errors.js';
import { recordingUploadRoutes } from './recording-upload.js';
import { endpointParams } from './schemas.js';
import { answers } from '../contract/answers.js';

export interface RecordingDeps extends EndpointDeps {
  config: Pick<Config, 'publicUrl' | 'recordingMaxBytes' | 'recordingLinkTtlMs'>;
  /** Where recording files are kept (the app shares it with the page's chunked uploads). */
  storage: RecordingStorage;
}

/**
 * Cloud recordings: getCloudFileList (§2.19), the media plane's upload (`POST /media/v1/recordings`)
 * and the signed links getCloudFileList hands out (`/recordings/<recordId>/download|play`).
 * Defaults: files up to 2 GiB (`config.recordingMaxBytes`), links good for a day (`config.recordingLinkTtlMs`).
 */
export const recordingRoutes: FastifyPluginAsync<RecordingDeps> = async (app, deps) => {
  const { storage } = deps;
  const links = { publicUrl: deps.config.publicUrl, ttlMs: deps.config.recordingLinkTtlMs };

  defineEndpoint(app, deps, {
    name: 'getCloudFileList',
    answer: answers.getCloudFileList,
    section: '2.19',
    summary: '根据会议号获取云端录制文件 (cloud recordings of a meeting)',
    subject: 'confNo',
    access: 'read',
    params: endpointParams({
      confNo: Type.String({ minLength: 1, maxLength: 16, description: '会议号 (confNumber)' }),
    }),
    handler: async ({ db, site, params, now }) => {
      const files = await cloudFiles(db, site, params.confNo, links, now);
      return ok({ recordCount: files.length, data: files });
    },
  });

  await recordingUploadRoutes(app, { ...deps, storage, maxBytes: deps.config.recordingMaxBytes });

  await app.register(async (scope) => {
    // Range requests, ETag and conditional requests come with @fastify/static's sendFile.
    if (!scope.hasReplyDecorator('sendFile')) await scope.register(fastifyStatic, { serve: false });

    const open = async (
      request: FastifyRequest,
      purpose: RecordingLinkPurpose,
    ): Promise<LinkedRecording | undefined> => {
      const { recordId } = request.params as { recordId: string };
      const { expires, sig } = request.query as Record<string, unknown>;
      if (!/^[1-9][0-9]{0,14}$/.test(recordId)) return undefined;
      const presented = {
        expires: typeof expires === 'string' ? expires : undefined,
        sig: typeof sig === 'string' ? sig : undefined,
      };
      return openRecordingLink(deps.db, Number(recordId), purpose, presented, deps.clock());
    };

    scope.get('/recordings/:recordId/download', async (request, reply) => {
      const linked = await open(request, 'download');
      if (!linked) return sendLinkRefusal(reply, BAD_LINK);
      const { recording, confNumber } = linked;
      const file = await storage.localFile(recording.storage_key);
      if (!file) {
        request.log.error(
          { recordId: recording.id, storageKey: recording.storage_key },
          'recording file missing from storage',
        );
        return reply
          .code(404)
          .type('text/plain; charset=utf-8')
          .send('录制文件不存在 (the recording file is missing)\n');
      }
      reply
        .type(FILE_MEDIA_TYPE[recording.file_type])
        .header(
          'content-disposition',
          `attachment; filename="${confNumber}-${recording.id}.${FILE_EXTENSION[recording.file_type]}"`,
        )
        .header('cache-control', 'private, no-cache')
        .header('referrer-policy', 'no-referrer')
        .header('x-content-type-options', 'nosniff');
      return reply.sendFile(path.basename(file), path.dirname(file), {
        contentType: false,
        cacheControl: false,
        dotfiles: 'allow',
      });
    });

    scope.get('/recordings/:recordId/play', async (request, reply) => {
      const linked = await open(request, 'play');
      if (!linked) return sendLinkRefusal(reply, BAD_LINK);
      return reply
        .type('text/html; charset=utf-8')
        .header('cache-control', 'private, no-store')
        .header('referrer-policy', 'no-referrer')
        .header('content-security-policy', "default-src 'none'; media-src 'self'; style-src 'unsafe-inline'")
        .send(playPage(linked));
    });
  });
};

/** Every bad link (unknown, tampered, expired, revoked) gets the same answer. */
const BAD_LINK = pageRefusal(403, 'bad_link', '链接无效或已过期 (this link is not valid or has expired)');

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => ESCAPES[c]!);

/** The play link's page: the recording in a player whose source is a download link of the same expiry. */
function playPage({ recording, downloadQuery }: LinkedRecording): string {
  // Relative to /recordings/<id>/play, so the page works under whatever host and path prefix served it.
  const source = escapeHtml(`download?${downloadQuery}`);
  const element = recording.file_type === 'M4A' ? 'audio' : 'video';
  const topic = escapeHtml(recording.topic);
  const times = `${formatDateTime(recording.record_start)} – ${formatDateTime(recording.record_end)} GMT`;
  const when = escapeHtml(`${times} · ${fileSizeText(recording.file_size)}`);
  return `<!doctype html>
<html lang="zh">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${topic}</title>
<style>
body { margin: 0; font-family: system-ui, sans-serif; background: #111; color: #eee; }
main { max-width: 960px; margin: 0 auto; padding: 16px; }
video, audio { display: block; width: 100%; margin: 16px 0; }
a { color: #8cf; }
</style>
</head>
<body>
<main>
<h1>${topic}</h1>
<p>${when}</p>
<${element} controls preload="metadata" src="${source}"></${element}>
<p><a href="${source}">下载 (download)</a></p>
</main>
</body>
</html>
`;
}
