// The worker's training jobs: one run at a time, fresh or continued from a held model's checkpoint.
// Each epoch end posts the epoch and (by size) a checkpoint for the page; a run whose GPU is lost
// continues on the fallback backend from its last completed epoch, so the model keeps one history.
import { initNetwork } from '../engine/init';
import { createRng } from '../engine/rng';
import { createTrainingRun, epochWiring, summarizeEpoch, type EpochEvent, type EpochSummary, type TrainingRun } from '../engine/train';
import type { EpochWiring } from '../engine/wiringHistory';
import { validateConfig, type ComputePath, type DataArrays, type NetworkState, type Strategy, type TrainConfig } from '../engine/types';
import { checkpointInterval, copyCheckpoint } from './checkpoint';
import type { HeldModel } from './evalHost';
import { PATH_LABELS, type BackendName, type EpochReport, type LayerTopology, type PathKind, type WorkerEvent } from './protocol';

const FILE = 'src/worker/trainHost.ts';
/** Progress events go out at most this often; the engine reports every few batches. */
const PROGRESS_MIN_INTERVAL_MS = 100;
const PROGRESS_EVERY_BATCHES = 5;

export interface BackendChoice {
  backend: BackendName;
  path: PathKind;
  /** The GPU is a software rasteriser: dense models are evaluated on the CPU path instead. */
  software?: boolean;
}

export function pathKindFor(backend: BackendName, strategy?: Strategy): PathKind {
  if (backend === 'cpu') return 'sparse-cpu';
  return strategy === 'dense' ? 'dense' : 'masked-dense';
}

/** The engine's epoch event as it crosses the boundary: arrays copied where the engine may keep them. */
export function toReport(e: EpochEvent): EpochReport {
  return {
    epoch: e.epoch,
    trainLoss: e.trainLoss,
    testAccuracy: e.testAccuracy,
    testLoss: e.testLoss,
    perClass: e.perClass.slice(),
    seconds: e.seconds,
    samplesPerSecond: e.samplesPerSecond,
    zeta: e.zeta,
    layers: e.layers.map((l) => ({ links: l.links, removed: l.removed.slice(), added: l.added.slice(), kept: l.kept })),
    // The engine hands over fresh copies of the topology; they can be transferred as they are.
    topology: e.topology.map((t) => ({ nIn: t.nIn, nOut: t.nOut, links: t.links, weights: t.weights })),
  };
}

/** Copies of the sparse layers' links and weights (copies: the originals stay with the run). */
export function topologyOf(state: NetworkState): LayerTopology[] {
  return state.layers
    .filter((l) => l.links !== null)
    .map((l) => ({ nIn: l.nIn, nOut: l.nOut, links: (l.links as Int32Array).slice(), weights: l.weights.slice() }));
}

/** What the training jobs need from the rest of the worker. */
export interface TrainHostDeps {
  post(event: WorkerEvent): void;
  /** The current backend (selected on first use). */
  backend(): Promise<BackendChoice>;
  makePath(backend: BackendName): ComputePath;
  /**
   * Why `backend`'s GPU is gone, or null when it is fine: a run that ended with `error` on it may
   * have been the first to notice (the device's own loss report can arrive a moment later).
   */
  confirmLoss(backend: BackendName, error: string | undefined): Promise<string | null>;
  /** Moves the worker off a lost backend; resolves to the new one, or null when none can start. */
  fallbackFrom(lost: BackendName, reason: string): Promise<BackendChoice | null>;
  /** The training and test sets of a dataset (throws naming what has not been sent). */
  datasets(config: TrainConfig): { train: DataArrays; test: DataArrays };
  models: Map<string, HeldModel>;
  newModelId(): string;
  /** Called at each epoch end, after the checkpoint (the debug memory record). */
  onEpochEnd?(): void;
}

interface Job {
  runToken: number;
  modelId: string;
  config: TrainConfig;
  /** The checkpoint the next run segment starts from, and the history up to it. */
  state: NetworkState;
  history: EpochSummary[];
  /** Each epoch's removed and grown links, for model files (complete only for a run trained in this worker). */
  wiring: EpochWiring[];
  startedAt: number;
  /** The page asked to stop: a device loss then ends the run instead of moving it. */
  stopRequested: boolean;
  lastCheckpointEpoch: number;
}

/** The job in progress: its current run segment (none while it moves to another backend) and its end. */
interface ActiveJob {
  job: Job;
  run: TrainingRun | null;
  done: Promise<void>;
}

export function createTrainHost(deps: TrainHostDeps) {
  const { post } = deps;
  const now = () => performance.now();
  let latestRunToken = 0;
  let active: ActiveJob | null = null;

  const postCheckpoint = (job: Job, epoch: number, state: NetworkState) => {
    job.lastCheckpointEpoch = epoch;
    const checkpoint = copyCheckpoint({ modelId: job.modelId, config: job.config, epoch, state, history: job.history.slice(0, epoch) });
    post({ type: 'checkpoint', runToken: job.runToken, checkpoint });
  };

  /** The data of a run, after checking the configuration against it (throws naming the problem). */
  const dataFor = (config: TrainConfig) => {
    const data = deps.datasets(config);
    const problems = validateConfig(config, data.train.count);
    if (problems.length > 0) throw new Error(`${FILE}: invalid training configuration: ${problems.join('; ')}`);
    return data;
  };

  /** Runs `job` to its end, moving to a fallback backend whenever its GPU is lost. */
  const execute = async (job: Job, data: { train: DataArrays; test: DataArrays }, announce: (choice: BackendChoice) => void) => {
    const { train, test } = data;
    const isStale = () => job.runToken !== latestRunToken;
    let choice = await deps.backend();
    announce(choice);
    for (;;) {
      const path = deps.makePath(choice.backend);
      const every = checkpointInterval(job.state);
      let lastProgressAt = -Infinity;
      let lastError: string | undefined;
      const run: TrainingRun = createTrainingRun(job.config, path, train, test, {
        progressEvery: PROGRESS_EVERY_BATCHES,
        onProgress: (p) => {
          if (isStale()) return run.stop();
          const t = now();
          if (t - lastProgressAt < PROGRESS_MIN_INTERVAL_MS && p.batch < p.batchesPerEpoch) return;
          lastProgressAt = t;
          post({ type: 'progress', runToken: job.runToken, modelId: job.modelId, ...p });
        },
        onEpoch: (e) => {
          job.history.push(summarizeEpoch(e));
          job.wiring.push(epochWiring(e));
          if (isStale()) return run.stop();
          post({ type: 'epoch', runToken: job.runToken, modelId: job.modelId, event: toReport(e) });
        },
        onCheckpoint: ({ epoch, state }) => {
          job.state = state;
          const due = epoch === job.config.epochs || epoch - job.lastCheckpointEpoch >= every;
          if (!isStale() && due) postCheckpoint(job, epoch, state);
          deps.onEpochEnd?.();
        },
      }, job.state, job.history.length);
      if (active?.job === job) active.run = run;
      try {
        const result = await run.run();
        // The engine's own record of the epochs it completed is the one to trust.
        job.history.length = result.epochsCompleted;
        if (job.wiring.length > job.history.length) job.wiring.length = job.history.length;
        job.state = result.state;
        lastError = result.error;
      } finally {
        path.dispose();
        if (active?.job === job) active.run = null;
      }
      if (job.history.length > 0) deps.models.set(job.modelId, { id: job.modelId, config: job.config, state: job.state, history: job.history.slice(), wiring: job.wiring.slice() });
      const unfinished = job.history.length < job.config.epochs;
      const loss = unfinished && !job.stopRequested && !isStale() ? await deps.confirmLoss(choice.backend, lastError) : null;
      if (loss !== null) {
        const next = await deps.fallbackFrom(choice.backend, loss);
        // A stop or a newer run may have come while the worker moved.
        if (next !== null && next.backend !== choice.backend && !job.stopRequested && !isStale()) {
          choice = next;
          post({
            type: 'trainResumed', runToken: job.runToken, modelId: job.modelId, config: job.config, fromEpoch: job.history.length,
            path: pathKindFor(next.backend, job.config.strategy), reason: 'device-lost',
          });
          continue;
        }
      }
      if (job.history.length > job.lastCheckpointEpoch) postCheckpoint(job, job.history.length, job.state);
      const last = job.history[job.history.length - 1];
      post({
        type: 'trainDone', runToken: job.runToken, modelId: job.modelId,
        summary: {
          modelId: job.modelId,
          epochsCompleted: job.history.length,
          finalAccuracy: last ? last.testAccuracy : null,
          stoppedEarly: unfinished,
          seconds: (now() - job.startedAt) / 1000,
          ...(lastError !== undefined ? { error: lastError } : {}),
        },
      });
      return;
    }
  };

  /** Ends the running job (if any) and waits for it; false when a newer run arrived meanwhile. */
  const takeOver = async (runToken: number): Promise<boolean> => {
    latestRunToken = Math.max(latestRunToken, runToken);
    const previous = active;
    if (previous) {
      previous.run?.stop(); // superseded: it notices its stale token and ends
      await previous.done.catch(() => undefined); // its failure was reported to its own run
    }
    return runToken === latestRunToken;
  };

  /** Runs `job` as the active one until it ends. */
  const runJob = async (job: Job, data: { train: DataArrays; test: DataArrays }, announce: (choice: BackendChoice) => void) => {
    const done = execute(job, data, announce);
    const entry: ActiveJob = { job, run: null, done };
    active = entry;
    try {
      await done;
    } finally {
      if (active === entry) active = null;
    }
  };

  const newJob = (runToken: number, modelId: string, config: TrainConfig, state: NetworkState, history: EpochSummary[]): Job => ({
    runToken, modelId, config, state, history, wiring: [], startedAt: now(), stopRequested: false, lastCheckpointEpoch: history.length,
  });

  return {
    /** A fresh run of `config`. */
    async start(runToken: number, config: TrainConfig): Promise<void> {
      if (!(await takeOver(runToken))) return;
      const data = dataFor(config); // before a model id is spent
      // Built here, as the engine would (its first fork of the seed's generator), so the page can
      // show the wiring before the first epoch; the run then starts from exactly this network.
      const initial = initNetwork(config, createRng(config.seed).fork());
      const job = newJob(runToken, deps.newModelId(), config, initial, []);
      await runJob(job, data, (choice) => post({
        type: 'trainStarted', runToken, modelId: job.modelId, config, path: pathKindFor(choice.backend, config.strategy),
        initialTopology: topologyOf(initial),
      }));
    },

    /** Continues a held model (a restored checkpoint) through its remaining epochs. */
    async resume(runToken: number, modelId: string): Promise<void> {
      if (!(await takeOver(runToken))) return;
      const model = deps.models.get(modelId);
      if (!model) throw new Error(`${FILE}: cannot continue "${modelId}": no such model in this worker`);
      const done = model.history.length;
      if (done >= model.config.epochs) throw new Error(`${FILE}: cannot continue "${modelId}": all ${model.config.epochs} epochs are done`);
      if (done === 0) throw new Error(`${FILE}: cannot continue "${modelId}": it has no completed epoch to continue from`);
      const data = dataFor(model.config);
      const job = newJob(runToken, modelId, model.config, model.state, model.history.slice());
      await runJob(job, data, (choice) => post({
        type: 'trainResumed', runToken, modelId, config: model.config, fromEpoch: done, path: pathKindFor(choice.backend, model.config.strategy), reason: 'restart',
      }));
    },

    control(type: 'pause' | 'resume' | 'stop', runToken: number): void {
      if (!active || active.job.runToken !== runToken) return; // a stale control for a run that is over
      const { run, job } = active;
      if (type === 'pause') {
        run?.pause();
        if (run?.status === 'paused') post({ type: 'paused', runToken, modelId: job.modelId });
      } else if (type === 'resume') {
        run?.resume();
        if (run?.status === 'running') post({ type: 'resumed', runToken, modelId: job.modelId });
      } else {
        job.stopRequested = true;
        run?.stop();
      }
    },

    /** The GPU under the running job went away: end this segment now (it continues elsewhere). */
    interruptForDeviceLoss(): void {
      active?.run?.resume(); // a paused run must wake up to notice
      active?.run?.stop();
    },
  };
}

/** "webgpu (masked dense)": a backend and the path it gives a strategy, for notices. */
export function describeChoice(choice: BackendChoice, strategy?: Strategy): string {
  return `${choice.backend} (${PATH_LABELS[pathKindFor(choice.backend, strategy)]})`;
}
