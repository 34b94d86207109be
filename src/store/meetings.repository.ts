import type { Db, MeetingRow, NewMeeting } from './database.js';

export const MeetingStatus = { scheduled: 0, live: 2, ended: 3, cancelled: 9 } as const;
export const DelFlag = { normal: 1, deleted: 2 } as const;

export async function insertMeeting(db: Db, meeting: NewMeeting): Promise<MeetingRow> {
  return db.insertInto('meetings').values(meeting).returningAll().executeTakeFirstOrThrow();
}

/** How many of the user's not-deleted meetings are in `status`. */
export async function countUserMeetings(db: Db, userPk: number, status: number): Promise<number> {
  const row = await db
    .selectFrom('meetings')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('user_pk', '=', userPk)
    .where('conf_status', '=', status)
    .where('conf_del_flag', '=', DelFlag.normal)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/**
 * Removes every meeting of a deleted user from view (`conf_del_flag` 2); the scheduled ones are
 * cancelled too, so they stop holding the site's licence.
 */
export async function deleteUserMeetings(db: Db, userPk: number, now: number): Promise<void> {
  await db
    .updateTable('meetings')
    .set({ conf_status: MeetingStatus.cancelled, updated_at: now })
    .where('user_pk', '=', userPk)
    .where('conf_status', '=', MeetingStatus.scheduled)
    .execute();
  await db
    .updateTable('meetings')
    .set({ conf_del_flag: DelFlag.deleted, updated_at: now })
    .where('user_pk', '=', userPk)
    .execute();
}
