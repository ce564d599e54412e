// Reliability in the browser: bad settings keep Train disabled with their message; ten epochs keep
// the worker's tensor count constant; a crashed worker is restarted and its run continues from the
// last checkpoint; a WebGPU device destroyed mid-training (the worker's ?debug=1 hook) moves the run
// to a fallback backend and it finishes with one history.
import assert from 'node:assert/strict';

const BACKEND_TIMEOUT_MS = 60_000;
// Generous: on a loaded 2-core CI machine SwiftShader runs the ten-epoch soak in 40–110 s.
const RUN_TIMEOUT_MS = 200_000;

async function openPage(page, baseUrl, query = '') {
  await page.goto(`${baseUrl}${query}`);
  const badge = page.getByTestId('backend-badge');
  await badge.filter({ hasNotText: 'starting' }).waitFor({ timeout: BACKEND_TIMEOUT_MS });
  return badge;
}

/** A run that takes seconds on SwiftShader: H = 16, 600 images, 12 batches an epoch. */
async function fillTinyRun(page, epochs) {
  await page.getByLabel('Strategy').selectOption({ label: 'adaptive SET' });
  await page.getByLabel('Hidden size H').fill('16');
  await page.getByLabel('Density').fill('0.2');
  await page.getByLabel('Epochs').fill(String(epochs));
  await page.getByLabel('Batch size').fill('50');
  await page.getByLabel('Training-set size', { exact: true }).fill('600');
  await page.getByLabel('Learning rate').fill('0.01');
}

const trainButton = (page) => page.getByRole('button', { name: 'Train', exact: true });

async function waitForRunEnd(page) {
  await page.locator('[data-testid="run-status"][data-status="finished"], [data-testid="run-status"][data-status="failed"], [data-testid="run-status"][data-status="stopped"]')
    .waitFor({ timeout: RUN_TIMEOUT_MS });
  const status = page.getByTestId('run-status');
  return { status: await status.getAttribute('data-status'), text: (await status.textContent()) ?? '' };
}

/** The accuracies the model list shows for its `index`th model, one per epoch of its history. */
async function historyOfModel(page, index) {
  const cell = page.getByTestId('model-list').locator('tbody tr').nth(index).locator('td.accuracies');
  return ((await cell.textContent()) ?? '').trim().split(/\s+/).filter((t) => /^\d\.\d{3}$/.test(t));
}

/** Waits until the worker has reported `count` epoch ends of the current run (debug memory hook). */
async function waitForEpochs(page, count) {
  const deadline = Date.now() + RUN_TIMEOUT_MS;
  for (;;) {
    const { epochTensors } = await page.evaluate(() => window.__rewireLab.memory());
    if (epochTensors.length >= count) return;
    if (Date.now() > deadline) throw new Error(`the worker reported ${epochTensors.length} epoch ends, not ${count}, within ${RUN_TIMEOUT_MS / 1000} s`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

const t0 = Date.now();
/** Phase timings on the runner's output (SwiftShader is slow; they show where a run spends it). */
function mark(what) {
  console.log(`    [reliability e2e] ${what} at ${((Date.now() - t0) / 1000).toFixed(1)} s`);
}

export const tests = [
  {
    name: 'bad settings keep Train disabled and say what is wrong',
    async fn({ page, baseUrl, screenshot }) {
      await openPage(page, baseUrl);
      const problems = page.getByTestId('config-problems');
      const cases = [
        ['Density', '0', /density must be in \(0, 1\], got 0/],
        ['Hidden size H', '0', /hidden size H must be an integer from 1 to 8192, got 0/],
        ['Epochs', '0', /epochs must be an integer from 1 to 1000, got 0/],
        ['Learning rate', '', /Learning rate is required/],
        ['Learning rate', '-1', /learning rate must be a finite number in \(0, 10\], got -1/],
      ];
      for (const [label, value, message] of cases) {
        const field = page.getByLabel(label, { exact: true });
        const good = await field.inputValue();
        await field.fill(value);
        assert.match((await problems.textContent()) ?? '', message);
        assert.equal(await trainButton(page).isEnabled(), false, `Train is enabled with ${label} = "${value}"`);
        await field.fill(good);
        await problems.waitFor({ state: 'detached', timeout: 5_000 });
        assert.equal(await trainButton(page).isEnabled(), true);
      }
      // A batch larger than the training set.
      await page.getByLabel('Training-set size', { exact: true }).fill('100');
      await page.getByLabel('Batch size').fill('128');
      assert.match((await problems.textContent()) ?? '', /batch size 128 is larger than the training set \(100 images\)/);
      assert.equal(await trainButton(page).isEnabled(), false);
      await screenshot('reliability-bad-settings');
    },
  },
  {
    // One page for the three, since each page pays ~30 s on SwiftShader to load and hash the MNIST
    // training set before its first epoch; the phases stay separate in what they check.
    name: 'a long session: ten epochs hold the tensor count; a crashed worker restarts and continues; a lost GPU falls back',
    timeoutMs: 480_000,
    async fn({ page, baseUrl, screenshot }) {
      // WebGPU by name: this machine's adapter is SwiftShader, which the page passes over by itself.
      // One worker: this test follows one worker's life (soak, crash, lost GPU); the pool has tests of its own.
      const badge = await openPage(page, baseUrl, '?debug=1&backend=webgpu&workers=1');
      assert.equal((await badge.textContent())?.trim(), 'webgpu');
      mark('page ready');

      // 1. Soak: ten epochs on WebGPU, the worker's tensor count at every epoch end.
      await fillTinyRun(page, 10);
      await trainButton(page).click();
      let end = await waitForRunEnd(page);
      mark('soak: ten epochs done');
      assert.equal(end.status, 'finished', end.text);
      const memory = await page.evaluate(() => window.__rewireLab.memory());
      assert.equal(memory.epochTensors.length, 10, JSON.stringify(memory));
      // From the second epoch end on (constants and kernels made in the first), not one tensor more.
      assert.deepEqual(memory.epochTensors.slice(1), new Array(9).fill(memory.epochTensors[1]), JSON.stringify(memory.epochTensors));
      assert.equal((await historyOfModel(page, 0)).length, 10);

      // 2. A crash after epoch 1 of a two-epoch run: restarted, data sent again, the run continues.
      await fillTinyRun(page, 2);
      await trainButton(page).click();
      await waitForEpochs(page, 1);
      mark('crash: epoch 1 done');
      await page.evaluate(() => window.__rewireLab.crash());
      await page.waitForFunction(() => window.__rewireLab.restarts() === 1, null, { timeout: 10_000 });
      end = await waitForRunEnd(page);
      mark('crash: run ended');
      assert.equal(end.status, 'finished', end.text);
      assert.match(end.text, /the worker crashed and was restarted; continued from the checkpoint of epoch 1/i);
      let alert = (await page.getByRole('alert').textContent()) ?? '';
      assert.match(alert, /the training worker crashed/);
      assert.match(alert, /The training worker was restarted \(1 of at most 3 times\); 2 models restored from the last checkpoints/);
      assert.equal((await historyOfModel(page, 1)).length, 2, 'the continued model keeps one history of 2 epochs');
      assert.equal((await historyOfModel(page, 0)).length, 10, 'the first model is still listed with its history');
      await screenshot('reliability-worker-restarted');
      await badge.filter({ hasText: 'webgpu' }).waitFor({ timeout: BACKEND_TIMEOUT_MS });

      // 3. The WebGPU device destroyed after epoch 1: notice, fallback, the run finishes.
      await fillTinyRun(page, 2);
      await trainButton(page).click();
      await waitForEpochs(page, 1);
      mark('lost GPU: epoch 1 done');
      await page.evaluate(() => window.__rewireLab.loseDevice());
      end = await waitForRunEnd(page);
      mark('lost GPU: run ended');
      assert.equal(end.status, 'finished', end.text);
      assert.match(end.text, /GPU was lost; continued on the (masked dense|sparse CPU) path from the weights of epoch 1/);
      const backend = (await badge.textContent())?.trim();
      assert.ok(backend === 'webgl' || backend === 'cpu', `the badge shows ${backend}`);
      alert = (await page.getByRole('alert').textContent()) ?? '';
      assert.match(alert, new RegExp(`The webgpu GPU device was lost .*The lab now runs on ${backend}`));
      assert.equal((await historyOfModel(page, 2)).length, 2, 'the model keeps one history of 2 epochs');
      assert.match((await page.getByTestId('model-list').locator('tbody tr').nth(2).textContent()) ?? '', /trained/);
      await screenshot('reliability-lost-gpu');
    },
  },
];
