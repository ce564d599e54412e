// Browser side: the fused training step against the plain one (same state after a few steps),
// the traffic counters and step times of stock / plain / fused, and two-epoch training curves.
import * as tf from '@tensorflow/tfjs';
import { IMAGE_SIZE } from '../../../src/engine/constants';
import { createDevicePath, type DeviceCounters, type DeviceKernels } from '../../../src/engine/device/path';
import { createStockStep } from '../../../src/engine/device/stockStep';
import { difference, snapshot } from '../../../src/engine/device/webgpu/counters';
import { currentBackendCounts } from '../../../src/engine/device/webgpu/pathCounters';
import { requireWebGpuBackend } from '../../../src/engine/device/webgpu/gpuBackend';
import { initNetwork } from '../../../src/engine/init';
import { createRng } from '../../../src/engine/rng';
import { createTrainingRun } from '../../../src/engine/train';
import { DEFAULT_CONFIG, type DataArrays, type NetworkState, type TrainConfig } from '../../../src/engine/types';
import { loadSplit } from '../../../src/data/loadBrowser';
import { randomData, randomState, relativeError } from '../../unit/device-reference';

function batches(seed: number, count: number, batch: number, steps: number): Int32Array[] {
  const rng = createRng(seed);
  return Array.from({ length: steps }, () => Int32Array.from({ length: batch }, () => rng.int(count)));
}

function flatState(state: NetworkState): Record<string, Float32Array> {
  const parts: Record<string, Float32Array> = {};
  state.layers.forEach((layer, l) => {
    parts[`layer ${l} weights`] = layer.weights;
    parts[`layer ${l} biases`] = layer.bias;
    const { mW, vW, mB, vB } = state.moments[l];
    Object.assign(parts, { [`layer ${l} mW`]: mW, [`layer ${l} vW`]: vW, [`layer ${l} mB`]: mB, [`layer ${l} vB`]: vB });
  });
  return parts;
}

/**
 * Five steps on both paths from one state: relative error of every array and of the mean loss,
 * and the tensors the two paths left behind after dispose (must be none).
 */
export async function checkFusedStepAgainstPlain(): Promise<{ errors: Record<string, number>; tensorsLeftOver: number }> {
  const state = randomState(7, 40, 0.2);
  const train = randomData(8, 120);
  const tensorsBefore = tf.memory().numTensors;
  const run = async (kernels: DeviceKernels) => {
    const path = createDevicePath({ kernels });
    path.load(state);
    path.setTrainData(train);
    // A short last batch, as at the end of an epoch.
    for (const b of [...batches(9, train.count, 32, 4), batches(10, train.count, 11, 1)[0]]) path.trainStep(b, 1e-3, 1e-4);
    const loss = await path.takeMeanLoss();
    const saved = await path.save();
    path.dispose();
    return { loss, saved };
  };
  const plain = await run('plain');
  const fused = await run('fused');
  const errors: Record<string, number> = { 'mean loss': relativeError([fused.loss], [plain.loss]) };
  const [a, b] = [flatState(fused.saved), flatState(plain.saved)];
  for (const name of Object.keys(b)) errors[name] = relativeError(a[name], b[name]);
  return { errors, tensorsLeftOver: tf.memory().numTensors - tensorsBefore };
}

export interface TrafficReport {
  adapter: string;
  hidden: number;
  batch: number;
  /** Dispatches and uploads per training step. */
  perStep: Record<'stock' | 'plain' | 'fused', { dispatches: number; uploads: number }>;
  /** Readbacks of one epoch (steps, mean loss, evaluation, save) for the device path's two kernel sets. */
  readbacksPerEpoch: Record<'plain' | 'fused', number>;
}

function adapterName(backend: ReturnType<typeof requireWebGpuBackend>): string {
  const info = backend.adapterInfo as unknown as { vendor?: string; architecture?: string; description?: string };
  return [info.vendor, info.architecture, info.description].filter(Boolean).join(' / ') || 'unknown';
}

/** The three steps on one network: stock tfjs, the device path's plain ops, its fused kernels. */
function makeSteppers(hidden: number) {
  const state = randomState(11, hidden, 0.01, { step: 0 });
  const train = randomData(12, 512);
  const stock = createStockStep(state, train, { learningRate: 1e-3, weightDecay: 1e-4 });
  const paths = (['plain', 'fused'] as const).map((kernels) => {
    const path = createDevicePath({ kernels });
    path.load(state);
    path.setTrainData(train);
    path.setTestData(randomData(14, 300));
    return path;
  });
  return { train, stock, plain: paths[0], fused: paths[1], dispose: () => [stock, ...paths].forEach((s) => s.dispose()) };
}

/**
 * Counters per step (in the steady state, after a first step) and per epoch; they do not depend on
 * the width, so a small one will do.
 */
export async function measureTraffic(hidden = 32, batch = 16, steps = 3): Promise<TrafficReport> {
  const backend = requireWebGpuBackend('the traffic measurement');
  const live = currentBackendCounts();
  if (!live) throw new Error('tests/e2e/kernels/pathChecks.ts: no WebGPU backend to count on');
  const { train, stock, plain, fused, dispose } = makeSteppers(hidden);
  const work = batches(13, train.count, batch, steps);
  try {
    // The first stock step builds the optimizer's moments: count a later one.
    stock.step(work[0]);
    const before = snapshot(live);
    stock.step(work[1]);
    const spent = difference(live, before);
    const perStep = { stock: { dispatches: spent.dispatches, uploads: spent.uploads } } as TrafficReport['perStep'];
    const readbacksPerEpoch = {} as TrafficReport['readbacksPerEpoch'];
    for (const [kernels, path] of [['plain', plain], ['fused', fused]] as const) {
      // The first step after a load uploads the network's tensors: count from the second.
      path.trainStep(work[0], 1e-3, 1e-4);
      await path.takeMeanLoss();
      const start = path.counters() as DeviceCounters;
      // One epoch as train.ts runs it: steps, then the mean loss, the evaluation and the state.
      for (const b of work) path.trainStep(b, 1e-3, 1e-4);
      await path.takeMeanLoss();
      await path.evaluate();
      await path.save();
      const end = path.counters() as DeviceCounters;
      const n = end.steps - start.steps;
      perStep[kernels] = { dispatches: (end.dispatches - start.dispatches) / n, uploads: (end.uploads - start.uploads) / n };
      readbacksPerEpoch[kernels] = end.readbacks - start.readbacks;
    }
    return { adapter: adapterName(backend), hidden, batch, perStep, readbacksPerEpoch };
  } finally {
    dispose();
  }
}

/**
 * Milliseconds per step of the three, each timed `rounds` times in turn (interleaved, so a busy
 * machine slows all three alike) over `steps` steps ended by one readback; the fastest round counts.
 */
export async function timeSteps(hidden = 256, batch = 128, steps = 4, rounds = 3): Promise<Record<string, number | string>> {
  const backend = requireWebGpuBackend('the step timing');
  const { train, stock, plain, fused, dispose } = makeSteppers(hidden);
  const work = batches(15, train.count, batch, steps);
  const runs: Array<[string, (b: Int32Array) => void, () => Promise<unknown>]> = [
    ['stock', (b) => stock.step(b), () => stock.denseWeights(3)],
    ['plain', (b) => plain.trainStep(b, 1e-3, 1e-4), () => plain.takeMeanLoss()],
    ['fused', (b) => fused.trainStep(b, 1e-3, 1e-4), () => fused.takeMeanLoss()],
  ];
  const best: Record<string, number> = {};
  try {
    for (const [name, step, sync] of runs) {
      // Warm-up: pipelines compile on first use.
      step(work[0]);
      await sync();
      best[name] = Infinity;
    }
    for (let r = 0; r < rounds; r++) {
      for (const [name, step, sync] of runs) {
        const t0 = performance.now();
        for (const b of work) step(b);
        await sync();
        best[name] = Math.min(best[name], (performance.now() - t0) / work.length);
      }
    }
    return { adapter: adapterName(backend), hidden, batch, ...best };
  } finally {
    dispose();
  }
}

function images(data: DataArrays, from: number, to: number): DataArrays {
  return { images: data.images.slice(from * IMAGE_SIZE, to * IMAGE_SIZE), labels: data.labels.slice(from, to), count: to - from };
}

/**
 * Test accuracy and mean training loss after each of two epochs of SET, for both kernel sets.
 * Tiny and quick: 2,000 training and 1,000 test images, both cut from MNIST's small test split.
 */
export async function trainTwoEpochs(baseUrl: string): Promise<Record<DeviceKernels, { epochs: Array<{ accuracy: number; loss: number }>; dispatchesPerStep: number }>> {
  const all = await loadSplit('mnist', 'test', { baseUrl, verify: false });
  const train = images(all, 0, 2000);
  const test = images(all, 2000, 3000);
  const config: TrainConfig = {
    ...DEFAULT_CONFIG, hidden: 64, density: 0.05, epochs: 2, batchSize: 200, learningRate: 2e-2, trainLimit: null, seed: 5,
  };
  const initial = initNetwork(config, createRng(config.seed));
  const curves = {} as Awaited<ReturnType<typeof trainTwoEpochs>>;
  for (const kernels of ['plain', 'fused'] as const) {
    const path = createDevicePath({ kernels });
    const result = await createTrainingRun(config, path, train, test, {}, initial).run();
    // Shows which kernels really ran.
    const { dispatches, steps } = path.counters() as DeviceCounters;
    path.dispose();
    if (result.error) throw new Error(`${kernels}: ${result.error}`);
    curves[kernels] = { epochs: result.history.map((e) => ({ accuracy: e.testAccuracy, loss: e.trainLoss })), dispatchesPerStep: dispatches / steps };
  }
  return curves;
}
