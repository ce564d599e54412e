// The two compute paths agree: the device path (masked dense, tfjs CPU backend here) and the sparse
// CPU path give the same logits, gradients, training steps and evaluation for the same network.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../../src/engine/backend';
import { createDevicePath } from '../../src/engine/device/path';
import { createSparseCpuPath } from '../../src/engine/sparseCpu';
import type { ComputePath } from '../../src/engine/types';
import { difference, pixelsOf, randomData, randomState, relativeError } from './device-reference';

const TOLERANCE = 1e-4;
const state = randomState(21, 32, 0.15);
const train = randomData(22, 64);
const test = randomData(23, 90);
const batches = [0, 1, 2].map((s) => Int32Array.from({ length: 20 }, (_, i) => (s * 20 + i * 7) % train.count));

let device: ComputePath;
let sparse: ComputePath;

beforeAll(async () => {
  await selectBackend('cpu');
  device = createDevicePath();
  sparse = createSparseCpuPath();
  for (const path of [device, sparse]) {
    path.load(state);
    path.setTrainData(train);
    path.setTestData(test);
  }
});

afterAll(() => {
  device.dispose();
  sparse.dispose();
});

describe('device path and sparse CPU path', () => {
  it('give the same logits', async () => {
    const pixels = pixelsOf(test, Array.from({ length: 30 }, (_, i) => i));
    expect(relativeError(await device.predict(pixels, 30), await sparse.predict(pixels, 30))).toBeLessThan(TOLERANCE);
  });

  it('give the same dense weight gradients and pixel gradients', async () => {
    for (let l = 0; l < 4; l++) {
      const a = await device.denseGradientMagnitude(l, batches[0]);
      const b = await sparse.denseGradientMagnitude(l, batches[0]);
      expect(relativeError(a, b)).toBeLessThan(TOLERANCE);
    }
    const pixels = pixelsOf(test, [4, 5, 6, 7]);
    const labels = test.labels.subarray(4, 8);
    expect(relativeError(await device.inputGradient(pixels, labels, 4), await sparse.inputGradient(pixels, labels, 4))).toBeLessThan(TOLERANCE);
  });

  it('evaluate alike', async () => {
    const [a, b] = [await device.evaluate(), await sparse.evaluate()];
    expect(a.accuracy).toBeCloseTo(b.accuracy, 10);
    expect(a.loss).toBeCloseTo(b.loss, 4);
    expect(Array.from(a.perClass)).toEqual(Array.from(b.perClass));
  });

  it('take the same Adam steps with weight decay', async () => {
    for (const batch of batches) {
      device.trainStep(batch, 1e-3, 1e-4);
      sparse.trainStep(batch, 1e-3, 1e-4);
    }
    expect(await device.takeMeanLoss()).toBeCloseTo(await sparse.takeMeanLoss(), 5);
    const [a, b] = [await device.save(), await sparse.save()];
    expect(a.step).toBe(b.step);
    a.layers.forEach((layer, l) => {
      const start = state.layers[l];
      expect(Array.from(layer.links ?? [])).toEqual(Array.from(b.layers[l].links ?? []));
      expect(relativeError(difference(layer.weights, start.weights), difference(b.layers[l].weights, start.weights))).toBeLessThan(TOLERANCE);
      expect(relativeError(difference(layer.bias, start.bias), difference(b.layers[l].bias, start.bias))).toBeLessThan(TOLERANCE);
      for (const key of ['mW', 'vW', 'mB', 'vB'] as const) {
        expect(relativeError(a.moments[l][key], b.moments[l][key])).toBeLessThan(TOLERANCE);
      }
    });
  });
});
