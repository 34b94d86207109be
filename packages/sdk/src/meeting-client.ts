import type {
  ListParams,
  LivingMeetingAnswer,
  MeetingAnswer,
  MeetingRef,
  ModifyParams,
  OkAnswer,
  RemainingPartiesAnswer,
  RemainingPartiesParams,
  ReserveParams,
  ReserveWithWatermarkParams,
  SiteMeetingListAnswer,
  UserMeetingListAnswer,
} from './types.js';
import { toTransport, type Transport, type TransportOptions } from './transport.js';

/**
 * Booking meetings and listing them: §2.1–2.10, 2.12, 2.16. Token subject `userId`. Times may be given
 * as `Date`s (sent as GMT `yyyy-MM-dd HH:mm:ss`); answers keep the document's text.
 */
export class MeetingClient {
  readonly #transport: Transport;

  constructor(transport: Transport | TransportOptions) {
    this.#transport = toTransport(transport);
  }

  /**
   * Reserves a meeting (§2.1 `confReservation`). 202 when the user has a meeting then, 205 when the
   * site's licence or rooms are used up.
   *
   * @example
   * const { data } = await client.meetings.reserve({
   *   userId: 'u1', userName: 'Alice', confName: 'Weekly', startTime: new Date('2026-06-01T08:00:00Z'),
   *   duration: 60, confParties: 5,
   * });
   * console.log(data.confNumber, data.joinUrl);
   */
  reserve(params: ReserveParams): Promise<MeetingAnswer> {
    return this.#transport.call({ endpoint: 'confReservation', subject: 'userId', params });
  }

  /**
   * Reserves a meeting with a watermark (§2.2 `confReservation2`); `loginName` is required.
   *
   * @example
   * await client.meetings.reserveWithWatermark({ userId: 'u1', userName: 'Alice', loginName: 'alice',
   *   watermark: 1, confName: 'Board', startTime: new Date(), duration: 30, confParties: 4 });
   */
  reserveWithWatermark(params: ReserveWithWatermarkParams): Promise<MeetingAnswer> {
    return this.#transport.call({ endpoint: 'confReservation2', subject: 'userId', params });
  }

  /**
   * One of the user's meetings (§2.3 `getConfDetailByConfId`); cancelled ones too (confStatus 9).
   *
   * @example
   * const { data } = await client.meetings.detail({ userId: 'u1', confId: 42 });
   */
  detail(params: MeetingRef): Promise<MeetingAnswer> {
    return this.#transport.call({ endpoint: 'getConfDetailByConfId', subject: 'userId', params });
  }

  /**
   * Cancels a meeting that is not live (§2.4 `cancelConf`): 401 when it is not the user's or already
   * cancelled, 708 while live, 707 once ended.
   *
   * @example
   * await client.meetings.cancel({ userId: 'u1', confId: 42 });
   */
  cancel(params: MeetingRef): Promise<OkAnswer> {
    return this.#transport.call({ endpoint: 'cancelConf', subject: 'userId', params });
  }

  /**
   * Changes a scheduled meeting, time and parties included (§2.12 `confModify2`). The document requires
   * `confPassword` (empty removes it), `startTime`, `duration` and `confParties` every time.
   *
   * @example
   * await client.meetings.modify({ userId: 'u1', confId: 42, confPassword: '', startTime: new Date(),
   *   duration: 90, confParties: 10 });
   */
  modify(params: ModifyParams): Promise<MeetingAnswer> {
    return this.#transport.call({ endpoint: 'confModify2', subject: 'userId', params });
  }

  /**
   * The user's scheduled meetings, not started, paged (§2.5 `getScheduledConfListByUserId`).
   *
   * @example
   * const { data, totalItems } = await client.meetings.listScheduled({ userId: 'u1', pageSize: 50 });
   * for (const m of data.confInfo) console.log(m.confNumber, m.startTime);
   */
  listScheduled(params: ListParams): Promise<UserMeetingListAnswer> {
    return this.#transport.call({ endpoint: 'getScheduledConfListByUserId', subject: 'userId', params });
  }

  /**
   * The user's live meeting, at most one (§2.6 `getLivingConfByUserId`).
   *
   * @example
   * const [live] = (await client.meetings.getLiving({ userId: 'u1' })).data.confInfo;
   */
  getLiving(params: { userId: string }): Promise<LivingMeetingAnswer> {
    return this.#transport.call({ endpoint: 'getLivingConfByUserId', subject: 'userId', params });
  }

  /**
   * The user's finished meetings, paged (§2.7 `getFinishedConfListByUserId`).
   *
   * @example
   * const { data } = await client.meetings.listFinished({ userId: 'u1', startTime: new Date('2026-05-01T00:00:00Z') });
   */
  listFinished(params: ListParams): Promise<UserMeetingListAnswer> {
    return this.#transport.call({ endpoint: 'getFinishedConfListByUserId', subject: 'userId', params });
  }

  /**
   * The whole site's scheduled meetings, paged (§2.8 `getScheduledConfListBySiteSign`); `userId` signs.
   *
   * @example
   * const { data, totalPage } = await client.meetings.listSiteScheduled({ userId: 'admin', pageNo: 2 });
   */
  listSiteScheduled(params: ListParams): Promise<SiteMeetingListAnswer> {
    return this.#transport.call({ endpoint: 'getScheduledConfListBySiteSign', subject: 'userId', params });
  }

  /**
   * The whole site's live meetings, paged (§2.9 `getLivingConfListBySiteSign`).
   *
   * @example
   * const { totalItems } = await client.meetings.listSiteLiving({ userId: 'admin' });
   */
  listSiteLiving(params: ListParams): Promise<SiteMeetingListAnswer> {
    return this.#transport.call({ endpoint: 'getLivingConfListBySiteSign', subject: 'userId', params });
  }

  /**
   * The whole site's finished meetings, paged (§2.10 `getFinishedConfListBySiteSign`).
   *
   * @example
   * const { data } = await client.meetings.listSiteFinished({ userId: 'admin', pageSize: 100 });
   */
  listSiteFinished(params: ListParams): Promise<SiteMeetingListAnswer> {
    return this.#transport.call({ endpoint: 'getFinishedConfListBySiteSign', subject: 'userId', params });
  }

  /**
   * Concurrent parties still free in a window: the licence less the peak use in it (§2.16
   * `getReMainNumPartis`); `confNumber` leaves one of your meetings out.
   *
   * @example
   * const { remainNumPartis } = await client.meetings.remainingParties({ userId: 'u1', startTime: new Date(), duration: 60 });
   */
  remainingParties(params: RemainingPartiesParams): Promise<RemainingPartiesAnswer> {
    return this.#transport.call({ endpoint: 'getReMainNumPartis', subject: 'userId', params });
  }
}
