import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type Browser } from 'playwright-core';

/** Debian's chromium (`apt-get install chromium`); never a downloaded browser. */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/**
 * Browser tests run where chromium is installed, and always in CI (`.ci/run` installs it); on a machine
 * without it they are skipped with a note, so `npm test` still works there.
 */
export const haveChromium = fs.existsSync(CHROMIUM) || Boolean(process.env.CI);
if (!haveChromium) console.warn(`browser tests skipped: no ${CHROMIUM} (apt-get install -y chromium)`);

/** Builds the pages when `dist/web` is missing or older than their sources. */
export function ensurePagesBuilt(): void {
  const built = path.resolve('dist/web/index.html');
  const newest = Math.max(...listFiles(path.resolve('web')).map((f) => fs.statSync(f).mtimeMs));
  if (!fs.existsSync(built) || fs.statSync(built).mtimeMs < newest) {
    execFileSync('npm', ['run', 'build:web'], { stdio: 'ignore' });
  }
}

function listFiles(dir: string): string[] {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? listFiles(path.join(dir, e.name)) : [path.join(dir, e.name)]));
}

/**
 * `background`: chromium runs with a small share of the CPU (a cgroup's `cpu.shares` of 100 against the
 * default 1024, where the machine lets the test make one; and `nice`, which chromium, as root, undoes for its
 * display and audio threads). The pages of a meeting test stand for the participants' own machines: on the
 * test's two cores a dozen of them would otherwise take the CPU from the server and Janus under test, whose
 * queues then overflow (Janus discarded a million outgoing packets older than a second in one run) as they
 * never would on a server of their own.
 */
export function launchChromium(extraArgs: string[] = [], options: { background?: boolean } = {}): Promise<Browser> {
  return chromium.launch({
    executablePath: options.background ? backgroundWrapper() : CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      ...extraArgs,
    ],
  });
}

/** A script that runs {@link CHROMIUM} in the background (above), written once. */
function backgroundWrapper(): string {
  const file = path.join(os.tmpdir(), 'huiguan-chromium-background.sh');
  const script = [
    '#!/bin/sh',
    // cgroup v1's cpu controller, or v2's where it is enabled; neither where the machine does not allow it.
    'v1=/sys/fs/cgroup/cpu/huiguan-test-browsers v2=/sys/fs/cgroup/huiguan-test-browsers',
    '{ mkdir -p $v1 && echo 100 > $v1/cpu.shares && echo $$ > $v1/cgroup.procs; } 2>/dev/null ||',
    '  { grep -qw cpu /sys/fs/cgroup/cgroup.subtree_control && mkdir -p $v2 && echo 10 > $v2/cpu.weight &&',
    '    echo $$ > $v2/cgroup.procs; } 2>/dev/null || true',
    `exec nice -n 10 ${CHROMIUM} "$@"`,
    '',
  ].join('\n');
  if (!fs.existsSync(file) || fs.readFileSync(file, 'utf8') !== script) {
    const temporary = `${file}.${process.pid}`;
    fs.writeFileSync(temporary, script, { mode: 0o755 });
    fs.renameSync(temporary, file);
  }
  return file;
}
