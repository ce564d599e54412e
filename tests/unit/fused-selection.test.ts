// On the CPU backend (Node): the device path picks the plain ops and reports no GPU counters, fused
// kernels are refused with a clear message, and the stock baseline step does the same maths as the
// device path (so a benchmark compares equal work).
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../../src/engine/backend';
import { createDevicePath } from '../../src/engine/device/path';
import { createStockStep } from '../../src/engine/device/stockStep';
import type { NetworkState } from '../../src/engine/types';
import { denseMatrix, randomData, randomState, relativeError } from './device-reference';

beforeAll(async () => {
  await selectBackend('cpu');
});

/** A copy of `state` with zero Adam moments at step 0 (tf.train.adam starts that way). */
function freshMoments(state: NetworkState): NetworkState {
  const zeros = (a: Float32Array) => new Float32Array(a.length);
  return { ...state, step: 0, moments: state.moments.map((m) => ({ mW: zeros(m.mW), vW: zeros(m.vW), mB: zeros(m.mB), vB: zeros(m.vB) })) };
}

describe('kernel selection', () => {
  it('uses the plain ops off WebGPU and has no GPU counters there', () => {
    const path = createDevicePath();
    expect(path.kernels).toBe('plain');
    expect(path.counters()).toBeNull();
    path.dispose();
  });

  it('refuses fused kernels without WebGPU, and unknown kernel names', () => {
    expect(() => createDevicePath({ kernels: 'fused' })).toThrow(/fused kernels need the WebGPU backend.*"cpu"/);
    expect(() => createDevicePath({ kernels: 'fast' as never })).toThrow(/unknown kernels "fast"/);
  });
});

describe('stock baseline step', () => {
  const state = freshMoments(randomState(21, 12, 0.3));
  const train = randomData(22, 40);
  const batches = [Int32Array.of(1, 5, 9, 13, 2, 30, 39, 0), Int32Array.of(3, 4, 7, 11, 20, 21, 25, 38)];

  it('takes the same two Adam steps as the device path, and keeps absent links at zero', async () => {
    const tensorsBefore = tf.memory().numTensors;
    const stock = createStockStep(state, train, { learningRate: 1e-2, weightDecay: 1e-3 });
    const path = createDevicePath();
    path.load(state);
    path.setTrainData(train);
    for (const b of batches) {
      stock.step(b);
      path.trainStep(b, 1e-2, 1e-3);
    }
    for (let l = 0; l < 4; l++) {
      const [stockW, pathW] = [await stock.denseWeights(l), await path.denseWeights(l)];
      expect(relativeError(stockW, pathW)).toBeLessThan(1e-5);
      // The steps did move the weights (lr 1e-2 against weights of order 0.3).
      expect(relativeError(pathW, denseMatrix(state.layers[l]))).toBeGreaterThan(1e-3);
      const links = state.layers[l].links;
      if (links) {
        const onLinks = new Set(links);
        expect(stockW.every((w, id) => onLinks.has(id) || w === 0)).toBe(true);
      }
    }
    stock.dispose();
    path.dispose();
    expect(tf.memory().numTensors).toBe(tensorsBefore);
  });

  it('rejects bad options and bad image indices', () => {
    expect(() => createStockStep(state, train, { learningRate: 0, weightDecay: 0 })).toThrow(/stockStep\.ts: learning rate 0/);
    const stock = createStockStep(state, train, { learningRate: 1e-3, weightDecay: 0 });
    expect(() => stock.step(Int32Array.of(40))).toThrow(/outside 0\.\.39/);
    stock.dispose();
  });
});
