// Plain data and pure functions of the drawing panel: what an input, a prediction, an attack and a
// smallest-ε search look like, plus softmax, argmax and the labels the views print.
import { IMAGE_SIZE, NUM_CLASSES } from '../engine/constants';
import type { PerturbationSetting } from '../engine/robustness';
import type { LinkOrder, NodeOrder } from '../engine/targeted';
import type { DatasetName } from '../engine/types';
import { isEvaluable, type ModelEntry } from './models';

/** The largest ε the panel's slider offers and its smallest-ε search tries. */
export const MAX_ATTACK_EPSILON = 0.5;

/** The attacks the panel offers (uniform noise is the Robustness panel's baseline, not an attack). */
export type AttackKind = 'fgsm' | 'pgd';
export type InputMode = 'draw' | 'pick';
export type InputSource = { kind: 'empty' } | { kind: 'drawing' } | { kind: 'test'; index: number; label: number };

/** A grey image of any size, 1 = full ink (what the pad's canvas holds). */
export interface InkImage { ink: ArrayLike<number>; width: number; height: number }
/**
 * The Robustness panel's structural sliders, as fractions in [0, 1], and the seed that picks the
 * links they touch (the panel's own, so both panels perturb the same links).
 */
export interface StructuralSetting {
  removal: number;
  shuffle: number;
  seed?: number;
  /** Which links removal takes first (default random). */
  linkOrder?: LinkOrder;
  /** Fraction of each hidden layer's neurons removed, and which go first. */
  nodes?: number;
  nodeOrder?: NodeOrder;
}
/** Where the structural sliders live (the robustness store); absent, predictions use the intact networks. */
export interface StructuralSource { get(): StructuralSetting; subscribe(listener: () => void): () => void }

export interface ModelPrediction { probabilities: Float32Array; version: number; settingLabel: string | null }

export interface AttackOutcome {
  status: 'queued' | 'running' | 'done' | 'error';
  kind: AttackKind;
  epsilon: number;
  target: number | null;
  /** The class the attack pushes away from: the model's own prediction of the clean input. */
  label: number | null;
  original: Float32Array;
  settingLabel: string | null;
  adversarial?: Float32Array;
  perturbation?: Float32Array;
  before?: Float32Array;
  after?: Float32Array;
  message?: string;
}

export interface MinimalEpsilonOutcome {
  status: 'queued' | 'running' | 'done' | 'error';
  kind: AttackKind;
  target: number | null;
  /** The smallest ε found, or null when even maxEpsilon does not flip the prediction. */
  epsilon: number | null;
  maxEpsilon: number;
  message?: string;
}

/** Models the panel can use on `dataset`: loaded ones, and trained ones the worker holds weights of. */
export function usableModels(models: readonly ModelEntry[], dataset: DatasetName): ModelEntry[] {
  return models.filter((m) => m.dataset === dataset && isEvaluable(m));
}

export function softmax(logits: ArrayLike<number>, offset = 0, count = NUM_CLASSES): Float32Array {
  let max = -Infinity;
  for (let k = 0; k < count; k++) max = Math.max(max, logits[offset + k]);
  const out = new Float32Array(count);
  let sum = 0;
  for (let k = 0; k < count; k++) sum += out[k] = Math.exp(logits[offset + k] - max);
  for (let k = 0; k < count; k++) out[k] /= sum;
  return out;
}

export function argmax(values: ArrayLike<number>): number {
  let best = 0;
  for (let k = 1; k < values.length; k++) if (values[k] > values[best]) best = k;
  return best;
}

/** "under 20% link removal and 10% weight shuffling"; null for the intact network. */
export function structuralLabel(s: StructuralSetting | null): string | null {
  if (!s) return null;
  const pct = (f: number) => `${Math.round(f * 100)}%`;
  const linkWords = s.linkOrder === 'strongest' ? ' (strongest first)' : s.linkOrder === 'weakest' ? ' (weakest first)' : '';
  const nodeWords = s.nodeOrder === 'degree' ? ' (hubs first)' : s.nodeOrder === 'strength' ? ' (strongest first)' : '';
  const parts = [
    s.removal > 0 && `${pct(s.removal)} link removal${linkWords}`, (s.nodes ?? 0) > 0 && `${pct(s.nodes ?? 0)} node removal${nodeWords}`,
    s.shuffle > 0 && `${pct(s.shuffle)} weight shuffling`,
  ].filter(Boolean);
  return parts.length > 0 ? `under ${parts.join(' and ')}` : null;
}

/** Whether an attack reached its goal: a different class, or the target class when there is one. */
export function attackSucceeded(outcome: Pick<AttackOutcome, 'label' | 'target' | 'after'>): boolean | null {
  if (!outcome.after || outcome.label === null) return null;
  const top = argmax(outcome.after);
  return outcome.target === null ? top !== outcome.label : top === outcome.target;
}

/** The worker's setting for the structural sliders; undefined for the intact network. */
export function structuralPerturbation(s: StructuralSetting | null | undefined): PerturbationSetting | undefined {
  const nodes = s?.nodes ?? 0;
  if (!s || (s.removal <= 0 && s.shuffle <= 0 && nodes <= 0)) return undefined;
  return {
    removal: s.removal, shuffle: s.shuffle, attack: { kind: 'fgsm', epsilon: 0 },
    ...(s.linkOrder !== undefined && s.linkOrder !== 'random' ? { removalOrder: s.linkOrder } : {}),
    ...(nodes > 0 ? { nodes: { fraction: nodes, order: s.nodeOrder ?? 'random' } } : {}),
  };
}

/** A uniformly random index among the images of class `wanted` (any class when null); null if none. */
export function pickTestIndex(labels: ArrayLike<number>, count: number, wanted: number | null, random: () => number): number | null {
  const candidates: number[] = [];
  for (let i = 0; i < count; i++) if (wanted === null || labels[i] === wanted) candidates.push(i);
  if (candidates.length === 0) return null;
  return candidates[Math.min(candidates.length - 1, Math.floor(random() * candidates.length))];
}

/** Image `index` of a byte image set as 784 floats in [0, 1]. */
export function testImagePixels(images: Uint8Array, index: number): Float32Array {
  const pixels = new Float32Array(IMAGE_SIZE);
  for (let p = 0; p < IMAGE_SIZE; p++) pixels[p] = images[index * IMAGE_SIZE + p] / 255;
  return pixels;
}
