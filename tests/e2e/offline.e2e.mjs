// End-to-end tests of offline use: one online visit (the service worker precaches the app, the test sets
// and the sparse models; the dense model and the training set are cached when first fetched), then the
// network goes away and a reload still draws, answers with every pretrained model and trains. Also: a new
// version shows "reload" and switches on a click, and an absolute sub-path build (BASE=/sub/path/) works
// offline too. Each test runs in a fresh browser profile with service workers allowed; the page is
// reached through a small forwarding server that counts what reaches it once "offline".
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createServer, request } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { drawSeven, waitForBackend } from './shared.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const SUB_PATH = '/sub/path/';
// A tiny run: the worker still fetches the whole training set, which is what must be cached.
const TINY_RUN = '?hidden=32&density=0.05&epochs=1&batch=64&trainLimit=1000&lr=0.01';
const MIME = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.css': 'text/css', '.json': 'application/json',
  '.gz': 'application/gzip', '.wasm': 'application/wasm',
};

/**
 * Serves SUB_PATH from `answer(rel, req, res)`; `offline()` makes it refuse everything from then on and
 * count what still arrived (nothing should: the browser is offline and the service worker answers).
 * `nextVersion()` makes sw.js differ by one comment, as a redeploy would.
 */
async function subPathServer(answer) {
  const state = { offline: false, afterOffline: [], version: 1 };
  // The browser itself checks sw.js for an update on navigation, past the page's offline emulation; it
  // fails here as it would without a network, and the installed worker stays.
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (state.offline) {
      state.afterOffline.push(url.pathname);
      res.writeHead(503).end('offline');
      return;
    }
    if (!url.pathname.startsWith(SUB_PATH)) {
      res.writeHead(404).end('outside the sub-path');
      return;
    }
    answer(url.pathname.slice(SUB_PATH.length) + url.search, req, res, state.version);
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    origin: `http://127.0.0.1:${server.address().port}`,
    offline: () => { state.offline = true; },
    online: () => { state.offline = false; },
    nextVersion: () => { state.version++; },
    afterOffline: () => state.afterOffline.filter((p) => p !== `${SUB_PATH}sw.js`),
    close: () => new Promise((resolve) => server.close(resolve)),
  };
}

/** Forwards to the harness's server (the default relative build, here served under a sub-path). */
function forwardTo(baseUrl) {
  return (rel, req, res, version) => {
    const headers = { ...req.headers, host: new URL(baseUrl).host };
    if (rel.startsWith('sw.js')) {
      delete headers['accept-encoding']; // plain text, so a comment can be appended
      // Unconditional: a browser revalidating its copy would get "304 Not Modified" from upstream, and a
      // redeployed version would then look unchanged to it.
      delete headers['if-none-match'];
      delete headers['if-modified-since'];
    }
    const upstream = request(new URL(rel, baseUrl), { method: req.method, headers }, (up) => {
      if (rel.startsWith('sw.js') && version > 1) {
        // A redeploy: the same worker with one more comment is a new version to the browser.
        const chunks = [];
        up.on('data', (c) => chunks.push(c));
        up.on('end', () => {
          const body = Buffer.concat([...chunks, Buffer.from(`\n// version ${version}\n`)]);
          const headers = { ...up.headers, 'content-length': String(body.length) };
          delete headers.etag;
          delete headers['last-modified'];
          res.writeHead(up.statusCode ?? 502, headers).end(body);
        });
        return;
      }
      res.writeHead(up.statusCode ?? 502, up.headers);
      up.pipe(res);
    });
    upstream.on('error', (e) => res.writeHead(502).end(String(e)));
    req.pipe(upstream);
  };
}

/** Serves the files of a build folder (an absolute-base build lives exactly under SUB_PATH). */
function serveFolder(dir) {
  return (rel, _req, res) => {
    let file = decodeURIComponent(rel.split('?')[0]);
    if (file === '' || file.endsWith('/')) file += 'index.html';
    const full = path.resolve(dir, file);
    if (!full.startsWith(dir + path.sep) || !existsSync(full) || !statSync(full).isFile()) {
      res.writeHead(404).end('not found');
      return;
    }
    res.writeHead(200, { 'content-type': MIME[path.extname(full)] ?? 'application/octet-stream' });
    res.end(readFileSync(full));
  };
}

/**
 * Waits until a service worker controls the page and its precache holds every file of its manifest
 * (read from sw.js itself). Returns the precache's file count and bytes.
 */
async function waitForPrecache(page, swUrl) {
  const sw = await (await fetch(swUrl)).text();
  const manifest = [...sw.matchAll(/\{url:"([^"]+)",revision:/g)].map((m) => m[1]);
  assert.ok(manifest.length > 10, `sw.js lists ${manifest.length} files to precache`);
  assert.ok(manifest.includes('index.html') && manifest.some((u) => /t10k-images/.test(u)), 'the precache lacks the page or a test set');
  await page.waitForFunction(() => navigator.serviceWorker.controller !== null, undefined, { timeout: 60_000 });
  return page.evaluate(async (files) => {
    const names = (await caches.keys()).filter((n) => n.startsWith('workbox-precache'));
    if (names.length !== 1) throw new Error(`precache caches: ${JSON.stringify(names)}`);
    const cache = await caches.open(names[0]);
    const keys = await cache.keys();
    const cached = new Set(keys.map((r) => new URL(r.url).pathname.split('/').slice(-3).join('/')));
    const missing = files.filter((f) => ![...cached].some((c) => c.endsWith(f)));
    if (missing.length > 0) throw new Error(`not precached: ${missing.join(', ')}`);
    let bytes = 0;
    const sizes = [];
    for (const k of keys) {
      const size = (await (await cache.match(k)).blob()).size;
      bytes += size;
      sizes.push(`${new URL(k.url).pathname.split('/').pop()} ${size}`);
    }
    return { files: keys.length, bytes, sizes };
  }, manifest);
}

/** Waits until the runtime cache holds every one of `files` (names, without folders). */
async function waitForRuntimeCache(page, files) {
  await page.waitForFunction(async (want) => {
    if (!(await caches.has('rewire-lab-large-files'))) return false;
    const names = (await (await caches.open('rewire-lab-large-files')).keys()).map((r) => new URL(r.url).pathname.split('/').pop());
    return want.every((w) => names.includes(w));
  }, files, { timeout: 120_000, polling: 500 });
}

async function waitForAllPretrained(page) {
  await page.getByTestId('pretrained-status').filter({ hasText: /^Loaded pretrained/ }).filter({ hasNotText: 'loading' })
    .waitFor({ timeout: 120_000 });
}

/** The runtime cache's file names (the large files cached when first fetched). */
function runtimeCached(page) {
  return page.evaluate(async () => {
    if (!(await caches.has('rewire-lab-large-files'))) return [];
    const keys = await (await caches.open('rewire-lab-large-files')).keys();
    return keys.map((r) => new URL(r.url).pathname.split('/').pop());
  });
}

/** Every pretrained MNIST model answers the drawing (a block with bars, computed for this input). */
async function expectAnswers(page, count) {
  await page.getByRole('tab', { name: 'Draw' }).click();
  await page.locator('[data-testid^="probabilities-"]').nth(count - 1).waitFor({ timeout: 60_000 });
  await drawSeven(page);
  await page.waitForFunction((n) => document.querySelectorAll('[data-testid^="probabilities-"][data-current="true"]').length === n,
    count, { timeout: 60_000 });
  const blocks = page.locator('[data-testid^="probabilities-"]');
  assert.equal(await blocks.count(), count, 'a model more or less than the index lists');
  for (let i = 0; i < count; i++) assert.equal(await blocks.nth(i).getByRole('meter').count(), 10);
}

async function trainTiny(page) {
  await page.getByRole('tab', { name: 'Train' }).click();
  await page.getByRole('button', { name: 'Train', exact: true }).click();
  await page.locator('[data-testid="run-status"][data-status="finished"], [data-testid="run-status"][data-status="failed"]')
    .waitFor({ timeout: 120_000 });
  assert.equal(await page.getByTestId('run-status').getAttribute('data-status'), 'finished', await page.getByTestId('run-status').textContent());
}

const mnistModels = () => JSON.parse(readFileSync(path.join(ROOT, 'public/models/index.json'), 'utf8')).models.filter((m) => m.dataset === 'mnist');

export const tests = [
  {
    name: 'offline: after one visit the page reloads without a network, answers a drawing with every model and trains',
    timeoutMs: 420_000,
    pretrained: true,
    context: { serviceWorkers: 'allow' },
    async fn({ page, baseUrl, screenshot }) {
      const server = await subPathServer(forwardTo(baseUrl));
      try {
        const home = `${server.origin}${SUB_PATH}${TINY_RUN}`;
        await page.goto(home);
        await waitForBackend(page);
        const precache = await waitForPrecache(page, `${server.origin}${SUB_PATH}sw.js`);
        // Stored bytes: a server that sends the .gz files with Content-Encoding: gzip (vite preview does) has
        // them stored inflated.
        console.log(`    precache: ${precache.files} files, ${precache.bytes} bytes stored (${(precache.bytes / 2 ** 20).toFixed(1)} MiB): ${precache.sizes.join(', ')}`);
        await page.getByTestId('offline-ready').waitFor({ timeout: 30_000 });

        // The first visit's large files: the dense model (fetched before the worker took over, then topped
        // up from the HTTP cache) and the training set (fetched by the training worker when training).
        const dense = mnistModels().filter((m) => m.strategy === 'dense').map((m) => m.file);
        assert.ok(dense.length > 0, 'the index lists no dense MNIST model');
        await trainTiny(page);
        await waitForRuntimeCache(page, [...dense, 'train-images-idx3-ubyte.gz', 'train-labels-idx1-ubyte.gz']);
        console.log(`    runtime cache after one visit: ${(await runtimeCached(page)).sort().join(', ')}`);

        await page.context().setOffline(true);
        server.offline();
        await page.reload();
        await waitForBackend(page);
        await waitForAllPretrained(page);
        await expectAnswers(page, mnistModels().length);
        await screenshot('offline-draw');
        await trainTiny(page);
        assert.deepEqual(server.afterOffline(), [], `requests reached the server while offline: ${server.afterOffline().join(', ')}`);

        // Back online, a redeploy: on the next visit the new worker installs and waits, the banner offers a
        // reload, and the click switches to it.
        await page.context().setOffline(false);
        server.online();
        server.nextVersion();
        await page.reload();
        const banner = page.getByTestId('update-banner');
        await banner.waitFor({ timeout: 60_000 });
        assert.match(await page.getByRole('status').filter({ has: banner }).textContent(), /new version/);
        await screenshot('offline-update-banner');
        await Promise.all([page.waitForEvent('load', { timeout: 60_000 }), banner.getByRole('button', { name: 'Reload' }).click()]);
        await waitForBackend(page);
        assert.equal(await page.evaluate(async () => (await navigator.serviceWorker.getRegistration())?.waiting ?? null), null, 'the new version still waits');
        assert.equal(await banner.count(), 0);
      } finally {
        await page.context().setOffline(false).catch(() => undefined);
        await server.close();
      }
    },
  },
  {
    name: 'offline: a build for an absolute sub-path (BASE=/sub/path/) keeps its worker and caches inside it',
    timeoutMs: 300_000,
    pretrained: true,
    context: { serviceWorkers: 'allow' },
    async fn({ page }) {
      const dir = mkdtempSync(path.join(tmpdir(), 'rewire-lab-offline-'));
      let server;
      try {
        const vite = path.join(ROOT, 'node_modules/.bin/vite');
        const build = spawnSync(vite, ['build', '--outDir', dir, '--emptyOutDir', '--logLevel', 'warn'], {
          cwd: ROOT, encoding: 'utf8', env: { ...process.env, BASE: SUB_PATH },
        });
        assert.equal(build.status, 0, `vite build with BASE=${SUB_PATH} failed:\n${build.stdout}\n${build.stderr}`);
        server = await subPathServer(serveFolder(dir));
        await page.goto(`${server.origin}${SUB_PATH}?panel=draw`);
        await waitForBackend(page);
        await waitForPrecache(page, `${server.origin}${SUB_PATH}sw.js`);
        await waitForRuntimeCache(page, mnistModels().filter((m) => m.strategy === 'dense').map((m) => m.file));
        const scope = await page.evaluate(async () => (await navigator.serviceWorker.getRegistration())?.scope);
        assert.equal(scope, `${server.origin}${SUB_PATH}`);
        await page.context().setOffline(true);
        server.offline();
        // A link with another query is still the page (the navigation fallback), offline too.
        await page.goto(`${server.origin}${SUB_PATH}?seed=3`);
        await waitForBackend(page);
        await page.locator('[data-testid="gallery"][data-dataset="mnist"]').waitFor({ timeout: 60_000 });
        await waitForAllPretrained(page);
        await expectAnswers(page, mnistModels().length);
        assert.deepEqual(server.afterOffline(), [], `requests reached the server while offline: ${server.afterOffline().join(', ')}`);
      } finally {
        await page.context().setOffline(false).catch(() => undefined);
        await server?.close();
        rmSync(dir, { recursive: true, force: true });
      }
    },
  },
];
