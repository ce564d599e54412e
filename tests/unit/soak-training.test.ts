// Long runs through the worker host: 30 epochs on each compute path (the device path on tfjs's CPU
// backend) and 50 live evaluations under moving sliders keep the tensor count constant and the JS
// heap flat after warm-up (measured after a forced garbage collection).
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../../src/engine/backend';
import { createDevicePath } from '../../src/engine/device/path';
import { createSparseCpuPath } from '../../src/engine/sparseCpu';
import type { ComputePath } from '../../src/engine/types';
import { createWorkerHost } from '../../src/worker/host';
import type { WorkerEvent } from '../../src/worker/protocol';
import { syntheticData, tinyConfig } from './reliability-harness';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

/** JS heap plus typed-array buffers (kept outside the heap) after a full collection: what is really kept. */
function heapAfterGc(): number {
  gc();
  gc();
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
}

const TRAIN = syntheticData(400, 11);
const TEST = syntheticData(200, 12);
const MB = 1024 * 1024;

/** A host whose events are dropped as soon as they are looked at (as the page would, once drawn). */
async function soakHost(makePath: () => ComputePath) {
  const epochEnds: Array<{ epoch: number; tensors: number; heap: number }> = [];
  const last: { done?: Extract<WorkerEvent, { type: 'trainDone' }>; evaluation?: Extract<WorkerEvent, { type: 'evaluation' }>; error?: string } = {};
  const host = createWorkerHost((event) => {
    if (event.type === 'checkpoint') epochEnds.push({ epoch: event.checkpoint.epoch, tensors: tf.memory().numTensors, heap: heapAfterGc() });
    else if (event.type === 'trainDone') last.done = event;
    else if (event.type === 'evaluation') last.evaluation = event;
    else if (event.type === 'error') last.error = event.message;
  }, { selectBackend: (_p, ex) => selectBackend('cpu', ex), makePath });
  await host.handle({ type: 'init' });
  for (const [split, d] of [['train', TRAIN], ['test', TEST]] as const) {
    await host.handle({ type: 'setData', dataset: 'mnist', split, images: d.images, labels: d.labels, count: d.count });
  }
  return { host, epochEnds, last };
}

beforeAll(async () => {
  await selectBackend('cpu');
});

describe('soak: 30 epochs', () => {
  // H = 64 at 10%: a network state is ~100 KB, so keeping one per epoch by mistake would add ~2.5 MB.
  // The device path runs masked dense kernels in plain JS here (tfjs cpu), so it gets less work; its
  // tensors live in the JS heap too, so a leaked tensor shows in both measures.
  const cases = [
    ['sparse CPU path', createSparseCpuPath, tinyConfig({ hidden: 64, density: 0.1, epochs: 30, batchSize: 40, seed: 9 })],
    ['device path (tfjs cpu)', createDevicePath, tinyConfig({ hidden: 32, density: 0.1, epochs: 30, batchSize: 40, seed: 9, trainLimit: 200 })],
  ] as const;

  for (const [name, makePath, config] of cases) {
    it(`${name}: constant tensor count, flat heap`, async () => {
      const tensorsBefore = tf.memory().numTensors;
      const { host, epochEnds, last } = await soakHost(makePath);
      await host.handle({ type: 'train', runToken: 1, config });
      expect(last.error).toBeUndefined();
      expect(last.done?.summary).toMatchObject({ epochsCompleted: 30, stoppedEarly: false });
      expect(epochEnds.map((e) => e.epoch)).toEqual(Array.from({ length: 30 }, (_, i) => i + 1));
      // After the first epoch (kernels and constants made), not one tensor more or less.
      const tensors = epochEnds.map((e) => e.tensors);
      expect(tensors.slice(1)).toEqual(new Array(29).fill(tensors[1]));
      expect(tf.memory().numTensors).toBe(tensorsBefore); // the path freed everything at the end
      // Warm-up is the first five epochs; after it the heap may not creep.
      const growth = epochEnds[29].heap - epochEnds[4].heap;
      expect(growth).toBeLessThan(1 * MB);
    });
  }
});

describe('soak: repeated slider evaluations', () => {
  it('50 evaluations of a sparse and a dense model under moving sliders hold tensors and heap', async () => {
    const { host, last } = await soakHost(createSparseCpuPath);
    await host.handle({ type: 'train', runToken: 1, config: tinyConfig({ epochs: 1, batchSize: 40 }) });
    await host.handle({ type: 'train', runToken: 2, config: tinyConfig({ epochs: 1, batchSize: 40, strategy: 'dense' }) });
    expect(host.modelIds()).toEqual(['m1', 'm2']);
    const samples: Array<{ tensors: number; heap: number }> = [];
    for (let k = 0; k < 50; k++) {
      // The sliders move: link removal sweeps up, shuffling every third, FGSM ε every fifth.
      const setting = { removal: (k % 10) / 10, shuffle: k % 3 === 0 ? 0.2 : 0, attack: { kind: 'fgsm' as const, epsilon: k % 5 === 0 ? 0.05 : 0 } };
      await host.handle({ type: 'evaluate', requestId: 100 + k, modelIds: ['m1', 'm2'], setting, seed: k });
      expect(last.error).toBeUndefined();
      expect(last.evaluation?.requestId).toBe(100 + k);
      if (k === 9 || k === 49) samples.push({ tensors: tf.memory().numTensors, heap: heapAfterGc() });
    }
    expect(samples[1].tensors).toBe(samples[0].tensors);
    expect(samples[1].heap - samples[0].heap).toBeLessThan(1 * MB);
  });
});
