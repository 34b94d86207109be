import { describe, expect, it } from 'vitest';
import type { SiteRow } from '../../src/store/database.js';
import { gmt, listeningTestApp } from '../helper.js';
import { PageSocket, type PageMessage } from './ws-client.js';

const ICE = [
  { urls: 'stun:stun.example.test:3478' },
  { urls: ['turn:turn.example.test'], username: 'u', credential: 'p' },
];

const server = listeningTestApp({ config: { iceServers: ICE } });

async function openMeeting(site: SiteRow, params: Record<string, unknown> = {}) {
  const res = await server.t.call('confReservation', site, {
    userId: 'host1',
    userName: 'Hostess',
    confName: 'Media',
    startTime: gmt(Math.floor((server.t.clock.now - 300_000) / 1000) * 1000),
    duration: 60,
    confParties: 10,
    ...params,
  });
  expect(res.body.status, res.body.message).toBe(100);
  return res.body.data as { hostStartUrl: string; joinUrl: string };
}

/** Enters through a link, connects, waits until in the meeting; answers the socket and the page's public id. */
async function join(url: string, name: string, count: number) {
  const m = /\/(s|j)\/(\d{10})\/([0-9A-F]{32})$/.exec(url)!;
  const entered = await server.t.app.inject({
    method: 'POST',
    url: `/web/v1/links/${m[1]}/${m[2]}/${m[3]}/enter`,
    payload: { name },
  });
  const socket = await PageSocket.open(server.base, entered.json().ticket);
  const roster = await socket.rosterOf(count);
  return { socket, id: roster.you!.id, ticket: entered.json().ticket as string };
}

const signalFrom = (from: string) => (m: PageMessage) => m.type === 'signal' && (m as { from?: string }).from === from;

describe('media signaling over the page WebSocket', () => {
  it('tells each page its ICE servers, initial camera and whether it may record', async () => {
    const site = await server.t.site();
    await server.t.call('createOrUpdateUser', site, { userId: 'host1', userName: 'Hostess', enableCloudRecord: 1 });
    const m = await openMeeting(site, { optionVideoHost: 1, optionVideoParticipants: 0, optionJbh: 1 });
    const host = await join(m.hostStartUrl, 'H', 1);
    const ann = await join(m.joinUrl, 'Ann', 2);
    expect(await host.socket.waitFor((x) => x.type === 'media-config')).toEqual({
      type: 'media-config',
      iceServers: ICE,
      camera: true,
      microphone: true,
      cloudRecord: true,
    });
    expect(await ann.socket.waitFor((x) => x.type === 'media-config')).toEqual({
      type: 'media-config',
      iceServers: ICE,
      camera: false,
      microphone: true,
      cloudRecord: false,
    });
  });

  it('relays a signal to its addressee only, from the sender’s id, large ones included; nobody outside signals in', async () => {
    const site = await server.t.site();
    const m = await openMeeting(site);
    const host = await join(m.hostStartUrl, 'H', 1);
    const ann = await join(m.joinUrl, 'Ann', 2);
    const bob = await join(m.joinUrl, 'Bob', 3);
    const other = await openMeeting(await server.t.site());
    const outsider = await join(other.hostStartUrl, 'Mallory', 1);

    // An SDP offer with many candidates can pass the 8000 bytes a PostgreSQL notification carries.
    const sdp = `v=0\r\n${Array.from({ length: 400 }, (_, i) => `a=candidate:${i} 1 udp 2122260223 192.168.${i % 250}.${i % 200} ${50000 + i} typ host`).join('\r\n')}`;
    expect(sdp.length).toBeGreaterThan(20_000);
    ann.socket.send({ type: 'signal', to: bob.id, data: { description: { type: 'offer', sdp } } });
    const got = await bob.socket.waitFor(signalFrom(ann.id));
    expect(got).toEqual({ type: 'signal', from: ann.id, data: { description: { type: 'offer', sdp } } });

    outsider.socket.send({ type: 'signal', to: bob.id, data: { candidate: 'from outside' } });
    ann.socket.send({ type: 'signal', to: host.id, data: { candidate: 'c1' } });
    await host.socket.waitFor(signalFrom(ann.id));
    // Messages are relayed in order: once a later one arrived, an earlier one would have too.
    bob.socket.send({ type: 'signal', to: ann.id, data: { ping: 1 } });
    await ann.socket.waitFor(signalFrom(bob.id));
    expect(bob.socket.messages.filter((x) => x.type === 'signal')).toHaveLength(1);
    expect(host.socket.messages.filter((x) => x.type === 'signal')).toHaveLength(1);
    expect(outsider.socket.messages.filter((x) => x.type === 'signal')).toHaveLength(0);
  });

  it('broadcasts a page’s media state to the others; only the host may ask someone to mute', async () => {
    const site = await server.t.site();
    const m = await openMeeting(site);
    const host = await join(m.hostStartUrl, 'H', 1);
    const ann = await join(m.joinUrl, 'Ann', 2);
    const bob = await join(m.joinUrl, 'Bob', 3);

    ann.socket.send({ type: 'media', audio: false, video: true, screen: false });
    for (const page of [host, bob]) {
      expect(await page.socket.waitFor((x) => x.type === 'media')).toEqual({
        type: 'media',
        from: ann.id,
        audio: false,
        video: true,
        screen: false,
      });
    }
    ann.socket.send({ type: 'media', audio: 'no', video: true, screen: false });

    ann.socket.send({ type: 'mute', id: bob.id });
    host.socket.send({ type: 'mute', id: bob.id });
    expect(await bob.socket.waitFor((x) => x.type === 'mute')).toEqual({ type: 'mute', from: host.id });
    bob.socket.send({ type: 'media', audio: false, video: false, screen: false });
    await ann.socket.waitFor((x) => x.type === 'media' && (x as { from?: string }).from === bob.id);
    expect(bob.socket.messages.filter((x) => x.type === 'mute')).toHaveLength(1);
    expect(ann.socket.messages.filter((x) => x.type === 'media')).toHaveLength(1);
    expect(host.socket.messages.filter((x) => x.type === 'media')).toHaveLength(2);
  });

  it('lets the host mute everyone at once and ask one page to unmute; nobody else may', async () => {
    const site = await server.t.site();
    const m = await openMeeting(site);
    const host = await join(m.hostStartUrl, 'H', 1);
    const ann = await join(m.joinUrl, 'Ann', 2);
    const bob = await join(m.joinUrl, 'Bob', 3);

    ann.socket.send({ type: 'mute', id: '*' });
    ann.socket.send({ type: 'unmute-ask', id: bob.id });
    host.socket.send({ type: 'unmute-ask', id: '*' });
    host.socket.send({ type: 'mute', id: '*' });
    for (const page of [ann, bob])
      expect(await page.socket.waitFor((x) => x.type === 'mute')).toEqual({ type: 'mute', from: host.id });
    host.socket.send({ type: 'unmute-ask', id: bob.id });
    expect(await bob.socket.waitFor((x) => x.type === 'unmute-ask')).toEqual({ type: 'unmute-ask', from: host.id });
    // A marker after everything: the refused messages would have arrived before it.
    host.socket.send({ type: 'media', audio: true, video: false, screen: false });
    for (const page of [ann, bob]) await page.socket.waitFor((x) => x.type === 'media');
    expect(bob.socket.messages.filter((x) => x.type === 'mute' || x.type === 'unmute-ask')).toHaveLength(2);
    expect(ann.socket.messages.filter((x) => x.type === 'unmute-ask')).toHaveLength(0);
    expect(host.socket.messages.filter((x) => x.type === 'mute')).toHaveLength(0);
  });

  it('relays the host page’s recording state to every page (mesh); nobody else may claim one', async () => {
    const site = await server.t.site();
    const m = await openMeeting(site);
    const host = await join(m.hostStartUrl, 'H', 1);
    const ann = await join(m.joinUrl, 'Ann', 2);
    const bob = await join(m.joinUrl, 'Bob', 3);

    ann.socket.send({ type: 'recording', state: 'recording' });
    host.socket.send({ type: 'recording', state: 'burning' });
    host.socket.send({ type: 'recording', state: 'recording' });
    for (const page of [ann, bob]) {
      expect(await page.socket.waitFor((x) => x.type === 'recording')).toEqual({
        type: 'recording',
        from: host.id,
        state: 'recording',
      });
    }
    // A marker after the refused messages: had they been relayed, they would have arrived first.
    host.socket.send({ type: 'media', audio: true, video: false, screen: false });
    await bob.socket.waitFor((x) => x.type === 'media');
    expect(bob.socket.messages.filter((x) => x.type === 'recording')).toHaveLength(1);
    expect(host.socket.messages.filter((x) => x.type === 'recording')).toHaveLength(0);
  });

  it('does not let a page in the waiting room signal or be signalled', async () => {
    const site = await server.t.site();
    const m = await openMeeting(site, { waitingRoom: 1 });
    const host = await join(m.hostStartUrl, 'H', 1);
    const mm = /\/(j)\/(\d{10})\/([0-9A-F]{32})$/.exec(m.joinUrl)!;
    const entered = await server.t.app.inject({
      method: 'POST',
      url: `/web/v1/links/j/${mm[2]}/${mm[3]}/enter`,
      payload: { name: 'Lobby' },
    });
    const lobby = await PageSocket.open(server.base, entered.json().ticket);
    await lobby.state('lobby');
    const waiting = await host.socket.waitFor((x) => x.type === 'roster' && x.waiting?.length === 1);
    const lobbyId = waiting.waiting![0]!.id;
    lobby.send({ type: 'signal', to: host.id, data: { x: 1 } });
    lobby.send({ type: 'media', audio: true, video: true, screen: false });
    host.socket.send({ type: 'signal', to: lobbyId, data: { x: 2 } });
    host.socket.send({ type: 'admit', id: lobbyId });
    await lobby.state('in_meeting');
    lobby.send({ type: 'signal', to: host.id, data: { x: 3 } });
    expect((await host.socket.waitFor((x) => x.type === 'signal')) as unknown).toEqual({
      type: 'signal',
      from: lobbyId,
      data: { x: 3 },
    });
    expect(lobby.messages.filter((x) => x.type === 'signal')).toHaveLength(0);
    expect(host.socket.messages.filter((x) => x.type === 'media')).toHaveLength(0);
  });
});
