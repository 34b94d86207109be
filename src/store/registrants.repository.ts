import type { Db, NewRegistrant, RegistrantRow, RegistrantStatus } from './database.js';

export async function findSettings(db: Db, meetingId: number) {
  return db.selectFrom('registration_settings').selectAll().where('meeting_id', '=', meetingId).executeTakeFirst();
}

export async function saveSettings(
  db: Db,
  meetingId: number,
  customQuestions: string,
  questions: string,
  now: number,
): Promise<void> {
  await db
    .insertInto('registration_settings')
    .values({ meeting_id: meetingId, custom_questions: customQuestions, questions, updated_at: now })
    .onConflict((oc) =>
      oc.column('meeting_id').doUpdateSet({ custom_questions: customQuestions, questions, updated_at: now }),
    )
    .execute();
}

/** Inserts a registrant unless the email is registered for the meeting already; answers undefined then. */
export async function insertRegistrant(db: Db, row: NewRegistrant): Promise<RegistrantRow | undefined> {
  return db
    .insertInto('registrants')
    .values(row)
    .onConflict((oc) => oc.columns(['meeting_id', 'email_key']).doNothing())
    .returningAll()
    .executeTakeFirst();
}

export async function findRegistrantByEmail(
  db: Db,
  meetingId: number,
  emailKey: string,
): Promise<RegistrantRow | undefined> {
  return db
    .selectFrom('registrants')
    .selectAll()
    .where('meeting_id', '=', meetingId)
    .where('email_key', '=', emailKey)
    .executeTakeFirst();
}

export async function findRegistrant(
  db: Db,
  meetingId: number,
  registrantId: string,
): Promise<RegistrantRow | undefined> {
  return db
    .selectFrom('registrants')
    .selectAll()
    .where('meeting_id', '=', meetingId)
    .where('registrant_id', '=', registrantId)
    .executeTakeFirst();
}

export async function findRegistrantByTk(db: Db, tk: string): Promise<RegistrantRow | undefined> {
  return db.selectFrom('registrants').selectAll().where('tk', '=', tk).executeTakeFirst();
}

export async function registrantsOf(db: Db, meetingId: number, status: RegistrantStatus): Promise<RegistrantRow[]> {
  return db
    .selectFrom('registrants')
    .selectAll()
    .where('meeting_id', '=', meetingId)
    .where('status', '=', status)
    .orderBy('created_at')
    .orderBy('id')
    .execute();
}

export async function registrantsByIds(db: Db, registrantIds: string[]): Promise<RegistrantRow[]> {
  if (registrantIds.length === 0) return [];
  return db.selectFrom('registrants').selectAll().where('registrant_id', 'in', registrantIds).execute();
}

export async function setRegistrantStatus(
  db: Db,
  id: number,
  status: RegistrantStatus,
  now: number,
): Promise<RegistrantRow> {
  return db
    .updateTable('registrants')
    .set({ status, updated_at: now })
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow();
}
