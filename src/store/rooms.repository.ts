import type { Db, RoomRow } from './database.js';

export async function insertRooms(
  db: Db,
  rooms: { siteId: number; capacity: number; expiresAt: number | null; count: number; now: number },
): Promise<RoomRow[]> {
  const values = Array.from({ length: rooms.count }, () => ({
    site_id: rooms.siteId,
    capacity: rooms.capacity,
    expires_at: rooms.expiresAt,
    created_at: rooms.now,
  }));
  return db.insertInto('rooms').values(values).returningAll().execute();
}

export async function listRooms(db: Db, siteId: number): Promise<RoomRow[]> {
  return db.selectFrom('rooms').selectAll().where('site_id', '=', siteId).orderBy('id').execute();
}
