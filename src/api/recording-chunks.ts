import { Readable } from 'node:stream';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ApiError } from '../domain/errors.js';
import { planRecording } from '../domain/recordings.js';
import { siteUsable } from '../domain/sites.js';
import { formatDateTime } from '../domain/time.js';
import { applyWebmPatch, scanWebm } from '../media/webm-duration.js';
import type { Db } from '../store/database.js';
import { findMeetingById } from '../store/meetings.repository.js';
import { findTicket, presentByTicket } from '../store/presence.repository.js';
import { RecordingTooLargeError, type RecordingStorage } from '../store/recording-storage.js';
import type { UploadMeta, UploadStaging } from '../store/recording-uploads.js';
import { findSiteById } from '../store/sites.repository.js';
import { findUserById } from '../store/users.repository.js';
import { keepRecording } from './recording-upload.js';

/** Content types a chunk may be sent as: the recorder's bytes. */
const CHUNK_MEDIA_TYPES = ['video/webm', 'video/mp4', 'application/octet-stream'];
/** Highest chunk index: a chunk every second for more than a day. */
const MAX_INDEX = 99_999;
/** An upload nobody finished is deleted after this long without a new chunk. */
const ABANDONED_MS = 2 * 86_400_000;

export interface ChunkDeps {
  db: Db;
  clock: () => number;
  storage: RecordingStorage;
  staging: UploadStaging;
  /** Largest recording, in bytes (all chunks together). */
  maxBytes: number;
}

/** A refusal of a page's recording call: HTTP status, a code for the page, a message. */
class Refusal extends Error {
  constructor(
    readonly status: number,
    readonly error: string,
    message: string,
    readonly extra: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

function refused(reply: FastifyReply, err: unknown) {
  if (err instanceof Refusal) return reply.code(err.status).send({ error: err.error, message: err.message, ...err.extra });
  if (err instanceof RecordingTooLargeError) return reply.code(413).send({ error: 'too_large', message: err.message });
  // The document's refusals (recording not allowed, meeting cancelled) as the page sees them.
  if (err instanceof ApiError) return reply.code(403).send({ error: 'not_allowed', message: err.message });
  throw err;
}

/** The page's ticket, from `Authorization: Bearer <ticket>`. */
function bearer(request: FastifyRequest): string {
  const match = /^Bearer ([0-9A-Za-z_-]{1,64})$/.exec(request.headers.authorization ?? '');
  return match?.[1] ?? '';
}

/**
 * The page's cloud recording (docs/media.md): the host's page uploads what its recorder makes while it
 * records, in numbered chunks, then finishes; finishing makes the recording getCloudFileList lists.
 * Authenticated by the host page's ticket, as its WebSocket is (docs/decisions.md).
 *
 * - `POST /web/v1/recordings` `{"fileType":"WEBM"|"MP4"}` → `{"uploadId"}`: the ticket's holder must be
 *   the meeting's host, in the meeting, and allowed to record (`enableCloudRecord`).
 * - `PUT /web/v1/recordings/<uploadId>/chunks/<index>` (body: the bytes) → `{"index","size","stored"}`;
 *   an index already stored is not stored again.
 * - `POST /web/v1/recordings/<uploadId>/finish` `{"chunks":N}` → `{"recordId","fileSize","fileType","durationMs"}`;
 *   chunks 0…N−1 must all be there (409 `missing_chunks` lists the missing ones). Finishing again answers
 *   the same recording.
 */
export async function recordingChunkRoutes(app: FastifyInstance, deps: ChunkDeps): Promise<void> {
  const { db, staging } = deps;
  const finishing = new Map<string, Promise<object>>();

  /** The upload, when the ticket presented is the one that began it; 404 otherwise. */
  const ownUpload = async (request: FastifyRequest, uploadId: string): Promise<UploadMeta> => {
    const meta = await staging.meta(uploadId);
    if (!meta || meta.ticket !== bearer(request)) throw new Refusal(404, 'not_found', 'no such upload');
    return meta;
  };

  app.post<{ Body: unknown }>('/web/v1/recordings', async (request, reply) => {
    try {
      const body = (typeof request.body === 'object' && request.body !== null ? request.body : {}) as Record<string, unknown>;
      if (body.fileType !== 'WEBM' && body.fileType !== 'MP4') throw new Refusal(400, 'bad_request', 'fileType must be WEBM or MP4');
      const ticket = await findTicket(db, bearer(request));
      if (!ticket) throw new Refusal(401, 'invalid', 'this ticket is not valid');
      if (ticket.role !== 'host' || ticket.state !== 'admitted' || !(await presentByTicket(db, ticket.token))) {
        throw new Refusal(403, 'not_allowed', 'only the host, in the meeting, records it');
      }
      const meeting = await findMeetingById(db, ticket.meeting_id);
      const owner = meeting && (await findUserById(db, meeting.user_pk));
      if (!meeting || owner?.enable_cloud_record !== 1) {
        throw new Refusal(403, 'not_allowed', '不支持云端录制 (the host may not record to the cloud: enableCloudRecord is off)');
      }
      const now = deps.clock();
      await staging.prune(ABANDONED_MS, now);
      const uploadId = await staging.create({ siteId: meeting.site_id, meetingId: meeting.id, ticket: ticket.token, fileType: body.fileType, startedAt: now });
      return { uploadId };
    } catch (err) {
      return refused(reply, err);
    }
  });

  await app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser(CHUNK_MEDIA_TYPES, (_request, payload, done) => done(null, payload));
    scope.put<{ Params: { uploadId: string; index: string } }>('/web/v1/recordings/:uploadId/chunks/:index', async (request, reply) => {
      try {
        const meta = await ownUpload(request, request.params.uploadId);
        if (meta.finished) throw new Refusal(409, 'finished', 'this upload is finished');
        const index = /^[0-9]{1,5}$/.test(request.params.index) ? Number(request.params.index) : -1;
        if (index < 0 || index > MAX_INDEX) throw new Refusal(400, 'bad_request', `index must be 0 to ${MAX_INDEX}`);
        if (!(request.body instanceof Readable)) throw new Refusal(400, 'bad_request', 'the chunk is the request body');
        const { size, stored } = await staging.putChunk(request.params.uploadId, index, request.body, { maxBytes: deps.maxBytes });
        return { index, size, stored };
      } catch (err) {
        return refused(reply, err);
      }
    });
  });

  app.post<{ Params: { uploadId: string }; Body: unknown }>('/web/v1/recordings/:uploadId/finish', async (request, reply) => {
    try {
      const { uploadId } = request.params;
      const meta = await ownUpload(request, uploadId);
      const body = (typeof request.body === 'object' && request.body !== null ? request.body : {}) as Record<string, unknown>;
      const count = body.chunks;
      if (typeof count !== 'number' || !Number.isInteger(count) || count < 1 || count > MAX_INDEX + 1) {
        throw new Refusal(400, 'bad_request', 'chunks must be the number of chunks sent');
      }
      // One finish at a time per upload in this process; a repeated finish answers the first one's recording.
      let running = finishing.get(uploadId);
      if (!running) {
        running = finish(deps, uploadId, meta, count).finally(() => finishing.delete(uploadId));
        finishing.set(uploadId, running);
      }
      return await running;
    } catch (err) {
      return refused(reply, err);
    }
  });
}

async function finish(deps: ChunkDeps, uploadId: string, meta: UploadMeta, count: number): Promise<object> {
  const { db, staging, storage } = deps;
  const current = (await staging.meta(uploadId)) ?? meta;
  if (current.finished) return { ...current.finished, fileType: meta.fileType };
  const sizes = await staging.chunks(uploadId);
  const missing = Array.from({ length: count }, (_, i) => i).filter((i) => !sizes.has(i));
  if (missing.length > 0) throw new Refusal(409, 'missing_chunks', 'some chunks have not arrived', { missing });

  const now = deps.clock();
  const site = await findSiteById(db, meta.siteId);
  const meeting = await findMeetingById(db, meta.meetingId);
  if (!site || !meeting || !siteUsable(site, now)) throw new Refusal(404, 'not_found', 'the meeting is gone');
  const second = (ms: number) => Math.floor(ms / 1000) * 1000;
  const plan = await planRecording(
    db,
    site,
    { confNumber: meeting.conf_number, fileType: meta.fileType, recordStart: formatDateTime(second(meta.startedAt)), recordEnd: formatDateTime(second(now)) },
    now,
  );

  // A live recorder's WebM has no duration: it is measured from the blocks and written in.
  let durationMs: number | undefined;
  let file: Readable = Readable.from(staging.read(uploadId, count));
  if (meta.fileType === 'WEBM') {
    const scan = await scanWebm(staging.read(uploadId, count));
    durationMs = scan.durationMs;
    if (scan.patch) file = applyWebmPatch(staging.read(uploadId, count), scan.patch);
  }
  const { size } = await storage.put(plan.storageKey, file, { maxBytes: deps.maxBytes });
  const recording = await keepRecording(db, storage, plan, size, now);
  const finished = { recordId: recording.id, fileSize: size };
  await staging.markFinished(uploadId, finished);
  await staging.discardChunks(uploadId);
  return { ...finished, fileType: meta.fileType, ...(durationMs === undefined ? {} : { durationMs }) };
}
