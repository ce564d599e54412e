// Moves a network's parameters between the shared link-list form (NetworkState) and the device
// form: dense weight matrices that are exactly zero off the links, 0/1 masks, and Adam moments.
import * as tf from '@tensorflow/tfjs';
import { IMAGE_SIZE, NUM_CLASSES } from '../constants';
import type { LayerMoments, LayerState, NetworkState } from '../types';

/** One layer on the device. Weights and moments are variables updated in place by Adam. */
export interface DeviceLayer {
  nIn: number;
  nOut: number;
  /** The sorted link ids this layer was loaded with (a private copy); null for a dense layer. */
  links: Int32Array | null;
  /** The same ids as an [nLinks] int32 tensor, to gather link weights back on the device. */
  linkIds: tf.Tensor1D | null;
  /** 0/1 float [nIn, nOut] mask of the links; null for a dense layer. */
  mask: tf.Tensor2D | null;
  w: tf.Variable<tf.Rank.R2>;
  b: tf.Variable<tf.Rank.R1>;
  mW: tf.Variable<tf.Rank.R2>;
  vW: tf.Variable<tf.Rank.R2>;
  mB: tf.Variable<tf.Rank.R1>;
  vB: tf.Variable<tf.Rank.R1>;
}

function checkLayer(layer: LayerState, moments: LayerMoments | undefined, l: number, problems: string[]): void {
  const where = `layer ${l}`;
  const { nIn, nOut } = layer;
  if (!Number.isInteger(nIn) || nIn < 1 || !Number.isInteger(nOut) || nOut < 1) {
    problems.push(`${where} has shape ${nIn}×${nOut}; both sizes must be positive integers`);
    return;
  }
  if (layer.bias.length !== nOut) problems.push(`${where} has ${layer.bias.length} biases for ${nOut} outputs`);
  if (layer.links) {
    const { links } = layer;
    if (layer.weights.length !== links.length) problems.push(`${where} has ${layer.weights.length} weights for ${links.length} links`);
    const size = nIn * nOut;
    for (let k = 0; k < links.length; k++) {
      if (links[k] < 0 || links[k] >= size || (k > 0 && links[k] <= links[k - 1])) {
        problems.push(`${where} link ${k} (id ${links[k]}) is out of range 0..${size - 1} or not in strictly increasing order`);
        break;
      }
    }
  } else if (layer.weights.length !== nIn * nOut) {
    problems.push(`${where} is dense but has ${layer.weights.length} weights, expected ${nIn} × ${nOut}`);
  }
  if (!moments) {
    problems.push(`${where} has no Adam moments`);
    return;
  }
  if (moments.mW.length !== layer.weights.length || moments.vW.length !== layer.weights.length) {
    problems.push(`${where} weight moments have lengths ${moments.mW.length}/${moments.vW.length}, expected ${layer.weights.length}`);
  }
  if (moments.mB.length !== nOut || moments.vB.length !== nOut) {
    problems.push(`${where} bias moments have lengths ${moments.mB.length}/${moments.vB.length}, expected ${nOut}`);
  }
}

/** Problems that make a state unloadable by the device path; empty when it is valid. */
export function checkState(state: NetworkState): string[] {
  const problems: string[] = [];
  const { layers } = state;
  if (layers.length === 0) return ['the network has no layers'];
  if (state.moments.length !== layers.length) problems.push(`${state.moments.length} moment sets for ${layers.length} layers`);
  if (!Number.isInteger(state.step) || state.step < 0) problems.push(`step count must be a non-negative integer, got ${state.step}`);
  if (layers[0].nIn !== IMAGE_SIZE) problems.push(`the first layer takes ${layers[0].nIn} inputs, expected ${IMAGE_SIZE} pixels`);
  if (layers[layers.length - 1].nOut !== NUM_CLASSES) problems.push(`the last layer has ${layers[layers.length - 1].nOut} outputs, expected ${NUM_CLASSES} classes`);
  layers.forEach((layer, l) => {
    if (l > 0 && layer.nIn !== layers[l - 1].nOut) problems.push(`layer ${l} takes ${layer.nIn} inputs but layer ${l - 1} gives ${layers[l - 1].nOut}`);
    checkLayer(layer, state.moments[l], l, problems);
  });
  return problems;
}

/** A dense [nIn, nOut] matrix holding `values` at `linkIds` and exact zeros elsewhere. */
function scatterLinks(linkIds: tf.Tensor1D, values: Float32Array, nIn: number, nOut: number): tf.Tensor2D {
  if (values.length === 0) return tf.zeros([nIn, nOut]);
  const flat = tf.scatterND(tf.reshape(linkIds, [values.length, 1]), tf.tensor1d(values), [nIn * nOut]);
  return tf.reshape(flat, [nIn, nOut]);
}

/** A variable holding `make()`'s value; the temporaries `make` creates are freed. */
function variableOf<R extends tf.Rank>(make: () => tf.Tensor<R>): tf.Variable<R> {
  return tf.tidy(() => tf.variable(make(), false));
}

function uploadLayer(layer: LayerState, moments: LayerMoments): DeviceLayer {
  const { nIn, nOut } = layer;
  // Copies throughout: tfjs may keep a reference to a typed array it is given, and the caller
  // may reuse theirs (the links are also kept to rebuild link lists in save()).
  const links = layer.links ? layer.links.slice() : null;
  const linkIds = links ? tf.tensor1d(links, 'int32') : null;
  const matrix = (values: Float32Array) => () =>
    linkIds ? scatterLinks(linkIds, values, nIn, nOut) : tf.tensor2d(values.slice(), [nIn, nOut]);
  const vector = (values: Float32Array) => () => tf.tensor1d(values.slice());
  const mask = linkIds ? tf.tidy(() => scatterLinks(linkIds, new Float32Array(linkIds.size).fill(1), nIn, nOut)) : null;
  return {
    nIn,
    nOut,
    links,
    linkIds,
    mask,
    w: variableOf(matrix(layer.weights)),
    b: variableOf(vector(layer.bias)),
    mW: variableOf(matrix(moments.mW)),
    vW: variableOf(matrix(moments.vW)),
    mB: variableOf(vector(moments.mB)),
    vB: variableOf(vector(moments.vB)),
  };
}

/** Uploads every layer (all or none); the caller has validated the state with `checkState`. */
export function uploadLayers(state: NetworkState): DeviceLayer[] {
  const uploaded: DeviceLayer[] = [];
  try {
    state.layers.forEach((layer, l) => uploaded.push(uploadLayer(layer, state.moments[l])));
  } catch (e) {
    // Out of device memory, typically: free what was made before passing the error on.
    disposeLayers(uploaded);
    throw e;
  }
  return uploaded;
}

export function disposeLayers(layers: readonly DeviceLayer[]): void {
  for (const layer of layers) {
    tf.dispose([layer.w, layer.b, layer.mW, layer.vW, layer.mB, layer.vB]);
    if (layer.linkIds) layer.linkIds.dispose();
    if (layer.mask) layer.mask.dispose();
  }
}

/**
 * A weight-shaped matrix as a flat vector: only the link entries of a sparse layer (gathered on the
 * device, so a 1%-dense layer moves 1% of its matrix), every entry of a dense one.
 */
function weightShapedValues(layer: DeviceLayer, matrix: tf.Tensor2D): tf.Tensor1D {
  const flat = tf.reshape(matrix, [-1]) as tf.Tensor1D;
  return layer.linkIds ? tf.gather(flat, layer.linkIds) : flat;
}

/**
 * Reads all parameters and moments back into the link-list form with ONE readback: everything is
 * gathered and concatenated on the device first (on WebGPU each readback is a queue round trip).
 */
export async function downloadState(layers: readonly DeviceLayer[], step: number): Promise<NetworkState> {
  const parts = layers.flatMap((layer) => [layer.w, layer.b, layer.mW, layer.vW, layer.mB, layer.vB].map((t) => ({ layer, t })));
  const lengths = parts.map(({ layer, t }) => (t.rank === 2 && layer.linkIds ? layer.linkIds.size : t.size));
  const nonEmpty = parts.filter((_, i) => lengths[i] > 0);
  const all = tf.tidy(() => {
    const vectors = nonEmpty.map(({ layer, t }) => (t.rank === 2 ? weightShapedValues(layer, t as tf.Tensor2D) : (t as tf.Tensor1D)));
    return vectors.length === 1 ? tf.clone(vectors[0]) : tf.concat1d(vectors);
  });
  let values: Float32Array;
  try {
    values = (await all.data()) as Float32Array;
  } finally {
    all.dispose();
  }
  // Cut in the order of `parts`; slice() copies (the CPU backend hands out its own storage).
  let offset = 0;
  const pieces = lengths.map((n) => values.slice(offset, (offset += n)));
  const perLayer = layers.map((layer, l) => {
    const [weights, bias, mW, vW, mB, vB] = pieces.slice(6 * l, 6 * l + 6);
    const state: LayerState = { nIn: layer.nIn, nOut: layer.nOut, links: layer.links ? layer.links.slice() : null, weights, bias };
    const moments: LayerMoments = { mW, vW, mB, vB };
    return { state, moments };
  });
  return { layers: perLayer.map((p) => p.state), moments: perLayer.map((p) => p.moments), step };
}
