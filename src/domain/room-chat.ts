import { randomUUID } from 'node:crypto';
import type { Answer } from '../contract/answers.js';
import type { Db, MeetingRow, SessionRow } from '../store/database.js';
import { sessionsOf } from '../store/presence.repository.js';
import { parameterError } from './errors.js';
import { pageOf, type ReportPage } from './reports.js';
import { formatDateTime } from './time.js';
import {
  chatMessagePage,
  countChatMessages,
  insertChatMessage,
  lastChatMessages,
  type ChatMessageRow,
} from '../store/room.repository.js';

/**
 * The room's chat (issue 17): messages are kept with the meeting session; the server, not the page, holds the
 * limits. docs/decisions.md, "Chat in the room".
 */
export const CHAT_LIMITS = {
  /** Characters of a message, after trimming. */
  maxLength: 1000,
  /** Messages one participant may send within `rateWindowMs`. */
  rateCount: 5,
  rateWindowMs: 5000,
  /** Messages a session keeps at most; later ones are refused. */
  perSession: 2000,
  /** Messages a page is shown when it joins. */
  history: 200,
} as const;

/** Why a message was refused, worded by the page (`refused.<reason>` in web/src/room-messages.ts). */
export type ChatRefusal = 'chat_empty' | 'chat_too_long' | 'chat_too_fast' | 'chat_full';

/** Control characters other than tab and line feed: never shown, and PostgreSQL's text refuses NUL. */
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000B-\u001F\u007F]/g;

/**
 * The message's text as kept (control characters other than tab and line feed dropped, trimmed), or why it is
 * refused. Length counts characters, not UTF-16 units.
 */
export function chatText(raw: unknown): { text: string } | { refused: ChatRefusal } {
  if (typeof raw !== 'string') return { refused: 'chat_empty' };
  const text = raw.replace(CONTROL, '').trim();
  if (text === '') return { refused: 'chat_empty' };
  if (Array.from(text).length > CHAT_LIMITS.maxLength) return { refused: 'chat_too_long' };
  return { text };
}

/** The rate and the session's cap, from what was counted: undefined when the message may be kept. */
export function chatCountsRefusal(counts: { recentBySender: number; inSession: number }): ChatRefusal | undefined {
  if (counts.recentBySender >= CHAT_LIMITS.rateCount) return 'chat_too_fast';
  if (counts.inSession >= CHAT_LIMITS.perSession) return 'chat_full';
  return undefined;
}

/** A chat message as the pages receive it (`{"type":"chat",...}`, docs/web-protocol.md). */
export interface ChatMessageView {
  id: string;
  from: string;
  name: string;
  text: string;
  sentAt: number;
}

export function chatMessageView(row: ChatMessageRow): ChatMessageView {
  return { id: row.id, from: row.sender_cuid, name: row.sender_name, text: row.text, sentAt: row.sent_at };
}

/**
 * Keeps a message of `sender` in the session, or answers why not. The caller holds the meeting's lock, so that
 * the counts and the insert are one step for every sender.
 */
export async function postChatMessage(
  db: Db,
  meeting: MeetingRow,
  session: SessionRow,
  sender: { cuid: string; name: string },
  raw: unknown,
  now: number,
): Promise<{ message: ChatMessageView } | { refused: ChatRefusal }> {
  const checked = chatText(raw);
  if ('refused' in checked) return checked;
  const refused = chatCountsRefusal({
    recentBySender: await countChatMessages(db, session.id, {
      senderCuid: sender.cuid,
      since: now - CHAT_LIMITS.rateWindowMs,
    }),
    inSession: await countChatMessages(db, session.id),
  });
  if (refused) return { refused };
  const row = {
    id: randomUUID(),
    site_id: meeting.site_id,
    meeting_id: meeting.id,
    session_id: session.id,
    sender_cuid: sender.cuid,
    sender_name: sender.name,
    text: checked.text,
    sent_at: now,
  };
  await insertChatMessage(db, row);
  return { message: chatMessageView(row) };
}

/** What a page joining the session is shown of its chat: the last {@link CHAT_LIMITS.history} messages. */
export async function chatHistory(db: Db, sessionId: number): Promise<ChatMessageView[]> {
  return (await lastChatMessages(db, sessionId, CHAT_LIMITS.history)).map(chatMessageView);
}

/**
 * The extension getConfChatListByConfId: the meeting's messages (of the session `uuid` when given), in the order
 * sent, paged. An unknown `uuid` is a parameter error (109).
 */
export async function chatReport(
  db: Db,
  meeting: MeetingRow,
  uuid: string | undefined,
  pageNo: number,
  pageSize: number,
): Promise<{ page: ReportPage; data: Answer<'getConfChatListByConfId'>['data'] }> {
  let sessionId: number | undefined;
  if (uuid !== undefined) {
    sessionId = (await sessionsOf(db, meeting.id)).find((s) => s.uuid === uuid)?.id;
    if (sessionId === undefined) throw parameterError('uuid', 'a session of this meeting (2.26)');
  }
  const { rows, total } = await chatMessagePage(db, meeting.id, sessionId, (pageNo - 1) * pageSize, pageSize);
  return {
    page: pageOf(total, pageNo, pageSize),
    data: {
      confId: meeting.id,
      messages: rows.map((r) => ({
        messageId: r.id,
        uuid: r.uuid,
        cuid: r.sender_cuid,
        participantName: r.sender_name,
        text: r.text,
        sendTime: formatDateTime(r.sent_at),
      })),
    },
  };
}
