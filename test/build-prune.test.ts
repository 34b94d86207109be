import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
// @ts-expect-error: a plain JavaScript module without types (it runs in production installs, where tsx is absent)
import { pruneStale } from '../scripts/build-server.mjs';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

function tree(files: string[]): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'huiguan-prune-'));
  dirs.push(dir);
  for (const file of files) {
    fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    fs.writeFileSync(path.join(dir, file), '');
  }
  return dir;
}

const list = (dir: string): string[] =>
  fs
    .readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => path.relative(dir, path.join(e.parentPath, e.name)))
    .sort();

describe('the server build removes what no source makes any more', () => {
  it('keeps compiled modules and assets whose source exists, deletes the rest and empty folders, never touches web/', () => {
    const src = tree(['app.ts', 'api/docs/signer.js', 'api/docs/page.ts', 'store/db.ts']);
    const dist = tree([
      'app.js',
      'app.js.map',
      'api/docs/signer.js',
      'api/docs/page.js',
      'api/docs/gone.js',
      'api/docs/gone.js.map',
      'store/db.js',
      'store/db.d.ts',
      'old/removed.js',
      'web/index.html',
      'web/assets/app.js',
    ]);
    pruneStale(src, dist, true);
    expect(list(dist)).toEqual(
      [
        'app.js',
        'app.js.map',
        'api/docs/signer.js',
        'api/docs/page.js',
        'store/db.js',
        'store/db.d.ts',
        'web/index.html',
        'web/assets/app.js',
      ].sort(),
    );
    expect(fs.existsSync(path.join(dist, 'old'))).toBe(false);
  });
});
