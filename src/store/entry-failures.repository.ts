import type { Db, EntryFailureKind } from './database.js';

export async function insertEntryFailure(
  db: Db,
  row: { meeting_id: number; host_user_pk: number; client: string; kind: EntryFailureKind; at: number },
): Promise<void> {
  await db.insertInto('entry_failures').values(row).execute();
}

/** Forgets failures older than `before`, of every meeting. */
export async function pruneEntryFailures(db: Db, before: number): Promise<void> {
  await db.deleteFrom('entry_failures').where('at', '<', before).execute();
}

/** A client's failures on a meeting since `since`: how many, and the last one's time. */
export async function clientFailures(
  db: Db,
  meetingId: number,
  client: string,
  since: number,
): Promise<{ count: number; last: number }> {
  const row = await db
    .selectFrom('entry_failures')
    .select((eb) => [eb.fn.countAll<number>().as('n'), eb.fn.max('at').as('last')])
    .where('meeting_id', '=', meetingId)
    .where('client', '=', client)
    .where('at', '>=', since)
    .executeTakeFirstOrThrow();
  return { count: Number(row.n), last: Number(row.last ?? 0) };
}

/** Whose failures to count: a meeting's (every kind), or the wrong host keys of any meeting of a host. */
export type FailureScope = { meetingId: number } | { hostUserPk: number };

/** Time of the `n`-th most recent failure of `scope` since `since`; undefined when there are fewer. */
export async function nthRecentFailure(
  db: Db,
  scope: FailureScope,
  since: number,
  n: number,
): Promise<number | undefined> {
  let query = db.selectFrom('entry_failures').select('at').where('at', '>=', since);
  query =
    'meetingId' in scope
      ? query.where('meeting_id', '=', scope.meetingId)
      : query.where('host_user_pk', '=', scope.hostUserPk).where('kind', '=', 'host_key');
  const row = await query
    .orderBy('at', 'desc')
    .limit(1)
    .offset(n - 1)
    .executeTakeFirst();
  return row && Number(row.at);
}

/** Forgets the wrong host keys given for a host's meetings (their key was just replaced). */
export async function deleteHostKeyFailures(db: Db, hostUserPk: number): Promise<void> {
  await db.deleteFrom('entry_failures').where('host_user_pk', '=', hostUserPk).where('kind', '=', 'host_key').execute();
}
