import type { Db, ParticipantRole, SessionRow } from '../store/database.js';
import { presentByCuid } from '../store/presence.repository.js';
import { setSessionHost } from '../store/room.repository.js';

/**
 * Handing the host role over (issue 17; docs/decisions.md, "Handing the host role over"). The server keeps the
 * role on the tickets and open participations, so that it survives a reconnect; the session remembers whom it
 * was handed to, so that the host link's holder entering again takes it back.
 */

/**
 * The host hands the role to participant `cuid`, present in the session through a meeting page: they become
 * the one host and every other page an attendee. False (nothing changed) for anyone else.
 */
export async function handHostRole(db: Db, session: SessionRow, fromCuid: string, cuid: string): Promise<boolean> {
  if (cuid === fromCuid) return false;
  const target = await presentByCuid(db, session.id, cuid);
  if (!target || target.ticket === null) return false;
  await setSessionHost(db, session.meeting_id, session.id, cuid, cuid);
  return true;
}

/**
 * A page joining with a host ticket (the host link, or the host key) after the role was handed over in the
 * session takes it back: it becomes the one host. A ticket the role was handed to keeps it when it reconnects.
 */
export async function reclaimHostRole(
  db: Db,
  session: SessionRow,
  joining: { cuid: string; role: ParticipantRole },
): Promise<void> {
  if (joining.role !== 'host' || session.host_handed_to === null || session.host_handed_to === joining.cuid) return;
  await setSessionHost(db, session.meeting_id, session.id, joining.cuid, null);
}
