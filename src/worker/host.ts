// What the training worker does with each command: picks the backend, holds the datasets it was
// sent, runs one training job at a time with the engine, keeps every trained or loaded model, and
// hands evaluations (evalHost.ts) and single-image attacks (attackHost.ts) to their own lanes.
// No DOM here, and no postMessage either: events go out through `post`, so Node tests drive the
// same code the page runs.
import { selectBackend } from '../engine/backend';
import { createDevicePath } from '../engine/device/path';
import { initNetwork } from '../engine/init';
import { parseModelFile, serializeModel } from '../engine/modelFile';
import { createRng } from '../engine/rng';
import { createSparseCpuPath } from '../engine/sparseCpu';
import { createTrainingRun, type EpochEvent, type TrainingRun } from '../engine/train';
import { IMAGE_SIZE } from '../engine/constants';
import { validateConfig, type ComputePath, type DataArrays, type DatasetName, type NetworkState, type Strategy, type TrainConfig } from '../engine/types';
import { createAttackHost } from './attackHost';
import { createEvalHost, type HeldModel, type HostContext } from './evalHost';
import type { BackendName, EpochReport, LayerTopology, PathKind, WorkerCommand, WorkerEvent } from './protocol';

const FILE = 'src/worker/host.ts';
/** Progress events go out at most this often; the engine reports every few batches. */
const PROGRESS_MIN_INTERVAL_MS = 100;
const PROGRESS_EVERY_BATCHES = 5;

/** A model trained in this worker or loaded from a file, kept for later panels (robustness, drawing, comparison). */
export type TrainedModel = HeldModel;

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

/** "rewire-lab-mnist-set-h1000.json": what the model is, readable in a downloads folder. */
export function exportFileName(config: TrainConfig): string {
  return `rewire-lab-${config.dataset}-${config.strategy}-h${config.hidden}.json`;
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

  const context: HostContext = {
    post,
    model: (id) => {
      const model = models.get(id);
      if (!model) throw new Error(`${FILE}: no trained model "${id}" in this worker`);
      return model;
    },
    testSet: (dataset: DatasetName) => {
      const test = datasets.get(`${dataset}/test`);
      if (!test) throw new Error(`${FILE}: the ${dataset} test set has not been sent to the worker`);
      return test;
    },
    ensureDevice: () => ensureBackend(),
  };
  const evaluation = createEvalHost(context);
  const attacks = createAttackHost(context);

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

  const loadModel = (cmd: Extract<WorkerCommand, { type: 'loadModel' }>) => {
    const parsed = parseModelFile(cmd.text, cmd.fileName);
    if (!parsed.ok) return post({ type: 'error', requestId: cmd.requestId, message: parsed.error });
    const { config, state, history, testAccuracy } = parsed.model;
    const modelId = `m${++modelCount}`;
    const label = cmd.label?.trim() || cmd.fileName.replace(/\.json$/i, '');
    models.set(modelId, { id: modelId, config, state, history, source: { fileName: cmd.fileName, label } });
    post({
      type: 'modelLoaded',
      requestId: cmd.requestId,
      model: {
        modelId, label, fileName: cmd.fileName, dataset: config.dataset, strategy: config.strategy, config, testAccuracy,
        links: state.layers.filter((l) => l.links !== null).map((l) => (l.links as Int32Array).length),
        topology: topologyOf(state),
      },
    });
  };

  const exportModel = (cmd: Extract<WorkerCommand, { type: 'exportModel' }>) => {
    const model = models.get(cmd.modelId);
    if (!model) return post({ type: 'error', requestId: cmd.requestId, message: `${FILE}: cannot export "${cmd.modelId}": no such model in this worker` });
    const text = serializeModel(model);
    post({ type: 'modelExported', requestId: cmd.requestId, modelId: model.id, fileName: exportFileName(model.config), text });
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
          return await attacks.predict(cmd);
        case 'attack':
          return await attacks.attack(cmd);
        case 'minimalEpsilon':
          return await attacks.minimalEpsilon(cmd);
        case 'evaluate':
          return await evaluation.evaluate(cmd);
        case 'sweep':
          return await evaluation.sweep(cmd);
        case 'samples':
          return await evaluation.samples(cmd);
        case 'cancel':
          // A cancel for a job that already ended is harmless: there is nothing left to stop.
          if (!evaluation.cancel(cmd.requestId)) attacks.cancel(cmd.requestId);
          return;
        case 'loadModel':
          return loadModel(cmd);
        case 'exportModel':
          return exportModel(cmd);
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
