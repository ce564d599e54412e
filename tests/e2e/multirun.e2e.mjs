// End-to-end checks of the pool's uses in the Train and Draw panels (issue 15): two tiny trainings
// started one after the other on a two-worker page train side by side and both land in the model
// list; the Draw panel shows every model's probabilities for one drawing.
import assert from 'node:assert/strict';
import { drawSeven, tinyModel } from './shared.mjs';

const BACKEND_TIMEOUT_MS = 60_000;
const RUN_TIMEOUT_MS = 150_000;

async function openPage(page, baseUrl, query) {
  await page.goto(`${baseUrl}${query}`);
  await page.getByTestId('backend-badge').filter({ hasNotText: 'starting' }).waitFor({ timeout: BACKEND_TIMEOUT_MS });
}

/** A small run (H = 16, 600 images, 12 batches an epoch); `long` makes it last seconds (H = 64, 2,000 images, 20 epochs). */
async function fillRun(page, { strategy, seed, long = false }) {
  await page.getByLabel('Strategy').selectOption({ label: strategy });
  await page.getByLabel('Hidden size H').fill(long ? '64' : '16');
  await page.getByLabel('Density').fill(long ? '0.1' : '0.2');
  await page.getByLabel('Epochs').fill(long ? '20' : '3');
  await page.getByLabel('Batch size').fill('50');
  await page.getByLabel('Training-set size', { exact: true }).fill(long ? '2000' : '600');
  await page.getByLabel('Learning rate').fill('0.01');
  await page.getByLabel('Seed').fill(String(seed));
}

export const tests = [
  {
    name: 'train panel: two trainings at once on two workers (the first paused on its own, the second on the other worker), each with its own controls; both land in the model list',
    timeoutMs: 240_000,
    async fn({ page, baseUrl, screenshot }) {
      await openPage(page, baseUrl, '?workers=2&debug=1');
      assert.equal(await page.evaluate(() => window.__rewireLab.workers()), 2);
      const first = 'Run 1 · SET · H=64 · seed 1';
      const second = 'Run 2 · static · H=16 · seed 2';
      await fillRun(page, { strategy: 'adaptive SET', seed: 1, long: true });
      const train = page.getByRole('button', { name: 'Train', exact: true });
      await train.click();
      // Paused once it trains, the first run keeps its worker while the second trains on the other.
      await page.locator('[data-testid="run-status"][data-status="running"]').waitFor({ timeout: 60_000 });
      await page.getByRole('button', { name: 'Pause', exact: true }).click();
      await page.locator('[data-testid="run-status"][data-status="paused"]').waitFor({ timeout: 10_000 });
      assert.equal(await train.isEnabled(), true, 'Train stays available while a run trains');
      await fillRun(page, { strategy: 'static sparse', seed: 2 });
      await train.click();
      const rows = page.getByTestId('run-row');
      await rows.nth(1).waitFor({ timeout: 10_000 });
      assert.deepEqual(await rows.locator('strong').allTextContents(), [second, first]);
      // Two workers, two runs: the second does not wait in the queue.
      assert.notEqual(await rows.first().getAttribute('data-status'), 'queued');
      assert.equal(await rows.nth(1).getAttribute('data-status'), 'paused');
      assert.equal(await page.getByRole('button', { name: `Stop ${first}` }).isEnabled(), true);
      await page.locator('[data-testid="run-row"][data-run="2"][data-status="finished"]').waitFor({ timeout: RUN_TIMEOUT_MS });
      // It trained on the second worker (model ids of later workers carry their prefix).
      assert.match((await rows.first().getAttribute('data-model')) ?? '', /^w1-/);
      assert.equal(await rows.nth(1).getAttribute('data-status'), 'paused');
      await screenshot('multirun-one-paused');

      await page.getByRole('button', { name: `Resume ${first}` }).click();
      await page.locator('[data-testid="run-row"][data-run="1"][data-status="finished"]').waitFor({ timeout: RUN_TIMEOUT_MS })
        .catch(async () => assert.fail(`run 1 did not finish: ${await rows.evaluateAll((els) => els.map((e) => `${e.dataset.status}: ${e.textContent}`))}`));
      const models = page.getByTestId('model-list').locator('tbody tr');
      await models.nth(1).waitFor({ timeout: 10_000 });
      const listed = await models.evaluateAll((trs) => trs.map((tr) => ({ id: tr.dataset.model, text: tr.textContent ?? '', epochs: tr.querySelector('td.accuracies')?.textContent?.trim().split(/\s+/).length })));
      assert.equal(listed.length, 2);
      for (const m of listed) assert.match(m.text, /trained$/);
      const set = listed.find((m) => m.text.startsWith('SET'));
      const stat = listed.find((m) => m.text.startsWith('static'));
      assert.ok(set && stat, JSON.stringify(listed));
      assert.equal(set.epochs, 20);
      assert.equal(stat.epochs, 3);
      assert.ok(!set.id.startsWith('w1-') && stat.id.startsWith('w1-'), JSON.stringify(listed));
      // Show makes the panel, and the Wiring view, follow a run.
      for (const [name, model] of [[second, stat], [first, set]]) {
        await page.getByRole('tab', { name: 'Train' }).click();
        await page.getByRole('button', { name: `Show ${name}` }).click();
        assert.equal(await page.getByRole('button', { name: `Show ${name}` }).getAttribute('aria-pressed'), 'true');
        assert.match((await page.getByTestId('run-status').textContent()) ?? '', new RegExp(`^${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: Finished`));
        if (name === first) await screenshot('multirun-finished');
        await page.getByRole('tab', { name: 'Wiring' }).click();
        assert.equal(await page.getByLabel('Model', { exact: true }).inputValue(), model.id);
      }
    },
  },
  {
    name: 'draw panel: one drawing gets every model\'s probabilities on a two-worker page',
    timeoutMs: 150_000,
    async fn({ page, baseUrl, screenshot }) {
      await openPage(page, baseUrl, '?workers=2');
      // The Robustness panel's model files control loads both (the Draw panel offers its own only while it has none).
      await page.getByRole('tab', { name: 'Robustness' }).click();
      for (const [k, file] of ['set', 'static'].map((strategy) => ({ name: `tiny-${strategy}.rlm`, buffer: tinyModel(strategy) })).entries()) {
        await page.getByLabel('Load model file…').setInputFiles({ name: file.name, mimeType: 'application/octet-stream', buffer: file.buffer });
        await page.getByTestId('model-file-list').locator('li').nth(k).waitFor({ timeout: 30_000 });
      }
      await page.getByRole('tab', { name: 'Draw' }).click();
      await drawSeven(page);
      const blocks = page.locator('[data-testid^="probabilities-"]');
      await page.locator('[data-testid^="probabilities-"][data-current="true"]').nth(1).waitFor({ timeout: 30_000 });
      assert.equal(await blocks.count(), 2);
      const ids = await blocks.evaluateAll((els) => els.map((e) => e.dataset.model));
      // Loaded models are spread over the pool: one on each worker, both answering the one drawing.
      assert.ok(ids.some((id) => id.startsWith('w1-')) && ids.some((id) => !id.startsWith('w1-')), `models ${ids}`);
      for (const k of [0, 1]) {
        const labels = await blocks.nth(k).getByRole('meter').evaluateAll((els) => els.map((e) => e.getAttribute('aria-label')));
        assert.equal(labels.length, 10);
        const total = labels.reduce((s, l) => s + Number(l.split(': ')[1].replace('%', '')), 0);
        assert.ok(Math.abs(total - 100) <= 6, `model ${ids[k]}: probabilities add up to ${total}%`);
      }
      await screenshot('multirun-draw');
    },
  },
];
