// Builds the server: src → dist by tsc (emit only; `npm run typecheck` checks the types), then copies the
// files of src that are not TypeScript (e.g. src/api/docs/signer.js) beside the compiled modules, where they
// are read from at run time. Plain JavaScript, so it runs in a production install (no tsx there).
// Test runs call it too (test/build-server.ts), so a spawned `bin/huiguan` never runs a stale dist.
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
  return Date.now() - started;
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
