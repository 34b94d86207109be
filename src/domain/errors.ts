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

/**
 * A refusal the document defines: answered as HTTP 200 `{status: code, message}`, and the request's
 * transaction is rolled back, so a refused request changes nothing.
 */
export class ApiError extends Error {
  /**
   * @param reason a finer, machine-readable cause for the web pages (e.g. `bad_host_key`); the API
   *   answers only the code and message.
   */
  constructor(
    readonly code: StatusCode,
    message: string,
    readonly reason?: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/** 109 for a parameter that is missing or has no usable value; the message names it. */
export function parameterError(name: string, expected: string): ApiError {
  return new ApiError(Code.parameter, `参数 ${name} 无效 (invalid parameter ${name}): ${expected}`);
}
