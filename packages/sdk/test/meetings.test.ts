import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ApiError,
  ConfStatus,
  formatDateTime,
  HuiguanClient,
  meetingTimes,
  Status,
  TransportError,
  type ReserveParams,
} from '../src/index.js';
import { minutesFromNow, startServer, type SdkTestServer } from './server.js';

let server: SdkTestServer;
let client: HuiguanClient;
beforeAll(async () => {
  server = await startServer();
  ({ client } = await server.siteClient());
});
afterAll(async () => server.close());

/** Resolves to the ApiError `promise` rejects with (fails when it resolves or throws something else). */
async function refusal(promise: Promise<unknown>): Promise<ApiError> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ApiError);
  return err as ApiError;
}

const weekly = (overrides: Partial<ReserveParams> = {}): ReserveParams => ({
  userId: 'alice',
  userName: 'Alice',
  confName: 'Weekly',
  startTime: minutesFromNow(120),
  duration: 60,
  confParties: 5,
  ...overrides,
});

describe('users (2.17, 2.18, 2.20, 2.21)', () => {
  it('creates, reads, moves and deletes a user', async () => {
    const created = await client.users.createOrUpdate({
      userId: 'carol',
      userName: 'Carol',
      phone: '+8613800000000',
      enableCloudRecord: 1,
      isNeedCreate: true,
    });
    expect(created).toMatchObject({
      status: 100,
      data: { userId: 'carol', userName: 'Carol', phone: '+8613800000000', enableCloudRecord: 1, enableTuiliu: 0 },
    });

    const { userInfo } = await client.users.get({ userId: 'carol' });
    expect(userInfo).toMatchObject({ username: 'Carol', mobile: '+8613800000000', hasCloudRecord: 1, hasTuiliu: 0 });
    expect(String(userInfo.hostKey)).toMatch(/^[1-9][0-9]{5}$/);

    await expect(
      client.users.changeDataCenter({ userId: 'carol', userName: 'Carol', region: 'default' }),
    ).resolves.toEqual({ status: 100, message: 'success' });
    const badRegion = await refusal(
      client.users.changeDataCenter({ userId: 'carol', userName: 'Carol', region: 'mars' }),
    );
    expect(badRegion).toMatchObject({ status: Status.parameter, endpoint: 'changeUserIdDataCenter' });
    expect(badRegion.message).toContain('region');

    const updateOnly = await refusal(
      client.users.createOrUpdate({ userId: 'nobody', userName: 'No One', isNeedCreate: false }),
    );
    expect(updateOnly.status).toBe(Status.accountNotFound);

    await client.users.delete({ userId: 'carol' });
    expect((await refusal(client.users.get({ userId: 'carol' }))).status).toBe(Status.accountNotFound);
  });
});

describe('meetings (2.1–2.5, 2.8, 2.12, 2.16)', () => {
  it('reserves with a Date, shows, modifies, lists, counts and cancels', async () => {
    const start = minutesFromNow(180);
    const reserved = await client.meetings.reserve(
      weekly({ startTime: start, confPassword: 'abc123', beforeTime: 10 }),
    );
    const meeting = reserved.data;
    expect(meeting).toMatchObject({
      confName: 'Weekly',
      userId: 'alice',
      userName: 'Alice',
      duration: 60,
      confParties: 5,
      confStatus: ConfStatus.scheduled,
      confDelFlag: 1,
    });
    expect(meeting.startTime).toBe(formatDateTime(start));
    expect(meeting.confNumber).toMatch(/^[1-9][0-9]{9}$/);
    expect(meetingTimes(meeting)).toEqual({
      start,
      end: new Date(start.getTime() + 60 * 60_000),
      opens: new Date(start.getTime() - 10 * 60_000),
    });

    const detail = await client.meetings.detail({ userId: 'alice', confId: meeting.confId });
    expect(detail.data).toEqual(meeting);

    const moved = minutesFromNow(240);
    const modified = await client.meetings.modify({
      userId: 'alice',
      confId: meeting.confId,
      confPassword: '',
      startTime: moved,
      duration: 90,
      confParties: 8,
    });
    expect(modified.data).toMatchObject({
      confId: meeting.confId,
      confNumber: meeting.confNumber,
      startTime: formatDateTime(moved),
      duration: 90,
      confParties: 8,
      confPassword: '',
    });

    const mine = await client.meetings.listScheduled({ userId: 'alice' });
    expect(mine).toMatchObject({ status: 100, currentPage: '1', pageSize: 10 });
    expect(mine.data.confInfo.map((m) => m.confId)).toContain(meeting.confId);

    const site = await client.meetings.listSiteScheduled({ userId: 'alice', startTime: moved, endTime: moved });
    expect(site).toMatchObject({ currentPage: 1, totalItems: 1, totalPage: 1 });
    expect(site.data[0]).toMatchObject({
      confId: meeting.confId,
      confNumber: meeting.confNumber,
      confParties: 8,
      userId: 'alice',
    });

    const remaining = await client.meetings.remainingParties({ userId: 'alice', startTime: moved, duration: 30 });
    expect(remaining).toEqual({ status: 100, message: 'success', remainNumPartis: 92, totalNumParties: 100 });
    const leavingItOut = await client.meetings.remainingParties({
      userId: 'alice',
      startTime: moved,
      duration: 30,
      confNumber: meeting.confNumber,
    });
    expect(leavingItOut.remainNumPartis).toBe(100);

    await expect(client.meetings.cancel({ userId: 'alice', confId: meeting.confId })).resolves.toMatchObject({
      status: 100,
    });
    expect((await client.meetings.detail({ userId: 'alice', confId: meeting.confId })).data.confStatus).toBe(
      ConfStatus.cancelled,
    );
    expect((await client.meetings.listScheduled({ userId: 'alice' })).data.confInfo.map((m) => m.confId)).not.toContain(
      meeting.confId,
    );
    const again = await refusal(client.meetings.cancel({ userId: 'alice', confId: meeting.confId }));
    expect(again).toMatchObject({ status: Status.meetingNotFound, endpoint: 'cancelConf' });
  });

  it('surfaces the document’s codes as ApiError: 202 overlap, 401 another user’s meeting, 109 missing parameter', async () => {
    const start = minutesFromNow(600);
    const { data } = await client.meetings.reserve(weekly({ userId: 'dave', userName: 'Dave', startTime: start }));

    const overlap = await refusal(
      client.meetings.reserve(
        weekly({ userId: 'dave', userName: 'Dave', startTime: new Date(start.getTime() + 30 * 60_000) }),
      ),
    );
    expect(overlap).toMatchObject({ name: 'ApiError', status: Status.timeConflict, endpoint: 'confReservation' });
    // Back to back is allowed.
    await client.meetings.reserve(
      weekly({ userId: 'dave', userName: 'Dave', startTime: new Date(start.getTime() + 60 * 60_000) }),
    );

    await client.users.createOrUpdate({ userId: 'erin', userName: 'Erin' });
    expect((await refusal(client.meetings.detail({ userId: 'erin', confId: data.confId }))).status).toBe(
      Status.meetingNotFound,
    );
    expect((await refusal(client.meetings.cancel({ userId: 'erin', confId: data.confId }))).status).toBe(
      Status.meetingNotFound,
    );

    const { confName: _omitted, ...withoutName } = weekly({ userId: 'frank', userName: 'Frank' });
    const missing = await refusal(client.meetings.reserve(withoutName as ReserveParams));
    expect(missing.status).toBe(Status.parameter);
    expect(missing.message).toContain('confName');

    const past = await refusal(
      client.meetings.reserve(weekly({ userId: 'frank', userName: 'Frank', startTime: minutesFromNow(-180) })),
    );
    expect(past.status).toBe(Status.outsideMeetingTime);
  });

  it('starts an instant meeting without startTime and lists the site’s meetings page by page', async () => {
    const { data } = await client.meetings.reserve({
      userId: 'gina',
      userName: 'Gina',
      confName: 'Now',
      duration: 30,
      confParties: 2,
      isInstantMeeting: 1,
    });
    expect(Math.abs(meetingTimes(data).start.getTime() - Date.now())).toBeLessThan(5_000);
    const page = await client.meetings.listSiteScheduled({ userId: 'gina', pageSize: 1, pageNo: 1 });
    expect(page.data).toHaveLength(1);
    expect(page.totalPage).toBe(page.totalItems);
    expect((await client.meetings.getLiving({ userId: 'gina' })).data.confInfo).toEqual([]);
    expect((await client.meetings.listFinished({ userId: 'gina' })).data.confInfo).toEqual([]);
    expect((await client.meetings.listSiteLiving({ userId: 'gina' })).data).toEqual([]);
    expect((await client.meetings.listSiteFinished({ userId: 'gina' })).totalItems).toBe(0);
  });
});

describe('signing', () => {
  it('never reuses a token: many calls for one userId at once all succeed', async () => {
    await client.users.createOrUpdate({ userId: 'henry', userName: 'Henry' });
    const answers = await Promise.all(Array.from({ length: 20 }, () => client.users.get({ userId: 'henry' })));
    expect(answers.every((a) => a.status === 100)).toBe(true);
    for (let i = 0; i < 10; i++) await client.users.get({ userId: 'henry' });
  });

  it('refuses a wrong key (102) and an unknown site (106) as ApiError', async () => {
    const wrongKey = new HuiguanClient({
      baseUrl: server.url,
      siteSign: client.transport.siteSign,
      apiKey: 'not-the-key',
    });
    expect((await refusal(wrongKey.users.get({ userId: 'henry' }))).status).toBe(Status.authFailed);
    const noSite = new HuiguanClient({ baseUrl: server.url, siteSign: 'no-such-site', apiKey: 'k' });
    expect((await refusal(noSite.users.get({ userId: 'henry' }))).status).toBe(Status.siteInvalid);
  });

  it('throws TransportError when there is no API answer', async () => {
    const unknownPath = await client.transport
      .call({ endpoint: 'noSuchEndpoint', subject: 'userId', params: { userId: 'henry' } })
      .catch((e: unknown) => e);
    expect(unknownPath).toBeInstanceOf(TransportError);
    expect(unknownPath).toMatchObject({ httpStatus: 404, status: 103, endpoint: 'noSuchEndpoint' });

    const closed = new HuiguanClient({ baseUrl: 'http://127.0.0.1:9', siteSign: 's', apiKey: 'k', timeoutMs: 2_000 });
    const unreachable = await closed.users.get({ userId: 'henry' }).catch((e: unknown) => e);
    expect(unreachable).toBeInstanceOf(TransportError);
    expect((unreachable as TransportError).httpStatus).toBeUndefined();
  });
});
