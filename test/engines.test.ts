import fs from 'node:fs';
import semver from 'semver';
import { describe, expect, it } from 'vitest';

// `npm install` on the Node the README names (20) must print no EBADENGINE: every package the lock file
// installs accepts it. A newer release of a dependency that drops Node 20 is pinned (package.json `overrides`).
describe('the installed packages and Node 20', () => {
  it('every package in package-lock.json accepts this Node, and package.json says Node 20 or later', () => {
    const pkg = JSON.parse(fs.readFileSync('package.json', 'utf8')) as { engines: { node: string } };
    expect(semver.satisfies('20.0.0', pkg.engines.node)).toBe(true);
    const lock = JSON.parse(fs.readFileSync('package-lock.json', 'utf8')) as {
      packages: Record<string, { version?: string; engines?: { node?: string } | string[] }>;
    };
    const refusing = Object.entries(lock.packages)
      .filter(([, p]) => !Array.isArray(p.engines) && p.engines?.node !== undefined)
      .filter(([, p]) => !semver.satisfies(process.version, (p.engines as { node: string }).node))
      .map(([name, p]) => `${name}@${p.version}: node ${(p.engines as { node: string }).node}`);
    expect(refusing).toEqual([]);
  });

  // npm 11 warns on install about every package with an install script that `allowScripts` does not name, and
  // a fresh install must print nothing to worry about. Each is needed: better-sqlite3 (the database), esbuild
  // (Vite, tsx) and unix-dgram (janode imports it at load, whatever transport is used; without its build the
  // SFU's client cannot load).
  it('every package with an install script is named in package.json allowScripts', () => {
    const pkg = JSON.parse(fs.readFileSync('package.json', 'utf8')) as { allowScripts: Record<string, boolean> };
    const lock = JSON.parse(fs.readFileSync('package-lock.json', 'utf8')) as {
      packages: Record<string, { hasInstallScript?: boolean }>;
    };
    const scripted = Object.entries(lock.packages)
      .filter(([, p]) => p.hasInstallScript)
      .map(([path]) => path.replace(/^.*node_modules\//, ''));
    expect(scripted.filter((name) => pkg.allowScripts[name] === undefined)).toEqual([]);
  });
});
