import type { FastifyInstance } from 'fastify';
import type { Config } from '../config.js';
import { LiveStreams } from '../sfu/live.js';
import { createSfuRecording, recordingStateTo } from '../sfu/recording.js';
import { createSfu } from '../sfu/rooms.js';
import type { SfuServices } from '../sfu/services.js';
import { tellPages } from '../sfu/tell.js';
import type { MeetingBus } from '../store/bus.js';
import type { Db } from '../store/database.js';
import type { RecordingStorage } from '../store/recording-storage.js';
import { backgroundLoops } from './background.js';

export interface SfuDeps {
  config: Config;
  db: Db;
  bus: MeetingBus;
  clock: () => number;
  /** Where the composed recordings are stored (the recordings store the uploads use). */
  storage: RecordingStorage;
}

/** How often ended sessions' rooms are looked for (a session's end also destroys its room at once). */
const ROOM_SWEEP_MS = 30_000;

/**
 * The SFU of this server process when `config.sfu` is set (docs/media.md): Janus (managed, or the
 * external instances), the rooms, the server-side recording and the live streams, their background work,
 * and their end when the server closes. Undefined without `config.sfu`: the pages' media is the mesh.
 *
 * What the recording and the live streams tell the pages goes over the meeting bus, so that the pages of
 * every server process hear it.
 */
export async function startSfu(app: FastifyInstance, deps: SfuDeps): Promise<SfuServices | undefined> {
  const { config, db, bus, clock } = deps;
  if (!config.sfu) return undefined;
  const sfu = await createSfu(config, db, app.log, clock);
  const tell = tellPages(bus, app.log);
  const recording = createSfuRecording({
    db,
    rooms: sfu.rooms,
    storage: deps.storage,
    ppRecBin: config.sfu.ppRecBin,
    ffmpegBin: config.sfu.ffmpegBin,
    maxBytes: config.recordingMaxBytes,
    clock,
    log: app.log,
    onState: recordingStateTo(tell),
  });
  const live = new LiveStreams({
    db,
    rooms: sfu.rooms,
    dataDir: config.dataDir,
    ffmpegBin: config.sfu.ffmpegBin,
    clock,
    log: app.log,
    onState: (meetingId, view) => tell(meetingId, { op: 'live', ...view }),
  });
  // A restarted Janus has lost its rooms: they come back as pages publish again, recording on where it was.
  for (const instance of sfu.instances)
    instance.onReset(() => {
      recording.resume().catch((err: unknown) => app.log.warn({ err }, 'sfu recording not resumed'));
    });
  await app.register(backgroundLoops, {
    loops: [
      { name: 'sfu room sweep', everyMs: ROOM_SWEEP_MS, atStart: true, run: () => sfu.rooms.sweep(clock()) },
      recording.loop(),
    ],
  });
  // Before the background loops' own close waits for their round: a compose under way is cut off and its job
  // given back to the queue, not waited for (it can take minutes).
  app.addHook('preClose', async () => {
    await recording.close();
  });
  app.addHook('onClose', async () => {
    await live.close();
    await sfu.close();
  });
  return {
    rooms: sfu.rooms,
    recording,
    live,
    async sessionEnded(sessionId) {
      await sfu.rooms.destroy(sessionId);
      await Promise.all([recording.sessionEnded(sessionId), live.stopSession(sessionId)]);
    },
  };
}
