import type { Db, NewParticipation, ParticipationRow, SessionRow, TicketRow, TicketState } from './database.js';
import { skipLocked } from './dialect.js';

// Sessions

export async function openSession(db: Db, meetingId: number): Promise<SessionRow | undefined> {
  return db
    .selectFrom('sessions')
    .selectAll()
    .where('meeting_id', '=', meetingId)
    .where('ended_at', 'is', null)
    .executeTakeFirst();
}

export async function insertSession(
  db: Db,
  siteId: number,
  meetingId: number,
  uuid: string,
  at: number,
): Promise<SessionRow> {
  return db
    .insertInto('sessions')
    .values({ site_id: siteId, meeting_id: meetingId, uuid, started_at: at, ended_at: null })
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function closeSession(db: Db, sessionId: number, at: number): Promise<void> {
  await db.updateTable('sessions').set({ ended_at: at }).where('id', '=', sessionId).execute();
}

export async function sessionsOf(db: Db, meetingId: number): Promise<SessionRow[]> {
  return db
    .selectFrom('sessions')
    .selectAll()
    .where('meeting_id', '=', meetingId)
    .orderBy('started_at')
    .orderBy('id')
    .execute();
}

// Participations

export async function insertParticipation(db: Db, row: NewParticipation): Promise<ParticipationRow> {
  return db.insertInto('participations').values(row).returningAll().executeTakeFirstOrThrow();
}

/** Who is in the session now, in joining order. */
export async function presentIn(db: Db, sessionId: number): Promise<ParticipationRow[]> {
  return db
    .selectFrom('participations')
    .selectAll()
    .where('session_id', '=', sessionId)
    .where('left_at', 'is', null)
    .orderBy('joined_at')
    .orderBy('id')
    .execute();
}

/** Everyone who was in the session, those who left included, in joining order. */
export async function everyoneIn(db: Db, sessionId: number): Promise<ParticipationRow[]> {
  return db
    .selectFrom('participations')
    .selectAll()
    .where('session_id', '=', sessionId)
    .orderBy('joined_at')
    .orderBy('id')
    .execute();
}

export async function countPresent(db: Db, sessionId: number): Promise<number> {
  const row = await db
    .selectFrom('participations')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('session_id', '=', sessionId)
    .where('left_at', 'is', null)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** The open participation a page's ticket holds, if any. */
export async function presentByTicket(db: Db, token: string): Promise<ParticipationRow | undefined> {
  return db
    .selectFrom('participations')
    .selectAll()
    .where('ticket', '=', token)
    .where('left_at', 'is', null)
    .executeTakeFirst();
}

export async function findParticipation(db: Db, id: number): Promise<ParticipationRow | undefined> {
  return db.selectFrom('participations').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function presentByCuid(db: Db, sessionId: number, cuid: string): Promise<ParticipationRow | undefined> {
  return db
    .selectFrom('participations')
    .selectAll()
    .where('session_id', '=', sessionId)
    .where('cuid', '=', cuid)
    .where('left_at', 'is', null)
    .executeTakeFirst();
}

/** Closes participations at `at`, never before each one's join time; answers the rows it closed. */
export async function closeParticipations(db: Db, ids: number[], at: number): Promise<ParticipationRow[]> {
  if (ids.length === 0) return [];
  return db
    .updateTable('participations')
    .set((eb) => ({ left_at: eb.case().when('joined_at', '>', at).then(eb.ref('joined_at')).else(eb.val(at)).end() }))
    .where('id', 'in', ids)
    .where('left_at', 'is', null)
    .returningAll()
    .execute();
}

/** Heartbeat of a page's participation. */
export async function touchParticipation(db: Db, id: number, at: number): Promise<void> {
  await db
    .updateTable('participations')
    .set({ last_seen_at: at })
    .where('id', '=', id)
    .where('left_at', 'is', null)
    .execute();
}

/** Meetings with open page participations whose last heartbeat is older than `before`. */
export async function meetingsWithStaleParticipants(db: Db, before: number): Promise<number[]> {
  const rows = await skipLocked(
    db,
    db
      .selectFrom('participations')
      .select('meeting_id')
      .where('left_at', 'is', null)
      .where('last_seen_at', '<', before),
  ).execute();
  return [...new Set(rows.map((r) => r.meeting_id))];
}

export async function staleParticipants(db: Db, meetingId: number, before: number): Promise<ParticipationRow[]> {
  return db
    .selectFrom('participations')
    .selectAll()
    .where('meeting_id', '=', meetingId)
    .where('left_at', 'is', null)
    .where('last_seen_at', '<', before)
    .execute();
}

/** Report rows: a meeting's participations in (join time, id) order. */
export async function participationPage(db: Db, meetingId: number, offset: number, limit: number) {
  return db
    .selectFrom('participations')
    .innerJoin('sessions', 'sessions.id', 'participations.session_id')
    .selectAll('participations')
    .select(['sessions.uuid as session_uuid'])
    .where('participations.meeting_id', '=', meetingId)
    .orderBy('participations.joined_at')
    .orderBy('participations.id')
    .offset(offset)
    .limit(limit)
    .execute();
}

export async function countParticipations(db: Db, meetingId: number): Promise<number> {
  const row = await db
    .selectFrom('participations')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('meeting_id', '=', meetingId)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

// Tickets

export async function insertTicket(db: Db, ticket: TicketRow): Promise<TicketRow> {
  return db.insertInto('tickets').values(ticket).returningAll().executeTakeFirstOrThrow();
}

export async function findTicket(db: Db, token: string): Promise<TicketRow | undefined> {
  return db.selectFrom('tickets').selectAll().where('token', '=', token).executeTakeFirst();
}

export async function setTicketState(db: Db, token: string, state: TicketState, at: number): Promise<void> {
  await db.updateTable('tickets').set({ state, updated_at: at }).where('token', '=', token).execute();
}

/** Moves every ticket of the meeting in one of `from` to `to`. */
export async function moveTickets(
  db: Db,
  meetingId: number,
  from: TicketState[],
  to: TicketState,
  at: number,
): Promise<void> {
  await db
    .updateTable('tickets')
    .set({ state: to, updated_at: at })
    .where('meeting_id', '=', meetingId)
    .where('state', 'in', from)
    .execute();
}

/** The meeting's ticket in one of `states` whose public id (cuid) is `cuid`. */
export async function findTicketByCuid(
  db: Db,
  meetingId: number,
  cuid: string,
  states: TicketState[],
): Promise<TicketRow | undefined> {
  return db
    .selectFrom('tickets')
    .selectAll()
    .where('meeting_id', '=', meetingId)
    .where('state', 'in', states)
    .where('cuid', '=', cuid)
    .executeTakeFirst();
}

export async function ticketsIn(db: Db, meetingId: number, state: TicketState): Promise<TicketRow[]> {
  return db
    .selectFrom('tickets')
    .selectAll()
    .where('meeting_id', '=', meetingId)
    .where('state', '=', state)
    .orderBy('created_at')
    .execute();
}

/** The tickets whose tokens are `tokens` (those that exist), in one query per thousand. */
export async function ticketsByToken(db: Db, tokens: readonly string[]): Promise<TicketRow[]> {
  const rows: TicketRow[] = [];
  for (let i = 0; i < tokens.length; i += 1000) {
    rows.push(
      ...(await db
        .selectFrom('tickets')
        .selectAll()
        .where('token', 'in', tokens.slice(i, i + 1000))
        .execute()),
    );
  }
  return rows;
}

/** The meeting's tickets that came into `state` at or after `since`. */
export async function ticketsChangedSince(
  db: Db,
  meetingId: number,
  state: TicketState,
  since: number,
): Promise<TicketRow[]> {
  return db
    .selectFrom('tickets')
    .selectAll()
    .where('meeting_id', '=', meetingId)
    .where('state', '=', state)
    .where('updated_at', '>=', since)
    .execute();
}
