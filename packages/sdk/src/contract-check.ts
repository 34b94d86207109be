/**
 * Compile-time checks, no code: every method's parameters are the server's (`WireParams`, which `npm run sdk-types`
 * generates from the route schemas). After a route's schema changes and the contract is regenerated, the SDK fails
 * to compile until it follows; the error names the endpoint that drifted.
 *
 * Where the SDK differs on purpose, the check says how:
 * - a GMT time may be a `Date` (`TimeInput`): the transport sends it as the document's text;
 * - a form carries every value as text, so values are compared as the text they travel as: `isNeedCreate`'s
 *   `boolean | 0 | 1 | 2` is the server's `"true" | "false" | "0" | "1" | "2"`, a 0/1 switch the server's `0 | 1`;
 * - media events (JSON): the SDK's union is stricter than the schema, which leaves it to the domain (a join carries
 *   the participant with its name and role, a leave the participant), so each event must fit the schema and have
 *   the schema's fields, its types and participant;
 * - endpoints without an SDK method are named in {@link NotInSdk}.
 */
import type { WireParams } from './contract.generated.js';
import type { HostClient } from './host-client.js';
import type { LiveClient } from './live-client.js';
import type { MediaClient } from './media-client.js';
import type { MeetingClient } from './meeting-client.js';
import type { RecordingClient } from './recording-client.js';
import type { RegistrationClient } from './registration-client.js';
import type { StatisticsClient } from './statistics-client.js';
import type { UserClient } from './user-client.js';
import type { WebhookClient } from './webhook-client.js';

/** Endpoints the SDK has no method for. */
export type NotInSdk = never;

/** What a method takes: its parameters object, or none. */
type In<M extends (...args: never[]) => unknown> =
  Parameters<M> extends [] ? Record<string, never> : NonNullable<Parameters<M>[0]>;

/** Each endpoint's parameters as its SDK method takes them. */
interface SdkParams {
  confReservation: In<MeetingClient['reserve']>;
  confReservation2: In<MeetingClient['reserveWithWatermark']>;
  getConfDetailByConfId: In<MeetingClient['detail']>;
  cancelConf: In<MeetingClient['cancel']>;
  getScheduledConfListByUserId: In<MeetingClient['listScheduled']>;
  getLivingConfByUserId: In<MeetingClient['getLiving']>;
  getFinishedConfListByUserId: In<MeetingClient['listFinished']>;
  getScheduledConfListBySiteSign: In<MeetingClient['listSiteScheduled']>;
  getLivingConfListBySiteSign: In<MeetingClient['listSiteLiving']>;
  getFinishedConfListBySiteSign: In<MeetingClient['listSiteFinished']>;
  getConfLogListByConfId: In<LiveClient['report']>;
  confModify2: In<MeetingClient['modify']>;
  endConf: In<LiveClient['end']>;
  openingconfModify: In<LiveClient['extend']>;
  getLiveDetail: In<LiveClient['participants']>;
  getReMainNumPartis: In<MeetingClient['remainingParties']>;
  createOrUpdateUser: In<UserClient['createOrUpdate']>;
  changeUserIdDataCenter: In<UserClient['changeDataCenter']>;
  getCloudFileList: In<RecordingClient['list']>;
  delUserByUserId: In<UserClient['delete']>;
  getUserByUserId: In<UserClient['get']>;
  getConfRecordTimeBySiteSign: In<StatisticsClient['confRecordTime']>;
  getConfCountBySiteSign: In<StatisticsClient['confCount']>;
  getUserCountsBySiteSign: In<StatisticsClient['userCounts']>;
  changeRcPort: In<HostClient['changeRcPort']>;
  getConfLogListByConfId2: In<LiveClient['sessionReport']>;
  getConfChatListByConfId: In<LiveClient['chat']>;
  getTotalConfTimeForEveryDay: In<StatisticsClient['totalConfTimeForEveryDay']>;
  getAllJoinTimeForEveryDay: In<StatisticsClient['allJoinTimeForEveryDay']>;
  getHostKeyByConfNumber: In<HostClient['getHostKey']>;
  regenerateHostKey: In<HostClient['regenerateHostKey']>;
  getLiveDetail2: In<LiveClient['participantsIncludingLeft']>;
  updateRegistrationQuestions: In<RegistrationClient['updateQuestions']>;
  addRegistrant: In<RegistrationClient['addRegistrant']>;
  getRegistrants: In<RegistrationClient['getRegistrants']>;
  updateRegistrantStatus: In<RegistrationClient['updateRegistrantStatus']>;
  '/media/v1/events': In<MediaClient['sendEvents']>;
  '/webhooks/v1/createEndpoint': In<WebhookClient['createEndpoint']>;
  '/webhooks/v1/listEndpoints': In<WebhookClient['listEndpoints']>;
  '/webhooks/v1/deleteEndpoint': In<WebhookClient['deleteEndpoint']>;
  '/webhooks/v1/events': In<WebhookClient['events']>;
}

/** A value as JSON carries it: a `Date` as the document's GMT text. */
type Json<V> = V extends Date
  ? string
  : V extends readonly (infer I)[]
    ? Json<I>[]
    : V extends object
      ? { [K in keyof V]: Json<V[K]> }
      : V;

/** A parameter as a form carries it: a `Date` as GMT text, a number or boolean as its text, a list as JSON text. */
type FormValue<V> = V extends Date ? string : V extends number | boolean ? `${V}` : Json<V>;

/** Parameters as a form carries them. */
type Form<P> = { [K in keyof P]: FormValue<P[K]> };

/** `true` when `A` and `B` are the same type: the same properties, each as required and of the same type. */
type Same<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;

/** Compiles only when `T` is `true`. */
type Assert<T extends true> = T;

/** Every property name of a union's members. */
type Keys<T> = T extends unknown ? keyof T : never;

/** `true` when each member of the union `T` has exactly the properties `K`. */
type EachHas<T, K> = Same<T extends unknown ? Same<keyof T, K> : never, true>;

/** Property `K` of whichever members of the union `T` have it. */
type Field<T, K extends PropertyKey> = T extends unknown ? (K extends keyof T ? T[K] : never) : never;

/** The form endpoints whose parameters differ from the server's schema: never, or their names. */
type FormDrift = {
  [E in Exclude<keyof WireParams, NotInSdk | '/media/v1/events'>]: Same<
    Form<SdkParams[E]>,
    Form<WireParams[E]>
  > extends true
    ? never
    : E;
}[Exclude<keyof WireParams, NotInSdk | '/media/v1/events'>];

type SdkEvent = SdkParams['/media/v1/events']['events'][number];
type WireEvent = WireParams['/media/v1/events']['events'][number];

/** The media events the SDK sends, checked part by part: a failing entry says which part drifted. */
interface MediaDrift {
  /** Each of the SDK's events is one the server accepts. */
  fits: Json<SdkEvent> extends Json<WireEvent> ? true : false;
  /** The SDK's events have the schema's fields and its event types. */
  fields: Same<Keys<SdkEvent>, keyof WireEvent>;
  types: Same<SdkEvent['type'], WireEvent['type']>;
  /** The participant is the schema's, whatever the SDK requires of it. */
  participantFields: EachHas<NonNullable<Field<SdkEvent, 'participant'>>, keyof NonNullable<WireEvent['participant']>>;
  /** The rest of the call is the schema's. */
  call: Same<Json<Omit<SdkParams['/media/v1/events'], 'events'>>, Json<Omit<WireParams['/media/v1/events'], 'events'>>>;
}

/** Endpoints without an SDK method (but {@link NotInSdk}). */
type Missing = Exclude<keyof WireParams, NotInSdk | keyof SdkParams>;

/** Entries of {@link SdkParams} that name no endpoint, or one of {@link NotInSdk}. */
type Unknown = Exclude<keyof SdkParams, keyof WireParams> | Extract<keyof SdkParams, NotInSdk>;

/** Holds when the SDK has a method for every endpoint but {@link NotInSdk}; otherwise the error names the rest. */
export type EveryEndpoint = Assert<
  [Missing | Unknown] extends [never] ? true : { missing: Missing & {}; unknown: Unknown & {} }
>;

/** Holds when every form endpoint's parameters are the server's; otherwise the error names the endpoints. */
export type FormParamsMatch = Assert<[FormDrift] extends [never] ? true : { drifted: FormDrift & {} }>;

/** The parts of {@link MediaDrift} that fail: never, or their names. */
type MediaFailures = { [K in keyof MediaDrift]: MediaDrift[K] extends true ? never : K }[keyof MediaDrift];

/** Holds when the media events fit the server's schema; otherwise the error names the parts that drifted. */
export type MediaEventsMatch = Assert<[MediaFailures] extends [never] ? true : { drifted: MediaFailures & {} }>;
