import { StatusCodes } from './contract.generated.js';

/**
 * The document's status codes (§1.2). A call that resolves answered {@link Status.ok}; every other
 * code arrives as an {@link ApiError}.
 *
 * @example
 * if (err instanceof ApiError && err.status === Status.timeConflict) console.log('the host is busy then');
 */
export const Status = {
  ok: 100,
  /** 101: the userId is not known to the site. */
  accountNotFound: 101,
  /** 102: the token does not match (wrong API key or subject). */
  authFailed: 102,
  /** 103: internal error, or a feature the server does not support. */
  internal: 103,
  /** 104: a meeting parameter is well-formed but not allowed (name, password, …). */
  meetingParameter: 104,
  /** 106: the siteSign names no usable site (unknown, expired, deleted). */
  siteInvalid: 106,
  /** 109: a parameter is missing or invalid; the message names it. */
  parameter: 109,
  updateFailed: 112,
  /** 201: outside the meeting's time window. */
  outsideMeetingTime: 201,
  /** 202: the user already has a meeting at that time. */
  timeConflict: 202,
  /** 205: no licence capacity or room left. */
  noRoomResource: 205,
  /** 301: the virtual room expires before the meeting ends. */
  roomExpired: 301,
  /** 401: meeting not found, cancelled, or not this user's. */
  meetingNotFound: 401,
  roomNotFound: 402,
  /** 704: timeStamp outside the server's window, or the token was already used. */
  tokenExpired: 704,
  meetingNotPastEnd: 705,
  /** 707: the meeting has ended. */
  meetingEnded: 707,
  /** 708: the meeting is in the wrong state for this call (e.g. live, or not live). */
  wrongState: 708,
  meetingStarting: 709,
} as const;

// The codes come from the server (contract.generated.ts, `npm run sdk-types`); the two assignments make the
// compiler refuse any difference in names or values, and keep the documentation of each code above.
const fromServer: typeof StatusCodes = Status;
const toServer: typeof Status = StatusCodes;
void fromServer;
void toServer;

/** One of the document's status codes; other numbers are possible from a newer server. */
export type StatusCode = (typeof Status)[keyof typeof Status];

/**
 * The server understood the call and refused it: its answer's `status` is not 100. Nothing was changed
 * by a refused call (the server rolls it back), so it may be retried once the cause is fixed.
 *
 * @example
 * try {
 *   await client.meetings.cancel({ userId: 'u1', confId: 42 });
 * } catch (err) {
 *   if (err instanceof ApiError && err.status === 401) console.log('no such meeting');
 *   else throw err;
 * }
 */
export class ApiError extends Error {
  override readonly name = 'ApiError';

  /**
   * @param status the document's code (e.g. 202 for a time conflict)
   * @param message the server's message, naming the parameter at fault
   * @param endpoint the endpoint called, e.g. `confReservation` or `/media/v1/events`
   */
  constructor(
    readonly status: number,
    message: string,
    readonly endpoint: string,
  ) {
    super(message);
  }
}

/**
 * The call did not get an API answer: the network failed, the timeout passed, the server answered an
 * HTTP error (then `httpStatus` is set, and `status` when the body carried one), or the body was not the
 * JSON answer of the API. Whether the server acted on the call is unknown.
 *
 * @example
 * if (err instanceof TransportError && err.httpStatus === undefined) console.log('server unreachable');
 */
export class TransportError extends Error {
  override readonly name = 'TransportError';

  constructor(
    message: string,
    readonly endpoint: string,
    readonly details: { httpStatus?: number; status?: number; cause?: unknown } = {},
  ) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
  }

  /** The HTTP status code, when an HTTP answer came. */
  get httpStatus(): number | undefined {
    return this.details.httpStatus;
  }

  /** The document's code, when an HTTP error answer carried one (e.g. 109 with HTTP 413). */
  get status(): number | undefined {
    return this.details.status;
  }
}
