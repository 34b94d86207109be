/**
 * The codes each endpoint answers besides 100, for the OpenAPI document. The answers' shapes live in
 * `contract/answers.ts`; `successResponses` is re-exported here for the documentation's callers.
 */
import { Code } from '../domain/errors.js';

export { successResponses } from '../contract/answers.js';

/** Codes every signed call may answer: parameters, site, token. */
const AUTH_CODES = [Code.authFailed, Code.siteInvalid, Code.parameter, Code.tokenExpired, Code.internal];
const MEETING = [Code.accountNotFound, Code.meetingNotFound];

/** The document's codes each endpoint answers besides 100 (and the authentication ones). */
export const endpointCodes: Record<string, number[]> = {
  confReservation: [
    Code.meetingParameter,
    Code.outsideMeetingTime,
    Code.timeConflict,
    Code.noRoomResource,
    Code.roomExpired,
  ],
  confReservation2: [
    Code.meetingParameter,
    Code.outsideMeetingTime,
    Code.timeConflict,
    Code.noRoomResource,
    Code.roomExpired,
  ],
  getConfDetailByConfId: MEETING,
  cancelConf: [...MEETING, Code.meetingEnded, Code.wrongState],
  confModify2: [
    ...MEETING,
    Code.meetingParameter,
    Code.outsideMeetingTime,
    Code.timeConflict,
    Code.noRoomResource,
    Code.roomExpired,
    Code.meetingEnded,
    Code.wrongState,
  ],
  endConf: [...MEETING, Code.meetingEnded, Code.wrongState],
  openingconfModify: [
    ...MEETING,
    Code.meetingParameter,
    Code.timeConflict,
    Code.noRoomResource,
    Code.meetingEnded,
    Code.wrongState,
  ],
  getLiveDetail: [Code.meetingNotFound],
  getLiveDetail2: [Code.meetingNotFound],
  getConfLogListByConfId: MEETING,
  getConfLogListByConfId2: MEETING,
  getConfChatListByConfId: MEETING,
  createOrUpdateUser: [Code.accountNotFound, Code.noRoomResource],
  changeUserIdDataCenter: [Code.accountNotFound],
  delUserByUserId: [Code.accountNotFound, Code.wrongState],
  getUserByUserId: [Code.accountNotFound],
  getCloudFileList: [Code.meetingNotFound],
  changeRcPort: [Code.meetingNotFound],
  getHostKeyByConfNumber: [Code.meetingNotFound, Code.accountNotFound],
  regenerateHostKey: [Code.accountNotFound],
  updateRegistrationQuestions: [...MEETING, Code.meetingEnded],
  addRegistrant: [...MEETING, Code.meetingEnded],
  getRegistrants: [...MEETING, Code.meetingEnded],
  updateRegistrantStatus: [...MEETING, Code.meetingEnded],
  '/media/v1/events': [
    Code.meetingNotFound,
    Code.outsideMeetingTime,
    Code.noRoomResource,
    Code.meetingEnded,
    Code.wrongState,
  ],
  '/media/v1/recordings': [Code.meetingNotFound],
  '/webhooks/v1/deleteEndpoint': [],
};

export function errorCodesOf(name: string): number[] {
  return [...new Set([...AUTH_CODES, ...(endpointCodes[name] ?? [])])].sort((a, b) => a - b);
}
