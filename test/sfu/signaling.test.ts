import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import websocket from '@fastify/websocket';
import Fastify, { type FastifyInstance } from 'fastify';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PageHub } from '../../src/api/page-hub.js';
import { janusToken } from '../../src/sfu/participant.js';
import { JanusInstance } from '../../src/sfu/janus-client.js';
import { createSfu, type Sfu, SfuRooms } from '../../src/sfu/rooms.js';
import { haveChromium, launchChromium } from '../browser/browser.js';
import { gmt, listeningTestApp } from '../helper.js';
import { connectJanus, FAKE_MEDIA_ARGS, haveJanus, JANUS_BIN } from './harness.js';

// The page ↔ server SFU protocol (docs/web-protocol.md, "The SFU") end to end: the server's page hub with a
// managed Janus, and three chromium pages speaking the protocol with plain RTCPeerConnection code (the
// room page's own client is tested in test/browser/sfu-meeting.test.ts). Two hubs stand for two server
// processes on one database and bus, each with its own connection to the one Janus: the host's page is on
// the first, the attendees' on the second, so the host's mute, removal and end cross processes.

const server = listeningTestApp({ realClock: true });
let sfu: Sfu;
let second: { instance: JanusInstance; rooms: SfuRooms } | undefined;
const hubServers: FastifyInstance[] = [];
let hubs: { first: string; second: string };
let dir: string;

/**
 * The page hub as the app builds it, with the SFU on (the app wires the same `sfu` dependency when
 * `config.sfu` is set), on a server of its own that also serves the empty page the test's pages load.
 */
async function startHub(rooms: SfuRooms): Promise<string> {
  const hubServer = Fastify({ logger: { level: 'warn' } });
  hubServers.push(hubServer);
  await hubServer.register(websocket);
  const hub = new PageHub({
    db: server.t.store.db,
    bus: server.t.bus,
    clock: () => server.t.clock.now,
    log: hubServer.log,
    iceServers: [],
    sfu: { rooms, sessionEnded: (sessionId) => rooms.destroy(sessionId) },
  });
  hubServer.addHook('preClose', async () => hub.close());
  hubServer.get('/', async (_request, reply) => reply.type('text/html').send('<!doctype html><title>SFU page</title>'));
  hubServer.get<{ Querystring: { ticket?: string } }>('/web/v1/ws', { websocket: true }, (socket, request) => {
    void hub.connect(socket, String(request.query.ticket ?? ''), {
      ip: request.ip,
      userAgent: request.headers['user-agent'],
    });
  });
  return hubServer.listen({ port: 0, host: '127.0.0.1' });
}

beforeAll(async () => {
  if (!haveJanus || !haveChromium) return;
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'huiguan-sfu-signaling-'));
  const db = server.t.store.db;
  sfu = await createSfu(
    {
      dataDir: dir,
      turn: undefined,
      sfu: {
        mode: 'managed',
        urls: [],
        apiSecret: undefined,
        adminKey: undefined,
        janusBin: JANUS_BIN,
        ppRecBin: 'janus-pp-rec',
        ffmpegBin: 'ffmpeg',
        recordingsDir: path.join(dir, 'recordings'),
        rtpPorts: '20000-40000',
      },
    },
    db,
  );
  // The second process reaches the same Janus as an external instance of the same name, as processes sharing
  // external instances do.
  const managed = sfu.managed!;
  const instance = JanusInstance.connect({ key: 'managed', url: () => managed.url, apiSecret: managed.apiSecret });
  await instance.ready();
  second = {
    instance,
    rooms: new SfuRooms({
      db,
      instances: [instance],
      adminKey: managed.adminKey,
      recordingsDir: path.join(dir, 'recordings'),
    }),
  };
  hubs = { first: await startHub(sfu.rooms), second: await startHub(second.rooms) };
});

afterAll(async () => {
  for (const hubServer of hubServers) await hubServer.close();
  second?.rooms.close();
  await second?.instance.close();
  await sfu?.close();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

/**
 * A page's side of the protocol, in plain JavaScript (the project's TypeScript has no DOM types): it publishes
 * a 440 Hz tone (so Janus hears someone talking all the time) and the fake camera, subscribes to every stream
 * the server lists, and keeps what it was told. It ignores the host's mute on purpose.
 */
const PAGE_CLIENT = String.raw`
(() => {
  const t = { state: null, config: null, roster: null, streams: [], offers: 0, answers: 0, talking: [],
    errors: [], resets: 0, muted: 0, mutes: 0, closed: false, subMap: {} };
  globalThis.sfuTest = t;
  let ws, pub, sub;
  let chain = Promise.resolve();
  const send = (m) => ws.readyState === 1 && ws.send(JSON.stringify(m));
  const sfu = (m) => send({ type: 'sfu', ...m });
  const candidate = (pc) => (e) => sfu({ op: 'trickle', pc, candidate: e.candidate ? e.candidate.toJSON() : null });
  async function onSfu(m) {
    if (m.op === 'streams') {
      t.streams = m.streams;
      sfu({ op: 'subscribe', streams: m.streams.map((s) => ({ feed: s.feed, mid: s.mid })) });
    } else if (m.op === 'offer') {
      if (!sub) {
        sub = new RTCPeerConnection();
        sub.onicecandidate = candidate('subscriber');
        sub.ontrack = (e) => {
          const el = document.createElement(e.track.kind);
          el.muted = true;
          el.autoplay = true;
          el.srcObject = new MediaStream([e.track]);
          document.body.append(el);
        };
      }
      await sub.setRemoteDescription(m.jsep);
      const answer = await sub.createAnswer();
      await sub.setLocalDescription(answer);
      t.subMap = Object.fromEntries(m.streams.map((s) => [s.mid, s]));
      t.offers += 1;
      sfu({ op: 'start', jsep: { type: answer.type, sdp: answer.sdp } });
    } else if (m.op === 'answer') {
      await pub.setRemoteDescription(m.jsep);
      t.answers += 1;
    } else if (m.op === 'talking') t.talking.push({ id: m.id, talking: m.talking });
    else if (m.op === 'error') t.errors.push(m);
    else if (m.op === 'reset') {
      // Janus was lost: both connections are dead; publish again (the server joins afresh).
      t.resets += 1;
      sub?.close();
      sub = undefined;
      pub?.close();
      await t.publish();
    }
    else if (m.op === 'muted') t.muted += 1;
  }
  t.connect = (url) =>
    new Promise((resolve) => {
      ws = new WebSocket(url);
      ws.onmessage = (e) => {
        const m = JSON.parse(e.data);
        if (m.type === 'state') t.state = m.state;
        if (m.type === 'roster') t.roster = m;
        if (m.type === 'mute') t.mutes += 1;
        if (m.type === 'media-config') {
          t.config = m;
          resolve();
        }
        if (m.type === 'sfu') chain = chain.then(() => onSfu(m)).catch((err) => t.errors.push({ op: 'page', message: String(err) }));
      };
      ws.onclose = () => {
        t.closed = true;
        resolve();
      };
      setInterval(() => send({ type: 'ping' }), 10000);
    });
  t.send = send;
  t.publish = async () => {
    const camera = await navigator.mediaDevices.getUserMedia({ video: { width: 320, height: 180, frameRate: 15 } });
    const context = new AudioContext();
    await context.resume();
    const tone = context.createOscillator();
    tone.frequency.value = 440;
    const gain = context.createGain();
    gain.gain.value = 0.5;
    const destination = context.createMediaStreamDestination();
    tone.connect(gain).connect(destination);
    tone.start();
    pub = new RTCPeerConnection();
    pub.onicecandidate = candidate('publisher');
    const audio = pub.addTransceiver(destination.stream.getAudioTracks()[0], { direction: 'sendonly' });
    const video = pub.addTransceiver(camera.getVideoTracks()[0], { direction: 'sendonly' });
    await pub.setLocalDescription(await pub.createOffer());
    sfu({ op: 'publish', jsep: { type: 'offer', sdp: pub.localDescription.sdp },
      sources: { [audio.mid]: 'microphone', [video.mid]: 'camera' } });
  };
  t.inbound = async () => {
    const out = {};
    if (!sub) return out;
    const trackMid = Object.fromEntries(sub.getTransceivers().map((x) => [x.receiver.track.id, x.mid]));
    (await sub.getStats()).forEach((s) => {
      if (s.type !== 'inbound-rtp') return;
      const info = t.subMap[s.mid ?? trackMid[s.trackIdentifier]];
      if (!info) return;
      out[info.id + '/' + info.kind] = { packets: s.packetsReceived ?? 0, bytes: s.bytesReceived ?? 0,
        frames: s.framesDecoded ?? 0, level: s.audioLevel ?? 0 };
    });
    return out;
  };
})();
`;

interface Inbound {
  packets: number;
  bytes: number;
  frames: number;
  level: number;
}
interface PageView {
  state: string | null;
  config: { sfu?: { simulcast: boolean } } | null;
  roster: { you: { id: string } } | null;
  streams: { feed: number; id: string; mid: string; kind: string; source: string; simulcast: boolean }[];
  offers: number;
  answers: number;
  talking: { id: string; talking: boolean }[];
  errors: { op: string; request?: string; message: string }[];
  resets: number;
  muted: number;
  mutes: number;
  closed: boolean;
  subMap: Record<string, { mid: string; feed: number; feedMid: string; id: string; kind: string; source: string }>;
}
type InPage = {
  sfuTest: PageView & {
    connect(url: string): Promise<void>;
    publish(): Promise<void>;
    send(message: object): void;
    inbound(): Promise<Record<string, Inbound>>;
  };
};
const view = (page: Page) =>
  page.evaluate(() => {
    const { connect: _c, publish: _p, send: _s, inbound: _i, ...rest } = (globalThis as unknown as InPage).sfuTest;
    return JSON.parse(JSON.stringify(rest)) as PageView;
  });
const inbound = (page: Page) => page.evaluate(() => (globalThis as unknown as InPage).sfuTest.inbound());
const sendFrom = (page: Page, message: object) =>
  page.evaluate((m) => (globalThis as unknown as InPage).sfuTest.send(m), message);
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** How much `key` of `page`'s subscription advanced over `ms`. */
async function advance(page: Page, key: string, ms = 1500): Promise<Inbound> {
  const before = (await inbound(page))[key] ?? { packets: 0, bytes: 0, frames: 0, level: 0 };
  await pause(ms);
  const after = (await inbound(page))[key] ?? { packets: 0, bytes: 0, frames: 0, level: 0 };
  return {
    packets: after.packets - before.packets,
    bytes: after.bytes - before.bytes,
    frames: after.frames - before.frames,
    level: after.level,
  };
}

/**
 * Waits until `key` of `page`'s subscription advances (`field` grows by more than `least` within a window):
 * media is checked as flowing, never against a rate, so a loaded machine is only slower.
 */
async function flowing(page: Page, key: string, field: 'frames' | 'packets' | 'bytes', least: number, message: string) {
  await expect
    .poll(async () => (await advance(page, key, 1000))[field], { timeout: 30_000, message })
    .toBeGreaterThan(least);
}

async function reserve() {
  const site = await server.t.site();
  await server.t.call('createOrUpdateUser', site, { userId: 'sfuhost', userName: 'Hostess', enableCloudRecord: 1 });
  const reserved = await server.t.call('confReservation', site, {
    userId: 'sfuhost',
    userName: 'Hostess',
    confName: 'SFU signaling',
    startTime: gmt(Math.floor(Date.now() / 1000) * 1000 - 60_000),
    duration: 60,
    confParties: 10,
    optionVideoHost: 1,
    optionVideoParticipants: 1,
    optionJbh: 1,
  });
  expect(reserved.body.status, reserved.body.message).toBe(100);
  return reserved.body.data as { confNumber: string; hostStartUrl: string; joinUrl: string };
}

/** Enters through a link (as the start and join pages do) and answers the ticket. */
async function enter(link: string, name: string): Promise<string> {
  const { pathname } = new URL(link);
  const [, kind, confNumber, secret] = pathname.split('/');
  const response = await fetch(`${server.base}/web/v1/links/${kind}/${confNumber}/${secret}/enter`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ name }),
  });
  const body = (await response.json()) as { ticket: string; state: string };
  expect(body.state).toBe('admitted');
  return body.ticket;
}

describe.skipIf(!haveJanus || !haveChromium)('SFU signaling through the page WebSocket', () => {
  let browser: Browser;

  async function open(ticket: string, base: string): Promise<Page> {
    const context = await browser.newContext();
    await context.addInitScript(PAGE_CLIENT);
    const page = await context.newPage();
    await page.goto(base);
    await page.evaluate(
      (url) => (globalThis as unknown as InPage).sfuTest.connect(url),
      `${base.replace('http', 'ws')}/web/v1/ws?ticket=${ticket}`,
    );
    return page;
  }

  it('three pages publish and receive one another through Janus; talk events, the host’s mute, a Janus restart, a reload, removal and the end act on the room', async () => {
    browser = await launchChromium([...FAKE_MEDIA_ARGS, '--autoplay-policy=no-user-gesture-required']);
    try {
      const m = await reserve();
      const tickets = {
        host: await enter(m.hostStartUrl, 'Hostess'),
        ann: await enter(m.joinUrl, 'Ann'),
        bob: await enter(m.joinUrl, 'Bob'),
      };
      const pages = {
        host: await open(tickets.host, hubs.first),
        ann: await open(tickets.ann, hubs.second),
        bob: await open(tickets.bob, hubs.second),
      };
      type Who = keyof typeof pages;
      const everyone = Object.keys(pages) as Who[];
      const ids = {} as Record<Who, string>;
      for (const who of everyone) {
        const seen = await view(pages[who]);
        expect(seen.state).toBe('in_meeting');
        expect(seen.config?.sfu).toEqual({ simulcast: true });
        await expect.poll(async () => (await view(pages[who])).roster?.you.id, { timeout: 10_000 }).toBeTruthy();
        ids[who] = (await view(pages[who])).roster!.you.id;
      }
      const others = (me: Who) => everyone.filter((w) => w !== me);

      for (const who of everyone) await pages[who].evaluate(() => (globalThis as unknown as InPage).sfuTest.publish());

      // Each page is answered, and is told of the others' microphone and camera (not its own), by participant id.
      for (const me of everyone) {
        await expect.poll(async () => (await view(pages[me])).answers, { timeout: 20_000 }).toBe(1);
        await expect
          .poll(
            async () =>
              (await view(pages[me])).streams
                .map((s) => `${s.id}/${s.kind}/${s.source}`)
                .sort()
                .join(' '),
            { timeout: 20_000 },
          )
          .toBe(
            others(me)
              .flatMap((o) => [`${ids[o]}/audio/microphone`, `${ids[o]}/video/camera`])
              .sort()
              .join(' '),
          );
      }

      // Everyone receives everyone else's audio and video, packets and frames advancing.
      for (const me of everyone) {
        for (const other of others(me)) {
          await expect
            .poll(async () => (await inbound(pages[me]))[`${ids[other]}/video`]?.frames ?? 0, {
              timeout: 30_000,
              message: `${me} decodes ${other}'s camera`,
            })
            .toBeGreaterThan(0);
          await flowing(pages[me], `${ids[other]}/video`, 'frames', 0, `${me} sees ${other}`);
          await flowing(pages[me], `${ids[other]}/audio`, 'packets', 10, `${me} hears ${other}`);
        }
      }
      for (const me of everyone) expect((await view(pages[me])).errors).toEqual([]);

      // The host narrows its subscription to Ann: Janus renegotiates, and the new offer carries Ann's streams only.
      const subscribed = (who: Who) =>
        view(pages[who]).then((v) =>
          Object.values(v.subMap)
            .map((x) => `${x.id}/${x.kind}/${x.source}`)
            .sort(),
        );
      const offers = (await view(pages.host)).offers;
      const listed = (await view(pages.host)).streams;
      const only = (id: string, substream?: number) =>
        listed
          .filter((x) => x.id === id)
          .map((x) => ({
            feed: x.feed,
            mid: x.mid,
            ...(substream !== undefined && x.kind === 'video' ? { substream } : {}),
          }));
      await sendFrom(pages.host, { type: 'sfu', op: 'subscribe', streams: only(ids.ann) });
      await expect.poll(async () => (await view(pages.host)).offers, { timeout: 10_000 }).toBe(offers + 1);
      expect(await subscribed('host')).toEqual([`${ids.ann}/audio/microphone`, `${ids.ann}/video/camera`]);
      await flowing(pages.host, `${ids.ann}/video`, 'frames', 0, 'the host still sees Ann');
      // Everyone again, at the lowest layer: Bob comes back in a new offer. A change of layer alone needs none.
      await sendFrom(pages.host, { type: 'sfu', op: 'subscribe', streams: [...only(ids.ann, 0), ...only(ids.bob, 0)] });
      await expect.poll(async () => (await view(pages.host)).offers, { timeout: 10_000 }).toBe(offers + 2);
      expect(await subscribed('host')).toHaveLength(4);
      await sendFrom(pages.host, { type: 'sfu', op: 'subscribe', streams: [...only(ids.ann, 2), ...only(ids.bob, 1)] });
      await pause(2000);
      expect((await view(pages.host)).offers).toBe(offers + 2);
      for (const other of others('host'))
        await expect
          .poll(async () => (await advance(pages.host, `${ids[other]}/video`, 1000)).frames, { timeout: 30_000 })
          .toBeGreaterThan(0);

      // Janus's talk events reach the pages, for the others (the tone never stops) and for the page itself.
      for (const me of everyone) {
        await expect
          .poll(async () => new Set((await view(pages[me])).talking.filter((t) => t.talking).map((t) => t.id)).size, {
            timeout: 20_000,
            message: `${me} hears of talking`,
          })
          .toBe(3);
      }

      // Recording and live streaming are the host's: an attendee's request is ignored; this hub has neither
      // service (the app wires them), and the host is told so.
      await sendFrom(pages.ann, { type: 'sfu', op: 'record', on: true });
      await sendFrom(pages.host, { type: 'sfu', op: 'record', on: true });
      await sendFrom(pages.host, { type: 'sfu', op: 'live', on: true });
      await expect
        .poll(async () => (await view(pages.host)).errors.map((e) => e.request), { timeout: 10_000 })
        .toEqual(['record', 'live']);
      expect((await view(pages.ann)).errors).toEqual([]);

      // The host mutes Ann. Ann's page ignores it and keeps sending, yet nobody receives her audio any more;
      // Bob's still flows.
      await sendFrom(pages.host, { type: 'mute', id: ids.ann });
      await expect.poll(async () => (await view(pages.ann)).muted, { timeout: 10_000 }).toBe(1);
      expect((await view(pages.ann)).mutes).toBe(1);
      for (const me of others('ann')) {
        await expect
          .poll(async () => (await advance(pages[me], `${ids.ann}/audio`, 1000)).packets, {
            timeout: 10_000,
            message: `${me} no longer receives Ann`,
          })
          .toBe(0);
        expect((await advance(pages[me], `${ids.ann}/audio`, 2000)).packets).toBe(0);
        await flowing(pages[me], `${ids.ann}/video`, 'frames', 0, 'her camera still flows');
      }
      await flowing(pages.host, `${ids.bob}/audio`, 'packets', 10, 'Bob is still heard');

      // Ann unmutes herself (the page announces its microphone on): her audio flows again.
      await sendFrom(pages.ann, { type: 'media', audio: true, video: true, screen: false });
      for (const me of others('ann')) {
        await expect
          .poll(async () => (await advance(pages[me], `${ids.ann}/audio`, 1000)).packets, { timeout: 30_000 })
          .toBeGreaterThan(10);
      }

      // Janus dies: the server starts it again, every page is told to publish again, and media flows again.
      process.kill(sfu.managed!.pid!, 'SIGKILL');
      for (const me of everyone) {
        await expect.poll(async () => (await view(pages[me])).resets, { timeout: 30_000 }).toBe(1);
        await expect.poll(async () => (await view(pages[me])).answers, { timeout: 20_000 }).toBe(2);
      }
      for (const me of everyone) {
        for (const other of others(me)) {
          await expect
            .poll(async () => (await advance(pages[me], `${ids[other]}/video`, 1000)).frames, {
              timeout: 30_000,
              message: `${me} sees ${other} again`,
            })
            .toBeGreaterThan(0);
          await flowing(pages[me], `${ids[other]}/audio`, 'packets', 10, `${me} hears ${other} again`);
        }
      }

      // Ann opens the meeting again in a new page (a reload): the old page is replaced, the new one publishes
      // under the same feed, and the others receive her again.
      const reloaded = await open(tickets.ann, hubs.second);
      await expect.poll(async () => (await view(pages.ann)).closed, { timeout: 10_000 }).toBe(true);
      await pages.ann.context().close();
      pages.ann = reloaded;
      await reloaded.evaluate(() => (globalThis as unknown as InPage).sfuTest.publish());
      await expect.poll(async () => (await view(reloaded)).answers, { timeout: 20_000 }).toBe(1);
      for (const me of others('ann')) {
        await expect
          .poll(async () => (await advance(pages[me], `${ids.ann}/video`, 1000)).frames, {
            timeout: 30_000,
            message: `${me} sees Ann's new page`,
          })
          .toBeGreaterThan(0);
        await flowing(pages[me], `${ids.ann}/audio`, 'packets', 10, `${me} hears Ann's new page`);
      }
      await expect.poll(async () => (await view(reloaded)).streams.length, { timeout: 15_000 }).toBe(4);
      await expect
        .poll(async () => (await advance(reloaded, `${ids.bob}/video`, 1000)).frames, { timeout: 30_000 })
        .toBeGreaterThan(0);

      // The host removes Bob: his page is told, his streams leave the others' lists, and his token no longer
      // lets anyone into the room (while Ann's still does).
      await sendFrom(pages.host, { type: 'remove', id: ids.bob });
      await expect.poll(async () => (await view(pages.bob)).state, { timeout: 10_000 }).toBe('removed');
      for (const me of others('bob'))
        await expect
          .poll(async () => (await view(pages[me])).streams.map((s) => s.id), { timeout: 15_000 })
          .not.toContain(ids.bob);
      const [room] = await server.t.store.db.selectFrom('sfu_rooms').selectAll().execute();
      expect(room).toBeDefined();
      const janus = await connectJanus({ url: sfu.managed!.url, apiSecret: sfu.managed!.apiSecret });
      try {
        const handle = await janus.attach();
        const refused = await handle
          .joinPublisher({ room: room!.room_id, feed: 900_001, display: 'again', token: janusToken(tickets.bob) })
          .then(
            () => undefined,
            (err: { _code?: number }) => err._code,
          );
        expect(refused, 'Janus refuses the removed participant’s token (433 unauthorized)').toBe(433);
        const present = await janus.attach();
        const listed = await present.listParticipants({ room: room!.room_id, secret: room!.secret });
        expect(listed.participants.map((p) => p.display).sort()).toEqual([ids.host, ids.ann].sort());
        const allowed = await janus.attach();
        await allowed.joinPublisher({
          room: room!.room_id,
          feed: 900_002,
          display: 'check',
          token: janusToken(tickets.ann),
        });
        await allowed.leave();

        // The host ends the meeting: every page is told, and the room is gone from Janus.
        await sendFrom(pages.host, { type: 'end' });
        for (const me of others('bob'))
          await expect.poll(async () => (await view(pages[me])).state, { timeout: 10_000 }).toBe('ended');
        await expect
          .poll(async () => (await present.exists({ room: room!.room_id })).exists, { timeout: 10_000 })
          .toBe(false);
        const after = await server.t.store.db
          .selectFrom('sfu_rooms')
          .select('destroyed_at')
          .where('session_id', '=', room!.session_id)
          .executeTakeFirst();
        expect(after?.destroyed_at).not.toBeNull();
      } finally {
        await janus.close();
      }
      expect((await view(pages.host)).errors).toHaveLength(2);
      for (const me of others('host')) expect((await view(pages[me])).errors).toEqual([]);
    } finally {
      await browser.close();
    }
  }, 360_000);
});
