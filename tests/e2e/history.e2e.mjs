// A shipped pretrained model replays its training: the SET model's file keeps each epoch's rewiring,
// so on a cold visit the Wiring timeline plays its 10 epochs and the turnover chart fills, with no
// training in the page; the Statistics panel compares it with static (degree CCDFs, pixel maps).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export const tests = [
  {
    name: 'a pretrained SET model\'s timeline plays its 10 epochs and the turnover chart fills',
    pretrained: true,
    timeoutMs: 120_000,
    async fn({ page, baseUrl, screenshot }) {
      const index = JSON.parse(readFileSync(path.join(ROOT, 'public/models/index.json'), 'utf8'));
      // The sparse MNIST models only (the dense one has no wiring and would only slow the page).
      const sparse = index.models.filter((m) => m.dataset === 'mnist' && m.strategy !== 'dense');
      const set = sparse.find((m) => m.strategy === 'set' && m.weightDecay > 0);
      assert.ok(set && set.epochs === 10, 'the index lists the MNIST SET model with weight decay, trained 10 epochs');
      await page.route('**/models/index.json', (route) => route.fulfill({
        status: 200, contentType: 'application/json', body: JSON.stringify({ format: 'rewire-lab-model-index', version: 1, models: sparse }),
      }));
      await page.goto(`${baseUrl}?panel=wiring`);
      await page.getByTestId('topology-panel').waitFor({ timeout: 60_000 });
      const epochOut = page.getByTestId('timeline-epoch');
      // Every sparse model loads; the panel stays on SET with decay whichever loaded last.
      const model = page.getByLabel('Model', { exact: true });
      await page.waitForFunction((n) => {
        const select = [...document.querySelectorAll('[data-testid="topology-panel"] select')].find((el) => el.labels?.[0]?.textContent?.trim() === 'Model');
        return (select?.options.length ?? 0) >= n;
      }, sparse.length, { timeout: 60_000 });
      await epochOut.filter({ hasText: 'epoch 10 / 10' }).waitFor({ timeout: 10_000 });
      const shown = await model.evaluate((el) => el.options[el.selectedIndex]?.textContent ?? '');
      assert.equal(shown, set.file.replace(/\.rlm$/, ''), `the Wiring panel opened on "${shown}"`);

      // Play from the start: the timeline passes every epoch from the initial wiring to epoch 10.
      await page.getByRole('slider', { name: 'Epoch' }).fill('0');
      await epochOut.filter({ hasText: 'initial wiring / 10' }).waitFor({ timeout: 5_000 });
      await page.evaluate(() => {
        window.__epochsSeen = new Set();
        const out = document.querySelector('[data-testid="timeline-epoch"]');
        const note = () => window.__epochsSeen.add(Number(out.getAttribute('data-epoch')));
        note();
        new MutationObserver(note).observe(out, { attributes: true, childList: true, subtree: true, characterData: true });
      });
      await page.getByLabel('Speed').selectOption('4');
      await page.getByRole('button', { name: 'Play' }).click();
      await page.waitForFunction(() => document.querySelector('[data-testid="timeline-epoch"]')?.getAttribute('data-epoch') === '10', undefined, { timeout: 60_000 });
      const seen = await page.evaluate(() => [...window.__epochsSeen].sort((a, b) => a - b));
      assert.deepEqual(seen, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
      // SET rewired after epochs 1–9: the counters show links removed at epoch 5.
      await page.getByRole('slider', { name: 'Epoch' }).fill('5');
      await page.locator('[data-testid="rewire-counters"][data-epoch="5"]').waitFor({ timeout: 5_000 });
      assert.ok(Number(await page.getByTestId('count-removed').getAttribute('data-value')) > 0, 'no links removed at epoch 5');
      await screenshot('history-wiring-epoch-5');

      // The Statistics panel's turnover chart has a point per layer for each of the 10 epochs.
      await page.getByRole('tab', { name: 'Statistics' }).click();
      const chart = page.getByTestId('turnover-chart');
      await chart.waitFor({ timeout: 10_000 });
      await page.waitForFunction(() => document.querySelectorAll('[data-testid="turnover-chart"] circle').length >= 30, undefined, { timeout: 10_000 });
      const points = await chart.locator('circle title').allTextContents();
      const removedAt5 = points.filter((t) => /epoch 5: /.test(t)).map((t) => Number(/: ([\d.]+)% of links removed/.exec(t)?.[1]));
      assert.ok(removedAt5.length >= 3 && removedAt5.every((v) => Math.abs(v - 30) < 0.5), `turnover at epoch 5: ${removedAt5}`);
      await screenshot('history-turnover');

      // SET against static without leaving the panel: the degree CCDFs of both (the compared one dashed)
      // and two pixel maps, SET's input links the more concentrated (weight decay lets it cut pixels off).
      const staticModel = sparse.find((m) => m.strategy === 'static' && m.weightDecay > 0);
      assert.ok(staticModel, 'the index lists the MNIST static model with weight decay');
      const stats = page.getByTestId('stats-panel');
      await stats.getByLabel('Compare with', { exact: true }).selectOption({ label: staticModel.file.replace(/\.rlm$/, '') });
      const ccdf = page.getByTestId('stats-ccdf');
      await page.waitForFunction(() => document.querySelectorAll('[data-testid="stats-ccdf"] path.ccdf-line').length === 4, undefined, { timeout: 10_000 });
      const dashed = await ccdf.locator('path.ccdf-line').evaluateAll((ps) => ps.map((p) => p.getAttribute('stroke-dasharray') !== null));
      assert.deepEqual(dashed, [false, false, true, true], 'the compared model\'s CCDFs are the dashed ones');
      const maps = stats.getByTestId('pixel-map');
      assert.equal(await maps.count(), 2);
      const [setGini, staticGini] = await maps.evaluateAll((fs) => fs.map((f) => Number(f.getAttribute('data-gini'))));
      assert.ok(setGini > staticGini + 0.05, `SET's links per pixel should be more concentrated than static's: Gini ${setGini} vs ${staticGini}`);
      await screenshot('history-statistics-compare');
    },
  },
];
