import type { FastifyError, FastifyInstance, FastifyReply } from 'fastify';
import { EntryLocked } from '../domain/entry-guard.js';
import { ApiError, Code } from '../domain/errors.js';
import { RecordingTooLargeError } from '../store/recording-storage.js';
import { validationMessage } from './validation-message.js';

/**
 * The API's mapper: one place turns every failure into the document's `{status, message}`:
 * - the document's refusals (ApiError, schema failures → 109) answer HTTP 200, as the vendor does;
 * - a body that cannot be read answers its HTTP 4xx with 109; an unknown path answers 404 with 103;
 * - anything unexpected answers 103 with no internals, and is logged in full.
 */
export function installErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((thrown: unknown, request, reply) => {
    if (thrown instanceof ApiError) {
      return reply.code(thrown.http === 429 ? 429 : 200).send({ status: thrown.code, message: thrown.message });
    }
    const error = thrown as FastifyError;
    if (error.statusCode === 429) {
      return reply.code(429).send({ status: Code.internal, message: error.message });
    }
    if (error.validation) {
      return reply.code(200).send({ status: Code.parameter, message: validationMessage(error.validation) });
    }
    const httpStatus = error.statusCode ?? 500;
    if (httpStatus >= 400 && httpStatus < 500) {
      request.log.info({ code: error.code }, 'unreadable request');
      return reply
        .code(httpStatus)
        .send({ status: Code.parameter, message: `请求无法解析 (unreadable request: ${clientReason(error)})` });
    }
    request.log.error({ err: error }, 'internal error');
    return reply.code(200).send({ status: Code.internal, message: '服务器内部错误 (internal server error)' });
  });

  app.setNotFoundHandler((request, reply) => {
    return reply.code(404).send({
      status: Code.internal,
      message: `不支持的接口 (no endpoint ${request.method} ${request.url.split('?')[0]})`,
    });
  });
}

/**
 * The pages' mapper (docs/web-protocol.md): a refusal answers `{error, message}` with its HTTP status,
 * `error` being its reason, else one chosen from the document's code. Anything else is thrown on.
 */
export function sendPageRefusal(reply: FastifyReply, err: unknown) {
  if (!(err instanceof ApiError)) throw err;
  if (err instanceof EntryLocked) reply.header('retry-after', String(err.retryAfterSeconds));
  const [http, error] =
    err.reason !== undefined
      ? [err.http ?? (err.code === Code.authFailed ? 403 : 409), err.reason]
      : err.code === Code.meetingNotFound
        ? [404, 'not_found']
        : err.code === Code.authFailed
          ? [403, 'bad_password']
          : err.code === Code.meetingEnded
            ? [409, 'ended']
            : err.code === Code.outsideMeetingTime
              ? [409, 'too_early']
              : err.code === Code.parameter
                ? [400, 'bad_name']
                : [409, 'refused'];
  return reply.code(http).send({ error, message: err.message, ...err.extra });
}

/**
 * The uploads' mapper (the page's recording chunks, docs/media.md): `{error, message, ...extra}` with the
 * refusal's HTTP status; a recording too large 413 `too_large`; the document's refusals without one
 * (recording not allowed, meeting cancelled) 403 `not_allowed`. Anything else is thrown on.
 */
export function sendUploadRefusal(reply: FastifyReply, err: unknown) {
  if (err instanceof RecordingTooLargeError) return reply.code(413).send({ error: 'too_large', message: err.message });
  if (!(err instanceof ApiError)) throw err;
  if (err.http !== undefined && err.reason !== undefined)
    return reply.code(err.http).send({ error: err.reason, message: err.message, ...err.extra });
  return reply.code(403).send({ error: 'not_allowed', message: err.message });
}

/**
 * The recording links' mapper (downloadUrl, playUrl, opened by a browser or a player): the refusal's
 * message as plain text, with its HTTP status (default 403), never cached.
 */
export function sendLinkRefusal(reply: FastifyReply, err: ApiError) {
  return reply
    .code(err.http ?? 403)
    .type('text/plain; charset=utf-8')
    .header('cache-control', 'no-store')
    .send(`${err.message}\n`);
}

function clientReason(error: FastifyError): string {
  switch (error.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return 'body too large';
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return 'content type not supported; send application/x-www-form-urlencoded or application/json';
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return 'empty JSON body';
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
    default:
      return error.code === 'FST_ERR_CTP_INVALID_CONTENT_LENGTH'
        ? 'content length does not match the body'
        : 'malformed body';
  }
}
