// The room's icons: lucide's SVGs (ISC), drawn in the text's colour, never emoji (which show as boxes on
// machines without an emoji font). An icon is decoration: the control beside it carries the words.

import {
  Circle,
  Copy,
  createElement,
  Crown,
  Hand,
  LayoutGrid,
  MessageSquare,
  Mic,
  MicOff,
  Monitor,
  MonitorOff,
  Radio,
  SendHorizontal,
  Square,
  SquareUser,
  Video,
  VideoOff,
  type IconNode,
} from 'lucide';
import { h } from './dom';

export const Icons = {
  mic: Mic,
  micOff: MicOff,
  video: Video,
  videoOff: VideoOff,
  screen: Monitor,
  screenOff: MonitorOff,
  record: Circle,
  stop: Square,
  live: Radio,
  hand: Hand,
  copy: Copy,
  gallery: LayoutGrid,
  speaker: SquareUser,
  chat: MessageSquare,
  send: SendHorizontal,
  host: Crown,
} satisfies Record<string, IconNode>;

export type IconName = keyof typeof Icons;

/** An icon as an SVG element, hidden from screen readers, with `data-icon` naming it (for tests and styles). */
export function icon(name: IconName): SVGElement {
  const el = createElement(Icons[name], { width: 18, height: 18, 'aria-hidden': 'true', focusable: 'false' });
  el.setAttribute('class', `svg-icon svg-icon-${name}`);
  el.setAttribute('data-icon', name);
  return el;
}

/** An icon that stands for words (a muted microphone beside a name): they are its label and its tooltip. */
export function markIcon(name: IconName, label: string): HTMLElement {
  return h('span', { class: 'mark', role: 'img', 'aria-label': label, title: label, 'data-mark': name }, icon(name));
}
