/// <reference types="vite-plugin-pwa/client" />
// Offline use: registers the service worker that vite.config.ts builds (Workbox: the app, the test sets
// and the small models precached; the training sets and large models cached when first fetched), tells
// the update banner when a new version waits, and tops up the cache after the very first visit.
import { registerSW } from 'virtual:pwa-register';
import { runtimeCachedUrls } from './offlineRules';
import type { UpdateStore } from './views/update/updateStore';

/**
 * Registers the service worker once the page has loaded. Where there is none (plain http on a LAN, a
 * browser or test harness that blocks it) the page works as before, online only.
 */
export function startOffline(update: UpdateStore, baseUrl: string, fetchedByWorkers?: () => Promise<string[]>): void {
  if (!('serviceWorker' in navigator)) return;
  if (navigator.serviceWorker.controller === null) {
    navigator.serviceWorker.addEventListener('controllerchange', () => topUpRuntimeCache(baseUrl, fetchedByWorkers), { once: true });
  }
  const updateServiceWorker = registerSW({
    // Ask for a new version at every load and whenever the network comes back: the browser's own check on
    // navigation may be skipped (it throttles them), and a classroom page can stay open for hours.
    onRegisteredSW: (_url: string, registration: ServiceWorkerRegistration | undefined) => {
      if (!registration) return;
      const check = () => { if (navigator.onLine) void registration.update().catch(() => undefined); };
      check();
      window.addEventListener('online', check);
    },
    onNeedRefresh: () => update.getState().offer(() => void updateServiceWorker(true)),
    onOfflineReady: () => update.getState().setOfflineReady(),
    onRegisterError: (e: unknown) => {
      // Offline, the update check fails while the installed worker keeps serving the page: nothing to say.
      if (navigator.serviceWorker.controller === null) console.warn(`Offline use is unavailable: ${e instanceof Error ? e.message : String(e)}`);
    },
  });
}

/**
 * On a first visit the dense models (and perhaps a training set) were fetched before the service worker
 * took control, so it never saw them. Fetch them once more through it — from the browser's HTTP cache,
 * so nothing is downloaded twice — and it keeps a copy for the next, perhaps offline, visit. Fetches
 * still in flight at take-over are caught when they finish. A training set is fetched by the workers,
 * whose requests the page's resource timeline never lists: `fetchedByWorkers` names those files once
 * the workers hold them.
 */
function topUpRuntimeCache(baseUrl: string, fetchedByWorkers?: () => Promise<string[]>): void {
  const takenOverAt = performance.now();
  const scope = new URL(baseUrl, window.location.href).href;
  const seen = new Set<string>();
  const topUp = (fetchedBefore: string[]) => {
    for (const url of runtimeCachedUrls(fetchedBefore, scope)) {
      if (seen.has(url)) continue;
      seen.add(url);
      void fetch(url, { cache: 'force-cache' })
        .then((response) => response.arrayBuffer())
        .catch(() => undefined); // offline again or gone: the next visit caches it
    }
  };
  const observer = new PerformanceObserver((list) => topUp(list.getEntries().filter((e) => e.startTime < takenOverAt).map((e) => e.name)));
  observer.observe({ type: 'resource', buffered: true });
  void fetchedByWorkers?.().then(topUp, () => undefined);
}
