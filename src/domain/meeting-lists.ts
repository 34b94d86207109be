import type { Db, SiteRow } from '../store/database.js';
import { MeetingStatus } from './meeting-status.js';
import { listMeetingsPage, settleFinished, type ListedMeeting } from '../store/meetings.repository.js';
import { findUser } from '../store/users.repository.js';
import { ApiError, Code, parameterError } from './errors.js';
import { parseDateTime } from './time.js';

/** `pageSize` is bounded so one call cannot read a whole site. */
export const MAX_PAGE_SIZE = 100;

export interface PageInput {
  pageNo?: number | undefined;
  pageSize?: number | undefined;
  startTime?: string | undefined;
  endTime?: string | undefined;
}

export interface Page {
  items: ListedMeeting[];
  totalItems: number;
  totalPage: number;
  currentPage: number;
  pageSize: number;
}

export type ListState = 'scheduled' | 'living' | 'finished';

const STATUS: Record<ListState, number> = {
  scheduled: MeetingStatus.scheduled,
  living: MeetingStatus.live,
  finished: MeetingStatus.ended,
};

function optionalTime(name: string, text: string | undefined): number | undefined {
  if (text === undefined || text === '') return undefined;
  const ms = parseDateTime(text);
  if (ms === undefined) throw parameterError(name, 'a GMT time yyyy-MM-dd HH:mm:ss');
  return ms;
}

async function page(
  db: Db,
  owner: { siteId: number } | { userPk: number },
  state: ListState,
  input: PageInput,
): Promise<Page> {
  const pageNo = input.pageNo ?? 1;
  const pageSize = input.pageSize ?? 10;
  const startFrom = optionalTime('startTime', input.startTime);
  const startTo = optionalTime('endTime', input.endTime);
  if (startFrom !== undefined && startTo !== undefined && startTo < startFrom) {
    throw new ApiError(
      Code.parameter,
      '参数 endTime 无效 (invalid parameter endTime): expected a time not before startTime',
    );
  }
  const filter = { owner, status: STATUS[state], startFrom, startTo };
  const { items, total: totalItems } = await listMeetingsPage(db, {
    ...filter,
    offset: (pageNo - 1) * pageSize,
    limit: pageSize,
  });
  return { items, totalItems, totalPage: Math.ceil(totalItems / pageSize), currentPage: pageNo, pageSize };
}

/**
 * 2.5–2.7: a user's meetings in one state. A userId the site has never seen has no meetings: an
 * empty page, not 101, so a dashboard can list before the first booking.
 */
export async function userMeetings(
  db: Db,
  site: SiteRow,
  userId: string,
  state: ListState,
  input: PageInput,
  now: number,
): Promise<Page> {
  const user = await findUser(db, site.id, userId);
  if (!user) {
    const pageSize = input.pageSize ?? 10;
    return { items: [], totalItems: 0, totalPage: 0, currentPage: input.pageNo ?? 1, pageSize };
  }
  await settleFinished(db, now, { userPk: user.id });
  return page(db, { userPk: user.id }, state, input);
}

/** 2.8–2.10: a site's meetings in one state. */
export async function siteMeetings(
  db: Db,
  site: SiteRow,
  state: ListState,
  input: PageInput,
  now: number,
): Promise<Page> {
  await settleFinished(db, now);
  return page(db, { siteId: site.id }, state, input);
}
