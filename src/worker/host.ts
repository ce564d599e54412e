// What the training worker does with each command: picks the backend, holds the datasets it was
// sent, runs one training job at a time with the engine, keeps every trained model, and answers
// predictions. No DOM here, and no postMessage either: events go out through `post`, so Node tests
// drive the same code the page runs.
import { selectBackend } from '../engine/backend';
import { createDevicePath } from '../engine/device/path';
import { initNetwork } from '../engine/init';
import { createRng } from '../engine/rng';
import { createSparseCpuPath } from '../engine/sparseCpu';
import { createTrainingRun, type EpochEvent, type EpochSummary as EngineEpochSummary, type TrainingRun } from '../engine/train';
import { IMAGE_SIZE, NUM_CLASSES } from '../engine/constants';
import { validateConfig, type ComputePath, type DataArrays, type NetworkState, type Strategy, type TrainConfig } from '../engine/types';
import type { BackendName, EpochReport, LayerTopology, PathKind, WorkerCommand, WorkerEvent } from './protocol';

const FILE = 'src/worker/host.ts';
/** Progress events go out at most this often; the engine reports every few batches. */
const PROGRESS_MIN_INTERVAL_MS = 100;
const PROGRESS_EVERY_BATCHES = 5;

/** A model trained in this worker, kept for later panels (robustness, drawing, comparison). */
export interface TrainedModel {
  id: string;
  config: TrainConfig;
  state: NetworkState;
  history: EngineEpochSummary[];
}

interface BackendChoice {
  backend: BackendName;
  path: PathKind;
}

interface ActiveRun {
  runToken: number;
  modelId: string;
  run: TrainingRun;
  finished: Promise<void>;
}

export function pathKindFor(backend: BackendName, strategy?: Strategy): PathKind {
  if (backend === 'cpu') return 'sparse-cpu';
  return strategy === 'dense' ? 'dense' : 'masked-dense';
}

/** The device path ("masked dense") on WebGPU/WebGL; the sparse CPU path on the CPU backend. */
function makePath(backend: BackendName): ComputePath {
  return backend === 'cpu' ? createSparseCpuPath() : createDevicePath();
}

function messageOf(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
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

export function createWorkerHost(post: (event: WorkerEvent) => void) {
  const now = () => performance.now();
  let backend: Promise<BackendChoice> | null = null;
  const datasets = new Map<string, DataArrays>();
  const models = new Map<string, TrainedModel>();
  let modelCount = 0;
  let latestRunToken = 0;
  let active: ActiveRun | null = null;
  let predictPath: { path: ComputePath; modelId: string | null } | null = null;
  let latestPredict = 0;
  let predictQueue: Promise<void> = Promise.resolve();

  const ensureBackend = (prefer?: BackendName, runToken?: number): Promise<BackendChoice> => {
    if (!backend) {
      backend = selectBackend(prefer).then((info) => {
        const choice: BackendChoice = { backend: info.backend, path: pathKindFor(info.backend) };
        post({ type: 'ready', runToken, backend: info.backend, adapter: info.adapter, fallbackReason: info.fallbackReason, path: choice.path });
        return choice;
      });
    }
    return backend;
  };

  const setData = (cmd: Extract<WorkerCommand, { type: 'setData' }>) => {
    const { dataset, split, images, labels, count } = cmd;
    if (!Number.isInteger(count) || count < 1 || images.length !== count * IMAGE_SIZE || labels.length !== count) {
      throw new Error(`${FILE}: the ${dataset} ${split} set arrived malformed (${images.length} pixel bytes and ${labels.length} labels for ${count} images)`);
    }
    datasets.set(`${dataset}/${split}`, { images, labels, count });
    post({ type: 'dataReady', dataset, split, count });
  };

  const train = async (runToken: number, config: TrainConfig) => {
    latestRunToken = Math.max(latestRunToken, runToken);
    const previous = active;
    if (previous) {
      previous.run.stop(); // superseded: it notices its stale token and ends
      await previous.finished;
    }
    if (runToken !== latestRunToken) return; // an even newer run arrived while we waited
    const choice = await ensureBackend();
    const trainSet = datasets.get(`${config.dataset}/train`);
    const testSet = datasets.get(`${config.dataset}/test`);
    if (!trainSet || !testSet) {
      const missing = [!trainSet && 'training', !testSet && 'test'].filter(Boolean).join(' and ');
      throw new Error(`${FILE}: the ${config.dataset} ${missing} set has not been sent to the worker`);
    }
    const problems = validateConfig(config, trainSet.count);
    if (problems.length > 0) throw new Error(`${FILE}: invalid training configuration: ${problems.join('; ')}`);
    const modelId = `m${++modelCount}`;
    // Built here, as the engine would (its first fork of the seed's generator), so the page can
    // show the wiring before the first epoch; the run then starts from exactly this network.
    const initial = initNetwork(config, createRng(config.seed).fork());
    const path = makePath(choice.backend);
    const startedAt = now();
    let lastProgressAt = -Infinity;
    const isStale = () => runToken !== latestRunToken;
    const run = createTrainingRun(config, path, trainSet, testSet, {
      progressEvery: PROGRESS_EVERY_BATCHES,
      onProgress: (p) => {
        if (isStale()) return run.stop();
        const t = now();
        if (t - lastProgressAt < PROGRESS_MIN_INTERVAL_MS && p.batch < p.batchesPerEpoch) return;
        lastProgressAt = t;
        post({ type: 'progress', runToken, modelId, ...p });
      },
      onEpoch: (e) => {
        if (isStale()) return run.stop();
        post({ type: 'epoch', runToken, modelId, event: toReport(e) });
      },
    }, initial);
    post({
      type: 'trainStarted', runToken, modelId, config, path: pathKindFor(choice.backend, config.strategy),
      initialTopology: topologyOf(initial),
    });
    const finished = (async () => {
      try {
        const result = await run.run();
        if (result.history.length > 0) models.set(modelId, { id: modelId, config, state: result.state, history: result.history });
        const last = result.history[result.history.length - 1];
        post({
          type: 'trainDone', runToken, modelId,
          summary: {
            modelId,
            epochsCompleted: result.history.length,
            finalAccuracy: last ? last.testAccuracy : null,
            stoppedEarly: result.stoppedEarly,
            seconds: (now() - startedAt) / 1000,
            ...(result.error !== undefined ? { error: result.error } : {}),
          },
        });
      } finally {
        path.dispose();
        if (active?.run === run) active = null;
      }
    })();
    active = { runToken, modelId, run, finished };
    await finished;
  };

  const control = (cmd: Extract<WorkerCommand, { type: 'pause' | 'resume' | 'stop' }>) => {
    if (!active || active.runToken !== cmd.runToken) return; // a stale control for a run that is over
    const { run, runToken, modelId } = active;
    if (cmd.type === 'pause') {
      run.pause();
      if (run.status === 'paused') post({ type: 'paused', runToken, modelId });
    } else if (cmd.type === 'resume') {
      run.resume();
      if (run.status === 'running') post({ type: 'resumed', runToken, modelId });
    } else {
      run.stop();
    }
  };

  const predict = (cmd: Extract<WorkerCommand, { type: 'predict' }>) => {
    latestPredict = Math.max(latestPredict, cmd.requestId);
    predictQueue = predictQueue.then(async () => {
      // The newest request wins: one that was overtaken while it queued is answered as stale.
      if (cmd.requestId !== latestPredict) return post({ type: 'stale', requestId: cmd.requestId });
      try {
        const model = models.get(cmd.modelId);
        if (!model) throw new Error(`${FILE}: no trained model "${cmd.modelId}" in this worker`);
        if (!Number.isInteger(cmd.count) || cmd.count < 1 || cmd.pixels.length !== cmd.count * IMAGE_SIZE) {
          throw new Error(`${FILE}: predict needs ${IMAGE_SIZE} pixels per image, got ${cmd.pixels.length} for ${cmd.count}`);
        }
        const choice = await ensureBackend();
        if (!predictPath) predictPath = { path: makePath(choice.backend), modelId: null };
        if (predictPath.modelId !== model.id) {
          predictPath.path.load(model.state);
          predictPath.modelId = model.id;
        }
        const logits = await predictPath.path.predict(cmd.pixels, cmd.count);
        if (logits.length !== cmd.count * NUM_CLASSES) throw new Error(`${FILE}: the model returned ${logits.length} logits for ${cmd.count} images`);
        post({ type: 'prediction', requestId: cmd.requestId, modelId: model.id, logits, count: cmd.count });
      } catch (e) {
        post({ type: 'error', requestId: cmd.requestId, message: messageOf(e) });
      }
    });
    return predictQueue;
  };

  /** Handles one command; never throws (failures become error events). */
  const handle = async (cmd: WorkerCommand): Promise<void> => {
    const runToken = 'runToken' in cmd ? cmd.runToken : undefined;
    try {
      switch (cmd.type) {
        case 'init':
          await ensureBackend(cmd.preferBackend, cmd.runToken);
          return;
        case 'setData':
          return setData(cmd);
        case 'train':
          return await train(cmd.runToken, cmd.config);
        case 'pause':
        case 'resume':
        case 'stop':
          return control(cmd);
        case 'predict':
          return await predict(cmd);
        default:
          throw new Error(`${FILE}: unknown command ${JSON.stringify((cmd as { type?: unknown }).type)}`);
      }
    } catch (e) {
      post({ type: 'error', runToken, message: messageOf(e) });
    }
  };

  return {
    handle,
    /** The models trained so far (for panels that work on a trained model). */
    model: (id: string): TrainedModel | undefined => models.get(id),
    modelIds: (): string[] => [...models.keys()],
  };
}
