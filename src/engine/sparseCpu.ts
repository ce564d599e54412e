// The sparse CPU compute path: pure TypeScript kernels on typed arrays whose cost grows with the
// number of links, not nIn·nOut. Runs unchanged in Node (tests, CLI) and in a worker without a GPU.
import { IMAGE_SIZE, NUM_CLASSES } from './constants';
import { createEvalTally, finishEval, tallyLogits } from './evaluate';
import { cloneNetwork } from './init';
import { adamUpdate } from './sparse/kernels';
import {
  createWorkspace, denseGradientOf, forward, gatherPixels, loadPixels, lossAndGradients, prepareNet,
} from './sparse/network';
import type { PreparedNet, Workspace } from './sparse/network';
import { ADAM_BETA1, ADAM_BETA2, ADAM_EPSILON } from './types';
import type { ComputePath, DataArrays, EvalResult, NetworkState } from './types';

/** Evaluation and prediction run in chunks of this many images (bounded workspace memory). */
const EVAL_CHUNK = 1000;

export function createSparseCpuPath(): ComputePath {
  return new SparseCpuPath();
}

class SparseCpuPath implements ComputePath {
  readonly kind = 'sparse-cpu' as const;
  private net: PreparedNet | null = null;
  private workspaces = new Map<number, Workspace>();
  private widths = '';
  private train: DataArrays | null = null;
  private test: DataArrays | null = null;
  private lossSum = 0;
  private lossBatches = 0;

  load(state: NetworkState): void {
    this.net = prepareNet(state);
    // Workspace sizes depend only on layer widths, which a reload of the same architecture keeps.
    const widths = this.net.state.layers.map((l) => l.nOut).join(',');
    if (widths !== this.widths) this.workspaces.clear();
    this.widths = widths;
  }

  async save(): Promise<NetworkState> {
    return cloneNetwork(this.requireNet('save').state);
  }

  setTrainData(data: DataArrays): void {
    this.train = checkData(data, 'training');
  }

  setTestData(data: DataArrays): void {
    this.test = checkData(data, 'test');
  }

  trainStep(indices: Int32Array, learningRate: number, weightDecay: number): void {
    const net = this.requireNet('trainStep');
    const train = this.train;
    if (train === null) throw new Error('sparseCpu.ts: trainStep called before setTrainData');
    const ws = this.workspace(indices.length);
    gatherPixels(ws, train.images, indices, 0);
    const loss = lossAndGradients(net, ws, train.labels, indices, 0);
    this.lossSum += loss;
    this.lossBatches++;
    const state = net.state;
    state.step++;
    const c1 = 1 - Math.pow(ADAM_BETA1, state.step);
    const c2 = 1 - Math.pow(ADAM_BETA2, state.step);
    for (let l = 0; l < state.layers.length; l++) {
      const layer = state.layers[l];
      const m = state.moments[l];
      adamUpdate(layer.weights, net.dW[l], m.mW, m.vW, learningRate, weightDecay, ADAM_BETA1, ADAM_BETA2, ADAM_EPSILON, c1, c2);
      adamUpdate(layer.bias, net.dB[l], m.mB, m.vB, learningRate, 0, ADAM_BETA1, ADAM_BETA2, ADAM_EPSILON, c1, c2);
    }
  }

  async takeMeanLoss(): Promise<number> {
    const mean = this.lossBatches > 0 ? this.lossSum / this.lossBatches : NaN;
    this.lossSum = 0;
    this.lossBatches = 0;
    return mean;
  }

  async evaluate(data?: DataArrays): Promise<EvalResult> {
    const net = this.requireNet('evaluate');
    const set = data ? checkData(data, 'evaluation') : this.test;
    if (set === null) throw new Error('sparseCpu.ts: evaluate called before setTestData and without data');
    const tally = createEvalTally();
    const logitsAt = net.state.layers.length;
    for (let start = 0; start < set.count; start += EVAL_CHUNK) {
      const n = Math.min(EVAL_CHUNK, set.count - start);
      const ws = this.workspace(n);
      gatherPixels(ws, set.images, null, start);
      forward(net, ws);
      tallyLogits(tally, ws.acts[logitsAt], n, set.labels, start, 'feature-major');
    }
    return finishEval(tally);
  }

  async predict(pixels: Float32Array, count: number): Promise<Float32Array> {
    const net = this.requireNet('predict');
    if (pixels.length !== count * IMAGE_SIZE) throw new Error(`sparseCpu.ts: predict needs ${count}×${IMAGE_SIZE} pixels, got ${pixels.length} values`);
    const out = new Float32Array(count * NUM_CLASSES);
    const logitsAt = net.state.layers.length;
    for (let start = 0; start < count; start += EVAL_CHUNK) {
      const n = Math.min(EVAL_CHUNK, count - start);
      const ws = this.workspace(n);
      loadPixels(ws, pixels, start);
      forward(net, ws);
      const logits = ws.acts[logitsAt];
      for (let b = 0; b < n; b++) for (let c = 0; c < NUM_CLASSES; c++) out[(start + b) * NUM_CLASSES + c] = logits[c * n + b];
    }
    return out;
  }

  async denseGradientMagnitude(layer: number, indices: Int32Array): Promise<Float32Array> {
    const net = this.requireNet('denseGradientMagnitude');
    const train = this.train;
    if (train === null) throw new Error('sparseCpu.ts: denseGradientMagnitude called before setTrainData');
    if (!Number.isInteger(layer) || layer < 0 || layer >= net.state.layers.length) throw new RangeError(`sparseCpu.ts: no layer ${layer}`);
    const ws = this.workspace(indices.length);
    gatherPixels(ws, train.images, indices, 0);
    return denseGradientOf(net, ws, layer, train.labels, indices);
  }

  async inputGradient(pixels: Float32Array, labels: Uint8Array, count: number): Promise<Float32Array> {
    const net = this.requireNet('inputGradient');
    if (pixels.length !== count * IMAGE_SIZE || labels.length < count) throw new Error(`sparseCpu.ts: inputGradient needs ${count}×${IMAGE_SIZE} pixels and ${count} labels`);
    const out = new Float32Array(count * IMAGE_SIZE);
    for (let start = 0; start < count; start += EVAL_CHUNK) {
      const n = Math.min(EVAL_CHUNK, count - start);
      const ws = this.workspace(n);
      loadPixels(ws, pixels, start);
      lossAndGradients(net, ws, labels, null, start, 0, true);
      // The kernels give ∂(chunk mean)/∂x; rescale so the result is ∂(mean over all count)/∂x.
      const scale = n / count;
      const g = ws.grads[0];
      for (let b = 0; b < n; b++) for (let i = 0; i < IMAGE_SIZE; i++) out[(start + b) * IMAGE_SIZE + i] = g[i * n + b] * scale;
    }
    return out;
  }

  dispose(): void {
    this.net = null;
    this.workspaces.clear();
    this.train = null;
    this.test = null;
  }

  private requireNet(op: string): PreparedNet {
    if (this.net === null) throw new Error(`sparseCpu.ts: ${op} called before load`);
    return this.net;
  }

  /** One workspace per batch size, made on first use: steady-state steps allocate nothing. */
  private workspace(batch: number): Workspace {
    let ws = this.workspaces.get(batch);
    if (ws === undefined) {
      // A handful of sizes occur (batch, eval chunk, its remainder, predict sizes); drop the rest.
      if (this.workspaces.size >= 6) this.workspaces.clear();
      ws = createWorkspace(this.requireNet('workspace'), batch);
      this.workspaces.set(batch, ws);
    }
    return ws;
  }
}

function checkData(data: DataArrays, what: string): DataArrays {
  if (data.images.length !== data.count * IMAGE_SIZE || data.labels.length !== data.count) {
    throw new Error(`sparseCpu.ts: ${what} data must hold ${data.count} images of ${IMAGE_SIZE} bytes and as many labels`);
  }
  for (let k = 0; k < data.count; k++) {
    if (data.labels[k] >= NUM_CLASSES) throw new Error(`sparseCpu.ts: ${what} label ${k} is ${data.labels[k]}, not a class 0–${NUM_CLASSES - 1}`);
  }
  return data;
}
