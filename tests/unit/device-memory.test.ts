// The device path must not leak tensors: the count after several epoch-like cycles (load, steps,
// loss, evaluation, gradients, save, rewire on the CPU, reload) equals the count after one.
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../../src/engine/backend';
import { createDevicePath } from '../../src/engine/device/path';
import { createRng, type Rng } from '../../src/engine/rng';
import type { NetworkState } from '../../src/engine/types';
import { pixelsOf, randomData, randomState } from './device-reference';

/** A stand-in for rewiring: move a third of each sparse layer's links, new ones at weight 0. */
function moveLinks(state: NetworkState, rng: Rng): NetworkState {
  const layers = state.layers.map((layer, l) => {
    if (!layer.links) return layer;
    const size = layer.nIn * layer.nOut;
    const kept = new Map<number, number>();
    layer.links.forEach((id, k) => { if (rng.next() > 1 / 3) kept.set(id, layer.weights[k]); });
    while (kept.size < layer.links.length) {
      const id = rng.int(size);
      if (!kept.has(id)) kept.set(id, 0);
    }
    const links = Int32Array.from([...kept.keys()].sort((a, b) => a - b));
    state.moments[l] = { ...state.moments[l], mW: new Float32Array(links.length), vW: new Float32Array(links.length) };
    return { ...layer, links, weights: Float32Array.from(links, (id) => kept.get(id) ?? 0) };
  });
  return { ...state, layers };
}

beforeAll(async () => {
  await selectBackend('cpu');
});

describe('device path memory', () => {
  it('holds a constant number of tensors across epochs and frees them all on dispose', async () => {
    const baseline = tf.memory().numTensors;
    const rng = createRng(9);
    const train = randomData(1, 60);
    const test = randomData(2, 25);
    const path = createDevicePath();
    path.setTrainData(train);
    path.setTestData(test);
    let state = randomState(3, 12, 0.3, { step: 0 });
    const counts: number[] = [];
    for (let epoch = 0; epoch < 4; epoch++) {
      path.load(state);
      for (let start = 0; start < train.count; start += 16) {
        // The last batch is smaller (12), as at the end of a real epoch.
        const indices = Int32Array.from({ length: Math.min(16, train.count - start) }, (_, i) => start + i);
        const before = tf.memory().numTensors;
        path.trainStep(indices, 1e-3, 1e-4);
        if (epoch > 0) expect(tf.memory().numTensors).toBe(before);
      }
      expect(Number.isFinite(await path.takeMeanLoss())).toBe(true);
      await path.evaluate();
      await path.evaluate(randomData(epoch, 7));
      await path.denseGradientMagnitude(1, Int32Array.of(1, 2, 3));
      await path.predict(pixelsOf(test, [0, 1]), 2);
      await path.inputGradient(pixelsOf(test, [0, 1, 2]), test.labels, 3);
      state = moveLinks(await path.save(), rng);
      counts.push(tf.memory().numTensors);
    }
    expect(counts).toEqual([counts[0], counts[0], counts[0], counts[0]]);
    // Turning decay off frees its kept scalar; turning it back on makes one again.
    const batch = Int32Array.from({ length: 16 }, (_, i) => 40 + i);
    path.trainStep(batch, 1e-3, 0);
    expect(tf.memory().numTensors).toBe(counts[0] - 1);
    path.trainStep(batch, 1e-3, 1e-4);
    expect(tf.memory().numTensors).toBe(counts[0]);
    path.dispose();
    expect(tf.memory().numTensors).toBe(baseline);
  });
});
