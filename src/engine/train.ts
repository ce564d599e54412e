// The training loop, the same for every compute path: seeded batches, Adam steps, and at each
// epoch end evaluate → read the state back → rewire it on the CPU → load it again → report →
// checkpoint. A run can continue from a checkpoint (after a lost GPU or a crashed worker).
import { cloneNetwork, initNetwork } from './init';
import { rewireNetwork } from './rewire';
import type { NetworkRewire } from './rewire';
import { createRng, shuffleInPlace } from './rng';
import type { Rng } from './rng';
import { NUM_SPARSE_LAYERS, validateConfig } from './types';
import type { ComputePath, DataArrays, NetworkState, TrainConfig } from './types';
import type { EpochWiring } from './wiringHistory';

export interface ProgressEvent { epoch: number; batch: number; batchesPerEpoch: number; samplesPerSecond: number }
export interface LayerTopology { nIn: number; nOut: number; links: Int32Array; weights: Float32Array }

export interface EpochEvent {
  /** 1-based. */
  epoch: number;
  trainLoss: number;
  testAccuracy: number;
  testLoss: number;
  perClass: Float32Array;
  /** Wall time of the whole epoch: training, evaluation and rewiring. */
  seconds: number;
  /** Training throughput (images per second of training steps). */
  samplesPerSecond: number;
  /** Prune fraction used at this epoch's end: 0 for static/dense, and after the last epoch (see below). */
  zeta: number;
  /** Per sparse layer, after rewiring. */
  layers: Array<{ links: number; removed: Int32Array; added: Int32Array; kept: number }>;
  /** Per sparse layer, after rewiring (copies the receiver may keep or transfer); [] for dense. */
  topology: LayerTopology[];
}

/** The EpochEvent as plain numbers (JSON-friendly): link changes become counts. */
export interface EpochSummary {
  epoch: number;
  trainLoss: number;
  testAccuracy: number;
  testLoss: number;
  /** NaN where the test set has no example of a class. */
  perClass: number[];
  seconds: number;
  samplesPerSecond: number;
  zeta: number;
  layers: Array<{ links: number; removed: number; added: number; kept: number }>;
}

/**
 * The state a run can continue from after `epoch` completed epochs: the network as the next epoch
 * starts it (rewired, optimizer moments and step included).
 */
export interface Checkpoint {
  epoch: number;
  /** Shared with the run (which keeps it as its fallback): read it or copy it, never change it. */
  state: NetworkState;
}

export interface TrainCallbacks {
  onProgress?(p: ProgressEvent): void;
  onEpoch?(e: EpochEvent): void;
  /** After each epoch's event: the checkpoint a continuation would start from. */
  onCheckpoint?(c: Checkpoint): void;
  /** Batches between progress events (default 20). */
  progressEvery?: number;
}

export type TrainingStatus = 'idle' | 'running' | 'paused' | 'stopped' | 'done' | 'failed';

export interface TrainingRun {
  run(): Promise<TrainResult>;
  pause(): void;
  resume(): void;
  stop(): void;
  readonly status: TrainingStatus;
}

export interface TrainResult {
  config: TrainConfig;
  /** The state after the last completed epoch (the initial state when none completed). */
  state: NetworkState;
  /** The epochs this run trained (a continuation's first entry is epoch `completedEpochs + 1`). */
  history: EpochSummary[];
  /** Per epoch of `history`, each sparse layer's removed and grown link ids ([] per epoch for dense): model files keep it. */
  wiring: EpochWiring[];
  /** Epochs completed in all, counting those before a continuation started. */
  epochsCompleted: number;
  stoppedEarly: boolean;
  error?: string;
}

/** The loop yields to the event loop at least this often, so pause/stop/messages get through. */
const YIELD_EVERY_BATCHES = 4;
const YIELD_EVERY_MS = 50;

export function summarizeEpoch(e: EpochEvent): EpochSummary {
  return {
    epoch: e.epoch,
    trainLoss: e.trainLoss,
    testAccuracy: e.testAccuracy,
    testLoss: e.testLoss,
    perClass: Array.from(e.perClass),
    seconds: e.seconds,
    samplesPerSecond: e.samplesPerSecond,
    zeta: e.zeta,
    layers: e.layers.map((l) => ({ links: l.links, removed: l.removed.length, added: l.added.length, kept: l.kept })),
  };
}

/**
 * A training run of `config` on `path`. Randomness comes from three streams forked from the seed
 * (initial network, image order, rewiring: one generator per epoch), so a seed reproduces a run
 * exactly on the CPU path. `initial` continues from a given state instead of a fresh network; with
 * `completedEpochs` > 0 it is a checkpoint and the run trains epochs completedEpochs + 1 … epochs,
 * with the batches and rewiring draws an uninterrupted run would have used.
 */
export function createTrainingRun(
  config: TrainConfig, path: ComputePath, train: DataArrays, test: DataArrays,
  callbacks: TrainCallbacks = {}, initial?: NetworkState, completedEpochs = 0,
): TrainingRun {
  return new Run(config, path, train, test, callbacks, initial, completedEpochs);
}

/**
 * The rewiring generator of one epoch. Derived from the seed and the epoch alone (not drawn in
 * sequence), so a run continued from a checkpoint rewires exactly as the uninterrupted run would.
 */
function rewireRngFor(rewireSeed: number, epoch: number): Rng {
  return createRng((rewireSeed ^ Math.imul(epoch, 0x9e3779b9)) >>> 0);
}

class Run implements TrainingRun {
  private state: TrainingStatus = 'idle';
  private stopRequested = false;
  private wake: (() => void) | null = null;

  constructor(
    private readonly config: TrainConfig, private readonly path: ComputePath,
    private readonly train: DataArrays, private readonly test: DataArrays,
    private readonly callbacks: TrainCallbacks, private readonly initial?: NetworkState,
    private readonly completedEpochs = 0,
  ) {}

  get status(): TrainingStatus {
    return this.state;
  }

  pause(): void {
    if (this.state === 'running') this.state = 'paused';
  }

  resume(): void {
    if (this.state === 'paused') this.state = 'running';
    this.wakeUp();
  }

  stop(): void {
    this.stopRequested = true;
    this.wakeUp();
  }

  private wakeUp(): void {
    const wake = this.wake;
    this.wake = null;
    wake?.();
  }

  async run(): Promise<TrainResult> {
    if (this.state !== 'idle') throw new Error('train.ts: run() can be called once per TrainingRun');
    this.state = 'running';
    const config = this.config;
    const history: EpochSummary[] = [];
    const wiring: EpochWiring[] = [];
    let lastGood: NetworkState | null = null;
    const done = this.completedEpochs;
    const finish = (status: TrainingStatus, error?: string): TrainResult => {
      this.state = status;
      // Without a completed epoch, hand back what the run started from (nothing for a rejected config).
      const state = lastGood ?? this.initial ?? { layers: [], moments: [], step: 0 };
      const epochsCompleted = done + history.length;
      return { config, state, history, wiring, epochsCompleted, stoppedEarly: epochsCompleted < config.epochs, ...(error === undefined ? {} : { error }) };
    };
    const problems = validateConfig(config, this.train.count);
    if (!(Number.isInteger(done) && done >= 0 && done < config.epochs)) {
      problems.push(`completed epochs must be an integer from 0 to ${config.epochs - 1} (epochs − 1), got ${done}`);
    } else if (done > 0 && !this.initial) {
      problems.push(`continuing after epoch ${done} needs that epoch's checkpoint as the initial state`);
    }
    if (problems.length > 0) return finish('failed', `train.ts: invalid configuration: ${problems.join('; ')}`);
    try {
      const seedRng = createRng(config.seed);
      const initRng = seedRng.fork();
      const orderRng = seedRng.fork();
      const rewireSeed = seedRng.fork().int(0x100000000);
      lastGood = this.initial ? cloneNetwork(this.initial) : initNetwork(config, initRng);
      const order = trainingPool(this.train.count, config.trainLimit, orderRng);
      // A continuation replays the shuffles of the epochs already done: its batches are the ones
      // the uninterrupted run would have drawn.
      for (let epoch = 1; epoch <= done; epoch++) shuffleInPlace(order, orderRng);
      this.path.setTrainData(this.train);
      this.path.setTestData(this.test);
      this.path.load(lastGood);
      for (let epoch = done + 1; epoch <= config.epochs; epoch++) {
        const t0 = performance.now();
        shuffleInPlace(order, orderRng);
        const trainSeconds = await this.trainEpoch(epoch, order);
        if (trainSeconds === null) {
          this.path.load(lastGood);
          return finish('stopped');
        }
        const trainLoss = await this.path.takeMeanLoss();
        if (!Number.isFinite(trainLoss)) {
          this.path.load(lastGood);
          const what = Number.isNaN(trainLoss) ? 'NaN' : 'infinite';
          return finish('failed', `training diverged (loss is ${what}) at epoch ${epoch}; keeping the weights of epoch ${epoch - 1}`);
        }
        const evaluation = await this.path.evaluate();
        const state = await this.path.save();
        const rewired = await this.rewire(state, epoch, order, rewireRngFor(rewireSeed, epoch));
        if (rewired.layers.length > 0 && rewired.zeta > 0) this.path.load(state);
        lastGood = state;
        const batches = Math.floor(order.length / config.batchSize);
        const event = epochEvent(epoch, state, rewired, {
          trainLoss, evaluation, seconds: (performance.now() - t0) / 1000,
          samplesPerSecond: (batches * config.batchSize) / trainSeconds,
        });
        history.push(summarizeEpoch(event));
        wiring.push(epochWiring(event));
        this.callbacks.onEpoch?.(event);
        this.callbacks.onCheckpoint?.({ epoch, state });
        if (this.stopRequested && epoch < config.epochs) return finish('stopped');
      }
      return finish('done');
    } catch (e) {
      return finish('failed', e instanceof Error ? e.message : String(e));
    }
  }

  /** One pass over `order`; returns the seconds spent, or null when stopped mid-epoch. */
  private async trainEpoch(epoch: number, order: Int32Array): Promise<number | null> {
    const { batchSize, learningRate, weightDecay } = this.config;
    const batchesPerEpoch = Math.floor(order.length / batchSize); // the last incomplete batch is dropped
    const progressEvery = Math.max(1, Math.floor(this.callbacks.progressEvery ?? 20));
    const batch = new Int32Array(batchSize);
    const t0 = performance.now();
    let lastYield = t0;
    for (let b = 0; b < batchesPerEpoch; b++) {
      if (this.stopRequested) return null;
      batch.set(order.subarray(b * batchSize, (b + 1) * batchSize));
      this.path.trainStep(batch, learningRate, weightDecay);
      const now = performance.now();
      if ((b + 1) % progressEvery === 0) {
        this.callbacks.onProgress?.({ epoch, batch: b + 1, batchesPerEpoch, samplesPerSecond: ((b + 1) * batchSize * 1000) / Math.max(1e-3, now - t0) });
      }
      if ((b + 1) % YIELD_EVERY_BATCHES === 0 || now - lastYield > YIELD_EVERY_MS || this.state === 'paused') {
        await nextMacrotask();
        lastYield = performance.now();
        while (this.state === 'paused' && !this.stopRequested) await new Promise<void>((resolve) => { this.wake = resolve; });
      }
    }
    return Math.max(1e-6, (performance.now() - t0) / 1000);
  }

  /**
   * Rewires the CPU copy after `epoch`. Not after the last epoch (SET's convention): the returned
   * model is then exactly the one whose test accuracy was reported.
   */
  private async rewire(state: NetworkState, epoch: number, order: Int32Array, rng: Rng): Promise<NetworkRewire> {
    const config = this.config;
    if (config.strategy === 'dense') return { zeta: 0, layers: [] };
    if (epoch >= config.epochs || config.strategy === 'static') {
      return { zeta: 0, layers: Array.from({ length: NUM_SPARSE_LAYERS }, () => ({ removed: new Int32Array(0), added: new Int32Array(0) })) };
    }
    let gradients: Float32Array[] | undefined;
    if (config.strategy === 'rigl') {
      // RigL ranks absent links by |gradient| on one batch: the first of the epoch just finished.
      const batch = order.slice(0, config.batchSize);
      gradients = [];
      for (let l = 0; l < NUM_SPARSE_LAYERS; l++) gradients.push(await this.path.denseGradientMagnitude(l, batch));
    }
    return rewireNetwork(state, config, epoch, rng, gradients);
  }
}

/** The first `limit` of a seeded permutation of the training indices (all of them without a limit). */
function trainingPool(count: number, limit: number | null, rng: Rng): Int32Array {
  const all = new Int32Array(count);
  for (let i = 0; i < count; i++) all[i] = i;
  shuffleInPlace(all, rng);
  return limit === null ? all : all.slice(0, Math.min(limit, count));
}

function epochEvent(
  epoch: number, state: NetworkState, rewired: NetworkRewire,
  m: { trainLoss: number; evaluation: { accuracy: number; loss: number; perClass: Float32Array }; seconds: number; samplesPerSecond: number },
): EpochEvent {
  const sparse = state.layers.filter((l) => l.links !== null);
  return {
    epoch,
    trainLoss: m.trainLoss,
    testAccuracy: m.evaluation.accuracy,
    testLoss: m.evaluation.loss,
    perClass: m.evaluation.perClass.slice(),
    seconds: m.seconds,
    samplesPerSecond: m.samplesPerSecond,
    zeta: rewired.zeta,
    layers: sparse.map((l, i) => {
      const r = rewired.layers[i] ?? { removed: new Int32Array(0), added: new Int32Array(0) };
      const links = (l.links as Int32Array).length;
      return { links, removed: r.removed, added: r.added, kept: links - r.added.length };
    }),
    topology: sparse.map((l) => ({ nIn: l.nIn, nOut: l.nOut, links: (l.links as Int32Array).slice(), weights: l.weights.slice() })),
  };
}

/** An epoch's removed and grown link ids per sparse layer (the event's own arrays, not copied). */
export function epochWiring(e: Pick<EpochEvent, 'layers'>): EpochWiring {
  return e.layers.map((l) => ({ removed: l.removed, added: l.added }));
}

function nextMacrotask(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}
