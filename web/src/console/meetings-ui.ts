// Pieces the Meetings and Live pages share: a meeting's state in words, refusals of the API's rules in the
// reader's words, local times for the forms.

import { h } from '../dom';
import { ConsoleError } from './api';
import type { MeetingState } from './meetings-api';
import { tm } from './messages-meetings';
import { errorText } from './ui';

const STATE_KEY = {
  scheduled: 'stateScheduled',
  live: 'stateLive',
  ended: 'stateEnded',
  cancelled: 'stateCancelled',
} as const;

export function stateText(state: MeetingState): string {
  return tm(STATE_KEY[state]);
}

/** A meeting's state as a small badge. */
export function stateBadge(state: MeetingState): HTMLElement {
  return h('span', { class: `badge badge-${state}` }, stateText(state));
}

/** The server's words after the Chinese, the part in parentheses: `会议名称不支持 (confName must …)` → `confName must …`. */
function detailOf(message: string): string {
  const open = message.indexOf('(');
  return open >= 0 && message.endsWith(')') ? message.slice(open + 1, -1) : message;
}

/**
 * A refusal in the reader's words: the API's rules (`code_<status>`, the document's codes) from this page's
 * catalogue, the console's own from the console's.
 */
export function meetingErrorText(err: unknown): string {
  if (!(err instanceof ConsoleError)) return errorText(err);
  const detail = detailOf(err.message);
  switch (err.error) {
    case 'code_101':
      return tm('code101');
    case 'code_104':
      return tm('code104', { detail });
    case 'code_109':
      return tm('code109', { detail });
    case 'code_201':
      return tm('code201');
    case 'code_202':
      return tm('code202');
    case 'code_205':
      return tm('code205');
    case 'code_401':
      return tm('code401');
    case 'code_707':
      return tm('code707');
    case 'code_708':
      return tm('code708');
    case 'code_709':
      return tm('code709');
    case 'bad_range':
      return tm('badRange');
    case 'too_many_streams':
      return tm('tooManyStreams');
    default:
      return errorText(err);
  }
}

const pad = (n: number) => String(n).padStart(2, '0');

/** `yyyy-MM-ddTHH:mm` in local time, as a datetime-local input holds it. */
export function localInputValue(ms: number): string {
  const d = new Date(ms);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** `yyyy-MM-dd` of a local day. */
export function localDay(d: Date): string {
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

/** A local `yyyy-MM-dd` as the Date of its midnight, or undefined. */
export function parseLocalDay(text: string | null): Date | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text ?? '');
  if (!m) return undefined;
  const d = new Date(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  return Number.isNaN(d.getTime()) ? undefined : d;
}

/** A labelled checkbox. */
export function checkbox(label: string, name: string, checked = false): { wrap: HTMLElement; input: HTMLInputElement } {
  const id = `f-${name}`;
  const input = h('input', { type: 'checkbox', id, name, checked });
  return { wrap: h('div', { class: 'field field-check' }, input, h('label', { for: id }, label)), input };
}

/** A labelled select of `options` ([value, text]). */
export function select(
  label: string,
  name: string,
  options: [string, string][],
  value: string,
): { wrap: HTMLElement; input: HTMLSelectElement } {
  const id = `f-${name}`;
  const input = h(
    'select',
    { id, name },
    ...options.map(([v, text]) => h('option', { value: v, selected: v === value }, text)),
  );
  return { wrap: h('div', { class: 'field' }, h('label', { for: id }, label), input), input };
}
