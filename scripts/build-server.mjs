// Builds the server: src → dist by tsc (emit only; `npm run typecheck` checks the types), then copies the
// files of src that are not TypeScript (e.g. src/api/docs/signer.js) beside the compiled modules, where they
// are read from at run time. Plain JavaScript, so it runs in a production install (no tsx there).
// Test runs call it too (test/build-server.ts), so a spawned `bin/huiguan` never runs a stale dist. Compiled
// files whose source is gone (a module removed or renamed) are deleted, so dist holds only what src makes;
// dist/web is vite's and left alone.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));

/** Compiles src into dist; answers the milliseconds it took. */
export function buildServer() {
  const started = Date.now();
  const tsc = path.join(path.dirname(createRequire(import.meta.url).resolve('typescript/package.json')), 'bin', 'tsc');
  execFileSync(process.execPath, [tsc, '-p', path.join(root, 'tsconfig.build.json'), '--noCheck'], {
    cwd: root,
    stdio: 'inherit',
  });
  copyAssets(path.join(root, 'src'), path.join(root, 'dist'));
  pruneStale(path.join(root, 'src'), path.join(root, 'dist'), true);
  return Date.now() - started;
}

/** Deletes the files of `to` made from a source in `from` that no longer exists, and directories left empty. */
export function pruneStale(from, to, top) {
  for (const entry of fs.readdirSync(to, { withFileTypes: true })) {
    const target = path.join(to, entry.name);
    if (entry.isDirectory()) {
      if (top && entry.name === 'web') continue;
      pruneStale(path.join(from, entry.name), target, false);
      if (fs.readdirSync(target).length === 0) fs.rmdirSync(target);
    } else if (!sourcesOf(entry.name).some((name) => fs.existsSync(path.join(from, name)))) fs.rmSync(target);
  }
}

/** The names in src a file of dist can come from: `a.js`, `a.js.map`, `a.d.ts` from `a.ts`; an asset from itself. */
function sourcesOf(name) {
  const compiled = /^(.*?)(\.js\.map|\.js|\.d\.ts)$/.exec(name);
  return compiled ? [`${compiled[1]}.ts`, name] : [name];
}

function copyAssets(from, to) {
  for (const entry of fs.readdirSync(from, { withFileTypes: true })) {
    const source = path.join(from, entry.name);
    const target = path.join(to, entry.name);
    if (entry.isDirectory()) copyAssets(source, target);
    else if (!entry.name.endsWith('.ts')) {
      fs.mkdirSync(to, { recursive: true });
      fs.copyFileSync(source, target);
    }
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) buildServer();
