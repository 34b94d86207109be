// typescript-eslint's recommended rules for the whole tree (loaded by the root eslint.config.js).
// This folder is an npm workspace of its own because typescript-eslint parses with the TypeScript compiler's
// JavaScript API, which TypeScript 7 (the project's compiler, a native binary) no longer has: this workspace
// installs TypeScript 6.0, and every `require('typescript')` made while linting is pointed at it (some of
// typescript-eslint's helpers, e.g. ts-api-utils, are hoisted to the root, where 'typescript' is 7).
import js from '@eslint/js';
import { defineConfig } from 'eslint/config';
import globals from 'globals';
import Module, { createRequire } from 'node:module';

const typescript6 = createRequire(import.meta.url).resolve('typescript');
const resolveFilename = Module._resolveFilename;
Module._resolveFilename = function (request, ...rest) {
  return request === 'typescript' ? typescript6 : resolveFilename.call(this, request, ...rest);
};
const { default: tseslint } = await import('typescript-eslint');

export default defineConfig(
  {
    ignores: ['**/node_modules/', 'dist/', 'packages/*/dist/', 'coverage/', 'data/', 'bench/profiles/'],
  },
  js.configs.recommended,
  tseslint.configs.recommended,
  {
    languageOptions: { ecmaVersion: 2023, sourceType: 'module' },
    rules: {
      // `_name` marks a parameter or binding kept on purpose (a handler's unused `reply`, a rest sibling that
      // drops a field from a copy).
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none', ignoreRestSiblings: true },
      ],
    },
  },
  {
    // Kysely's generic seams: migrations take `Kysely<any>` (Kysely's documented pattern: a migration must not
    // depend on today's schema types), and the dialect helpers serve every schema.
    files: ['src/store/migrations/**', 'src/store/dialect.ts', 'src/store/*.repository.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  {
    // Tests, scripts and benchmarks read loosely typed answers (`res.body.data.x`) and poke at internals.
    files: ['test/**', 'packages/*/test/**', 'scripts/**', 'bench/**'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  { files: ['**/*.mjs', 'bin/**', '**/*.config.js'], languageOptions: { globals: globals.node } },
  // Scripts that run in the page: the docs' request signer and the browser tests' media probe.
  { files: ['src/api/docs/*.js', 'test/browser/*.js'], languageOptions: { globals: globals.browser } },
);
