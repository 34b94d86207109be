import type { ParticipantRole, TicketState } from '../store/database.js';
import { Code, type StatusCode } from './errors.js';

/**
 * The pages' presence rules (docs/web-protocol.md), without I/O: what a page shows for its ticket, what
 * a refused join shows, and what the host's commands do to a ticket. api/page-hub.ts reads and writes
 * the database and the sockets around them.
 */

/** Page states sent as `{"type":"state"}`. */
export type PageState = 'host_wait' | 'lobby' | 'in_meeting' | 'full' | 'removed' | 'ended' | 'left' | 'invalid';

/** The message shown with each page state. */
export const PAGE_MESSAGES: Readonly<Record<PageState, string>> = {
  host_wait: '等待主持人开始会议 (waiting for the host to start the meeting)',
  lobby: '等候室：请等待主持人允许入会 (waiting room: the host will let you in)',
  in_meeting: '会议中 (in the meeting)',
  full: '会议人数已满 (the meeting is full)',
  removed: '你已被主持人移出会议 (the host removed you)',
  ended: '会议已结束 (the meeting has ended)',
  left: '你已离开会议 (you left the meeting)',
  invalid: '会议链接无效 (this link is not valid)',
};

/**
 * What a page does with its ticket's state: `finish` (show the state and close: no ticket, removed,
 * ended, left), `wait` (show the state and stay: host_wait, lobby), or `in` (join, or stay in: admitted).
 */
export type PageStep =
  { step: 'finish'; state: PageState } | { step: 'wait'; state: 'host_wait' | 'lobby' } | { step: 'in' };

export function pageStep(ticketState: TicketState | undefined): PageStep {
  switch (ticketState) {
    case undefined:
      return { step: 'finish', state: 'invalid' };
    case 'removed':
    case 'ended':
    case 'left':
      return { step: 'finish', state: ticketState };
    case 'host_wait':
    case 'lobby':
      return { step: 'wait', state: ticketState };
    case 'admitted':
      return { step: 'in' };
  }
}

/**
 * What a page shows when the meeting refused to let its admitted ticket join: `full` (205, no room
 * left), `host_wait` (708, no session yet: the ticket waits for the host again), else `ended`.
 */
export function refusedJoinState(code: StatusCode): 'full' | 'host_wait' | 'ended' {
  return code === Code.noRoomResource ? 'full' : code === Code.wrongState ? 'host_wait' : 'ended';
}

/** The state a page that is no longer present shows: `ended` when the meeting ended, else `left`. */
export function goneState(meetingEnded: boolean): 'ended' | 'left' {
  return meetingEnded ? 'ended' : 'left';
}

/** A host's command on another ticket. */
export type HostCommand = 'admit' | 'remove';

/** The ticket states each command applies to. */
export const COMMAND_APPLIES_TO: Readonly<Record<HostCommand, readonly TicketState[]>> = {
  admit: ['lobby'],
  remove: ['lobby', 'admitted', 'host_wait'],
};

/**
 * The state `command` gives the target ticket, or undefined when it does not apply: `admit` lets a
 * ticket in the lobby in; `remove` takes out anyone but a host who is waiting or in (they also leave).
 */
export function commandTransition(
  command: HostCommand,
  target: { state: TicketState; role: ParticipantRole },
): TicketState | undefined {
  if (!COMMAND_APPLIES_TO[command].includes(target.state)) return undefined;
  if (command === 'admit') return 'admitted';
  return target.role === 'host' ? undefined : 'removed';
}

/**
 * A host's commands (end, admit, remove) count only while the host's ticket is in the meeting now, as
 * the page's own participation: a host who left, was removed or timed out, and reconnects with the same
 * ticket, has no powers.
 */
export function mayCommand(
  role: ParticipantRole,
  presentParticipationId: number | undefined,
  ownParticipationId: number | undefined,
): boolean {
  return role === 'host' && presentParticipationId !== undefined && presentParticipationId === ownParticipationId;
}
