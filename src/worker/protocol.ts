// The typed message protocol between the page (main thread) and the training worker: commands go in,
// events come out, large arrays travel as transferables, and every job carries a run token.
import type { BackendChoiceResult } from '../engine/backendChoice';
import type { SelfCheckResult } from '../engine/device/selfCheck';
import type { ModelFileContent } from '../engine/modelFile';
import type { PerturbationKind, PerturbationSetting, SweepPoint, TargetOptions } from '../engine/robustness';
import type { EpochSummary } from '../engine/train';
import type { DatasetName, NetworkState, Strategy, TrainConfig } from '../engine/types';
import type { EpochWiring } from '../engine/wiringHistory';

export type BackendName = 'webgpu' | 'webgl' | 'cpu';
export type PathKind = 'masked-dense' | 'sparse-cpu' | 'dense';
export type Split = 'train' | 'test';

export interface AdapterInfo {
  vendor: string;
  architecture: string;
  description?: string;
}

// ---------------------------------------------------------------- commands (main → worker)

/**
 * A model as the page keeps it to survive a worker crash: the network after `epoch` completed
 * epochs (optimizer moments included, so training can continue exactly) and its history so far.
 */
export interface ModelCheckpoint {
  modelId: string;
  config: TrainConfig;
  epoch: number;
  state: NetworkState;
  history: EpochSummary[];
}

/** What a restarted worker is given back for one model: its checkpoint, or the file it was loaded from. */
export type ModelRestore =
  | { kind: 'checkpoint'; checkpoint: ModelCheckpoint }
  | { kind: 'file'; text: ModelFileContent; fileName: string; label: string };

export type WorkerCommand =
  /** `debug` (a page opened with ?debug=1) enables the debug commands below; `idPrefix` keeps the model ids
   *  of a pool's workers apart ("w1-m3"; none for the first worker, whose ids stay "m3"). */
  | {
      type: 'init'; runToken?: number; preferBackend?: BackendName; debug?: boolean; idPrefix?: string;
      /** Debug only (?debug=1&selfcheck=fail): the fused step's self-check fails. */
      failSelfCheck?: boolean;
      /** Backend choices remembered in this browser (localStorage), by choiceKey: JSON texts. */
      remembered?: Record<string, string>;
    }
  /** Times each available path at `config`'s size now and moves to the fastest (the badge's button). */
  | { type: 'measureBackends'; config: TrainConfig }
  /** Another worker of the pool measured: use its choice instead of measuring again. */
  | { type: 'useBackend'; result: BackendChoiceResult }
  | { type: 'setData'; dataset: DatasetName; split: Split; images: Uint8Array; labels: Uint8Array; count: number }
  /**
   * The worker fetches a split itself from `baseUrl` (an absolute URL: the page's data folder's parent),
   * checks it against the manifest and keeps it; `shared`: into SharedArrayBuffers, returned with
   * `dataReady` so the pool hands the one copy to every worker (a cross-origin isolated page only).
   */
  | { type: 'loadData'; requestId: number; dataset: DatasetName; split: Split; baseUrl: string; shared?: boolean }
  | { type: 'train'; runToken: number; config: TrainConfig }
  | { type: 'pause' | 'resume' | 'stop'; runToken: number }
  /** Logits of images; with a setting, under it (structural part seeded by `seed`, default 0; for ε > 0 the
   *  images are attacked away from the model's own answer, since a drawing has no true label). */
  | { type: 'predict'; requestId: number; modelId: string; pixels: Float32Array; count: number; setting?: PerturbationSetting; seed?: number }
  /** The same logits for several models at once (the Draw panel): answered by `predictions`, per model. A newer
   *  request supersedes an older one only for the models both name (a model skipped so is simply absent). */
  | { type: 'predictModels'; requestId: number; modelIds: string[]; pixels: Float32Array; count: number; setting?: PerturbationSetting; seed?: number }
  /** A model file's bytes, or an old JSON file's text (from public/models or an upload); parsed and validated in the worker. */
  | { type: 'loadModel'; requestId: number; text: ModelFileContent; fileName: string; label?: string }
  /** Test accuracy of each model under one setting of the live sliders; the newest request wins. */
  | { type: 'evaluate'; requestId: number; modelIds: string[]; setting: PerturbationSetting; seed: number; limit?: number }
  /** Accuracy against strength for one perturbation kind, repeated over seeds; cancellable. */
  | { type: 'sweep'; requestId: number; modelIds: string[]; kind: PerturbationKind; levels: number[]; repeats: number; seed: number; limit?: number; target?: TargetOptions }
  | { type: 'cancel'; requestId: number }
  /** Predictions before/after the setting for a few test images, with the perturbed images (for the grid). */
  | { type: 'samples'; requestId: number; modelIds: string[]; dataset: DatasetName; indices: Int32Array; setting: PerturbationSetting; seed: number }
  /** Attack one image (784 floats in [0, 1]) on one model; `target` makes it targeted. */
  | { type: 'attack'; requestId: number; modelId: string; pixels: Float32Array; label: number; target?: number; kind: 'fgsm' | 'pgd'; epsilon: number; setting?: PerturbationSetting; seed: number }
  /** The smallest ε (search up to `maxEpsilon`, default 0.5) whose attack flips the prediction (or reaches `target`). */
  | { type: 'minimalEpsilon'; requestId: number; modelId: string; pixels: Float32Array; label: number; target?: number; kind: 'fgsm' | 'pgd'; maxEpsilon?: number; setting?: PerturbationSetting; seed: number }
  /** A model's file text (the same format as public/models), for a download. */
  | { type: 'exportModel'; requestId: number; modelId: string }
  /** Puts a model back under its id (a restarted worker gets every model the page knew). */
  | { type: 'restoreModel'; modelId: string; restore: ModelRestore }
  /** Trains a held model (a restored checkpoint) on through its remaining epochs. */
  | { type: 'resumeTraining'; runToken: number; modelId: string }
  /** Debug only: destroy the WebGPU device, as a driver reset would. */
  | { type: 'debugLoseDevice' }
  /** Debug only: the worker's tensor count now and at each epoch end of the latest run. */
  | { type: 'debugMemory'; requestId: number }
  /** Debug only: end the worker with an uncaught error, as a crash would. */
  | { type: 'debugCrash' };

// ---------------------------------------------------------------- events (worker → main)

/** Rewiring of one sparse layer at an epoch end. */
export interface LayerRewire {
  links: number;
  removed: Int32Array;
  added: Int32Array;
  kept: number;
}

/** A sparse layer's topology after an epoch: sorted link ids `i * nOut + j` and their weights. */
export interface LayerTopology {
  nIn: number;
  nOut: number;
  links: Int32Array;
  weights: Float32Array;
}

/** What the worker reports after each epoch (copies of the engine's arrays, safe to transfer). */
export interface EpochReport {
  /** 1-based epoch number. */
  epoch: number;
  trainLoss: number;
  testAccuracy: number;
  testLoss: number;
  perClass: Float32Array;
  seconds: number;
  samplesPerSecond: number;
  /** The prune fraction used at this epoch's end (0 for static and dense). */
  zeta: number;
  layers: LayerRewire[];
  topology: LayerTopology[];
}

export interface TrainSummary {
  modelId: string;
  epochsCompleted: number;
  finalAccuracy: number | null;
  stoppedEarly: boolean;
  seconds: number;
  error?: string;
}

/** What the page learns about a model loaded from a file (the weights stay in the worker). */
export interface LoadedModelInfo {
  modelId: string;
  label: string;
  fileName: string;
  dataset: DatasetName;
  strategy: Strategy;
  config: TrainConfig;
  testAccuracy: number | null;
  /** Links per sparse layer. */
  links: number[];
  /** Sparse layers' wiring, for the topology views. */
  topology: LayerTopology[];
  /** The epochs the file records (accuracy, loss, link counts). */
  history: EpochSummary[];
  /** Per epoch of `history`, each sparse layer's removed and grown link ids; null when the file has none. */
  wiring: EpochWiring[] | null;
}

export type WorkerEvent =
  | {
      type: 'ready';
      runToken?: number;
      backend: BackendName;
      adapter?: AdapterInfo;
      fallbackReason?: string;
      path: PathKind;
      /** The GPU under the backend is a software rasteriser (SwiftShader, llvmpipe…). */
      software?: boolean;
      /** A software GPU was passed over for this backend. */
      skippedSoftware?: boolean;
      /** The fused WebGPU step's check against the plain ops on this adapter (WebGPU only). */
      selfCheck?: SelfCheckResult;
    }
  /** The measured (or remembered) choice of path, with its figures; `key` is where the page remembers it. */
  | { type: 'backendChoice'; key: string; result: BackendChoiceResult }
  /** A split is held. In answer to `loadData` with its request id; with `shared`, the SharedArrayBuffer-backed arrays. */
  | { type: 'dataReady'; dataset: DatasetName; split: Split; count: number; requestId?: number; shared?: { images: Uint8Array; labels: Uint8Array } }
  /** Download progress of a `loadData`, in compressed bytes. */
  | { type: 'dataProgress'; requestId: number; dataset: DatasetName; split: Split; loadedBytes: number; totalBytes: number }
  /** A `loadData` failed: the file and the problem (a missing or corrupt file, a checksum mismatch). */
  | { type: 'dataFailed'; requestId: number; dataset: DatasetName; split: Split; message: string }
  | {
      type: 'trainStarted';
      runToken: number;
      modelId: string;
      config: TrainConfig;
      path: PathKind;
      /** The sparse layers' wiring before any training ([] for dense): epoch 0 of the topology. */
      initialTopology: LayerTopology[];
    }
  | {
      type: 'progress';
      runToken: number;
      modelId: string;
      epoch: number;
      batch: number;
      batchesPerEpoch: number;
      samplesPerSecond: number;
    }
  | { type: 'paused' | 'resumed'; runToken: number; modelId: string }
  | { type: 'epoch'; runToken: number; modelId: string; event: EpochReport }
  | { type: 'trainDone'; runToken: number; modelId: string; summary: TrainSummary }
  | { type: 'prediction'; requestId: number; modelId: string; logits: Float32Array; count: number }
  /** Answers to `predictModels`: each model's logits, or why it could not predict (a worker of a pool answers for its own). */
  | { type: 'predictions'; requestId: number; count: number; results: Array<{ modelId: string; logits?: Float32Array; error?: string }> }
  | { type: 'modelLoaded'; requestId: number; model: LoadedModelInfo }
  | { type: 'evaluation'; requestId: number; setting: PerturbationSetting; results: Array<{ modelId: string; accuracy: number; perClass: Float32Array }> }
  | { type: 'sweepProgress'; requestId: number; done: number; total: number }
  | {
      type: 'sweepResult';
      requestId: number;
      kind: PerturbationKind;
      results: Array<{ modelId: string; points: SweepPoint[] }>;
      /** For FGSM/PGD: uniform random noise of the same ε at the same levels (the usual baseline). */
      baseline?: Array<{ modelId: string; points: SweepPoint[] }>;
    }
  | {
      type: 'samplesResult';
      requestId: number;
      indices: Int32Array;
      /** The images as each model saw them after the setting (N×784; the clean images when ε = 0). */
      images: Float32Array;
      /** The true labels of the images. */
      labels?: Uint8Array;
      predictions: Array<{ modelId: string; clean: Uint8Array; perturbed: Uint8Array }>;
    }
  | {
      type: 'attackResult';
      requestId: number;
      modelId: string;
      epsilon: number;
      adversarial: Float32Array;
      /** adversarial − original (in [−ε, ε]). */
      perturbation: Float32Array;
      /** Class probabilities (softmax) before and after. */
      before: Float32Array;
      after: Float32Array;
    }
  | { type: 'minimalEpsilonResult'; requestId: number; modelId: string; epsilon: number | null; maxEpsilon: number }
  | { type: 'modelExported'; requestId: number; modelId: string; fileName: string; text: Uint8Array }
  /** The state a run can continue from (every epoch for sparse models, every few for large dense ones, and at the end). */
  | { type: 'checkpoint'; runToken: number; checkpoint: ModelCheckpoint }
  /** A run continues from a checkpoint: on a fallback backend after a lost GPU, or in a restarted worker. */
  | { type: 'trainResumed'; runToken: number; modelId: string; config: TrainConfig; fromEpoch: number; path: PathKind; reason: 'device-lost' | 'restart' }
  /** The GPU under `lost` went away; the worker now runs on `backend` (a `ready` event follows). */
  | { type: 'backendLost'; lost: BackendName; backend: BackendName; path: PathKind; message: string }
  | { type: 'debugMemory'; requestId: number; backend: string; numTensors: number; numBytes: number; epochTensors: number[] }
  /** Sent by the page's supervisor (not the worker) after it replaced a crashed worker. */
  | {
      type: 'workerRestarted';
      restarts: number;
      maxRestarts: number;
      /** The models given back to the new worker, with the epoch each was restored at. */
      models: Array<{ modelId: string; epoch: number; epochs: number; fromFile: boolean }>;
    }
  | { type: 'stale'; requestId: number }
  | {
      type: 'error';
      runToken?: number;
      requestId?: number;
      message: string;
      /** True when the worker itself died: nothing it held survives. */
      fatal?: boolean;
      /** With `fatal`: a new worker is being started, and a `workerRestarted` event follows. */
      restarting?: boolean;
    };

export type WorkerEventType = WorkerEvent['type'];

/** Human labels for the compute paths (DESIGN §4: the device path is honestly called masked dense). */
export const PATH_LABELS: Readonly<Record<PathKind, string>> = Object.freeze({
  'masked-dense': 'masked dense',
  'sparse-cpu': 'sparse CPU',
  dense: 'dense',
});

// ---------------------------------------------------------------- helpers

/**
 * The ArrayBuffers of every typed array in a message (searched through plain objects and arrays),
 * each once: postMessage throws if a buffer is listed twice. Shared buffers cannot be transferred
 * and are left out.
 */
export function transferablesOf(message: unknown): ArrayBuffer[] {
  const found = new Set<ArrayBuffer>();
  const seen = new Set<object>();
  const visit = (value: unknown, depth: number): void => {
    if (value === null || typeof value !== 'object' || depth > 8) return;
    if (ArrayBuffer.isView(value)) {
      if (value.buffer instanceof ArrayBuffer) found.add(value.buffer);
      return;
    }
    if (value instanceof ArrayBuffer) {
      found.add(value);
      return;
    }
    if (seen.has(value)) return;
    seen.add(value);
    if (Array.isArray(value)) {
      for (const item of value) visit(item, depth + 1);
      return;
    }
    for (const key of Object.keys(value)) visit((value as Record<string, unknown>)[key], depth + 1);
  };
  visit(message, 0);
  return [...found];
}

const EVENT_TYPES: ReadonlySet<string> = new Set<WorkerEventType>([
  'ready', 'dataReady', 'dataProgress', 'dataFailed', 'trainStarted', 'progress', 'paused', 'resumed', 'epoch', 'trainDone',
  'prediction', 'stale', 'error', 'modelLoaded', 'evaluation', 'sweepProgress', 'sweepResult', 'samplesResult',
  'attackResult', 'minimalEpsilonResult', 'modelExported', 'checkpoint', 'trainResumed', 'backendLost', 'debugMemory',
  'workerRestarted', 'backendChoice', 'predictions',
]);

/** Guards the main thread against anything that is not one of our events (e.g. a library's message). */
export function isWorkerEvent(data: unknown): data is WorkerEvent {
  if (data === null || typeof data !== 'object') return false;
  const type = (data as { type?: unknown }).type;
  return typeof type === 'string' && EVENT_TYPES.has(type);
}

/** The run token an event belongs to, if it belongs to a run. */
export function runTokenOf(event: WorkerEvent): number | undefined {
  return 'runToken' in event ? event.runToken : undefined;
}

/**
 * Hands out increasing run tokens. The newest token is the only current one, so a job started
 * with an older token knows it is stale and stops itself.
 */
export interface RunTokens {
  next(): number;
  current(): number;
  isCurrent(token: number | undefined): boolean;
}

export function createRunTokens(start = 0): RunTokens {
  let latest = start;
  return {
    next: () => ++latest,
    current: () => latest,
    isCurrent: (token) => token !== undefined && token === latest,
  };
}

let lastRequestId = 0;

/**
 * A request id unique on this page. Every store takes its ids from here, so a `cancel` or a
 * newest-wins rule in the worker can never mistake one store's request for another's.
 */
export function nextRequestId(): number {
  return ++lastRequestId;
}

/** A one-line description of an event for logs and error messages (never the arrays). */
export function describeEvent(event: WorkerEvent): string {
  switch (event.type) {
    case 'ready':
      return `ready: ${event.backend} (${PATH_LABELS[event.path]})`;
    case 'dataReady':
      return `dataReady: ${event.dataset} ${event.split} (${event.count} images)`;
    case 'dataProgress':
      return `dataProgress: request ${event.requestId}, ${event.dataset} ${event.split} ${event.loadedBytes}/${event.totalBytes} bytes`;
    case 'dataFailed':
      return `dataFailed: request ${event.requestId}, ${event.dataset} ${event.split}: ${event.message}`;
    case 'trainStarted':
      return `trainStarted: run ${event.runToken}, model ${event.modelId}`;
    case 'progress':
      return `progress: run ${event.runToken}, epoch ${event.epoch}, batch ${event.batch}/${event.batchesPerEpoch}`;
    case 'paused':
    case 'resumed':
      return `${event.type}: run ${event.runToken}`;
    case 'epoch':
      return `epoch: run ${event.runToken}, epoch ${event.event.epoch}, accuracy ${event.event.testAccuracy.toFixed(4)}`;
    case 'trainDone':
      return `trainDone: run ${event.runToken}, model ${event.modelId}`;
    case 'prediction':
      return `prediction: request ${event.requestId} (${event.count} images)`;
    case 'predictions':
      return `predictions: request ${event.requestId} (${event.results.length} models)`;
    case 'stale':
      return `stale: request ${event.requestId}`;
    case 'modelLoaded':
      return `modelLoaded: request ${event.requestId}, model ${event.model.modelId} from ${event.model.fileName}`;
    case 'evaluation':
      return `evaluation: request ${event.requestId} (${event.results.length} models)`;
    case 'sweepProgress':
      return `sweepProgress: request ${event.requestId}, ${event.done}/${event.total}`;
    case 'sweepResult':
      return `sweepResult: request ${event.requestId}, ${event.kind}`;
    case 'samplesResult':
      return `samplesResult: request ${event.requestId} (${event.indices.length} images)`;
    case 'attackResult':
      return `attackResult: request ${event.requestId}, model ${event.modelId}, ε ${event.epsilon}`;
    case 'minimalEpsilonResult':
      return `minimalEpsilonResult: request ${event.requestId}, model ${event.modelId}, ε ${event.epsilon ?? 'none'}`;
    case 'modelExported':
      return `modelExported: request ${event.requestId}, model ${event.modelId} as ${event.fileName}`;
    case 'checkpoint':
      return `checkpoint: run ${event.runToken}, model ${event.checkpoint.modelId}, epoch ${event.checkpoint.epoch}`;
    case 'trainResumed':
      return `trainResumed: run ${event.runToken}, model ${event.modelId} from epoch ${event.fromEpoch} (${event.reason})`;
    case 'backendLost':
      return `backendLost: ${event.lost} → ${event.backend}`;
    case 'debugMemory':
      return `debugMemory: request ${event.requestId}, ${event.numTensors} tensors`;
    case 'backendChoice':
      return `backendChoice: ${event.result.chosen} (${event.result.source})`;
    case 'workerRestarted':
      return `workerRestarted: restart ${event.restarts} of ${event.maxRestarts}, ${event.models.length} models restored`;
    case 'error':
      return `error${event.runToken !== undefined ? ` (run ${event.runToken})` : ''}: ${event.message}`;
  }
}
