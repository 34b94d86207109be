// The Meetings page (issue 19): a month or week calendar and a filtered, paged list of the site's
// meetings, and, for owners, booking one (2.1's rules, refusals in words). State lives in the address's
// query (view, mode, date, from, to, state, host, page), so that a page can be linked and reloaded.

import './meetings.css';
import { append, button, h } from '../dom';
import { lang } from '../i18n';
import { formatLocalRange } from '../time';
import type { Me, Site } from './api';
import { meetingsApi, type MeetingItemView, type MeetingState } from './meetings-api';
import {
  checkbox,
  localDay,
  localInputValue,
  meetingErrorText,
  parseLocalDay,
  select,
  stateBadge,
  stateText,
} from './meetings-ui';
import { tm } from './messages-meetings';
import { t } from './messages';
import { paths } from './route';
import { alertLine, field, go, link, whileBusy } from './ui';

const DAY_MS = 86_400_000;
/** The calendar reads at most this many pages of 100 meetings for its month. */
const CALENDAR_PAGES = 5;
const LIST_PAGE = 25;
const STATES: MeetingState[] = ['scheduled', 'live', 'ended', 'cancelled'];

interface View {
  view: 'calendar' | 'list';
  mode: 'month' | 'week';
  /** A day of the month or week the calendar shows. */
  date: Date;
  from: Date;
  to: Date;
  state: MeetingState | undefined;
  host: string;
  page: number;
}

function readView(): View {
  const q = new URLSearchParams(location.search);
  const today = new Date();
  const midnight = new Date(today.getFullYear(), today.getMonth(), today.getDate());
  const state = q.get('state');
  const from = parseLocalDay(q.get('from')) ?? midnight;
  const to = parseLocalDay(q.get('to')) ?? new Date(from.getFullYear(), from.getMonth(), from.getDate() + 14);
  return {
    view: q.get('view') === 'list' ? 'list' : 'calendar',
    mode: q.get('mode') === 'week' ? 'week' : 'month',
    date: parseLocalDay(q.get('date')) ?? midnight,
    from,
    to,
    state: STATES.includes(state as MeetingState) ? (state as MeetingState) : undefined,
    host: q.get('host') ?? '',
    page: Math.max(1, Number(q.get('page')) || 1),
  };
}

function addressOf(siteSign: string, v: View): string {
  const q = new URLSearchParams({ view: v.view });
  if (v.view === 'calendar') {
    q.set('mode', v.mode);
    q.set('date', localDay(v.date));
  } else {
    q.set('from', localDay(v.from));
    q.set('to', localDay(v.to));
    if (v.page > 1) q.set('page', String(v.page));
  }
  if (v.state) q.set('state', v.state);
  if (v.host) q.set('host', v.host);
  return `${paths.meetings(siteSign)}?${q}`;
}

export function meetingsPage(main: HTMLElement, me: Me, site: Site): void {
  const v = readView();
  const owner = me.account.role === 'owner';
  const to = (changes: Partial<View>) => go(addressOf(site.siteSign, { ...v, ...changes }));
  const tabs = h(
    'div',
    { class: 'tabs', role: 'group', 'aria-label': tm('meetingsTitle') },
    button(
      tm('viewCalendar'),
      { class: 'btn btn-small btn-secondary', 'aria-pressed': String(v.view === 'calendar'), testid: 'view-calendar' },
      () => to({ view: 'calendar', page: 1 }),
    ),
    button(
      tm('viewList'),
      { class: 'btn btn-small btn-secondary', 'aria-pressed': String(v.view === 'list'), testid: 'view-list' },
      () => to({ view: 'list', page: 1 }),
    ),
  );
  const body = h('div', { class: 'meetings-body' }, h('p', { class: 'muted', role: 'status' }, t('loading')));
  main.append(
    h('h1', {}, tm('meetingsTitle')),
    h('div', { class: 'toolbar' }, tabs, owner ? bookButton(site, main) : null),
    filters(v, to),
    body,
  );
  if (v.view === 'calendar') void calendar(body, site.siteSign, v, to);
  else void list(body, site.siteSign, v, to);
}

function filters(v: View, to: (changes: Partial<View>) => void): HTMLElement {
  const host = field(tm('filterHost'), { name: 'host', value: v.host, maxlength: '64', autocomplete: 'off' });
  const state = select(
    tm('filterState'),
    'state',
    [['', tm('anyState')], ...STATES.map((s): [string, string] => [s, stateText(s)])],
    v.state ?? '',
  );
  const from = field(tm('filterFrom'), { name: 'from', type: 'date', value: localDay(v.from), required: true });
  const until = field(tm('filterTo'), { name: 'to', type: 'date', value: localDay(v.to), required: true });
  const form = h(
    'form',
    { class: 'filters', testid: 'filters' },
    host.wrap,
    state.wrap,
    v.view === 'list' ? from.wrap : null,
    v.view === 'list' ? until.wrap : null,
    h('button', { type: 'submit', class: 'btn btn-secondary' }, tm('filterApply')),
  );
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    to({
      host: host.input.value.trim(),
      state: (state.input.value || undefined) as MeetingState | undefined,
      from: parseLocalDay(from.input.value) ?? v.from,
      to: parseLocalDay(until.input.value) ?? v.to,
      page: 1,
    });
  });
  return form;
}

function meetingLink(siteSign: string, m: MeetingItemView): HTMLAnchorElement {
  return link(paths.meeting(siteSign, m.confId), m.confName, { testid: `meeting-${m.confNumber}` });
}

async function calendar(body: HTMLElement, siteSign: string, v: View, to: (c: Partial<View>) => void) {
  const first =
    v.mode === 'month'
      ? new Date(v.date.getFullYear(), v.date.getMonth(), 1)
      : new Date(v.date.getFullYear(), v.date.getMonth(), v.date.getDate() - ((v.date.getDay() + 6) % 7));
  const end =
    v.mode === 'month'
      ? new Date(first.getFullYear(), first.getMonth() + 1, 1)
      : new Date(first.getFullYear(), first.getMonth(), first.getDate() + 7);
  const meetings: MeetingItemView[] = [];
  let total = 0;
  try {
    for (let page = 1; page <= CALENDAR_PAGES; page += 1) {
      const answer = await meetingsApi.list(siteSign, {
        from: first.toISOString(),
        to: end.toISOString(),
        state: v.state,
        host: v.host,
        page,
        pageSize: 100,
      });
      meetings.push(...answer.meetings);
      total = answer.total;
      if (meetings.length >= total || answer.meetings.length === 0) break;
    }
  } catch (err) {
    body.replaceChildren(h('p', { class: 'error', role: 'alert' }, meetingErrorText(err)));
    return;
  }
  const locale = lang() === 'zh' ? 'zh-CN' : 'en';
  const title =
    v.mode === 'month'
      ? first.toLocaleDateString(locale, { year: 'numeric', month: 'long' })
      : `${first.toLocaleDateString(locale)} – ${new Date(end.getTime() - 1).toLocaleDateString(locale)}`;
  const step = (sign: number) =>
    v.mode === 'month'
      ? new Date(first.getFullYear(), first.getMonth() + sign, 1)
      : new Date(first.getFullYear(), first.getMonth(), first.getDate() + 7 * sign);
  const nav = h(
    'div',
    { class: 'calendar-nav' },
    button(tm('previous'), { class: 'btn btn-small btn-secondary', testid: 'calendar-previous' }, () =>
      to({ date: step(-1) }),
    ),
    h('h2', { testid: 'calendar-title' }, title),
    button(tm('next'), { class: 'btn btn-small btn-secondary', testid: 'calendar-next' }, () => to({ date: step(1) })),
    button(tm('today'), { class: 'btn btn-small btn-secondary' }, () => to({ date: new Date() })),
    button(v.mode === 'month' ? tm('weekView') : tm('monthView'), { class: 'btn btn-small btn-secondary' }, () =>
      to({ mode: v.mode === 'month' ? 'week' : 'month' }),
    ),
  );
  // The grid starts on the Monday on or before the first day; days outside the month are dimmed.
  const gridStart = new Date(first.getFullYear(), first.getMonth(), first.getDate() - ((first.getDay() + 6) % 7));
  const days = v.mode === 'month' ? Math.ceil((end.getTime() - gridStart.getTime()) / DAY_MS / 7) * 7 : 7;
  const byDay = new Map<string, MeetingItemView[]>();
  for (const m of meetings) {
    const key = localDay(new Date(m.startTime));
    byDay.set(key, [...(byDay.get(key) ?? []), m]);
  }
  const cells: HTMLElement[] = [];
  const todayKey = localDay(new Date());
  for (let i = 0; i < days; i += 1) {
    const day = new Date(gridStart.getFullYear(), gridStart.getMonth(), gridStart.getDate() + i);
    const key = localDay(day);
    const inRange = day >= first && day < end;
    const items = inRange ? (byDay.get(key) ?? []) : [];
    const shown = v.mode === 'month' ? items.slice(0, 4) : items;
    cells.push(
      h(
        'li',
        {
          class: `calendar-day${inRange ? '' : ' outside'}${key === todayKey ? ' today' : ''}`,
          testid: `day-${key}`,
        },
        h(
          'span',
          { class: 'calendar-date' },
          day.toLocaleDateString(
            locale,
            v.mode === 'month' ? { day: 'numeric' } : { weekday: 'short', day: 'numeric' },
          ),
        ),
        items.length
          ? h(
              'ul',
              {},
              ...shown.map((m) =>
                h(
                  'li',
                  { class: `calendar-item state-${m.state}` },
                  h(
                    'span',
                    { class: 'calendar-time' },
                    new Date(m.startTime).toLocaleTimeString(locale, { hour: '2-digit', minute: '2-digit' }),
                  ),
                  ' ',
                  meetingLink(siteSign, m),
                ),
              ),
              items.length > shown.length
                ? h('li', { class: 'muted' }, tm('moreOnDay', { n: items.length - shown.length }))
                : null,
            )
          : null,
      ),
    );
  }
  body.replaceChildren();
  append(body, [
    nav,
    total > meetings.length ? h('p', { class: 'notice' }, tm('calendarCut', { n: meetings.length })) : null,
    h('ol', { class: `calendar calendar-${v.mode}`, testid: 'calendar' }, ...cells),
    meetings.length === 0 ? h('p', { class: 'empty' }, tm('noMeetings')) : null,
  ]);
}

async function list(body: HTMLElement, siteSign: string, v: View, to: (c: Partial<View>) => void) {
  let answer;
  try {
    answer = await meetingsApi.list(siteSign, {
      from: v.from.toISOString(),
      to: v.to.toISOString(),
      state: v.state,
      host: v.host,
      page: v.page,
      pageSize: LIST_PAGE,
    });
  } catch (err) {
    body.replaceChildren(h('p', { class: 'error', role: 'alert' }, meetingErrorText(err)));
    return;
  }
  if (answer.meetings.length === 0) {
    body.replaceChildren(h('p', { class: 'empty' }, tm('noMeetings')));
    return;
  }
  const pages = Math.max(1, Math.ceil(answer.total / answer.pageSize));
  const cols = [tm('colName'), tm('colStart'), tm('colHost'), tm('colState'), tm('colNumber')];
  const table = h(
    'table',
    { class: 'console-table', testid: 'meeting-list' },
    h('thead', {}, h('tr', {}, ...cols.map((c) => h('th', { scope: 'col' }, c)))),
    h(
      'tbody',
      {},
      ...answer.meetings.map((m) =>
        h(
          'tr',
          {},
          h('td', { 'data-label': cols[0] }, meetingLink(siteSign, m)),
          h('td', { 'data-label': cols[1] }, formatLocalRange(Date.parse(m.startTime), Date.parse(m.endTime))),
          h('td', { 'data-label': cols[2] }, `${m.hostName} (${m.hostUserId})`),
          h('td', { 'data-label': cols[3] }, stateBadge(m.state)),
          h('td', { class: 'mono', 'data-label': cols[4] }, m.confNumber),
        ),
      ),
    ),
  );
  body.replaceChildren(
    h('div', { class: 'table-wrap' }, table),
    h(
      'div',
      { class: 'pager' },
      button(tm('previous'), { class: 'btn btn-small btn-secondary', disabled: v.page <= 1 }, () =>
        to({ page: v.page - 1 }),
      ),
      h('span', { class: 'muted' }, tm('shownOf', { page: v.page, total: answer.total })),
      button(tm('next'), { class: 'btn btn-small btn-secondary', disabled: v.page >= pages }, () =>
        to({ page: v.page + 1 }),
      ),
    ),
  );
}

/** The owner's "Book a meeting" button, which opens the booking form above the calendar. */
function bookButton(site: Site, main: HTMLElement): HTMLButtonElement {
  let open: HTMLElement | null = null;
  return button(tm('bookOpen'), { class: 'btn', testid: 'book-open' }, (_ev, el) => {
    if (open) {
      open.querySelector('input')?.focus();
      return;
    }
    open = bookingForm(site, () => {
      open?.remove();
      open = null;
      el.focus();
    });
    main.querySelector('.toolbar')?.after(open);
    open.querySelector('input')?.focus();
  });
}

function bookingForm(site: Site, close: () => void): HTMLElement {
  const alert = alertLine();
  const start = Math.ceil((Date.now() + 3_600_000) / 1_800_000) * 1_800_000;
  const f = {
    userId: field(tm('hostUserId'), { name: 'userId', required: true, maxlength: '64', autocomplete: 'off' }),
    userName: field(tm('hostName'), { name: 'userName', maxlength: '200', autocomplete: 'off' }),
    confName: field(tm('confName'), { name: 'confName', required: true, maxlength: '128' }),
    confPassword: field(tm('confPassword'), { name: 'confPassword', maxlength: '16', autocomplete: 'off' }),
    start: field(tm('startLocal'), {
      name: 'start',
      type: 'datetime-local',
      required: true,
      value: localInputValue(start),
    }),
    duration: field(tm('durationMin'), {
      name: 'duration',
      type: 'number',
      min: '1',
      max: '1440',
      value: '60',
      required: true,
    }),
    beforeTime: field(tm('beforeTime'), {
      name: 'beforeTime',
      type: 'number',
      min: '0',
      max: '1440',
      value: '0',
      required: true,
    }),
    parties: field(tm('parties'), {
      name: 'confParties',
      type: 'number',
      min: '1',
      max: String(site.totalNumParties),
      value: String(Math.min(10, site.totalNumParties)),
      required: true,
    }),
  };
  const jbh = checkbox(tm('optionJbh'), 'optionJbh');
  const waiting = checkbox(tm('waitingRoom'), 'waitingRoom');
  const registration = checkbox(tm('registration'), 'registrationType');
  const submit = h('button', { type: 'submit', class: 'btn', testid: 'book' }, tm('book'));
  const form = h(
    'form',
    { class: 'panel console-panel console-form booking', testid: 'booking-form' },
    h('h2', {}, tm('bookTitle')),
    ...Object.values(f).map((x) => x.wrap),
    jbh.wrap,
    waiting.wrap,
    registration.wrap,
    alert.el,
    h('div', { class: 'actions' }, submit, button(tm('cancelForm'), { class: 'btn btn-secondary' }, close)),
  );
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    void whileBusy(submit, tm('booking'), async () => {
      try {
        const booked = await meetingsApi.book(site.siteSign, {
          userId: f.userId.input.value.trim(),
          ...(f.userName.input.value.trim() ? { userName: f.userName.input.value.trim() } : {}),
          confName: f.confName.input.value,
          confPassword: f.confPassword.input.value,
          startTime: new Date(f.start.input.value).toISOString(),
          duration: Number(f.duration.input.value),
          confParties: Number(f.parties.input.value),
          beforeTime: Number(f.beforeTime.input.value),
          optionJbh: jbh.input.checked ? 1 : 0,
          waitingRoom: waiting.input.checked ? 1 : 0,
          registrationType: registration.input.checked ? 1 : 0,
        });
        go(paths.meeting(site.siteSign, booked.confId));
      } catch (err) {
        alert.show(meetingErrorText(err));
      }
    });
  });
  return form;
}
