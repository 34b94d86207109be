import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
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

export function launchChromium(extraArgs: string[] = []): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
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
