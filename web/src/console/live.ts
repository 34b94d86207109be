// The Live page (issue 19): the site's meetings in progress with who is in each, kept current by the
// server's event stream (Server-Sent Events on the session's cookie); owners end or extend a meeting.
// Meetings are updated in place, so that a control with the focus keeps it across updates.

import { button, h } from '../dom';
import { formatLocal } from '../time';
import type { Me } from './api';
import { meetingsApi, type LiveListView } from './meetings-api';
import { meetingErrorText } from './meetings-ui';
import { t } from './messages';
import { tm } from './messages-meetings';
import { paths } from './route';
import { alertLine, field, link, whileBusy } from './ui';

type LiveMeeting = LiveListView['meetings'][number];

interface Card {
  el: HTMLElement;
  update(m: LiveMeeting): void;
}

let stream: EventSource | null = null;

export function livePage(main: HTMLElement, me: Me, siteSign: string): void {
  stream?.close();
  const owner = me.account.role === 'owner';
  const state = h('p', { class: 'muted live-state', role: 'status', testid: 'live-state' }, t('loading'));
  const alert = alertLine();
  const list = h('div', { class: 'live-list', testid: 'live-list' });
  const empty = h('p', { class: 'empty', hidden: true }, tm('liveNone'));
  const cut = h('p', { class: 'muted', hidden: true }, tm('liveCut'));
  main.append(h('h1', {}, tm('liveTitle')), state, alert.el, empty, list, cut);
  const cards = new Map<number, Card>();

  const show = (live: LiveListView) => {
    const seen = new Set<number>();
    for (const [index, m] of live.meetings.entries()) {
      seen.add(m.meeting.confId);
      let card = cards.get(m.meeting.confId);
      if (!card) {
        card = liveCard(siteSign, m, owner, alert);
        cards.set(m.meeting.confId, card);
      }
      card.update(m);
      // Moved only when out of place: moving a node takes the focus from whatever is in it.
      const there = list.children[index] ?? null;
      if (there !== card.el) list.insertBefore(card.el, there);
    }
    for (const [confId, card] of cards) {
      if (seen.has(confId)) continue;
      card.el.remove();
      cards.delete(confId);
    }
    empty.hidden = live.meetings.length > 0;
    cut.hidden = !live.truncated;
  };

  const source = new EventSource(meetingsApi.liveEventsUrl(siteSign));
  stream = source;
  source.addEventListener('live', (ev) => {
    state.textContent = tm('liveConnected');
    show(JSON.parse((ev as MessageEvent<string>).data) as LiveListView);
  });
  source.addEventListener('signed-out', () => {
    source.close();
    location.assign(`${paths.signIn}?next=${encodeURIComponent(location.pathname)}`);
  });
  source.addEventListener('error', () => {
    if (source.readyState === EventSource.CLOSED) {
      // Refused (signed out, too many streams): the list as it is now, once, in place of the stream.
      meetingsApi.live(siteSign).then(show, (err: unknown) => alert.show(meetingErrorText(err)));
      state.textContent = tm('liveStopped');
    } else {
      state.textContent = tm('liveReconnecting');
    }
  });
  // The page is left (another console page drew over it): the stream closes.
  const watch = setInterval(() => {
    if (main.isConnected) return;
    source.close();
    clearInterval(watch);
  }, 1000);
}

function liveCard(siteSign: string, first: LiveMeeting, owner: boolean, alert: ReturnType<typeof alertLine>): Card {
  const m0 = first.meeting;
  const heading = h('h2', {}, link(paths.meeting(siteSign, m0.confId), m0.confName));
  const facts = h('p', { class: 'muted' });
  const count = h('p', { class: 'live-count', testid: `live-count-${m0.confNumber}` });
  const roster = h('ul', { class: 'console-list roster', testid: `roster-${m0.confNumber}` });
  const controls = owner ? ownerControls(siteSign, m0.confId, () => current, alert) : null;
  let current = first;
  const el = h(
    'section',
    { class: 'panel console-panel live-meeting', testid: `live-${m0.confNumber}` },
    heading,
    facts,
    count,
    roster,
    controls,
  );
  return {
    el,
    update(m) {
      current = m;
      facts.textContent = [
        `${m.meeting.confNumber}`,
        `${m.meeting.hostName} (${m.meeting.hostUserId})`,
        m.sessionStartedAt ? tm('since', { time: formatLocal(Date.parse(m.sessionStartedAt)) }) : '',
        `${formatLocal(Date.parse(m.meeting.startTime))} – ${formatLocal(Date.parse(m.meeting.endTime))}`,
      ]
        .filter((x) => x !== '')
        .join(' · ');
      count.textContent = m.participants.length ? tm('inMeeting', { n: m.participants.length }) : tm('nobodyIn');
      roster.replaceChildren(
        ...m.participants.map((p) =>
          h(
            'li',
            {},
            h('span', {}, p.name),
            h('span', { class: 'muted' }, `${p.role} · ${p.device}`),
            h('span', { class: 'muted' }, formatLocal(Date.parse(p.joinedAt))),
          ),
        ),
      );
    },
  };
}

function ownerControls(
  siteSign: string,
  confId: number,
  current: () => LiveMeeting,
  alert: ReturnType<typeof alertLine>,
): HTMLElement {
  const minutes = field(tm('extendMinutes'), {
    name: `extend-${confId}`,
    type: 'number',
    min: '0',
    max: '1440',
    value: '15',
  });
  const parties = field(tm('extendParties'), {
    name: `extend-parties-${confId}`,
    type: 'number',
    min: '0',
    max: '10000',
    value: '0',
  });
  const extend = h(
    'button',
    { type: 'submit', class: 'btn btn-secondary btn-small', testid: `extend-${confId}` },
    tm('extend'),
  );
  const form = h('form', { class: 'console-form inline-form' }, minutes.wrap, parties.wrap, extend);
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    void whileBusy(extend, t('loading'), async () => {
      try {
        const m = await meetingsApi.extend(siteSign, confId, {
          addDuration: Number(minutes.input.value) || 0,
          addNumParties: Number(parties.input.value) || 0,
        });
        alert.show(null);
        done.textContent = tm('extended', { time: formatLocal(Date.parse(m.endTime)), parties: m.confParties });
        done.hidden = false;
      } catch (err) {
        alert.show(meetingErrorText(err));
      }
    });
  });
  const done = h('p', { class: 'notice', role: 'status', hidden: true });
  const end = button(tm('endMeeting'), { class: 'btn btn-ghost-danger btn-small', testid: `end-${confId}` }, () => {
    if (!confirm(tm('confirmEnd', { name: current().meeting.confName }))) return;
    void whileBusy(end, t('loading'), async () => {
      try {
        await meetingsApi.end(siteSign, confId);
        alert.show(null);
      } catch (err) {
        alert.show(meetingErrorText(err));
      }
    });
  });
  return h('div', { class: 'actions live-actions' }, form, end, done);
}
