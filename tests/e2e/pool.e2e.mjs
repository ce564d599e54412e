// End-to-end checks of issue 15 on this machine's SwiftShader WebGPU (asked for by name): the fused
// step's self-check passes there, and a forced mismatch makes the page train with the plain ops and
// say so in the badge. And the training set: each worker that trains fetches it itself, or, on a page
// served cross-origin isolated, one worker parses it into shared memory for all.
import assert from 'node:assert/strict';
import { createServer, request } from 'node:http';

/** `baseUrl`'s site behind a proxy that adds COOP/COEP, so the page is cross-origin isolated. */
function isolatedProxy(baseUrl) {
  const server = createServer((req, res) => {
    const upstream = request(new URL(req.url ?? '/', baseUrl), { method: req.method, headers: { ...req.headers, host: new URL(baseUrl).host } }, (up) => {
      res.writeHead(up.statusCode ?? 502, { ...up.headers, 'cross-origin-opener-policy': 'same-origin', 'cross-origin-embedder-policy': 'require-corp' });
      up.pipe(res);
    });
    upstream.on('error', () => res.writeHead(502).end());
    req.pipe(upstream);
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({ url: `http://127.0.0.1:${server.address().port}/`, close: () => new Promise((r) => server.close(r)) })));
}

/** The Experiment's Quick step (SET and static at once, one per worker) on 2 workers: its table, and how often the training images were fetched. */
async function quickStepOnTwo(page, siteUrl) {
  const fetched = [];
  const count = (r) => { if (/\/train-images-idx3-ubyte\.gz/.test(r.url())) fetched.push(r.url()); };
  page.on('request', count);
  try {
    await page.goto(`${siteUrl}?panel=experiment&workers=2`);
    await page.getByTestId('backend-badge').filter({ hasNotText: 'starting' }).waitFor({ timeout: 60_000 });
    const isolated = await page.evaluate(() => globalThis.crossOriginIsolated === true);
    await page.getByLabel('Size').selectOption('quick');
    await page.getByRole('button', { name: 'Run with weight decay' }).click();
    const status = page.getByTestId('experiment-status');
    await page.locator('[data-testid="experiment-status"]:is([data-phase="done"], [data-phase="failed"], [data-phase="stopped"])').waitFor({ timeout: 170_000 });
    assert.equal(await status.getAttribute('data-phase'), 'done', await status.textContent());
    const table = await page.getByTestId('experiment-results').locator('tbody tr').evaluateAll((trs) =>
      trs.map((tr) => ({ run: tr.dataset.run, accuracy: tr.dataset.accuracy, removal30: tr.dataset.removal30, gini: tr.dataset.gini })));
    return { isolated, fetches: fetched.length, table };
  } finally {
    page.off('request', count);
  }
}

async function openWebGpu(page, baseUrl, extra) {
  await page.goto(`${baseUrl}?backend=webgpu&workers=1&debug=1${extra}`);
  const badge = page.getByTestId('backend-badge');
  await badge.filter({ hasNotText: 'starting' }).waitFor({ timeout: 120_000 });
  assert.equal((await badge.textContent())?.trim(), 'webgpu');
  return page.locator('.backend');
}

export const tests = [
  {
    name: 'pool: the fused WebGPU step passes its self-check; a forced mismatch falls back to the plain ops and says so',
    timeoutMs: 240_000,
    async fn({ page, baseUrl, screenshot }) {
      let backend = await openWebGpu(page, baseUrl, '');
      assert.match((await backend.getAttribute('title')) ?? '', /Fused WebGPU step checked against the plain ops: relative error/);
      assert.equal(await page.getByTestId('self-check-failed').count(), 0);

      backend = await openWebGpu(page, baseUrl, '&selfcheck=fail');
      await page.getByTestId('self-check-failed').waitFor({ timeout: 10_000 });
      assert.match((await backend.getAttribute('title')) ?? '', /failed its self-check .* training uses the plain ops/);
      assert.match((await page.getByRole('alert').textContent()) ?? '', /disagreed with the plain ops .*failure forced by the debug hook.*so training uses the plain ops/);
      await screenshot('pool-self-check-failed');
    },
  },
  {
    name: 'pool: each worker that trains fetches the training set; cross-origin isolated, one worker parses it for both',
    timeoutMs: 420_000,
    async fn({ page, baseUrl }) {
      // vite preview sends no COOP/COEP (nor do static hosts like GitHub Pages): each of the two workers
      // that train fetches the training set itself (the page never does).
      const own = await quickStepOnTwo(page, baseUrl);
      assert.equal(own.isolated, false);
      assert.equal(own.fetches, 2, 'one fetch of the training images per worker that trains');
      assert.deepEqual(own.table.map((r) => r.run), ['decay:set', 'decay:static']);
      const proxy = await isolatedProxy(baseUrl);
      try {
        const shared = await quickStepOnTwo(page, proxy.url);
        assert.equal(shared.isolated, true);
        assert.equal(shared.fetches, 1, 'one worker fetches the training images into shared memory');
        assert.deepEqual(shared.table, own.table);
      } finally {
        await proxy.close();
      }
    },
  },
];
