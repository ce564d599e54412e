// The sparse CPU path's network: a state plus per-link endpoints and gradient buffers, and the
// forward/backward passes over a preallocated workspace (one per batch size, so steps never allocate).
import { IMAGE_SIZE, NUM_CLASSES } from '../constants';
import { cloneNetwork } from '../init';
import type { NetworkState } from '../types';
import {
  biasGradient, denseBackward, dot, denseForward, reluBackwardInPlace, reluInPlace,
  softmaxCrossEntropyBackward, sparseBackward, sparseForward,
} from './kernels';

export interface PreparedNet {
  state: NetworkState;
  /** Per layer: input and output neuron of each link (null for dense layers). */
  linkIn: Array<Int32Array | null>;
  linkOut: Array<Int32Array | null>;
  dW: Float32Array[];
  dB: Float32Array[];
}

/** Copies `state` and derives the link endpoints the kernels index by. */
export function prepareNet(source: NetworkState): PreparedNet {
  const state = cloneNetwork(source);
  const linkIn: Array<Int32Array | null> = [];
  const linkOut: Array<Int32Array | null> = [];
  state.layers.forEach((layer, l) => {
    const { nIn, nOut, links, weights, bias } = layer;
    const m = state.moments[l];
    const expected = links === null ? nIn * nOut : links.length;
    if (weights.length !== expected || bias.length !== nOut || m.mW.length !== expected || m.vW.length !== expected || m.mB.length !== nOut || m.vB.length !== nOut) {
      throw new Error(`sparse/network.ts: layer ${l} (${nIn}→${nOut}) has arrays of inconsistent lengths`);
    }
    if (l > 0 && state.layers[l - 1].nOut !== nIn) throw new Error(`sparse/network.ts: layer ${l} takes ${nIn} inputs but layer ${l - 1} has ${state.layers[l - 1].nOut} outputs`);
    if (links === null) {
      linkIn.push(null);
      linkOut.push(null);
      return;
    }
    const from = new Int32Array(links.length);
    const to = new Int32Array(links.length);
    for (let k = 0; k < links.length; k++) {
      const id = links[k];
      if (id < 0 || id >= nIn * nOut || (k > 0 && links[k - 1] >= id)) throw new Error(`sparse/network.ts: layer ${l} links must be sorted, unique ids in [0, ${nIn * nOut})`);
      from[k] = Math.floor(id / nOut);
      to[k] = id - from[k] * nOut;
    }
    linkIn.push(from);
    linkOut.push(to);
  });
  if (state.layers[0]?.nIn !== IMAGE_SIZE || state.layers[state.layers.length - 1]?.nOut !== NUM_CLASSES) {
    throw new Error(`sparse/network.ts: the network must map ${IMAGE_SIZE} pixels to ${NUM_CLASSES} classes`);
  }
  return {
    state,
    linkIn,
    linkOut,
    dW: state.layers.map((l) => new Float32Array(l.weights.length)),
    dB: state.layers.map((l) => new Float32Array(l.nOut)),
  };
}

/** Buffers for one batch size: activations (acts[0] = pixels, last = logits) and their gradients. */
export interface Workspace {
  batch: number;
  acts: Float32Array[];
  grads: Float32Array[];
}

export function createWorkspace(net: PreparedNet, batch: number): Workspace {
  const widths = [net.state.layers[0].nIn, ...net.state.layers.map((l) => l.nOut)];
  return {
    batch,
    acts: widths.map((w) => new Float32Array(w * batch)),
    grads: widths.map((w) => new Float32Array(w * batch)),
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
    const x = ws.acts[l];
    const out = ws.acts[l + 1];
    const from = net.linkIn[l];
    const to = net.linkOut[l];
    if (from !== null && to !== null) sparseForward(from, to, layer.weights, layer.bias, x, out, B);
    else denseForward(layer.weights, layer.bias, layer.nIn, layer.nOut, x, out, B);
    if (l < layers.length - 1) reluInPlace(out, layer.nOut * B);
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
    const x = ws.acts[l];
    const dy = ws.grads[l + 1];
    const dx = l > 0 || inputGradient ? ws.grads[l] : null;
    const from = net.linkIn[l];
    const to = net.linkOut[l];
    biasGradient(dy, net.dB[l], B);
    if (from !== null && to !== null) {
      if (dx !== null) dx.fill(0);
      sparseBackward(from, to, layer.weights, x, dy, net.dW[l], dx, B);
    } else {
      denseBackward(layer.weights, layer.nIn, layer.nOut, x, dy, net.dW[l], dx, B);
    }
    // The pixels are not a ReLU output: their gradient passes unmasked.
    if (dx !== null && l > 0) reluBackwardInPlace(dx, x, layer.nIn * B);
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
  const B = ws.batch;
  const x = ws.acts[l];
  const dy = ws.grads[l + 1];
  const g = new Float32Array(nIn * nOut);
  for (let i = 0; i < nIn; i++) {
    const xi = i * B;
    for (let j = 0; j < nOut; j++) {
      const yj = j * B;
      g[i * nOut + j] = Math.abs(dot(x, xi, dy, yj, B));
    }
  }
  return g;
}
