import type { FastifyBaseLogger } from 'fastify';
import VideoRoomPlugin, { type VideoRoomHandle } from 'janode/plugins/videoroom';
import { describe, expect, it } from 'vitest';
import type { MeetingRow, SessionRow } from '../store/database.js';
import { audioMids, janusToken, MAX_SUBSCRIBED_STREAMS, parseSfuRequest, SfuParticipant } from './participant.js';

const offer = { type: 'offer', sdp: 'v=0\r\n' };

describe('parseSfuRequest', () => {
  it('keeps a publish with its offer and the declared sources, and nothing else', () => {
    expect(
      parseSfuRequest({ op: 'publish', jsep: { ...offer, extra: 1 }, sources: { '0': 'microphone', '1': 'camera' } }),
    ).toEqual({
      op: 'publish',
      jsep: { type: 'offer', sdp: 'v=0\r\n' },
      sources: { '0': 'microphone', '1': 'camera' },
    });
  });

  it('drops a publish whose SDP is an answer, missing, or whose sources are not the three known', () => {
    expect(parseSfuRequest({ op: 'publish', jsep: { type: 'answer', sdp: 'v=0' }, sources: {} })).toBeUndefined();
    expect(parseSfuRequest({ op: 'publish', jsep: { type: 'offer', sdp: '' }, sources: {} })).toBeUndefined();
    expect(parseSfuRequest({ op: 'publish', jsep: offer, sources: { '0': 'speaker' } })).toBeUndefined();
    expect(parseSfuRequest({ op: 'publish', jsep: offer })).toBeUndefined();
    expect(parseSfuRequest({ op: 'publish', jsep: offer, sources: { ['x'.repeat(33)]: 'camera' } })).toBeUndefined();
    expect(parseSfuRequest({ op: 'publish', jsep: offer, sources: { 'a b': 'camera' } })).toBeUndefined();
    const proto = parseSfuRequest(
      JSON.parse('{"op":"publish","jsep":{"type":"offer","sdp":"v=0"},"sources":{"__proto__":"camera"}}'),
    );
    expect(proto?.op === 'publish' && Object.entries(proto.sources)).toEqual([['__proto__', 'camera']]);
  });

  it('keeps a candidate’s three fields, and null as the end of candidates', () => {
    expect(
      parseSfuRequest({
        op: 'trickle',
        pc: 'publisher',
        candidate: { candidate: 'candidate:1 1 udp 1 1.2.3.4 5 typ host', sdpMid: '0', sdpMLineIndex: 0, x: 'y' },
      }),
    ).toEqual({
      op: 'trickle',
      pc: 'publisher',
      candidate: { candidate: 'candidate:1 1 udp 1 1.2.3.4 5 typ host', sdpMid: '0', sdpMLineIndex: 0 },
    });
    expect(parseSfuRequest({ op: 'trickle', pc: 'subscriber', candidate: null })).toEqual({
      op: 'trickle',
      pc: 'subscriber',
      candidate: null,
    });
    expect(parseSfuRequest({ op: 'trickle', pc: 'other', candidate: null })).toBeUndefined();
    expect(
      parseSfuRequest({ op: 'trickle', pc: 'publisher', candidate: { candidate: 'c'.repeat(2000) } }),
    ).toBeUndefined();
  });

  it('keeps a subscription of feeds, mids and layers 0–2, up to its limit', () => {
    expect(
      parseSfuRequest({
        op: 'subscribe',
        streams: [
          { feed: 7, mid: '0' },
          { feed: 7, mid: '1', substream: 0 },
        ],
      }),
    ).toEqual({
      op: 'subscribe',
      streams: [
        { feed: 7, mid: '0' },
        { feed: 7, mid: '1', substream: 0 },
      ],
    });
    expect(parseSfuRequest({ op: 'subscribe', streams: [] })).toEqual({ op: 'subscribe', streams: [] });
    expect(parseSfuRequest({ op: 'subscribe', streams: [{ feed: '7', mid: '0' }] })).toBeUndefined();
    expect(parseSfuRequest({ op: 'subscribe', streams: [{ feed: 7, mid: '0', substream: 3 }] })).toBeUndefined();
    expect(parseSfuRequest({ op: 'subscribe', streams: [{ feed: 1.5, mid: '0' }] })).toBeUndefined();
    const many = Array.from({ length: MAX_SUBSCRIBED_STREAMS + 1 }, (_, i) => ({ feed: i, mid: '0' }));
    expect(parseSfuRequest({ op: 'subscribe', streams: many })).toBeUndefined();
  });

  it('keeps a start with an answer, a restart with nothing else, and record and live with a boolean', () => {
    expect(parseSfuRequest({ op: 'start', jsep: { type: 'answer', sdp: 'v=0' } })).toEqual({
      op: 'start',
      jsep: { type: 'answer', sdp: 'v=0' },
    });
    expect(parseSfuRequest({ op: 'start', jsep: offer })).toBeUndefined();
    expect(parseSfuRequest({ op: 'record', on: true })).toEqual({ op: 'record', on: true });
    expect(parseSfuRequest({ op: 'live', on: false })).toEqual({ op: 'live', on: false });
    expect(parseSfuRequest({ op: 'live', on: 'yes' })).toBeUndefined();
    expect(parseSfuRequest({ op: 'destroy' })).toBeUndefined();
    expect(parseSfuRequest({ op: 'restart', pc: 'publisher', sdp: 'x' })).toEqual({ op: 'restart' });
  });
});

describe('janusToken', () => {
  it('is derived from the ticket, the same on every process, and does not show it', () => {
    const ticket = '0123456789abcdef0123456789abcdef';
    expect(janusToken(ticket)).toBe(janusToken(ticket));
    expect(janusToken(ticket)).not.toBe(janusToken(ticket.replace('0', '1')));
    expect(janusToken(ticket)).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(janusToken(ticket)).not.toContain(ticket);
  });
});

describe('audioMids', () => {
  it('finds the mid of every audio section, and of no video one', () => {
    const sdp = [
      'v=0',
      'o=- 1 2 IN IP4 127.0.0.1',
      's=-',
      't=0 0',
      'a=group:BUNDLE 0 1 2',
      'm=audio 9 UDP/TLS/RTP/SAVPF 111',
      'c=IN IP4 0.0.0.0',
      'a=mid:0',
      'm=video 9 UDP/TLS/RTP/SAVPF 96',
      'a=mid:1',
      'm=audio 9 UDP/TLS/RTP/SAVPF 111',
      'a=sendonly',
      'a=mid:2',
      '',
    ].join('\r\n');
    expect(audioMids(sdp)).toEqual(['0', '2']);
    expect(audioMids('v=0\r\n')).toEqual([]);
  });
});

/** A VideoRoom handle that records the calls the participant makes and lets the test raise Janus's events. */
function fakeHandle() {
  const listeners = new Map<string, ((data: unknown) => void)[]>();
  const calls: { op: string; params: Record<string, unknown> }[] = [];
  const handle = {
    calls,
    emit: (event: string, data: unknown) => (listeners.get(event) ?? []).forEach((listener) => listener(data)),
    on(event: string, listener: (data: unknown) => void) {
      listeners.set(event, [...(listeners.get(event) ?? []), listener]);
    },
    async joinPublisher(params: Record<string, unknown>) {
      calls.push({ op: 'joinPublisher', params });
      return { private_id: 99, publishers: [] };
    },
    async joinSubscriber(params: Record<string, unknown>) {
      calls.push({ op: 'joinSubscriber', params });
      return { streams: [], jsep: { type: 'offer', sdp: 'v=0' } };
    },
    async update(params: Record<string, unknown>) {
      calls.push({ op: 'update', params });
      return { streams: [], jsep: { type: 'offer', sdp: 'v=0' } };
    },
    async configure(params: Record<string, unknown>) {
      calls.push({ op: 'configure', params });
      return {};
    },
    leave: async () => undefined,
    detach: async () => undefined,
  };
  return handle;
}

describe('SfuParticipant’s subscription', () => {
  async function participant() {
    const handles: ReturnType<typeof fakeHandle>[] = [];
    const instance = {
      attach: async () => {
        const handle = fakeHandle();
        handles.push(handle);
        return handle as unknown as VideoRoomHandle;
      },
      onReset: () => () => undefined,
    };
    const room = { instance, roomId: 1, secret: 's', sessionId: 1 };
    const rooms = {
      ensureRoom: async () => room,
      allow: async () => undefined,
      revoke: async () => undefined,
      kick: async () => undefined,
      moderate: async () => undefined,
      destroy: async () => undefined,
    };
    const sent: Record<string, unknown>[] = [];
    const p = new SfuParticipant({
      rooms,
      meeting: {} as MeetingRow,
      session: {} as SessionRow,
      feed: 1,
      display: 'me',
      ticket: 't',
      send: (message) => sent.push(message),
      log: { warn: () => undefined } as unknown as FastifyBaseLogger,
    });
    p.start();
    await expect.poll(() => handles.length).toBe(1);
    const settled = () => new Promise((resolve) => setTimeout(resolve, 10));
    return { p, handles, sent, publisher: handles[0]!, settled };
  }
  const camera = (feed: number) => ({
    feed,
    display: `p${feed}`,
    streams: [{ type: 'video', mid: '1', simulcast: true }],
  });
  const listed = (feed: number) => ({ publishers: [camera(feed)] });

  it('asks Janus for a new stream at the layer the page wants, in the same request', async () => {
    const { p, handles, publisher, settled } = await participant();
    publisher.emit(VideoRoomPlugin.EVENT.VIDEOROOM_PUB_LIST, listed(2));
    p.request({ op: 'subscribe', streams: [{ feed: 2, mid: '1', substream: 0 }] });
    await settled();
    expect(handles[1]!.calls).toEqual([
      { op: 'joinSubscriber', params: expect.objectContaining({ streams: [{ feed: 2, mid: '1', substream: 0 }] }) },
    ]);
    publisher.emit(VideoRoomPlugin.EVENT.VIDEOROOM_PUB_LIST, listed(3));
    p.request({
      op: 'subscribe',
      streams: [
        { feed: 2, mid: '1', substream: 0 },
        { feed: 3, mid: '1', substream: 1 },
      ],
    });
    await settled();
    expect(handles[1]!.calls.slice(1)).toEqual([
      { op: 'update', params: { subscribe: [{ feed: 3, mid: '1', substream: 1 }] } },
    ]);
  });

  it('subscribes a stream the page asked for before Janus listed it, when it appears, and again when it returns', async () => {
    const { p, handles, publisher, settled } = await participant();
    publisher.emit(VideoRoomPlugin.EVENT.VIDEOROOM_PUB_LIST, listed(2));
    // Feed 3 is asked for before Janus lists it: only feed 2 is subscribed.
    p.request({
      op: 'subscribe',
      streams: [
        { feed: 2, mid: '1' },
        { feed: 3, mid: '1' },
      ],
    });
    await settled();
    const subscriber = handles[1]!;
    expect(subscriber.calls.map((c) => c.params.streams)).toEqual([[{ feed: 2, mid: '1' }]]);
    // Janus lists feed 3: it is subscribed without the page asking again.
    publisher.emit(VideoRoomPlugin.EVENT.VIDEOROOM_PUB_LIST, listed(3));
    await settled();
    expect(subscriber.calls.slice(1)).toEqual([{ op: 'update', params: { subscribe: [{ feed: 3, mid: '1' }] } }]);
    // Feed 3 leaves (Janus drops it from the subscription) and publishes again: subscribed again.
    publisher.emit(VideoRoomPlugin.EVENT.VIDEOROOM_LEAVING, { feed: 3 });
    publisher.emit(VideoRoomPlugin.EVENT.VIDEOROOM_PUB_LIST, listed(3));
    await settled();
    expect(subscriber.calls.slice(2)).toEqual([{ op: 'update', params: { subscribe: [{ feed: 3, mid: '1' }] } }]);
    // A publisher nobody asked for changes nothing.
    publisher.emit(VideoRoomPlugin.EVENT.VIDEOROOM_PUB_LIST, listed(4));
    await settled();
    expect(subscriber.calls).toHaveLength(3);
  });
});
