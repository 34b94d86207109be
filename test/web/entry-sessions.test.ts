import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, gmt, type TestApp } from '../helper.js';
import { linkPath, roomFixtures } from './room-fixtures.js';
import { PageSocket } from './ws-client.js';

// Who may come back in: a removed person (issue 14, item 11), a ticket of an earlier session or from before a
// password change (item 12), and a host whose userName is longer than the page's 64 characters (item 15).

let t: TestApp;
let base: string;
beforeAll(async () => {
  t = await buildTestApp();
  base = await t.app.listen({ port: 0, host: '127.0.0.1' });
});
afterAll(async () => t.close());

const MIN = 60_000;
const { openMeeting, enter, connect } = roomFixtures(() => ({ t, base }));

describe('a person the host removed', () => {
  it('comes back through the same join link only into the waiting room, for the rest of that session', async () => {
    const site = await t.site();
    const m = await openMeeting(site);
    const host = await connect(m.hostStartUrl, 'H');
    await host.socket.state('in_meeting');
    const mallory = await connect(m.joinUrl, 'Mallory', {}, '10.1.0.7');
    await mallory.socket.state('in_meeting');
    const malloryId = (await host.socket.rosterOf(2)).participants!.find((p) => p.name === 'Mallory')!.id;
    host.socket.send({ type: 'remove', id: malloryId });
    await mallory.socket.state('removed');

    // Same address under another name, and the same name from another address: both wait for the host.
    const back = await enter(m.joinUrl, { name: 'Not Mallory' }, '10.1.0.7');
    expect(back).toMatchObject({ statusCode: 200, body: { state: 'lobby' } });
    expect(await enter(m.joinUrl, { name: 'mallory' }, '10.9.9.9')).toMatchObject({
      statusCode: 200,
      body: { state: 'lobby' },
    });
    // Someone else walks straight in, as before.
    expect(await enter(m.joinUrl, { name: 'Bob' }, '10.2.0.1')).toMatchObject({
      statusCode: 200,
      body: { state: 'admitted' },
    });

    // The host may let the person back in.
    const page = await PageSocket.open(base, back.body.ticket);
    await page.state('lobby');
    const waiting = await host.socket.waitFor(
      (msg) => msg.type === 'roster' && (msg.waiting ?? []).some((w) => w.name === 'Not Mallory'),
    );
    host.socket.send({ type: 'admit', id: waiting.waiting!.find((w) => w.name === 'Not Mallory')!.id });
    await page.state('in_meeting');

    // A later session starts afresh.
    host.socket.send({ type: 'end' });
    await host.socket.state('ended');
  });
});

describe('tickets', () => {
  it('of a session that ended do not enter the next session', async () => {
    const site = await t.site();
    const m = await openMeeting(site);
    const host = await connect(m.hostStartUrl, 'H');
    await host.socket.state('in_meeting');
    const kept = await enter(m.joinUrl, { name: 'Keeper' });
    expect(kept.body.state).toBe('admitted');
    host.socket.send({ type: 'leave' });
    await host.socket.state('left');
    // The meeting is scheduled again (its window is still open): session 1 is over.
    await expect
      .poll(
        async () =>
          (await t.call('getConfDetailByConfId', site, { userId: 'host1', confId: m.confId })).body.data.confStatus,
      )
      .toBe(0);

    const again = await connect(m.hostStartUrl, 'H');
    await again.socket.state('in_meeting');
    const stale = await PageSocket.open(base, kept.body.ticket);
    await stale.state('ended');
    await stale.closed;
    expect((await again.socket.rosterOf(1)).participants!.map((p) => p.name)).toEqual(['H']);
    // Entering again is the way back.
    const fresh = await connect(m.joinUrl, 'Keeper');
    await fresh.socket.state('in_meeting');
  });

  it('obtained with the meeting password stop working when the password changes', async () => {
    const site = await t.site();
    const m = await openMeeting(site, { confPassword: '1111' });
    const early = await enter(m.joinUrl, { name: 'Early', password: '1111' });
    expect(early.body.state).toBe('host_wait');
    const changed = await t.call('confModify2', site, {
      userId: 'host1',
      confId: m.confId,
      confPassword: '2222',
      startTime: gmt(Math.floor((t.clock.now - 5 * MIN) / 1000) * 1000),
      duration: 60,
      confParties: 10,
    });
    expect(changed.body.status, changed.body.message).toBe(100);

    const host = await connect(m.hostStartUrl, 'H');
    await host.socket.state('in_meeting');
    const stale = await PageSocket.open(base, early.body.ticket);
    await stale.state('ended');
    await stale.closed;
    expect((await host.socket.rosterOf(1)).participants!.map((p) => p.name)).toEqual(['H']);

    expect(await enter(m.joinUrl, { name: 'Early', password: '1111' })).toMatchObject({
      statusCode: 403,
      body: { error: 'bad_password' },
    });
    const fresh = await connect(m.joinUrl, 'Early', { password: '2222' });
    await fresh.socket.state('in_meeting');
  });
});

describe('a host whose userName is longer than 64 characters', () => {
  it('starts the meeting from the page under the full name', async () => {
    const site = await t.site();
    const long = `${'Dr. Wilhelmina Featherstonehaugh-Cholmondeley '.repeat(3)}of Accounts`;
    expect(long.length).toBeGreaterThan(64);
    const m = await openMeeting(site, { userId: 'longname', userName: long });
    const info = await t.app.inject(linkPath(m.hostStartUrl));
    expect(info.json().meeting.hostName).toBe(long);
    const host = await connect(m.hostStartUrl, long);
    await host.socket.state('in_meeting');
    expect((await host.socket.rosterOf(1)).participants![0]!.name).toBe(long);
    // Anyone else, the host included under another name, keeps the 64-character limit.
    expect(await enter(m.hostStartUrl, { name: `${long}!` })).toMatchObject({
      statusCode: 400,
      body: { error: 'bad_name' },
    });
    expect(await enter(m.joinUrl, { name: long })).toMatchObject({ statusCode: 400, body: { error: 'bad_name' } });
  });
});
