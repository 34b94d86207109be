/**
 * Registration (§3.31–3.33): a meeting's questions, the people who register, and their personal join
 * links (`joinUrl?tk=…`). A meeting reserved with `registrationType=1` admits only approved registrants.
 */
import { randomBytes } from 'node:crypto';
import type { RegistrantAnswer } from '../contract/answers.js';
import type { Db, MeetingRow, RegistrantRow, RegistrantStatus, SiteRow } from '../store/database.js';
import { DelFlag, MeetingStatus } from './meeting-status.js';
import {
  findRegistrant,
  findRegistrantByEmail,
  findSettings,
  insertRegistrant,
  registrantsOf,
  saveSettings,
  setRegistrantStatus,
} from '../store/registrants.repository.js';
import { ApiError, Code, parameterError } from './errors.js';
import { requireOwnMeeting } from './meetings.js';
import { emitEvent } from './webhooks.js';

/** The document's standard question fields (§3.31 `field_name`). */
export const STANDARD_FIELDS = [
  'last_name',
  'address',
  'city',
  'country',
  'zip',
  'state',
  'phone',
  'industry',
  'org',
  'job_title',
  'purchasing_time_frame',
  'role_in_purchase_process',
  'no_of_employees',
  'comments',
] as const;
export type StandardField = (typeof STANDARD_FIELDS)[number];

/** §3.32 `no_of_employees`, as the API accepts it. */
export const EMPLOYEE_RANGES = [
  '1-20',
  '21-50',
  '51-100',
  '101-500',
  '500-1,000',
  '1,001-5,000',
  '5,001-10,000',
  'More than 10,000',
] as const;
/** §3.32 `language`, as the API accepts it. */
export const LANGUAGES = [
  'en-US',
  'de-DE',
  'es-ES',
  'fr-FR',
  'jp-JP',
  'pt-PT',
  'ru-RU',
  'zh-CN',
  'zh-TW',
  'ko-KO',
  'it-IT',
  'vi-VN',
  'pl-PL',
  'Tr-TR',
] as const;
/** §3.32: a custom answer is at most 128 characters. */
export const MAX_ANSWER = 128;

export interface CustomQuestion {
  title: string;
  type: 'short' | 'single';
  answers: string[];
  required: boolean;
}

export interface StandardQuestion {
  field_name: StandardField;
  required: boolean;
}

const EMAIL =
  /^[^\s@<>()[\]\\,;:"]+@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$/;

function shortText(name: string, value: unknown, max: number, required = false): string {
  if (value === undefined || value === null || value === '') {
    if (required) throw new ApiError(Code.parameter, `缺少参数 ${name} (parameter ${name} is required)`);
    return '';
  }
  if (typeof value !== 'string' && typeof value !== 'number') throw parameterError(name, 'text');
  const text = String(value);
  if (text.length > max) throw parameterError(name, `text of at most ${max} characters`);
  return text;
}

/** 3.31's custom questions as the API accepts them (validated there). */
export interface CustomQuestionInput {
  title: string;
  type: 'short' | 'single';
  answers?: string[] | undefined;
  required?: boolean | undefined;
}

/** 3.31's standard questions as the API accepts them (validated there). */
export interface StandardQuestionInput {
  field_name: StandardField;
  required?: boolean | undefined;
}

/** The stored custom questions: a single-choice question needs its choices. */
export function customQuestions(input: CustomQuestionInput[]): CustomQuestion[] {
  return input.map((q, i) => {
    const answers = q.answers ?? [];
    if (q.type === 'single' && answers.length === 0)
      throw parameterError(`custom_questions[${i}].answers`, 'the choices of a single-choice question');
    return { title: q.title, type: q.type, answers, required: q.required ?? false };
  });
}

/** Refuses registration business on a meeting that is over (707) or cancelled (401). */
function requireOpen(meeting: MeetingRow, now: number): void {
  if (meeting.conf_status === MeetingStatus.cancelled || meeting.conf_del_flag !== DelFlag.normal) {
    throw new ApiError(Code.meetingNotFound, `会议已取消 (confId ${meeting.id} is cancelled)`);
  }
  if (meeting.conf_status === MeetingStatus.ended || meeting.window_end <= now) {
    throw new ApiError(Code.meetingEnded, `会议已结束 (confId ${meeting.id} has ended; registration is closed)`);
  }
}

/** 3.31: replaces the meeting's questions; a list not given stays as it was. */
export async function updateQuestions(
  db: Db,
  site: SiteRow,
  input: {
    userId: string;
    confId: number;
    custom_questions?: CustomQuestionInput[] | undefined;
    questions?: StandardQuestionInput[] | undefined;
  },
  now: number,
): Promise<void> {
  const custom = input.custom_questions && customQuestions(input.custom_questions);
  const standard = input.questions?.map((q): StandardQuestion => ({
    field_name: q.field_name,
    required: q.required ?? false,
  }));
  const { meeting } = await requireOwnMeeting(db, site, input.userId, input.confId, now, { lock: true });
  requireOpen(meeting, now);
  const current = await findSettings(db, meeting.id);
  await saveSettings(
    db,
    meeting.id,
    custom ? JSON.stringify(custom) : (current?.custom_questions ?? '[]'),
    standard ? JSON.stringify(standard) : (current?.questions ?? '[]'),
    now,
  );
}

export interface RegistrantInput {
  userId: string;
  confId: number;
  first_name: string;
  email: string;
  /** Answers to the meeting's custom questions. */
  custom_questions?: { title: string; value?: string | undefined }[] | undefined;
  /** Default true: approved at once; false: pending until the host decides. */
  auto_approve?: boolean | undefined;
  language?: string | undefined;
  [field: string]: unknown;
}

/**
 * 3.32: registers a person. The meeting's required questions must be answered; the same email again
 * answers the registration it already has.
 */
export async function addRegistrant(
  db: Db,
  site: SiteRow,
  input: RegistrantInput,
  now: number,
): Promise<{ registrant: RegistrantRow; meeting: MeetingRow }> {
  const { meeting } = await requireOwnMeeting(db, site, input.userId, input.confId, now, { lock: true });
  requireOpen(meeting, now);
  const email = input.email.trim();
  if (!EMAIL.test(email) || email.length > 254)
    throw parameterError('email', 'an email address such as name@example.com');
  const existing = await findRegistrantByEmail(db, meeting.id, email.toLowerCase());
  if (existing) return { registrant: existing, meeting };

  const fields: Record<StandardField, string> = Object.fromEntries(
    STANDARD_FIELDS.map((f) => [f, shortText(f, input[f], f === 'comments' || f === 'address' ? 512 : 256)]),
  ) as Record<StandardField, string>;
  const language = shortText('language', input.language, 16);
  const answers = (input.custom_questions ?? []).map((a) => ({ title: a.title, value: a.value ?? '' }));

  const settings = await findSettings(db, meeting.id);
  const standard = JSON.parse(settings?.questions ?? '[]') as StandardQuestion[];
  for (const q of standard) {
    if (q.required && fields[q.field_name].trim() === '')
      throw new ApiError(Code.parameter, `缺少参数 ${q.field_name} (the meeting requires ${q.field_name})`);
  }
  const custom = JSON.parse(settings?.custom_questions ?? '[]') as CustomQuestion[];
  for (const q of custom) {
    const answer = answers.find((a) => a.title === q.title)?.value ?? '';
    if (q.required && answer.trim() === '') {
      throw new ApiError(Code.parameter, `缺少参数 custom_questions (the meeting requires an answer to "${q.title}")`);
    }
    if (q.type === 'single' && answer !== '' && !q.answers.includes(answer)) {
      throw parameterError('custom_questions', `for "${q.title}" one of ${q.answers.join(', ')}`);
    }
  }

  const row = {
    site_id: site.id,
    meeting_id: meeting.id,
    registrant_id: randomBytes(16).toString('base64url'),
    tk: randomBytes(32).toString('base64url'),
    email,
    email_key: email.toLowerCase(),
    first_name: shortText('first_name', input.first_name, 256, true),
    ...fields,
    language,
    custom_questions: JSON.stringify(answers),
    status: ((input.auto_approve ?? true) ? 'approved' : 'pending') as RegistrantStatus,
    created_at: now,
    updated_at: now,
  };
  const inserted = await insertRegistrant(db, row);
  if (!inserted) {
    // A concurrent registration of the same email won; answer it.
    return { registrant: (await findRegistrantByEmail(db, meeting.id, row.email_key))!, meeting };
  }
  await emitEvent(
    db,
    site.id,
    'registrant.created',
    {
      confId: meeting.id,
      confNumber: meeting.conf_number,
      registrantId: inserted.registrant_id,
      email: inserted.email,
      status: inserted.status,
    },
    now,
  );
  return { registrant: inserted, meeting };
}

/** 3.33: the meeting's registrants in one status (default approved); only until the meeting ends. */
export async function listRegistrants(
  db: Db,
  site: SiteRow,
  input: { userId: string; confId: number; status?: RegistrantStatus | undefined },
  now: number,
): Promise<{ registrants: RegistrantRow[]; meeting: MeetingRow }> {
  const status = input.status ?? 'approved';
  const { meeting } = await requireOwnMeeting(db, site, input.userId, input.confId, now);
  requireOpen(meeting, now);
  return { registrants: await registrantsOf(db, meeting.id, status), meeting };
}

/** Extension: the host approves or denies a registrant. */
export async function decideRegistrant(
  db: Db,
  site: SiteRow,
  input: { userId: string; confId: number; registrantId: string; status: 'approved' | 'denied' },
  now: number,
): Promise<{ registrant: RegistrantRow; meeting: MeetingRow }> {
  const { meeting } = await requireOwnMeeting(db, site, input.userId, input.confId, now, { lock: true });
  requireOpen(meeting, now);
  const registrant = await findRegistrant(db, meeting.id, input.registrantId);
  if (!registrant) throw parameterError('registrantId', `a registrant of confId ${meeting.id}`);
  return { registrant: await setRegistrantStatus(db, registrant.id, input.status, now), meeting };
}

/** ISO 8601 in GMT without milliseconds, as §3.32 shows (`2022-09-23T01:30:00Z`). */
export function isoTime(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 19)}Z`;
}

/** A registrant as 3.33 lists it (and as report log rows carry it). */
export function registrantView(r: RegistrantRow, joinUrl: string): RegistrantAnswer {
  return {
    id: r.registrant_id,
    first_name: r.first_name,
    last_name: r.last_name,
    email: r.email,
    address: r.address,
    city: r.city,
    country: r.country,
    zip: r.zip,
    state: r.state,
    phone: r.phone,
    industry: r.industry,
    org: r.org,
    job_title: r.job_title,
    purchasing_time_frame: r.purchasing_time_frame,
    role_in_purchase_process: r.role_in_purchase_process,
    no_of_employees: r.no_of_employees,
    comments: r.comments,
    custom_questions: JSON.parse(r.custom_questions) as { title: string; value: string }[],
    status: r.status,
    create_time: isoTime(r.created_at),
    join_url: personalJoinUrl(joinUrl, r),
  };
}

/** The registrant's personal link: the meeting's join link with its `tk`. */
export function personalJoinUrl(joinUrl: string, r: RegistrantRow): string {
  return `${joinUrl}?tk=${r.tk}`;
}
