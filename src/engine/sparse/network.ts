// The sparse CPU path's network: a state plus its link index and gradient buffers, and the forward and
// backward passes over a preallocated workspace (one per batch size, so steps never allocate).
import { IMAGE_SIZE, NUM_CLASSES } from '../constants';
import { cloneNetwork } from '../init';
import type { NetworkState } from '../types';
import { biasGradient, softmaxCrossEntropyBackward } from './kernels';
import { buildLinkIndex, type LinkIndex, markLiveRows } from './linkIndex';
import { denseGradientMagnitude, type GradientScratch, linkBackward, linkForward } from './linkKernels';
import { createRowOps, type RowOps, type RowOpsOptions } from './rowOps';

export interface PreparedNet {
  state: NetworkState;
  /**
   * Per layer, its links indexed by input and by output. A dense layer is indexed as a layer
   * holding every link: its row-major weights are then exactly in link order.
   */
  index: LinkIndex[];
  dW: Float32Array[];
  dB: Float32Array[];
}

/** Every link id of an nIn×nOut layer, in order (the index of a dense layer). */
function allLinks(nIn: number, nOut: number): Int32Array {
  const ids = new Int32Array(nIn * nOut);
  for (let k = 0; k < ids.length; k++) ids[k] = k;
  return ids;
}

/** Copies `state` and indexes its links for the kernels. */
export function prepareNet(source: NetworkState): PreparedNet {
  const state = cloneNetwork(source);
  const index: LinkIndex[] = [];
  state.layers.forEach((layer, l) => {
    const { nIn, nOut, links, weights, bias } = layer;
    const m = state.moments[l];
    const expected = links === null ? nIn * nOut : links.length;
    if (weights.length !== expected || bias.length !== nOut || m.mW.length !== expected || m.vW.length !== expected || m.mB.length !== nOut || m.vB.length !== nOut) {
      throw new Error(`sparse/network.ts: layer ${l} (${nIn}→${nOut}) has arrays of inconsistent lengths`);
    }
    if (l > 0 && state.layers[l - 1].nOut !== nIn) throw new Error(`sparse/network.ts: layer ${l} takes ${nIn} inputs but layer ${l - 1} has ${state.layers[l - 1].nOut} outputs`);
    index.push(buildLinkIndex(links ?? allLinks(nIn, nOut), nIn, nOut, `sparse/network.ts: layer ${l}`));
  });
  if (state.layers[0]?.nIn !== IMAGE_SIZE || state.layers[state.layers.length - 1]?.nOut !== NUM_CLASSES) {
    throw new Error(`sparse/network.ts: the network must map ${IMAGE_SIZE} pixels to ${NUM_CLASSES} classes`);
  }
  return {
    state,
    index,
    dW: state.layers.map((l) => new Float32Array(l.weights.length)),
    dB: state.layers.map((l) => new Float32Array(l.nOut)),
  };
}

/**
 * Buffers for one batch size: activations (acts[0] = pixels, last = logits), their gradients, and
 * per activation which rows are nonzero for some sample of the batch (the kernels skip the others).
 * acts and grads are views of one heap, where the row kernels (`ops`) address them by offset.
 */
export interface Workspace {
  batch: number;
  ops: RowOps;
  acts: Float32Array[];
  grads: Float32Array[];
  /** Heap offsets of acts[l] and grads[l]. */
  actAt: number[];
  gradAt: number[];
  liveActs: Uint8Array[];
  liveGrads: Uint8Array[];
  /** The dense-gradient heap (RigL), made on first use with the same kind of kernels. */
  gradient: GradientScratch;
}

export function createWorkspace(net: PreparedNet, batch: number, options: RowOpsOptions = {}): Workspace {
  const widths = [net.state.layers[0].nIn, ...net.state.layers.map((l) => l.nOut)];
  // Each array starts on a 16-byte boundary (4 floats), which SIMD loads prefer.
  const sizes = widths.map((w) => Math.ceil((w * batch) / 4) * 4);
  const actAt: number[] = [];
  const gradAt: number[] = [];
  let next = 0;
  for (const size of sizes) { actAt.push(next); next += size; }
  for (const size of sizes) { gradAt.push(next); next += size; }
  const ops = createRowOps(next, options);
  return {
    batch,
    ops,
    acts: widths.map((w, l) => ops.heap.subarray(actAt[l], actAt[l] + w * batch)),
    grads: widths.map((w, l) => ops.heap.subarray(gradAt[l], gradAt[l] + w * batch)),
    actAt,
    gradAt,
    liveActs: widths.map((w) => new Uint8Array(w)),
    liveGrads: widths.map((w) => new Uint8Array(w)),
    gradient: { options: { simd: ops.kind === 'wasm-simd' } },
  };
}

/** Gathers images `indices` (or `count` images from `start`) into acts[0], transposed and scaled to [0, 1]. */
export function gatherPixels(ws: Workspace, images: Uint8Array, indices: Int32Array | null, start: number): void {
  const B = ws.batch;
  const x = ws.acts[0];
  const scale = 1 / 255;
  for (let b = 0; b < B; b++) {
    const base = (indices === null ? start + b : indices[b]) * IMAGE_SIZE;
    for (let i = 0; i < IMAGE_SIZE; i++) x[i * B + b] = images[base + i] * scale;
  }
}

/** Copies N×784 row-major floats into acts[0] (feature-major). */
export function loadPixels(ws: Workspace, pixels: Float32Array, first: number): void {
  const B = ws.batch;
  const x = ws.acts[0];
  for (let b = 0; b < B; b++) {
    const base = (first + b) * IMAGE_SIZE;
    for (let i = 0; i < IMAGE_SIZE; i++) x[i * B + b] = pixels[base + i];
  }
}

/** Forward pass from acts[0]; hidden layers apply ReLU; the last activation holds the logits. */
export function forward(net: PreparedNet, ws: Workspace): void {
  const B = ws.batch;
  const layers = net.state.layers;
  for (let l = 0; l < layers.length; l++) {
    const layer = layers[l];
    markLiveRows(ws.acts[l], layer.nIn, B, ws.liveActs[l]);
    linkForward(net.index[l], layer.weights, layer.bias, ws.ops, ws.actAt[l], ws.actAt[l + 1], B, ws.liveActs[l]);
    if (l < layers.length - 1) ws.ops.relu(ws.actAt[l + 1], layer.nOut * B);
  }
}

/**
 * Forward then backward on the batch in the workspace: fills net.dW / net.dB (∂ mean loss) and
 * returns the mean loss. `labelIndex[b]` picks the label of sample b (null: labels from `labelOffset`).
 * Backpropagation visits layers last..`downTo` (RigL stops early); ws.grads[l] ends up holding
 * ∂loss/∂(pre-activation of layer l−1's outputs) for every visited l > 0, and ws.grads[0] the
 * gradient with respect to the pixels when `inputGradient` is set (adversarial attacks).
 */
export function lossAndGradients(
  net: PreparedNet, ws: Workspace, labels: Uint8Array, labelIndex: Int32Array | null, labelOffset: number,
  downTo = 0, inputGradient = false,
): number {
  forward(net, ws);
  const B = ws.batch;
  const layers = net.state.layers;
  const last = layers.length - 1;
  const loss = softmaxCrossEntropyBackward(ws.acts[last + 1], labels, labelIndex, labelOffset, ws.grads[last + 1], layers[last].nOut, B);
  for (let l = last; l >= downTo; l--) {
    const layer = layers[l];
    const dy = ws.grads[l + 1];
    const dx = l > 0 || inputGradient ? ws.grads[l] : null;
    biasGradient(dy, net.dB[l], B);
    markLiveRows(dy, layer.nOut, B, ws.liveGrads[l + 1]);
    if (dx !== null) dx.fill(0);
    // Dead input rows may be skipped except for the pixels' own gradient (not masked by a ReLU).
    const liveIn = l > 0 || !inputGradient ? ws.liveActs[l] : null;
    linkBackward(net.index[l], layer.weights, ws.ops, ws.actAt[l], ws.gradAt[l + 1], net.dW[l], dx === null ? null : ws.gradAt[l], B, liveIn, ws.liveGrads[l + 1]);
    // The pixels are not a ReLU output: their gradient passes unmasked.
    if (dx !== null && l > 0) ws.ops.reluMask(ws.gradAt[l], ws.actAt[l], layer.nIn * B);
  }
  return loss;
}

/**
 * Dense |∂ mean loss/∂W| of layer `l` (nIn×nOut row-major) for the batch in the workspace: absent
 * links included, which is what RigL ranks. Costs nIn·nOut·B, like any dense gradient.
 */
export function denseGradientOf(net: PreparedNet, ws: Workspace, l: number, labels: Uint8Array, labelIndex: Int32Array): Float32Array {
  // Backpropagate through the layers above l only: then ws.grads[l + 1] = ∂loss/∂(layer l's pre-activations).
  lossAndGradients(net, ws, labels, labelIndex, 0, l + 1);
  const { nIn, nOut } = net.state.layers[l];
  return denseGradientMagnitude(ws.acts[l], ws.grads[l + 1], nIn, nOut, ws.batch, ws.gradient);
}
