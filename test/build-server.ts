// Vitest globalSetup of the projects whose tests spawn `bin/huiguan`: compiles src → dist first (tsc emit
// only, about a second), so a process test never runs a stale build. Once per Vitest run.
import { execFileSync } from 'node:child_process';

export default function setup(): void {
  if (process.env.HUIGUAN_TEST_SERVER_BUILT) return;
  execFileSync(process.execPath, ['scripts/build-server.mjs'], { stdio: 'inherit' });
  process.env.HUIGUAN_TEST_SERVER_BUILT = '1';
}
