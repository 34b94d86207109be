import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHAT_LIMITS } from '../../src/domain/room-chat.js';
import { buildTestApp, gmt, type TestApp } from '../helper.js';
import { roomFixtures } from './room-fixtures.js';
import { PageSocket, type PageMessage } from './ws-client.js';

/**
 * The room's chat, the host role handed over and raised hands kept by the server, over the pages' WebSocket; the
 * chat extension of the API.
 */
let t: TestApp;
let base: string;
beforeAll(async () => {
  t = await buildTestApp();
  base = await t.app.listen({ port: 0, host: '127.0.0.1' });
});
afterAll(async () => t.close());

const { openMeeting, connect: enterRoom } = roomFixtures(() => ({ t, base }));

/** A page in the meeting. */
async function connect(url: string, name: string) {
  const { socket } = await enterRoom(url, name);
  await socket.state('in_meeting');
  return socket;
}

type Chat = PageMessage & { id: string; from: string; name: string; text: string; sentAt: number };
const chatSaying = (text: string) => (m: PageMessage) => m.type === 'chat' && (m as Chat).text === text;
const refusal = (reason: string) => (m: PageMessage) =>
  m.type === 'refused' && (m as PageMessage & { reason: string }).reason === reason;

describe('chat in the room', () => {
  it('reaches every page, the sender’s too, is kept with the session, and a late joiner sees it', async () => {
    const site = await t.site();
    const m = await openMeeting(site);
    const host = await connect(m.hostStartUrl, 'Hostess');
    const guest = await connect(m.joinUrl, 'Guest');
    await host.rosterOf(2);

    host.send({ type: 'chat', text: '  hello <b>all</b>  ' });
    const got = (await guest.waitFor(chatSaying('hello <b>all</b>'))) as Chat;
    const own = (await host.waitFor(chatSaying('hello <b>all</b>'))) as Chat;
    expect(got).toMatchObject({ name: 'Hostess', text: 'hello <b>all</b>', sentAt: t.clock.now });
    expect(got.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(own.id).toBe(got.id);
    t.clock.now += 1;
    guest.send({ type: 'chat', text: 'hi' });
    await host.waitFor(chatSaying('hi'));

    const late = await connect(m.joinUrl, 'Late');
    const history = (await late.waitFor((x) => x.type === 'chat-history')) as PageMessage & { messages: Chat[] };
    expect(history.messages.map((x) => [x.name, x.text])).toEqual([
      ['Hostess', 'hello <b>all</b>'],
      ['Guest', 'hi'],
    ]);
  });

  it('refuses an empty or over-long message, a sixth within 5 seconds, and past the session’s cap', async () => {
    const site = await t.site();
    const m = await openMeeting(site);
    const host = await connect(m.hostStartUrl, 'Hostess');
    const guest = await connect(m.joinUrl, 'Guest');
    await host.rosterOf(2);

    guest.send({ type: 'chat', text: '   ' });
    await guest.waitFor(refusal('chat_empty'));
    guest.send({ type: 'chat', text: 'x'.repeat(CHAT_LIMITS.maxLength + 1) });
    await guest.waitFor(refusal('chat_too_long'));
    // 1,000 characters pass, counted as characters (not UTF-16 units).
    guest.send({ type: 'chat', text: '会'.repeat(CHAT_LIMITS.maxLength - 1) + '😀' });
    await host.waitFor((x) => x.type === 'chat');

    for (let i = 2; i <= 5; i++) guest.send({ type: 'chat', text: `n${i}` });
    await host.waitFor(chatSaying('n5'));
    guest.send({ type: 'chat', text: 'sixth' });
    await guest.waitFor(refusal('chat_too_fast'));
    // Another participant is not held by the guest's rate.
    host.send({ type: 'chat', text: 'host speaks' });
    await guest.waitFor(chatSaying('host speaks'));
    t.clock.now += CHAT_LIMITS.rateWindowMs;
    guest.send({ type: 'chat', text: 'later' });
    await host.waitFor(chatSaying('later'));
    expect(guest.messages.some(chatSaying('sixth'))).toBe(false);

    // The cap: the session's kept messages, whoever sent them.
    const session = await t.store.db
      .selectFrom('sessions')
      .select(['id'])
      .where('meeting_id', '=', m.confId)
      .executeTakeFirstOrThrow();
    const filler = Array.from({ length: CHAT_LIMITS.perSession - 7 }, (_, i) => ({
      id: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
      site_id: site.id,
      meeting_id: m.confId,
      session_id: session.id,
      sender_cuid: 'someone',
      sender_name: 'Someone',
      text: `filler ${i}`,
      sent_at: t.clock.now - 1000,
    }));
    for (let i = 0; i < filler.length; i += 200)
      await t.store.db
        .insertInto('chat_messages')
        .values(filler.slice(i, i + 200))
        .execute();
    t.clock.now += CHAT_LIMITS.rateWindowMs;
    host.send({ type: 'chat', text: 'one too many' });
    await host.waitFor(refusal('chat_full'));

    // The history is bounded: the last 200.
    const late = await connect(m.joinUrl, 'Late');
    const history = (await late.waitFor((x) => x.type === 'chat-history')) as PageMessage & { messages: Chat[] };
    expect(history.messages).toHaveLength(CHAT_LIMITS.history);
    expect(history.messages.at(-1)!.text).toBe('later');
  });

  it('refuses a flood of tries before reading the database: 10 at once, then 2 a second', async () => {
    const site = await t.site();
    const m = await openMeeting(site);
    const host = await connect(m.hostStartUrl, 'Hostess');
    for (let i = 0; i < 12; i++) host.send({ type: 'chat', text: '' });
    const reasons = () =>
      host.messages.filter((x) => x.type === 'refused').map((x) => (x as PageMessage & { reason: string }).reason);
    await expect.poll(() => reasons().length).toBe(12);
    // The budget answers at once; the empty ones were checked in order, after it.
    expect(reasons().sort()).toEqual([...Array(10).fill('chat_empty'), 'chat_too_fast', 'chat_too_fast']);
  });

  it('is listed by the extension getConfChatListByConfId, per session and paged', async () => {
    const site = await t.site();
    const m = await openMeeting(site);
    const host = await connect(m.hostStartUrl, 'Hostess');
    const guest = await connect(m.joinUrl, 'Guest <i>');
    await host.rosterOf(2);
    host.send({ type: 'chat', text: 'first' });
    await guest.waitFor(chatSaying('first'));
    t.clock.now += 1000;
    guest.send({ type: 'chat', text: '<script>x</script>' });
    await host.waitFor(chatSaying('<script>x</script>'));
    const sent = t.clock.now;

    const all = await t.call('getConfChatListByConfId', site, { userId: 'host1', confId: m.confId });
    expect(all.body).toMatchObject({ status: 100, message: 'success', totalItems: 2, totalPage: 1, currentPage: 1 });
    const report = await t.call('getConfLogListByConfId2', site, { userId: 'host1', confId: m.confId });
    const uuid = report.body.data.records[0].uuid as string;
    const rows = report.body.data.records[0].logs as { cuid: string; participantName: string }[];
    const guestCuid = rows.find((r) => r.participantName === 'Guest <i>')!.cuid;
    expect(all.body.data.confId).toBe(m.confId);
    expect(all.body.data.messages).toEqual([
      {
        messageId: expect.stringMatching(/^[0-9a-f-]{36}$/),
        uuid,
        cuid: expect.any(String),
        participantName: 'Hostess',
        text: 'first',
        sendTime: gmt(sent - 1000),
      },
      {
        messageId: expect.stringMatching(/^[0-9a-f-]{36}$/),
        uuid,
        cuid: guestCuid,
        participantName: 'Guest <i>',
        text: '<script>x</script>',
        sendTime: gmt(sent),
      },
    ]);
    const second = await t.call('getConfChatListByConfId', site, {
      userId: 'host1',
      confId: m.confId,
      uuid,
      pageNo: 2,
      pageSize: 1,
    });
    expect(second.body).toMatchObject({ totalItems: 2, totalPage: 2, currentPage: 2, pageSize: 1 });
    expect(second.body.data.messages.map((x: { text: string }) => x.text)).toEqual(['<script>x</script>']);

    const unknown = await t.call('getConfChatListByConfId', site, { userId: 'host1', confId: m.confId, uuid: 'nope' });
    expect(unknown.body.status).toBe(109);
    // Another user's meeting, and another site's, are not found as in 2.11.
    const other = await t.call('getConfChatListByConfId', site, { userId: 'someone-else', confId: m.confId });
    expect(other.body.status).not.toBe(100);
    const otherSite = await t.site();
    const foreign = await t.call('getConfChatListByConfId', otherSite, { userId: 'host1', confId: m.confId });
    expect(foreign.body.status).not.toBe(100);
    // The documented report is unchanged by the chat.
    expect(Object.keys(report.body.data.records[0]).sort()).toEqual([
      'duration',
      'endTime',
      'logs',
      'startTime',
      'uuid',
    ]);
  });
});

describe('handing the host role over', () => {
  it('makes another participant the one host, kept by the server across their reconnect, until the host link returns', async () => {
    const site = await t.site();
    await t.call('createOrUpdateUser', site, { userId: 'host1', userName: 'Hostess', enableCloudRecord: 1 });
    const m = await openMeeting(site);
    const host = await connect(m.hostStartUrl, 'Hostess');
    const guest = await connect(m.joinUrl, 'Guest');
    const third = await connect(m.joinUrl, 'Third');
    const roster = await host.rosterOf(3);
    const guestId = roster.participants!.find((p) => p.name === 'Guest')!.id;
    const thirdId = roster.participants!.find((p) => p.name === 'Third')!.id;

    // A non-host may not hand the role over, nor mute, nor end.
    third.send({ type: 'host', id: thirdId });
    await third.waitFor((x) => refusal('not_host')(x) && (x as PageMessage & { request: string }).request === 'host');
    third.send({ type: 'mute', id: '*' });
    await third.waitFor((x) => refusal('not_host')(x) && (x as PageMessage & { request: string }).request === 'mute');

    host.send({ type: 'host', id: guestId });
    await guest.waitFor((x) => x.type === 'roster' && x.you?.role === 'host');
    const after = await host.waitFor((x) => x.type === 'roster' && x.you?.role === 'attendee');
    // The right to record follows the role; in a mesh every page takes down the old host's recording notice.
    const cloudRecord = (x: PageMessage) => (x.you as { cloudRecord?: boolean } | undefined)?.cloudRecord;
    expect(cloudRecord(after)).toBe(false);
    expect(cloudRecord(guest.messages.findLast((x) => x.type === 'roster')!)).toBe(true);
    await third.waitFor((x) => x.type === 'recording' && (x as PageMessage & { state: string }).state === 'idle');
    expect(after.participants!.map((p) => [p.name, p.role])).toEqual([
      ['Hostess', 'attendee'],
      ['Guest', 'host'],
      ['Third', 'attendee'],
    ]);
    // The old host's commands are refused; the new host's work.
    host.send({ type: 'mute', id: '*' });
    await host.waitFor((x) => refusal('not_host')(x) && (x as PageMessage & { request: string }).request === 'mute');
    host.send({ type: 'end' });
    await host.waitFor((x) => refusal('not_host')(x) && (x as PageMessage & { request: string }).request === 'end');
    expect(third.messages.some((x) => x.type === 'mute')).toBe(false);
    guest.send({ type: 'mute', id: '*' });
    await third.waitFor((x) => x.type === 'mute');

    // The new host's page reconnects with its ticket: still the host.
    const ticket = (
      await t.store.db.selectFrom('tickets').select('token').where('cuid', '=', guestId).executeTakeFirstOrThrow()
    ).token;
    const again = await PageSocket.open(base, ticket);
    await guest.closed;
    await again.state('in_meeting');
    await again.waitFor((x) => x.type === 'roster' && x.you?.role === 'host');

    // The host link's holder enters again: the role is theirs once more, and only theirs.
    const back = await connect(m.hostStartUrl, 'Hostess');
    await back.waitFor((x) => x.type === 'roster' && x.you?.role === 'host');
    await again.waitFor((x) => x.type === 'roster' && x.you?.role === 'attendee');
    const live = await t.call('getLiveDetail', site, { confNo: m.confNumber }, { subject: 'confNo' });
    expect(live.body.status).toBe(100);
    again.send({ type: 'end' });
    await again.waitFor((x) => refusal('not_host')(x) && (x as PageMessage & { request: string }).request === 'end');
    back.send({ type: 'end' });
    await third.state('ended');
  });
});

describe('a raised hand', () => {
  it('is kept by the server: a late joiner and a reconnecting page learn it without the hand’s page saying it again', async () => {
    const site = await t.site();
    const m = await openMeeting(site);
    const host = await connect(m.hostStartUrl, 'Hostess');
    const { socket: guest, ticket } = await enterRoom(m.joinUrl, 'Guest');
    await guest.state('in_meeting');
    const roster = await host.rosterOf(2);
    const guestId = roster.participants!.find((p) => p.name === 'Guest')!.id;
    const hand = (id: string, raised: boolean) => (x: PageMessage) =>
      x.type === 'hand' &&
      (x as PageMessage & { id: string }).id === id &&
      (x as PageMessage & { raised: boolean }).raised === raised;

    guest.send({ type: 'hand', raised: true });
    await host.waitFor(hand(guestId, true));
    const late = await connect(m.joinUrl, 'Late');
    await late.waitFor(hand(guestId, true));
    // The guest's own page, back after a dropped connection, sees its hand up.
    const again = await PageSocket.open(base, ticket);
    await guest.closed;
    await again.waitFor(hand(guestId, true));

    // The host lowers it: a page arriving now sees no hand.
    host.send({ type: 'hand', id: guestId, raised: false });
    await again.waitFor(hand(guestId, false));
    const later = await connect(m.joinUrl, 'Later');
    // What the server keeps is sent before the first roster.
    await later.waitFor((x) => x.type === 'roster');
    expect(later.messages.some((x) => x.type === 'hand')).toBe(false);
  });
});
