import type { Db, NewUser, UserRow } from './database.js';
import { forUpdate } from './dialect.js';
import { prepared, preparedByColumns } from './prepared.js';

const userQuery = (db: Db, p: { siteId: number; userId: string }) =>
  db
    .selectFrom('users')
    .selectAll()
    .where('site_id', '=', p.siteId)
    .where('user_id', '=', p.userId)
    .where('deleted_at', 'is', null);
const liveUser = prepared(userQuery);
const lockedLiveUser = prepared((db, p: { siteId: number; userId: string }) => forUpdate(db, userQuery(db, p)));

/** The live (not deleted) user `userId` of a site; `lock` holds its row for the transaction. */
export async function findUser(
  db: Db,
  siteId: number,
  userId: string,
  { lock = false }: { lock?: boolean } = {},
): Promise<UserRow | undefined> {
  return (lock ? lockedLiveUser : liveUser).first(db, { siteId, userId });
}

/** Inserts a user unless the userId is already live on the site; answers undefined then. */
export async function insertUser(db: Db, user: NewUser): Promise<UserRow | undefined> {
  return (await db.executeQuery(userInsert(db, user))).rows[0];
}

const userInsert = preparedByColumns(
  (columns) => (db, p: NewUser) =>
    db
      .insertInto('users')
      .values(Object.fromEntries(columns.map((c) => [c, p[c as keyof NewUser]])) as NewUser)
      .onConflict((oc) => oc.columns(['site_id', 'user_id']).where('deleted_at', 'is', null).doNothing())
      .returningAll(),
);

export type UserChanges = Partial<
  Pick<UserRow, 'user_name' | 'phone' | 'login_name' | 'enable_tuiliu' | 'enable_cloud_record' | 'region' | 'host_key'>
>;

export async function updateUser(db: Db, id: number, changes: UserChanges, now: number): Promise<UserRow> {
  const row = (await db.executeQuery(userUpdate(db, { ...changes, updated_at: now, id }))).rows[0];
  if (!row) throw new Error(`no user ${id} to update`);
  return row;
}

type UserUpdate = UserChanges & { updated_at: number; id: number };
const userUpdate = preparedByColumns(
  (columns) => (db, p: UserUpdate) =>
    db
      .updateTable('users')
      .set(Object.fromEntries(columns.filter((c) => c !== 'id').map((c) => [c, p[c as keyof UserUpdate]])))
      .where('id', '=', p.id)
      .returningAll(),
);

export async function markUserDeleted(db: Db, id: number, now: number): Promise<void> {
  await db.updateTable('users').set({ deleted_at: now, updated_at: now }).where('id', '=', id).execute();
}

/** How many live users of the site have custom streaming, leaving out `exceptId`. */
export async function countTuiliuUsers(db: Db, siteId: number, exceptId?: number): Promise<number> {
  let query = db
    .selectFrom('users')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('site_id', '=', siteId)
    .where('deleted_at', 'is', null)
    .where('enable_tuiliu', '=', 1);
  if (exceptId !== undefined) query = query.where('id', '<>', exceptId);
  const row = await query.executeTakeFirstOrThrow();
  return Number(row.n);
}

export async function findUserById(db: Db, id: number): Promise<UserRow | undefined> {
  return db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
}

/** The site's users not deleted, by userId, at most `limit`, and how many there are. */
export async function siteUsers(db: Db, siteId: number, limit: number): Promise<{ rows: UserRow[]; total: number }> {
  const live = db.selectFrom('users').where('site_id', '=', siteId).where('deleted_at', 'is', null);
  const rows = await live.selectAll().orderBy('user_id').limit(limit).execute();
  const { n } = await live.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  return { rows, total: Number(n) };
}
