import { createHash } from 'node:crypto';
import type { FastifyBaseLogger } from 'fastify';
import type { Jsep } from 'janode';
import VideoRoomPlugin, {
  type Publisher,
  type PublisherStream,
  type SubscriptionStream,
  type VideoRoomHandle,
} from 'janode/plugins/videoroom';
import type { MeetingRow, SessionRow } from '../store/database.js';
import type { SfuRoomControl, SfuRoomRef } from './services.js';

/** What a page says a stream of its publisher connection is. */
export type Source = 'microphone' | 'camera' | 'screen';
export const SOURCES: readonly Source[] = ['microphone', 'camera', 'screen'];

/** A stream the page wants in its subscription: a publisher's feed and that publisher's mid. */
export interface WantedStream {
  feed: number;
  mid: string;
  /** Simulcast layer, 0 (lowest) to 2 (highest); absent: Janus's default, the highest. */
  substream?: number;
}

/** A page's `{"type":"sfu"}` request, checked (docs/web-protocol.md, "The SFU"). */
export type SfuRequest =
  | { op: 'publish'; jsep: Jsep; sources: Record<string, Source> }
  | { op: 'trickle'; pc: 'publisher' | 'subscriber'; candidate: Record<string, unknown> | null }
  | { op: 'subscribe'; streams: WantedStream[] }
  | { op: 'start'; jsep: Jsep }
  | { op: 'restart' }
  | { op: 'record'; on: boolean }
  | { op: 'live'; on: boolean };

/** Most streams one subscription may ask for: 100 publishers with a microphone, a camera and a screen. */
export const MAX_SUBSCRIBED_STREAMS = 300;
/** A mid as browsers make them ("0", "1", …): a short token. */
const MID = /^[\w.-]{1,32}$/;
/** Longest ICE candidate line accepted. */
const MAX_CANDIDATE = 1024;
/** A Janus request that has not answered in this long has failed (janode itself never gives up). */
export const JANUS_TIMEOUT_MS = 15_000;

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null;
const isMid = (value: unknown): value is string => typeof value === 'string' && MID.test(value);

function jsepOf(value: unknown, type: Jsep['type']): Jsep | undefined {
  if (!isObject(value) || value.type !== type || typeof value.sdp !== 'string' || value.sdp === '') return undefined;
  return { type, sdp: value.sdp };
}

/**
 * Checks a page's SFU request field by field; undefined when anything does not fit (the message is then
 * dropped, like any malformed page message). Only the fields named here reach Janus.
 */
export function parseSfuRequest(message: Record<string, unknown>): SfuRequest | undefined {
  switch (message.op) {
    case 'publish': {
      const jsep = jsepOf(message.jsep, 'offer');
      if (!jsep || !isObject(message.sources)) return undefined;
      // No prototype: a mid is only ever a key of its own.
      const sources = Object.create(null) as Record<string, Source>;
      for (const [mid, source] of Object.entries(message.sources)) {
        if (!isMid(mid) || !SOURCES.includes(source as Source)) return undefined;
        sources[mid] = source as Source;
      }
      return { op: 'publish', jsep, sources };
    }
    case 'trickle': {
      const { pc, candidate } = message;
      if (pc !== 'publisher' && pc !== 'subscriber') return undefined;
      if (candidate === null) return { op: 'trickle', pc, candidate: null };
      if (!isObject(candidate) || typeof candidate.candidate !== 'string') return undefined;
      if (candidate.candidate.length > MAX_CANDIDATE) return undefined;
      const checked: Record<string, unknown> = { candidate: candidate.candidate };
      if (isMid(candidate.sdpMid)) checked.sdpMid = candidate.sdpMid;
      if (Number.isInteger(candidate.sdpMLineIndex)) checked.sdpMLineIndex = candidate.sdpMLineIndex;
      return { op: 'trickle', pc, candidate: checked };
    }
    case 'subscribe': {
      const { streams } = message;
      if (!Array.isArray(streams) || streams.length > MAX_SUBSCRIBED_STREAMS) return undefined;
      const wanted: WantedStream[] = [];
      for (const s of streams as unknown[]) {
        if (!isObject(s) || !Number.isSafeInteger(s.feed) || !isMid(s.mid)) return undefined;
        const stream: WantedStream = { feed: s.feed as number, mid: s.mid };
        if (s.substream !== undefined) {
          if (s.substream !== 0 && s.substream !== 1 && s.substream !== 2) return undefined;
          stream.substream = s.substream;
        }
        wanted.push(stream);
      }
      return { op: 'subscribe', streams: wanted };
    }
    case 'start': {
      const jsep = jsepOf(message.jsep, 'answer');
      return jsep && { op: 'start', jsep };
    }
    case 'restart':
      return { op: 'restart' };
    case 'record':
    case 'live':
      return typeof message.on === 'boolean' ? { op: message.op, on: message.on } : undefined;
    default:
      return undefined;
  }
}

/**
 * The token that lets a page's feed into its session's room: derived from the page's ticket, so every
 * server process computes the same one, and never sent to a page (the ticket itself stays a secret).
 */
export function janusToken(ticket: string): string {
  return createHash('sha256').update(`janus:${ticket}`).digest('base64url');
}

/** The mids of the audio sections of an SDP: what the host's mute moderates. */
export function audioMids(sdp: string): string[] {
  return sdp
    .split(/\r?\nm=/)
    .slice(1)
    .filter((section) => section.startsWith('audio '))
    .map((section) => /\r?\na=mid:(\S+)/.exec(section)?.[1])
    .filter((mid): mid is string => mid !== undefined);
}

/** The source a publisher's stream was declared with, or what its kind suggests when it was not. */
function sourceOf(stream: PublisherStream | undefined, kind: string): Source {
  const description = stream?.description;
  if (SOURCES.includes(description as Source)) return description as Source;
  return kind === 'audio' ? 'microphone' : 'camera';
}

const streamKey = (stream: WantedStream) => `${stream.feed}/${stream.mid}`;

/** A Janus operation overtaken by a reset or the page's departure: dropped without a word. */
class Superseded extends Error {}

/** A Janus request bounded in time. */
function bounded<T>(work: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`janus did not answer ${what} within ${JANUS_TIMEOUT_MS} ms`)),
      JANUS_TIMEOUT_MS,
    );
  });
  // A request that fails after its time is up has been answered already.
  work.catch(() => undefined);
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

/** Janus's VideoRoom error codes the signaling acts on. */
const JANUS_ID_EXISTS = 436;

export interface SfuParticipantOptions {
  rooms: SfuRoomControl;
  meeting: MeetingRow;
  session: SessionRow;
  /** The participation's id: the feed's id in the room (unique in the database, so in the room). */
  feed: number;
  /** The participant id (`cuid`): the feed's display, the `id` pages know. */
  display: string;
  /** The page's ticket, from which the Janus token is derived. */
  ticket: string;
  /** Sends `{"type":"sfu", ...message}` to the page. */
  send: (message: Record<string, unknown>) => void;
  log: FastifyBaseLogger;
}

/**
 * One page's presence in its session's VideoRoom: a publisher handle (joined as soon as the page is in the
 * meeting, so it hears of the others' streams before it publishes) and, once the page subscribes, one
 * multistream subscriber handle. The page's requests run one at a time, in order, so a subscribe never races
 * a publish; Janus's failures are answered to the page as `error` and logged, never thrown.
 */
export class SfuParticipant {
  private chain: Promise<void> = Promise.resolve();
  /** Bumped by a reset and by close: operations begun before are superseded. */
  private epoch = 0;
  private closing = false;
  private room: SfuRoomRef | undefined;
  /** Unregisters this participant's loss and reset listeners on its room's instance. */
  private unwatch: (() => void) | undefined;
  private publisher: VideoRoomHandle | undefined;
  private privateId: number | undefined;
  private subscriber: VideoRoomHandle | undefined;
  /** The room's other publishers, as Janus last described them. */
  private readonly publishers = new Map<number, Publisher>();
  /**
   * The page's last subscription request, whole: a stream it asks for before Janus lists it as published (or
   * while its publisher is away) is subscribed when it appears, since the page, seeing the same list, never
   * asks again.
   */
  private requested: WantedStream[] = [];
  /** The page's subscription as it asked for it and Janus can serve it, by `feed/mid`. */
  private wanted = new Map<string, WantedStream>();
  /** The subscription as Janus last described it. */
  private subscription: SubscriptionStream[] = [];
  /** This page's audio mids (its last offer): what a mute moderates. */
  private audio: string[] = [];
  /** The host muted this page and it has not unmuted itself since. */
  private moderated = false;
  private lastStreams = '';

  constructor(private readonly options: SfuParticipantOptions) {}

  /** Joins the room now (without media): the page then receives `streams` even before it publishes. */
  start(): void {
    this.run('join', async (epoch) => {
      await this.joined(epoch);
    });
  }

  /** Handles a checked request of the page (`record` and `live` are the hub's). */
  request(request: SfuRequest): void {
    switch (request.op) {
      case 'publish':
        return this.run('publish', (epoch) => this.publish(epoch, request.jsep, request.sources));
      case 'trickle':
        return this.run('trickle', (epoch) => this.trickle(epoch, request.pc, request.candidate));
      case 'subscribe':
        return this.run('subscribe', (epoch) => this.restartingOnFailure(this.subscribe(epoch, request.streams)));
      case 'start':
        return this.run('start', (epoch) => this.restartingOnFailure(this.startSubscription(epoch, request.jsep)));
      case 'restart':
        return this.run('restart', (epoch) => this.restartingOnFailure(this.restartSubscriberIce(epoch)));
      default:
        return;
    }
  }

  /**
   * The host's mute (`mute` true) or the page's own unmute (false): Janus stops or resumes relaying this page's
   * audio, whatever the page does. Kept, and applied again to later offers.
   */
  moderate(mute: boolean): void {
    if (mute === this.moderated) return;
    this.moderated = mute;
    if (mute) this.options.send({ op: 'muted' });
    this.run('moderate', (epoch) => this.applyModeration(epoch));
  }

  /** The page left or its socket closed: leaves the room and detaches both handles. */
  async close(): Promise<void> {
    if (this.closing) return;
    this.closing = true;
    this.epoch += 1;
    this.unwatch?.();
    const handles = [this.publisher, this.subscriber].filter((h): h is VideoRoomHandle => h !== undefined);
    this.publisher = this.subscriber = undefined;
    await Promise.all(
      handles.map(async (handle) => {
        await bounded(handle.leave(), 'leave').catch(() => undefined);
        await bounded(handle.detach(), 'detach').catch(() => undefined);
      }),
    );
  }

  /** Runs `work` after the page's earlier requests; a failure is told to the page and logged. */
  private run(op: string, work: (epoch: number) => Promise<void>): void {
    this.chain = this.chain.then(async () => {
      if (this.closing) return;
      try {
        await work(this.epoch);
      } catch (err) {
        if (err instanceof Superseded || this.closing) return;
        const code = (err as { _code?: unknown })._code;
        this.options.log.warn({ err, op, feed: this.options.feed }, 'sfu request failed');
        this.options.send({
          op: 'error',
          request: op,
          message:
            typeof code === 'number'
              ? `媒体服务器拒绝了请求 (the media server refused: ${(err as Error).message})`
              : '媒体服务器不可用 (media server unavailable)',
        });
      }
    });
  }

  /** Awaits a Janus call of an operation begun in `epoch`; throws Superseded if a reset or close came since. */
  private async call<T>(epoch: number, work: Promise<T>, what: string): Promise<T> {
    const result = await bounded(work, what);
    if (epoch !== this.epoch) throw new Superseded();
    return result;
  }

  /** The session's room, its token allowed; a reset of its instance is watched from then on. */
  private async ensureRoom(epoch: number): Promise<SfuRoomRef> {
    if (this.room) return this.room;
    const { rooms, meeting, session, ticket } = this.options;
    const room = await this.call(epoch, rooms.ensureRoom(meeting, session), 'room');
    await this.call(epoch, rooms.allow(room, janusToken(ticket)), 'allowed');
    this.room = room;
    const lost = room.instance.onLost?.(() => this.forget());
    const reset = room.instance.onReset(() => {
      this.forget();
      this.unwatch?.();
      this.unwatch = undefined;
      this.room = undefined;
      if (!this.closing) this.options.send({ op: 'reset' });
    });
    this.unwatch = () => {
      lost?.();
      reset();
    };
    return room;
  }

  private async attach(epoch: number, room: SfuRoomRef): Promise<VideoRoomHandle> {
    const handle = await bounded(room.instance.attach(), 'attach');
    if (epoch !== this.epoch) {
      handle.detach().catch(() => undefined);
      throw new Superseded();
    }
    return handle;
  }

  /** The publisher handle, joined to the room (without media until the page publishes). */
  private async joined(epoch: number): Promise<VideoRoomHandle> {
    if (this.publisher) return this.publisher;
    const room = await this.ensureRoom(epoch);
    const handle = await this.attach(epoch, room);
    this.publisher = handle;
    this.listenAsPublisher(handle);
    const { feed, display, ticket, rooms } = this.options;
    const join = () => handle.joinPublisher({ room: room.roomId, feed, display, token: janusToken(ticket) });
    const answer = await this.call(epoch, join(), 'join').catch(async (err: unknown) => {
      // The same feed still in the room: this page's previous connection (a reload, or another process's).
      if ((err as { _code?: unknown })._code !== JANUS_ID_EXISTS) throw err;
      await this.call(epoch, rooms.kick(room, feed), 'kick');
      return this.call(epoch, join(), 'join');
    });
    this.privateId = answer.private_id;
    for (const publisher of answer.publishers) this.publishers.set(publisher.feed, publisher);
    this.streamsChanged();
    // Janus tells of talking when it starts or stops: who is talking as this page arrives is in the list.
    for (const publisher of answer.publishers)
      if (publisher.talking === true && publisher.display !== undefined)
        this.options.send({ op: 'talking', id: publisher.display, talking: true });
    return handle;
  }

  private listenAsPublisher(handle: VideoRoomHandle): void {
    const E = VideoRoomPlugin.EVENT;
    const mine = () => handle === this.publisher;
    handle.on(E.VIDEOROOM_PUB_LIST, (data: { publishers?: Publisher[] }) => {
      if (!mine()) return;
      for (const publisher of data.publishers ?? []) {
        if (publisher.feed !== this.options.feed) this.publishers.set(publisher.feed, publisher);
      }
      this.streamsChanged();
      const appeared = this.requested.some((s) => !this.wanted.has(streamKey(s)) && this.published(s));
      if (appeared) this.request({ op: 'subscribe', streams: this.requested });
    });
    const gone = (data: { feed?: number }) => {
      if (!mine() || data.feed === undefined || data.feed === this.options.feed) return;
      this.publishers.delete(data.feed);
      for (const [key, stream] of this.wanted) if (stream.feed === data.feed) this.wanted.delete(key);
      this.streamsChanged();
    };
    handle.on(E.VIDEOROOM_UNPUBLISHED, gone);
    handle.on(E.VIDEOROOM_LEAVING, gone);
    handle.on(E.VIDEOROOM_KICKED, gone);
    handle.on(E.VIDEOROOM_TALKING, (data: { feed?: number; talking?: boolean }) => {
      if (!mine() || data.feed === undefined) return;
      const id = data.feed === this.options.feed ? this.options.display : this.publishers.get(data.feed)?.display;
      if (id !== undefined) this.options.send({ op: 'talking', id, talking: data.talking === true });
    });
  }

  /** Sends the others' streams when they differ from what the page was last sent. */
  private streamsChanged(): void {
    const streams = [...this.publishers.values()].flatMap((publisher) =>
      (publisher.streams ?? [])
        .filter((s) => !s.disabled && (s.type === 'audio' || s.type === 'video'))
        .map((s) => ({
          feed: publisher.feed,
          id: publisher.display ?? '',
          mid: s.mid,
          kind: s.type,
          source: sourceOf(s, s.type),
          simulcast: s.simulcast === true,
        })),
    );
    const text = JSON.stringify(streams);
    if (text === this.lastStreams) return;
    this.lastStreams = text;
    this.options.send({ op: 'streams', streams });
  }

  private async publish(epoch: number, jsep: Jsep, sources: Record<string, Source>): Promise<void> {
    const handle = await this.joined(epoch);
    const descriptions = Object.entries(sources).map(([mid, description]) => ({ mid, description }));
    // `configure` with an offer publishes the first time and renegotiates after (a screen added or removed).
    const configured = await this.call(epoch, handle.configure({ jsep, descriptions }), 'publish');
    if (!configured.jsep) throw new Error('janus answered the offer without an SDP');
    this.audio = audioMids(jsep.sdp);
    this.options.send({ op: 'answer', jsep: configured.jsep });
    if (this.moderated) await this.applyModeration(epoch);
  }

  private async applyModeration(epoch: number): Promise<void> {
    if (!this.room || !this.publisher) return;
    for (const mid of this.audio)
      await this.call(
        epoch,
        this.options.rooms.moderate(this.room, this.options.feed, mid, this.moderated),
        'moderate',
      );
  }

  private async trickle(
    epoch: number,
    pc: 'publisher' | 'subscriber',
    candidate: Record<string, unknown> | null,
  ): Promise<void> {
    const handle = pc === 'publisher' ? this.publisher : this.subscriber;
    if (!handle) return;
    await this.call(epoch, candidate ? handle.trickle(candidate) : handle.trickleComplete(), 'trickle');
  }

  /** Whether Janus lists `stream` as published in the room now. */
  private published(stream: WantedStream): boolean {
    return this.publishers.get(stream.feed)?.streams?.some((s) => s.mid === stream.mid && !s.disabled) === true;
  }

  private async subscribe(epoch: number, requested: WantedStream[]): Promise<void> {
    await this.joined(epoch);
    this.requested = requested;
    const room = this.room!;
    const wanted = new Map<string, WantedStream>();
    for (const stream of requested) if (this.published(stream)) wanted.set(streamKey(stream), stream);
    const before = this.wanted;
    const request = ({ feed, mid }: WantedStream) => ({ feed, mid });
    // A new stream is asked for at its layer at once: Janus may answer an update without a description (still
    // waiting for the page's answer), and the subscription's mids, which a later layer change needs, come later.
    const withLayer = (s: WantedStream) => ({
      ...request(s),
      ...(s.substream !== undefined ? { substream: s.substream } : {}),
    });
    if (!this.subscriber) {
      if (wanted.size === 0) return;
      const handle = await this.attach(epoch, room);
      this.subscriber = handle;
      this.listenAsSubscriber(handle);
      const joined = await this.call(
        epoch,
        handle.joinSubscriber({
          room: room.roomId,
          streams: [...wanted.values()].map(withLayer),
          ...(this.privateId !== undefined ? { private_id: this.privateId } : {}),
          token: janusToken(this.options.ticket),
        }),
        'subscribe',
      );
      this.wanted = wanted;
      this.subscription = joined.streams ?? [];
      if (joined.jsep) this.sendOffer(joined.jsep);
      return;
    }
    const handle = this.subscriber;
    const subscribe = [...wanted.entries()].filter(([key]) => !before.has(key)).map(([, s]) => withLayer(s));
    const unsubscribe = [...before.entries()].filter(([key]) => !wanted.has(key)).map(([, s]) => request(s));
    this.wanted = wanted;
    if (subscribe.length > 0 || unsubscribe.length > 0) {
      const updated = await this.call(
        epoch,
        handle.update({
          ...(subscribe.length > 0 ? { subscribe } : {}),
          ...(unsubscribe.length > 0 ? { unsubscribe } : {}),
        }),
        'subscribe',
      );
      // Without an SDP Janus is still waiting for the answer to its last offer; the new one follows as an event.
      if (updated.jsep) {
        this.subscription = updated.streams ?? this.subscription;
        this.sendOffer(updated.jsep);
      }
    }
    await this.applySubstreams(epoch, handle, wanted, before);
  }

  /** Asks Janus for the simulcast layers that changed on streams already subscribed (no renegotiation). */
  private async applySubstreams(
    epoch: number,
    handle: VideoRoomHandle,
    wanted: Map<string, WantedStream>,
    before: Map<string, WantedStream>,
  ): Promise<void> {
    const streams: Record<string, unknown>[] = [];
    for (const [key, stream] of wanted) {
      const was = before.get(key);
      if (stream.substream === undefined || !was || was.substream === stream.substream) continue;
      const mid = this.subscription.find((s) => s.feed_id === stream.feed && s.feed_mid === stream.mid)?.mid;
      if (mid !== undefined) streams.push({ mid, substream: stream.substream });
    }
    if (streams.length > 0) await this.call(epoch, handle.configure({ streams }), 'substream');
  }

  /**
   * A subscription request that failed (Janus refused it, or did not answer in time and may yet act on it)
   * leaves the subscription in a state neither side knows: Janus may hold an offer the page never saw, and
   * would then answer every later update without one. So the subscriber handle is dropped, and the page, told
   * `error`, drops its connection too and subscribes again from nothing.
   */
  private async restartingOnFailure(work: Promise<void>): Promise<void> {
    try {
      await work;
    } catch (err) {
      if (!(err instanceof Superseded)) this.dropSubscriber();
      throw err;
    }
  }

  private dropSubscriber(): void {
    const handle = this.subscriber;
    this.subscriber = undefined;
    this.requested = [];
    this.wanted = new Map();
    this.subscription = [];
    // Detaching hangs up the handle's PeerConnection in Janus; nothing waits for it.
    if (handle) bounded(handle.detach(), 'detach').catch(() => undefined);
  }

  private listenAsSubscriber(handle: VideoRoomHandle): void {
    // Janus renegotiates by itself when a subscribed publisher leaves, and sends an offer it held back while
    // waiting for the page's answer to the previous one.
    handle.on(VideoRoomPlugin.EVENT.VIDEOROOM_UPDATED, (data: { streams?: SubscriptionStream[]; jsep?: Jsep }) => {
      if (handle !== this.subscriber) return;
      if (data.streams) this.subscription = data.streams;
      if (data.jsep) this.sendOffer(data.jsep);
    });
  }

  private sendOffer(jsep: Jsep): void {
    const streams = this.subscription
      .filter((s) => s.active !== false && s.feed_id !== undefined && (s.type === 'audio' || s.type === 'video'))
      .map((s) => {
        const publisher = this.publishers.get(s.feed_id!);
        return {
          mid: s.mid,
          feed: s.feed_id,
          feedMid: s.feed_mid,
          id: s.feed_display ?? publisher?.display ?? '',
          kind: s.type,
          source: sourceOf(
            publisher?.streams?.find((p) => p.mid === s.feed_mid),
            s.type,
          ),
        };
      });
    this.options.send({ op: 'offer', jsep, streams });
  }

  private async startSubscription(epoch: number, jsep: Jsep): Promise<void> {
    if (!this.subscriber) return;
    await this.call(epoch, this.subscriber.start({ jsep }), 'start');
  }

  /**
   * The page's subscriber connection lost its path (a network change): Janus offers the same streams again with
   * new ICE credentials, and the page answers with `start`.
   */
  private async restartSubscriberIce(epoch: number): Promise<void> {
    if (!this.subscriber) return;
    const configured = await this.call(epoch, this.subscriber.configure({ restart: true }), 'restart');
    // Without an SDP Janus is still waiting for the answer to its last offer; the new one follows as an event.
    if (configured.jsep) this.sendOffer(configured.jsep);
  }

  /**
   * The instance lost its session (Janus restarted, or the connection broke): every handle is gone, and after
   * a restart the room too. Operations under way are superseded. When the instance has a session again
   * (`onReset`, before any request waiting for it goes on) the page is told `reset`: it publishes again, which
   * joins afresh (the room made again if need be).
   */
  private forget(): void {
    if (this.closing) return;
    this.epoch += 1;
    // Handles of the lost session are detached already; this only stops janode's bookkeeping of them.
    for (const handle of [this.publisher, this.subscriber]) handle?.detach().catch(() => undefined);
    this.publisher = this.subscriber = undefined;
    this.privateId = undefined;
    this.publishers.clear();
    this.requested = [];
    this.wanted = new Map();
    this.subscription = [];
    this.lastStreams = '';
  }
}
