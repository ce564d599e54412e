// In-browser engine bench (bundled by esbuild into the bench page and its worker by src/cli/bench/):
// ms per training step of the device path, masked vs dense layers, per kernel variant, and the
// GPU→CPU readbacks of a real training loop, counted at the backend.
import * as tf from '@tensorflow/tfjs';
import type { EngineBenchOptions, EngineBenchResult, ReadbackCount, SparseCpuStepTiming, StepComparison } from '../../src/cli/bench/browserTypes';
import { loadSplit } from '../../src/data/loadBrowser';
import { IMAGE_SIZE } from '../../src/engine/constants';
import { selectBackend } from '../../src/engine/backend';
import { createDevicePath, type DevicePath } from '../../src/engine/device/path';
import { type CountableBackend, instrumentBackend } from '../../src/engine/device/webgpu/counters';
import { initNetwork } from '../../src/engine/init';
import { createRng, shuffleInPlace } from '../../src/engine/rng';
import { simdAvailable } from '../../src/engine/sparse/rowOps';
import { createSparseCpuPath } from '../../src/engine/sparseCpu';
import { createTrainingRun } from '../../src/engine/train';
import { DEFAULT_CONFIG, type DataArrays, type TrainConfig } from '../../src/engine/types';

/** Images resident for the step timing: a step gathers its batch, so the pool size does not matter. */
const STEP_POOL = 4096;
/** Test images the readback run evaluates on: evaluation reads back once whatever the set's size. */
const READBACK_TEST_IMAGES = 2000;

function messageOf(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? s[m] : (s[m - 1] + s[m]) / 2;
}

function firstImages(data: DataArrays, count: number): DataArrays {
  const n = Math.min(count, data.count);
  return { images: data.images.subarray(0, n * IMAGE_SIZE), labels: data.labels.subarray(0, n), count: n };
}

function configFor(o: EngineBenchOptions, strategy: TrainConfig['strategy']): TrainConfig {
  return { ...DEFAULT_CONFIG, strategy, hidden: o.hidden, density: o.density, batchSize: o.batchSize };
}

/** A path holding `config`'s initial network and the step pool. */
function preparedPath(o: EngineBenchOptions, kernels: 'fused' | 'plain', strategy: TrainConfig['strategy'], pool: DataArrays): DevicePath {
  const path = createDevicePath({ kernels });
  path.load(initNetwork(configFor(o, strategy), createRng(1)));
  path.setTrainData(pool);
  return path;
}

/**
 * Masked network vs dense layers, in alternating rounds so a load change hits both. A round is
 * `stepsPerRound` steps and one loss readback, which waits until the GPU has done them all.
 */
async function compareSteps(o: EngineBenchOptions, kernels: 'fused' | 'plain', pool: DataArrays): Promise<StepComparison> {
  const order = new Int32Array(pool.count);
  for (let i = 0; i < order.length; i++) order[i] = i;
  shuffleInPlace(order, createRng(7));
  const perPass = Math.floor(pool.count / o.batchSize);
  let next = 0;
  const batch = () => {
    const start = (next++ % perPass) * o.batchSize;
    return order.slice(start, start + o.batchSize);
  };
  const masked = preparedPath(o, kernels, 'set', pool);
  const dense = preparedPath(o, kernels, 'dense', pool);
  try {
    if (masked.kind !== 'masked-dense' || dense.kind !== 'dense') throw new Error(`tests/bench/engineBench.ts: expected masked-dense and dense paths, got ${masked.kind} and ${dense.kind}`);
    const round = async (path: DevicePath, steps: number) => {
      const t0 = performance.now();
      for (let s = 0; s < steps; s++) path.trainStep(batch(), DEFAULT_CONFIG.learningRate, DEFAULT_CONFIG.weightDecay);
      await path.takeMeanLoss();
      return (performance.now() - t0) / steps;
    };
    await round(masked, o.warmupSteps);
    await round(dense, o.warmupSteps);
    const before = masked.counters();
    const maskedSamples: number[] = [];
    const denseSamples: number[] = [];
    // Rounds in the order masked, dense, dense, masked, …: neither goes first every time.
    for (let r = 0; r < o.rounds; r++) {
      const first = r % 2 === 0;
      if (first) maskedSamples.push(await round(masked, o.stepsPerRound));
      denseSamples.push(await round(dense, o.stepsPerRound));
      if (!first) maskedSamples.push(await round(masked, o.stepsPerRound));
    }
    const after = masked.counters();
    const out: StepComparison = { kernels, maskedMsPerStep: median(maskedSamples), denseMsPerStep: median(denseSamples), maskedSamples, denseSamples };
    if (before && after && after.steps > before.steps) {
      out.dispatchesPerStep = (after.dispatches - before.dispatches) / (after.steps - before.steps);
      out.uploadsPerStep = (after.uploads - before.uploads) / (after.steps - before.steps);
    }
    return out;
  } finally {
    masked.dispose();
    dense.dispose();
  }
}

/** Counts downloads on WebGL: reads of a texture whose values are not already cached in JS. */
function countWebGlReads(): { count: () => number; restore: () => void } {
  const backend = tf.backend() as unknown as {
    texData: { get(id: object): { values?: unknown } | undefined };
    read(id: object): Promise<unknown>;
    readSync(id: object): unknown;
  };
  let n = 0;
  const read = backend.read;
  const readSync = backend.readSync;
  backend.read = function (this: unknown, id) {
    if (backend.texData.get(id)?.values == null) n++;
    return read.call(backend, id);
  };
  backend.readSync = function (this: unknown, id) {
    if (backend.texData.get(id)?.values == null) n++;
    return readSync.call(backend, id);
  };
  return { count: () => n, restore: () => { backend.read = read; backend.readSync = readSync; } };
}

/** A real SET run (the lab's training loop) with every GPU→CPU download counted. */
async function countReadbacks(o: EngineBenchOptions, train: DataArrays, test: DataArrays): Promise<ReadbackCount> {
  const config: TrainConfig = { ...configFor(o, 'set'), epochs: o.readbackEpochs, trainLimit: o.readbackTrainImages };
  const path = createDevicePath();
  const webgpu = tf.getBackend() === 'webgpu';
  // instrumentBackend returns the live totals the path's own counters already wrap.
  const live = webgpu ? instrumentBackend(tf.backend() as unknown as CountableBackend) : null;
  const gl = webgpu ? null : countWebGlReads();
  const start = live ? live.readbacks : 0;
  try {
    const result = await createTrainingRun(config, path, train, test).run();
    if (result.error !== undefined) throw new Error(`tests/bench/engineBench.ts: the training run failed: ${result.error}`);
    const readbacks = live ? live.readbacks - start : (gl as { count: () => number }).count();
    return {
      epochs: result.history.length,
      batchesPerEpoch: Math.floor(o.readbackTrainImages / o.batchSize),
      readbacks,
      readbacksPerEpoch: readbacks / Math.max(1, result.history.length),
      method: webgpu ? 'WebGPU backend downloads (getBufferData, uncached readSync), device/webgpu/counters.ts' : 'WebGL backend read/readSync of textures without cached values',
      testAccuracy: result.history[result.history.length - 1]?.testAccuracy ?? Number.NaN,
      testImages: test.count,
    };
  } finally {
    gl?.restore();
    path.dispose();
  }
}

/** ms per step of the sparse CPU path at the defaults (MNIST, H = 1000, d = 1%, batch 128). */
function sparseCpuSteps(steps: number, pool: DataArrays): SparseCpuStepTiming {
  const path = createSparseCpuPath();
  try {
    path.load(initNetwork({ ...DEFAULT_CONFIG }, createRng(1)));
    path.setTrainData(pool);
    const rng = createRng(3);
    const batch = new Int32Array(DEFAULT_CONFIG.batchSize);
    const samples: number[] = [];
    for (let s = -3; s < steps; s++) {
      for (let b = 0; b < batch.length; b++) batch[b] = rng.int(pool.count);
      const t0 = performance.now();
      path.trainStep(batch, DEFAULT_CONFIG.learningRate, DEFAULT_CONFIG.weightDecay);
      if (s >= 0) samples.push(performance.now() - t0);
    }
    return { msPerStep: median(samples), steps, kernels: simdAvailable() ? 'wasm-simd' : 'js' };
  } finally {
    path.dispose();
  }
}

export async function runEngineBench(o: EngineBenchOptions, where: 'page' | 'worker'): Promise<EngineBenchResult> {
  const info = await selectBackend(o.backend);
  const adapter = info.adapter ? [info.adapter.vendor, info.adapter.architecture, info.adapter.description].filter(Boolean).join(' / ') : undefined;
  const result: EngineBenchResult = { backend: info.backend, where, steps: [], problems: [], ...(adapter ? { adapter } : {}) };
  if (info.backend !== o.backend) {
    result.problems.push(`${o.backend} is not available here: ${info.fallbackReason ?? 'unknown reason'}`);
    return result;
  }
  const baseUrl = new URL('../', globalThis.location.href).href;
  const [train, test] = await Promise.all([loadSplit('mnist', 'train', { baseUrl }), loadSplit('mnist', 'test', { baseUrl })]);
  const pool = firstImages(train, STEP_POOL);
  for (const kernels of o.kernels) {
    try {
      result.steps.push(await compareSteps(o, kernels, pool));
    } catch (e) {
      result.problems.push(`${o.backend} ${kernels} steps: ${messageOf(e)}`);
    }
  }
  if (o.sparseCpuSteps > 0) {
    try {
      result.sparseCpu = sparseCpuSteps(o.sparseCpuSteps, pool);
    } catch (e) {
      result.problems.push(`sparse CPU path steps: ${messageOf(e)}`);
    }
  }
  if (o.readbackEpochs > 0) {
    try {
      result.readbacks = await countReadbacks(o, train, firstImages(test, READBACK_TEST_IMAGES));
    } catch (e) {
      result.problems.push(`${o.backend} readback count: ${messageOf(e)}`);
    }
  }
  const leaked = tf.memory().numTensors;
  if (leaked > 0) result.problems.push(`${o.backend}: ${leaked} tensors still allocated after the bench`);
  return result;
}
