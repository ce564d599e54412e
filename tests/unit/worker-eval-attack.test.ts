// The worker's single-image jobs through createWorkerHost in Node: predictions under a setting, one
// FGSM/PGD attack (untargeted and targeted), and the minimal-ε search.
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { IMAGE_SIZE, NUM_CLASSES } from '../../src/engine/constants';
import { NO_PERTURBATION, type PerturbationSetting } from '../../src/engine/robustness';
import { softmax } from '../../src/worker/attackHost';
import { denseOnHardwareGpu } from '../../src/worker/host';
import { DENSE_CONFIG, hostWithData, SPARSE_CONFIG, TEST, testPixels, trainedFile } from './worker-evalFixtures';

let sparseFile: Uint8Array = new Uint8Array(0);
let denseFile: Uint8Array = new Uint8Array(0);
beforeAll(async () => {
  [sparseFile, denseFile] = await Promise.all([trainedFile(SPARSE_CONFIG), trainedFile(DENSE_CONFIG)]);
});

function argmax(values: Float32Array, offset = 0): number {
  let best = 0;
  for (let c = 1; c < NUM_CLASSES; c++) if (values[offset + c] > values[offset + best]) best = c;
  return best;
}

/** The first test image the model gets right, with its label. */
async function correctlyClassified(h: Awaited<ReturnType<typeof hostWithData>>, modelId: string, requestId: number) {
  const count = 20;
  const pixels = new Float32Array(count * IMAGE_SIZE);
  for (let k = 0; k < count; k++) pixels.set(testPixels(k), k * IMAGE_SIZE);
  await h.host.handle({ type: 'predict', requestId, modelId, pixels, count });
  const { logits } = h.of('prediction', requestId)[0];
  for (let k = 0; k < count; k++) if (argmax(logits, k * NUM_CLASSES) === TEST.labels[k]) return { pixels: testPixels(k), label: TEST.labels[k] };
  throw new Error('the model gets none of the first 20 test images right');
}

describe('predict with a setting', () => {
  it('applies link removal (all links gone: every image gets the same logits) and an ε attack', async () => {
    const h = await hostWithData();
    const id = await h.load(sparseFile, 1);
    const pixels = new Float32Array(2 * IMAGE_SIZE);
    pixels.set(testPixels(0));
    pixels.set(testPixels(1), IMAGE_SIZE);
    await h.host.handle({ type: 'predict', requestId: 2, modelId: id, pixels: pixels.slice(), count: 2 });
    await h.host.handle({ type: 'predict', requestId: 3, modelId: id, pixels: pixels.slice(), count: 2, setting: { ...NO_PERTURBATION, removal: 1 } });
    await h.host.handle({ type: 'predict', requestId: 4, modelId: id, pixels: pixels.slice(), count: 2 });
    const [clean, removed, again] = [2, 3, 4].map((r) => h.of('prediction', r)[0].logits);
    expect(Array.from(clean.subarray(0, 10))).not.toEqual(Array.from(clean.subarray(10)));
    expect(Array.from(removed.subarray(0, 10))).toEqual(Array.from(removed.subarray(10)));
    expect(Array.from(again)).toEqual(Array.from(clean)); // the clean model is loaded back

    const attacked: PerturbationSetting = { ...NO_PERTURBATION, attack: { kind: 'fgsm', epsilon: 0.3 } };
    await h.host.handle({ type: 'predict', requestId: 5, modelId: id, pixels: pixels.slice(), count: 2, setting: attacked });
    const adversarial = h.of('prediction', 5)[0].logits;
    for (const k of [0, 1]) {
      // Pushed away from its own answer: the answer's probability drops.
      const answer = argmax(clean, k * NUM_CLASSES);
      expect(softmax(adversarial.subarray(k * 10, k * 10 + 10))[answer]).toBeLessThan(softmax(clean.subarray(k * 10, k * 10 + 10))[answer]);
    }
  });

  it('answers only the newest of queued predictions', async () => {
    const h = await hostWithData();
    const id = await h.load(sparseFile, 1);
    await Promise.all([2, 3, 4].map((requestId) => h.host.handle({ type: 'predict', requestId, modelId: id, pixels: testPixels(requestId), count: 1 })));
    expect(h.events.slice(-3).map((e) => e.type)).toEqual(['stale', 'stale', 'prediction']);
  });
});

describe('attacks on one image', () => {
  it('FGSM and PGD stay within ε and [0, 1] and lower the true class\'s probability, on sparse and dense models', async () => {
    const h = await hostWithData();
    for (const [file, loadId] of [[sparseFile, 1], [denseFile, 2]] as const) {
      const id = await h.load(file, loadId);
      const { pixels, label } = await correctlyClassified(h, id, 10 + loadId);
      for (const [kind, requestId] of [['fgsm', 20 + loadId], ['pgd', 30 + loadId]] as const) {
        await h.host.handle({ type: 'attack', requestId, modelId: id, pixels: pixels.slice(), label, kind, epsilon: 0.2, seed: 3 });
        const r = h.of('attackResult', requestId)[0];
        expect(r).toMatchObject({ modelId: id, epsilon: 0.2 });
        for (let i = 0; i < IMAGE_SIZE; i++) {
          expect(Math.abs(r.perturbation[i])).toBeLessThanOrEqual(0.2 + 1e-6);
          expect(r.adversarial[i]).toBeCloseTo(pixels[i] + r.perturbation[i], 6);
          expect(r.adversarial[i] >= 0 && r.adversarial[i] <= 1).toBe(true);
        }
        for (const probs of [r.before, r.after]) expect(probs.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
        expect(argmax(r.before)).toBe(label);
        expect(r.after[label]).toBeLessThan(r.before[label]);
      }
    }
  });

  it('a targeted attack raises the target\'s probability', async () => {
    const h = await hostWithData();
    const id = await h.load(sparseFile, 1);
    const { pixels, label } = await correctlyClassified(h, id, 2);
    const target = (label + 3) % 10;
    await h.host.handle({ type: 'attack', requestId: 3, modelId: id, pixels, label, target, kind: 'pgd', epsilon: 0.3, seed: 1 });
    const r = h.of('attackResult', 3)[0];
    expect(r.after[target]).toBeGreaterThan(r.before[target]);
  });

  it('rejects images of the wrong size, pixels outside [0, 1] and bad classes', async () => {
    const h = await hostWithData();
    const id = await h.load(sparseFile, 1);
    const bad: Array<[number, Record<string, unknown>, string]> = [
      [2, { pixels: new Float32Array(10) }, 'expected 1 image(s) of 784 pixels'],
      [3, { pixels: new Float32Array(IMAGE_SIZE).fill(2) }, 'outside [0, 1]'],
      [4, { label: 10 }, 'the label must be a class from 0 to 9'],
      [5, { kind: 'noise' }, 'must be fgsm or pgd'],
    ];
    for (const [requestId, patch, message] of bad) {
      await h.host.handle({ type: 'attack', requestId, modelId: id, pixels: testPixels(0), label: 1, kind: 'fgsm', epsilon: 0.1, seed: 1, ...patch } as never);
      expect(h.events.at(-1)).toMatchObject({ type: 'error', requestId, message: expect.stringContaining(message) });
    }
  });
});

describe('minimal ε', () => {
  it('finds the smallest ε that flips the prediction, 0 for a wrong answer, null when the budget is too small', async () => {
    const h = await hostWithData();
    const id = await h.load(sparseFile, 1);
    const { pixels, label } = await correctlyClassified(h, id, 2);
    await h.host.handle({ type: 'minimalEpsilon', requestId: 3, modelId: id, pixels, label, kind: 'fgsm', seed: 1 });
    const found = h.of('minimalEpsilonResult', 3)[0];
    expect(found.maxEpsilon).toBe(0.5);
    const epsilon = found.epsilon!;
    expect(epsilon).toBeGreaterThan(0);
    expect(epsilon).toBeLessThanOrEqual(0.5);
    // At the ε found the prediction flips; a little below (one bisection step), it did not.
    await h.host.handle({ type: 'attack', requestId: 4, modelId: id, pixels, label, kind: 'fgsm', epsilon, seed: 1 });
    expect(argmax(h.of('attackResult', 4)[0].after)).not.toBe(label);
    await h.host.handle({ type: 'attack', requestId: 5, modelId: id, pixels, label, kind: 'fgsm', epsilon: epsilon - 0.5 / 1024, seed: 1 });
    expect(argmax(h.of('attackResult', 5)[0].after)).toBe(label);

    await h.host.handle({ type: 'minimalEpsilon', requestId: 6, modelId: id, pixels, label: (label + 1) % 10, kind: 'pgd', seed: 1 });
    expect(h.of('minimalEpsilonResult', 6)[0].epsilon).toBe(0);
    await h.host.handle({ type: 'minimalEpsilon', requestId: 7, modelId: id, pixels, label, kind: 'pgd', maxEpsilon: 1e-4, seed: 1 });
    expect(h.of('minimalEpsilonResult', 7)[0]).toMatchObject({ epsilon: null, maxEpsilon: 1e-4 });
  });

  it('a targeted search reaches the target at the ε it reports', async () => {
    const h = await hostWithData();
    const id = await h.load(sparseFile, 1);
    const { pixels, label } = await correctlyClassified(h, id, 2);
    const target = (label + 5) % 10;
    await h.host.handle({ type: 'minimalEpsilon', requestId: 3, modelId: id, pixels, label, target, kind: 'pgd', maxEpsilon: 1, seed: 2 });
    const epsilon = h.of('minimalEpsilonResult', 3)[0].epsilon;
    expect(epsilon).not.toBeNull();
    await h.host.handle({ type: 'attack', requestId: 4, modelId: id, pixels, label, target, kind: 'pgd', epsilon: epsilon!, seed: 2 });
    expect(argmax(h.of('attackResult', 4)[0].after)).toBe(target);
  });
});

describe('where dense models run', () => {
  it('on the CPU backend a dense model is evaluated on the WebAssembly path: no tensor made, same answers as the device path', async () => {
    const cpu = await hostWithData();
    const device = await hostWithData({ denseOnDevice: () => true });
    const [a, b] = [await cpu.load(denseFile, 1), await device.load(denseFile, 1)];
    const before = tf.memory().numTensors;
    await cpu.host.handle({ type: 'evaluate', requestId: 2, modelIds: [a], setting: NO_PERTURBATION, seed: 1 });
    expect(tf.memory().numTensors).toBe(before);
    await device.host.handle({ type: 'evaluate', requestId: 2, modelIds: [b], setting: NO_PERTURBATION, seed: 1 });
    const [onCpu, onDevice] = [cpu, device].map((h) => h.of('evaluation', 2)[0]);
    expect(onCpu).toBeDefined();
    expect(onCpu.results[0].accuracy).toBeGreaterThan(0.5);
    expect(onCpu.results[0].accuracy).toBeCloseTo(onDevice.results[0].accuracy, 3);
    expect(denseOnHardwareGpu({ backend: 'cpu', path: 'sparse-cpu' })).toBe(false);
    expect(denseOnHardwareGpu({ backend: 'webgpu', path: 'masked-dense', software: true })).toBe(false);
    expect(denseOnHardwareGpu({ backend: 'webgl', path: 'masked-dense' })).toBe(true);
  });
});

describe('device-path memory', () => {
  it('repeated jobs on a dense model (device path) leave no tensors behind', async () => {
    const h = await hostWithData({ denseOnDevice: () => true });
    const id = await h.load(denseFile, 1);
    const { pixels, label } = await correctlyClassified(h, id, 2);
    let requestId = 10;
    const round = async () => {
      const setting: PerturbationSetting = { removal: 0.2, shuffle: 0.1, attack: { kind: 'pgd', epsilon: 0.1, steps: 2 } };
      await h.host.handle({ type: 'evaluate', requestId: requestId++, modelIds: [id], setting, seed: 1, limit: 300 });
      await h.host.handle({ type: 'evaluate', requestId: requestId++, modelIds: [id], setting: NO_PERTURBATION, seed: 1 });
      await h.host.handle({ type: 'samples', requestId: requestId++, modelIds: [id], dataset: 'mnist', indices: Int32Array.from([0, 1, 2]), setting, seed: 1 });
      await h.host.handle({ type: 'sweep', requestId: requestId++, modelIds: [id], kind: 'fgsm', levels: [0, 0.1], repeats: 1, seed: 1, limit: 100 });
      await h.host.handle({ type: 'attack', requestId: requestId++, modelId: id, pixels, label, kind: 'pgd', epsilon: 0.1, seed: 1 });
      await h.host.handle({ type: 'minimalEpsilon', requestId: requestId++, modelId: id, pixels, label, kind: 'fgsm', seed: 1 });
      await h.host.handle({ type: 'predict', requestId: requestId++, modelId: id, pixels, count: 1, setting });
    };
    await round(); // paths, resident test sets and constants are made once
    const after = tf.memory().numTensors;
    await round();
    expect(h.events.filter((e) => e.type === 'error')).toEqual([]);
    expect(tf.memory().numTensors).toBe(after);
  });
});
