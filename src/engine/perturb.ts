// Perturbations of a trained network, each applied to a copy (the trained state is never touched):
// random link removal, weight shuffling among a random fraction of links, and FGSM/PGD adversarial inputs.
import type { LayerMoments, LayerState, NetworkState } from './types';
import type { Rng } from './rng';

export interface StructuralOptions {
  /**
   * Also perturb the dense layers: the output layer (and, for a dense network, every layer).
   * Default: the sparse layers only, or a dense network's hidden layers (see `perturbableLayers`).
   */
  includeDense?: boolean;
}

/** Picks round(fraction·n) distinct indices in [0, n), in random order (partial Fisher–Yates). */
export function sampleIndices(n: number, fraction: number, rng: Rng): Int32Array {
  const f = clampFraction(fraction);
  const k = Math.round(f * n);
  const pool = new Int32Array(n);
  for (let i = 0; i < n; i++) pool[i] = i;
  for (let i = 0; i < k; i++) {
    const j = i + rng.int(n - i);
    const t = pool[i];
    pool[i] = pool[j];
    pool[j] = t;
  }
  return pool.slice(0, k);
}

/** Fractions from sliders may be anything; the maths needs a number in [0, 1]. */
export function clampFraction(fraction: number): number {
  if (!Number.isFinite(fraction)) return 0;
  return Math.min(1, Math.max(0, fraction));
}

/**
 * Which layers a structural perturbation touches. A dense network has no sparse layers, so its
 * hidden layers (all but the output layer) stand in for them: on one robustness chart, adaptive,
 * static and dense models then lose the same share of the same three layers' weights.
 */
export function perturbableLayers(layers: readonly LayerState[], opts: StructuralOptions = {}): boolean[] {
  const hasSparse = layers.some((layer) => layer.links !== null);
  return layers.map((layer, i) => opts.includeDense === true || layer.links !== null || (!hasSparse && i < layers.length - 1));
}

/** Number of weights a layer carries: its links, or nIn·nOut for a dense layer. */
export function weightCount(layer: LayerState): number {
  return layer.links === null ? layer.nIn * layer.nOut : layer.links.length;
}

function zeroMoments(layer: LayerState): LayerMoments {
  return {
    mW: new Float32Array(layer.weights.length),
    vW: new Float32Array(layer.weights.length),
    mB: new Float32Array(layer.bias.length),
    vB: new Float32Array(layer.bias.length),
  };
}

function copyLayer(layer: LayerState): LayerState {
  return {
    nIn: layer.nIn,
    nOut: layer.nOut,
    links: layer.links === null ? null : layer.links.slice(),
    weights: layer.weights.slice(),
    bias: layer.bias.slice(),
  };
}

/** A copy of `state` meant for evaluation only (optimizer moments zeroed). */
function evaluationCopy(layers: LayerState[], step: number): NetworkState {
  return { layers, moments: layers.map(zeroMoments), step };
}

/**
 * Removes a random fraction of the links of each sparse layer (each layer loses round(f·links)).
 * A dense layer, when perturbed, keeps its shape and has the chosen weights set to zero.
 */
export function removeLinks(state: NetworkState, fraction: number, rng: Rng, opts: StructuralOptions = {}): NetworkState {
  const touched = perturbableLayers(state.layers, opts);
  const layers = state.layers.map((layer, l) => {
    if (!touched[l]) return copyLayer(layer);
    const chosen = sampleIndices(weightCount(layer), fraction, rng);
    if (layer.links === null) {
      const weights = layer.weights.slice();
      for (const k of chosen) weights[k] = 0;
      return { nIn: layer.nIn, nOut: layer.nOut, links: null, weights, bias: layer.bias.slice() };
    }
    const drop = new Uint8Array(layer.links.length);
    for (const k of chosen) drop[k] = 1;
    const kept = layer.links.length - chosen.length;
    const links = new Int32Array(kept);
    const weights = new Float32Array(kept);
    let w = 0;
    for (let k = 0; k < layer.links.length; k++) {
      if (drop[k]) continue;
      links[w] = layer.links[k];
      weights[w] = layer.weights[k];
      w++;
    }
    return { nIn: layer.nIn, nOut: layer.nOut, links, weights, bias: layer.bias.slice() };
  });
  return evaluationCopy(layers, state.step);
}

/**
 * Shuffles the weights among a random fraction of each layer's links: the topology is kept and the
 * multiset of weights is kept; only which link carries which value changes.
 */
export function shuffleWeights(state: NetworkState, fraction: number, rng: Rng, opts: StructuralOptions = {}): NetworkState {
  const touched = perturbableLayers(state.layers, opts);
  const layers = state.layers.map((layer, l) => {
    const copy = copyLayer(layer);
    if (!touched[l]) return copy;
    const chosen = sampleIndices(weightCount(layer), fraction, rng);
    const values = new Float32Array(chosen.length);
    for (let k = 0; k < chosen.length; k++) values[k] = layer.weights[chosen[k]];
    // Permute the chosen values among the chosen positions.
    for (let i = values.length - 1; i > 0; i--) {
      const j = rng.int(i + 1);
      const t = values[i];
      values[i] = values[j];
      values[j] = t;
    }
    for (let k = 0; k < chosen.length; k++) copy.weights[chosen[k]] = values[k];
    return copy;
  });
  return evaluationCopy(layers, state.step);
}

/**
 * Gradient of the cross-entropy loss with respect to the input pixels, for `count` images of 784
 * floats in [0, 1] with the given labels (the class to move away from, or towards for a targeted attack).
 */
export type InputGradientFn = (pixels: Float32Array, labels: Uint8Array, count: number) => Promise<Float32Array>;

export type AttackKind = 'fgsm' | 'pgd' | 'noise';

export interface AttackOptions {
  kind: AttackKind;
  /** L∞ budget. */
  epsilon: number;
  /** PGD: number of steps (default 10). */
  steps?: number;
  /** PGD: step size (default 2.5·ε/steps, the usual Madry et al. choice). */
  stepSize?: number;
  /** PGD: start from a uniformly random point of the ε-ball (default true). */
  randomStart?: boolean;
  /** Targeted attack: labels to move towards (the loss is descended instead of ascended). */
  targets?: Uint8Array;
}

export function clampEpsilon(epsilon: number): number {
  if (!Number.isFinite(epsilon) || epsilon < 0) return 0;
  return Math.min(1, epsilon);
}

/**
 * Adversarial (or random-noise baseline) version of `pixels`, within the L∞ ball of radius ε
 * around them and clipped to [0, 1]. Returns a new array; `pixels` is not modified.
 */
export async function attackInputs(
  pixels: Float32Array,
  labels: Uint8Array,
  count: number,
  gradient: InputGradientFn,
  opts: AttackOptions,
  rng: Rng,
): Promise<Float32Array> {
  const eps = clampEpsilon(opts.epsilon);
  const out = pixels.slice();
  if (eps === 0) return out;
  const targeted = opts.targets !== undefined;
  const goal = opts.targets ?? labels;
  const direction = targeted ? -1 : 1;

  if (opts.kind === 'noise') {
    for (let i = 0; i < out.length; i++) out[i] = clip01(pixels[i] + (2 * rng.next() - 1) * eps);
    return out;
  }
  if (opts.kind === 'fgsm') {
    const g = await gradient(pixels, goal, count);
    for (let i = 0; i < out.length; i++) out[i] = clip01(pixels[i] + direction * eps * Math.sign(g[i]));
    return out;
  }
  const steps = Math.max(1, Math.floor(opts.steps ?? 10));
  const alpha = opts.stepSize !== undefined && opts.stepSize > 0 ? opts.stepSize : (2.5 * eps) / steps;
  if (opts.randomStart ?? true) {
    for (let i = 0; i < out.length; i++) out[i] = clip01(pixels[i] + (2 * rng.next() - 1) * eps);
  }
  for (let s = 0; s < steps; s++) {
    const g = await gradient(out, goal, count);
    for (let i = 0; i < out.length; i++) {
      const stepped = out[i] + direction * alpha * Math.sign(g[i]);
      const lo = Math.max(0, pixels[i] - eps);
      const hi = Math.min(1, pixels[i] + eps);
      out[i] = stepped < lo ? lo : stepped > hi ? hi : stepped;
    }
  }
  return out;
}

function clip01(x: number): number {
  return x < 0 ? 0 : x > 1 ? 1 : x;
}
