import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, gmt, type TestApp } from '../helper.js';
import { linkPath, roomFixtures } from './room-fixtures.js';
import { PageSocket } from './ws-client.js';

let t: TestApp;
let base: string;
beforeAll(async () => {
  t = await buildTestApp();
  base = await t.app.listen({ port: 0, host: '127.0.0.1' });
});
afterAll(async () => t.close());

const MIN = 60_000;
const { openMeeting, enter, connect } = roomFixtures(() => ({ t, base }));

describe('start and join links', () => {
  it('serve the same page for any secret, and the link call tells a good link from a bad one', async () => {
    const site = await t.site();
    const m = await openMeeting(site, { confPassword: '1234' });
    const info = await t.app.inject(linkPath(m.joinUrl));
    expect(info.statusCode).toBe(200);
    expect(info.json()).toMatchObject({
      role: 'attendee',
      meeting: {
        confNumber: m.confNumber,
        confName: 'Room',
        hasPassword: true,
        hostName: 'Hostess',
        status: 'scheduled',
      },
    });
    expect(JSON.stringify(info.json())).not.toContain(m.hostStartUrl.slice(-32));
    expect(info.json().invitation).toBeUndefined();
    // The host's link carries the invitation to pass on: the join link's path and the password.
    expect((await t.app.inject(linkPath(m.hostStartUrl))).json()).toMatchObject({
      role: 'host',
      invitation: { joinPath: new URL(m.joinUrl).pathname, password: '1234' },
    });

    const wrong = linkPath(m.joinUrl).replace(/[0-9A-F]{32}$/, 'A'.repeat(32));
    const bad = await t.app.inject(wrong);
    expect(bad.statusCode).toBe(404);
    expect(bad.json()).toEqual({ error: 'not_found', message: '会议链接无效 (this link is not valid)' });
    // The join secret does not open the host's link.
    const swapped = await t.app.inject(linkPath(m.joinUrl).replace('/links/j/', '/links/s/'));
    expect(swapped.statusCode).toBe(404);
    const unknown = await t.app.inject('/web/v1/links/j/1000000000/' + 'B'.repeat(32));
    expect(unknown.json()).toEqual(bad.json());
  });

  it('refuse a wrong password, an empty name, and entering after the end', async () => {
    const site = await t.site();
    const m = await openMeeting(site, { confPassword: '1234' });
    expect(await enter(m.joinUrl, { name: 'Bob', password: '9999' })).toMatchObject({
      statusCode: 403,
      body: { error: 'bad_password' },
    });
    expect(await enter(m.joinUrl, { name: '  ', password: '1234' })).toMatchObject({
      statusCode: 400,
      body: { error: 'bad_name' },
    });
    expect(await enter(m.joinUrl, { name: 'Bob', password: '1234' })).toMatchObject({
      statusCode: 200,
      body: { state: 'host_wait' },
    });
    const future = await openMeeting(site, { userId: 'later', startTime: gmt(t.clock.now + 120 * MIN) });
    expect(await enter(future.hostStartUrl, { name: 'H' })).toMatchObject({
      statusCode: 409,
      body: { error: 'too_early' },
    });
    t.clock.now += 2 * 60 * MIN;
    expect(await enter(m.hostStartUrl, { name: 'H' })).toMatchObject({ statusCode: 409, body: { error: 'ended' } });
    t.clock.now -= 2 * 60 * MIN;
  });
});

describe('the room over the WebSocket', () => {
  it('lets attendees wait for the host, then shows everyone the roster live, and ends for all', async () => {
    const site = await t.site();
    const m = await openMeeting(site);
    const early = await connect(m.joinUrl, 'Early Bird');
    expect(early.state).toBe('host_wait');
    await early.socket.state('host_wait');

    const host = await connect(m.hostStartUrl, 'Hostess');
    expect(host.state).toBe('admitted');
    await host.socket.state('in_meeting');
    await early.socket.state('in_meeting');
    const roster = await host.socket.rosterOf(2);
    expect(roster.participants!.map((p) => [p.name, p.role, p.deviceType])).toEqual([
      ['Hostess', 'host', 'pc'],
      ['Early Bird', 'attendee', 'pc'],
    ]);
    expect(roster.you).toMatchObject({ role: 'host', watermark: null });

    const late = await connect(m.joinUrl, 'Late <b>Comer</b>');
    expect(late.state).toBe('admitted');
    await early.socket.rosterOf(3);
    const live = await t.call('getLiveDetail', site, { confNo: m.confNumber }, { subject: 'confNo' });
    expect(live.body.data.map((p: { userName: string }) => p.userName)).toEqual([
      'Hostess',
      'Early Bird',
      'Late <b>Comer</b>',
    ]);

    const shrunk = host.socket.nextRoster(2);
    late.socket.send({ type: 'leave' });
    await late.socket.state('left');
    await late.socket.closed;
    await shrunk;

    host.socket.send({ type: 'end' });
    await early.socket.state('ended');
    await host.socket.state('ended');
    const detail = await t.call('getConfDetailByConfId', site, { userId: 'host1', confId: m.confId });
    expect(detail.body.data.confStatus).toBe(3);
    const report = await t.call('getConfLogListByConfId', site, { userId: 'host1', confId: m.confId });
    expect(report.body.data.logs.map((l: { participantName: string }) => l.participantName)).toEqual([
      'Hostess',
      'Early Bird',
      'Late <b>Comer</b>',
    ]);
    expect(report.body.data.logs.every((l: { leaveTime: string }) => l.leaveTime !== '')).toBe(true);
  });

  it('keeps people in the waiting room until the host admits them, and lets the host remove people', async () => {
    const site = await t.site();
    const m = await openMeeting(site, { waitingRoom: 1, optionJbh: 1 });
    const host = await connect(m.hostStartUrl, 'H');
    await host.socket.state('in_meeting');
    const guest = await connect(m.joinUrl, 'Guest');
    expect(guest.state).toBe('lobby');
    await guest.socket.state('lobby');
    const waiting = await host.socket.waitFor((msg) => msg.type === 'roster' && msg.waiting?.length === 1);
    expect(waiting.waiting![0]!.name).toBe('Guest');
    const guestId = waiting.waiting![0]!.id;
    // Pages see each other's public ids, never the tickets that are their credentials.
    expect(guestId).not.toBe(guest.ticket);
    expect(JSON.stringify(host.socket.messages)).not.toContain(guest.ticket);

    host.socket.send({ type: 'admit', id: guestId });
    await guest.socket.state('in_meeting');
    await host.socket.rosterOf(2);
    // Attendees get no waiting list and cannot admit or remove.
    const guestView = await guest.socket.rosterOf(2);
    expect(guestView.waiting).toEqual([]);
    expect(JSON.stringify(guest.socket.messages)).not.toContain(host.ticket);
    guest.socket.send({ type: 'remove', id: guestView.participants!.find((p) => p.role === 'host')!.id });

    const after = host.socket.nextRoster(1);
    host.socket.send({ type: 'remove', id: guestId });
    await guest.socket.state('removed');
    await guest.socket.closed;
    expect((await after).participants![0]!.name).toBe('H');
    // A removed ticket stays out.
    const again = await PageSocket.open(base, guest.ticket);
    await again.state('removed');
  });

  it('says "full" past confParties, and counts a dropped connection as leaving', async () => {
    const site = await t.site();
    const m = await openMeeting(site, { confParties: 2, optionJbh: 1 });
    const a = await connect(m.joinUrl, 'A');
    await a.socket.state('in_meeting');
    const b = await connect(m.joinUrl, 'B', { userAgent: 'x' });
    await b.socket.state('in_meeting');
    const c = await connect(m.joinUrl, 'C');
    await c.socket.state('full');
    const alone = a.socket.nextRoster(1);
    b.socket.close();
    await alone;
    const d = await connect(m.joinUrl, 'D');
    await d.socket.state('in_meeting');
  });

  it('shows the viewer’s login name as the watermark of a watermarked meeting', async () => {
    const site = await t.site();
    const m = await openMeeting(site, { loginName: 'hostess@corp', watermark: 1, optionJbh: 1 }, 'confReservation2');
    const host = await connect(m.hostStartUrl, 'H');
    expect((await host.socket.rosterOf(1)).you!.watermark).toBe('hostess@corp');
    const guest = await connect(m.joinUrl, 'Guest Name');
    expect((await guest.socket.rosterOf(2)).you!.watermark).toBe('Guest Name');
  });

  it('answers an unknown ticket with "invalid"', async () => {
    const page = await PageSocket.open(base, 'f'.repeat(32));
    await page.state('invalid');
    await page.closed;
  });
});
