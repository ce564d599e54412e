// Vite config: the page is a static app; BASE lets it live under a sub-path (e.g. GitHub Pages). A
// service worker (vite-plugin-pwa / Workbox) keeps the page usable offline after one visit.
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';
import { VitePWA } from 'vite-plugin-pwa';
import { FILE_NAVIGATION, PRECACHE_MODEL_MAX_BYTES, RUNTIME_CACHE_NAME, RUNTIME_CACHED } from './src/offlineRules';

/**
 * BASE from the environment: "/rewire-lab/" for a sub-path, a full URL for a CDN, or the default
 * "./" (relative, works from any folder). Assets, the worker and data URLs all follow it; a missing
 * trailing slash is added, since Vite joins paths onto it.
 */
function baseFromEnv(value: string | undefined): string {
  const base = value?.trim() || './';
  return base.endsWith('/') ? base : `${base}/`;
}

/** The shipped model files over PRECACHE_MODEL_MAX_BYTES, as globs to leave out of the precache (public/ is copied as is). */
function largeModelFiles(): string[] {
  const dir = path.resolve(import.meta.dirname, 'public/models');
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return []; // a build without shipped models
  }
  return names.filter((name) => statSync(path.join(dir, name)).size > PRECACHE_MODEL_MAX_BYTES).map((name) => `models/${name}`);
}

export default defineConfig({
  base: baseFromEnv(process.env.BASE),
  plugins: [
    react(),
    VitePWA({
      // The page shows "a new version — reload" itself (src/offline.ts, views/update): a waiting worker
      // never takes over a page mid-training.
      registerType: 'prompt',
      injectRegister: false,
      manifest: false,
      workbox: {
        globPatterns: ['**/*.{html,js,css,json,wasm,svg,png,ico}', 'data/*/t10k-*', 'models/*'],
        globIgnores: largeModelFiles(),
        // The worker bundle (1.7 MB) and the Fashion-MNIST test images (4.4 MB) exceed Workbox's 2 MB default.
        maximumFileSizeToCacheInBytes: 8 * 1024 * 1024,
        // A link with a query (?panel=draw) is still the one page: answer every navigation with it.
        navigateFallback: 'index.html',
        navigateFallbackDenylist: [FILE_NAVIGATION],
        // The first visit's page (and its worker) come under the service worker as soon as it is active,
        // so the large files it fetches from then on are cached for the next, perhaps offline, visit.
        clientsClaim: true,
        cleanupOutdatedCaches: true,
        runtimeCaching: [
          {
            urlPattern: RUNTIME_CACHED,
            // Network first: online, a changed file is never served stale (the browser's HTTP cache keeps
            // the refetch cheap); offline, the last copy answers.
            handler: 'NetworkFirst',
            options: {
              cacheName: RUNTIME_CACHE_NAME,
              cacheableResponse: { statuses: [200] },
              expiration: { maxEntries: 16, purgeOnQuotaError: true },
            },
          },
        ],
      },
    }),
  ],
  worker: { format: 'es' },
  build: {
    target: 'es2022',
    chunkSizeWarningLimit: 4000,
  },
  preview: { port: 4173, strictPort: true },
});
