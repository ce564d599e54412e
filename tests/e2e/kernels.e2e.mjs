// The fused WebGPU kernels in Chromium (SwiftShader here): each kernel against the plain tfjs ops,
// the fused step against the plain step, the traffic counters' targets, and two-epoch curves.
import assert from 'node:assert/strict';
import { openChecks, runCheck } from './kernels/page.mjs';

/** The bound for a custom kernel against the plain ops. */
const KERNEL_TOLERANCE = 1e-5;

function assertAllBelow(errors, tolerance, what) {
  const bad = Object.entries(errors).filter(([, e]) => !(e < tolerance));
  assert.deepEqual(bad, [], `${what}: relative errors not below ${tolerance}: ${JSON.stringify(errors)}`);
}

export const tests = [
  {
    name: 'custom WebGPU kernels match the plain tfjs ops',
    timeoutMs: 60_000,
    async fn({ page, baseUrl }) {
      await openChecks(page, baseUrl);
      assertAllBelow(await runCheck(page, 'checkMatMuls'), KERNEL_TOLERANCE, 'matrix products');
      assertAllBelow(await runCheck(page, 'checkLoss'), KERNEL_TOLERANCE, 'softmax cross-entropy');
      const { 'entries changed off the links': changedOffLinks, ...adam } = await runCheck(page, 'checkAdam');
      const stepSizes = Object.entries(adam).filter(([name]) => name.endsWith('step size'));
      assert.equal(stepSizes.length, 3);
      for (const [name, size] of stepSizes) assert.ok(size > 1e-4, `${name} is ${size}: the update did not run`);
      assertAllBelow(Object.fromEntries(Object.entries(adam).filter(([name]) => !name.endsWith('step size'))), KERNEL_TOLERANCE, 'fused Adam');
      assert.equal(changedOffLinks, 0, 'the sparse Adam kernel changed weights off the links');
    },
  },
  {
    name: 'the fused training step matches the plain step',
    timeoutMs: 60_000,
    async fn({ page, baseUrl }) {
      await openChecks(page, baseUrl);
      const { errors, tensorsLeftOver } = await runCheck(page, 'checkFusedStepAgainstPlain');
      assert.equal(Object.keys(errors).length, 1 + 4 * 6, 'the mean loss and 6 arrays per layer');
      assertAllBelow(errors, KERNEL_TOLERANCE, 'state after five steps');
      assert.equal(tensorsLeftOver, 0, 'tensors leaked by the two paths');
    },
  },
  {
    name: 'fused step traffic meets its targets (dispatches, uploads, readbacks)',
    timeoutMs: 60_000,
    async fn({ page, baseUrl }) {
      await openChecks(page, baseUrl);
      const report = await runCheck(page, 'measureTraffic');
      console.log(`    traffic on ${report.adapter}, H=${report.hidden}, batch ${report.batch}: ${JSON.stringify(report.perStep)}; readbacks per epoch ${JSON.stringify(report.readbacksPerEpoch)}`);
      const { stock, plain, fused } = report.perStep;
      assert.ok(fused.uploads <= 2, `fused step uploads ${fused.uploads} per step (target ≤ 2)`);
      assert.ok(fused.dispatches * 2 <= stock.dispatches, `fused step dispatches ${fused.dispatches} per step, stock ${stock.dispatches} (target ≤ half)`);
      assert.ok(fused.dispatches < plain.dispatches, `fused ${fused.dispatches} vs plain ${plain.dispatches} dispatches per step`);
      assert.ok(report.readbacksPerEpoch.fused <= 5, `fused path reads back ${report.readbacksPerEpoch.fused} times per epoch (target ≤ 5)`);
    },
  },
  {
    name: 'fused and plain kernels give the same two-epoch training curve',
    timeoutMs: 90_000,
    async fn({ page, baseUrl }) {
      await openChecks(page, baseUrl);
      const { plain, fused } = await runCheck(page, 'trainTwoEpochs', baseUrl);
      console.log(`    curves: plain ${JSON.stringify(plain)}, fused ${JSON.stringify(fused)}`);
      assert.ok(fused.dispatchesPerStep < plain.dispatchesPerStep / 2, 'the fused run did not use the fused kernels');
      assert.equal(fused.epochs.length, 2);
      assert.ok(plain.epochs[1].accuracy > 0.3, `the tiny run did not learn (plain accuracy ${plain.epochs[1].accuracy}; chance is 0.1)`);
      fused.epochs.forEach((epoch, e) => {
        const gap = Math.abs(epoch.accuracy - plain.epochs[e].accuracy);
        assert.ok(gap <= 0.005, `epoch ${e + 1}: fused accuracy ${epoch.accuracy} vs plain ${plain.epochs[e].accuracy}`);
      });
    },
  },
];
