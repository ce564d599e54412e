// Accuracy of a trained network under perturbation, and robustness sweeps (accuracy against strength,
// repeated over seeds). Works with any ComputePath; the trained state itself is never modified.
import { IMAGE_SIZE, NUM_CLASSES } from './constants';
import { attackInputs, removeLinks, shuffleWeights, clampFraction, clampEpsilon, type AttackKind, type StructuralOptions } from './perturb';
import { createRng } from './rng';
import { removeLinksOrdered, removeNodes, removePixels, type LinkOrder, type NodeOrder, type PixelOrder } from './targeted';
import type { ComputePath, DataArrays, NetworkState } from './types';

export type PerturbationKind = 'removal' | 'shuffle' | 'fgsm' | 'pgd' | 'noise' | 'targeted-removal' | 'node-removal' | 'pixel-removal';
export const PERTURBATION_KINDS: readonly PerturbationKind[] = ['removal', 'shuffle', 'fgsm', 'pgd', 'noise', 'targeted-removal', 'node-removal', 'pixel-removal'];
/** Kinds whose level is a fraction of links, neurons or pixels (the others take an L∞ ε). */
export function isStructuralKind(kind: PerturbationKind): boolean {
  return kind === 'removal' || kind === 'shuffle' || kind === 'targeted-removal' || kind === 'node-removal' || kind === 'pixel-removal';
}
/** The order a sweep of one kind removes things in; each kind accepts its own orders. */
export type PerturbationOrder = LinkOrder | NodeOrder | PixelOrder;

/** A combination of perturbations, as the live sliders set them. */
export interface PerturbationSetting {
  /** Fraction of sparse links removed, in [0, 1]. */
  removal: number;
  /** Fraction of links whose weights are shuffled, in [0, 1]. */
  shuffle: number;
  /** Adversarial (or noise) input perturbation; epsilon 0 means none. */
  attack: { kind: AttackKind; epsilon: number; steps?: number };
  structural?: StructuralOptions;
  /** Which links `removal` takes first (default random). */
  removalOrder?: LinkOrder;
  /** Hidden-neuron removal: a fraction of each chosen hidden layer (default all hidden layers). */
  nodes?: { fraction: number; order: NodeOrder; layers?: number[] };
  /** Input pixels cut off the first layer. */
  pixels?: { fraction: number; order: PixelOrder };
}

export const NO_PERTURBATION: PerturbationSetting = Object.freeze({ removal: 0, shuffle: 0, attack: { kind: 'fgsm', epsilon: 0 } }) as PerturbationSetting;

/**
 * Applies the structural perturbations to a copy of the state: pixels cut, neurons removed, links
 * removed, then weights shuffled (each ranks what is left by the one before).
 */
export function perturbState(state: NetworkState, setting: PerturbationSetting, seed: number): NetworkState {
  const rng = createRng(seed);
  const removalRng = rng.fork();
  const shuffleRng = rng.fork();
  // Forked after the older two, so settings without the newer perturbations draw as before.
  const nodeRng = rng.fork();
  const pixelRng = rng.fork();
  let out = state;
  if (setting.pixels !== undefined && clampFraction(setting.pixels.fraction) > 0) out = removePixels(out, setting.pixels.fraction, setting.pixels.order, pixelRng);
  if (setting.nodes !== undefined && clampFraction(setting.nodes.fraction) > 0) out = removeNodes(out, setting.nodes.fraction, setting.nodes.order, nodeRng, { layers: setting.nodes.layers });
  const order = setting.removalOrder ?? 'random';
  if (clampFraction(setting.removal) > 0) {
    out = order === 'random' ? removeLinks(out, setting.removal, removalRng, setting.structural) : removeLinksOrdered(out, setting.removal, order, removalRng, setting.structural);
  }
  if (clampFraction(setting.shuffle) > 0) out = shuffleWeights(out, setting.shuffle, shuffleRng, setting.structural);
  return out;
}

export interface AccuracyResult {
  accuracy: number;
  /** Accuracy per class. */
  perClass: Float32Array;
}

/** Normalised float pixels of images [start, start+count) of a dataset. */
export function pixelsOf(data: DataArrays, start: number, count: number): Float32Array {
  const out = new Float32Array(count * IMAGE_SIZE);
  const src = data.images.subarray(start * IMAGE_SIZE, (start + count) * IMAGE_SIZE);
  for (let i = 0; i < out.length; i++) out[i] = src[i] / 255;
  return out;
}

function argmaxRows(logits: Float32Array, count: number): Uint8Array {
  const out = new Uint8Array(count);
  for (let b = 0; b < count; b++) {
    let best = 0;
    for (let c = 1; c < NUM_CLASSES; c++) if (logits[b * NUM_CLASSES + c] > logits[b * NUM_CLASSES + best]) best = c;
    out[b] = best;
  }
  return out;
}

/**
 * Accuracy of `state` on `test` under `setting`. The path is (re)loaded with the perturbed copy;
 * pass a path dedicated to evaluation, not the one that is training.
 */
export async function accuracyUnder(
  path: ComputePath,
  state: NetworkState,
  test: DataArrays,
  setting: PerturbationSetting,
  seed: number,
  opts: { batchSize?: number; limit?: number; signal?: { cancelled: boolean } } = {},
): Promise<AccuracyResult | null> {
  const perturbed = perturbState(state, setting, seed);
  path.load(perturbed);
  const eps = clampEpsilon(setting.attack.epsilon);
  const count = Math.min(test.count, opts.limit ?? test.count);
  if (eps === 0 && count === test.count) {
    const r = await path.evaluate(test);
    return { accuracy: r.accuracy, perClass: r.perClass };
  }
  const batch = Math.max(1, opts.batchSize ?? 500);
  const rng = createRng(seed ^ 0x9e3779b9);
  const correct = new Float64Array(NUM_CLASSES);
  const total = new Float64Array(NUM_CLASSES);
  for (let start = 0; start < count; start += batch) {
    if (opts.signal?.cancelled) return null;
    const n = Math.min(batch, count - start);
    const labels = test.labels.subarray(start, start + n);
    let pixels = pixelsOf(test, start, n);
    if (eps > 0) {
      pixels = await attackInputs(pixels, labels, n, (x, y, k) => path.inputGradient(x, y, k), { ...setting.attack, epsilon: eps }, rng);
    }
    const predicted = argmaxRows(await path.predict(pixels, n), n);
    for (let b = 0; b < n; b++) {
      total[labels[b]]++;
      if (predicted[b] === labels[b]) correct[labels[b]]++;
    }
  }
  let c = 0;
  let t = 0;
  const perClass = new Float32Array(NUM_CLASSES);
  for (let k = 0; k < NUM_CLASSES; k++) {
    c += correct[k];
    t += total[k];
    perClass[k] = total[k] > 0 ? correct[k] / total[k] : Number.NaN;
  }
  return { accuracy: t > 0 ? c / t : Number.NaN, perClass };
}

/** Order and layers of the targeted kinds; missing fields take each kind's default. */
export interface TargetOptions {
  order?: PerturbationOrder;
  /** node-removal: which hidden layers (default all). */
  nodeLayers?: number[];
}

/** Each kind's default order: the targeted kinds attack, node and pixel removal are random failures. */
export function defaultOrder(kind: PerturbationKind): PerturbationOrder {
  return kind === 'targeted-removal' ? 'strongest' : 'random';
}

/** The orders a kind accepts (empty for the kinds that have no order). */
export function ordersFor(kind: PerturbationKind): readonly PerturbationOrder[] {
  switch (kind) {
    case 'removal':
    case 'targeted-removal': return ['random', 'strongest', 'weakest'];
    case 'node-removal': return ['random', 'degree', 'strength'];
    case 'pixel-removal': return ['random', 'degree'];
    default: return [];
  }
}

/** The setting that applies one perturbation kind at one strength. */
export function settingFor(kind: PerturbationKind, level: number, structural?: StructuralOptions, target: TargetOptions = {}): PerturbationSetting {
  const none = { kind: 'fgsm' as const, epsilon: 0 };
  const order = target.order ?? defaultOrder(kind);
  if (target.order !== undefined && !ordersFor(kind).includes(target.order)) throw new Error(`${kind} cannot remove in order "${target.order}" (choose ${ordersFor(kind).join(', ') || 'no order'})`);
  switch (kind) {
    case 'removal':
    case 'targeted-removal': return { removal: level, shuffle: 0, attack: none, structural, ...(order !== 'random' ? { removalOrder: order as LinkOrder } : {}) };
    case 'node-removal': return { removal: 0, shuffle: 0, attack: none, structural, nodes: { fraction: level, order: order as NodeOrder, ...(target.nodeLayers ? { layers: target.nodeLayers } : {}) } };
    case 'pixel-removal': return { removal: 0, shuffle: 0, attack: none, structural, pixels: { fraction: level, order: order as PixelOrder } };
    case 'shuffle': return { removal: 0, shuffle: level, attack: none, structural };
    default: return { removal: 0, shuffle: 0, attack: { kind, epsilon: level }, structural };
  }
}

export interface SweepPoint {
  level: number;
  /** Accuracy of each repeat. */
  accuracies: number[];
  mean: number;
  std: number;
  min: number;
  max: number;
}

export interface SweepOptions {
  kind: PerturbationKind;
  levels: number[];
  repeats: number;
  seed: number;
  /** Evaluate on the first N test images only (adversarial sweeps are costly). */
  limit?: number;
  steps?: number;
  structural?: StructuralOptions;
  /** Order (and layers) of the targeted kinds. */
  target?: TargetOptions;
  onProgress?: (done: number, total: number) => void;
  signal?: { cancelled: boolean };
}

/** Accuracy against perturbation strength, repeated over seeds (repeat r uses seed + r). */
export async function sweep(path: ComputePath, state: NetworkState, test: DataArrays, opts: SweepOptions): Promise<SweepPoint[] | null> {
  const repeats = Math.max(1, Math.floor(opts.repeats));
  const total = opts.levels.length * repeats;
  let done = 0;
  const points: SweepPoint[] = [];
  for (const level of opts.levels) {
    const accuracies: number[] = [];
    const deterministic = level === 0 || (opts.kind === 'fgsm');
    for (let r = 0; r < repeats; r++) {
      if (opts.signal?.cancelled) return null;
      // Level 0 and FGSM involve no randomness: one evaluation stands for every repeat.
      if (deterministic && r > 0) {
        accuracies.push(accuracies[0]);
      } else {
        const setting = settingFor(opts.kind, level, opts.structural, opts.target);
        if (setting.attack.epsilon > 0 && opts.steps !== undefined) setting.attack.steps = opts.steps;
        const res = await accuracyUnder(path, state, test, setting, opts.seed + r, { limit: opts.limit, signal: opts.signal });
        if (res === null) return null;
        accuracies.push(res.accuracy);
      }
      done++;
      opts.onProgress?.(done, total);
    }
    points.push(summarise(level, accuracies));
  }
  return points;
}

export function summarise(level: number, accuracies: number[]): SweepPoint {
  const n = accuracies.length;
  const min = Math.min(...accuracies);
  const max = Math.max(...accuracies);
  // Identical repeats (deterministic cases) summarise exactly: summing would leave rounding residue.
  if (min === max) return { level, accuracies, mean: min, std: 0, min, max };
  const mean = accuracies.reduce((a, b) => a + b, 0) / n;
  const variance = n > 1 ? accuracies.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1) : 0;
  return { level, accuracies, mean, std: Math.sqrt(variance), min, max };
}

/** Two-sided 95% Student-t quantiles by degrees of freedom (the next lower tabulated df is used). */
const T95: ReadonlyArray<[number, number]> = [
  [1, 12.706], [2, 4.303], [3, 3.182], [4, 2.776], [5, 2.571], [6, 2.447], [7, 2.365], [8, 2.306], [9, 2.262],
  [10, 2.228], [12, 2.179], [15, 2.131], [20, 2.086], [30, 2.042], [60, 2.0], [120, 1.98],
];

export function t95(df: number): number {
  let t = Number.NaN;
  for (const [d, q] of T95) if (df >= d) t = q;
  return df > 1000 ? 1.96 : t;
}

/**
 * 95% interval of the mean of n draws (Student t, sample sd); null for a single draw, where no
 * interval can be given. Identical draws (a deterministic perturbation) give [mean, mean].
 */
export function ci95(accuracies: readonly number[]): { low: number; high: number; half: number } | null {
  const n = accuracies.length;
  if (n < 2) return null;
  const p = summarise(0, [...accuracies]);
  const half = t95(n - 1) * p.std / Math.sqrt(n);
  return { low: p.mean - half, high: p.mean + half, half };
}
