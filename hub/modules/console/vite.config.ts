import react from '@vitejs/plugin-react';
import { defineConfig, type Plugin } from 'vite';
import { DIST_DIR, WEB_DIR, writeStamp } from './bundle-files.js';

/** The hub the development server sends API calls to (`npm run dev:console`). */
const HUB = process.env.LIENTHONG_HUB_URL ?? 'http://127.0.0.1:3000';

/** After a build, the stamp that tells the hub and `npm start` which sources the bundle was built from. */
const stamp = (): Plugin => ({
  name: 'lienthong-console-stamp',
  apply: 'build',
  closeBundle() {
    writeStamp(DIST_DIR, new Date());
  },
});

/**
 * The inspector console: built into `dist/` with relative asset paths (the hub serves it at
 * `/console/`, possibly behind a path prefix), every asset a file of its own (no `data:` URLs, no
 * inline script), so the page's policy can allow only the hub itself. `vite` (the development
 * server, at `/console/`) sends the API's paths to a running hub.
 */
export default defineConfig(({ command }) => ({
  root: WEB_DIR,
  base: command === 'build' ? './' : '/console/',
  plugins: [react(), stamp()],
  build: {
    outDir: DIST_DIR,
    emptyOutDir: true,
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
    target: 'es2022',
    chunkSizeWarningLimit: 1000,
  },
  server: {
    host: '127.0.0.1',
    port: 5173,
    proxy: Object.fromEntries(
      ['/graphql', '/access-log', '/audit', '/graphiql/demo-agencies', '/graphiql/demo-token'].map((path) => [
        path,
        { target: HUB, changeOrigin: false },
      ]),
    ),
  },
  clearScreen: false,
}));
