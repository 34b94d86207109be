import type { Db, PoolRoomRow } from './database.js';
import { prepared } from './prepared.js';

/**
 * The room pool of a site (§2.1 confParties and upCompatible; table `rooms`): rooms of a capacity a
 * meeting is booked into. Not the hardware room systems of §2.25 (`rcPort`), nor the pages' meetings.
 */
export async function insertPoolRooms(
  db: Db,
  rooms: { siteId: number; capacity: number; expiresAt: number | null; count: number; now: number },
): Promise<PoolRoomRow[]> {
  const values = Array.from({ length: rooms.count }, () => ({
    site_id: rooms.siteId,
    capacity: rooms.capacity,
    expires_at: rooms.expiresAt,
    created_at: rooms.now,
  }));
  return db.insertInto('rooms').values(values).returningAll().execute();
}

export async function listPoolRooms(db: Db, siteId: number): Promise<PoolRoomRow[]> {
  return db.selectFrom('rooms').selectAll().where('site_id', '=', siteId).orderBy('id').execute();
}

/**
 * The site's pool rooms that can hold `parties`: of exactly that capacity, or with `larger` of any capacity
 * at least that, smallest first.
 */
export async function poolRoomsFor(
  db: Db,
  siteId: number,
  parties: number,
  { larger }: { larger: boolean },
): Promise<PoolRoomRow[]> {
  return db
    .selectFrom('rooms')
    .selectAll()
    .where('site_id', '=', siteId)
    .where('capacity', larger ? '>=' : '=', parties)
    .orderBy('capacity')
    .orderBy('id')
    .execute();
}

const anyPoolRoom = prepared((db, p: { siteId: number }) =>
  db.selectFrom('rooms').select('id').where('site_id', '=', p.siteId).limit(1),
);

export async function siteHasPoolRooms(db: Db, siteId: number): Promise<boolean> {
  return (await anyPoolRoom.first(db, { siteId })) !== undefined;
}
