// End-to-end test of the Draw panel in Chromium: with no model it says so; a small model file (made by
// the CLI, loaded from the panel) reads a digit drawn with mouse events (probability bars appear),
// the Robustness panel's link removal reaches the bars, a PGD attack at ε = 0.3 changes the answer,
// and the smallest-ε search reports a value; Fashion-MNIST opens on a picked item. Screenshots saved.
import assert from 'node:assert/strict';
import { BACKEND_TIMEOUT_MS, drawSeven, tinyModel } from './shared.mjs';

async function openPage(page, baseUrl) {
  await page.goto(baseUrl);
  await page.getByTestId('backend-badge').filter({ hasNotText: 'starting' }).waitFor({ timeout: BACKEND_TIMEOUT_MS });
}

/** Bright pixels of a 28×28 canvas (a blank input has none). */
function brightPixels(locator) {
  return locator.evaluate((c) => {
    const { data } = c.getContext('2d').getImageData(0, 0, c.width, c.height);
    let n = 0;
    for (let i = 0; i < data.length; i += 4) if (data[i] > 128) n++;
    return n;
  });
}

export const tests = [
  {
    name: 'draw panel: a drawn digit gets probability bars, and a PGD attack changes the answer',
    timeoutMs: 120_000,
    async fn({ page, baseUrl, screenshot }) {
      await openPage(page, baseUrl);
      await page.getByRole('tab', { name: 'Draw' }).click();
      // No model yet: the panel says so and points to training; drawing already works.
      await page.getByTestId('draw-no-model').waitFor();
      assert.match(await page.getByTestId('draw-no-model').textContent(), /No trained MNIST model yet/);
      await drawSeven(page);
      await page.waitForFunction(() => {
        const c = document.querySelector('[data-testid="network-input"]');
        const { data } = c.getContext('2d').getImageData(0, 0, 28, 28);
        for (let i = 0; i < data.length; i += 4) if (data[i] > 128) return true;
        return false;
      });
      const inked = await brightPixels(page.getByTestId('network-input'));
      // A "7" after preprocessing: tens of bright pixels in its 20×20 box, far from a full image.
      assert.ok(inked > 20 && inked < 250, `the preprocessed drawing has ${inked} bright pixels`);
      await screenshot('draw-no-model');

      // A model file loaded from the Draw panel itself: its bars appear for the drawing already there.
      await page.getByLabel('Load model file…').setInputFiles({ name: 'tiny-set.json', mimeType: 'application/json', buffer: tinyModel('set') });
      await page.locator('[data-testid^="probabilities-"][data-current="true"]').first().waitFor({ timeout: 30_000 });
      await page.getByRole('button', { name: 'Clear' }).click();
      await page.locator('[data-testid^="probabilities-"] [role="meter"]').first().waitFor({ state: 'detached' });
      await drawSeven(page);
      const block = page.locator('[data-testid^="probabilities-"][data-current="true"]').first();
      await block.waitFor({ timeout: 30_000 });
      const modelId = (await block.getAttribute('data-testid')).replace('probabilities-', '');
      const meters = block.getByRole('meter');
      assert.equal(await meters.count(), 10);
      const labels = await meters.evaluateAll((els) => els.map((e) => e.getAttribute('aria-label')));
      for (const l of labels) assert.match(l, /^\d: \d+%$/);
      const total = labels.reduce((s, l) => s + Number(l.split(': ')[1].replace('%', '')), 0);
      assert.ok(Math.abs(total - 100) <= 6, `probabilities add up to ${total}%`);
      const before = Number(await block.getAttribute('data-top'));
      await screenshot('draw-prediction');

      // The Robustness panel's link removal applies here too.
      await page.getByRole('tab', { name: 'Robustness' }).click();
      await page.getByLabel('Link removal', { exact: true }).fill('20');
      await page.getByRole('tab', { name: 'Draw' }).click();
      await block.getByText('under 20% link removal').waitFor({ timeout: 30_000 });
      await screenshot('draw-link-removal');
      await page.getByRole('tab', { name: 'Robustness' }).click();
      await page.getByLabel('Link removal', { exact: true }).fill('0');
      await page.getByRole('tab', { name: 'Draw' }).click();
      await block.getByText('under 20% link removal').waitFor({ state: 'detached', timeout: 30_000 });

      // Undo removes the stroke (and the input); drawing again brings the bars back.
      await page.getByRole('button', { name: 'Undo' }).click();
      await page.locator(`[data-testid="probabilities-${modelId}"] [role="meter"]`).first().waitFor({ state: 'detached' });
      await drawSeven(page);
      await block.waitFor();

      await page.getByLabel('Method').selectOption('pgd');
      const slider = page.getByLabel('Attack ε');
      await slider.focus();
      for (let i = 0; i < 20; i++) await page.keyboard.press('ArrowRight'); // 0.10 → 0.30
      assert.equal(await slider.inputValue(), '0.3');
      await page.getByRole('button', { name: 'Attack', exact: true }).click();
      const result = page.locator(`[data-testid="attack-result-${modelId}"][data-status="done"]`);
      await result.waitFor({ timeout: 30_000 });
      assert.equal(Number(await result.getAttribute('data-before')), before);
      assert.notEqual(await result.getAttribute('data-after'), await result.getAttribute('data-before'), 'the attack did not change the answer');
      assert.equal(await result.getAttribute('data-success'), 'true');
      assert.ok((await brightPixels(page.getByTestId(`adversarial-${modelId}`))) > 0, 'the adversarial image is blank');

      await page.getByRole('button', { name: 'Find smallest ε' }).click();
      const row = page.locator(`[data-testid="minimal-epsilon"] [data-model="${modelId}"][data-status="done"]`);
      await row.waitFor({ timeout: 30_000 });
      const epsilon = Number(await row.getAttribute('data-epsilon'));
      assert.ok(epsilon > 0 && epsilon <= 0.5, `smallest ε ${epsilon}`);
      await screenshot('draw-attack');

      // A test image as the input, by class.
      await page.getByLabel('Image class').selectOption({ label: '3' });
      await page.getByRole('button', { name: 'Pick a test image' }).click();
      await page.getByText(/Test image #\d+ \(labelled 3\)/).first().waitFor({ timeout: 30_000 });
      await page.locator(`[data-testid="probabilities-${modelId}"][data-current="true"]`).waitFor();
      await screenshot('draw-test-image');

      // Fashion-MNIST opens on a picked item; the MNIST model does not apply to it.
      await page.getByRole('radio', { name: 'Fashion-MNIST' }).check();
      await page.getByText(/Test image #\d+ \(labelled [A-Z]/).first().waitFor({ timeout: 60_000 });
      assert.equal(await page.getByRole('radio', { name: 'Test image' }).isChecked(), true);
      await page.getByTestId('draw-no-model').waitFor();
      assert.match(await page.getByTestId('draw-no-model').textContent(), /No trained Fashion-MNIST model yet/);
      await screenshot('draw-fashion');
    },
  },
];
