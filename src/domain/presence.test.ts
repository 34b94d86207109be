import { describe, expect, it } from 'vitest';
import { Code } from './errors.js';
import { commandTransition, goneState, mayCommand, PAGE_MESSAGES, pageStep, refusedJoinState } from './presence.js';

describe('pageStep', () => {
  it('closes the page of a missing, removed, ended or left ticket with that state', () => {
    expect(pageStep(undefined)).toEqual({ step: 'finish', state: 'invalid' });
    for (const state of ['removed', 'ended', 'left'] as const)
      expect(pageStep(state)).toEqual({ step: 'finish', state });
  });

  it('keeps a waiting page open, and lets an admitted one in', () => {
    expect(pageStep('host_wait')).toEqual({ step: 'wait', state: 'host_wait' });
    expect(pageStep('lobby')).toEqual({ step: 'wait', state: 'lobby' });
    expect(pageStep('admitted')).toEqual({ step: 'in' });
  });

  it('has a message for every state', () => {
    expect(PAGE_MESSAGES.full).toBe('会议人数已满 (the meeting is full)');
    expect(Object.keys(PAGE_MESSAGES).sort()).toEqual([
      'ended',
      'full',
      'host_wait',
      'in_meeting',
      'invalid',
      'left',
      'lobby',
      'removed',
    ]);
  });
});

describe('refusedJoinState and goneState', () => {
  it('shows full for 205, host_wait for 708, ended otherwise', () => {
    expect(refusedJoinState(Code.noRoomResource)).toBe('full');
    expect(refusedJoinState(Code.wrongState)).toBe('host_wait');
    expect(refusedJoinState(Code.meetingEnded)).toBe('ended');
    expect(refusedJoinState(Code.meetingNotFound)).toBe('ended');
  });

  it('shows ended when the meeting ended, else left', () => {
    expect(goneState(true)).toBe('ended');
    expect(goneState(false)).toBe('left');
  });
});

describe('commandTransition', () => {
  it('admits only a ticket in the lobby', () => {
    expect(commandTransition('admit', { state: 'lobby', role: 'attendee' })).toBe('admitted');
    for (const state of ['admitted', 'host_wait', 'removed', 'left', 'ended'] as const) {
      expect(commandTransition('admit', { state, role: 'attendee' })).toBeUndefined();
    }
  });

  it('removes a waiting or admitted attendee, never a host, nor a ticket already out', () => {
    for (const state of ['lobby', 'admitted', 'host_wait'] as const) {
      expect(commandTransition('remove', { state, role: 'attendee' })).toBe('removed');
      expect(commandTransition('remove', { state, role: 'host' })).toBeUndefined();
    }
    for (const state of ['removed', 'left', 'ended'] as const)
      expect(commandTransition('remove', { state, role: 'attendee' })).toBeUndefined();
  });
});

describe('mayCommand', () => {
  it('only a host whose own participation is present now', () => {
    expect(mayCommand('host', 7, 7)).toBe(true);
    expect(mayCommand('attendee', 7, 7)).toBe(false);
    expect(mayCommand('host', undefined, 7)).toBe(false);
    // Reconnected after leaving: present again under another participation than this page's.
    expect(mayCommand('host', 8, 7)).toBe(false);
    expect(mayCommand('host', undefined, undefined)).toBe(false);
  });
});
