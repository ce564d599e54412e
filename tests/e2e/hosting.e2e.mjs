// End-to-end tests of the hosted page: a build under a sub-path served by a plain static server,
// links that restore the state (and ignore hostile parameters), keyboard shortcuts, presentation
// mode, the pretrained-models status line, and screenshots at projector and tablet sizes.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const SUB_PATH = '/rewire-lab/';
const BACKEND_TIMEOUT_MS = 60_000;
const MIME = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.mjs': 'text/javascript', '.css': 'text/css',
  '.json': 'application/json', '.gz': 'application/gzip', '.wasm': 'application/wasm', '.svg': 'image/svg+xml',
  '.png': 'image/png', '.ico': 'image/x-icon', '.txt': 'text/plain',
};

/** A static server that knows nothing of the app: /rewire-lab/* maps to `dir`, everything else is 404. */
function serveUnder(dir) {
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname === SUB_PATH.slice(0, -1)) {
      res.writeHead(301, { location: SUB_PATH });
      res.end();
      return;
    }
    if (!url.pathname.startsWith(SUB_PATH)) {
      res.writeHead(404).end('outside the sub-path');
      return;
    }
    let rel = decodeURIComponent(url.pathname.slice(SUB_PATH.length));
    if (rel === '' || rel.endsWith('/')) rel += 'index.html';
    const file = path.resolve(dir, rel);
    if (!file.startsWith(dir + path.sep) || !existsSync(file) || !statSync(file).isFile()) {
      res.writeHead(404).end('not found');
      return;
    }
    res.writeHead(200, { 'content-type': MIME[path.extname(file)] ?? 'application/octet-stream' });
    res.end(readFileSync(file));
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => resolve({ server, port: server.address().port }));
  });
}

async function waitForBackend(page) {
  await page.getByTestId('backend-badge').filter({ hasNotText: 'starting' }).waitFor({ timeout: BACKEND_TIMEOUT_MS });
}

/** The query the page has written into its address bar, as an object. */
async function urlParams(page) {
  return Object.fromEntries(new URL(page.url()).searchParams);
}

async function waitForQuery(page, predicate, what) {
  await page.waitForFunction(predicate, undefined, { timeout: 10_000 }).catch(() => {
    throw new Error(`the address bar never showed ${what}; it shows ${page.url()}`);
  });
}

/**
 * Builds the page with `base` (undefined = the default "./") into a temporary folder, serves it under
 * /rewire-lab/ with the plain server above, and checks that it loads both datasets and its models
 * status without a request leaving the sub-path or any 404 but a missing models/index.json.
 */
async function checkServedBuild(page, base, screenshot) {
  const dir = mkdtempSync(path.join(tmpdir(), 'rewire-lab-subpath-'));
  let served;
  try {
    const env = { ...process.env };
    if (base === undefined) delete env.BASE;
    else env.BASE = base;
    const vite = path.join(ROOT, 'node_modules/.bin/vite');
    const build = spawnSync(vite, ['build', '--outDir', dir, '--emptyOutDir', '--logLevel', 'warn'], { cwd: ROOT, encoding: 'utf8', env });
    assert.equal(build.status, 0, `vite build with BASE=${base} failed:\n${build.stdout}\n${build.stderr}`);
    const html = readFileSync(path.join(dir, 'index.html'), 'utf8');
    const scriptBase = base ?? './';
    assert.ok(html.includes(`src="${scriptBase}assets/`), `index.html does not load its script from ${scriptBase}assets/`);
    const hasIndex = existsSync(path.join(dir, 'models', 'index.json'));

    served = await serveUnder(dir);
    const origin = `http://127.0.0.1:${served.port}`;
    const outside = [];
    const missing = [];
    page.on('request', (r) => {
      const u = new URL(r.url());
      // The address typed without its trailing slash is redirected; every other request must stay inside.
      if (u.origin === origin && !u.pathname.startsWith(SUB_PATH) && u.pathname !== SUB_PATH.slice(0, -1)) outside.push(u.pathname);
    });
    page.on('response', (r) => { if (r.status() === 404) missing.push(new URL(r.url()).pathname); });

    await page.goto(`${origin}/rewire-lab`);
    await waitForBackend(page);
    assert.equal(new URL(page.url()).pathname, SUB_PATH);
    await page.locator('[data-testid="gallery"][data-dataset="mnist"]').waitFor({ timeout: 60_000 });
    await page.getByRole('radio', { name: 'Fashion-MNIST' }).check();
    await page.locator('[data-testid="gallery"][data-dataset="fashion-mnist"]').waitFor({ timeout: 60_000 });
    const status = page.getByTestId('pretrained-status');
    // The status line tells the truth about the build: its models with their accuracy, or none.
    const expected = hasIndex ? /Loaded pretrained .*\(\d+\.\d%\)/ : /^No pretrained models in this build\.$/;
    await status.filter({ hasText: expected }).waitFor({ timeout: 30_000 });
    // The address bar keeps the sub-path while it follows the state.
    await waitForQuery(page, () => location.search.includes('dataset=fashion-mnist'), 'dataset=fashion-mnist');
    assert.equal(new URL(page.url()).pathname, SUB_PATH);
    await screenshot(`hosted-subpath-${base === undefined ? 'relative' : 'absolute'}`);

    assert.deepEqual(outside, [], `requests left the sub-path: ${outside.join(', ')}`);
    const expected404 = hasIndex ? [] : [`${SUB_PATH}models/index.json`];
    assert.deepEqual([...new Set(missing)], expected404, `unexpected 404s: ${missing.join(', ')}`);
  } finally {
    served?.server.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Trains a tiny model with the lab's CLI (sparse CPU path, seconds) and writes it to `file`. */
/** The JSON header of a binary model file ("RWLM", uint32 LE header length, header). */
function modelHeader(bytes) {
  assert.equal(bytes.subarray(0, 4).toString('latin1'), 'RWLM');
  return JSON.parse(bytes.subarray(8, 8 + bytes.readUInt32LE(4)).toString('utf8'));
}

function trainTinyModel(strategy, file) {
  return new Promise((resolve, reject) => {
    const args = ['src/cli/lab.ts', 'train', '--strategy', strategy, '--hidden', '32', '--density', '0.05', '--epochs', '1',
      '--train-limit', '2000', '--batch', '64', '--lr', '0.01', '--out', file];
    const child = spawn(path.join(ROOT, 'node_modules/.bin/tsx'), args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d) => { output += d; });
    child.stderr.on('data', (d) => { output += d; });
    child.once('exit', (code) => (code === 0 && existsSync(file) ? resolve() : reject(new Error(`lab train ${strategy} failed (${code}):\n${output}`))));
  });
}

/**
 * Serves tiny pretrained models to `page` in place of models/: SET and static trained now by the CLI
 * into `dir`, a truncated dense file (which must be refused) and a Fashion-MNIST entry (which must
 * not be fetched while MNIST is shown). Returns the files' accuracies and the names fetched, in order.
 */
export async function routeTinyPretrained(page, dir) {
  await Promise.all([trainTinyModel('set', path.join(dir, 'mnist-set.json')), trainTinyModel('static', path.join(dir, 'mnist-static.json'))]);
  const accuracyOf = (file) => modelHeader(readFileSync(path.join(dir, file))).testAccuracy;
  const index = [
    { file: 'mnist-set.json', dataset: 'mnist', strategy: 'set', weightDecay: 1e-4, testAccuracy: accuracyOf('mnist-set.json'), sizeBytes: 20_000 },
    { file: 'mnist-static.json', dataset: 'mnist', strategy: 'static', weightDecay: 1e-4, testAccuracy: accuracyOf('mnist-static.json'), sizeBytes: 19_000 },
    { file: 'mnist-dense.json', dataset: 'mnist', strategy: 'dense', weightDecay: 1e-4, testAccuracy: 0.98, sizeBytes: 12_000_000 },
    { file: 'fashion-mnist-set.json', dataset: 'fashion-mnist', strategy: 'set', weightDecay: 1e-4, testAccuracy: 0.85, sizeBytes: 20_000 },
  ];
  const served = [];
  await page.route('**/models/*', (route) => {
    const name = new URL(route.request().url()).pathname.split('/').pop();
    served.push(name);
    if (name === 'index.json') return route.fulfill({ contentType: 'application/json', body: JSON.stringify({ models: index }) });
    // A truncated download: the worker's validation must refuse it.
    if (name === 'mnist-dense.json') return route.fulfill({ contentType: 'application/json', body: '{"format":"rewire-lab-model","version":1,"layers":[' });
    const file = path.join(dir, name);
    return existsSync(file) ? route.fulfill({ contentType: 'application/octet-stream', body: readFileSync(file) }) : route.fulfill({ status: 404, body: '' });
  });
  return { accuracyOf, served };
}

// Without models/index.json a static server answers 404 for it; checkServedBuild checks it is the only one.
const ALLOW_MISSING_INDEX = [/Failed to load resource: the server responded with a status of 404/];

export const tests = [
  {
    name: 'a build with BASE=/rewire-lab/ works from a plain static server under that sub-path',
    // The build's own models/index.json is served as it is (the runner's empty index is for other tests).
    pretrained: true,
    allowConsoleErrors: ALLOW_MISSING_INDEX,
    async fn({ page, screenshot }) {
      await checkServedBuild(page, SUB_PATH, screenshot);
    },
  },
  {
    name: 'the default relative build works from any folder of a static server',
    // The build's own models/index.json is served as it is (the runner's empty index is for other tests).
    pretrained: true,
    allowConsoleErrors: ALLOW_MISSING_INDEX,
    async fn({ page, screenshot }) {
      await checkServedBuild(page, undefined, screenshot);
    },
  },
  {
    name: 'pretrained models load on a first visit, feed the Robustness panel, and a broken one is reported',
    timeoutMs: 90_000,
    async fn({ page, baseUrl, screenshot }) {
      const dir = mkdtempSync(path.join(tmpdir(), 'rewire-lab-models-'));
      try {
        const { accuracyOf, served } = await routeTinyPretrained(page, dir);
        await page.goto(`${baseUrl}?panel=robustness`);
        const status = page.getByTestId('pretrained-status');
        await status.filter({ hasText: /^Loaded pretrained static \(\d+\.\d%\), SET \(\d+\.\d%\)$/ }).waitFor({ timeout: 60_000 });
        const error = page.getByTestId('pretrained-error');
        await error.waitFor();
        assert.match((await error.textContent()) ?? '', /pretrained dense model \(models\/mnist-dense\.json\)/);
        assert.deepEqual(served.slice(0, 4), ['index.json', 'mnist-static.json', 'mnist-set.json', 'mnist-dense.json'], 'smallest first, only this dataset');
        assert.equal(await page.getByTestId('model-load-error').count(), 0, 'the failure is reported once, by the pretrained notice');
        assert.equal(await page.locator('.error-banner').count(), 0, 'the failure is reported once, by the pretrained notice');

        // The loaded models are evaluated live on the full test set: the accuracy their files claim.
        const cards = page.locator('[data-testid^="live-accuracy-"][data-value]:not([data-value=""])');
        await page.waitForFunction(() => document.querySelectorAll('[data-testid^="live-accuracy-"][data-value]:not([data-value=""])').length === 2, undefined, { timeout: 30_000 });
        const values = (await cards.evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-value'))))).sort();
        const claimed = [accuracyOf('mnist-set.json'), accuracyOf('mnist-static.json')].sort();
        for (let i = 0; i < 2; i++) assert.ok(Math.abs(values[i] - claimed[i]) < 2e-3, `live accuracy ${values} vs the files' ${claimed}`);
        await screenshot('pretrained-loaded');

        // The sliders act on them at once (shortcut r: 5% more links removed, six times).
        await page.getByRole('heading', { level: 1 }).click();
        for (let i = 0; i < 6; i++) await page.keyboard.press('r');
        await page.locator('[data-testid="live-accuracy"][data-shown^="0.3/"]').waitFor({ timeout: 30_000 });
        await error.getByRole('button', { name: 'Dismiss' }).click();
        await error.waitFor({ state: 'detached' });
        assert.equal(served.includes('fashion-mnist-set.json'), false);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  },
  {
    name: 'a link restores dataset, settings, panel and presentation mode; hostile parameters are ignored',
    async fn({ page, baseUrl, screenshot }) {
      const hostile = '<img src=x onerror="window.__pwned=1">';
      const query = `?dataset=fashion-mnist&strategy=static&hidden=300&epochs=2&weightDecay=0&present=1`
        + `&panel=${encodeURIComponent(hostile)}&${encodeURIComponent(hostile)}=1&hidden=999&lr=1e999`;
      await page.goto(`${baseUrl}${query}`);
      await waitForBackend(page);
      assert.equal(await page.getByRole('radio', { name: 'Fashion-MNIST' }).isChecked(), true);
      assert.equal(await page.getByLabel('Strategy').inputValue(), 'static');
      assert.equal(await page.getByLabel('Hidden size H').inputValue(), '300');
      assert.equal(await page.getByLabel('Epochs').inputValue(), '2');
      assert.equal(await page.getByLabel('Weight decay').inputValue(), '0');
      assert.equal(await page.getByLabel('Learning rate').inputValue(), '0.001');
      assert.equal(await page.getByRole('button', { name: 'Presentation mode' }).getAttribute('aria-pressed'), 'true');
      assert.equal(await page.evaluate(() => document.documentElement.classList.contains('presenting')), true);
      assert.equal(await page.getByRole('tab', { name: 'Train' }).getAttribute('aria-selected'), 'true');

      const notice = page.getByTestId('url-notice');
      const text = (await notice.textContent()) ?? '';
      assert.match(text, /panel \(not a valid value\)/);
      assert.match(text, /hidden \(repeated\)/);
      assert.match(text, /lr \(not a valid value\)/);
      assert.match(text, /<img src=x onerror=.* \(unknown setting\)/, 'the unknown key is shown as text');
      assert.equal(await page.locator('img[src="x"]').count(), 0, 'a parameter became markup');
      assert.equal(await page.evaluate(() => window.__pwned), undefined);

      // The address bar drops what was ignored and follows every change.
      await waitForQuery(page, () => !location.search.includes('img'), 'the link without the ignored keys');
      assert.deepEqual(await urlParams(page), { dataset: 'fashion-mnist', strategy: 'static', hidden: '300', epochs: '2', weightDecay: '0', present: '1' });
      await page.getByLabel('Hidden size H').fill('500');
      await page.getByLabel('Seed').fill('7');
      await page.getByRole('button', { name: 'Presentation mode' }).click();
      // "Copy link" writes the newest state at once (no waiting for the address bar's debounce).
      await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: new URL(baseUrl).origin });
      await page.getByRole('button', { name: 'Copy link' }).click();
      await page.getByTestId('copy-status').filter({ hasText: 'Link copied' }).waitFor({ timeout: 5_000 });
      const link = await page.evaluate(() => navigator.clipboard.readText());
      assert.equal(link, page.url());
      const copied = Object.fromEntries(new URL(link).searchParams);
      assert.deepEqual(copied, { dataset: 'fashion-mnist', strategy: 'static', hidden: '500', epochs: '2', weightDecay: '0', seed: '7' });
      await notice.getByRole('button', { name: 'Dismiss' }).click();
      await notice.waitFor({ state: 'detached' });

      // Opening the link in a fresh page restores it all.
      await page.goto('about:blank');
      await page.goto(link);
      await waitForBackend(page);
      assert.equal(await page.getByLabel('Hidden size H').inputValue(), '500');
      assert.equal(await page.getByLabel('Seed').inputValue(), '7');
      assert.equal(await page.getByLabel('Strategy').inputValue(), 'static');
      assert.equal(await page.getByRole('radio', { name: 'Fashion-MNIST' }).isChecked(), true);
      assert.equal(await page.getByRole('button', { name: 'Presentation mode' }).getAttribute('aria-pressed'), 'false');
      assert.equal(await page.getByTestId('url-notice').count(), 0);
      await screenshot('link-restored');

      // Slider values and the panel come back too.
      await page.goto(`${baseUrl}?removal=0.3&shuffle=0.05&eps=0.1&attack=noise&panel=robustness`);
      await waitForBackend(page);
      assert.equal(await page.getByRole('tab', { name: 'Robustness' }).getAttribute('aria-selected'), 'true');
      assert.equal(await page.getByRole('slider', { name: 'Link removal' }).inputValue(), '30');
      assert.equal(await page.getByRole('slider', { name: 'Weight shuffling' }).inputValue(), '5');
      assert.equal(await page.getByRole('slider', { name: 'Adversarial ε' }).inputValue(), '0.1');
      assert.equal(await page.getByLabel('Attack').inputValue(), 'noise');
    },
  },
  {
    name: 'keyboard shortcuts switch panels, toggle presentation mode and train, never while typing',
    async fn({ page, baseUrl }) {
      await page.goto(`${baseUrl}?hidden=16&epochs=1&trainLimit=256&batch=64`);
      await waitForBackend(page);
      const tabs = page.getByRole('tab');
      const count = await tabs.count();
      const selected = () => page.locator('[role="tab"][aria-selected="true"]').getAttribute('id');
      const ids = await tabs.evaluateAll((els) => els.map((e) => e.id));

      await page.keyboard.press('?');
      const dialog = page.getByRole('dialog', { name: 'Keyboard shortcuts' });
      await dialog.waitFor();
      assert.match((await dialog.textContent()) ?? '', /Train, pause or resume/);
      await page.keyboard.press('n'); // ignored while the dialog is open
      assert.equal(await selected(), ids[0]);
      await page.keyboard.press('Escape');
      await dialog.waitFor({ state: 'hidden' });

      await page.keyboard.press('n');
      assert.equal(await selected(), ids[1 % count]);
      await page.keyboard.press('p');
      assert.equal(await selected(), ids[0]);
      await page.keyboard.press('p');
      assert.equal(await selected(), ids[count - 1]);
      await page.keyboard.press('1');
      assert.equal(await selected(), 'tab-train');
      await waitForQuery(page, () => !location.search.includes('panel='), 'no panel key on the first panel');
      if (count > 1) {
        await page.keyboard.press('2');
        assert.equal(await selected(), ids[1]);
        await waitForQuery(page, () => location.search.includes('panel='), 'the second panel in the link');
        await page.keyboard.press('1');
      }

      await page.keyboard.press('m');
      assert.equal(await page.evaluate(() => document.documentElement.classList.contains('presenting')), true);
      await page.keyboard.press('m');
      assert.equal(await page.evaluate(() => document.documentElement.classList.contains('presenting')), false);

      // Slider shortcuts move the Robustness panel's sliders and the link follows.
      await page.getByRole('tab', { name: 'Robustness' }).click();
      const removal = page.getByRole('slider', { name: 'Link removal' });
      const epsilon = page.getByRole('slider', { name: 'Adversarial ε' });
      for (const key of ['r', 'r', 'r', 'R', 'e', 'e', 'a']) await page.keyboard.press(key);
      assert.equal(await removal.inputValue(), '10');
      assert.equal(await epsilon.inputValue(), '0.04');
      assert.equal(await page.getByLabel('Attack').inputValue(), 'pgd');
      assert.equal(await page.getByTestId('shortcut-announcement').textContent(), 'Attack: PGD');
      await waitForQuery(page, () => location.search.includes('removal=0.1&eps=0.04&attack=pgd'), 'removal=0.1&eps=0.04&attack=pgd');
      await page.keyboard.press('0');
      assert.equal(await removal.inputValue(), '0');
      assert.equal(await epsilon.inputValue(), '0');
      await page.keyboard.press('1');

      // Typing into a field is typing, not shortcuts.
      const hidden = page.getByLabel('Hidden size H');
      await hidden.focus();
      await page.keyboard.type('2');
      assert.equal(await hidden.inputValue(), '162');
      await page.keyboard.press('n');
      await page.keyboard.press('m');
      await page.keyboard.press('t');
      assert.equal(await selected(), 'tab-train');
      assert.equal(await page.evaluate(() => document.documentElement.classList.contains('presenting')), false);
      assert.equal(await page.getByTestId('run-status').getAttribute('data-status'), 'idle');

      // "t" starts a run from anywhere on the page; Stop ends it. The training set's download is held
      // back (never answered) so no 47 MB load outlives the test.
      await page.route('**/train-*-idx*-ubyte.gz', () => undefined);
      await hidden.fill('16');
      await page.getByRole('heading', { level: 1 }).click();
      await page.keyboard.press('t');
      await page.locator('[data-testid="run-status"][data-status="loading-data"]').waitFor({ timeout: 5_000 });
      assert.equal(await page.getByTestId('shortcut-announcement').textContent(), 'Training started');
      await page.getByRole('button', { name: 'Stop' }).click();
      await page.locator('[data-testid="run-status"][data-status="stopped"]').waitFor({ timeout: 5_000 });
      // With settings that cannot train, "t" says so instead of starting.
      await page.getByLabel('Batch size').fill('512');
      await page.getByLabel('Training-set size', { exact: true }).fill('256');
      await page.getByRole('heading', { level: 1 }).click();
      await page.keyboard.press('t');
      assert.match((await page.getByTestId('shortcut-announcement').textContent()) ?? '', /settings have problems/);
      assert.equal(await page.getByTestId('run-status').getAttribute('data-status'), 'stopped');
    },
  },
  {
    name: 'presentation mode and tablet layout are readable on every panel (screenshots at 1280×720 and 768×1024)',
    async fn({ page, baseUrl }) {
      const shot = (name) => page.screenshot({ path: path.join(ROOT, `tests/e2e/artifacts/${name}.png`) });
      const sideways = () => page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
      const tabs = page.getByRole('tab');
      await page.setViewportSize({ width: 1280, height: 720 });
      await page.goto(baseUrl);
      await waitForBackend(page);
      await page.getByTestId('gallery').waitFor({ timeout: 60_000 });
      const normalSize = await page.evaluate(() => parseFloat(getComputedStyle(document.documentElement).fontSize));
      await shot('projector-1280x720-normal');
      await page.getByRole('button', { name: 'Presentation mode' }).click();
      const presentSize = await page.evaluate(() => parseFloat(getComputedStyle(document.documentElement).fontSize));
      assert.ok(presentSize >= normalSize * 1.2, `presentation type ${presentSize}px is not larger than ${normalSize}px`);
      assert.equal(await page.locator('.panel-caption').isVisible(), true, 'the panel caption shows in presentation mode');
      // The header fits one row on a projector, so the panel starts high on the screen.
      const headerHeight = await page.locator('.app-header').evaluate((el) => el.getBoundingClientRect().height);
      assert.ok(headerHeight < 90, `the header is ${headerHeight}px tall at 1280×720 in presentation mode`);

      const count = await tabs.count();
      for (let i = 0; i < count; i++) {
        await tabs.nth(i).click();
        const id = (await tabs.nth(i).getAttribute('id')).replace(/^tab-/, '');
        assert.ok(await sideways() <= 0, `the ${id} panel scrolls sideways at 1280×720 in presentation mode`);
        if (i === 0) await page.getByText('What am I looking at?').click();
        await shot(`projector-1280x720-presenting-${id}`);
      }
      await page.getByRole('button', { name: 'Presentation mode' }).click();

      await page.setViewportSize({ width: 768, height: 1024 });
      for (let i = 0; i < count; i++) {
        await tabs.nth(i).click();
        const id = (await tabs.nth(i).getAttribute('id')).replace(/^tab-/, '');
        assert.ok(await sideways() <= 0, `the ${id} panel scrolls sideways at 768×1024`);
        const layouts = await page.locator('main .layout').evaluateAll((els) => els.map((el) => getComputedStyle(el).gridTemplateColumns.split(' ').length));
        assert.ok(layouts.every((n) => n === 1), `the ${id} panel keeps ${layouts.join('/')} columns on a 768 px tablet`);
        await page.screenshot({ path: path.join(ROOT, `tests/e2e/artifacts/tablet-768x1024-${id}.png`), fullPage: true });
      }
    },
  },
];
