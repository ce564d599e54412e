// The device path (tfjs CPU backend here) against the float64 reference: logits, gradients,
// one Adam step with weight decay, exact zeros off the links, evaluation and the loss readback.
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IMAGE_SIZE, NUM_CLASSES } from '../../src/engine/constants';
import { selectBackend } from '../../src/engine/backend';
import { createDevicePath, type DevicePath } from '../../src/engine/device/path';
import { stepFactors } from '../../src/engine/device/adam';
import { ADAM_BETA1, ADAM_BETA2, ADAM_EPSILON, type NetworkState } from '../../src/engine/types';
import {
  denseMatrix, difference, pixelsOf, randomData, randomState, referenceAdamStep, referencePass, relativeError,
} from './device-reference';

const HIDDEN = 16;
const DENSITY = 0.3;
const LR = 1e-3;
const DECAY = 1e-4;
const TOLERANCE = 1e-4;

const train = randomData(11, 48);
const batch = Int32Array.from([3, 7, 0, 12, 45, 30, 21, 8, 9, 40, 33, 2, 17, 26, 5, 44]);
const batchLabels = Array.from(batch, (i) => train.labels[i]);

function loadedPath(state: NetworkState): DevicePath {
  const path = createDevicePath();
  path.load(state);
  path.setTrainData(train);
  return path;
}

beforeAll(async () => {
  await selectBackend('cpu');
});

describe('device path against the float64 reference', () => {
  const state = randomState(1, HIDDEN, DENSITY);
  const pass = referencePass(state, pixelsOf(train, batch), batchLabels, batch.length);
  let path: DevicePath;
  beforeAll(() => { path = loadedPath(state); });
  afterAll(() => path.dispose());

  it('reports masked-dense for sparse layers and dense when every layer is dense', () => {
    expect(path.kind).toBe('masked-dense');
    const dense = createDevicePath();
    dense.load(randomState(2, 8, 1, { allDense: true }));
    expect(dense.kind).toBe('dense');
    dense.dispose();
  });

  it('gives the reference logits', async () => {
    const logits = await path.predict(pixelsOf(train, batch), batch.length);
    expect(logits.length).toBe(batch.length * NUM_CLASSES);
    expect(relativeError(logits, pass.acts[4])).toBeLessThan(TOLERANCE);
  });

  it('gives the reference dense weight gradients of every layer, absent links included', async () => {
    for (let l = 0; l < 4; l++) {
      const magnitude = await path.denseGradientMagnitude(l, batch);
      expect(magnitude.length).toBe(state.layers[l].nIn * state.layers[l].nOut);
      expect(relativeError(magnitude, pass.dW[l].map(Math.abs))).toBeLessThan(TOLERANCE);
    }
    // At 30% density most of the gradient lies on absent links, which RigL needs.
    const absent = await path.denseGradientMagnitude(1, batch);
    const onLinks = new Set(state.layers[1].links);
    expect(absent.some((g, id) => !onLinks.has(id) && g > 0)).toBe(true);
  });

  it('gives the reference gradient with respect to the pixels', async () => {
    const gradient = await path.inputGradient(pixelsOf(train, batch), Uint8Array.from(batchLabels), batch.length);
    expect(relativeError(gradient, pass.dX)).toBeLessThan(TOLERANCE);
  });

  it('takes the reference Adam step with weight decay (weights, biases and moments)', async () => {
    const stepped = loadedPath(state);
    stepped.trainStep(batch, LR, DECAY);
    const after = await stepped.save();
    expect(await stepped.takeMeanLoss()).toBeCloseTo(pass.loss, 5);
    stepped.dispose();
    const ref = referenceAdamStep(state, pass, LR, DECAY);
    expect(after.step).toBe(state.step + 1);
    after.layers.forEach((layer, l) => {
      const before = state.layers[l];
      expect(Array.from(layer.links ?? [])).toEqual(Array.from(before.links ?? []));
      // Compare the changes, not the values: a change is ~1e-3 of a weight.
      expect(relativeError(difference(layer.weights, before.weights), difference(ref.w[l], before.weights))).toBeLessThan(TOLERANCE);
      expect(relativeError(difference(layer.bias, before.bias), difference(ref.b[l], before.bias))).toBeLessThan(TOLERANCE);
      expect(relativeError(after.moments[l].mW, ref.mW[l])).toBeLessThan(TOLERANCE);
      expect(relativeError(after.moments[l].vW, ref.vW[l])).toBeLessThan(TOLERANCE);
      expect(relativeError(after.moments[l].mB, ref.mB[l])).toBeLessThan(TOLERANCE);
      expect(relativeError(after.moments[l].vB, ref.vB[l])).toBeLessThan(TOLERANCE);
    });
  });

  it('applies weight decay: 1e-4 and 0 give different updates, each the reference one', async () => {
    const results: NetworkState[] = [];
    for (const decay of [0, DECAY]) {
      const p = loadedPath(state);
      p.trainStep(batch, LR, decay);
      results.push(await p.save());
      p.dispose();
    }
    const refOff = referenceAdamStep(state, pass, LR, 0);
    const refOn = referenceAdamStep(state, pass, LR, DECAY);
    for (let l = 0; l < 4; l++) {
      const made = difference(results[1].moments[l].mW, results[0].moments[l].mW);
      const expected = difference(refOn.mW[l], refOff.mW[l]);
      // Decay adds 0.1 · 1e-4 · w to the first moment: tiny, but it must be there and be right.
      expect(Math.max(...expected.map(Math.abs))).toBeGreaterThan(1e-7);
      expect(relativeError(made, expected)).toBeLessThan(1e-2);
      expect(relativeError(difference(results[0].layers[l].weights, state.layers[l].weights), difference(refOff.w[l], state.layers[l].weights))).toBeLessThan(TOLERANCE);
    }
  });

  it('keeps absent links exactly zero over several steps with decay, and present ones moving', async () => {
    const stepped = loadedPath(state);
    for (let s = 0; s < 4; s++) stepped.trainStep(batch.subarray(s * 4, s * 4 + 8), LR * 10, DECAY);
    for (let l = 0; l < 3; l++) {
      const w = await stepped.denseWeights(l);
      const links = new Set(state.layers[l].links);
      const strayIds = [...w.keys()].filter((id) => !links.has(id) && w[id] !== 0);
      expect(strayIds).toEqual([]);
      const start = denseMatrix(state.layers[l]);
      expect([...links].every((id) => w[id] !== start[id])).toBe(true);
    }
    stepped.dispose();
  });

  it('evaluates the resident test set and a given dataset like the reference', async () => {
    const test = randomData(5, 70);
    const all = Int32Array.from({ length: test.count }, (_, i) => i);
    const ref = referencePass(state, pixelsOf(test, all), test.labels, test.count);
    const hits = new Float64Array(NUM_CLASSES);
    const counts = new Float64Array(NUM_CLASSES);
    for (let b = 0; b < test.count; b++) {
      const row = Array.from(ref.acts[4].subarray(b * NUM_CLASSES, (b + 1) * NUM_CLASSES));
      counts[test.labels[b]] += 1;
      if (row.indexOf(Math.max(...row)) === test.labels[b]) hits[test.labels[b]] += 1;
    }
    path.setTestData(test);
    for (const result of [await path.evaluate(), await path.evaluate(test)]) {
      expect(result.accuracy).toBeCloseTo(hits.reduce((a, b) => a + b) / test.count, 10);
      expect(result.loss).toBeCloseTo(ref.loss, 4);
      for (let c = 0; c < NUM_CLASSES; c++) {
        if (counts[c] === 0) expect(result.perClass[c]).toBeNaN();
        else expect(result.perClass[c]).toBeCloseTo(hits[c] / counts[c], 6);
      }
    }
  });

  it('reports the mean of the batch losses since the last read, then resets', async () => {
    const p = loadedPath(state);
    const first = batch.subarray(0, 8);
    const second = batch.subarray(8, 13);
    const loss1 = referencePass(state, pixelsOf(train, first), Array.from(first, (i) => train.labels[i]), first.length).loss;
    p.trainStep(first, LR, DECAY);
    const mid = await p.save();
    const loss2 = referencePass(mid, pixelsOf(train, second), Array.from(second, (i) => train.labels[i]), second.length).loss;
    p.trainStep(second, LR, DECAY);
    expect(await p.takeMeanLoss()).toBeCloseTo((loss1 + loss2) / 2, 5);
    expect(await p.takeMeanLoss()).toBeNaN();
    p.dispose();
  });
});

describe('Adam step factors', () => {
  it('equal the textbook update even where √v is as small as ε', () => {
    const lr = 3e-3;
    for (const step of [1, 2, 10, 1000]) {
      const [lrFactor, epsilonHat] = stepFactors(lr, step);
      for (const [m, v] of [[2e-3, 4e-6], [3e-9, 1e-17], [-5e-10, 2.5e-19]]) {
        const textbook = (lr * (m / (1 - ADAM_BETA1 ** step))) / (Math.sqrt(v / (1 - ADAM_BETA2 ** step)) + ADAM_EPSILON);
        expect((lrFactor * m) / (Math.sqrt(v) + epsilonHat) / textbook).toBeCloseTo(1, 6);
      }
    }
  });
});

describe('device path boundaries', () => {
  it('rejects an inconsistent network with a message naming the file and the problem', () => {
    const path = createDevicePath();
    const state = randomState(3, 8, 0.5);
    state.layers[1].weights = state.layers[1].weights.subarray(1);
    expect(() => path.load(state)).toThrow(/device\/path\.ts: .*layer 1 has \d+ weights for \d+ links/);
    const unsorted = randomState(3, 8, 0.5);
    unsorted.layers[0].links = unsorted.layers[0].links!.slice().reverse();
    expect(() => path.load(unsorted)).toThrow(/layer 0 link 1 .* not in strictly increasing order/);
    path.dispose();
  });

  it('rejects bad datasets, bad indices and use before load', () => {
    const path = createDevicePath();
    expect(() => path.trainStep(Int32Array.of(0), LR, 0)).toThrow(/before a network is loaded/);
    expect(() => path.setTrainData({ images: new Uint8Array(IMAGE_SIZE), labels: Uint8Array.of(12), count: 1 })).toThrow(/training set label 0 is 12/);
    expect(() => path.setTestData({ images: new Uint8Array(10), labels: Uint8Array.of(1), count: 1 })).toThrow(/test set has 10 pixel bytes/);
    path.load(randomState(4, 8, 0.5));
    expect(() => path.trainStep(Int32Array.of(0), LR, 0)).toThrow(/setTrainData must be called/);
    path.setTrainData(train);
    expect(() => path.trainStep(Int32Array.of(0, 48), LR, 0)).toThrow(/image index 48 is outside 0..47/);
    path.dispose();
    expect(() => path.load(randomState(4, 8, 0.5))).toThrow(/disposed/);
  });

  it('does not see later changes to the arrays it was given or returned', async () => {
    const state = randomState(6, 8, 0.5, { allDense: true });
    const path = createDevicePath();
    path.load(state);
    const pixels = pixelsOf(train, [0]);
    const before = await path.predict(pixels, 1);
    state.layers[3].weights.fill(0);
    (await path.save()).layers[3].bias.fill(100);
    expect(Array.from(await path.predict(pixels, 1))).toEqual(Array.from(before));
    path.dispose();
  });

  it('runs on the tfjs backend that selectBackend chose', () => {
    expect(tf.getBackend()).toBe('cpu');
  });
});
