/** The document's status codes (§1.2) that this server answers with. */
export const Code = {
  ok: 100,
  accountNotFound: 101,
  authFailed: 102,
  internal: 103,
  meetingParameter: 104,
  siteInvalid: 106,
  parameter: 109,
  updateFailed: 112,
  outsideMeetingTime: 201,
  timeConflict: 202,
  noRoomResource: 205,
  roomExpired: 301,
  meetingNotFound: 401,
  roomNotFound: 402,
  tokenExpired: 704,
  meetingNotPastEnd: 705,
  meetingEnded: 707,
  wrongState: 708,
  meetingStarting: 709,
} as const;

export type StatusCode = (typeof Code)[keyof typeof Code];

/** What a refusal says besides its code and message; each transport takes what it shows. */
export interface ErrorDetails {
  /** A finer, machine-readable cause for the pages and uploads (e.g. `bad_host_key`, `missing_chunks`). */
  reason?: string | undefined;
  /** The HTTP status the pages and uploads answer with; default: chosen by each transport from the code. */
  http?: number | undefined;
  /** More fields of a page's or upload's answer (e.g. `missing: [2, 5]`). */
  extra?: Readonly<Record<string, unknown>> | undefined;
}

/**
 * The one refusal of this server, whatever the transport: the document's code and message, and for the
 * pages and uploads a reason and an HTTP status. The request's transaction is rolled back, so a refused
 * request changes nothing. One mapper per transport turns it into an answer (api/errors.ts): the API's
 * `{status, message}` with HTTP 200, the pages' and uploads' `{error, message}` with their HTTP status.
 */
export class ApiError extends Error {
  readonly reason: string | undefined;
  readonly http: number | undefined;
  readonly extra: Readonly<Record<string, unknown>>;

  /** @param details a reason (text, as a shorthand) or {@link ErrorDetails}. */
  constructor(
    readonly code: StatusCode,
    message: string,
    details: string | ErrorDetails = {},
  ) {
    super(message);
    this.name = 'ApiError';
    const { reason, http, extra } =
      typeof details === 'string' ? { reason: details, http: undefined, extra: undefined } : details;
    this.reason = reason;
    this.http = http;
    this.extra = extra ?? {};
  }
}

/** The document's code standing for an HTTP refusal of a page or an upload (its answer shows only `reason`). */
const CODE_OF_HTTP: Readonly<Record<number, StatusCode>> = {
  400: Code.parameter,
  401: Code.authFailed,
  403: Code.authFailed,
  404: Code.meetingNotFound,
  409: Code.wrongState,
};

/** A refusal of a page's or upload's call: `{error: reason, message, ...extra}` with HTTP `http`. */
export function pageRefusal(http: number, reason: string, message: string, extra?: Record<string, unknown>): ApiError {
  return new ApiError(CODE_OF_HTTP[http] ?? Code.parameter, message, { reason, http, extra });
}

/** 109 for a parameter that is missing or has no usable value; the message names it. */
export function parameterError(name: string, expected: string): ApiError {
  return new ApiError(Code.parameter, `参数 ${name} 无效 (invalid parameter ${name}): ${expected}`);
}
