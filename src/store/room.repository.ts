import type { Insertable, Selectable } from 'kysely';
import type { ChatMessagesTable, Db } from './database.js';

export type ChatMessageRow = Selectable<ChatMessagesTable>;

// Chat (migration 0018)

export async function insertChatMessage(db: Db, row: Insertable<ChatMessagesTable>): Promise<void> {
  await db.insertInto('chat_messages').values(row).execute();
}

/** Messages of the session, all of them or those of one sender since `since` (epoch ms, exclusive). */
export async function countChatMessages(
  db: Db,
  sessionId: number,
  only?: { senderCuid: string; since: number },
): Promise<number> {
  let query = db
    .selectFrom('chat_messages')
    .select((eb) => eb.fn.countAll<number | string>().as('n'))
    .where('session_id', '=', sessionId);
  if (only) query = query.where('sender_cuid', '=', only.senderCuid).where('sent_at', '>', only.since);
  const row = await query.executeTakeFirstOrThrow();
  return Number(row.n);
}

/** The session's last `limit` messages, oldest first. */
export async function lastChatMessages(db: Db, sessionId: number, limit: number): Promise<ChatMessageRow[]> {
  const rows = await db
    .selectFrom('chat_messages')
    .selectAll()
    .where('session_id', '=', sessionId)
    .orderBy('sent_at', 'desc')
    .orderBy('id', 'desc')
    .limit(limit)
    .execute();
  return rows.reverse();
}

/** A page of the meeting's messages (of one session when `sessionId` is given), in the order they were sent. */
export async function chatMessagePage(
  db: Db,
  meetingId: number,
  sessionId: number | undefined,
  offset: number,
  limit: number,
): Promise<{ rows: (ChatMessageRow & { uuid: string })[]; total: number }> {
  let base = db
    .selectFrom('chat_messages')
    .innerJoin('sessions', 'sessions.id', 'chat_messages.session_id')
    .where('chat_messages.meeting_id', '=', meetingId);
  if (sessionId !== undefined) base = base.where('chat_messages.session_id', '=', sessionId);
  const rows = await base
    .selectAll('chat_messages')
    .select('sessions.uuid')
    .orderBy('chat_messages.sent_at')
    .orderBy('chat_messages.id')
    .offset(offset)
    .limit(limit)
    .execute();
  const count = await base.select((eb) => eb.fn.countAll<number | string>().as('n')).executeTakeFirstOrThrow();
  return { rows, total: Number(count.n) };
}

// The host role handed over

/**
 * Makes `cuid` the meeting's one host: its tickets and its open participation in the session become `host`,
 * every other ticket and open participation `attendee`, and the session remembers whom it was handed to.
 */
export async function setSessionHost(
  db: Db,
  meetingId: number,
  sessionId: number,
  cuid: string,
  handedTo: string | null,
): Promise<void> {
  await db
    .updateTable('tickets')
    .set({ role: 'attendee' })
    .where('meeting_id', '=', meetingId)
    .where('role', '=', 'host')
    .where('cuid', '!=', cuid)
    .execute();
  await db
    .updateTable('tickets')
    .set({ role: 'host' })
    .where('meeting_id', '=', meetingId)
    .where('cuid', '=', cuid)
    .execute();
  await db
    .updateTable('participations')
    .set({ role: 'attendee' })
    .where('session_id', '=', sessionId)
    .where('left_at', 'is', null)
    .where('ticket', 'is not', null)
    .where('role', '=', 'host')
    .where('cuid', '!=', cuid)
    .execute();
  await db
    .updateTable('participations')
    .set({ role: 'host' })
    .where('session_id', '=', sessionId)
    .where('left_at', 'is', null)
    .where('cuid', '=', cuid)
    .execute();
  await db.updateTable('sessions').set({ host_handed_to: handedTo }).where('id', '=', sessionId).execute();
}

// Raised hands

/** Raises (`at`, epoch ms) or lowers (null) the hand of participant `cuid` of the meeting. */
export async function setHandRaised(db: Db, meetingId: number, cuid: string, at: number | null): Promise<void> {
  await db
    .updateTable('tickets')
    .set({ hand_raised_at: at })
    .where('meeting_id', '=', meetingId)
    .where('cuid', '=', cuid)
    .execute();
}

/** Participant ids of the meeting whose hand is up, on a ticket still admitted, in the order raised. */
export async function raisedHands(db: Db, meetingId: number): Promise<string[]> {
  const rows = await db
    .selectFrom('tickets')
    .select('cuid')
    .where('meeting_id', '=', meetingId)
    .where('state', '=', 'admitted')
    .where('hand_raised_at', 'is not', null)
    .orderBy('hand_raised_at')
    .execute();
  return rows.map((r) => r.cuid);
}
