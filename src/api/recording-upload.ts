import { PassThrough, Readable } from 'node:stream';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import Type, { type Static } from 'typebox';
import { parameterError } from '../domain/errors.js';
import { keepRecording, planRecording } from '../domain/recordings.js';
import { RecordingTooLargeError, type RecordingStorage } from '../store/recording-storage.js';
import { ok, runSigned, type EndpointDeps } from './endpoint.js';
import { tokenSubjects } from './openapi.js';
import { screenQuery } from './params.js';
import { endpointParams, text } from './schemas.js';

/** Content types a recording may be sent as; the body is the file itself. */
export const RECORDING_MEDIA_TYPES = ['video/mp4', 'audio/mp4', 'audio/x-m4a', 'application/octet-stream'];

const time = (what: string) =>
  Type.String({ minLength: 1, maxLength: 19, description: `${what}, GMT yyyy-MM-dd HH:mm:ss` });

const uploadParams = endpointParams({
  confNumber: Type.String({ pattern: '^[0-9]{10}$', description: 'the meeting’s confNumber' }),
  fileType: Type.Union([Type.Literal('MP4'), Type.Literal('M4A')], { description: 'MP4 video or M4A audio' }),
  recordStart: time('when the recording began'),
  recordEnd: time('when the recording ended'),
  topic: Type.Optional(text(128, 'the recording’s topic; default the meeting’s name')),
  uuid: Type.Optional(text(64, 'the session it belongs to; default the session live at recordStart')),
});

export interface UploadDeps extends EndpointDeps {
  storage: RecordingStorage;
  /** Largest file accepted, in bytes. */
  maxBytes: number;
}

/**
 * `POST /media/v1/recordings`: a media server hands over a finished recording. The body is the file
 * (streamed to storage, never held in memory); the parameters travel in the query string, signed like
 * the API with token subject `confNumber`. Answers `data: {recordId, uuid, fileSize}`.
 *
 * Everything that can be checked before the transfer is checked first, with the token claimed in the
 * same transaction (a refusal there leaves the token unused and nothing stored); then the file is
 * stored; then {@link finishRecording} makes it a recording. A chunked upload would end with the
 * same last step.
 */
export async function recordingUploadRoutes(app: FastifyInstance, deps: UploadDeps): Promise<void> {
  await app.register(async (scope) => {
    // Only the file types parse here (as the raw stream); JSON and forms are not a recording.
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser(RECORDING_MEDIA_TYPES, (_request, payload, done) => done(null, payload));
    closeUnreadBodies(scope);

    const schema = {
      querystring: uploadParams,
      summary: 'Upload a cloud recording',
      description: '§2.19 (media plane)',
    };
    tokenSubjects.set('/media/v1/recordings', 'confNumber');
    scope.post('/media/v1/recordings', { schema, preValidation: screenQuery }, async (request) => {
      const params = request.query as Static<typeof uploadParams>;
      const file = request.body instanceof Readable ? request.body : undefined;
      const declared = declaredLength(request);
      const { plan, body } = await runSigned(
        deps,
        'confNumber',
        params,
        async ({ db, site, now }) => {
          const plan = await planRecording(db, site, params, now);
          if (!file || declared === 0) throw parameterError('file', 'the recording as the request body; it is empty');
          if (declared !== undefined && declared > deps.maxBytes) throw tooLarge(deps.maxBytes);
          return { plan, body: file };
        },
        request,
      );

      const size = await store(deps, plan.storageKey, body);
      if (size === 0) {
        await deps.storage.delete(plan.storageKey);
        throw parameterError('file', 'the recording as the request body; it is empty');
      }
      const recording = await keepRecording(deps.db, deps.storage, plan, size, deps.clock());
      return ok({ data: { recordId: recording.id, uuid: recording.uuid, fileSize: recording.file_size } });
    });
  });
}

/** A refusal answered before the body was read closes the connection rather than reading gigabytes. */
export function closeUnreadBodies(scope: FastifyInstance): void {
  scope.addHook('onSend', async (request, reply) => {
    if (!request.raw.readableEnded && !request.raw.complete) reply.header('connection', 'close');
  });
}

/**
 * Streams the request body into storage; a body over the limit (or cut off) is a 109 and leaves
 * nothing stored.
 */
async function store(deps: UploadDeps, key: string, raw: Readable): Promise<number> {
  // The storage destroys its source on failure; destroying the request itself would drop the
  // connection before the refusal is answered, so it gets a stream of its own.
  const body = new PassThrough();
  const interrupted = new Error('the upload was interrupted');
  raw.on('error', () => body.destroy(interrupted));
  raw.on('close', () => {
    if (!raw.readableEnded) body.destroy(interrupted);
  });
  raw.pipe(body);
  try {
    return (await deps.storage.put(key, body, { maxBytes: deps.maxBytes })).size;
  } catch (err) {
    raw.unpipe(body);
    raw.resume();
    if (err instanceof RecordingTooLargeError) throw tooLarge(deps.maxBytes);
    if (err === interrupted) throw parameterError('file', 'the whole recording; the upload was interrupted');
    throw err;
  }
}

function declaredLength(request: FastifyRequest): number | undefined {
  const header = request.headers['content-length'];
  return header === undefined || !/^[0-9]+$/.test(header) ? undefined : Number(header);
}

function tooLarge(maxBytes: number) {
  return parameterError('file', `a recording of at most ${maxBytes} bytes (HUIGUAN_RECORDING_MAX_BYTES)`);
}
