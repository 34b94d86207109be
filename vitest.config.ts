import { defineConfig } from 'vitest/config';

// Four projects (`vitest run --project unit`, or `npm run test:unit` for the inner loop):
// - unit: pure code (domain rules, parsers, the SDK's helpers): no database, no server, no browser; seconds.
// - api: the app in process (Fastify inject or a listening socket) on a database of the test's own.
// - process: tests that spawn `bin/huiguan` (a server or a CLI command) or other processes.
// - browser: Debian's chromium against the app in process.
// The process project builds the server first (test/build-server.ts), so no test spawns a stale dist.
const unit = [
  'src/**/*.test.ts',
  'test/store/bus.test.ts',
  'test/store/recording-storage.test.ts',
  'test/store/recording-uploads.test.ts',
  'packages/sdk/test/time.test.ts',
  'packages/sdk/test/transport.test.ts',
  'packages/sdk/test/webhooks.test.ts',
  'test/build-prune.test.ts',
  'test/engines.test.ts',
  'test/web/silence.test.ts',
];
const spawning = [
  'test/cli/**/*.test.ts',
  'test/reliability/**/*.test.ts',
  'test/concurrency/**/*.test.ts',
  'test/api/webhook-fairness.test.ts',
  'test/security/edge-limits.test.ts',
  'test/security/log-redaction.test.ts',
  'test/security/room-socket.test.ts',
  'test/security/trusted-proxy.test.ts',
  'packages/sdk/test/example.test.ts',
];
const browser = ['test/browser/**/*.test.ts', 'test/web/long-host-name.test.ts'];
// The SFU's tests each run Janus, many chromium pages, ffmpeg or coturn: on two cores they run after everything
// else, one file at a time (project `media`), so that no two of them share the machine.
const media = ['test/sfu/**/*.test.ts', 'test/browser/sfu-*.test.ts', 'test/browser/turn-relay.test.ts'];
const buildServer = ['test/build-server.ts'];
// CI runs the suite twice, on SQLite and on PostgreSQL. Files whose behaviour does not depend on the database
// run in the SQLite run only (as Kysely's suite picks the dialects per file): .ci/run sets
// HUIGUAN_SECOND_DIALECT=1 for the PostgreSQL run, which leaves them out. Run by hand, every file runs.
const databaseFree = [
  ...unit,
  'test/store/sqlite-checkpointer.test.ts',
  'test/browser/docs.test.ts',
  'test/web/long-host-name.test.ts',
  'packages/sdk/test/**/*.test.ts',
  // Media through Janus and coturn: what they keep in the database is the SFU's placement (janus.test.ts, both
  // dialects) and plain rows, so they run once.
  'test/sfu/signaling.test.ts',
  'test/sfu/recording.test.ts',
  'test/sfu/live.test.ts',
  'test/browser/sfu-*.test.ts',
  'test/browser/turn-relay.test.ts',
];
const once = process.env.HUIGUAN_SECOND_DIALECT ? databaseFree : [];

export default defineConfig({
  test: {
    testTimeout: 20_000,
    hookTimeout: 30_000,
    // Two cores: more workers only contend; process tests spawn processes of their own.
    maxWorkers: 2,
    projects: [
      { extends: true, test: { name: 'unit', include: unit, exclude: once } },
      {
        extends: true,
        test: {
          name: 'api',
          include: ['test/**/*.test.ts', 'packages/sdk/test/**/*.test.ts'],
          exclude: [...unit, ...spawning, ...browser, ...media, ...once],
        },
      },
      // A server process starts in seconds on an idle machine and much later on a busy one: its tests' hang
      // guards are wider (startServer itself waits for the server's output or exit, with no clock).
      {
        extends: true,
        test: {
          name: 'process',
          include: spawning,
          exclude: once,
          globalSetup: buildServer,
          testTimeout: 60_000,
          hookTimeout: 120_000,
        },
      },
      // One browser file at a time (Vitest runs them as a group of their own, after the others): two files of several
      // chromium pages each starved each other on a slower day's two cores (the mesh media test and the room's,
      // each passing alone).
      {
        extends: true,
        test: { name: 'browser', include: browser, exclude: [...media, ...once], fileParallelism: false },
      },
      {
        extends: true,
        test: {
          name: 'media',
          include: media,
          exclude: once,
          fileParallelism: false,
          sequence: { groupOrder: 1 },
          testTimeout: 120_000,
          hookTimeout: 120_000,
        },
      },
    ],
  },
});
