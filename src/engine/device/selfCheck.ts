// Checks the fused WebGPU training step against the plain tfjs ops before it is trusted on an
// adapter: the same small network, data and batches, a few steps each; a relative error above 1e-4
// on any layer's weights or on the mean loss fails the check (the caller then uses the plain ops).
import { DEFAULT_CONFIG, type ComputePath, type DataArrays, type NetworkState, type TrainConfig } from '../types';
import { IMAGE_SIZE } from '../constants';
import { initNetwork } from '../init';
import { createRng } from '../rng';

export const SELF_CHECK_TOLERANCE = 1e-4;
const SELF_CHECK_STEPS = 4;
const SELF_CHECK_CONFIG: TrainConfig = { ...DEFAULT_CONFIG, hidden: 48, density: 0.1, batchSize: 32, learningRate: 1e-3, weightDecay: 1e-4, seed: 17 };

export interface SelfCheckResult {
  ok: boolean;
  steps: number;
  /** max over layers of ‖W_fused − W_plain‖∞ / ‖W_plain‖∞ after the steps. */
  weightError: number;
  /** |loss_fused − loss_plain| / |loss_plain| of the mean loss over the steps. */
  lossError: number;
  tolerance: number;
  /** The debug hook made it fail. */
  forced?: boolean;
  /** The fused path threw (then it is not used either). */
  error?: string;
}

export interface SelfCheckOptions {
  makePath(kernels: 'fused' | 'plain'): ComputePath;
  steps?: number;
  tolerance?: number;
  /** Debug hook (a page opened with ?debug=1&selfcheck=fail): the fused weights are nudged, so the check fails. */
  forceFailure?: boolean;
}

/** A small seeded dataset: random pixels, labels 0–9. */
function problemData(count: number): DataArrays {
  const rng = createRng(99);
  const images = new Uint8Array(count * IMAGE_SIZE);
  for (let i = 0; i < images.length; i++) images[i] = Math.floor(rng.next() * 256);
  const labels = new Uint8Array(count);
  for (let i = 0; i < count; i++) labels[i] = i % 10;
  return { images, labels, count };
}

function relative(a: Float32Array, b: Float32Array): number {
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < b.length; i++) {
    diff = Math.max(diff, Math.abs(a[i] - b[i]));
    scale = Math.max(scale, Math.abs(b[i]));
  }
  return a.length !== b.length ? Infinity : diff / Math.max(scale, 1e-12);
}

async function run(path: ComputePath, start: NetworkState, data: DataArrays, steps: number, batches: Int32Array[]) {
  try {
    path.load(start);
    path.setTrainData(data);
    for (let s = 0; s < steps; s++) path.trainStep(batches[s], SELF_CHECK_CONFIG.learningRate, SELF_CHECK_CONFIG.weightDecay);
    const loss = await path.takeMeanLoss();
    return { loss, state: await path.save() };
  } finally {
    path.dispose();
  }
}

export async function selfCheckFusedStep(options: SelfCheckOptions): Promise<SelfCheckResult> {
  const steps = options.steps ?? SELF_CHECK_STEPS;
  const tolerance = options.tolerance ?? SELF_CHECK_TOLERANCE;
  const data = problemData(SELF_CHECK_CONFIG.batchSize * 2);
  const start = initNetwork(SELF_CHECK_CONFIG, createRng(SELF_CHECK_CONFIG.seed));
  const rng = createRng(5);
  const batches = Array.from({ length: steps }, () => Int32Array.from({ length: SELF_CHECK_CONFIG.batchSize }, () => Math.floor(rng.next() * data.count)));
  const plain = await run(options.makePath('plain'), start, data, steps, batches);
  let fused: Awaited<ReturnType<typeof run>>;
  try {
    fused = await run(options.makePath('fused'), start, data, steps, batches);
  } catch (e) {
    return { ok: false, steps, weightError: Infinity, lossError: Infinity, tolerance, error: e instanceof Error ? e.message : String(e) };
  }
  if (options.forceFailure) for (const layer of fused.state.layers) layer.weights.forEach((w, i, a) => { a[i] = w * 1.01 + 1e-3; });
  const weightError = Math.max(...fused.state.layers.map((layer, k) => relative(layer.weights, plain.state.layers[k].weights)));
  const lossError = Math.abs(fused.loss - plain.loss) / Math.max(Math.abs(plain.loss), 1e-12);
  const ok = weightError <= tolerance && lossError <= tolerance && Number.isFinite(fused.loss);
  return { ok, steps, weightError, lossError, tolerance, ...(options.forceFailure ? { forced: true } : {}) };
}
