// What `lab reproduce` trains and measures: the adaptive/static/dense trio, the weight-decay
// ablation (SET and static, decay on and off, several seeds), the sweeps, and the run sizes.
import { DEFAULT_CONFIG } from '../engine/types';
import type { DatasetName, Pruning, TrainConfig } from '../engine/types';
import { EPSILON_LEVELS, STRUCTURAL_LEVELS, type SweepRequest } from './sweeps';

export interface ReproduceSize {
  hidden: number;
  /** Fraction of possible links in each sparse layer. */
  density: number;
  batchSize: number;
  /** Training images (null: all 60,000). */
  trainLimit: number | null;
  epochs: number;
  /** Test images of the structural sweeps (null: the whole test set). */
  testLimit: number | null;
  /** Test images of the adversarial and noise sweeps (PGD costs `steps` gradients per image). */
  attackLimit: number;
  /** Repeats of the removal and shuffling sweeps. */
  repeats: number;
  /** Repeats of the PGD (random start) and noise sweeps; FGSM is deterministic. */
  attackRepeats: number;
  pgdSteps: number;
  /** Epochs of the dense model when it differs from `epochs` (its CPU cost is ~100× a sparse model's). */
  denseEpochs?: number;
  /** How the SET models prune (absent: by |w| over the whole layer, the default). */
  pruning?: Pruning;
}

/** The paper's size: DESIGN.md §4 defaults, the whole training and test sets. */
export const FULL_SIZE: Readonly<ReproduceSize> = Object.freeze({
  hidden: DEFAULT_CONFIG.hidden, density: DEFAULT_CONFIG.density, batchSize: DEFAULT_CONFIG.batchSize, trainLimit: null, epochs: DEFAULT_CONFIG.epochs, testLimit: null,
  attackLimit: 2000, repeats: 5, attackRepeats: 2, pgdSteps: 10,
});

/**
 * Small enough for a test or a first look: seconds per model instead of minutes. At H = 64 a 1%
 * density leaves ~41 links between hidden layers (the network cannot learn), hence 10%; batches of
 * 32 give 2,000 images 62 Adam steps per epoch instead of 15.
 */
export const QUICK_SIZE: Readonly<ReproduceSize> = Object.freeze({
  hidden: 64, density: 0.1, batchSize: 32, trainLimit: 2000, epochs: 2, testLimit: 500, attackLimit: 100, repeats: 2, attackRepeats: 1, pgdSteps: 5,
});

export type ReproducedStrategy = 'set' | 'rigl' | 'static' | 'dense';

export interface ModelSpec {
  /** File-name-safe, unique within a run: e.g. "set-seed1", "static-nodecay-seed2". */
  name: string;
  strategy: ReproducedStrategy;
  weightDecay: number;
  seed: number;
  /** One of the adaptive/static/dense trio whose full robustness curves are measured. */
  main: boolean;
  /** Part of the weight-decay ablation. */
  ablation: boolean;
  /** Part of a density/ζ grid (grid.ts): its own density and ζ instead of the run size's. */
  grid?: { density: number; zeta: number };
}

export function modelName(strategy: ReproducedStrategy, weightDecay: number, seed: number): string {
  return `${strategy}${weightDecay === 0 ? '-nodecay' : ''}-seed${seed}`;
}

/**
 * The models of a run: the trio at the first seed with the default decay, then (with `ablation`)
 * SET and static at every seed with decay on and off; a model needed twice is trained once.
 */
export function planModels(seeds: readonly number[], ablation: boolean, weightDecay: number = DEFAULT_CONFIG.weightDecay): ModelSpec[] {
  if (seeds.length === 0) throw new Error('reproducePlan.ts: at least one seed is needed');
  const byName = new Map<string, ModelSpec>();
  const add = (strategy: ReproducedStrategy, decay: number, seed: number, role: 'main' | 'ablation') => {
    const name = modelName(strategy, decay, seed);
    const spec = byName.get(name) ?? { name, strategy, weightDecay: decay, seed, main: false, ablation: false };
    spec[role] = true;
    byName.set(name, spec);
  };
  for (const strategy of ['set', 'static', 'dense'] as const) add(strategy, weightDecay, seeds[0], 'main');
  if (ablation) {
    for (const decay of [weightDecay, 0]) {
      for (const seed of seeds) for (const strategy of ['set', 'static'] as const) add(strategy, decay, seed, 'ablation');
    }
  }
  return [...byName.values()];
}

export function configFor(spec: ModelSpec, dataset: DatasetName, size: ReproduceSize): TrainConfig {
  return {
    ...DEFAULT_CONFIG,
    dataset,
    strategy: spec.strategy,
    hidden: size.hidden,
    density: spec.grid?.density ?? size.density,
    zeta: spec.grid?.zeta ?? DEFAULT_CONFIG.zeta,
    batchSize: size.batchSize,
    epochs: spec.strategy === 'dense' && size.denseEpochs !== undefined ? size.denseEpochs : size.epochs,
    weightDecay: spec.weightDecay,
    seed: spec.seed,
    trainLimit: size.trainLimit,
    // Only the rewired models prune; static and dense keep the default so their files stay reusable.
    pruning: (spec.strategy === 'set' || spec.strategy === 'rigl') && size.pruning !== undefined ? size.pruning : DEFAULT_CONFIG.pruning,
  };
}

/** Every sweep of a main model: removal and shuffling 0–0.9, FGSM, PGD and noise over ε, and the targeted sweeps. */
export function mainSweeps(size: ReproduceSize, seed: number): SweepRequest[] {
  const structural = { levels: [...STRUCTURAL_LEVELS], repeats: size.repeats, seed, limit: size.testLimit ?? undefined };
  const attack = { levels: [...EPSILON_LEVELS], seed, limit: size.attackLimit };
  return [
    { kind: 'removal', ...structural },
    { kind: 'shuffle', ...structural },
    { kind: 'fgsm', ...attack, repeats: 1 },
    { kind: 'pgd', ...attack, repeats: size.attackRepeats, steps: size.pgdSteps },
    { kind: 'noise', ...attack, repeats: size.attackRepeats, baselineFor: ['fgsm', 'pgd'] },
    ...targetedSweeps(size, seed),
  ];
}

/** Levels of the targeted sweeps: fewer than random removal's, since a dense model re-ranks 1.8M weights per draw. */
export const TARGETED_LEVELS: readonly number[] = [0, 0.25, 0.5, 0.75];

/**
 * Random failure against targeted attack (issue 17): links largest |w| first; hidden neurons at
 * random, hubs first and strongest first; input pixels most connected first. Part of mainSweeps,
 * so results.md gets one table per kind and order.
 */
export function targetedSweeps(size: ReproduceSize, seed: number): SweepRequest[] {
  const common = { levels: [...TARGETED_LEVELS], repeats: size.repeats, seed, limit: size.testLimit ?? undefined };
  return [
    { kind: 'targeted-removal', order: 'strongest', ...common },
    { kind: 'node-removal', order: 'random', ...common },
    { kind: 'node-removal', order: 'degree', ...common },
    { kind: 'node-removal', order: 'strength', ...common },
    { kind: 'pixel-removal', order: 'degree', ...common },
  ];
}

/** The ablation's perturbation levels (issue 11): link removal and weight shuffling. */
export const ABLATION_REMOVAL: readonly number[] = [0.1, 0.3, 0.5];
export const ABLATION_SHUFFLE: readonly number[] = [0.1, 0.2, 0.3];

export function ablationSweeps(size: ReproduceSize, seed: number): SweepRequest[] {
  const common = { repeats: size.repeats, seed, limit: size.testLimit ?? undefined };
  return [
    { kind: 'removal', levels: [...ABLATION_REMOVAL], ...common },
    { kind: 'shuffle', levels: [...ABLATION_SHUFFLE], ...common },
  ];
}

/** A grid model's sweeps (grid.ts): the ablation's levels, so each grid cell costs a few evaluations, not full curves. */
export function gridSweeps(size: ReproduceSize, seed: number): SweepRequest[] {
  return ablationSweeps(size, seed);
}
