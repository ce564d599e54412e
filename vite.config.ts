// Vite config: the page is a static app; BASE lets it live under a sub-path (e.g. GitHub Pages).
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

/**
 * BASE from the environment: "/rewire-lab/" for a sub-path, a full URL for a CDN, or the default
 * "./" (relative, works from any folder). Assets, the worker and data URLs all follow it; a missing
 * trailing slash is added, since Vite joins paths onto it.
 */
function baseFromEnv(value: string | undefined): string {
  const base = value?.trim() || './';
  return base.endsWith('/') ? base : `${base}/`;
}

export default defineConfig({
  base: baseFromEnv(process.env.BASE),
  plugins: [react()],
  worker: { format: 'es' },
  build: {
    target: 'es2022',
    chunkSizeWarningLimit: 4000,
  },
  preview: { port: 4173, strictPort: true },
});
