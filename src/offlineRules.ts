// What the service worker keeps for offline use, in one place: vite.config.ts builds the worker from
// these rules and the page (src/offline.ts) uses the same pattern to top up the cache after a first visit.

/**
 * Pretrained model files up to this size are precached (the sparse ones, ~0.4 MB each); larger ones
 * (the dense baselines, ~15 MB each) are cached the first time the page loads them. A size, not a name
 * pattern, so the rule holds whatever the files are called. Equal to the page's Save-Data limit.
 */
export const PRECACHE_MODEL_MAX_BYTES = 4 * 1024 * 1024;

/**
 * Files cached the first time they are fetched: the training sets (10 and 26 MB, needed only to train)
 * and the models too large to precache. Matched on the path's tail, so it holds under any base;
 * precached files never reach this rule (the precache answers them first).
 */
export const RUNTIME_CACHED = /\/(?:models\/[^/?#]+|data\/[^/?#]+\/train-[^/?#]+)(?:[?#].*)?$/;

/**
 * A navigation to one of the build's files (models/index.json or a dataset opened in a tab), which gets
 * that file rather than the page. Tested on path and query; anchored at the end, so a base folder that
 * happens to be called "data" or "models" is still the page.
 */
export const FILE_NAVIGATION = /\/(?:assets|models|data\/[^/?]+)\/[^/?]+(?:\?.*)?$/;

/** The runtime cache's name (Workbox keeps the precache in its own). */
export const RUNTIME_CACHE_NAME = 'rewire-lab-large-files';

/**
 * Of the resources a page fetched (their absolute URLs), those the service worker would cache at
 * runtime: same origin, inside the page's scope, matching RUNTIME_CACHED. Each once, in order.
 */
export function runtimeCachedUrls(fetched: readonly string[], scopeHref: string): string[] {
  const scope = new URL(scopeHref);
  const out: string[] = [];
  for (const href of fetched) {
    let url: URL;
    try {
      url = new URL(href);
    } catch {
      continue;
    }
    if (url.origin !== scope.origin || !url.pathname.startsWith(scope.pathname)) continue;
    if (!RUNTIME_CACHED.test(url.pathname + url.search) || out.includes(url.href)) continue;
    out.push(url.href);
  }
  return out;
}
