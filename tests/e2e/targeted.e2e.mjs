// End-to-end test of the targeted perturbations in the Robustness panel: a tiny SET model trained by the
// CLI is loaded; the Node removal slider and the "Which links" / "Which neurons" choices change its live
// accuracy; a hubs-first neuron-removal sweep draws its curve and exports its order.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { tinyModel } from './shared.mjs';

/** Waits until the live accuracy shown belongs to these sliders (link removal, node removal and orders). */
async function waitShown(page, removal, nodes, linkOrder, nodeOrder) {
  const sel = `[data-testid="live-accuracy"][data-shown="${removal}/0/0/fgsm"][data-targets="${nodes}/${linkOrder}/${nodeOrder}"]`;
  await page.locator(`${sel} [data-testid="live-status"][data-status="ready"]`).waitFor({ timeout: 30_000 });
}

export const tests = [
  {
    name: 'targeted: node removal and the order choices change a loaded model\'s accuracy; a hubs-first sweep draws',
    timeoutMs: 360_000,
    async fn({ page, baseUrl, screenshot }) {
      const modelText = tinyModel('set');
      await page.goto(baseUrl);
      await page.getByTestId('backend-badge').filter({ hasNotText: 'starting' }).waitFor({ timeout: 60_000 });
      await page.getByRole('tab', { name: 'Robustness' }).click();
      await page.getByTestId('robustness-panel').waitFor();
      await page.getByLabel('Load model file…').setInputFiles({ name: 'tiny-set.rlm', mimeType: 'application/octet-stream', buffer: modelText });
      const row = page.getByTestId('model-file-list').locator('li').filter({ hasText: 'from tiny-set.rlm' });
      await row.waitFor({ timeout: 20_000 });
      const modelId = await row.getAttribute('data-model');
      const accuracy = async () => Number(await page.getByTestId(`live-accuracy-${modelId}`).getAttribute('data-value'));

      await waitShown(page, 0, 0, 'random', 'random');
      const clean = await accuracy();
      assert.ok(clean > 0.5, `the tiny model should be well above chance, got ${clean}`);

      await page.getByLabel('Node removal', { exact: true }).fill('50');
      await waitShown(page, 0, 0.5, 'random', 'random');
      const randomNodes = await accuracy();
      assert.ok(randomNodes < clean, `removing half the neurons at random should cost accuracy: ${clean} → ${randomNodes}`);
      // The live figure carries its draws and a 95% interval: neurons at random are drawn three times.
      const card = page.getByTestId(`live-accuracy-${modelId}`);
      await page.locator(`[data-testid="live-accuracy-${modelId}"][data-draws="3"][data-wanted="3"]`).waitFor({ timeout: 60_000 });
      const drawsLine = await page.getByTestId(`live-draws-${modelId}`).textContent();
      const m = drawsLine.match(/^3 draws of the network trained with seed 7: mean (\d+\.\d)% \[95% CI (-?\d+\.\d)%–(\d+\.\d)%\]$/);
      assert.ok(m, `the draws line: ${drawsLine}`);
      const [low, high] = (await card.getAttribute('data-ci')).split('/').map(Number);
      assert.ok(low <= Number(m[1]) / 100 + 1e-3 && Number(m[1]) / 100 - 1e-3 <= high, `mean ${m[1]}% inside [${low}, ${high}]`);
      await page.getByLabel('Which neurons').selectOption({ label: 'strongest first' });
      await waitShown(page, 0, 0.5, 'random', 'strength');
      const strongNodes = await accuracy();
      // Strongest first makes no random choice: one draw, and the card says so.
      await page.locator(`[data-testid="live-accuracy-${modelId}"][data-draws="1"][data-wanted="1"]`).waitFor({ timeout: 30_000 });
      assert.match(await page.getByTestId(`live-draws-${modelId}`).textContent(), /^1 draw of the network trained with seed 7: this setting makes no random choice$/);
      assert.ok(strongNodes < randomNodes, `the strongest neurons first should hurt more than random: ${randomNodes} vs ${strongNodes}`);

      await page.getByLabel('Node removal', { exact: true }).fill('0');
      await waitShown(page, 0, 0, 'random', 'strength');
      assert.equal(await accuracy(), clean, 'no neuron removed is the clean accuracy again');
      await page.getByLabel('Link removal', { exact: true }).fill('30');
      await waitShown(page, 0.3, 0, 'random', 'strength');
      const randomLinks = await accuracy();
      await page.getByLabel('Which links').selectOption({ label: 'strongest first' });
      await waitShown(page, 0.3, 0, 'strongest', 'strength');
      const strongLinks = await accuracy();
      assert.ok(strongLinks < randomLinks, `the largest |w| first should hurt more than random removal: ${randomLinks} vs ${strongLinks}`);
      await screenshot('targeted-live');

      await page.getByLabel('Link removal', { exact: true }).fill('0');
      await page.getByLabel('Perturbation').selectOption({ label: 'Neuron removal' });
      await page.getByLabel('Which go first').selectOption({ label: 'hubs (most links) first' });
      await page.getByLabel('Repeats').fill('2');
      await page.getByRole('button', { name: 'Run sweep' }).click();
      const chart = page.getByTestId('robustness-chart');
      await chart.waitFor({ timeout: 60_000 });
      assert.equal(await chart.getAttribute('data-kind'), 'node-removal');
      assert.equal(await chart.locator('path.mean-line').count(), 1);
      assert.match(await chart.locator('path.mean-line').getAttribute('d'), /^M[\d.,-]+(L[\d.,-]+){9}$/);
      assert.match(await chart.textContent(), /Fraction of hidden neurons removed/);
      assert.match(await chart.textContent(), /Removed hubs \(most links\) first/);
      const csvDownload = page.waitForEvent('download');
      await page.getByRole('button', { name: 'Export CSV' }).click();
      const download = await csvDownload;
      assert.equal(download.suggestedFilename(), 'robustness-mnist-node-removal-degree.csv');
      const csv = readFileSync(await download.path(), 'utf8').trim().split('\n');
      assert.equal(csv.length, 11, 'a header and one row per level');
      assert.match(csv[1], new RegExp(`^${modelId},tiny-set,mnist,node-removal,node-removal,0,2,all,.*,degree,1,`));
      await chart.scrollIntoViewIfNeeded();
      await screenshot('targeted-sweep');
    },
  },
];
