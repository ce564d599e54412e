// End-to-end tests of the page in Chromium: backend badge, the gallery of both datasets, and one
// tiny training run on WebGPU (SwiftShader here, asked for by name; so everything is kept small).
import assert from 'node:assert/strict';

const BACKEND_TIMEOUT_MS = 60_000;
// The official test sets begin with these labels.
const FIRST_TEST_LABELS = {
  mnist: ['7', '2', '1', '0', '4'],
  'fashion-mnist': ['Ankle boot', 'Pullover', 'Trouser', 'Trouser', 'Shirt'],
};

async function openPage(page, baseUrl, query = '') {
  await page.goto(`${baseUrl}${query}`);
  const badge = page.getByTestId('backend-badge');
  await badge.filter({ hasNotText: 'starting' }).waitFor({ timeout: BACKEND_TIMEOUT_MS });
  return badge;
}

/** Waits for the gallery of `dataset` and checks its labels and that its first canvases hold a picture. */
async function checkGallery(page, dataset) {
  const gallery = page.locator(`[data-testid="gallery"][data-dataset="${dataset}"]`);
  await gallery.waitFor({ timeout: 60_000 });
  const items = gallery.getByTestId('gallery-item');
  assert.ok((await items.count()) >= 20, `expected about 24 gallery images, got ${await items.count()}`);
  const labels = await items.evaluateAll((els) => els.slice(0, 5).map((el) => el.querySelector('figcaption')?.textContent));
  assert.deepEqual(labels, FIRST_TEST_LABELS[dataset]);
  const stats = await gallery.locator('canvas').evaluateAll((canvases) => canvases.slice(0, 3).map((c) => {
    const { data } = c.getContext('2d').getImageData(0, 0, c.width, c.height);
    let bright = 0;
    const values = new Set();
    for (let i = 0; i < data.length; i += 4) {
      if (data[i] > 128) bright++;
      values.add(data[i]);
    }
    return { bright, distinct: values.size, pixels: data.length / 4 };
  }));
  for (const s of stats) {
    assert.equal(s.pixels, 784);
    // A real 28×28 digit or garment: some dozens of bright pixels and many grey levels.
    assert.ok(s.bright > 30 && s.bright < 700, `a gallery canvas looks blank or full: ${JSON.stringify(s)}`);
    assert.ok(s.distinct > 10, `a gallery canvas has too few grey levels: ${JSON.stringify(s)}`);
  }
}

export const tests = [
  {
    name: 'page loads without errors; a software GPU is passed over for the CPU path unless WebGPU is asked for',
    async fn({ page, baseUrl, screenshot }) {
      // This machine's WebGPU adapter is SwiftShader (a GPU emulated on the CPU): the page runs the
      // sparse CPU path instead and says why.
      let badge = await openPage(page, baseUrl);
      assert.equal((await badge.textContent())?.trim(), 'cpu');
      assert.equal((await page.getByTestId('compute-path').textContent())?.trim(), 'sparse CPU');
      assert.equal((await page.getByTestId('software-gpu-skipped').textContent())?.trim(), '· software GPU passed over');
      const why = await page.locator('.backend').getAttribute('title');
      assert.match(why ?? '', /webgpu: the adapter \(google swiftshader[^)]*\) is a software rasteriser/);
      assert.match(why ?? '', /webgl: the renderer \(.*SwiftShader.*\) is a software rasteriser/i);
      // WebGL by name: used, and marked as software too.
      badge = await openPage(page, baseUrl, '?backend=webgl');
      assert.equal((await badge.textContent())?.trim(), 'webgl');
      assert.equal((await page.getByTestId('software-gpu').textContent())?.trim(), '· software GPU');
      // Asked for by name (?backend=webgpu), WebGPU is used, and the badge says the GPU is software.
      badge = await openPage(page, baseUrl, '?backend=webgpu');
      assert.equal((await badge.textContent())?.trim(), 'webgpu');
      assert.equal((await page.getByTestId('compute-path').textContent())?.trim(), 'masked dense');
      assert.equal((await page.getByTestId('software-gpu').textContent())?.trim(), '· software GPU');
      assert.equal(await page.getByRole('heading', { level: 1 }).textContent(), 'Rewire Lab');
      await page.getByTestId('gallery').waitFor({ timeout: 60_000 });
      await screenshot('page-loaded');
    },
  },
  {
    name: 'gallery shows real test images of both datasets',
    async fn({ page, baseUrl, screenshot }) {
      await openPage(page, baseUrl);
      await checkGallery(page, 'mnist');
      await screenshot('gallery-mnist');
      await page.getByRole('radio', { name: 'Fashion-MNIST' }).check();
      await checkGallery(page, 'fashion-mnist');
      await screenshot('gallery-fashion-mnist');
      await page.getByRole('radio', { name: 'MNIST', exact: true }).check();
      await checkGallery(page, 'mnist');
    },
  },
  {
    name: 'a missing data file shows a dismissible alert naming it',
    allowConsoleErrors: [/Failed to load resource: the server responded with a status of 404/],
    async fn({ page, baseUrl, screenshot }) {
      await page.route('**/data/mnist/t10k-labels-idx1-ubyte.gz', (route) => route.fulfill({ status: 404, body: 'gone' }));
      await page.goto(baseUrl);
      const alert = page.getByRole('alert');
      await alert.waitFor({ timeout: 30_000 });
      const text = (await alert.textContent()) ?? '';
      assert.match(text, /t10k-labels-idx1-ubyte\.gz/);
      assert.match(text, /404/);
      await screenshot('load-error');
      await alert.getByRole('button', { name: /^Dismiss/ }).click();
      await alert.waitFor({ state: 'detached', timeout: 5_000 });
    },
  },
  {
    name: 'a tiny SET network trains from the UI on WebGPU and reports accuracy and rewiring',
    timeoutMs: 150_000,
    async fn({ page, baseUrl, screenshot }) {
      await openPage(page, baseUrl, '?backend=webgpu');
      await page.getByLabel('Strategy').selectOption({ label: 'adaptive SET' });
      await page.getByLabel('Hidden size H').fill('32');
      await page.getByLabel('Density').fill('0.05');
      // Two epochs: the engine rewires between epochs, never after the final one (SET's convention).
      await page.getByLabel('Epochs').fill('2');
      await page.getByLabel('Batch size').fill('64');
      await page.getByLabel('Training-set size', { exact: true }).fill('1000');
      // At H=32 and 5% density the H→H layers hold ~51 links; with the default 1e-3 thirty Adam
      // steps leave the network at chance (0.09 on the CPU path too), 1e-2 reaches ~0.3.
      await page.getByLabel('Learning rate').fill('0.01');
      const train = page.getByRole('button', { name: 'Train', exact: true });
      assert.equal(await train.isEnabled(), true);
      await train.click();
      // The epoch progress bar appears with batches done (the run lasts seconds on SwiftShader).
      const epochBar = page.getByTestId('epoch-progress').getByRole('progressbar');
      await epochBar.waitFor({ timeout: 60_000 });
      assert.ok(Number(await epochBar.getAttribute('aria-valuenow')) > 0);
      assert.match((await page.getByTestId('epoch-progress').textContent()) ?? '', /samples\/s · ETA/);
      await screenshot('training-progress');
      const status = page.getByTestId('run-status');
      await page.locator('[data-testid="run-status"][data-status="finished"], [data-testid="run-status"][data-status="failed"]')
        .waitFor({ timeout: 140_000 });
      assert.equal(await status.getAttribute('data-status'), 'finished', await status.textContent());

      const accuracy = Number(await page.getByTestId('epoch-accuracy').getAttribute('data-value'));
      assert.ok(Number.isFinite(accuracy) && accuracy > 0.1, `test accuracy ${accuracy} is not above chance`);
      const rows = await page.getByTestId('rewire-counts').locator('tbody tr').evaluateAll((trs) =>
        trs.map((tr) => ({ removed: Number(tr.dataset.removed), added: Number(tr.dataset.added), kept: Number(tr.dataset.kept) })));
      assert.equal(rows.length, 3);
      for (const r of rows) {
        assert.ok(r.removed > 0, `no links removed: ${JSON.stringify(rows)}`);
        assert.equal(r.added, r.removed, 'SET grows as many links as it prunes');
      }
      assert.equal(await page.getByTestId('rewire-counts').getAttribute('data-epoch'), '1');
      await page.getByTestId('model-list').locator('tbody tr').first().waitFor();
      await screenshot('trained-set');
    },
  },
];
