// What the training worker does with each command: picks the backend (and moves off one whose GPU
// is lost), holds the datasets it was sent or fetched itself (dataHost.ts), keeps every trained, loaded or restored model, and hands
// training (trainHost.ts), evaluations (evalHost.ts) and single-image attacks (attackHost.ts) to
// their own lanes. No DOM here, and no postMessage either: events go out through `post`, so Node
// tests drive the same code the page runs.
import {
  borrowBackend as borrowTfBackend, destroyWebGpuDevice, isDeviceLossError, selectBackend as selectTfBackend, tensorMemory, watchDeviceLoss as watchTfDeviceLoss,
  type BackendInfo, type BorrowedBackend, type DeviceLoss,
} from '../engine/backend';
import { createDevicePath } from '../engine/device/path';
import { selfCheckFusedStep, type SelfCheckResult } from '../engine/device/selfCheck';
import type { BackendInfo as SelectedBackend } from '../engine/backend';
import { decideBackend, hasGpuToTime } from './backendHost';
import { MODEL_FILE_EXTENSION, parseModelFile, serializeModel } from '../engine/modelFile';
import { createSparseCpuPath } from '../engine/sparseCpu';
import type { ComputePath, DatasetName, TrainConfig } from '../engine/types';
import { createAttackHost } from './attackHost';
import { createDataHost, splitName, type SplitLoader } from './dataHost';
import { checkpointProblems } from './checkpoint';
import { createEvalHost, type HeldModel, type HostContext } from './evalHost';
import type { BackendName, WorkerCommand, WorkerEvent } from './protocol';
import { createTrainHost, describeChoice, pathKindFor, topologyOf, type BackendChoice } from './trainHost';

export { pathKindFor, toReport, topologyOf } from './trainHost';

const FILE = 'src/worker/host.ts';
/**
 * How long a run that failed on a GPU waits for the device's loss report before calling the failure
 * its own: WebGPU rejects the pending readback ("buffer was unmapped…") before `device.lost` settles.
 */
const LOSS_REPORT_GRACE_MS = 1000;

/** A model trained in this worker or loaded from a file, kept for later panels (robustness, drawing, comparison). */
export type TrainedModel = HeldModel;

/** Seams for tests (and the worker entry): how backends are picked and watched, paths made, the worker crashed. */
export interface WorkerHostOptions {
  selectBackend?(preference: BackendName | undefined, exclude: readonly BackendName[]): Promise<BackendInfo>;
  /** Calls back once if the current backend's GPU is lost; returns the function that stops watching. */
  watchDeviceLoss?(onLost: (loss: DeviceLoss) => void): () => void;
  makePath?(backend: BackendName): ComputePath;
  /** Destroys the GPU device (debug); false when there is none. */
  loseDevice?(): boolean;
  /** Ends the worker with an uncaught error (debug; worker.ts throws outside any handler). */
  crash?(message: string): void;
  memory?(): { backend: string; numTensors: number; numBytes: number };
  /**
   * Whether evaluations and attacks run dense models on the device path. By default only on a
   * hardware GPU: on the CPU backend or a software rasteriser the WebAssembly path is many times
   * faster for them (and a software GPU busy for a minute also stops the page from drawing).
   */
  denseOnDevice?(choice: BackendChoice): boolean;
  /**
   * Time the paths at the first training where a hardware GPU is there (default: yes, unless
   * `selectBackend` is a test's seam: its fake GPU's paths are spies that count every step).
   */
  measureOnFirstTraining?: boolean;
  /** Lends WebGL for timing beside WebGPU (default: tfjs's, unless `selectBackend` is a test's seam). */
  borrowBackend?(name: 'webgl'): Promise<BorrowedBackend>;
  /** How `loadData` fetches a split (default src/data/loadBrowser.ts's loadSplit, over the global fetch). */
  loadSplit?: SplitLoader;
}

/** A dense model's evaluation goes to the device only where there is a real GPU under it. */
export function denseOnHardwareGpu(choice: BackendChoice): boolean {
  return choice.backend !== 'cpu' && choice.software !== true;
}

/** The device path ("masked dense") on WebGPU/WebGL (plain ops where the fused step failed its check); sparse CPU on the CPU backend. */
function defaultPath(backend: BackendName, fusedOk: boolean | null): ComputePath {
  return backend === 'cpu' ? createSparseCpuPath() : createDevicePath(fusedOk === false ? { kernels: 'plain' } : {});
}

function messageOf(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** "rewire-lab-mnist-set-h1000.rlm": what the model is, readable in a downloads folder. */
export function exportFileName(config: TrainConfig): string {
  return `rewire-lab-${config.dataset}-${config.strategy}-h${config.hidden}${MODEL_FILE_EXTENSION}`;
}

export function createWorkerHost(post: (event: WorkerEvent) => void, options: WorkerHostOptions = {}) {
  const select = options.selectBackend ?? selectTfBackend;
  const watch = options.watchDeviceLoss ?? watchTfDeviceLoss;
  const makePath = options.makePath ?? ((b: BackendName) => defaultPath(b, fusedOk));
  const denseOnDevice = options.denseOnDevice ?? denseOnHardwareGpu;
  const measureOnFirst = options.measureOnFirstTraining ?? options.selectBackend === undefined;
  const data = createDataHost(post, options.loadSplit);
  const models = new Map<string, TrainedModel>();
  let modelCount = 0;
  /** Set by `init` in a pool's later workers, so their model ids never meet another worker's. */
  let idPrefix = '';
  let debug = false;
  // The measured choice: the page insisted on a backend (?backend=), remembered choices, done once.
  let insisted: BackendName | undefined;
  let remembered: Record<string, string> = {};
  let chosenOnce = false;
  let lastSelected: SelectedBackend | null = null;
  /** The fused WebGPU step's self-check on this worker's adapter (null: not run yet). */
  let fusedOk: boolean | null = null;
  let selfCheck: SelfCheckResult | undefined;
  let failSelfCheck = false;
  /** Tensor counts at the epoch ends of the latest run (debug memory query). */
  let epochTensors: number[] = [];

  // ---------------------------------------------------------------- backend, and moving off a lost one
  let backend: Promise<BackendChoice> | null = null;
  let current: BackendChoice | null = null;
  const lost = new Map<BackendName, string>();
  let stopWatching = () => {};
  /** Settles when the current backend's device is reported lost. */
  let lossReported: Promise<void> = new Promise<void>(() => {});

  const activate = async (prefer: BackendName | undefined, runToken: number | undefined, lossNote?: string): Promise<BackendChoice> => {
    const info = await select(prefer, [...lost.keys()]);
    lastSelected = info;
    // Before the fused step first trains on this adapter (a software one too, when asked for by name):
    // checked against the plain ops (not in tests' seams).
    if (info.backend === 'webgpu' && fusedOk === null && !options.makePath) {
      selfCheck = await selfCheckFusedStep({ makePath: (kernels) => createDevicePath({ kernels }), forceFailure: failSelfCheck });
      fusedOk = selfCheck.ok;
    }
    const choice: BackendChoice = { backend: info.backend, path: pathKindFor(info.backend), ...(info.software ? { software: true } : {}) };
    current = choice;
    stopWatching();
    lossReported = new Promise<void>((resolve) => {
      stopWatching = watch((loss) => {
        onDeviceLoss(choice.backend, loss);
        resolve();
      });
    });
    const fallbackReason = [lossNote, info.fallbackReason].filter(Boolean).join('; ') || undefined;
    post({ type: 'ready', runToken, backend: info.backend, adapter: info.adapter, fallbackReason, path: choice.path, ...(info.software ? { software: true } : {}), ...(info.skippedSoftware ? { skippedSoftware: true } : {}), ...(info.backend === 'webgpu' && selfCheck ? { selfCheck } : {}) });
    return choice;
  };

  const ensureBackend = (prefer?: BackendName, runToken?: number): Promise<BackendChoice> => {
    backend ??= activate(prefer, runToken);
    return backend;
  };

  /** Moves every lane off `from` (once, however many jobs notice the loss); null when nothing can start. */
  const fallbackFrom = (from: BackendName, reason: string): Promise<BackendChoice | null> => {
    if (from === 'cpu' || !backend) return Promise.resolve(null);
    if (!lost.has(from)) {
      lost.set(from, reason);
      const previous = backend;
      backend = previous.then(() => activate(undefined, undefined, `${from}: its device was lost (${reason})`)).then((next) => {
        post({
          type: 'backendLost', lost: from, backend: next.backend, path: next.path,
          message: `The ${from} GPU device was lost (${reason}). The lab now runs on ${describeChoice(next)}; trained models are kept.`,
        });
        // Jobs of the old lanes fail at their next step; new ones get paths on the new backend.
        evaluation.dispose();
        evaluation = createEvalHost(context);
        attacks = createAttackHost(context);
        return next;
      });
    }
    return backend.then((c) => (c.backend === from ? null : c), (e: unknown) => {
      post({ type: 'error', message: `${FILE}: no backend could replace ${from}: ${messageOf(e)}` });
      return null;
    });
  };

  function onDeviceLoss(on: BackendName, loss: DeviceLoss): void {
    if (current?.backend !== on || lost.has(on)) return;
    const reason = `${loss.reason}: ${loss.message}`;
    // A running job stops at its next batch and continues from its checkpoint on the fallback.
    training.interruptForDeviceLoss();
    void fallbackFrom(on, reason);
  }

  // ---------------------------------------------------------------- models and data
  const context: HostContext = {
    post,
    model: (id) => {
      const model = models.get(id);
      if (!model) throw new Error(`${FILE}: no trained model "${id}" in this worker`);
      return model;
    },
    testSet: (dataset: DatasetName) => {
      const test = data.get(dataset, 'test');
      if (!test) throw new Error(`${FILE}: the ${dataset} test set has not been sent to the worker`);
      return test;
    },
    denseOnDevice: () => ensureBackend().then(denseOnDevice),
  };
  let evaluation = createEvalHost(context);
  let attacks = createAttackHost(context);

  const training = createTrainHost({
    post,
    backend: () => ensureBackend(),
    makePath,
    confirmLoss: async (name, error) => {
      if (name === 'cpu') return null;
      if (!lost.has(name) && error !== undefined && !isDeviceLossError(error)) {
        let timer: ReturnType<typeof setTimeout> | undefined;
        await Promise.race([lossReported, new Promise<void>((resolve) => { timer = setTimeout(resolve, LOSS_REPORT_GRACE_MS); })]);
        clearTimeout(timer);
      }
      return lost.get(name) ?? (isDeviceLossError(error) ? (error as string) : null);
    },
    fallbackFrom,
    datasets: (config) => {
      const train = data.get(config.dataset, 'train');
      const test = data.get(config.dataset, 'test');
      if (!train || !test) {
        const why = data.failure(config.dataset, train ? 'test' : 'train');
        if (why) throw new Error(`Could not load the ${splitName(config.dataset, train ? 'test' : 'train')} in the worker: ${why}`);
        const missing = [!train && 'training', !test && 'test'].filter(Boolean).join(' and ');
        throw new Error(`${FILE}: the ${config.dataset} ${missing} set has not been sent to the worker`);
      }
      return { train, test };
    },
    models,
    newModelId: () => `${idPrefix}m${++modelCount}`,
    onEpochEnd: () => {
      if (debug) epochTensors.push((options.memory ?? tensorMemory)().numTensors);
    },
  });

  /**
   * The measured choice, at the first training of the session (or when the page asks): times the GPU
   * in use against the sparse CPU path at the run's size and moves to the faster. Nothing to time where
   * there is no hardware GPU; nothing either when the page insisted on a backend.
   */
  const chooseBackendFor = async (config: TrainConfig, force: boolean): Promise<void> => {
    if (insisted || (chosenOnce && !force) || (!force && !measureOnFirst)) return;
    const choice = await ensureBackend();
    const info = lastSelected;
    const borrow = options.borrowBackend ?? (options.selectBackend ? undefined : borrowTfBackend);
    const ctx = { backend: choice.backend, adapter: info?.adapter, software: choice.software, skippedSoftware: info?.skippedSoftware, fusedOk, makePath, borrow };
    if (!force && !hasGpuToTime(ctx)) return;
    await data.settled(config.dataset);
    const train = data.get(config.dataset, 'train');
    if (!train) throw new Error(`${FILE}: the ${config.dataset} training set has not been sent to the worker, so the paths cannot be timed`);
    chosenOnce = true;
    const { key, result } = await decideBackend(ctx, config, train, remembered, force);
    if (result.chosen !== choice.backend) {
      backend = activate(result.chosen, undefined);
      await backend;
    }
    post({ type: 'backendChoice', key, result });
  };

  /** New ids never reuse a restored one ("m7" restored: the next model is m8); another worker's ids are its own. */
  const reserveId = (id: string) => {
    const n = /^(.*?)m(\d+)$/.exec(id);
    if (n && n[1] === idPrefix) modelCount = Math.max(modelCount, Number(n[2]));
  };

  const loadModel = (cmd: Extract<WorkerCommand, { type: 'loadModel' }>) => {
    const parsed = parseModelFile(cmd.text, cmd.fileName);
    if (!parsed.ok) return post({ type: 'error', requestId: cmd.requestId, message: parsed.error });
    const { config, state, history, wiring, testAccuracy } = parsed.model;
    const modelId = `${idPrefix}m${++modelCount}`;
    const label = cmd.label?.trim() || cmd.fileName.replace(/\.(json|rlm)$/i, '');
    models.set(modelId, { id: modelId, config, state, history, wiring, source: { fileName: cmd.fileName, label } });
    post({
      type: 'modelLoaded',
      requestId: cmd.requestId,
      model: {
        modelId, label, fileName: cmd.fileName, dataset: config.dataset, strategy: config.strategy, config, testAccuracy,
        links: state.layers.filter((l) => l.links !== null).map((l) => (l.links as Int32Array).length),
        topology: topologyOf(state),
        history,
        // Copies: the event's arrays are transferred, and the held model keeps its own for exports.
        wiring: wiring && wiring.map((epoch) => epoch.map((d) => ({ removed: d.removed.slice(), added: d.added.slice() }))),
      },
    });
  };

  const restoreModel = (cmd: Extract<WorkerCommand, { type: 'restoreModel' }>) => {
    const { modelId, restore } = cmd;
    if (typeof modelId !== 'string' || modelId === '') throw new Error(`${FILE}: a restored model needs an id`);
    if (restore.kind === 'file') {
      const parsed = parseModelFile(restore.text, restore.fileName);
      if (!parsed.ok) throw new Error(`${FILE}: cannot restore ${modelId}: ${parsed.error}`);
      const { config, state, history, wiring } = parsed.model;
      models.set(modelId, { id: modelId, config, state, history, wiring, source: { fileName: restore.fileName, label: restore.label } });
    } else {
      const problems = checkpointProblems(restore.checkpoint);
      if (problems.length > 0) throw new Error(`${FILE}: cannot restore ${modelId}: its checkpoint is unusable (${problems.join('; ')})`);
      const { config, state, history } = restore.checkpoint;
      models.set(modelId, { id: modelId, config, state, history });
    }
    reserveId(modelId);
  };

  const exportModel = (cmd: Extract<WorkerCommand, { type: 'exportModel' }>) => {
    const model = models.get(cmd.modelId);
    if (!model) return post({ type: 'error', requestId: cmd.requestId, message: `${FILE}: cannot export "${cmd.modelId}": no such model in this worker` });
    const text = serializeModel(model);
    post({ type: 'modelExported', requestId: cmd.requestId, modelId: model.id, fileName: exportFileName(model.config), text });
  };

  // ---------------------------------------------------------------- debug hooks (a page opened with ?debug=1)
  const debugCommand = (cmd: Extract<WorkerCommand, { type: 'debugLoseDevice' | 'debugMemory' | 'debugCrash' }>) => {
    if (!debug) throw new Error(`${FILE}: "${cmd.type}" is a debug command; open the page with ?debug=1 to use it`);
    if (cmd.type === 'debugMemory') {
      const memory = (options.memory ?? tensorMemory)();
      return post({ type: 'debugMemory', requestId: cmd.requestId, ...memory, epochTensors: epochTensors.slice() });
    }
    if (cmd.type === 'debugCrash') {
      if (!options.crash) throw new Error(`${FILE}: this worker cannot crash on purpose`);
      return options.crash('debugCrash: the page asked the worker to crash');
    }
    if (!(options.loseDevice ?? destroyWebGpuDevice)()) throw new Error(`${FILE}: debugLoseDevice: the worker runs on ${current?.backend ?? 'no backend yet'}, with no WebGPU device to lose`);
  };

  /** Handles one command; never throws (failures become error events). */
  const handle = async (cmd: WorkerCommand): Promise<void> => {
    const runToken = 'runToken' in cmd ? cmd.runToken : undefined;
    try {
      switch (cmd.type) {
        case 'init':
          debug = cmd.debug === true;
          insisted = cmd.preferBackend;
          failSelfCheck = debug && cmd.failSelfCheck === true;
          if (cmd.remembered && typeof cmd.remembered === 'object') remembered = { ...cmd.remembered };
          if (typeof cmd.idPrefix === 'string' && /^[\w-]{0,16}$/.test(cmd.idPrefix)) idPrefix = cmd.idPrefix;
          await ensureBackend(cmd.preferBackend, cmd.runToken);
          return;
        case 'setData':
          return data.setData(cmd);
        case 'loadData':
          return await data.loadData(cmd);
        case 'measureBackends':
          return await chooseBackendFor(cmd.config, true);
        case 'useBackend':
          chosenOnce = true;
          if (cmd.result.chosen !== current?.backend && !insisted) backend = activate(cmd.result.chosen, undefined);
          return;
        case 'train':
          epochTensors = [];
          // The training set may still be on its way (fetched by this worker): the run starts when it lands.
          await data.settled(cmd.config.dataset);
          await chooseBackendFor(cmd.config, false);
          return await training.start(cmd.runToken, cmd.config);
        case 'resumeTraining': {
          const dataset = models.get(cmd.modelId)?.config.dataset;
          if (dataset) await data.settled(dataset);
          return await training.resume(cmd.runToken, cmd.modelId);
        }
        case 'pause':
        case 'resume':
        case 'stop':
          return training.control(cmd.type, cmd.runToken);
        case 'predict':
          return await attacks.predict(cmd);
        case 'predictModels':
          return await attacks.predictModels(cmd);
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
        case 'restoreModel':
          return restoreModel(cmd);
        case 'exportModel':
          return exportModel(cmd);
        case 'debugLoseDevice':
        case 'debugMemory':
        case 'debugCrash':
          return debugCommand(cmd);
        default:
          throw new Error(`${FILE}: unknown command ${JSON.stringify((cmd as { type?: unknown }).type)}`);
      }
    } catch (e) {
      const requestId = 'requestId' in cmd ? cmd.requestId : undefined;
      post({ type: 'error', runToken, ...(requestId !== undefined ? { requestId } : {}), message: messageOf(e) });
    }
  };

  return {
    handle,
    /** The models trained so far (for panels that work on a trained model). */
    model: (id: string): TrainedModel | undefined => models.get(id),
    modelIds: (): string[] => [...models.keys()],
    /** The backend in use (null before the first selection finished). */
    backend: (): BackendName | null => current?.backend ?? null,
  };
}
