import type { Answer } from '../contract/answers.js';
import type { Db, SiteRow, UserRow } from '../store/database.js';
import { deleteHostKeyFailures } from '../store/entry-failures.repository.js';
import { MeetingStatus } from './meeting-status.js';
import { countUserMeetings, deleteUserMeetings } from '../store/meetings.repository.js';
import { lockSite } from '../store/sites.repository.js';
import {
  countTuiliuUsers,
  findUser,
  insertUser,
  markUserDeleted,
  updateUser,
  type UserChanges,
} from '../store/users.repository.js';
import { ApiError, Code, parameterError } from './errors.js';
import { newHostKey } from './secrets.js';
import { siteRegions } from './sites.js';

/** What 2.17 answers in `data`. */
export type UserData = Answer<'createOrUpdateUser'>['data'];

/** What 2.21 answers in `userInfo`; `loginName`, `region` and `userId` are extensions. */
export type UserInfo = Answer<'getUserByUserId'>['userInfo'];

export function userData(user: UserRow): UserData {
  return {
    userId: user.user_id,
    phone: user.phone,
    userName: user.user_name,
    loginName: user.login_name,
    enableTuiliu: user.enable_tuiliu,
    enableCloudRecord: user.enable_cloud_record,
  };
}

export function userInfo(user: UserRow): UserInfo {
  return {
    hostKey: Number(user.host_key),
    username: user.user_name,
    mobile: user.phone,
    hasTuiliu: user.enable_tuiliu,
    hasCloudRecord: user.enable_cloud_record,
    // Co-hosts, local recording and closed captions are not features of this server.
    hasCoHost: 0,
    hasLocalRecord: 0,
    hasClosedCaption: 0,
    userId: user.user_id,
    loginName: user.login_name,
    region: user.region,
  };
}

export async function requireUser(
  db: Db,
  site: SiteRow,
  userId: string,
  { lock = false }: { lock?: boolean } = {},
): Promise<UserRow> {
  const user = await findUser(db, site.id, userId, { lock });
  if (!user) throw new ApiError(Code.accountNotFound, `账号不存在 (no user with userId "${userId}" on this site)`);
  return user;
}

/**
 * The user `userId`, created with `userName` on its first appearance. Later calls never change the
 * stored name (§2.1: the first userName is the one shown).
 */
export async function findOrCreateUser(
  db: Db,
  site: SiteRow,
  input: { userId: string; userName: string; phone?: string; loginName?: string },
  now: number,
): Promise<UserRow> {
  const existing = await findUser(db, site.id, input.userId);
  if (existing) return existing;
  const created = await insertUser(db, {
    site_id: site.id,
    user_id: input.userId,
    user_name: input.userName,
    phone: input.phone ?? '',
    login_name: input.loginName ?? '',
    enable_tuiliu: 0,
    enable_cloud_record: 0,
    host_key: newHostKey(),
    region: siteRegions(site)[0] ?? '',
    created_at: now,
    updated_at: now,
  });
  // A concurrent request created it between our read and our insert.
  return created ?? (await requireUser(db, site, input.userId));
}

export interface UserUpdateInput {
  userId: string;
  userName: string;
  phone?: string | undefined;
  loginName?: string | undefined;
  enableTuiliu?: number | undefined;
  enableCloudRecord?: number | undefined;
  /** true: create (an existing user is updated, idempotently); false: update only (101 if missing); undefined: either. */
  isNeedCreate?: boolean | undefined;
}

/** 2.17: creates the user or changes its properties. */
export async function createOrUpdateUser(db: Db, site: SiteRow, input: UserUpdateInput, now: number): Promise<UserRow> {
  const existing = await findUser(db, site.id, input.userId);
  if (!existing && input.isNeedCreate === false) {
    throw new ApiError(
      Code.accountNotFound,
      `账号不存在 (no user with userId "${input.userId}"; isNeedCreate=false only updates)`,
    );
  }
  const user = existing ?? (await findOrCreateUser(db, site, input, now));
  if (input.enableTuiliu === 1 && user.enable_tuiliu !== 1) await checkTuiliuQuota(db, site, user);
  const changes: UserChanges = { user_name: input.userName };
  if (input.phone !== undefined) changes.phone = input.phone;
  if (input.loginName !== undefined) changes.login_name = input.loginName;
  if (input.enableTuiliu !== undefined) changes.enable_tuiliu = input.enableTuiliu;
  if (input.enableCloudRecord !== undefined) changes.enable_cloud_record = input.enableCloudRecord;
  return updateUser(db, user.id, changes, now);
}

/** 205 when the site's quota of users with custom streaming is taken by others. */
async function checkTuiliuQuota(db: Db, site: SiteRow, user: UserRow): Promise<void> {
  if (site.max_tuiliu_users === null) return;
  await lockSite(db, site.id);
  const used = await countTuiliuUsers(db, site.id, user.id);
  if (used >= site.max_tuiliu_users) {
    throw new ApiError(
      Code.noRoomResource,
      `站点自定义推流账号已满 (enableTuiliu: the site allows ${site.max_tuiliu_users} users with custom streaming, all taken)`,
    );
  }
}

/** Gives the user custom streaming (§2.1 `live=1`), within the site's quota. */
export async function enableTuiliu(db: Db, site: SiteRow, user: UserRow, now: number): Promise<UserRow> {
  await checkTuiliuQuota(db, site, user);
  return updateUser(db, user.id, { enable_tuiliu: 1 }, now);
}

/** 2.18: moves the user to one of the site's data-center regions. */
export async function changeUserRegion(
  db: Db,
  site: SiteRow,
  input: { userId: string; region: string; loginName?: string | undefined },
  now: number,
): Promise<UserRow> {
  const regions = siteRegions(site);
  if (!regions.includes(input.region)) {
    throw parameterError('region', `one of this site's regions: ${regions.join(', ')}`);
  }
  const user = await requireUser(db, site, input.userId);
  const changes: UserChanges = { region: input.region };
  if (input.loginName !== undefined) changes.login_name = input.loginName;
  return updateUser(db, user.id, changes, now);
}

/**
 * 2.20: deletes the user. Never while one of its meetings is live; without `force`, only when it has
 * no scheduled meeting. Its meetings and their reports disappear with it; scheduled ones are cancelled.
 */
export async function deleteUser(
  db: Db,
  site: SiteRow,
  userId: string,
  { force }: { force: boolean },
  now: number,
): Promise<void> {
  const user = await requireUser(db, site, userId, { lock: true });
  if ((await countUserMeetings(db, user.id, MeetingStatus.live)) > 0) {
    throw new ApiError(Code.wrongState, `用户有正在进行的会议，不能删除 (userId "${userId}" has a live meeting)`);
  }
  if (!force && (await countUserMeetings(db, user.id, MeetingStatus.scheduled)) > 0) {
    throw new ApiError(
      Code.wrongState,
      `用户有已预约的会议，不能删除 (userId "${userId}" has scheduled meetings; isForceDel=1 deletes them too)`,
    );
  }
  await deleteUserMeetings(db, user.id, now);
  await markUserDeleted(db, user.id, now);
}

/**
 * Extension: gives the user a new host key (six digits, never the one it replaces). The old key stops
 * working at once on every meeting of the user, and the wrong keys counted against the old one are
 * forgotten.
 */
export async function regenerateHostKey(db: Db, site: SiteRow, userId: string, now: number): Promise<UserRow> {
  const user = await requireUser(db, site, userId, { lock: true });
  let key = newHostKey();
  while (key === user.host_key) key = newHostKey();
  await deleteHostKeyFailures(db, user.id);
  return updateUser(db, user.id, { host_key: key }, now);
}
