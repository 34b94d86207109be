import { defineConfig } from 'vitest/config';

// Four projects (`vitest run --project unit`, or `npm run test:unit` for the inner loop):
// - unit: pure code (domain rules, parsers, the SDK's helpers): no database, no server, no browser; seconds.
// - api: the app in process (Fastify inject or a listening socket) on a database of the test's own.
// - process: tests that spawn `bin/huiguan` (a server or a CLI command) or other processes.
// - browser: Debian's chromium against the app in process.
// The process project builds the server first (test/build-server.ts), so no test spawns a stale dist.
const unit = ['src/**/*.test.ts', 'test/store/bus.test.ts', 'test/store/recording-storage.test.ts', 'test/store/recording-uploads.test.ts', 'packages/sdk/test/time.test.ts', 'packages/sdk/test/transport.test.ts', 'packages/sdk/test/webhooks.test.ts'];
const process = [
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
const buildServer = ['test/build-server.ts'];

export default defineConfig({
  test: {
    testTimeout: 20_000,
    hookTimeout: 30_000,
    // Two cores: more workers only contend; process tests spawn processes of their own.
    maxWorkers: 2,
    projects: [
      { extends: true, test: { name: 'unit', include: unit } },
      {
        extends: true,
        test: {
          name: 'api',
          include: ['test/**/*.test.ts', 'packages/sdk/test/**/*.test.ts'],
          exclude: [...unit, ...process, ...browser],
        },
      },
      { extends: true, test: { name: 'process', include: process, globalSetup: buildServer } },
      { extends: true, test: { name: 'browser', include: browser } },
    ],
  },
});
