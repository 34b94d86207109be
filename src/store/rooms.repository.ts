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

/**
 * The site's rooms that can hold `parties`: of exactly that capacity, or with `larger` of any capacity
 * at least that, smallest first.
 */
export async function roomsFor(db: Db, siteId: number, parties: number, { larger }: { larger: boolean }): Promise<RoomRow[]> {
  return db
    .selectFrom('rooms')
    .selectAll()
    .where('site_id', '=', siteId)
    .where('capacity', larger ? '>=' : '=', parties)
    .orderBy('capacity')
    .orderBy('id')
    .execute();
}

export async function siteHasRooms(db: Db, siteId: number): Promise<boolean> {
  const row = await db.selectFrom('rooms').select('id').where('site_id', '=', siteId).limit(1).executeTakeFirst();
  return row !== undefined;
}
