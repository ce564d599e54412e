// The device path on tfjs's WASM backend (what the CLI uses for dense models) gives the numbers of
// the CPU backend: logits, input gradients (attacks), Adam steps with decay, and evaluation.
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { selectBackend } from '../../src/engine/backend';
import { createDevicePath } from '../../src/engine/device/path';
import { useFastestNodeBackend } from '../../src/engine/nodeBackend';
import { createSparseCpuPath } from '../../src/engine/sparseCpu';
import type { ComputePath, NetworkState } from '../../src/engine/types';
import { pixelsOf, randomData, randomState, relativeError } from './device-reference';

const data = randomData(5, 64);
const pixels = pixelsOf(data, Array.from({ length: data.count }, (_, i) => i));
const batches = [Int32Array.from([0, 5, 9, 13, 22, 31, 40, 63]), Int32Array.from([1, 2, 3, 4, 50, 51, 52, 53])];

interface Numbers {
  logits: Float32Array;
  inputGradient: Float32Array;
  /** Every weight after the Adam steps, layer after layer. */
  weights: Float32Array[];
  accuracy: number;
  loss: number;
}

async function measure(path: ComputePath, state: NetworkState): Promise<Numbers> {
  path.load(state);
  path.setTrainData(data);
  const logits = await path.predict(pixels, data.count);
  const inputGradient = await path.inputGradient(pixels, data.labels, data.count);
  for (const batch of batches) path.trainStep(batch, 1e-2, 1e-4);
  const trained = await path.save();
  const evaluation = await path.evaluate(data);
  path.dispose();
  return { logits, inputGradient, weights: trained.layers.map((l) => l.weights), accuracy: evaluation.accuracy, loss: evaluation.loss };
}

function expectClose(a: Numbers, b: Numbers): void {
  expect(relativeError(a.logits, b.logits)).toBeLessThan(1e-4);
  expect(relativeError(a.inputGradient, b.inputGradient)).toBeLessThan(1e-4);
  a.weights.forEach((w, l) => expect(relativeError(w, b.weights[l])).toBeLessThan(1e-4));
  expect(Math.abs(a.loss - b.loss)).toBeLessThan(1e-4);
}

describe('device path on the wasm backend', () => {
  it('matches the cpu backend (and the sparse CPU path) on a tiny sparse net and a tiny dense net', async () => {
    const sparse = randomState(3, 24, 0.3);
    const dense = randomState(4, 24, 1, { allDense: true });
    await selectBackend('cpu');
    const cpuSparse = await measure(createDevicePath(), sparse);
    const cpuDense = await measure(createDevicePath(), dense);
    const reference = await measure(createSparseCpuPath(), sparse);

    const notices: string[] = [];
    expect(await useFastestNodeBackend((m) => notices.push(m))).toBe('wasm');
    expect(tf.getBackend()).toBe('wasm');
    expect(notices).toEqual([]);
    const wasmSparse = await measure(createDevicePath(), sparse);
    const wasmDense = await measure(createDevicePath(), dense);

    expectClose(wasmSparse, cpuSparse);
    expectClose(wasmDense, cpuDense);
    expectClose(wasmSparse, reference);
    // The steps did something (a comparison of untouched weights would prove little).
    expect(relativeError(wasmDense.weights[0], dense.layers[0].weights)).toBeGreaterThan(1e-3);
    // Masked kernels keep the absent links at zero: the saved sparse layers keep their link count.
    expect(wasmSparse.weights[0].length).toBe(sparse.layers[0].weights.length);
    expect(tf.memory().numTensors).toBe(0);
  });

  it('is a no-op when wasm is already active', async () => {
    expect(await useFastestNodeBackend()).toBe('wasm');
  });
});
