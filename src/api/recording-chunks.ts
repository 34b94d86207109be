import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { ApiError, pageRefusal } from '../domain/errors.js';
import { requireMayBeginRecording, requireMayUpload } from '../domain/recording-permission.js';
import { keepRecording, planRecording } from '../domain/recordings.js';
import { siteUsable } from '../domain/sites.js';
import { formatDateTime } from '../domain/time.js';
import { applyWebmPatch, scanWebm } from '../media/webm-duration.js';
import type { Db } from '../store/database.js';
import { findMeetingById } from '../store/meetings.repository.js';
import { findTicket, presentByTicket } from '../store/presence.repository.js';
import { RecordingTooLargeError, type RecordingStorage } from '../store/recording-storage.js';
import type { UploadStaging } from '../store/recording-uploads.js';
import {
  claimFinish,
  deleteHeldUpload,
  deleteStaleUploads,
  findUpload,
  insertUploadUnderCap,
  lastParticipationOf,
  markFinished,
  releaseBytes,
  releaseFinish,
  renewFinish,
  reserveBytes,
  unfinishedAmong,
  type UploadRow,
} from '../store/recording-uploads.repository.js';
import { findSiteById } from '../store/sites.repository.js';
import { findUserById } from '../store/users.repository.js';
import { backgroundLoops } from './background.js';
import { sendUploadRefusal } from './errors.js';
import { closeUnreadBodies } from './recording-upload.js';

/** Content types a chunk may be sent as: the recorder's bytes. */
const CHUNK_MEDIA_TYPES = ['video/webm', 'video/mp4', 'application/octet-stream'];
/** Highest chunk index: a chunk every second for more than a day. */
const MAX_INDEX = 99_999;
/**
 * Uploads a meeting may have open at once. The page records one at a time; one more while the last is
 * being saved after a stop and start, and one from a second page of the host (another device), make 3.
 * Each may grow to the recording size limit, so this bounds what one meeting can stage.
 */
export const MAX_OPEN_UPLOADS = 3;
/** An upload without a new chunk this long is abandoned (the recorder sends one a second): deleted, its place freed. */
const ABANDONED_MS = 3_600_000;
/** A finished upload's row is kept this long, so that a repeated finish answers the same recording. */
const FINISHED_KEPT_MS = 2 * 86_400_000;
/** A staged or stored file left half written and untouched this long belongs to a killed process. */
const STALE_PARTIAL_MS = 3_600_000;
/** How often the sweep runs (it also runs at start). */
const SWEEP_EVERY_MS = 600_000;
/** A finish is held this long, renewed while it runs; a process killed while finishing lets go when it ends. */
const FINISH_HOLD_MS = 60_000;
/** How long a finish waits for the same upload's finish elsewhere before answering 409 `finishing`. */
const FINISH_WAIT_MS = 600_000;
/** Bytes reserved at a time for a chunk sent without Content-Length. */
const RESERVE_STEP = 1024 * 1024;

export interface ChunkDeps {
  db: Db;
  clock: () => number;
  storage: RecordingStorage;
  staging: UploadStaging;
  /** Largest recording, in bytes (all chunks together). */
  maxBytes: number;
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
 *   the meeting's host, in the meeting, and allowed to record (`enableCloudRecord`); the meeting may
 *   have {@link MAX_OPEN_UPLOADS} open (409 `too_many_uploads`).
 * - `PUT /web/v1/recordings/<uploadId>/chunks/<index>` (body: the bytes) → `{"index","size","stored"}`;
 *   an index already stored is not stored again. The bytes are reserved against the size limit in the
 *   database before they are written (413 `too_large`), so that no two processes pass it together.
 * - `POST /web/v1/recordings/<uploadId>/finish` `{"chunks":N}` → `{"recordId","fileSize","fileType","durationMs"}`;
 *   chunks 0…N−1 must all be there (409 `missing_chunks` lists the missing ones). One process does the
 *   finish (held in the database); finishing again, anywhere, answers the same recording. A finish
 *   refused for good (recording no longer allowed, meeting gone) deletes the upload.
 *
 * Chunks and the finish need the ticket in the meeting, or out of it for at most 2 minutes (403
 * `not_allowed`; domain/recording-permission.ts). The sweep ({@link sweepRecordingUploads}) runs at start
 * and every 10 minutes (api/background.ts).
 */
export async function recordingChunkRoutes(app: FastifyInstance, deps: ChunkDeps): Promise<void> {
  const { db } = deps;
  const finishing = new Map<string, Promise<object>>();

  /** The upload, when the ticket presented is the one that began it; 404 otherwise. */
  const ownUpload = async (request: FastifyRequest, uploadId: string): Promise<UploadRow> => {
    const upload = /^[0-9a-f]{32}$/.test(uploadId) ? await findUpload(db, uploadId) : undefined;
    if (!upload || upload.ticket !== bearer(request)) throw pageRefusal(404, 'not_found', 'no such upload');
    return upload;
  };

  app.post<{ Body: unknown }>('/web/v1/recordings', async (request, reply) => {
    try {
      const body = (typeof request.body === 'object' && request.body !== null ? request.body : {}) as Record<
        string,
        unknown
      >;
      const fileType =
        body.fileType === 'WEBM' || body.fileType === 'MP4' ? (body.fileType as 'WEBM' | 'MP4') : undefined;
      if (!fileType) throw pageRefusal(400, 'bad_request', 'fileType must be WEBM or MP4');
      const ticket = await findTicket(db, bearer(request));
      if (!ticket) throw pageRefusal(401, 'invalid', 'this ticket is not valid');
      const present =
        ticket.role === 'host' &&
        ticket.state === 'admitted' &&
        (await presentByTicket(db, ticket.token)) !== undefined;
      const meeting = present ? await findMeetingById(db, ticket.meeting_id) : undefined;
      const owner = meeting && (await findUserById(db, meeting.user_pk));
      requireMayBeginRecording({
        role: ticket.role,
        ticketState: ticket.state,
        present,
        ownerMayRecord: owner && owner.enable_cloud_record === 1,
      });
      // Allowed: the meeting and its owner were found.
      const { site_id, id: meetingId } = meeting!;
      const now = deps.clock();
      const uploadId = randomBytes(16).toString('hex');
      const upload = {
        id: uploadId,
        site_id,
        meeting_id: meetingId,
        ticket: ticket.token,
        file_type: fileType,
        started_at: now,
        updated_at: now,
      };
      const opened = await db
        .transaction()
        .execute((trx) => insertUploadUnderCap(trx, upload, MAX_OPEN_UPLOADS, now - ABANDONED_MS));
      if (!opened) {
        throw pageRefusal(
          409,
          'too_many_uploads',
          `this meeting has ${MAX_OPEN_UPLOADS} recording uploads open; finish one before beginning another`,
        );
      }
      return { uploadId };
    } catch (err) {
      return sendUploadRefusal(reply, err);
    }
  });

  await app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser(CHUNK_MEDIA_TYPES, (_request, payload, done) => done(null, payload));
    closeUnreadBodies(scope);
    scope.put<{ Params: { uploadId: string; index: string } }>(
      '/web/v1/recordings/:uploadId/chunks/:index',
      async (request, reply) => {
        try {
          const upload = await ownUpload(request, request.params.uploadId);
          if (upload.record_id !== null || upload.finisher !== null)
            throw pageRefusal(409, 'finished', 'this upload is finished');
          await requireInMeeting(db, upload, deps.clock());
          const index = /^[0-9]{1,5}$/.test(request.params.index) ? Number(request.params.index) : -1;
          if (index < 0 || index > MAX_INDEX) throw pageRefusal(400, 'bad_request', `index must be 0 to ${MAX_INDEX}`);
          if (!(request.body instanceof Readable))
            throw pageRefusal(400, 'bad_request', 'the chunk is the request body');
          return { index, ...(await putChunk(deps, upload.id, index, request.body, declaredLength(request))) };
        } catch (err) {
          return sendUploadRefusal(reply, err);
        }
      },
    );
  });

  app.post<{ Params: { uploadId: string }; Body: unknown }>(
    '/web/v1/recordings/:uploadId/finish',
    async (request, reply) => {
      try {
        const { uploadId } = request.params;
        const upload = await ownUpload(request, uploadId);
        const body = (typeof request.body === 'object' && request.body !== null ? request.body : {}) as Record<
          string,
          unknown
        >;
        const count = body.chunks;
        if (typeof count !== 'number' || !Number.isInteger(count) || count < 1 || count > MAX_INDEX + 1) {
          throw pageRefusal(400, 'bad_request', 'chunks must be the number of chunks sent');
        }
        if (upload.record_id !== null) return finishedAnswer(upload);
        await requireInMeeting(db, upload, deps.clock());
        // One finish at a time per upload in this process; the database decides between processes.
        let running = finishing.get(uploadId);
        if (!running) {
          running = finishOnce(deps, uploadId, count).finally(() => finishing.delete(uploadId));
          finishing.set(uploadId, running);
        }
        return await running;
      } catch (err) {
        return sendUploadRefusal(reply, err);
      }
    },
  );

  await app.register(backgroundLoops, {
    loops: [
      {
        name: 'the sweep of recording uploads',
        everyMs: SWEEP_EVERY_MS,
        atStart: true,
        run: () => sweepRecordingUploads(deps, deps.clock()),
      },
    ],
  });
}

/**
 * Deletes what uploads leave behind: uploads abandoned for an hour (rows and chunks), rows of finished
 * ones after two days, staged chunks that no unfinished upload owns, and the temporary files of writes cut
 * off by a killed process (staged or stored) untouched for an hour. Safe to run in several processes at
 * once; `now` is the clock of the rows, the files' ages are by the machine's clock.
 */
export async function sweepRecordingUploads(
  deps: Pick<ChunkDeps, 'db' | 'staging' | 'storage'>,
  now: number,
): Promise<void> {
  const abandoned = await deleteStaleUploads(deps.db, now - ABANDONED_MS, now - FINISHED_KEPT_MS, now);
  for (const uploadId of abandoned) await deps.staging.discard(uploadId);
  await deps.staging.removeStale((uploadIds) => unfinishedAmong(deps.db, uploadIds), STALE_PARTIAL_MS);
  await deps.storage.removeStale(STALE_PARTIAL_MS);
}

/** Refuses an upload's ticket that is no longer in its meeting (domain/recording-permission.ts). */
async function requireInMeeting(db: Db, upload: UploadRow, now: number): Promise<void> {
  requireMayUpload(await lastParticipationOf(db, upload.meeting_id, upload.ticket), now);
}

/**
 * Stores one chunk, its bytes reserved in the database before they are written: all of them at once when
 * the request says how many (a chunk that cannot fit is refused before a byte is read), else as they come.
 * What is not kept (a refusal, a cut-off body, an index stored already) is given back.
 */
async function putChunk(
  deps: ChunkDeps,
  uploadId: string,
  index: number,
  body: Readable,
  declared: number | undefined,
) {
  const { db, staging } = deps;
  const existing = await staging.chunkSize(uploadId, index);
  if (existing !== undefined) {
    body.resume();
    return { size: existing, stored: false };
  }
  let reserved = 0;
  const reserve = async (bytes: number, wanted = bytes) => {
    if (await reserveBytes(db, uploadId, bytes, deps.maxBytes, deps.clock())) {
      reserved += bytes;
      return;
    }
    // Less than a step may still fit.
    if (wanted < bytes) return reserve(wanted);
    const current = await findUpload(db, uploadId);
    if (!current) throw pageRefusal(404, 'not_found', 'no such upload');
    if (current.record_id !== null || current.finisher !== null)
      throw pageRefusal(409, 'finished', 'this upload is finished');
    throw new RecordingTooLargeError(deps.maxBytes);
  };
  try {
    if (declared !== undefined && declared > 0) await reserve(declared);
    const { size, stored } = await staging.putChunk(uploadId, index, body, async (size) => {
      if (size > reserved) await reserve(Math.max(RESERVE_STEP, size - reserved), size - reserved);
    });
    await releaseBytes(db, uploadId, stored ? reserved - size : reserved);
    return stored ? { size, stored } : { size: (await staging.chunkSize(uploadId, index)) ?? size, stored };
  } catch (err) {
    await releaseBytes(db, uploadId, reserved);
    throw err;
  }
}

function declaredLength(request: FastifyRequest): number | undefined {
  const header = request.headers['content-length'];
  return header === undefined || !/^[0-9]{1,15}$/.test(header) ? undefined : Number(header);
}

/** The answer of a finished upload, the same whoever finished it and however often it is asked. */
function finishedAnswer(upload: UploadRow): object {
  return {
    recordId: upload.record_id,
    fileSize: upload.file_size,
    fileType: upload.file_type,
    ...(upload.duration_ms === null ? {} : { durationMs: upload.duration_ms }),
  };
}

/** The process that finishes an upload lost its hold before making the recording. */
class LostFinish extends Error {}

/**
 * Finishes the upload once, whichever process is asked and however often: the finish is taken in the
 * database; whoever does not get it waits for whoever did, and answers their recording.
 */
async function finishOnce(deps: ChunkDeps, uploadId: string, count: number): Promise<object> {
  const finisher = randomBytes(16).toString('hex');
  const giveUpAt = Date.now() + FINISH_WAIT_MS;
  for (;;) {
    const held = await claimFinish(deps.db, uploadId, finisher, deps.clock() + FINISH_HOLD_MS, deps.clock());
    if (held) {
      try {
        return await finishHeld(deps, held, finisher, count);
      } catch (err) {
        if (!(err instanceof LostFinish)) throw err;
      }
    }
    const current = await findUpload(deps.db, uploadId);
    if (!current) throw pageRefusal(404, 'not_found', 'no such upload');
    if (current.record_id !== null) return finishedAnswer(current);
    if (Date.now() > giveUpAt) throw pageRefusal(409, 'finishing', 'this upload is being finished; ask again');
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** Finishes an upload whose finish `finisher` holds. */
async function finishHeld(deps: ChunkDeps, upload: UploadRow, finisher: string, count: number): Promise<object> {
  const { db, staging } = deps;
  const uploadId = upload.id;
  const renewal = setInterval(() => {
    renewFinish(db, uploadId, finisher, deps.clock() + FINISH_HOLD_MS).catch(() => undefined);
  }, FINISH_HOLD_MS / 3).unref();
  try {
    const sizes = await staging.chunks(uploadId);
    const missing = Array.from({ length: count }, (_, i) => i).filter((i) => !sizes.has(i));
    if (missing.length > 0) {
      await releaseFinish(db, uploadId, finisher);
      throw pageRefusal(409, 'missing_chunks', 'some chunks have not arrived', { missing });
    }
    try {
      return await makeRecording(deps, upload, finisher, count);
    } catch (err) {
      if (err instanceof LostFinish) throw err;
      if (err instanceof ApiError || err instanceof RecordingTooLargeError) {
        // Refused for good: nothing will make this upload a recording, so nothing of it is kept.
        await deleteHeldUpload(db, uploadId, finisher);
        await staging.discard(uploadId);
      } else {
        await releaseFinish(db, uploadId, finisher);
      }
      throw err;
    }
  } finally {
    clearInterval(renewal);
  }
}

async function makeRecording(deps: ChunkDeps, upload: UploadRow, finisher: string, count: number): Promise<object> {
  const { db, staging, storage } = deps;
  const now = deps.clock();
  const site = await findSiteById(db, upload.site_id);
  const meeting = await findMeetingById(db, upload.meeting_id);
  if (!site || !meeting || !siteUsable(site, now)) throw pageRefusal(404, 'not_found', 'the meeting is gone');
  const second = (ms: number) => Math.floor(ms / 1000) * 1000;
  // The process finishing may run a little behind the one that began the upload.
  const plan = await planRecording(
    db,
    site,
    {
      confNumber: meeting.conf_number,
      fileType: upload.file_type,
      recordStart: formatDateTime(second(upload.started_at)),
      recordEnd: formatDateTime(second(Math.max(now, upload.started_at))),
    },
    now,
  );

  // A live recorder's WebM has no duration: it is measured from the blocks and written in.
  let durationMs: number | null = null;
  let file: Readable = Readable.from(staging.read(upload.id, count));
  if (upload.file_type === 'WEBM') {
    const scan = await scanWebm(staging.read(upload.id, count));
    durationMs = scan.durationMs ?? null;
    if (scan.patch) file = applyWebmPatch(staging.read(upload.id, count), scan.patch);
  }
  const { size } = await storage.put(plan.storageKey, file, { maxBytes: deps.maxBytes });
  const finished = { recordId: 0, fileSize: size, durationMs };
  await keepRecording(db, storage, plan, size, now, async (trx, recording) => {
    finished.recordId = recording.id;
    if (!(await markFinished(trx, upload.id, finisher, finished, now))) throw new LostFinish();
  });
  await staging.discard(upload.id);
  return finishedAnswer({ ...upload, record_id: finished.recordId, file_size: size, duration_ms: durationMs });
}
