/**
 * The scenarios: each builds, for every request, a valid call signed with a token of its own, and
 * tells whether the answer was a success (`status` 100).
 */
import { computeToken } from '../src/domain/token.js';
import type { Seeded } from './seed.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

export interface Call {
  path: string;
  /** The value the token signs (userId, confNumber…). */
  subject: string;
  params: Record<string, unknown>;
}

export interface Scenario {
  name: string;
  /** Read scenarios are compared with the bare route (≥ 50 %) and measured again for growth. */
  kind: 'read' | 'write';
  /** The next call; `context` is per connection (autocannon's), to chain a join with its leave. */
  next(context: Record<string, unknown>): Call;
  /** Requests in one chain sharing `context` (autocannon clears it when the chain starts again). Default 1. */
  steps?: number;
  /** How many requests the scenario can still make valid, when it draws from a pool that runs out. */
  remaining?(): number;
  /** Sees every successful answer (e.g. to remember the meetings booked). */
  answered?(body: string, call: Call): void;
}

const gmt = (ms: number) => new Date(ms).toISOString().slice(0, 19).replace('T', ' ');
const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/**
 * Signs calls: a token is single-use, so each (subject, timeStamp) pair is used once. The timeStamp
 * starts four minutes in the past and steps by 1 ms per call of a subject, staying inside the window.
 */
export class Signer {
  private readonly last = new Map<string, number>();
  constructor(
    private readonly siteSign: string,
    private readonly apiKey: string,
  ) {}
  body(call: Call): string {
    const floor = Date.now() - 240_000;
    const previous = this.last.get(call.subject) ?? 0;
    const timeStamp = Math.max(previous + 1, floor);
    this.last.set(call.subject, timeStamp);
    const ts = String(timeStamp);
    return JSON.stringify({
      ...call.params,
      siteSign: this.siteSign,
      timeStamp: ts,
      token: computeToken(call.subject, this.apiKey, ts),
    });
  }
}

/** Reserved meetings, shared by the write scenarios that follow the reservation. */
interface Booked {
  confId: number;
  userId: string;
  startTime: number;
  duration: number;
  confParties: number;
}

export interface ScenarioSet {
  read: Scenario[];
  write: Scenario[];
}

/** The scenarios of issue 7 on the seeded site. */
export function scenarios(seeded: Seeded): ScenarioSet {
  const { sample } = seeded;
  let n = 0;
  const at = <T>(list: readonly T[]) => list[n++ % list.length]!;
  const user = () => `u${Math.floor(Math.random() * sample.userCount)}`;
  const pageSize = 10;
  const scheduledPages = Math.max(1, Math.ceil(sample.future.length / pageSize));

  const read: Scenario[] = [
    {
      name: 'getConfDetailByConfId',
      kind: 'read',
      next: () => {
        const m = at(sample.any);
        return {
          path: '/openapi/v2/getConfDetailByConfId',
          subject: m.userId,
          params: { userId: m.userId, confId: m.confId },
        };
      },
    },
    {
      name: 'getScheduledConfListByUserId',
      kind: 'read',
      next: () => {
        const userId = user();
        return {
          path: '/openapi/v2/getScheduledConfListByUserId',
          subject: userId,
          params: { userId, pageNo: 1, pageSize },
        };
      },
    },
    {
      name: `getScheduledConfListBySiteSign, middle page`,
      kind: 'read',
      next: () => {
        const userId = user();
        return {
          path: '/openapi/v2/getScheduledConfListBySiteSign',
          subject: userId,
          params: { userId, pageNo: Math.max(1, Math.floor(scheduledPages / 2)), pageSize },
        };
      },
    },
    {
      name: `getScheduledConfListBySiteSign, deep page`,
      kind: 'read',
      next: () => {
        const userId = user();
        return {
          path: '/openapi/v2/getScheduledConfListBySiteSign',
          subject: userId,
          params: { userId, pageNo: Math.max(1, scheduledPages - 1), pageSize },
        };
      },
    },
    {
      name: 'getReMainNumPartis, busy 4 h window',
      kind: 'read',
      next: () => {
        const userId = user();
        return {
          path: '/openapi/v2/getReMainNumPartis',
          subject: userId,
          params: { userId, startTime: gmt(sample.busyStart), duration: 240 },
        };
      },
    },
    {
      name: 'getConfLogListByConfId2, 1,000 participations',
      kind: 'read',
      next: () => {
        const { confId, userId } = sample.report;
        return {
          path: '/openapi/v2/getConfLogListByConfId2',
          subject: userId,
          params: { userId, confId, pageNo: 25, pageSize: 20 },
        };
      },
    },
    {
      name: 'getTotalConfTimeForEveryDay, 31 days',
      kind: 'read',
      next: () => {
        const userId = user();
        return {
          path: '/openapi/v2/getTotalConfTimeForEveryDay',
          subject: userId,
          params: { userId, startTime: day(sample.today - 31 * DAY), endTime: day(sample.today - DAY) },
        };
      },
    },
  ];

  // Writes: new meetings go after every seeded one, user u(c mod U) at c quarter-hours past the
  // horizon, so that a user's bookings are U quarter-hours apart and never conflict.
  const booked: Booked[] = [];
  const base = Math.ceil(sample.horizon / HOUR) * HOUR + DAY;
  let reservations = 0;
  let modifications = 0;
  let cancellations = 0;
  // Booked ones first, then seeded ones; past the end they come round again (and count as refused).
  const cancellable = () => {
    const c = cancellations++ % Math.max(1, booked.length + sample.future.length);
    return c < booked.length ? booked[c]! : sample.future[c - booked.length];
  };
  let joins = 0;
  let upserts = 0;
  const write: Scenario[] = [
    {
      name: 'confReservation',
      kind: 'write',
      next: () => {
        const c = reservations++;
        const userId = `u${c % sample.userCount}`;
        const startTime = base + c * 15 * MINUTE;
        return {
          path: '/openapi/v2/confReservation',
          subject: userId,
          params: {
            userId,
            userName: `User ${userId.slice(1)}`,
            confName: `Bench ${c}`,
            startTime: gmt(startTime),
            duration: 30,
            confParties: 5,
          },
        };
      },
      answered: (body, call) => {
        const confId = Number(/"confId":(\d+)/.exec(body)?.[1]);
        if (confId)
          booked.push({
            confId,
            userId: String(call.params.userId),
            startTime: Date.parse(`${String(call.params.startTime).replace(' ', 'T')}Z`),
            duration: 30,
            confParties: 5,
          });
      },
    },
    {
      name: 'createOrUpdateUser',
      kind: 'write',
      // An existing user's cloud-recording flag, changed on every other call: the upsert's update path.
      next: () => {
        const c = upserts++;
        const userId = `u${c % sample.userCount}`;
        return {
          path: '/openapi/v2/createOrUpdateUser',
          subject: userId,
          params: {
            userId,
            userName: `User ${userId.slice(1)}`,
            enableCloudRecord: Math.floor(c / sample.userCount) % 2,
          },
        };
      },
    },
    {
      name: 'confModify2',
      kind: 'write',
      next: () => {
        const m = at(sample.future);
        const c = modifications++;
        return {
          path: '/openapi/v2/confModify2',
          subject: m.userId,
          params: {
            userId: m.userId,
            confId: m.confId,
            confPassword: '',
            startTime: gmt(m.startTime),
            duration: m.duration,
            beforeTime: m.beforeTime,
            confParties: m.confParties + (c % 2),
          },
        };
      },
    },
    {
      name: 'cancelConf',
      kind: 'write',
      remaining: () => booked.length + sample.future.length - cancellations,
      next: () => {
        const m = cancellable();
        if (!m) throw new Error('no meeting left to cancel');
        return { path: '/openapi/v2/cancelConf', subject: m.userId, params: { userId: m.userId, confId: m.confId } };
      },
    },
    {
      name: 'media events: join, then leave',
      kind: 'write',
      steps: 2,
      next: (context) => {
        if (typeof context.cuid === 'string') {
          const { cuid, confNumber } = context as { cuid: string; confNumber: string };
          delete context.cuid;
          return {
            path: '/media/v1/events',
            subject: confNumber,
            params: { confNumber, events: [{ type: 'participant.left', participant: { cuid } }] },
          };
        }
        const confNumber = sample.live[joins % sample.live.length]!;
        const cuid = `bench-${joins++}`;
        Object.assign(context, { cuid, confNumber });
        return {
          path: '/media/v1/events',
          subject: confNumber,
          params: {
            confNumber,
            events: [
              {
                type: 'participant.joined',
                participant: { cuid, name: cuid, role: 'attendee', deviceType: joins % 3 ? 'pc' : 'mobile' },
              },
            ],
          },
        };
      },
    },
  ];
  return { read, write };
}
