import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ApiError,
  ConfStatus,
  formatDate,
  formatDateTime,
  HuiguanClient,
  MeetingClient,
  parseDateTime,
  parseOptionalDateTime,
  Status,
} from '../src/index.js';
import { minutesFromNow, startServer, type SdkTestServer } from './server.js';

let server: SdkTestServer;
beforeAll(async () => {
  server = await startServer();
});
afterAll(async () => server.close());

const MINUTE = 60_000;
/** A whole second `minutes` ago: events may be dated in the past, never in the future. */
const minutesAgo = (minutes: number) => new Date(Math.floor((Date.now() - minutes * MINUTE) / 1000) * 1000);

async function refusal(promise: Promise<unknown>): Promise<ApiError> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ApiError);
  return err as ApiError;
}

describe('holding a meeting through the media plane, then its reports and the site’s statistics', () => {
  it('host joins → live detail shows them → endConf → reports and statistics count it', async () => {
    const { client } = await server.siteClient();
    const started = await client.meetings.reserve({
      userId: 'host',
      userName: 'Host',
      confName: 'Town hall',
      startTime: minutesFromNow(-40),
      duration: 120,
      confParties: 5,
    });
    const { confId, confNumber } = started.data;

    // An attendee may not start the meeting before the host (optionJbh 0).
    const early = await refusal(client.media.join(confNumber, { cuid: 'a1', name: 'Ann', role: 'attendee' }));
    expect(early).toMatchObject({ status: Status.wrongState, endpoint: '/media/v1/events' });

    const hostJoined = minutesAgo(30);
    const annJoined = minutesAgo(25);
    await client.media.sendEvents({
      confNumber,
      events: [
        {
          type: 'participant.joined',
          at: hostJoined,
          participant: { cuid: 'h1', name: 'Host', role: 'host', device: 'Windows', deviceType: 'pc', userId: 'host' },
        },
        {
          type: 'participant.joined',
          at: annJoined,
          participant: {
            cuid: 'a1',
            name: 'Ann',
            role: 'attendee',
            device: 'iOS',
            deviceType: 'mobile',
            ip: '10.0.0.7',
          },
        },
      ],
    });

    const live = await client.live.participants({ confNo: confNumber });
    expect(live.data.map((p) => [p.userName, p.deviceType, p.joinTime])).toEqual([
      ['Host', 'pc', formatDateTime(hostJoined)],
      ['Ann', 'mobile', formatDateTime(annJoined)],
    ]);
    expect(live.data[1]).toMatchObject({ userId: 'a1', ipAddress: '10.0.0.7', device: 'iOS', viewOnly: false });
    const living = await client.meetings.getLiving({ userId: 'host' });
    expect(living.data.confInfo.map((m) => [m.confId, m.confStatus])).toEqual([[confId, ConfStatus.live]]);
    expect((await client.meetings.listSiteLiving({ userId: 'host' })).totalItems).toBe(1);

    const annLeft = minutesAgo(5);
    await client.media.leave(confNumber, 'a1', annLeft);
    expect((await client.live.participants({ confNo: confNumber })).data.map((p) => p.userName)).toEqual(['Host']);
    const withLeft = await client.live.participantsIncludingLeft({ confNo: confNumber });
    expect(withLeft.data.map((p) => [p.userName, p.leaveTime])).toEqual([
      ['Host', ''],
      ['Ann', formatDateTime(annLeft)],
    ]);

    const extended = await client.live.extend({ userId: 'host', confId, addDuration: 15, addNumParties: 1 });
    expect(extended.data).toMatchObject({ duration: 135, confParties: 6, confStatus: ConfStatus.live });
    expect((await refusal(client.meetings.cancel({ userId: 'host', confId }))).status).toBe(Status.wrongState);

    await expect(client.live.end({ userId: 'host', confId })).resolves.toMatchObject({ status: 100 });
    expect((await client.live.participants({ confNo: confNumber })).data).toEqual([]);
    expect((await client.meetings.detail({ userId: 'host', confId })).data.confStatus).toBe(ConfStatus.ended);
    expect((await refusal(client.live.end({ userId: 'host', confId }))).status).toBe(Status.meetingEnded);
    expect((await client.meetings.listFinished({ userId: 'host' })).data.confInfo.map((m) => m.confId)).toEqual([
      confId,
    ]);

    const report = await client.live.report({ userId: 'host', confId });
    expect(report).toMatchObject({ totalItems: 2, currentPage: 1, data: { confId, duration: 135 } });
    expect(report.data.logs.map((r) => [r.cuid, r.participantName, r.joinTime])).toEqual([
      ['h1', 'Host', formatDateTime(hostJoined)],
      ['a1', 'Ann', formatDateTime(annJoined)],
    ]);
    expect(report.data.logs[1]?.leaveTime).toBe(formatDateTime(annLeft));
    const hostLeft = parseOptionalDateTime(report.data.logs[0]!.leaveTime)!;
    expect(Math.abs(hostLeft.getTime() - Date.now())).toBeLessThan(10_000);

    const sessions = await client.live.sessionReport({ userId: 'host', confId });
    expect(sessions).toMatchObject({
      currentPage: '1',
      recordStatus: 1,
      data: { confId, confNumber, confName: 'Town hall' },
    });
    expect(sessions.data.records).toHaveLength(1);
    expect(sessions.data.records[0]).toMatchObject({ startTime: formatDateTime(hostJoined), duration: 30 });
    expect(sessions.data.records[0]!.logs).toHaveLength(2);

    // Statistics: 30 meeting minutes; 30 + 20 participant minutes; one pc and one mobile join.
    const range = { userId: 'host', startTime: minutesAgo(120), endTime: minutesFromNow(5) };
    expect((await client.statistics.confRecordTime(range)).data).toEqual({ confCountTime: 30, confUserTime: 50 });
    const count = await client.statistics.confCount(range);
    expect(count.data).toMatchObject({ confCounts: 1, confNumbers: [confNumber] });
    expect(count.data.confList[0]).toMatchObject({
      confNo: confNumber,
      startTime: formatDateTime(hostJoined),
      userId: 'host',
    });
    expect(parseDateTime(count.data.confList[0]!.endTime).getTime()).toBe(
      parseDateTime(report.data.logs[0]!.leaveTime).getTime(),
    );
    expect((await client.statistics.userCounts(range)).data).toEqual({ allCounts: 2, mobileCount: 1, pcCount: 1 });

    // Per day, from yesterday (a Date) to today (text): the minutes land on the GMT day(s) they happened.
    const days = { userId: 'host', startTime: new Date(Date.now() - 86_400_000), endTime: formatDate(new Date()) };
    const meetingDays = await client.statistics.totalConfTimeForEveryDay(days);
    expect(meetingDays.data.map((d) => d.datetime)).toEqual([
      formatDate(new Date(Date.now() - 86_400_000)),
      formatDate(new Date()),
    ]);
    expect(meetingDays.data.reduce((sum, d) => sum + d.duration, 0)).toBe(30);
    const joinDays = await client.statistics.allJoinTimeForEveryDay(days);
    expect(joinDays.data.reduce((sum, d) => sum + d.duration, 0)).toBe(50);
    // Without dates: the 31 days ending today.
    const lastMonth = await client.statistics.allJoinTimeForEveryDay({ userId: 'host' });
    expect(lastMonth.data).toHaveLength(31);
    expect(lastMonth.data.at(-1)!.datetime).toBe(formatDate(new Date()));
    expect(lastMonth.data.reduce((sum, d) => sum + d.duration, 0)).toBe(50);
  });
});

describe('registration (3.31–3.33, updateRegistrantStatus)', () => {
  it('sets questions as arrays, registers, and approves a pending registrant', async () => {
    const { client } = await server.siteClient();
    const { data: meeting } = await client.meetings.reserve({
      userId: 'host',
      userName: 'Host',
      confName: 'Webinar',
      startTime: minutesFromNow(60),
      duration: 60,
      confParties: 50,
      registrationType: 1,
    });
    const confId = meeting.confId;
    await client.registration.updateQuestions({
      userId: 'host',
      confId,
      questions: [{ field_name: 'org', required: true }],
      custom_questions: [{ title: 'Diet?', type: 'single', answers: ['none', 'vegan'], required: true }],
    });

    const noOrg = await refusal(
      client.registration.addRegistrant({
        userId: 'host',
        confId,
        first_name: 'Jill',
        email: 'jill@example.com',
        custom_questions: [{ title: 'Diet?', value: 'vegan' }],
      }),
    );
    expect(noOrg).toMatchObject({ status: Status.parameter, endpoint: 'addRegistrant' });
    expect(noOrg.message).toContain('org');
    const badChoice = await refusal(
      client.registration.addRegistrant({
        userId: 'host',
        confId,
        first_name: 'Jill',
        email: 'jill@example.com',
        org: 'Cooks',
        custom_questions: [{ title: 'Diet?', value: 'meat' }],
      }),
    );
    expect(badChoice.message).toContain('custom_questions');

    const jill = await client.registration.addRegistrant({
      userId: 'host',
      confId,
      first_name: 'Jill',
      last_name: 'Chill',
      email: 'jill@example.com',
      org: 'Cooks',
      custom_questions: [{ title: 'Diet?', value: 'vegan' }],
    });
    expect(jill.data).toMatchObject({
      id: confId,
      topic: 'Webinar',
      start_time: `${meeting.startTime.replace(' ', 'T')}Z`,
    });
    expect(jill.data.join_url).toBe(`${meeting.joinUrl}?tk=${jill.data.tk}`);

    const jack = await client.registration.addRegistrant({
      userId: 'host',
      confId,
      first_name: 'Jack',
      email: 'jack@example.com',
      org: 'Cooks',
      custom_questions: [{ title: 'Diet?', value: 'none' }],
      auto_approve: false,
    });
    const pending = await client.registration.getRegistrants({ userId: 'host', confId, status: 'pending' });
    expect(pending.data.map((r) => [r.id, r.first_name, r.status])).toEqual([
      [jack.data.registrant_id, 'Jack', 'pending'],
    ]);

    const approved = await client.registration.updateRegistrantStatus({
      userId: 'host',
      confId,
      registrantId: jack.data.registrant_id,
      status: 'approved',
    });
    expect(approved.data).toMatchObject({ id: jack.data.registrant_id, status: 'approved', email: 'jack@example.com' });
    const all = await client.registration.getRegistrants({ userId: 'host', confId });
    expect(all.data.map((r) => r.email).sort()).toEqual(['jack@example.com', 'jill@example.com']);
    expect(all.data.find((r) => r.first_name === 'Jill')).toMatchObject({
      last_name: 'Chill',
      org: 'Cooks',
      custom_questions: [{ title: 'Diet?', value: 'vegan' }],
    });
  });
});

describe('host keys, hardware rooms and recordings (2.19, 2.25, 2.29)', () => {
  it('answers the host’s key, limits hardware rooms and lists no recordings yet', async () => {
    const { client } = await server.siteClient();
    const { data } = await client.meetings.reserve({
      userId: 'host',
      userName: 'Host',
      confName: 'Board',
      startTime: minutesFromNow(60),
      duration: 30,
      confParties: 4,
    });
    const { userInfo } = await client.users.get({ userId: 'host' });
    expect((await client.hosts.getHostKey({ confNumber: data.confNumber })).data).toEqual({
      hostKey: userInfo.hostKey,
    });
    await expect(
      client.hosts.changeRcPort({ userId: 'host', confNumber: data.confNumber, rcPort: 1 }),
    ).resolves.toMatchObject({ status: 100 });
    expect(await client.recordings.list({ confNo: data.confNumber })).toEqual({
      status: 100,
      message: 'success',
      recordCount: 0,
      data: [],
    });
    expect((await refusal(client.recordings.list({ confNo: '1000000000' }))).status).toBe(Status.meetingNotFound);
    expect((await refusal(client.hosts.getHostKey({ confNumber: '1000000000' }))).status).toBe(Status.meetingNotFound);

    // Extension: a new host key replaces the old one on every meeting of the user.
    const renewed = await client.hosts.regenerateHostKey({ userId: 'host' });
    expect(renewed.data.hostKey).not.toBe(userInfo.hostKey);
    expect((await client.hosts.getHostKey({ confNumber: data.confNumber })).data).toEqual({
      hostKey: renewed.data.hostKey,
    });
    expect((await refusal(client.hosts.regenerateHostKey({ userId: 'nobody' }))).status).toBe(Status.accountNotFound);
  });
});

describe('one client per group', () => {
  it('each group client also stands alone on its own options', async () => {
    const { site } = await server.siteClient();
    const meetings = new MeetingClient({ baseUrl: server.url, siteSign: site.site_sign, apiKey: site.api_key });
    expect((await meetings.listScheduled({ userId: 'nobody' })).data.confInfo).toEqual([]);
    expect(new HuiguanClient({ baseUrl: `${server.url}/`, siteSign: 's', apiKey: 'k' }).transport.baseUrl).toBe(
      server.url,
    );
  });
});
