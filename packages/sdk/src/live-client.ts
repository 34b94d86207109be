import type {
  ChatAnswer,
  ChatParams,
  ExtendParams,
  LiveDetail2Answer,
  LiveDetailAnswer,
  LiveDetailParams,
  MeetingAnswer,
  MeetingRef,
  OkAnswer,
  ReportAnswer,
  ReportParams,
  SessionReportAnswer,
} from './types.js';
import { toTransport, type Transport, type TransportOptions } from './transport.js';

/**
 * Live meetings and what happened in them: §2.11, 2.13–2.15, 2.26, 2.30. Token subject `userId`, except
 * the live detail calls (`confNo`).
 */
export class LiveClient {
  readonly #transport: Transport;

  constructor(transport: Transport | TransportOptions) {
    this.#transport = toTransport(transport);
  }

  /**
   * Ends a live meeting for good (§2.13 `endConf`); everyone in it leaves. 708 when it is not live.
   *
   * @example
   * await client.live.end({ userId: 'u1', confId: 42 });
   */
  end(params: MeetingRef): Promise<OkAnswer> {
    return this.#transport.call({ endpoint: 'endConf', subject: 'userId', params });
  }

  /**
   * Extends a live meeting by minutes and parties (§2.14 `openingconfModify`).
   *
   * @example
   * const { data } = await client.live.extend({ userId: 'u1', confId: 42, addDuration: 30 });
   */
  extend(params: ExtendParams): Promise<MeetingAnswer> {
    return this.#transport.call({ endpoint: 'openingconfModify', subject: 'userId', params });
  }

  /**
   * Who is in a live meeting now (§2.15 `getLiveDetail`, token subject `confNo`); empty when not live.
   *
   * @example
   * const { data } = await client.live.participants({ confNo: '1234567890' });
   * for (const p of data) console.log(p.userName, p.joinTime);
   */
  participants(params: LiveDetailParams): Promise<LiveDetailAnswer> {
    return this.#transport.call({ endpoint: 'getLiveDetail', subject: 'confNo', params });
  }

  /**
   * Everyone of the live session, those who left included with their `leaveTime` (§2.30
   * `getLiveDetail2`, token subject `confNo`).
   *
   * @example
   * const { data } = await client.live.participantsIncludingLeft({ confNo: '1234567890' });
   */
  participantsIncludingLeft(params: LiveDetailParams): Promise<LiveDetail2Answer> {
    return this.#transport.call({ endpoint: 'getLiveDetail2', subject: 'confNo', params });
  }

  /**
   * The meeting's join and leave log, paged (§2.11 `getConfLogListByConfId`).
   *
   * @example
   * const { data, totalItems } = await client.live.report({ userId: 'u1', confId: 42 });
   * for (const row of data.logs) console.log(row.participantName, row.joinTime, row.leaveTime);
   */
  report(params: ReportParams): Promise<ReportAnswer> {
    return this.#transport.call({ endpoint: 'getConfLogListByConfId', subject: 'userId', params });
  }

  /**
   * The log grouped by session `uuid`, with `recordStatus` (§2.26 `getConfLogListByConfId2`).
   *
   * @example
   * const { recordStatus, data } = await client.live.sessionReport({ userId: 'u1', confId: 42 });
   * for (const s of data.records) console.log(s.uuid, s.duration);
   */
  sessionReport(params: ReportParams): Promise<SessionReportAnswer> {
    return this.#transport.call({ endpoint: 'getConfLogListByConfId2', subject: 'userId', params });
  }

  /**
   * Extension (not in the vendor document): what was said in the meeting room's chat, every session's or one's
   * (`uuid`), in the order sent, paged (`getConfChatListByConfId`).
   *
   * @example
   * const { data } = await client.live.chat({ userId: 'u1', confId: 42 });
   * for (const m of data.messages) console.log(m.sendTime, m.participantName, m.text);
   */
  chat(params: ChatParams): Promise<ChatAnswer> {
    return this.#transport.call({ endpoint: 'getConfChatListByConfId', subject: 'userId', params });
  }
}
