// The live sliders of the Robustness panel as data: their names, defaults and ranges, and the
// perturbation setting they stand for (what the worker evaluates).
import type { PerturbationSetting } from '../engine/robustness';
import type { LinkOrder, NodeOrder } from '../engine/targeted';

export type AttackChoice = 'fgsm' | 'pgd' | 'noise';
export type SliderName = 'removal' | 'shuffle' | 'epsilon' | 'nodes';

export interface Sliders {
  /** Fraction of sparse links removed. */
  removal: number;
  /** Fraction of links whose weights are shuffled. */
  shuffle: number;
  /** L∞ budget of the input perturbation (0: none). */
  epsilon: number;
  attack: AttackChoice;
  /** Fraction of each hidden layer's neurons removed. */
  nodes: number;
  /** Which links link removal takes first. */
  linkOrder: LinkOrder;
  /** Which neurons node removal takes first. */
  nodeOrder: NodeOrder;
}

export const DEFAULT_SLIDERS: Readonly<Sliders> = Object.freeze({ removal: 0, shuffle: 0, epsilon: 0, attack: 'fgsm', nodes: 0, linkOrder: 'random', nodeOrder: 'random' });
export const SLIDER_MAX: Readonly<Record<SliderName, number>> = Object.freeze({ removal: 1, shuffle: 1, epsilon: 0.5, nodes: 1 });

export function settingOf(s: Sliders): PerturbationSetting {
  return {
    removal: s.removal, shuffle: s.shuffle, attack: { kind: s.attack, epsilon: s.epsilon },
    // Only set when they matter, so an untouched page sends what it always sent.
    ...(s.linkOrder !== 'random' ? { removalOrder: s.linkOrder } : {}),
    ...(s.nodes > 0 ? { nodes: { fraction: s.nodes, order: s.nodeOrder } } : {}),
  };
}
