// A meeting's page in the console (issue 19): details, links, sessions, attendance (paged, CSV export), the room's
// chat (issue 17), registrants (approve, deny), recordings; for owners editing (2.12) and cancelling (2.4) a
// scheduled meeting.

import { append, button, h } from '../dom';
import { formatLocal, formatLocalRange } from '../time';
import type { Me } from './api';
import { meetingsApi, type MeetingDetailView } from './meetings-api';
import { localInputValue, meetingErrorText, stateBadge } from './meetings-ui';
import { t } from './messages';
import { tm } from './messages-meetings';
import { paths } from './route';
import { alertLine, field, go, link, whileBusy } from './ui';

const ATTENDANCE_PAGE = 50;

function facts(rows: [string, Node | string][]): HTMLElement {
  return h('dl', { class: 'facts' }, ...rows.flatMap(([term, value]) => [h('dt', {}, term), h('dd', {}, value)]));
}

const time = (iso: string | null) => (iso === null ? '' : formatLocal(Date.parse(iso)));

export async function meetingPage(main: HTMLElement, me: Me, siteSign: string, confId: number): Promise<void> {
  const status = h('p', { class: 'muted', role: 'status' }, t('loading'));
  main.append(link(paths.meetings(siteSign), tm('backToMeetings'), { class: 'back' }), status);
  let d: MeetingDetailView;
  try {
    d = await meetingsApi.detail(siteSign, confId);
  } catch (err) {
    status.replaceWith(h('p', { class: 'error', role: 'alert' }, meetingErrorText(err)));
    return;
  }
  const owner = me.account.role === 'owner';
  const m = d.meeting;
  const notice = alertLine();
  const page = document.createDocumentFragment();
  append(page, [
    h('h1', { testid: 'meeting-name' }, m.confName),
    notice.el,
    h(
      'section',
      { class: 'panel console-panel', testid: 'meeting-details' },
      h('h2', {}, tm('detailsTitle')),
      facts([
        [tm('confNumber'), h('span', { class: 'mono' }, m.confNumber)],
        [tm('colState'), stateBadge(m.state)],
        [tm('startEnd'), formatLocalRange(Date.parse(m.startTime), Date.parse(m.endTime))],
        [tm('host'), `${m.hostName} (${m.hostUserId})`],
        [tm('parties'), String(m.confParties)],
        [tm('passwordLabel'), d.confPassword || tm('none')],
        [tm('registration'), m.registration ? tm('yes') : tm('none')],
      ]),
      owner ? changeControls(siteSign, d, notice) : h('p', { class: 'muted' }, tm('viewerNote')),
    ),
    linksPanel(d),
    sessionsPanel(d),
    attendancePanel(siteSign, confId, d),
    chatPanel(siteSign, confId, d),
    m.registration ? registrantsPanel(siteSign, d, owner) : null,
    recordingsPanel(d),
  ]);
  status.replaceWith(page);
}

function changeControls(
  siteSign: string,
  d: MeetingDetailView,
  notice: ReturnType<typeof alertLine>,
): HTMLElement | null {
  if (d.meeting.state !== 'scheduled') return null;
  const wrap = h('div', { class: 'actions' });
  const edit = button(tm('edit'), { class: 'btn btn-secondary', testid: 'edit-meeting' }, () => {
    edit.hidden = true;
    const form = editForm(siteSign, d, () => {
      form.remove();
      edit.hidden = false;
      edit.focus();
    });
    wrap.after(form);
    form.querySelector('input')?.focus();
  });
  const cancel = button(tm('cancelMeeting'), { class: 'btn btn-ghost-danger', testid: 'cancel-meeting' }, () => {
    if (!confirm(tm('confirmCancel', { name: d.meeting.confName }))) return;
    void whileBusy(cancel, t('loading'), async () => {
      try {
        await meetingsApi.cancel(siteSign, d.meeting.confId);
        go(paths.meeting(siteSign, d.meeting.confId), { replace: true });
      } catch (err) {
        notice.show(meetingErrorText(err));
      }
    });
  });
  wrap.append(edit, cancel);
  return wrap;
}

function editForm(siteSign: string, d: MeetingDetailView, close: () => void): HTMLElement {
  const alert = alertLine();
  const m = d.meeting;
  const f = {
    confName: field(tm('confName'), { name: 'confName', required: true, maxlength: '128', value: m.confName }),
    confPassword: field(tm('confPassword'), { name: 'confPassword', maxlength: '16', value: d.confPassword }),
    start: field(tm('startLocal'), {
      name: 'start',
      type: 'datetime-local',
      required: true,
      value: localInputValue(Date.parse(m.startTime)),
    }),
    duration: field(tm('durationMin'), {
      name: 'duration',
      type: 'number',
      min: '1',
      max: '1440',
      value: String(m.duration),
      required: true,
    }),
    parties: field(tm('parties'), { name: 'confParties', type: 'number', min: '1', value: String(m.confParties) }),
  };
  const submit = h('button', { type: 'submit', class: 'btn', testid: 'save-meeting' }, tm('save'));
  const form = h(
    'form',
    { class: 'console-form', testid: 'edit-form' },
    ...Object.values(f).map((x) => x.wrap),
    alert.el,
    h('div', { class: 'actions' }, submit, button(tm('cancelForm'), { class: 'btn btn-secondary' }, close)),
  );
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    void whileBusy(submit, t('saving'), async () => {
      try {
        await meetingsApi.modify(siteSign, m.confId, {
          confName: f.confName.input.value,
          confPassword: f.confPassword.input.value,
          startTime: new Date(f.start.input.value).toISOString(),
          duration: Number(f.duration.input.value),
          confParties: Number(f.parties.input.value),
          beforeTime: d.beforeTime,
        });
        go(paths.meeting(siteSign, m.confId), { replace: true });
      } catch (err) {
        alert.show(meetingErrorText(err));
      }
    });
  });
  return form;
}

function linksPanel(d: MeetingDetailView): HTMLElement {
  const row = (label: string, url: string, testid: string) =>
    h(
      'li',
      {},
      h('span', {}, label),
      h('a', { href: url, class: 'mono', testid, target: '_blank', rel: 'noopener' }, url),
    );
  return h(
    'section',
    { class: 'panel console-panel' },
    h('h2', {}, tm('linksTitle')),
    h(
      'ul',
      { class: 'console-list links' },
      row(tm('linkHostStart'), d.links.hostStartUrl, 'link-host'),
      row(tm('linkJoin'), d.links.joinUrl, 'link-join'),
      row(tm('linkWebClient'), d.links.webClientJoin, 'link-webclient'),
    ),
    h('p', { class: 'hint' }, tm('hostLinkNote')),
  );
}

function sessionsPanel(d: MeetingDetailView): HTMLElement {
  return h(
    'section',
    { class: 'panel console-panel' },
    h('h2', {}, tm('sessionsTitle')),
    d.sessions.length
      ? h(
          'ul',
          { class: 'console-list', testid: 'sessions' },
          ...d.sessions.map((s) =>
            h(
              'li',
              {},
              h('span', {}, `${time(s.startedAt)} – ${s.endedAt ? time(s.endedAt) : tm('sessionOpen')}`),
              h('span', { class: 'muted' }, tm('sessionPeople', { n: s.people })),
            ),
          ),
        )
      : h('p', { class: 'empty' }, tm('noSessions')),
  );
}

/**
 * A table read a page at a time (`load`), with Previous and Next when there are several pages: `cells` words a
 * row, one string a column; `empty` is said when there are no rows at all.
 */
function pagedTable<R>(opts: {
  testid: string;
  cols: string[];
  empty: string;
  load: (page: number) => Promise<{ rows: R[]; total: number; pageSize: number }>;
  cells: (row: R) => string[];
}): HTMLElement {
  const body = h('div', {}, h('p', { class: 'muted', role: 'status' }, t('loading')));
  const show = async (page: number) => {
    try {
      const a = await opts.load(page);
      if (a.total === 0) {
        body.replaceChildren(h('p', { class: 'empty' }, opts.empty));
        return;
      }
      const pages = Math.ceil(a.total / a.pageSize);
      body.replaceChildren();
      append(body, [
        h(
          'div',
          { class: 'table-wrap' },
          h(
            'table',
            { class: 'console-table', testid: opts.testid },
            h('thead', {}, h('tr', {}, ...opts.cols.map((c) => h('th', { scope: 'col' }, c)))),
            h(
              'tbody',
              {},
              ...a.rows.map((r) =>
                h('tr', {}, ...opts.cells(r).map((cell, i) => h('td', { 'data-label': opts.cols[i] }, cell))),
              ),
            ),
          ),
        ),
        pages > 1
          ? h(
              'div',
              { class: 'pager' },
              button(
                tm('previous'),
                { class: 'btn btn-small btn-secondary', disabled: page <= 1 },
                () => void show(page - 1),
              ),
              h('span', { class: 'muted' }, `${page} / ${pages}`),
              button(
                tm('next'),
                { class: 'btn btn-small btn-secondary', disabled: page >= pages },
                () => void show(page + 1),
              ),
            )
          : null,
      ]);
    } catch (err) {
      body.replaceChildren(h('p', { class: 'error', role: 'alert' }, meetingErrorText(err)));
    }
  };
  void show(1);
  return body;
}

/** Sessions numbered as the sessions panel lists them, by uuid. */
const sessionNumbers = (d: MeetingDetailView) => new Map(d.sessions.map((s, i) => [s.uuid, String(i + 1)]));

function attendancePanel(siteSign: string, confId: number, d: MeetingDetailView): HTMLElement {
  const session = sessionNumbers(d);
  const body = pagedTable({
    testid: 'attendance',
    cols: [
      tm('colSession'),
      tm('colPerson'),
      tm('colRole'),
      tm('colDevice'),
      tm('colJoin'),
      tm('colLeave'),
      tm('colMinutes'),
    ],
    empty: tm('noAttendance'),
    load: (page) => meetingsApi.attendance(siteSign, confId, page, ATTENDANCE_PAGE),
    cells: (r) => [
      session.get(r.session) ?? '',
      r.name,
      r.role,
      r.device,
      time(r.joinedAt),
      r.leftAt ? time(r.leftAt) : tm('stillIn'),
      String(r.minutes),
    ],
  });
  return h(
    'section',
    { class: 'panel console-panel' },
    h(
      'div',
      { class: 'panel-head' },
      h('h2', {}, tm('attendanceTitle')),
      h(
        'a',
        {
          class: 'btn btn-secondary btn-small',
          href: meetingsApi.csvUrl(siteSign, confId),
          download: '',
          testid: 'export-csv',
        },
        tm('exportCsv'),
      ),
    ),
    body,
  );
}

/** What was said in the room's chat (issue 17), per session, as text. */
function chatPanel(siteSign: string, confId: number, d: MeetingDetailView): HTMLElement {
  const session = sessionNumbers(d);
  return h(
    'section',
    { class: 'panel console-panel' },
    h('h2', {}, tm('chatTitle')),
    pagedTable({
      testid: 'meeting-chat',
      cols: [tm('colSession'), tm('colSent'), tm('colPerson'), tm('colMessage')],
      empty: tm('noChat'),
      load: (page) => meetingsApi.chat(siteSign, confId, page, ATTENDANCE_PAGE),
      cells: (r) => [session.get(r.session) ?? '', time(r.sentAt), r.name, r.text],
    }),
  );
}

const REG_STATUS = { approved: 'regApproved', pending: 'regPending', denied: 'regDenied' } as const;

function registrantsPanel(siteSign: string, d: MeetingDetailView, owner: boolean): HTMLElement {
  const alert = alertLine();
  const open = d.meeting.state === 'scheduled' || d.meeting.state === 'live';
  const rows = d.registrants.map((r) => {
    const state = h('span', { class: 'muted' }, tm(REG_STATUS[r.status]));
    const decide = (status: 'approved' | 'denied') => (_ev: MouseEvent, el: HTMLButtonElement) =>
      void whileBusy(el, t('loading'), async () => {
        try {
          await meetingsApi.decide(siteSign, d.meeting.confId, r.registrantId, status);
          state.textContent = tm(REG_STATUS[status]);
          alert.show(null);
        } catch (err) {
          alert.show(meetingErrorText(err));
        }
      });
    return h(
      'li',
      { testid: `registrant-${r.email}` },
      h('span', {}, r.name),
      h('span', { class: 'muted' }, r.email),
      state,
      owner && open ? button(tm('approve'), { class: 'btn btn-small btn-secondary' }, decide('approved')) : null,
      owner && open ? button(tm('deny'), { class: 'btn btn-small btn-ghost-danger' }, decide('denied')) : null,
    );
  });
  return h(
    'section',
    { class: 'panel console-panel' },
    h('h2', {}, tm('registrantsTitle')),
    alert.el,
    rows.length
      ? h('ul', { class: 'console-list', testid: 'registrants' }, ...rows)
      : h('p', { class: 'empty' }, tm('noRegistrants')),
    d.registrantsTruncated ? h('p', { class: 'muted' }, tm('registrantsCut')) : null,
  );
}

function recordingsPanel(d: MeetingDetailView): HTMLElement {
  return h(
    'section',
    { class: 'panel console-panel' },
    h('h2', {}, tm('recordingsTitle')),
    d.recordings.length
      ? h(
          'ul',
          { class: 'console-list', testid: 'recordings' },
          ...d.recordings.map((r) =>
            h(
              'li',
              {},
              h('span', {}, r.topic),
              h('span', { class: 'muted' }, `${r.recordStart} – ${r.recordEnd} GMT · ${r.fileSize} · ${r.fileType}`),
              h('a', { href: r.playUrl, target: '_blank', rel: 'noopener' }, tm('play')),
              h('a', { href: r.downloadUrl }, tm('download')),
            ),
          ),
        )
      : h('p', { class: 'empty' }, tm('noRecordings')),
  );
}
