// What the guided experiment trains and measures (issue 11): its sizes, the two steps (weight decay
// on, then off), each model's configuration, and the results table's maths. Pure; tested in Node.
import { pixelDegreeSummary } from '../engine/stats';
import { DEFAULT_CONFIG, type DatasetName, type Strategy, type TrainConfig } from '../engine/types';
import type { SweepPoint } from '../engine/robustness';
import type { PathKind } from '../worker/protocol';

/** Step A trains with the paper's weight decay, step B the same networks without it. */
export type ExperimentStep = 'decay' | 'nodecay';
export const EXPERIMENT_STEPS: readonly ExperimentStep[] = ['decay', 'nodecay'];
export const WEIGHT_DECAY_ON = DEFAULT_CONFIG.weightDecay;

export function weightDecayOf(step: ExperimentStep): number {
  return step === 'decay' ? WEIGHT_DECAY_ON : 0;
}

/** One seed for every model: the networks of a step start from the same random wiring and data order. */
export const EXPERIMENT_SEED = 1;
/** Seed of the sweeps' random link choices (repeat r uses seed + r). */
export const EXPERIMENT_SWEEP_SEED = 1;

export type SizeId = 'quick' | 'full' | 'tiny';

export interface ExperimentSize {
  id: SizeId;
  label: string;
  /** One line for the size select's hint. */
  hint: string;
  hidden: number;
  density: number;
  /** Training images (null: all 60,000). */
  trainLimit: number | null;
  epochs: number;
  batchSize: number;
  learningRate: number;
  /** Test images of the sweeps (null: all 10,000). */
  sweepLimit: number | null;
  repeats: number;
}

/**
 * Quick was chosen by measurement (sparse CPU path in Node, MNIST, 2-core machine; /tmp scripts, not
 * kept). With the paper's batch 128 and rate 1e-3, a few hundred Adam steps are too few for decay to
 * move anything (H = 256, 5%, 6,000 images, 3 epochs: every input-pixel Gini 0.15). Batches of 32 and
 * rate 2e-3 take each useless weight ~lr closer to zero per step. At H = 512, 2%, 12,000 images, 5
 * epochs (8–11 s of training and 3 s of sweeps per step): with decay SET's Gini 0.31–0.32 (8–9 pixels
 * isolated) against static's 0.17, and at 30% removal SET 0.71/0.68 against static 0.59/0.63 (seeds
 * 1/2); without decay Gini 0.17 for both and SET 0.56/0.57 against static 0.57/0.61.
 */
export const EXPERIMENT_SIZES: Readonly<Record<SizeId, ExperimentSize>> = Object.freeze({
  quick: {
    id: 'quick', label: 'Quick (under a minute)',
    hint: 'H = 512, 2% density, 12,000 images, 5 epochs, batches of 32, learning rate 0.002; curves on 2,000 test images.',
    hidden: 512, density: 0.02, trainLimit: 12000, epochs: 5, batchSize: 32, learningRate: 2e-3, sweepLimit: 2000, repeats: 3,
  },
  full: {
    id: 'full', label: 'Full (the paper’s size)',
    hint: 'H = 1000, 1% density, all 60,000 images, 10 epochs, batches of 128, learning rate 0.001; curves on all 10,000 test images. About a minute per step on the sparse CPU path (more on a slow machine).',
    hidden: DEFAULT_CONFIG.hidden, density: DEFAULT_CONFIG.density, trainLimit: null, epochs: DEFAULT_CONFIG.epochs,
    batchSize: DEFAULT_CONFIG.batchSize, learningRate: DEFAULT_CONFIG.learningRate, sweepLimit: null, repeats: 3,
  },
  // A smoke test (end-to-end tests on a software GPU): far too small to show the effect.
  tiny: {
    id: 'tiny', label: 'Tiny (smoke test)',
    hint: 'H = 32, 10% density, 1,000 images, 2 epochs; only checks that everything runs.',
    hidden: 32, density: 0.1, trainLimit: 1000, epochs: 2, batchSize: 32, learningRate: 5e-3, sweepLimit: 500, repeats: 2,
  },
});

/** The sizes a user picks from; `tiny` is offered only when asked for (see the panel). */
export const PUBLIC_SIZES: readonly SizeId[] = ['quick', 'full'];

/** The finished experiment shipped with the page is swept on this many test images, so it shows in seconds. */
export const FINISHED_SWEEP = { sweepLimit: 2000, repeats: 3 } as const;

/** Removal and shuffling levels of every sweep: 0, 0.1, …, 0.9. */
export const SWEEP_LEVELS: readonly number[] = Array.from({ length: 10 }, (_, k) => Math.round(k * 10) / 100);
export type ExperimentSweepKind = 'removal' | 'shuffle';
export const EXPERIMENT_SWEEP_KINDS: readonly ExperimentSweepKind[] = ['removal', 'shuffle'];

/** Strategies beyond the SET/static pair that a checkbox adds. */
export type ExtraStrategy = 'rigl' | 'dense';
export const EXTRA_STRATEGIES: readonly ExtraStrategy[] = ['rigl', 'dense'];

/** SET and static always, then the extras ticked, in a fixed order. */
export function strategiesOf(extras: Readonly<Record<ExtraStrategy, boolean>>): Strategy[] {
  return ['set', 'static', ...EXTRA_STRATEGIES.filter((s) => extras[s])];
}

export function experimentConfig(size: ExperimentSize, dataset: DatasetName, strategy: Strategy, step: ExperimentStep): TrainConfig {
  return {
    ...DEFAULT_CONFIG,
    dataset,
    strategy,
    hidden: size.hidden,
    density: strategy === 'dense' ? 1 : size.density,
    epochs: size.epochs,
    batchSize: size.batchSize,
    learningRate: size.learningRate,
    weightDecay: weightDecayOf(step),
    seed: EXPERIMENT_SEED,
    trainLimit: size.trainLimit,
  };
}

const STRATEGY_NAMES: Readonly<Record<Strategy, string>> = { set: 'SET', rigl: 'RigL', static: 'static', dense: 'dense' };

/** "SET · decay 1e-4", "static · no decay". */
export function runLabel(strategy: Strategy, step: ExperimentStep): string {
  return `${STRATEGY_NAMES[strategy]} · ${step === 'decay' ? `decay ${WEIGHT_DECAY_ON.toExponential(0)}` : 'no decay'}`;
}

export function runKey(step: ExperimentStep, strategy: Strategy): string {
  return `${step}:${strategy}`;
}

/** The model files of the finished experiment, as `lab publish-models` names them. */
export function finishedFiles(dataset: DatasetName): Array<{ step: ExperimentStep; strategy: 'set' | 'static'; file: string }> {
  return EXPERIMENT_STEPS.flatMap((step) => (['set', 'static'] as const).map((strategy) => ({
    step, strategy, file: `${dataset}-${strategy}${step === 'nodecay' ? '-nodecay' : ''}.rlm`,
  })));
}

// ---------------------------------------------------------------- one network of the experiment

export type ExperimentRunStatus = 'queued' | 'training' | 'trained' | 'stopped' | 'failed' | 'skipped' | 'loading' | 'loaded';

export interface EpochPoint {
  epoch: number;
  testAccuracy: number;
  trainLoss: number;
  samplesPerSecond: number;
}

export interface ExperimentRun {
  key: string;
  step: ExperimentStep;
  strategy: Strategy;
  label: string;
  config: TrainConfig;
  /** Trained here, or one of the finished experiment's model files. */
  source: 'trained' | 'finished';
  fileName: string | null;
  status: ExperimentRunStatus;
  runToken: number | null;
  modelId: string | null;
  path: PathKind | null;
  epochs: EpochPoint[];
  progress: { epoch: number; batch: number; batchesPerEpoch: number; samplesPerSecond: number } | null;
  accuracy: number | null;
  sweeps: Partial<Record<ExperimentSweepKind, SweepPoint[]>>;
  message: string | null;
}

/** A run as queued: nothing trained yet. */
export function newRun(step: ExperimentStep, strategy: Strategy, config: TrainConfig): ExperimentRun {
  return {
    key: runKey(step, strategy), step, strategy, label: runLabel(strategy, step), config, source: 'trained', fileName: null,
    status: 'queued', runToken: null, modelId: null, path: null, epochs: [], progress: null, accuracy: null, sweeps: {}, message: null,
  };
}

// ---------------------------------------------------------------- the results table

export const TABLE_REMOVAL_LEVELS: readonly number[] = [0.1, 0.3, 0.5];
export const TABLE_SHUFFLE_LEVEL = 0.3;

export interface ResultRow {
  key: string;
  label: string;
  strategy: Strategy;
  step: ExperimentStep;
  /** Test accuracy after training (or as saved in the model file). */
  accuracy: number | null;
  /** Mean accuracy at TABLE_REMOVAL_LEVELS of links removed. */
  removal: Array<number | null>;
  /** Mean accuracy with TABLE_SHUFFLE_LEVEL of the weights shuffled. */
  shuffle: number | null;
  /** Gini coefficient of the links per input pixel (null for a dense network). */
  gini: number | null;
  /** Input pixels left with no link. */
  isolatedPixels: number | null;
}

/** The mean accuracy a sweep measured at `level` (levels compared to 1e-9), or null. */
export function accuracyAt(points: readonly SweepPoint[] | undefined, level: number): number | null {
  const point = points?.find((p) => Math.abs(p.level - level) < 1e-9);
  return point ? point.mean : null;
}

export interface RowInput {
  key: string;
  label: string;
  strategy: Strategy;
  step: ExperimentStep;
  accuracy: number | null;
  sweeps: Partial<Record<ExperimentSweepKind, SweepPoint[]>>;
}

/** One table row; `inputLayer` is the first sparse layer's wiring (null when dense or not yet known). */
export function resultRow(run: RowInput, inputLayer: { links: Int32Array; nOut: number } | null): ResultRow {
  const pixels = inputLayer ? pixelDegreeSummary(inputLayer.links, inputLayer.nOut) : null;
  return {
    key: run.key,
    label: run.label,
    strategy: run.strategy,
    step: run.step,
    accuracy: run.accuracy,
    removal: TABLE_REMOVAL_LEVELS.map((level) => accuracyAt(run.sweeps.removal, level)),
    shuffle: accuracyAt(run.sweeps.shuffle, TABLE_SHUFFLE_LEVEL),
    gini: pixels ? pixels.gini : null,
    isolatedPixels: pixels ? pixels.isolatedPixels : null,
  };
}

/**
 * One sentence per step on what the table shows at 30% removal: SET's accuracy, static's, and the
 * gap in percentage points (whichever way it goes); nothing for a step lacking either number.
 */
export function findings(rows: readonly ResultRow[]): string[] {
  const at30 = TABLE_REMOVAL_LEVELS.indexOf(0.3);
  const out: string[] = [];
  for (const step of EXPERIMENT_STEPS) {
    const set = rows.find((r) => r.step === step && r.strategy === 'set');
    const stat = rows.find((r) => r.step === step && r.strategy === 'static');
    const a = set?.removal[at30];
    const b = stat?.removal[at30];
    if (a == null || b == null) continue;
    const gap = Math.round((a - b) * 1000) / 10;
    const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
    const verdict = gap > 0 ? `SET keeps ${gap.toFixed(1)} points more` : gap < 0 ? `static keeps ${(-gap).toFixed(1)} points more` : 'no difference';
    const where = step === 'decay' ? 'With weight decay' : 'Without weight decay';
    const gini = set?.gini != null && stat?.gini != null ? ` Input-pixel Gini: SET ${set.gini.toFixed(2)}, static ${stat.gini.toFixed(2)}.` : '';
    out.push(`${where}, with 30% of the links removed: SET ${pct(a)}, static ${pct(b)} — ${verdict}.${gini}`);
  }
  return out;
}
