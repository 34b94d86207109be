// The Meetings and Live pages' calls (src/api/console-meetings.ts, console-live.ts).

import type {
  AttendanceView,
  ChatView,
  LiveListView,
  MeetingDetailView,
  MeetingItemView,
  MeetingListQuery,
  MeetingListView,
  MeetingState,
  ModifyConsoleInput,
  ScheduleInput,
} from '../../../src/contract/console-meetings';
import { call } from './api';

export type {
  AttendanceView,
  ChatView,
  LiveListView,
  MeetingDetailView,
  MeetingItemView,
  MeetingListView,
  MeetingState,
  ModifyConsoleInput,
  ScheduleInput,
};

const site = (siteSign: string) => `/sites/${encodeURIComponent(siteSign)}`;
const meeting = (siteSign: string, confId: number) => `${site(siteSign)}/meetings/${confId}`;

/** What the list and calendar ask for (the server's query). */
export type MeetingFilter = MeetingListQuery;

export const meetingsApi = {
  list: (siteSign: string, f: MeetingFilter) => {
    const q = new URLSearchParams({ from: f.from, to: f.to });
    if (f.state) q.set('state', f.state);
    if (f.host) q.set('host', f.host);
    if (f.page) q.set('page', String(f.page));
    if (f.pageSize) q.set('pageSize', String(f.pageSize));
    return call<MeetingListView>('GET', `${site(siteSign)}/meetings?${q}`);
  },
  book: (siteSign: string, input: ScheduleInput) => call<MeetingItemView>('POST', `${site(siteSign)}/meetings`, input),
  detail: (siteSign: string, confId: number) => call<MeetingDetailView>('GET', meeting(siteSign, confId)),
  modify: (siteSign: string, confId: number, input: ModifyConsoleInput) =>
    call<MeetingItemView>('POST', meeting(siteSign, confId), input),
  cancel: (siteSign: string, confId: number) => call<MeetingItemView>('POST', `${meeting(siteSign, confId)}/cancel`),
  decide: (siteSign: string, confId: number, registrantId: string, status: 'approved' | 'denied') =>
    call<{ ok: true }>('POST', `${meeting(siteSign, confId)}/registrants/${encodeURIComponent(registrantId)}`, {
      status,
    }),
  attendance: (siteSign: string, confId: number, page: number, pageSize: number) =>
    call<AttendanceView>('GET', `${meeting(siteSign, confId)}/attendance?page=${page}&pageSize=${pageSize}`),
  /** The meeting room's chat, every session's, in the order sent (issue 17). */
  chat: (siteSign: string, confId: number, page: number, pageSize: number) =>
    call<ChatView>('GET', `${meeting(siteSign, confId)}/chat?page=${page}&pageSize=${pageSize}`),
  /** The CSV's address: a plain link downloads it with the session's cookie. */
  csvUrl: (siteSign: string, confId: number) => `/console/api${meeting(siteSign, confId)}/attendance.csv`,
  live: (siteSign: string) => call<LiveListView>('GET', `${site(siteSign)}/live`),
  /** The live list's event stream (Server-Sent Events). */
  liveEventsUrl: (siteSign: string) => `/console/api${site(siteSign)}/live/events`,
  end: (siteSign: string, confId: number) => call<{ ok: true }>('POST', `${meeting(siteSign, confId)}/end`),
  extend: (siteSign: string, confId: number, add: { addDuration?: number; addNumParties?: number }) =>
    call<MeetingItemView>('POST', `${meeting(siteSign, confId)}/extend`, add),
};
