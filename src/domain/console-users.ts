/**
 * The console's Users page (issue 19): the site's users, added, changed and deleted through the API's own
 * domain functions (2.17 createOrUpdateUser, 2.20 delUserByUserId, the regenerateHostKey extension), each in
 * one transaction as the API runs them, their refusals named `code_<status>` as the Meetings page's are.
 */
import type { ConsoleUserView } from '../contract/console-site.js';
import type { Db, SiteRow, UserRow } from '../store/database.js';
import { siteUsers } from '../store/users.repository.js';
import { asApi } from './console-meetings.js';
import { createOrUpdateUser, deleteUser, regenerateHostKey } from './users.js';

/** Users the page lists. */
const LISTED = 500;

export function consoleUserView(user: UserRow, showHostKey: boolean): ConsoleUserView {
  return {
    userId: user.user_id,
    userName: user.user_name,
    loginName: user.login_name,
    phone: user.phone,
    enableCloudRecord: user.enable_cloud_record,
    enableTuiliu: user.enable_tuiliu,
    region: user.region,
    hostKey: showHostKey ? user.host_key : null,
    createdAt: new Date(user.created_at).toISOString(),
  };
}

/** The site's users by userId; their host keys only when `showHostKeys` (owners). */
export async function listConsoleUsers(db: Db, site: SiteRow, showHostKeys: boolean) {
  const { rows, total } = await siteUsers(db, site.id, LISTED);
  return { users: rows.map((u) => consoleUserView(u, showHostKeys)), total };
}

/** 2.17 from the console: adds the user (`create`) or changes an existing one (101 `code_101` when none). */
export async function consoleSaveUser(
  db: Db,
  site: SiteRow,
  input: { userId: string; userName: string; enableCloudRecord: 0 | 1; create: boolean },
  now: number,
): Promise<UserRow> {
  return asApi(() =>
    db.transaction().execute((trx) =>
      createOrUpdateUser(
        trx,
        site,
        {
          userId: input.userId,
          userName: input.userName,
          enableCloudRecord: input.enableCloudRecord,
          isNeedCreate: input.create,
        },
        now,
      ),
    ),
  );
}

/** 2.20 from the console: deletes the user (708 `code_708` while it has a live meeting, or scheduled ones unless `force`). */
export async function consoleDeleteUser(db: Db, site: SiteRow, userId: string, force: boolean, now: number) {
  await asApi(() => db.transaction().execute((trx) => deleteUser(trx, site, userId, { force }, now)));
}

/** The regenerateHostKey extension from the console: the old key stops working at once. */
export async function consoleRegenerateHostKey(db: Db, site: SiteRow, userId: string, now: number): Promise<UserRow> {
  return asApi(() => db.transaction().execute((trx) => regenerateHostKey(trx, site, userId, now)));
}
