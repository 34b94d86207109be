import { describe, expect, it } from 'vitest';
import { CHAT_LIMITS, chatCountsRefusal, chatText } from './room-chat.js';

describe('chatText', () => {
  it('trims, refuses empty and non-text, and counts characters rather than UTF-16 units', () => {
    expect(chatText('  hi \n')).toEqual({ text: 'hi' });
    expect(chatText(' \t ')).toEqual({ refused: 'chat_empty' });
    expect(chatText(42)).toEqual({ refused: 'chat_empty' });
    expect(chatText('😀'.repeat(CHAT_LIMITS.maxLength))).toEqual({ text: '😀'.repeat(CHAT_LIMITS.maxLength) });
    expect(chatText('a'.repeat(CHAT_LIMITS.maxLength + 1))).toEqual({ refused: 'chat_too_long' });
  });

  it('drops control characters (NUL, which PostgreSQL refuses in text, among them) but keeps tabs and lines', () => {
    expect(chatText('a\u0000b\u001bc\u007f\r\nd\te')).toEqual({ text: 'abc\nd\te' });
    expect(chatText('\u0000\u0001')).toEqual({ refused: 'chat_empty' });
  });
});

describe('chatCountsRefusal', () => {
  it('holds a sender at the rate, then the session at its cap', () => {
    expect(chatCountsRefusal({ recentBySender: CHAT_LIMITS.rateCount - 1, inSession: 0 })).toBeUndefined();
    expect(chatCountsRefusal({ recentBySender: CHAT_LIMITS.rateCount, inSession: 0 })).toBe('chat_too_fast');
    expect(chatCountsRefusal({ recentBySender: 0, inSession: CHAT_LIMITS.perSession })).toBe('chat_full');
  });
});
