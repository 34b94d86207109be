import { randomBytes, randomInt } from 'node:crypto';
import type { Db, MeetingRow, MeetingUpdate, SiteRow, UserRow } from '../store/database.js';
import {
  busyRooms,
  findMeeting,
  findMeetingByNumber,
  insertMeeting,
  occupancyPeak,
  occupancyPeakWithout,
  settleFinished,
  updateMeeting,
  userOverlap,
} from '../store/meetings.repository.js';
import { poolRoomsFor, siteHasPoolRooms } from '../store/pool-rooms.repository.js';
import { lockSite } from '../store/sites.repository.js';
import { updateUser } from '../store/users.repository.js';
import { ApiError, Code, parameterError } from './errors.js';
import { Bounds, forbiddenNamePart, meetingWindow, type Window } from './schedule.js';
import { formatDateTime, parseDateTime } from './time.js';
import { endSession } from './lifecycle.js';
import { DelFlag, isPastDue, MeetingStatus, statusOnCancel } from './meeting-status.js';
import { enableTuiliu, findOrCreateUser, requireUser } from './users.js';
import { emitEvent, type EventType } from './webhooks.js';

/** Options a meeting carries as given (2.1, 2.2, 2.12); absent ones keep their default or old value. */
export interface MeetingOptions {
  optionJbh?: number | undefined;
  optionVideoHost?: number | undefined;
  optionVideoParticipants?: number | undefined;
  interpretation?: number | undefined;
  isTuiliu?: number | undefined;
  streamDiy?: number | undefined;
  streamUrl?: string | undefined;
  streamKey?: string | undefined;
  watchUrl?: string | undefined;
  audio?: number | undefined;
  waitingRoom?: number | undefined;
  live?: number | undefined;
  registrationType?: number | undefined;
  watermark?: number | undefined;
  meetingAuthentication?: number | undefined;
  loginName?: string | undefined;
}

export interface ReserveInput extends MeetingOptions {
  userId: string;
  userName: string;
  phone?: string | undefined;
  confName: string;
  confPassword?: string | undefined;
  /** `yyyy-MM-dd HH:mm:ss` GMT; not needed for an instant meeting. */
  startTime?: string | undefined;
  duration: number;
  confParties: number;
  beforeTime?: number | undefined;
  isInstantMeeting?: number | undefined;
  /** `y`: a larger pool room may be used when none of exactly confParties is free. */
  upCompatible?: 'y' | 'n' | undefined;
}

export interface ModifyInput extends MeetingOptions {
  userId: string;
  confId: number;
  confName?: string | undefined;
  /** Required by the document; empty removes the password. */
  confPassword: string;
  startTime: string;
  duration: number;
  confParties: number;
  beforeTime?: number | undefined;
  upCompatible?: 'y' | 'n' | undefined;
}

export interface MeetingWithHost {
  meeting: MeetingRow;
  host: UserRow;
}

function checkName(name: string): string {
  const part = forbiddenNamePart(name);
  if (part !== undefined) {
    throw new ApiError(Code.meetingParameter, `会议名称不支持 (confName must not contain ${JSON.stringify(part)})`);
  }
  if (name.trim() === '') throw new ApiError(Code.meetingParameter, '会议名称不能为空 (confName must not be blank)');
  return name;
}

function checkPassword(password: string): string {
  if (!Bounds.password.test(password)) {
    throw new ApiError(
      Code.meetingParameter,
      '会议密码格式错误 (confPassword: at most 16 letters or digits, or empty for none)',
    );
  }
  return password;
}

function parseStart(text: string | undefined): number {
  if (text === undefined) throw new ApiError(Code.parameter, '缺少参数 startTime (parameter startTime is required)');
  const start = parseDateTime(text);
  if (start === undefined) throw parameterError('startTime', 'a GMT time yyyy-MM-dd HH:mm:ss');
  return start;
}

function checkNotOver(window: Window, now: number): void {
  if (window.end <= now) {
    throw new ApiError(
      Code.outsideMeetingTime,
      `会议时间已过 (the meeting would end at ${formatDateTime(window.end)} GMT, which has passed; startTime and duration are GMT)`,
    );
  }
}

/**
 * The document's streaming options checked against the user and the server: `isTuiliu=1` (an automatic
 * streaming channel) needs the server to stream itself (`serverStreams`: the SFU is on, docs/media.md).
 */
function checkStreaming(options: MeetingOptions, host: UserRow, serverStreams: boolean): void {
  if (options.streamDiy === 1 && host.enable_tuiliu !== 1) {
    throw new ApiError(
      Code.meetingParameter,
      `用户无自定义推流权限 (streamDiy=1 needs enableTuiliu=1 for userId "${host.user_id}", see createOrUpdateUser)`,
    );
  }
  if (options.isTuiliu === 1 && options.streamDiy !== 1 && !serverStreams) {
    throw new ApiError(
      Code.internal,
      '系统不支持自动推流频道 (isTuiliu=1: this server has no automatic streaming channels without its SFU (HUIGUAN_JANUS); use streamDiy=1 with your own streamUrl)',
    );
  }
}

/** A 10-digit conference number, uniformly random so that none can be guessed from another. */
function newConfNumber(): string {
  return String(randomInt(1_000_000_000, 10_000_000_000));
}

/** A link secret: 128 random bits as 32 upper-case hex digits. */
function newLinkSecret(): string {
  return randomBytes(16).toString('hex').toUpperCase();
}

/** The numeric password hardware rooms dial with: six digits when the meeting has a password. */
function newH323Password(confPassword: string): string {
  return confPassword === '' ? '' : String(randomInt(100_000, 1_000_000));
}

/** Occupation is checked from now on: no booking can change the past. */
function occupiedRange(window: Window, now: number) {
  return { from: Math.max(window.start, now), to: window.end, maxWindowMs: Bounds.maxWindowMs };
}

/**
 * Refuses a window that overlaps another meeting of the user (202) or would push the site's peak
 * concurrent parties past its licence (205), and picks the pool room (205, 301). Runs with the site's
 * row locked, so concurrent bookings of the site are checked one after another.
 */
async function checkCapacity(
  db: Db,
  site: SiteRow,
  host: UserRow,
  booking: {
    window: Window;
    parties: number;
    upCompatible: boolean;
    exclude?: MeetingRow;
    currentRoom?: number | null;
  },
  now: number,
): Promise<number | null> {
  const range = { ...occupiedRange(booking.window, now), excludeId: booking.exclude?.id };
  const clash = await userOverlap(db, host.id, range);
  if (clash !== undefined) {
    throw new ApiError(
      Code.timeConflict,
      `会议时间冲突 (userId "${host.user_id}" already has meeting confId ${clash} in this time; one meeting per user at a time)`,
    );
  }
  const peak = await occupancyPeak(db, site.id, range, booking.exclude);
  if (peak + booking.parties > site.total_num_parties) {
    throw new ApiError(
      Code.noRoomResource,
      `并发方数不足 (confParties ${booking.parties}: the site's licence is ${site.total_num_parties} concurrent parties and ${Math.max(0, site.total_num_parties - peak)} remain in this time)`,
    );
  }
  return pickRoom(db, site, booking, range);
}

async function pickRoom(
  db: Db,
  site: SiteRow,
  booking: { window: Window; parties: number; upCompatible: boolean; currentRoom?: number | null },
  range: ReturnType<typeof occupiedRange> & { excludeId?: number | undefined },
): Promise<number | null> {
  if (!(await siteHasPoolRooms(db, site.id))) return null;
  const rooms = await poolRoomsFor(db, site.id, booking.parties, { larger: booking.upCompatible });
  const wanted = booking.upCompatible
    ? `of at least ${booking.parties} parties`
    : `of exactly ${booking.parties} parties (upCompatible=y allows a larger one)`;
  if (rooms.length === 0) {
    throw new ApiError(Code.noRoomResource, `没有合适的会议室 (confParties: the site has no room ${wanted})`);
  }
  const valid = rooms.filter((r) => r.expires_at === null || r.expires_at >= booking.window.end);
  if (valid.length === 0) {
    throw new ApiError(Code.roomExpired, `虚拟会议室过期 (every room ${wanted} expires before the meeting ends)`);
  }
  const busy = await busyRooms(
    db,
    valid.map((r) => r.id),
    range,
  );
  const free = valid.filter((r) => !busy.has(r.id));
  if (free.length === 0) {
    throw new ApiError(Code.noRoomResource, `会议室已占满 (every room ${wanted} is booked in this time)`);
  }
  return (free.find((r) => r.id === booking.currentRoom) ?? free[0]!).id;
}

function optionColumns(options: MeetingOptions) {
  const columns: MeetingUpdate = {};
  const set = <K extends keyof MeetingUpdate>(key: K, value: MeetingUpdate[K] | undefined) => {
    if (value !== undefined) columns[key] = value;
  };
  set('option_jbh', options.optionJbh);
  set('option_video_host', options.optionVideoHost);
  set('option_video_participants', options.optionVideoParticipants);
  // §2.1: 1 turns interpretation on, "0 or anything else" off.
  set('interpretation', options.interpretation === undefined ? undefined : options.interpretation === 1 ? 1 : 0);
  set('is_tuiliu', options.isTuiliu);
  set('stream_diy', options.streamDiy);
  if (options.streamDiy === 1) {
    // §2.1: the stream parameters only count with streamDiy=1.
    set('stream_url', options.streamUrl);
    set('stream_key', options.streamKey);
    set('watch_url', options.watchUrl);
  }
  set('audio', options.audio);
  set('waiting_room', options.waitingRoom);
  set('live', options.live);
  set('registration_type', options.registrationType);
  set('watermark', options.watermark);
  set('meeting_authentication', options.meetingAuthentication);
  set('login_name', options.loginName);
  return columns;
}

/** The user's own settings a booking may change: the login name, and §2.1 `live=1` (streaming, for good). */
async function applyUserSettings(
  db: Db,
  site: SiteRow,
  host: UserRow,
  options: MeetingOptions,
  now: number,
): Promise<UserRow> {
  let user = host;
  if (options.loginName !== undefined && options.loginName !== user.login_name) {
    user = await updateUser(db, user.id, { login_name: options.loginName }, now);
  }
  if (options.live === 1 && user.enable_tuiliu !== 1) user = await enableTuiliu(db, site, user, now);
  return user;
}

/** 2.1 / 2.2: books a meeting. */
export async function reserveMeeting(
  db: Db,
  siteRow: SiteRow,
  input: ReserveInput,
  now: number,
  serverStreams = false,
): Promise<MeetingWithHost> {
  const confName = checkName(input.confName);
  const confPassword = checkPassword(input.confPassword ?? '');
  const instant = input.isInstantMeeting === 1;
  const startTime = instant ? Math.floor(now / 1000) * 1000 : parseStart(input.startTime);
  const beforeTime = input.beforeTime ?? 0;
  const window = meetingWindow(startTime, input.duration, beforeTime);
  checkNotOver(window, now);

  const site = await lockSite(db, siteRow.id);
  let host = await findOrCreateUser(db, site, input, now);
  checkStreaming(input, host, serverStreams);
  host = await applyUserSettings(db, site, host, input, now);
  const roomId = await checkCapacity(
    db,
    site,
    host,
    { window, parties: input.confParties, upCompatible: input.upCompatible === 'y' },
    now,
  );

  for (let attempt = 0; attempt < 20; attempt += 1) {
    const meeting = await insertMeeting(db, {
      ...defaults(),
      ...optionColumns(input),
      site_id: site.id,
      user_pk: host.id,
      conf_number: newConfNumber(),
      conf_name: confName,
      conf_password: confPassword,
      h323pwd: newH323Password(confPassword),
      ...timeColumns(startTime, input.duration, beforeTime),
      conf_parties: input.confParties,
      room_id: roomId,
      is_instant: instant ? 1 : 0,
      host_secret: newLinkSecret(),
      join_secret: newLinkSecret(),
      created_at: now,
      updated_at: now,
    });
    if (meeting) {
      await announce(db, 'meeting.created', meeting, host, now);
      return { meeting, host };
    }
  }
  throw new Error('could not draw a free conference number in 20 attempts');
}

function timeColumns(startTime: number, duration: number, beforeTime: number) {
  const window = meetingWindow(startTime, duration, beforeTime);
  return {
    start_time: startTime,
    duration,
    before_time: beforeTime,
    window_start: window.start,
    window_end: window.end,
  };
}

function defaults() {
  return {
    conf_status: MeetingStatus.scheduled,
    conf_del_flag: DelFlag.normal,
    held: 0,
    option_jbh: 0,
    option_video_host: 0,
    option_video_participants: 0,
    login_name: '',
    interpretation: 0,
    is_tuiliu: 0,
    stream_diy: 0,
    stream_url: '',
    stream_key: '',
    watch_url: '',
    audio: 0,
    waiting_room: 0,
    live: 0,
    registration_type: 0,
    watermark: 0,
    meeting_authentication: 0,
  };
}

/**
 * The user's meeting `confId`, settled (a scheduled meeting whose window passed is ended). 101 for
 * an unknown user; 401 for a meeting that does not exist, is deleted or is another user's.
 */
export async function requireOwnMeeting(
  db: Db,
  site: SiteRow,
  userId: string,
  confId: number,
  now: number,
  { lock = false }: { lock?: boolean } = {},
): Promise<MeetingWithHost> {
  const host = await requireUser(db, site, userId);
  let meeting = await findMeeting(db, site.id, confId, { lock });
  if (!meeting || meeting.conf_del_flag !== DelFlag.normal || meeting.user_pk !== host.id) {
    throw new ApiError(Code.meetingNotFound, `会议不存在 (no meeting confId ${confId} of userId "${userId}")`);
  }
  if (isPastDue(meeting, now)) {
    // Conditional, as a read runs outside a transaction: it settles only a meeting still scheduled.
    await settleFinished(db, now, { meetingId: meeting.id });
    meeting = (await findMeeting(db, site.id, confId, { lock })) ?? meeting;
  }
  return { meeting, host };
}

/** The site's not-deleted meeting `confNumber`; 401 otherwise (for calls signed over the meeting, not a user). */
export async function requireSiteMeeting(db: Db, site: SiteRow, confNumber: string): Promise<MeetingRow> {
  const meeting = await findMeetingByNumber(db, site.id, confNumber);
  if (!meeting || meeting.conf_del_flag !== DelFlag.normal) {
    throw new ApiError(Code.meetingNotFound, `会议不存在 (no meeting ${confNumber} on this site)`);
  }
  return meeting;
}

/** Refuses changes to a meeting that is not scheduled: live 708, ended 707, cancelled 401. */
function requireScheduled(meeting: MeetingRow, action: string): void {
  switch (meeting.conf_status) {
    case MeetingStatus.scheduled:
      return;
    case MeetingStatus.live:
      throw new ApiError(Code.wrongState, `会议正在进行，不能${action} (confId ${meeting.id} is live; end it first)`);
    case MeetingStatus.ended:
      throw new ApiError(Code.meetingEnded, `会议已结束，不能${action} (confId ${meeting.id} has ended)`);
    default:
      throw new ApiError(Code.meetingNotFound, `会议已取消 (confId ${meeting.id} is cancelled)`);
  }
}

/** 2.12: changes a scheduled meeting; time, parties and room are re-checked without the meeting itself. */
export async function modifyMeeting(
  db: Db,
  siteRow: SiteRow,
  input: ModifyInput,
  now: number,
  serverStreams = false,
): Promise<MeetingWithHost> {
  const site = await lockSite(db, siteRow.id);
  const { meeting, host: owner } = await requireOwnMeeting(db, site, input.userId, input.confId, now, { lock: true });
  requireScheduled(meeting, '修改');
  const confName = input.confName === undefined ? meeting.conf_name : checkName(input.confName);
  const confPassword = checkPassword(input.confPassword);
  const startTime = parseStart(input.startTime);
  const beforeTime = input.beforeTime ?? meeting.before_time;
  const window = meetingWindow(startTime, input.duration, beforeTime);
  checkNotOver(window, now);
  checkStreaming({ ...input, streamDiy: input.streamDiy ?? meeting.stream_diy }, owner, serverStreams);
  const host = await applyUserSettings(db, site, owner, input, now);
  const roomId = await checkCapacity(
    db,
    site,
    host,
    {
      window,
      parties: input.confParties,
      upCompatible: input.upCompatible === 'y',
      exclude: meeting,
      currentRoom: meeting.room_id,
    },
    now,
  );
  const changes: MeetingUpdate = {
    ...optionColumns(input),
    conf_name: confName,
    conf_password: confPassword,
    ...timeColumns(startTime, input.duration, beforeTime),
    conf_parties: input.confParties,
    room_id: roomId,
    updated_at: now,
  };
  if (confPassword !== meeting.conf_password) changes.h323pwd = newH323Password(confPassword);
  const updated = await updateMeeting(db, meeting.id, changes);
  await announce(db, 'meeting.updated', updated, host, now);
  return { meeting: updated, host };
}

/** 2.4: cancels a scheduled meeting: 9, or 3 when a session was held. Its slot and licence are free at once. */
export async function cancelMeeting(
  db: Db,
  site: SiteRow,
  userId: string,
  confId: number,
  now: number,
): Promise<MeetingRow> {
  const { meeting, host } = await requireOwnMeeting(db, site, userId, confId, now, { lock: true });
  requireScheduled(meeting, '取消');
  const status = statusOnCancel(meeting.held !== 0);
  const cancelled = await updateMeeting(db, meeting.id, { conf_status: status, updated_at: now });
  await announce(db, 'meeting.cancelled', cancelled, host, now);
  return cancelled;
}

/**
 * Tells the site's webhooks that a meeting was booked, changed or cancelled (docs/webhooks.md), in the caller's
 * transaction: a refused call announces nothing.
 */
async function announce(
  db: Db,
  type: Extract<EventType, 'meeting.created' | 'meeting.updated' | 'meeting.cancelled'>,
  meeting: MeetingRow,
  host: UserRow,
  now: number,
): Promise<void> {
  await emitEvent(
    db,
    meeting.site_id,
    type,
    {
      confId: meeting.id,
      confNumber: meeting.conf_number,
      userId: host.user_id,
      confName: meeting.conf_name,
      startTime: formatDateTime(meeting.start_time),
      duration: meeting.duration,
      confParties: meeting.conf_parties,
      confStatus: meeting.conf_status,
    },
    now,
  );
}

/** 2.16: the licence minus the peak concurrent use in the window, leaving out `confNumber`. */
export async function remainingParties(
  db: Db,
  site: SiteRow,
  input: { startTime: string; duration: number; beforeTime?: number | undefined; confNumber?: string | undefined },
  now: number,
): Promise<{ remainNumPartis: number; totalNumParties: number }> {
  const window = meetingWindow(parseStart(input.startTime), input.duration, input.beforeTime ?? 0);
  const range = occupiedRange(window, now);
  let peak = 0;
  if (range.from < range.to) {
    peak = input.confNumber
      ? await occupancyPeakWithout(db, site.id, range, input.confNumber)
      : await occupancyPeak(db, site.id, range);
  }
  return { remainNumPartis: Math.max(0, site.total_num_parties - peak), totalNumParties: site.total_num_parties };
}

/** Refuses anything but a live meeting: scheduled 708, ended 707, cancelled 401. */
function requireLive(meeting: MeetingRow): void {
  if (meeting.conf_status === MeetingStatus.live) return;
  if (meeting.conf_status === MeetingStatus.scheduled) {
    throw new ApiError(
      Code.wrongState,
      `会议未在进行 (confId ${meeting.id} is not live; confModify2 changes a scheduled meeting)`,
    );
  }
  requireScheduled(meeting, '操作');
}

/** 2.13: ends a live meeting for good (3); everyone in it leaves. */
export async function endMeeting(
  db: Db,
  site: SiteRow,
  userId: string,
  confId: number,
  now: number,
): Promise<MeetingRow> {
  const { meeting } = await requireOwnMeeting(db, site, userId, confId, now, { lock: true });
  requireLive(meeting);
  await endSession(db, meeting, now, { final: true });
  return meeting;
}

/**
 * 2.14: extends a live meeting by `addDuration` minutes (the host's next meeting and the licence are
 * checked for the longer window) and raises its cap by `addNumParties` (licence checked).
 */
export async function extendMeeting(
  db: Db,
  siteRow: SiteRow,
  input: { userId: string; confId: number; addDuration?: number | undefined; addNumParties?: number | undefined },
  now: number,
): Promise<MeetingWithHost> {
  const site = await lockSite(db, siteRow.id);
  const { meeting, host } = await requireOwnMeeting(db, site, input.userId, input.confId, now, { lock: true });
  requireLive(meeting);
  const addDuration = input.addDuration ?? 0;
  const addNumParties = input.addNumParties ?? 0;
  if (addDuration === 0 && addNumParties === 0) {
    throw new ApiError(Code.parameter, '缺少参数 addDuration 或 addNumParties (give addDuration and/or addNumParties)');
  }
  const duration = meeting.duration + addDuration;
  if (duration > Bounds.maxDuration) {
    throw new ApiError(
      Code.meetingParameter,
      `会议时长超限 (addDuration: the meeting would last ${duration} minutes; at most ${Bounds.maxDuration})`,
    );
  }
  const parties = meeting.conf_parties + addNumParties;
  if (parties > Bounds.maxConfParties) {
    throw new ApiError(Code.meetingParameter, `会议方数超限 (addNumParties: at most ${Bounds.maxConfParties} parties)`);
  }
  const window = meetingWindow(meeting.start_time, duration, meeting.before_time);
  const roomId = await checkCapacity(
    db,
    site,
    host,
    { window, parties, upCompatible: true, exclude: meeting, currentRoom: meeting.room_id },
    now,
  );
  const updated = await updateMeeting(db, meeting.id, {
    ...timeColumns(meeting.start_time, duration, meeting.before_time),
    conf_parties: parties,
    room_id: roomId,
    updated_at: now,
  });
  await announce(db, 'meeting.updated', updated, host, now);
  return { meeting: updated, host };
}
