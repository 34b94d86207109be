import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

// The start/join pages (docs/web-protocol.md), the live stream's watch page (watch/index.html, for
// /w/...) and the site console (console.html, for /console/...). Built into dist/web, which the server
// serves for /s/..., /j/..., /wc/join/..., /w/..., /console/... and /assets/...; nothing is loaded from
// anywhere else.
// `npx vite --config web/vite.config.ts` serves the pages with live reload and passes /web/v1 (JSON and
// WebSocket) and /console/api to a running server: HUIGUAN_DEV_SERVER, default http://127.0.0.1:8080.
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: '/',
  publicDir: false,
  build: {
    outDir: fileURLToPath(new URL('../dist/web', import.meta.url)),
    emptyOutDir: true,
    assetsDir: 'assets',
    modulePreload: { polyfill: false },
    rollupOptions: {
      input: {
        main: fileURLToPath(new URL('index.html', import.meta.url)),
        watch: fileURLToPath(new URL('watch/index.html', import.meta.url)),
        console: fileURLToPath(new URL('console.html', import.meta.url)),
      },
    },
  },
  server: {
    host: '127.0.0.1',
    proxy: {
      '/web/v1': { target: process.env.HUIGUAN_DEV_SERVER ?? 'http://127.0.0.1:8080', ws: true },
      '/console/api': { target: process.env.HUIGUAN_DEV_SERVER ?? 'http://127.0.0.1:8080' },
    },
  },
});
