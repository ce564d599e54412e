// End-to-end test of the Experiment panel: the smoke-test size (the page opened with
// #experiment-size=tiny; SwiftShader is too slow for the Quick size) trains SET and static with weight
// decay, shows both pixel-degree maps while they train, then the removal and shuffling curves and the table,
// and the optional step "attack the hubs" (random failure beside targeted attack, drawn as it is measured).
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** A tiny model file trained by the CLI (sparse CPU path, seconds): H = 64, 10% density, 2 epochs. */
function trainTiny(strategy, weightDecay, file) {
  return new Promise((resolve, reject) => {
    const args = ['src/cli/lab.ts', 'train', '--strategy', strategy, '--hidden', '64', '--density', '0.1', '--epochs', '2',
      '--train-limit', '2000', '--batch', '32', '--lr', '0.005', '--weight-decay', String(weightDecay), '--out', file];
    const child = spawn(path.join(ROOT, 'node_modules/.bin/tsx'), args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d) => { output += d; });
    child.stderr.on('data', (d) => { output += d; });
    child.once('exit', (code) => (code === 0 && existsSync(file) ? resolve() : reject(new Error(`lab train ${strategy} failed (${code}):\n${output}`))));
  });
}

/** Serves the finished experiment's four files (tiny stand-ins) and their index in place of models/. */
async function routeFinishedExperiment(page, dir) {
  const specs = [['set', 1e-4, 'mnist-set.rlm'], ['static', 1e-4, 'mnist-static.rlm'], ['set', 0, 'mnist-set-nodecay.rlm'], ['static', 0, 'mnist-static-nodecay.rlm']];
  await Promise.all(specs.map(([strategy, decay, file]) => trainTiny(strategy, decay, path.join(dir, file))));
  // The test accuracy from a binary model file's JSON header ("RWLM", uint32 LE length, header).
  const accuracyOf = (file) => {
    const bytes = readFileSync(path.join(dir, file));
    return JSON.parse(bytes.subarray(8, 8 + bytes.readUInt32LE(4)).toString('utf8')).testAccuracy;
  };
  const index = specs.map(([strategy, weightDecay, file]) => ({ file, dataset: 'mnist', strategy, weightDecay, testAccuracy: accuracyOf(file), sizeBytes: 60_000 }));
  const served = [];
  await page.route('**/models/*', (route) => {
    const name = new URL(route.request().url()).pathname.split('/').pop();
    served.push(name);
    if (name === 'index.json') return route.fulfill({ contentType: 'application/json', body: JSON.stringify({ models: index }) });
    const file = path.join(dir, name);
    return existsSync(file) ? route.fulfill({ contentType: 'application/octet-stream', body: readFileSync(file) }) : route.fulfill({ status: 404, body: '' });
  });
  return { accuracyOf, served };
}

/** The Quick step with weight decay on a page with `workers` workers: the results table, as the page wrote it. */
async function quickTable(page, baseUrl, workers) {
  await page.goto(`${baseUrl}?panel=experiment&workers=${workers}&debug=1`);
  await page.getByTestId('backend-badge').filter({ hasNotText: 'starting' }).waitFor({ timeout: 60_000 });
  assert.equal(await page.evaluate(() => globalThis.__rewireLab.workers()), workers);
  await page.getByLabel('Size').selectOption('quick');
  await page.getByRole('button', { name: 'Run with weight decay' }).click();
  await page.locator('[data-testid="experiment-status"]:is([data-phase="done"], [data-phase="failed"], [data-phase="stopped"])').waitFor({ timeout: 170_000 });
  const status = page.getByTestId('experiment-status');
  assert.equal(await status.getAttribute('data-phase'), 'done', await status.textContent());
  return page.getByTestId('experiment-results').locator('tbody tr').evaluateAll((trs) =>
    trs.map((tr) => ({ run: tr.dataset.run, accuracy: tr.dataset.accuracy, removal30: tr.dataset.removal30, gini: tr.dataset.gini })));
}

export const tests = [
  {
    name: 'experiment: the Quick step on 2 workers gives the same table as on 1',
    timeoutMs: 360_000,
    async fn({ page, baseUrl }) {
      const one = await quickTable(page, baseUrl, 1);
      const two = await quickTable(page, baseUrl, 2);
      assert.deepEqual(one.map((r) => r.run), ['decay:set', 'decay:static']);
      assert.ok(one.every((r) => Number(r.accuracy) > 0.5), JSON.stringify(one));
      assert.deepEqual(two, one);
    },
  },
  {
    name: 'experiment: step 1 trains SET and static, shows both pixel maps, the removal curves and the table; then attacks the hubs',
    // A few seconds on the sparse CPU path (the page passes over this machine's software GPU); more when the machine is busy.
    timeoutMs: 200_000,
    async fn({ page, baseUrl, screenshot }) {
      await page.setViewportSize({ width: 1280, height: 900 });
      await page.goto(`${baseUrl}#experiment-size=tiny`);
      await page.getByTestId('backend-badge').filter({ hasNotText: 'starting' }).waitFor({ timeout: 60_000 });
      await page.getByRole('tab', { name: 'Experiment' }).click();
      const panel = page.getByTestId('experiment-panel');
      await panel.waitFor();
      await page.getByLabel('Size').selectOption({ label: 'Tiny (smoke test)' });
      assert.equal(await page.getByRole('button', { name: 'Stop' }).isDisabled(), true, 'nothing to stop yet');
      await page.getByRole('button', { name: 'Run with weight decay' }).click();

      // While SET trains, its card shows the wiring map (epoch 0 first) and the honest path label.
      const step1 = page.getByTestId('experiment-step-1');
      const setCard = step1.locator('[data-testid="experiment-card"][data-run="decay:set"]');
      await setCard.getByTestId('pixel-map').waitFor({ timeout: 30_000 });
      assert.equal(await page.getByRole('button', { name: 'Run without weight decay' }).isDisabled(), true, 'one experiment at a time');
      await page.locator('[data-testid="experiment-card"][data-run="decay:set"] .experiment-run-path').filter({ hasText: /masked dense|sparse CPU/ }).waitFor({ timeout: 30_000 });

      await page.locator('[data-testid="experiment-status"][data-phase="done"], [data-testid="experiment-status"][data-phase="failed"], [data-testid="experiment-status"][data-phase="stopped"]')
        .waitFor({ timeout: 110_000 });
      const status = page.getByTestId('experiment-status');
      assert.equal(await status.getAttribute('data-phase'), 'done', await status.textContent());

      // Both networks: a map each, with a Gini and an isolated-pixel count, and a histogram.
      const maps = step1.getByTestId('pixel-map');
      assert.equal(await maps.count(), 2);
      for (const map of await maps.all()) {
        const gini = Number(await map.getAttribute('data-gini'));
        assert.ok(gini >= 0 && gini < 1, `Gini ${gini} is not in [0, 1)`);
        assert.match(await map.getAttribute('data-isolated'), /^\d+$/);
      }
      assert.equal(await step1.getByTestId('experiment-histogram').count(), 2);
      assert.equal(await step1.locator('[data-testid="experiment-card"][data-status="trained"]').count(), 2);
      assert.equal(await step1.getByTestId('experiment-accuracy').locator('g.series').count(), 2);

      // The removal chart: one mean line and one band per network, over the ten levels.
      const removal = page.getByTestId('experiment-removal-chart');
      assert.equal(await removal.getAttribute('data-series'), '2');
      assert.equal(await removal.locator('path.mean-line').count(), 2);
      assert.equal(await removal.locator('path.band').count(), 2);
      assert.match(await removal.locator('path.mean-line').first().getAttribute('d'), /^M[\d.,-]+(L[\d.,-]+){9}$/);
      assert.match(await removal.textContent(), /Fraction of links removed/);
      assert.equal(await page.getByTestId('experiment-shuffle-chart').locator('path.mean-line').count(), 2);

      // The table: a row per network with its accuracy, its accuracy at 30% removal and its Gini.
      const rows = page.getByTestId('experiment-results').locator('tbody tr');
      assert.deepEqual(await rows.evaluateAll((trs) => trs.map((tr) => tr.dataset.run)), ['decay:set', 'decay:static']);
      for (const row of await rows.all()) {
        const accuracy = Number(await row.getAttribute('data-accuracy'));
        const at30 = Number(await row.getAttribute('data-removal30'));
        assert.ok(accuracy > 0.1 && accuracy <= 1, `accuracy ${accuracy} is not above chance`);
        assert.ok(at30 >= 0 && at30 <= 1, `accuracy at 30% removal ${at30}`);
        assert.ok((await row.getAttribute('data-gini')) !== '', 'a sparse network has a Gini');
      }
      assert.match(await page.getByTestId('experiment-findings').textContent(), /With weight decay, with 30% of the links removed: SET \d+\.\d%, static \d+\.\d%/);
      await screenshot('experiment-step1');

      // Step 5 (optional): attack the hubs, started from the keyboard. The curves grow level by level.
      await page.evaluate(() => {
        const seen = new Set();
        globalThis.__attackLevels = seen;
        new MutationObserver(() => {
          const chart = document.querySelector('[data-testid="attack-nodes-chart"]');
          if (chart) seen.add(chart.dataset.levels);
        }).observe(document.body, { subtree: true, childList: true, attributes: true, attributeFilter: ['data-levels'] });
      });
      const step5 = page.getByTestId('experiment-step-5');
      await step5.getByRole('button', { name: 'Attack the hubs' }).focus();
      await page.keyboard.press('Enter');
      await page.locator('[data-testid="attack-status"]:is([data-phase="done"], [data-phase="failed"], [data-phase="stopped"])').waitFor({ timeout: 90_000 });
      const attackStatus = page.getByTestId('attack-status');
      assert.equal(await attackStatus.getAttribute('data-phase'), 'done', await attackStatus.textContent());
      const levelsSeen = await page.evaluate(() => [...globalThis.__attackLevels].map(Number));
      assert.ok(levelsSeen.length >= 2 && levelsSeen.includes(9), `the hubs chart should grow level by level, saw ${JSON.stringify(levelsSeen)}`);
      for (const group of ['links', 'nodes']) {
        const chart = step5.getByTestId(`attack-${group}-chart`);
        // Per network: random failure (dashed, no band) and the attack (solid, with the band of its draws).
        assert.equal(await chart.getAttribute('data-series'), '4');
        assert.equal(await chart.locator('path.mean-line').count(), 4);
        assert.equal(await chart.locator('path.band').count(), 2);
        assert.match(await chart.locator('path.mean-line').first().getAttribute('d'), /^M[\d.,-]+(L[\d.,-]+){8}$/);
      }
      const attackRows = step5.getByTestId('attack-results').locator('tbody tr');
      assert.deepEqual(await attackRows.evaluateAll((trs) => trs.map((tr) => tr.dataset.run)), ['decay:set', 'decay:static']);
      for (const row of await attackRows.all()) {
        const hubs = Number(await row.getAttribute('data-nodes-degree'));
        const random = Number(await row.getAttribute('data-nodes-random'));
        assert.ok(hubs >= 0 && hubs <= 1 && random >= 0 && random <= 1, `accuracies at 25%: hubs ${hubs}, random ${random}`);
        const cells = await row.locator('td').allTextContents();
        assert.equal(cells.length, 5);
        cells.slice(0, 4).forEach((c) => assert.match(c, /^\d+\.\d% \[-?\d+\.\d, \d+\.\d\]$/));
        assert.equal(cells[4], '2', 'the tiny size draws twice');
      }
      const readings = await step5.getByTestId('attack-findings').locator('li').allTextContents();
      assert.equal(readings.length, 2, JSON.stringify(readings));
      assert.match(readings[0], /^With weight decay, 25% of the links removed: /);
      assert.match(readings[1], /^With weight decay, 25% of the hidden neurons removed: .*SET \d+\.\d% vs static \d+\.\d%/);
      await step5.scrollIntoViewIfNeeded();
      await screenshot('experiment-attack');
      await removal.scrollIntoViewIfNeeded();
      await screenshot('experiment-curves');
    },
  },
  {
    name: 'experiment: the finished experiment shipped with the page shows at once, with four maps and curves; its hubs can be attacked',
    // The attack sweeps four networks on 2,000 test images: about a minute more on a busy 2-core machine.
    timeoutMs: 200_000,
    async fn({ page, baseUrl, screenshot }) {
      const dir = mkdtempSync(path.join(tmpdir(), 'rewire-lab-experiment-'));
      try {
        const { accuracyOf, served } = await routeFinishedExperiment(page, dir);
        await page.setViewportSize({ width: 1280, height: 900 });
        await page.goto(`${baseUrl}?panel=experiment`);
        // The page loads the pretrained files at start; the experiment reuses them instead of fetching again.
        await page.getByTestId('pretrained-status').filter({ hasText: /^Loaded pretrained (.*\(\d+\.\d%\).*){4}$/ }).waitFor({ timeout: 60_000 });
        await page.getByRole('button', { name: 'Show the finished experiment' }).click();
        await page.locator('[data-testid="experiment-status"][data-phase="done"], [data-testid="experiment-status"][data-phase="failed"]').waitFor({ timeout: 60_000 });
        const status = page.getByTestId('experiment-status');
        assert.equal(await status.getAttribute('data-phase'), 'done', await status.textContent());
        assert.deepEqual(served.filter((f) => f !== 'index.json').sort(), ['mnist-set-nodecay.rlm', 'mnist-set.rlm', 'mnist-static-nodecay.rlm', 'mnist-static.rlm']);

        for (const step of [1, 2]) {
          const maps = page.getByTestId(`experiment-step-${step}`).getByTestId('pixel-map');
          assert.equal(await maps.count(), 2, `two maps in step ${step}`);
        }
        assert.equal(await page.locator('[data-testid="experiment-card"][data-status="loaded"]').count(), 4);
        assert.equal(await page.getByTestId('experiment-removal-chart').locator('path.mean-line').count(), 4);
        assert.equal(await page.getByTestId('experiment-shuffle-chart').locator('path.mean-line').count(), 4);
        const rows = await page.getByTestId('experiment-results').locator('tbody tr').evaluateAll((trs) =>
          trs.map((tr) => ({ run: tr.dataset.run, accuracy: Number(tr.dataset.accuracy) })));
        assert.deepEqual(rows.map((r) => r.run), ['decay:set', 'decay:static', 'nodecay:set', 'nodecay:static']);
        const files = ['mnist-set.rlm', 'mnist-static.rlm', 'mnist-set-nodecay.rlm', 'mnist-static-nodecay.rlm'];
        rows.forEach((r, i) => assert.ok(Math.abs(r.accuracy - accuracyOf(files[i])) < 1e-9, `${r.run}: ${r.accuracy} vs the file's ${accuracyOf(files[i])}`));
        assert.equal((await page.getByTestId('experiment-findings').locator('li').count()), 2, 'one finding per step');
        await screenshot('experiment-finished');

        // The finished networks can be attacked too: four rows, and a reading per step and kind of removal.
        await page.getByRole('button', { name: 'Attack the hubs' }).click();
        await page.locator('[data-testid="attack-status"]:is([data-phase="done"], [data-phase="failed"], [data-phase="stopped"])').waitFor({ timeout: 90_000 });
        assert.equal(await page.getByTestId('attack-status').getAttribute('data-phase'), 'done', await page.getByTestId('attack-status').textContent());
        assert.deepEqual(await page.getByTestId('attack-results').locator('tbody tr').evaluateAll((trs) => trs.map((tr) => tr.dataset.run)),
          ['decay:set', 'decay:static', 'nodecay:set', 'nodecay:static']);
        assert.equal(await page.getByTestId('attack-nodes-chart').locator('path.mean-line').count(), 8);
        const readings = await page.getByTestId('attack-findings').locator('li').allTextContents();
        assert.deepEqual(readings.map((r) => r.split(':')[0]), [
          'With weight decay, 25% of the links removed', 'With weight decay, 25% of the hidden neurons removed',
          'Without weight decay, 25% of the links removed', 'Without weight decay, 25% of the hidden neurons removed',
        ]);

        // On a projector (1280×720, presentation mode) the curves of step 3 fit the screen.
        await page.getByRole('button', { name: 'Presentation mode' }).click();
        await page.setViewportSize({ width: 1280, height: 720 });
        await page.getByTestId('experiment-step-3').scrollIntoViewIfNeeded();
        await page.screenshot({ path: path.join(ROOT, 'tests/e2e/artifacts/experiment-projector-1280x720.png') });
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  },
];
