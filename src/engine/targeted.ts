// Network-science perturbations beside random link removal: links removed in order of |w|, hidden
// neurons removed (at random, hubs first, or strongest first) and input pixels cut in order of their
// link count. Random failure versus targeted attack is the first robustness question of network
// science (Albert, Jeong & Barabási 2000). Each works on a copy; ties are broken by the seeded rng,
// so a static network's many equal degrees do not favour low neuron indices.
import type { LayerMoments, LayerState, NetworkState } from './types';
import type { Rng } from './rng';
import { clampFraction, perturbableLayers, sampleIndices, weightCount, type StructuralOptions } from './perturb';

/** Which links go first: any (random), the largest |w| (attack) or the smallest |w| (pruning). */
export type LinkOrder = 'random' | 'strongest' | 'weakest';
export const LINK_ORDERS: readonly LinkOrder[] = ['random', 'strongest', 'weakest'];
/** Which hidden neurons go first: any, the most links in + out (hubs), or the largest Σ|w| in + out. */
export type NodeOrder = 'random' | 'degree' | 'strength';
export const NODE_ORDERS: readonly NodeOrder[] = ['random', 'degree', 'strength'];
/** Which input pixels are cut first: any, or those with the most links into the first layer. */
export type PixelOrder = 'random' | 'degree';
export const PIXEL_ORDERS: readonly PixelOrder[] = ['random', 'degree'];

/**
 * Indices [0, n) in removal order: highest score first, ties in a seeded random order; with no
 * scores, a seeded random order. The rng is consumed the same way in both cases.
 */
export function rankDescending(n: number, scores: Float64Array | null, rng: Rng): Int32Array {
  const perm = sampleIndices(n, 1, rng);
  if (scores === null) return perm;
  const position = new Int32Array(n);
  for (let p = 0; p < n; p++) position[perm[p]] = p;
  // Sorting a plain array with an explicit tie-break does not rely on sort stability.
  const order = Array.from(perm).sort((a, b) => scores[b] - scores[a] || position[a] - position[b]);
  return Int32Array.from(order);
}

function copyLayer(layer: LayerState): LayerState {
  return { nIn: layer.nIn, nOut: layer.nOut, links: layer.links === null ? null : layer.links.slice(), weights: layer.weights.slice(), bias: layer.bias.slice() };
}

function zeroMoments(layer: LayerState): LayerMoments {
  return { mW: new Float32Array(layer.weights.length), vW: new Float32Array(layer.weights.length), mB: new Float32Array(layer.bias.length), vB: new Float32Array(layer.bias.length) };
}

function evaluationCopy(layers: LayerState[], step: number): NetworkState {
  return { layers, moments: layers.map(zeroMoments), step };
}

/**
 * A layer without the weights where `drop(source, target, k)` holds: a sparse layer loses the links,
 * a dense one keeps its shape with those weights zeroed.
 */
function withoutWeights(layer: LayerState, drop: (k: number) => boolean): LayerState {
  if (layer.links === null) {
    const weights = layer.weights.slice();
    for (let k = 0; k < weights.length; k++) if (drop(k)) weights[k] = 0;
    return { nIn: layer.nIn, nOut: layer.nOut, links: null, weights, bias: layer.bias.slice() };
  }
  let kept = 0;
  for (let k = 0; k < layer.links.length; k++) if (!drop(k)) kept++;
  const links = new Int32Array(kept);
  const weights = new Float32Array(kept);
  let w = 0;
  for (let k = 0; k < layer.links.length; k++) {
    if (drop(k)) continue;
    links[w] = layer.links[k];
    weights[w] = layer.weights[k];
    w++;
  }
  return { nIn: layer.nIn, nOut: layer.nOut, links, weights, bias: layer.bias.slice() };
}

/** Link id (`i·nOut + j`) of weight k: a sparse layer's links[k], a dense layer's k itself. */
function linkId(layer: LayerState, k: number): number {
  return layer.links === null ? k : layer.links[k];
}

/**
 * Removes round(f·links) links of each perturbable layer in the given order of |w|. A dense layer's
 * zero weights count as links (it has nIn·nOut of them), as in random removal.
 */
export function removeLinksOrdered(state: NetworkState, fraction: number, order: LinkOrder, rng: Rng, opts: StructuralOptions = {}): NetworkState {
  const touched = perturbableLayers(state.layers, opts);
  const f = clampFraction(fraction);
  const layers = state.layers.map((layer, l) => {
    if (!touched[l]) return copyLayer(layer);
    const m = weightCount(layer);
    let scores: Float64Array | null = null;
    if (order !== 'random') {
      scores = new Float64Array(m);
      const sign = order === 'strongest' ? 1 : -1;
      for (let k = 0; k < m; k++) scores[k] = sign * Math.abs(layer.weights[k]);
    }
    const ranked = rankDescending(m, scores, rng);
    const drop = new Uint8Array(m);
    const k = Math.round(f * m);
    for (let r = 0; r < k; r++) drop[ranked[r]] = 1;
    return withoutWeights(layer, (x) => drop[x] === 1);
  });
  return evaluationCopy(layers, state.step);
}

/** Hidden layers are numbered by the weight layer that feeds them: 0 … layers.length − 2. */
export function hiddenLayerCount(state: NetworkState): number {
  return state.layers.length - 1;
}

/**
 * Degree (number of non-zero weights in and out) and strength (Σ|w| in and out) of each neuron of
 * hidden layer h, which weight layer h feeds and weight layer h + 1 reads.
 */
export function neuronScores(state: NetworkState, h: number): { degree: Float64Array; strength: Float64Array } {
  const into = state.layers[h];
  const out = state.layers[h + 1];
  const n = into.nOut;
  const degree = new Float64Array(n);
  const strength = new Float64Array(n);
  for (let k = 0; k < into.weights.length; k++) {
    const w = into.weights[k];
    if (w === 0) continue;
    const j = linkId(into, k) % into.nOut;
    degree[j]++;
    strength[j] += Math.abs(w);
  }
  for (let k = 0; k < out.weights.length; k++) {
    const w = out.weights[k];
    if (w === 0) continue;
    const i = Math.floor(linkId(out, k) / out.nOut);
    degree[i]++;
    strength[i] += Math.abs(w);
  }
  return { degree, strength };
}

export interface NodeRemovalOptions {
  /** Hidden layers to thin (0 … layers.length − 2); default all. */
  layers?: readonly number[];
}

/**
 * Removes round(f·H) neurons of each chosen hidden layer: every link into and out of them goes and
 * their bias is zeroed, so they neither compute nor pass anything on. Layers are ranked one at a
 * time on the original network, so removing from layer 1 does not change who counts as a hub in 2.
 */
export function removeNodes(state: NetworkState, fraction: number, order: NodeOrder, rng: Rng, opts: NodeRemovalOptions = {}): NetworkState {
  const f = clampFraction(fraction);
  const hidden = hiddenLayerCount(state);
  const chosenLayers = opts.layers ?? Array.from({ length: hidden }, (_, h) => h);
  const removed: Array<Uint8Array | null> = Array.from({ length: hidden }, () => null);
  for (const h of chosenLayers) {
    if (!Number.isInteger(h) || h < 0 || h >= hidden) throw new Error(`node removal: hidden layer ${h} does not exist (0–${hidden - 1})`);
    const n = state.layers[h].nOut;
    const scores = order === 'random' ? null : neuronScores(state, h)[order];
    const ranked = rankDescending(n, scores, rng);
    const gone = new Uint8Array(n);
    const k = Math.round(f * n);
    for (let r = 0; r < k; r++) gone[ranked[r]] = 1;
    removed[h] = gone;
  }
  const layers = state.layers.map((layer, l) => {
    const goneOut = l < hidden ? removed[l] : null; // neurons this layer feeds
    const goneIn = l > 0 ? removed[l - 1] : null; // neurons this layer reads
    if (goneOut === null && goneIn === null) return copyLayer(layer);
    const next = withoutWeights(layer, (k) => {
      const id = linkId(layer, k);
      return (goneOut !== null && goneOut[id % layer.nOut] === 1) || (goneIn !== null && goneIn[Math.floor(id / layer.nOut)] === 1);
    });
    if (goneOut !== null) for (let j = 0; j < layer.nOut; j++) if (goneOut[j] === 1) next.bias[j] = 0;
    return next;
  });
  return evaluationCopy(layers, state.step);
}

/** Number of non-zero weights leaving each input pixel into the first layer. */
export function pixelDegrees(state: NetworkState): Float64Array {
  const first = state.layers[0];
  const degree = new Float64Array(first.nIn);
  for (let k = 0; k < first.weights.length; k++) if (first.weights[k] !== 0) degree[Math.floor(linkId(first, k) / first.nOut)]++;
  return degree;
}

/**
 * Cuts round(f·pixels) input pixels off the network (every link out of them goes), the most
 * connected first for 'degree'. A dense first layer gives every pixel the same degree, so there
 * the order is random.
 */
export function removePixels(state: NetworkState, fraction: number, order: PixelOrder, rng: Rng): NetworkState {
  const f = clampFraction(fraction);
  const first = state.layers[0];
  const ranked = rankDescending(first.nIn, order === 'degree' ? pixelDegrees(state) : null, rng);
  const cut = new Uint8Array(first.nIn);
  const k = Math.round(f * first.nIn);
  for (let r = 0; r < k; r++) cut[ranked[r]] = 1;
  const layers = state.layers.map((layer, l) => (l === 0 ? withoutWeights(layer, (x) => cut[Math.floor(linkId(layer, x) / layer.nOut)] === 1) : copyLayer(layer)));
  return evaluationCopy(layers, state.step);
}
