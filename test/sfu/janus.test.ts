import { spawn, type ChildProcess } from 'node:child_process';
import dgram from 'node:dgram';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Janode from 'janode';
import type { VideoRoomHandle } from 'janode/plugins/videoroom';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSite } from '../../src/domain/sites.js';
import { startSession } from '../../src/domain/lifecycle.js';
import { reserveMeeting } from '../../src/domain/meetings.js';
import { loadConfig } from '../../src/config.js';
import { JanusInstance } from '../../src/sfu/janus-client.js';
import { createSfu, janusCode, SfuRooms, type RoomRef } from '../../src/sfu/rooms.js';
import type { Store } from '../../src/store/connect.js';
import type { MeetingRow, SessionRow } from '../../src/store/database.js';
import { migrateToLatest } from '../../src/store/migrate.js';
import { closeSession } from '../../src/store/presence.repository.js';
import { findSfuRoom } from '../../src/store/sfu-rooms.repository.js';
import { haveChromium, launchChromium } from '../browser/browser.js';
import { createTestDatabase, type TestDatabase } from '../helper.js';
import {
  connectJanus,
  FAKE_MEDIA_ARGS,
  haveJanus,
  publishFromPage,
  startManagedJanus,
  type TestJanus,
} from './harness.js';

// The SFU's infrastructure against a real Janus (Debian's 1.1.2) the server manages: the generated
// configuration, rooms placed through the database, a Janus killed and restarted, rooms destroyed.

let dir: string;
let janus: TestJanus;
let database: TestDatabase;
/** Two stores on one database and two SfuRooms: two server processes. */
let stores: Store[] = [];
const instances: JanusInstance[] = [];
const rooms: SfuRooms[] = [];
let recordingsDir: string;
let siteCounter = 0;
/** What the managed Janus logged (its own output included). */
const logged: string[] = [];
const NOW = Date.now();

beforeAll(async () => {
  if (!haveJanus) return;
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'huiguan-sfu-'));
  recordingsDir = path.join(dir, 'recordings');
  janus = await startManagedJanus(path.join(dir, 'janus'), {
    debug: (obj) => logged.push(JSON.stringify(obj)),
    info: (obj, msg) => logged.push(`${msg} ${JSON.stringify(obj)}`),
    warn: (obj, msg) => logged.push(`${msg} ${JSON.stringify(obj)}`),
    error: (obj, msg) => logged.push(`${msg} ${JSON.stringify(obj)}`),
  });
  database = await createTestDatabase();
  stores = [await database.open(), await database.open()];
  await migrateToLatest(stores[0]!);
  for (const store of stores) {
    const instance = JanusInstance.connect({ key: 'managed', url: () => janus.url, apiSecret: janus.apiSecret });
    instances.push(instance);
    rooms.push(new SfuRooms({ db: store.db, instances: [instance], adminKey: janus.adminKey, recordingsDir }));
  }
  await Promise.all(instances.map((i) => i.ready()));
});

afterAll(async () => {
  if (!haveJanus) return;
  for (const r of rooms) r.close();
  await Promise.all(instances.map((i) => i.close()));
  await janus?.stop();
  await Promise.all(stores.map((s) => s.db.destroy()));
  await database?.drop();
  fs.rmSync(dir, { recursive: true, force: true });
});

/** A meeting for `parties` with its session started. */
async function meetingWithSession(parties = 5): Promise<{ meeting: MeetingRow; session: SessionRow }> {
  const db = stores[0]!.db;
  const site = await createSite(
    db,
    { siteSign: `sfu-${++siteCounter}-${NOW}`, name: 'SFU', totalNumParties: 100 },
    NOW,
  );
  const { meeting } = await db.transaction().execute((tx) =>
    reserveMeeting(
      tx,
      site,
      {
        userId: 'host',
        userName: 'Host',
        confName: 'SFU room',
        duration: 60,
        confParties: parties,
        isInstantMeeting: 1,
      },
      NOW,
    ),
  );
  const session = await startSession(db, meeting, NOW);
  return { meeting, session };
}

/** Whether the room exists in Janus. */
async function exists(handle: VideoRoomHandle, room: number): Promise<boolean> {
  return (await handle.exists({ room })).exists;
}

/** The error code Janus answers `run` with (undefined: it succeeded). */
async function failureCode(run: () => Promise<unknown>): Promise<number | undefined> {
  try {
    await run();
    return undefined;
  } catch (err) {
    return janusCode(err) ?? -1;
  }
}

describe.skipIf(!haveJanus)('Janus run by the server', () => {
  it('starts from the written configuration: only the VideoRoom, a WebSocket on 127.0.0.1, the API secret enforced', async () => {
    const written = path.join(dir, 'janus');
    for (const name of ['janus.jcfg', 'janus.plugin.videoroom.jcfg', 'janus.transport.websockets.jcfg']) {
      expect(fs.statSync(path.join(written, name)).mode & 0o777).toBe(0o600);
    }
    const main = fs.readFileSync(path.join(written, 'janus.jcfg'), 'utf8');
    expect(main).toContain(`api_secret = "${janus.apiSecret}"`);
    const ws = fs.readFileSync(path.join(written, 'janus.transport.websockets.jcfg'), 'utf8');
    expect(ws).toContain('ws_ip = "127.0.0.1"');
    expect(ws).toContain('admin_ws = false');
    const videoroom = fs.readFileSync(path.join(written, 'janus.plugin.videoroom.jcfg'), 'utf8');
    expect(videoroom).toContain(`admin_key = "${janus.adminKey}"`);
    expect(videoroom).toContain('lock_rtp_forward = true');
    expect(janus.url).toMatch(/^ws:\/\/127\.0\.0\.1:\d+$/);
    // Janus's output reaches the server's log; the secrets never do.
    expect(logged.some((line) => line.includes('JANUS VideoRoom plugin initialized'))).toBe(true);
    expect(logged.filter((line) => line.includes(janus.apiSecret) || line.includes(janus.adminKey))).toEqual([]);

    const session = await connectJanus(janus);
    try {
      const info = (await session.connection.getInfo()) as { plugins: object; transports: object };
      expect(Object.keys(info.plugins)).toEqual(['janus.plugin.videoroom']);
      expect(Object.keys(info.transports)).toEqual(['janus.transport.websockets']);
    } finally {
      await session.close();
    }
    // Without the secret no session is made.
    const intruder = await Janode.connect({ address: { url: janus.url }, max_retries: 0 });
    try {
      await expect(intruder.create()).rejects.toThrow(/403/);
    } finally {
      await intruder.close();
    }
  });

  it('creates a room with its secret, tokens and confParties publishers; a second process finds the same placement', async () => {
    const { meeting, session } = await meetingWithSession(7);
    const [a, b] = await Promise.all([rooms[0]!.ensureRoom(meeting, session), rooms[1]!.ensureRoom(meeting, session)]);
    expect(b.roomId).toBe(a.roomId);
    expect(b.secret).toBe(a.secret);
    expect(a.secret).toMatch(/^[0-9a-f]{32}$/);
    const row = await findSfuRoom(stores[1]!.db, session.id);
    expect(row).toMatchObject({
      meeting_id: meeting.id,
      instance_url: 'managed',
      room_id: a.roomId,
      destroyed_at: null,
    });
    expect(rooms[0]!.publisherLimit(meeting)).toBe(7);
    expect(rooms[0]!.recordingDir(a)).toBe(path.join(recordingsDir, String(a.roomId)));

    const test = await connectJanus(janus);
    try {
      const handle = await test.attach();
      const listed = (await handle.list({ admin_key: janus.adminKey })).list.find((r) => r.room === a.roomId);
      expect(listed).toMatchObject({
        max_publishers: 7,
        bitrate: 512_000,
        audiocodec: 'opus',
        videocodec: 'vp8',
        record: false,
        rec_dir: path.join(recordingsDir, String(a.roomId)),
      });
      // A moderator request without the secret is refused; nobody joins without an allowed token.
      expect(await failureCode(() => handle.kick({ room: a.roomId, feed: 1, secret: 'wrong' }))).toBe(433);
      expect(await failureCode(() => handle.kick({ room: a.roomId, feed: 1 }))).toBe(429); // secret missing
      const guest = await test.attach();
      expect(await failureCode(() => guest.joinPublisher({ room: a.roomId, feed: 11, token: 'nope' }))).toBe(433);
      await rooms[0]!.allow(a, 'token-11');
      expect((await guest.joinPublisher({ room: a.roomId, feed: 11, token: 'token-11' })).feed).toBe(11);
      await rooms[1]!.kick(b, 11);
      await rooms[1]!.revoke(b, 'token-11');
      const again = await test.attach();
      expect(await failureCode(() => again.joinPublisher({ room: a.roomId, feed: 11, token: 'token-11' }))).toBe(433);
      // Recording switches with the room's secret.
      await rooms[0]!.setRecording(a, true);
      expect((await handle.list({ admin_key: janus.adminKey })).list.find((r) => r.room === a.roomId)).toMatchObject({
        record: true,
      });
      await rooms[0]!.setRecording(a, false);
    } finally {
      await test.close();
    }
  });

  it('the room’s publisher limit follows confParties changed during the session, in either process', async () => {
    const { meeting, session } = await meetingWithSession(4);
    const room = await rooms[0]!.ensureRoom(meeting, session);
    const test = await connectJanus(janus);
    try {
      const handle = await test.attach();
      const limit = async () =>
        (await handle.list({ admin_key: janus.adminKey })).list.find((r) => r.room === room.roomId)?.max_publishers;
      expect(await limit()).toBe(4);
      // confModify2 raised confParties: the next join through either process finds the room made larger.
      await rooms[0]!.ensureRoom({ ...meeting, conf_parties: 9 }, session);
      expect(await limit()).toBe(9);
      // The second process first meets the room (made by the first) with a row read before the change: the
      // room follows the row that process holds, and again the newer one.
      await rooms[1]!.ensureRoom(meeting, session);
      expect(await limit()).toBe(4);
      await rooms[1]!.ensureRoom({ ...meeting, conf_parties: 12 }, session);
      expect(await limit()).toBe(12);
      // Unchanged, nothing is asked of Janus.
      await rooms[1]!.ensureRoom({ ...meeting, conf_parties: 12 }, session);
      expect(await limit()).toBe(12);
    } finally {
      await test.close();
    }
  });

  it('a killed Janus is restarted; onReset fires once it answers; ensureRoom re-creates the room and its tokens', async () => {
    const { meeting, session } = await meetingWithSession();
    const before = await rooms[0]!.ensureRoom(meeting, session);
    await rooms[0]!.allow(before, 'token-21');
    const url = janus.url;
    const pid = janus.janus.pid!;
    const lost = new Promise<void>((resolve) => instances[0]!.onLost(resolve));
    const reset = new Promise<void>((resolve) => instances[0]!.onReset(resolve));
    const started = Date.now();
    process.kill(pid, 'SIGKILL');
    await lost;
    await reset;
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(janus.janus.pid).not.toBe(pid);
    expect(janus.url).toBe(url);

    const after = await rooms[0]!.ensureRoom(meeting, session);
    expect(after.roomId).toBe(before.roomId);
    expect(after.secret).toBe(before.secret);
    const test = await connectJanus(janus);
    try {
      const handle = await test.attach();
      expect(await exists(handle, after.roomId)).toBe(true);
      expect((await handle.joinPublisher({ room: after.roomId, feed: 21, token: 'token-21' })).feed).toBe(21);
    } finally {
      await test.close();
    }
    expect(logged.some((line) => line.includes('janus ended; restarting'))).toBe(true);
    expect(logged.filter((line) => line.includes(janus.apiSecret) || line.includes(janus.adminKey))).toEqual([]);
    // The other process's view comes back too.
    await instances[1]!.ready();
    expect((await rooms[1]!.ensureRoom(meeting, session)).roomId).toBe(before.roomId);
  }, 30_000);

  it('destroy removes the room; the sweep destroys the rooms of ended sessions, once', async () => {
    const one = await meetingWithSession();
    const two = await meetingWithSession();
    const roomOne = await rooms[0]!.ensureRoom(one.meeting, one.session);
    const roomTwo = await rooms[1]!.ensureRoom(two.meeting, two.session);
    const test = await connectJanus(janus);
    try {
      const handle = await test.attach();
      await rooms[1]!.destroy(one.session.id);
      expect(await exists(handle, roomOne.roomId)).toBe(false);
      expect((await findSfuRoom(stores[0]!.db, one.session.id))!.destroyed_at).not.toBeNull();
      await rooms[0]!.destroy(one.session.id); // again: nothing to do
      await expect(rooms[0]!.ensureRoom(one.meeting, one.session)).rejects.toThrow(/destroyed/);

      expect(await rooms[0]!.sweep()).toBe(0); // session two still open
      await closeSession(stores[0]!.db, two.session.id, NOW + 1000);
      const swept = await Promise.all([rooms[0]!.sweep(), rooms[1]!.sweep()]);
      expect(swept[0]! + swept[1]!).toBe(1);
      expect(await exists(handle, roomTwo.roomId)).toBe(false);
      expect(await rooms[0]!.sweep()).toBe(0);
    } finally {
      await test.close();
    }
  });

  it('external instances (HUIGUAN_JANUS_URLS): each new room goes to the instance with the fewest live rooms', async () => {
    const port = new URL(janus.url).port;
    // One Janus under two names stands for two instances.
    const urls = [`ws://127.0.0.1:${port}`, `ws://localhost:${port}`];
    const config = loadConfig({
      HUIGUAN_JANUS_URLS: urls.join(','),
      HUIGUAN_JANUS_API_SECRET: janus.apiSecret,
      HUIGUAN_JANUS_ADMIN_KEY: janus.adminKey,
      HUIGUAN_DATA_DIR: dir,
    });
    const sfu = await createSfu(config, stores[1]!.db);
    try {
      expect(sfu.managed).toBeUndefined();
      expect(sfu.instances.map((i) => i.key)).toEqual(urls);
      await Promise.all(sfu.instances.map((i) => i.ready()));
      const placed: string[] = [];
      for (let i = 0; i < 4; i++) {
        const { meeting, session } = await meetingWithSession();
        const room = await sfu.rooms.ensureRoom(meeting, session);
        placed.push(room.instance.key);
        expect((await findSfuRoom(stores[0]!.db, session.id))!.instance_url).toBe(room.instance.key);
      }
      expect(placed.filter((u) => u === urls[0]).length).toBe(2);
      expect(placed.filter((u) => u === urls[1]).length).toBe(2);
    } finally {
      await sfu.close();
    }
  });

  it('stops Janus on close, and at start a janus a crashed server left on the same directory (only that one)', async () => {
    const other = path.join(dir, 'other');
    fs.mkdirSync(other, { recursive: true });
    // Stand-ins for a leftover janus (its command line names the directory's configuration) and a stranger
    // whose pid a stale file might hold.
    const leftover = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)', path.join(other, 'janus.jcfg')]);
    const stranger = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)']);
    const ended = (child: ChildProcess) => new Promise((resolve) => child.once('exit', resolve));
    try {
      fs.writeFileSync(path.join(other, 'janus.pid'), `${leftover.pid}\n`);
      const leftoverEnded = ended(leftover);
      const second = await startManagedJanus(other);
      await leftoverEnded;
      const pid = second.janus.pid!;
      expect(fs.readFileSync(path.join(other, 'janus.pid'), 'utf8').trim()).toBe(String(pid));
      await second.stop();
      expect(() => process.kill(pid, 0)).toThrow();
      expect(fs.existsSync(path.join(other, 'janus.pid'))).toBe(false);

      fs.writeFileSync(path.join(other, 'janus.pid'), `${stranger.pid}\n`);
      const third = await startManagedJanus(other);
      await third.stop();
      expect(stranger.exitCode).toBeNull();
    } finally {
      leftover.kill('SIGKILL');
      stranger.kill('SIGKILL');
    }
  });

  describe.skipIf(!haveChromium)('with a publishing page', () => {
    let browser: Browser;
    beforeAll(async () => {
      browser = await launchChromium(FAKE_MEDIA_ARGS);
    });
    afterAll(async () => {
      await browser?.close();
    });

    it('forwards a publisher’s RTP to a UDP port; moderation stops its audio at Janus and lets it go again', async () => {
      const { meeting, session } = await meetingWithSession();
      const room: RoomRef = await rooms[0]!.ensureRoom(meeting, session);
      await rooms[0]!.allow(room, 'token-31');
      const handle = await instances[0]!.attach();
      const page = await browser.newPage();
      const socket = dgram.createSocket('udp4');
      try {
        const published = await publishFromPage(page, handle, room.roomId, 31, { token: 'token-31' });
        const audioMid = published.mids[0]!;
        let packets = 0;
        socket.on('message', () => (packets += 1));
        await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
        const [streamId] = await rooms[0]!.forward(
          room,
          31,
          [{ mid: audioMid, port: socket.address().port }],
          '127.0.0.1',
        );
        expect(streamId).toBeGreaterThan(0);
        const count = async (ms: number) => {
          const start = packets;
          await new Promise((resolve) => setTimeout(resolve, ms));
          return packets - start;
        };
        expect(await count(1000)).toBeGreaterThan(20); // opus: 50 packets a second
        await rooms[0]!.moderate(room, 31, audioMid, true);
        await count(200); // packets under way
        expect(await count(1000)).toBe(0);
        await rooms[0]!.moderate(room, 31, audioMid, false);
        expect(await count(1000)).toBeGreaterThan(20);
        await rooms[0]!.stopForward(room, 31, streamId!);
        await count(200);
        expect(await count(600)).toBe(0);
        await published.stop();
      } finally {
        socket.close();
        await handle.detach().catch(() => undefined);
        await page.close();
      }
    }, 60_000);
  });
});
