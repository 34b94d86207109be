// The Overview page's live part (issue 19): meetings live now and coming, the licence in use, and the usage
// charts over the last 30 or 90 days (GET /console/api/sites/<siteSign>/overview).

import type { OverviewDayView, OverviewMeetingView, OverviewView } from '../../../src/contract/console-site';
import { button, h } from '../dom';
import { formatLocal } from '../time';
import { consoleApi } from './api';
import { t } from './messages';
import { ts } from './messages-site';
import { chartFigure, COLOURS, dayStamps } from './overview-charts';
import './overview.css';
import { errorText } from './ui';

const RANGES = [30, 90] as const;

const sameLocalDay = (a: number, b: number) => new Date(a).toDateString() === new Date(b).toDateString();

function meetingItem(m: OverviewMeetingView, extra?: string): HTMLElement {
  return h(
    'li',
    {},
    h('span', { class: 'overview-meeting' }, m.confName),
    h(
      'span',
      { class: 'muted' },
      ts('meetingLine', {
        time: formatLocal(Date.parse(m.startTime)),
        minutes: m.duration,
        host: m.hostName,
        number: m.confNumber,
      }),
    ),
    extra ? h('span', { class: 'present' }, extra) : null,
  );
}

function livePanel(o: OverviewView): HTMLElement {
  const panel = h('section', { class: 'panel console-panel', testid: 'live-now' }, h('h2', {}, ts('liveTitle')));
  if (o.live.length === 0) panel.append(h('p', { class: 'empty' }, ts('liveEmpty')));
  else
    panel.append(
      h(
        'ul',
        { class: 'meeting-list' },
        ...o.live.map((m) => meetingItem(m, ts('presentOf', { present: m.present, parties: m.confParties }))),
      ),
    );
  if (o.liveTotal > o.live.length)
    panel.append(h('p', { class: 'muted' }, ts('moreMeetings', { n: o.liveTotal - o.live.length })));
  return panel;
}

function upcomingPanel(o: OverviewView): HTMLElement {
  const panel = h('section', { class: 'panel console-panel', testid: 'upcoming' }, h('h2', {}, ts('upcomingTitle')));
  if (o.upcoming.length === 0) {
    panel.append(h('p', { class: 'empty' }, ts('upcomingEmpty')));
    return panel;
  }
  const now = Date.parse(o.now);
  const today = o.upcoming.filter((m) => sameLocalDay(Date.parse(m.startTime), now));
  const later = o.upcoming.filter((m) => !sameLocalDay(Date.parse(m.startTime), now));
  for (const [title, list] of [
    [ts('today'), today],
    [ts('later'), later],
  ] as const) {
    if (list.length === 0) continue;
    panel.append(h('h3', {}, title), h('ul', { class: 'meeting-list' }, ...list.map((m) => meetingItem(m))));
  }
  if (o.upcomingTotal > o.upcoming.length)
    panel.append(h('p', { class: 'muted' }, ts('moreMeetings', { n: o.upcomingTotal - o.upcoming.length })));
  return panel;
}

function licencePanel(o: OverviewView): HTMLElement {
  const { totalNumParties: total, bookedNow, presentNow } = o.licence;
  const row = (label: string, n: number, testid: string) =>
    h(
      'div',
      { class: 'licence-row' },
      h('span', { id: `licence-${testid}` }, label),
      h('meter', { min: 0, max: Math.max(total, n), value: n, 'aria-labelledby': `licence-${testid}` }),
      h('span', { testid }, ts('partiesOf', { n, total })),
    );
  return h(
    'section',
    { class: 'panel console-panel', testid: 'licence-use' },
    h('h2', {}, ts('licenceTitle')),
    row(ts('bookedNow'), bookedNow, 'booked-now'),
    row(ts('presentNow'), presentNow, 'present-now'),
  );
}

function dayTable(days: OverviewDayView[]): HTMLElement {
  const heads = [
    ts('day'),
    ts('seriesMeetingMinutes'),
    ts('seriesParticipantMinutes'),
    ts('seriesJoins'),
    ts('seriesPeak'),
  ];
  return h(
    'details',
    { class: 'day-table' },
    h('summary', {}, ts('showTable')),
    h(
      'table',
      { class: 'console-table', testid: 'usage-table' },
      h('thead', {}, h('tr', {}, ...heads.map((c) => h('th', { scope: 'col' }, c)))),
      h(
        'tbody',
        {},
        ...[...days]
          .reverse()
          .map((d) =>
            h(
              'tr',
              { 'data-day': d.day },
              h('th', { scope: 'row', 'data-label': heads[0] }, d.day),
              ...[d.meetingMinutes, d.participantMinutes, d.joins, d.peakParties].map((n, i) =>
                h('td', { 'data-label': heads[i + 1] }, String(n)),
              ),
            ),
          ),
      ),
    ),
  );
}

function charts(o: OverviewView): HTMLElement[] {
  const n = o.days.length;
  const x = dayStamps(o.days.map((d) => d.day));
  const sum = (pick: (d: OverviewDayView) => number) => o.days.reduce((s, d) => s + pick(d), 0);
  const peakDay = o.days.reduce((best, d) => (d.peakParties > best.peakParties ? d : best), o.days[0]!);
  const licence = o.licence.totalNumParties;
  return [
    chartFigure({
      caption: ts('chartMinutes'),
      summary: ts('summaryMinutes', {
        n,
        meeting: sum((d) => d.meetingMinutes),
        participant: sum((d) => d.participantMinutes),
      }),
      x,
      series: [
        {
          label: ts('seriesMeetingMinutes'),
          values: o.days.map((d) => d.meetingMinutes),
          colour: COLOURS.primary,
          bars: true,
        },
        { label: ts('seriesParticipantMinutes'), values: o.days.map((d) => d.participantMinutes), colour: COLOURS.ok },
      ],
      testid: 'chart-minutes',
    }),
    chartFigure({
      caption: ts('chartJoins'),
      summary: ts('summaryJoins', { n, joins: sum((d) => d.joins) }),
      x,
      series: [{ label: ts('seriesJoins'), values: o.days.map((d) => d.joins), colour: COLOURS.primary, bars: true }],
      testid: 'chart-joins',
    }),
    chartFigure({
      caption: ts('chartDevices'),
      summary: ts('summaryDevices', o.devices),
      x: [0, 1, 2],
      xLabels: [ts('devicePc'), ts('deviceMobile'), ts('deviceOther')],
      series: [
        {
          label: ts('deviceCount'),
          values: [o.devices.pc, o.devices.mobile, o.devices.other],
          colour: COLOURS.primary,
          bars: true,
        },
      ],
      testid: 'chart-devices',
    }),
    chartFigure({
      caption: ts('chartPeak'),
      summary: ts('summaryPeak', { peak: peakDay.peakParties, day: peakDay.day, licence }),
      x,
      series: [
        { label: ts('seriesPeak'), values: o.days.map((d) => d.peakParties), colour: COLOURS.primary },
        { label: ts('seriesLicence'), values: o.days.map(() => licence), colour: COLOURS.danger, dash: [6, 4] },
      ],
      testid: 'chart-peak',
    }),
  ];
}

/** The usage section: range buttons, then loading, the charts, an empty state or the refusal in words. */
function usageSection(days: number, redrawWith: (days: number) => void, o: OverviewView | null, failure: unknown) {
  const buttons = h(
    'div',
    { class: 'range-switch', role: 'group', 'aria-label': ts('rangeLabel') },
    ...RANGES.map((n) =>
      button(
        ts('lastDays', { n }),
        { class: 'btn btn-secondary btn-small', 'aria-pressed': String(n === days), testid: `range-${n}` },
        () => redrawWith(n),
      ),
    ),
  );
  const section = h(
    'section',
    { class: 'panel console-panel usage', testid: 'usage', 'aria-busy': String(o === null && failure === null) },
    h('div', { class: 'usage-head' }, h('h2', {}, ts('usageTitle')), buttons),
    h('p', { class: 'muted' }, ts('daysInGmt')),
  );
  if (failure !== null) section.append(h('p', { class: 'error', role: 'alert' }, errorText(failure)));
  else if (o === null) section.append(h('p', { class: 'loading', role: 'status' }, ts('usageLoading')));
  else if (o.days.every((d) => d.joins === 0 && d.meetingMinutes === 0 && d.peakParties === 0))
    section.append(h('p', { class: 'empty', testid: 'usage-empty' }, ts('usageEmpty', { n: o.days.length })));
  else section.append(h('div', { class: 'charts' }, ...charts(o)), dayTable(o.days));
  return section;
}

/**
 * Appends the live part of the overview to `main`: it shows loading, then fills in; the range buttons load
 * 30 or 90 days again.
 */
export function overviewDashboard(main: HTMLElement, siteSign: string): void {
  const top = h('div', { class: 'overview-grid' }, h('p', { class: 'loading', role: 'status' }, t('loading')));
  let usage = usageSection(RANGES[0], () => undefined, null, null);
  main.append(top, usage);
  let asked = 0;
  const load = async (days: number, focus: boolean) => {
    const mine = ++asked;
    const again = (n: number) => void load(n, true);
    const show = (o: OverviewView | null, failure: unknown) => {
      const next = usageSection(days, again, o, failure);
      usage.replaceWith(next);
      usage = next;
      // The range buttons are drawn again: the one pressed keeps the focus.
      if (focus) next.querySelector<HTMLButtonElement>(`[data-testid="range-${days}"]`)?.focus();
    };
    show(null, null);
    try {
      const o = await consoleApi.overview(siteSign, days);
      if (mine !== asked) return;
      top.replaceChildren(livePanel(o), upcomingPanel(o), licencePanel(o));
      show(o, null);
    } catch (err) {
      if (mine !== asked) return;
      top.replaceChildren();
      show(null, err);
    }
  };
  void load(RANGES[0], false);
}
