// End-to-end test of the Robustness panel: a tiny SET model trained by the CLI (seconds, sparse CPU
// path) is loaded through the file input; each slider changes the live accuracy; a bad file is refused
// with a message; a sweep draws curves; the model and the curves export as files.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { modelHeader, ROOT, tinyModel } from './shared.mjs';

const AXE = path.join(ROOT, 'node_modules/axe-core/axe.min.js');

async function openRobustness(page, baseUrl) {
  await page.goto(baseUrl);
  await page.getByTestId('backend-badge').filter({ hasNotText: 'starting' }).waitFor({ timeout: 60_000 });
  await page.getByRole('tab', { name: 'Robustness' }).click();
  await page.getByTestId('robustness-panel').waitFor();
}

/** Loads a model file through the file input; resolves to the model's id once it is in the list. */
async function loadModel(page, fileName, text) {
  await page.getByLabel('Load model file…').setInputFiles({ name: fileName, mimeType: 'application/json', buffer: Buffer.from(text) });
  const row = page.getByTestId('model-file-list').locator('li').filter({ hasText: `from ${fileName}` });
  await row.waitFor({ timeout: 20_000 });
  return { row, modelId: await row.getAttribute('data-model') };
}

/** Sets a slider and waits until the live accuracy shown belongs to the sliders' new values. */
async function setSlider(page, label, value) {
  await page.getByLabel(label, { exact: true }).fill(String(value));
  const shown = await page.evaluate(() => {
    const v = (id) => Number(document.getElementById(id).value);
    const attack = document.getElementById('robustness-attack').value;
    return `${v('robustness-removal') / 100}/${v('robustness-shuffle') / 100}/${v('robustness-epsilon')}/${attack}`;
  });
  await page.locator(`[data-testid="live-accuracy"][data-shown="${shown}"] [data-testid="live-status"][data-status="ready"]`).waitFor({ timeout: 30_000 });
}

async function liveAccuracy(page, modelId) {
  return Number(await page.getByTestId(`live-accuracy-${modelId}`).getAttribute('data-value'));
}

export const tests = [
  {
    name: 'robustness: sliders change a loaded model\'s live accuracy; a sweep draws curves',
    timeoutMs: 90_000,
    async fn({ page, baseUrl, screenshot }) {
      const modelText = tinyModel();
      await openRobustness(page, baseUrl);
      const { row, modelId } = await loadModel(page, 'tiny-set.json', modelText);
      await page.locator('[data-testid="live-accuracy"][data-shown="0/0/0/fgsm"] [data-testid="live-status"][data-status="ready"]').waitFor({ timeout: 30_000 });
      const clean = await liveAccuracy(page, modelId);
      const expected = modelHeader(modelText).testAccuracy;
      assert.ok(Math.abs(clean - expected) < 1e-6, `unperturbed live accuracy ${clean} differs from the file's ${expected}`);
      assert.ok(clean > 0.5, `the tiny model should be well above chance, got ${clean}`);

      await setSlider(page, 'Link removal', 60);
      const removed = await liveAccuracy(page, modelId);
      assert.ok(removed < clean - 0.02, `removing 60% of the links should cost accuracy: ${clean} → ${removed}`);
      await setSlider(page, 'Link removal', 0);
      assert.equal(await liveAccuracy(page, modelId), clean, 'the same setting gives the same accuracy again');
      await setSlider(page, 'Weight shuffling', 60);
      const shuffled = await liveAccuracy(page, modelId);
      assert.ok(shuffled < clean - 0.02, `shuffling 60% of the weights should cost accuracy: ${clean} → ${shuffled}`);
      await setSlider(page, 'Weight shuffling', 0);
      await setSlider(page, 'Adversarial ε', 0.15);
      const attacked = await liveAccuracy(page, modelId);
      assert.ok(attacked < clean - 0.05, `FGSM at ε = 0.15 should cost accuracy: ${clean} → ${attacked}`);
      assert.match(await page.getByTestId('live-status').textContent(), /first 1,000 test images/);
      await page.getByTestId('sample-grid').getByTestId('sample').first().waitFor();
      assert.equal(await page.getByTestId('sample').count(), 12);
      await screenshot('robustness-live');

      // A broken file is refused with its name and the problem; the list keeps its one model.
      await page.getByLabel('Load model file…').setInputFiles({ name: 'broken.json', mimeType: 'application/json', buffer: Buffer.from('{"format": "rewire-lab-model", "version": 99}') });
      const problem = page.getByTestId('model-load-error');
      await problem.waitFor({ timeout: 10_000 });
      assert.match(await problem.textContent(), /broken\.json: unsupported JSON model file version 99/);
      assert.equal(await page.getByTestId('model-file-list').locator('li').count(), 1);
      // Said once, beside the button (not again in the banner at the top).
      await page.waitForTimeout(300);
      assert.equal(await page.getByText(/broken\.json: unsupported JSON model file version 99/).count(), 1);

      // Export the model: the download is the same model file format.
      const modelDownload = page.waitForEvent('download');
      await row.getByRole('button', { name: /^Export/ }).click();
      const modelFile = await modelDownload;
      assert.equal(modelFile.suggestedFilename(), 'rewire-lab-mnist-set-h64.rlm');
      const exported = readFileSync(await modelFile.path());
      assert.equal(modelHeader(exported).format, 'rewire-lab-model');
      // The same model: its header (history included) and its arrays, byte for byte, after the header.
      assert.deepEqual(modelHeader(exported).history, modelHeader(modelText).history);
      assert.ok(exported.subarray(8 + exported.readUInt32LE(4)).equals(modelText.subarray(8 + modelText.readUInt32LE(4))), 'the exported arrays differ from the loaded file\'s');

      // A link-removal sweep, two repeats: one mean line per model, with its band.
      await setSlider(page, 'Adversarial ε', 0);
      await page.getByLabel('Perturbation').selectOption({ label: 'Link removal' });
      await page.getByLabel('Repeats').fill('2');
      await page.getByRole('button', { name: 'Run sweep' }).click();
      const chart = page.getByTestId('robustness-chart');
      await chart.waitFor({ timeout: 45_000 });
      assert.equal(await chart.locator('path.mean-line').count(), 1);
      assert.equal(await chart.locator('path.band').count(), 1);
      assert.match(await chart.locator('path.mean-line').getAttribute('d'), /^M[\d.,-]+(L[\d.,-]+){9}$/);
      assert.match(await chart.textContent(), /Fraction of links removed/);
      const csvDownload = page.waitForEvent('download');
      await page.getByRole('button', { name: 'Export CSV' }).click();
      const csv = readFileSync(await (await csvDownload).path(), 'utf8').trim().split('\n');
      assert.equal(csv.length, 11, 'a header and one row per level');
      assert.match(csv[1], new RegExp(`^${modelId},tiny-set,mnist,removal,removal,0,2,all,`));
      await chart.scrollIntoViewIfNeeded();
      await screenshot('robustness-sweep');
    },
  },
  {
    name: 'robustness: an FGSM sweep of two models draws each curve with its dashed noise baseline',
    timeoutMs: 90_000,
    async fn({ page, baseUrl, screenshot }) {
      const files = [['tiny-set.json', tinyModel('set')], ['tiny-static.json', tinyModel('static')]];
      await openRobustness(page, baseUrl);
      const ids = [];
      for (const [name, text] of files) ids.push((await loadModel(page, name, text)).modelId);
      for (const id of ids) await page.getByTestId(`live-accuracy-${id}`).and(page.locator('[data-value]:not([data-value=""])')).waitFor({ timeout: 30_000 });
      await page.getByLabel('Perturbation').selectOption({ label: 'FGSM attack' });
      await page.getByLabel('Levels (ε)').fill('0, 0.05, 0.1, 0.2');
      await page.getByLabel('Repeats').fill('1');
      await page.getByRole('button', { name: 'Run sweep' }).click();
      const chart = page.locator('[data-testid="robustness-chart"][data-kind="fgsm"]');
      await chart.waitFor({ timeout: 45_000 });
      const lines = await chart.locator('path.mean-line').evaluateAll((paths) => paths.map((p) => ({
        series: p.parentElement.getAttribute('data-series'), dashed: p.getAttribute('stroke-dasharray') !== null, stroke: p.getAttribute('stroke'),
      })));
      assert.deepEqual(lines.map((l) => [l.series, l.dashed]), [[ids[0], false], [ids[1], false], [`${ids[0]}-noise`, true], [`${ids[1]}-noise`, true]]);
      assert.notEqual(lines[0].stroke, lines[1].stroke, 'one colour per model');
      assert.equal(lines[0].stroke, lines[2].stroke, 'a baseline takes its model\'s colour');
      assert.match(await chart.textContent(), /FGSM budget ε/);
      assert.match(await chart.textContent(), /Dashed: uniform random noise/);
      // The chart exports as a standalone SVG (with its legend) and as a PNG.
      const svgDownload = page.waitForEvent('download');
      await page.getByRole('button', { name: 'Export SVG' }).click();
      const svgFile = await svgDownload;
      assert.equal(svgFile.suggestedFilename(), 'robustness-mnist-fgsm.svg');
      const svgText = readFileSync(await svgFile.path(), 'utf8');
      assert.match(svgText, /^<\?xml[^>]*>\s*<svg[^>]*xmlns="http:\/\/www.w3.org\/2000\/svg"/);
      assert.equal((svgText.match(/class="mean-line"/g) ?? []).length, 4);
      assert.match(svgText, /tiny-static — uniform noise/);
      const pngDownload = page.waitForEvent('download');
      await page.getByRole('button', { name: 'Export PNG' }).click();
      const png = readFileSync(await (await pngDownload).path());
      assert.deepEqual([...png.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], 'a PNG file');
      assert.equal(png.readUInt32BE(16), 1280, 'rendered at twice the chart\'s 640 units');
      await chart.scrollIntoViewIfNeeded();
      await screenshot('robustness-fgsm-sweep');

      // With cards, samples and a chart on screen, axe finds no serious or critical problem in the panel.
      await setSlider(page, 'Adversarial ε', 0.1);
      await page.addScriptTag({ path: AXE });
      const violations = await page.evaluate(async () => {
        // eslint-disable-next-line no-undef
        const result = await axe.run('[data-testid="robustness-panel"]', { resultTypes: ['violations'] });
        return result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')
          .map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
      });
      assert.deepEqual(violations, []);
    },
  },
];
