// The device compute path ("masked dense"): tfjs kernels on WebGPU, WebGL or the CPU backend, with
// sparse layers held as dense matrices that are exactly zero off their links; on WebGPU the
// training step runs our fused WGSL kernels (webgpu/fusedStep.ts) unless plain ops are asked for.
import * as tf from '@tensorflow/tfjs';
import { IMAGE_SIZE, NUM_CLASSES } from '../constants';
import type { ComputePath, DataArrays, EvalResult, NetworkState } from '../types';
import { stepFactors } from './adam';
import { disposeData, type ResidentData, uploadData } from './datasets';
import { EVAL_BATCH, evaluateResident } from './evaluate';
import { backward, forward, inputGradient, softmaxCrossEntropy } from './maths';
import { checkState, type DeviceLayer, disposeLayers, downloadState, uploadLayers } from './params';
import { PlainTrainStep } from './plainStep';
import { type DeviceCounters, PathCounters } from './webgpu/pathCounters';
import { FusedTrainStep } from './webgpu/fusedStep';
import { activeWebGpuBackend } from './webgpu/gpuBackend';

export type { DeviceCounters } from './webgpu/pathCounters';

/**
 * `fused`: the training step runs our WGSL kernels (WebGPU only); `plain`: tfjs ops everywhere.
 * Evaluation, gradients for RigL and attacks use the plain ops in both.
 */
export type DeviceKernels = 'fused' | 'plain';

export interface DevicePathOptions {
  /** Default: fused on WebGPU, plain on WebGL and CPU. Asking for fused elsewhere is an error. */
  kernels?: DeviceKernels;
}

/** The device path, plus a view of the matrices its kernels multiply (for tests and the views). */
export interface DevicePath extends ComputePath {
  readonly kernels: DeviceKernels;
  /** Layer `layer`'s weights as the kernels see them: nIn×nOut row-major, zero off the links. */
  denseWeights(layer: number): Promise<Float32Array>;
  /**
   * Device traffic since the path was made: training steps with their kernel dispatches and
   * CPU→GPU uploads, and GPU→CPU readbacks of every other method. Null off WebGPU.
   */
  counters(): DeviceCounters | null;
}

const FILE = 'device/path.ts';

class MaskedDensePath implements DevicePath {
  readonly kernels: DeviceKernels;
  private layers: DeviceLayer[] = [];
  private step = 0;
  private train: ResidentData | null = null;
  private test: ResidentData | null = null;
  private plain: PlainTrainStep | null = null;
  private readonly fused: FusedTrainStep | null;
  private readonly traffic: PathCounters | null;
  /** Σ over steps of the batch-mean loss, accumulated on the device (no readback per step). */
  private lossSum: tf.Variable<tf.Rank.R0> | null = null;
  private stepsSinceLossRead = 0;
  private disposed = false;

  constructor(options: DevicePathOptions) {
    const backend = activeWebGpuBackend();
    this.kernels = options.kernels ?? (backend ? 'fused' : 'plain');
    if (this.kernels !== 'fused' && this.kernels !== 'plain') throw new Error(`${FILE}: unknown kernels "${String(this.kernels)}" (use fused or plain)`);
    if (this.kernels === 'fused' && !backend) throw new Error(`${FILE}: fused kernels need the WebGPU backend, but tfjs runs on "${tf.getBackend()}"`);
    this.fused = this.kernels === 'fused' && backend ? new FusedTrainStep(backend) : null;
    this.traffic = backend ? new PathCounters(backend) : null;
  }

  get kind(): 'masked-dense' | 'dense' {
    return this.layers.some((layer) => layer.links !== null) || this.layers.length === 0 ? 'masked-dense' : 'dense';
  }

  load(state: NetworkState): void {
    this.assertAlive();
    const problems = checkState(state);
    if (problems.length > 0) throw new Error(`${FILE}: cannot load the network: ${problems.join('; ')}`);
    // Upload first, so a failure leaves the previous network in place.
    const layers = uploadLayers(state);
    disposeLayers(this.layers);
    this.layers = layers;
    this.step = state.step;
    this.fused?.setLayers(layers);
    if (!this.fused) this.plain ??= new PlainTrainStep();
    this.lossSum ??= tf.tidy(() => tf.variable(tf.scalar(0), false));
  }

  async save(): Promise<NetworkState> {
    this.requireNetwork('save');
    return this.measured(() => downloadState(this.layers, this.step));
  }

  setTrainData(data: DataArrays): void {
    this.assertAlive();
    const resident = uploadData(data, 'training set');
    disposeData(this.train);
    this.train = resident;
  }

  setTestData(data: DataArrays): void {
    this.assertAlive();
    const resident = uploadData(data, 'test set');
    disposeData(this.test);
    this.test = resident;
  }

  trainStep(indices: Int32Array, learningRate: number, weightDecay: number): void {
    this.requireNetwork('train');
    const train = this.train;
    if (!train) throw new Error(`${FILE}: setTrainData must be called before trainStep`);
    this.checkIndices(indices, train.count);
    if (!(learningRate > 0) || !(weightDecay >= 0)) throw new Error(`${FILE}: learning rate ${learningRate} / weight decay ${weightDecay} out of range`);
    const lossSum = this.lossSum as tf.Variable<tf.Rank.R0>;
    const step = this.step + 1;
    const before = this.traffic?.beginStep();
    if (this.fused) this.fused.step(this.layers, train, indices, lossSum, stepFactors(learningRate, step), weightDecay);
    else (this.plain as PlainTrainStep).step(this.layers, train, indices, lossSum, learningRate, step, weightDecay);
    if (before) this.traffic?.endStep(before);
    this.step = step;
    this.stepsSinceLossRead += 1;
  }

  counters(): DeviceCounters | null {
    return this.traffic ? this.traffic.totals() : null;
  }

  async takeMeanLoss(): Promise<number> {
    this.requireNetwork('read the loss');
    const lossSum = this.lossSum as tf.Variable<tf.Rank.R0>;
    // Snapshot and reset before awaiting, so a step taken during the readback counts next time.
    const steps = this.stepsSinceLossRead;
    this.stepsSinceLossRead = 0;
    const snapshot = tf.clone(lossSum);
    tf.tidy(() => lossSum.assign(tf.zerosLike(lossSum)));
    try {
      const total = (await this.measured(() => snapshot.data()))[0];
      return steps > 0 ? total / steps : NaN;
    } finally {
      snapshot.dispose();
    }
  }

  async evaluate(data?: DataArrays): Promise<EvalResult> {
    this.requireNetwork('evaluate');
    if (!data) {
      if (!this.test) throw new Error(`${FILE}: evaluate needs setTestData first, or a dataset argument`);
      const test = this.test;
      return this.measured(() => evaluateResident(this.layers, test));
    }
    const resident = uploadData(data, 'evaluation set');
    try {
      return await this.measured(() => evaluateResident(this.layers, resident));
    } finally {
      disposeData(resident);
    }
  }

  async predict(pixels: Float32Array, count: number): Promise<Float32Array> {
    this.requireNetwork('predict');
    if (!Number.isInteger(count) || count < 1 || pixels.length !== count * IMAGE_SIZE) {
      throw new Error(`${FILE}: predict got ${pixels.length} pixels for ${count} images of ${IMAGE_SIZE}`);
    }
    const logits = tf.tidy(() => forward(this.layers, tf.tensor2d(pixels, [count, IMAGE_SIZE])).logits);
    try {
      return ((await this.measured(() => logits.data())) as Float32Array).slice();
    } finally {
      logits.dispose();
    }
  }

  async denseGradientMagnitude(layer: number, indices: Int32Array): Promise<Float32Array> {
    this.requireNetwork('compute gradients');
    const train = this.train;
    if (!train) throw new Error(`${FILE}: setTrainData must be called before denseGradientMagnitude`);
    this.checkLayerIndex(layer);
    this.checkIndices(indices, train.count);
    const magnitude = tf.tidy(() => {
      // A fresh 1/batch: RigL's batch sizes vary, and this runs once per epoch, not per step.
      const invBatch = tf.scalar(1 / indices.length);
      const rows = tf.tensor1d(indices, 'int32');
      const activations = forward(this.layers, tf.gather(train.images, rows));
      const { dLogits } = softmaxCrossEntropy(activations.logits, tf.gather(train.oneHot, rows), invBatch);
      // Unmasked and without weight decay: RigL ranks absent links, whose weight (and decay) is zero.
      return tf.abs(backward(this.layers, activations, dLogits, layer)[layer].dW);
    });
    try {
      return ((await this.measured(() => magnitude.data())) as Float32Array).slice();
    } finally {
      magnitude.dispose();
    }
  }

  async inputGradient(pixels: Float32Array, labels: Uint8Array, count: number): Promise<Float32Array> {
    this.requireNetwork('compute input gradients');
    if (!Number.isInteger(count) || count < 1 || pixels.length !== count * IMAGE_SIZE || labels.length < count) {
      throw new Error(`${FILE}: inputGradient needs ${count} images of ${IMAGE_SIZE} pixels and ${count} labels, got ${pixels.length} pixels and ${labels.length} labels`);
    }
    const bad = labels.subarray(0, count).findIndex((label) => label >= NUM_CLASSES);
    if (bad >= 0) throw new Error(`${FILE}: inputGradient label ${bad} is ${labels[bad]}, outside 0..${NUM_CLASSES - 1}`);
    const gradient = new Float32Array(count * IMAGE_SIZE);
    // Chunks bound device memory; each chunk's gradient is of the mean over all `count` images.
    for (let start = 0; start < count; start += EVAL_BATCH) {
      const rows = Math.min(EVAL_BATCH, count - start);
      const chunk = tf.tidy(() => {
        const x = tf.tensor2d(pixels.subarray(start * IMAGE_SIZE, (start + rows) * IMAGE_SIZE), [rows, IMAGE_SIZE]);
        const oneHot = tf.oneHot(tf.tensor1d(Int32Array.from(labels.subarray(start, start + rows)), 'int32'), NUM_CLASSES);
        const activations = forward(this.layers, x);
        const invCount = tf.scalar(1 / count);
        const { dLogits } = softmaxCrossEntropy(activations.logits, tf.cast(oneHot, 'float32') as tf.Tensor2D, invCount);
        return inputGradient(this.layers, activations, dLogits);
      });
      try {
        gradient.set(await this.measured(() => chunk.data()), start * IMAGE_SIZE);
      } finally {
        chunk.dispose();
      }
    }
    return gradient;
  }

  async denseWeights(layer: number): Promise<Float32Array> {
    this.requireNetwork('read weights');
    this.checkLayerIndex(layer);
    const weights = this.layers[layer].w;
    return ((await this.measured(() => weights.data())) as Float32Array).slice();
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    disposeLayers(this.layers);
    this.layers = [];
    disposeData(this.train);
    disposeData(this.test);
    this.train = this.test = null;
    this.plain?.dispose();
    this.plain = null;
    this.fused?.dispose();
    this.lossSum?.dispose();
    this.lossSum = null;
  }

  /** Runs a method's readbacks under the traffic counters (a no-op off WebGPU). */
  private measured<T>(read: () => Promise<T>): Promise<T> {
    return this.traffic ? this.traffic.measureReads(read) : read();
  }

  private checkIndices(indices: Int32Array, count: number): void {
    if (indices.length === 0) throw new Error(`${FILE}: a batch needs at least one image index`);
    for (let i = 0; i < indices.length; i++) {
      // Out-of-range gathers fail silently on GPUs, so catch them here (the cost is O(batch)).
      if (!(indices[i] >= 0 && indices[i] < count)) throw new Error(`${FILE}: image index ${indices[i]} is outside 0..${count - 1}`);
    }
  }

  private checkLayerIndex(layer: number): void {
    if (!Number.isInteger(layer) || layer < 0 || layer >= this.layers.length) {
      throw new Error(`${FILE}: layer ${layer} does not exist (the network has ${this.layers.length})`);
    }
  }

  private requireNetwork(action: string): void {
    this.assertAlive();
    if (this.layers.length === 0) throw new Error(`${FILE}: cannot ${action} before a network is loaded`);
  }

  private assertAlive(): void {
    if (this.disposed) throw new Error(`${FILE}: this compute path has been disposed`);
  }
}

/** A device compute path on the current tfjs backend (call selectBackend first). */
export function createDevicePath(options: DevicePathOptions = {}): DevicePath {
  return new MaskedDensePath(options);
}
