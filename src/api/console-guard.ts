/**
 * The console's session cookie and its guards against cross-site requests (docs/decisions.md, "Console"):
 * the cookie is HttpOnly, SameSite=Lax, Path=/console and Secure when the request came over HTTPS; every
 * state-changing call must come from this server's own origin, as JSON, and (once signed in) carry the
 * session's CSRF token in `X-CSRF-Token`.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { CONSOLE_SESSION, csrfTokenMatches, resumeSession, type ConsoleSignedIn } from '../domain/console-sessions.js';
import { pageRefusal } from '../domain/errors.js';
import type { Db } from '../store/database.js';

export const SESSION_COOKIE = 'huiguan_console';
const COOKIE_PATH = '/console';
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

declare module 'fastify' {
  interface FastifyRequest {
    /** The console's signed-in account, set by {@link needSession}. */
    consoleSignedIn: ConsoleSignedIn | null;
  }
}

/** The session id the request's cookie carries, if any. */
export function sessionCookie(request: FastifyRequest): string | undefined {
  for (const part of (request.headers.cookie ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === SESSION_COOKIE) {
      const value = part.slice(eq + 1).trim();
      return /^[A-Za-z0-9_-]{1,128}$/.test(value) ? value : undefined;
    }
  }
  return undefined;
}

function cookie(request: FastifyRequest, value: string, maxAgeSeconds: number): string {
  const secure = request.protocol === 'https' ? '; Secure' : '';
  return `${SESSION_COOKIE}=${value}; Path=${COOKIE_PATH}; Max-Age=${maxAgeSeconds}; HttpOnly; SameSite=Lax${secure}`;
}

export function setSessionCookie(request: FastifyRequest, reply: FastifyReply, sessionId: string): void {
  reply.header('set-cookie', cookie(request, sessionId, Math.floor(CONSOLE_SESSION.lifetimeMs / 1000)));
}

export function clearSessionCookie(request: FastifyRequest, reply: FastifyReply): void {
  reply.header('set-cookie', cookie(request, '', 0));
}

/**
 * Refuses a state-changing request that a page of another site could have sent: an `Origin` other than
 * this server's (as the request names it, or `publicUrl`), a `Sec-Fetch-Site` other than same-origin, or a
 * body that is not JSON (a cross-site form cannot send JSON without asking first). Safe methods pass.
 */
export function refuseCrossSite(request: FastifyRequest, publicUrl: string): void {
  if (SAFE_METHODS.has(request.method)) return;
  const origin = request.headers.origin;
  if (origin !== undefined) {
    const own = new Set([`${request.protocol}://${request.host}`, new URL(publicUrl).origin]);
    if (!own.has(origin)) throw pageRefusal(403, 'bad_origin', `来源不被接受 (requests from ${origin} are refused)`);
  }
  const fetchSite = request.headers['sec-fetch-site'];
  if (fetchSite !== undefined && fetchSite !== 'same-origin' && fetchSite !== 'none')
    throw pageRefusal(403, 'bad_origin', '跨站请求被拒绝 (cross-site requests are refused)');
  const type = request.headers['content-type'];
  if (type !== undefined && !/^application\/json\s*(;|$)/i.test(type))
    throw pageRefusal(415, 'bad_request', '请求须为 JSON (the body must be JSON)');
}

/**
 * A route's guard: the request must come from a signed-in session (401 `signed_out` otherwise), and when
 * it changes anything, carry the session's CSRF token (403 `bad_csrf`).
 */
export function needSession(db: Db, clock: () => number) {
  return async (request: FastifyRequest): Promise<void> => {
    const sessionId = sessionCookie(request);
    const signedIn = sessionId === undefined ? undefined : await resumeSession(db, sessionId, clock());
    if (!signedIn) throw pageRefusal(401, 'signed_out', '请先登录 (sign in first)');
    if (!SAFE_METHODS.has(request.method)) {
      const presented = request.headers['x-csrf-token'];
      if (!csrfTokenMatches(signedIn.sessionId, typeof presented === 'string' ? presented : undefined))
        throw pageRefusal(403, 'bad_csrf', '请求缺少有效的 CSRF 令牌 (the request lacks the session’s CSRF token)');
    }
    request.consoleSignedIn = signedIn;
  };
}

/** The signed-in account of a route guarded by {@link needSession}. */
export function signedIn(request: FastifyRequest): ConsoleSignedIn {
  if (!request.consoleSignedIn) throw new Error('route lacks the needSession guard');
  return request.consoleSignedIn;
}
