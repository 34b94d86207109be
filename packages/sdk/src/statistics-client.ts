import { wireDate, type TimeInput } from './time.js';
import type {
  ConfCountAnswer,
  DailyMinutesAnswer,
  DayRangeParams,
  RecordTimeAnswer,
  TimeRangeParams,
  UserCountsAnswer,
} from './types.js';
import { toTransport, type Transport, type TransportOptions } from './transport.js';

/**
 * The site's usage: §2.22–2.24, 2.27, 2.28, in minutes and participant-times, GMT. Token subject
 * `userId` (any of the site's users).
 */
export class StatisticsClient {
  readonly #transport: Transport;

  constructor(transport: Transport | TransportOptions) {
    this.#transport = toTransport(transport);
  }

  /**
   * Total meeting minutes and participant minutes in a range (§2.22 `getConfRecordTimeBySiteSign`).
   *
   * @example
   * const { data } = await client.statistics.confRecordTime({ userId: 'admin',
   *   startTime: new Date('2026-06-01T00:00:00Z'), endTime: new Date('2026-07-01T00:00:00Z') });
   * console.log(data.confCountTime, data.confUserTime);
   */
  confRecordTime(params: TimeRangeParams): Promise<RecordTimeAnswer> {
    return this.#transport.call({ endpoint: 'getConfRecordTimeBySiteSign', subject: 'userId', params });
  }

  /**
   * The meetings held in a range, each once (§2.23 `getConfCountBySiteSign`).
   *
   * @example
   * const { data } = await client.statistics.confCount({ userId: 'admin', startTime, endTime });
   * console.log(data.confCounts, data.confNumbers);
   */
  confCount(params: TimeRangeParams): Promise<ConfCountAnswer> {
    return this.#transport.call({ endpoint: 'getConfCountBySiteSign', subject: 'userId', params });
  }

  /**
   * Participant-times in a range: all, mobile and pc (§2.24 `getUserCountsBySiteSign`).
   *
   * @example
   * const { data } = await client.statistics.userCounts({ userId: 'admin', startTime, endTime });
   */
  userCounts(params: TimeRangeParams): Promise<UserCountsAnswer> {
    return this.#transport.call({ endpoint: 'getUserCountsBySiteSign', subject: 'userId', params });
  }

  /**
   * Meeting minutes per GMT day, both days included (§2.27 `getTotalConfTimeForEveryDay`); without dates,
   * the 31 days ending today. A `Date` stands for its GMT day.
   *
   * @example
   * const { data } = await client.statistics.totalConfTimeForEveryDay({ userId: 'admin',
   *   startTime: '2026-06-01', endTime: '2026-06-30' });
   * for (const day of data) console.log(day.datetime, day.duration);
   */
  totalConfTimeForEveryDay(params: DayRangeParams): Promise<DailyMinutesAnswer> {
    return this.#transport.call({ endpoint: 'getTotalConfTimeForEveryDay', subject: 'userId', params: days(params) });
  }

  /**
   * Participant minutes per GMT day, both days included (§2.28 `getAllJoinTimeForEveryDay`).
   *
   * @example
   * const { data } = await client.statistics.allJoinTimeForEveryDay({ userId: 'admin', startTime: new Date(), endTime: new Date() });
   */
  allJoinTimeForEveryDay(params: DayRangeParams): Promise<DailyMinutesAnswer> {
    return this.#transport.call({ endpoint: 'getAllJoinTimeForEveryDay', subject: 'userId', params: days(params) });
  }
}

function days(params: DayRangeParams) {
  const day = (value: TimeInput | undefined) => (value === undefined ? undefined : wireDate(value));
  return { ...params, startTime: day(params.startTime), endTime: day(params.endTime) };
}
