// The models store: every model trained this session or loaded from a file, kept side by side (the
// worker holds their weights; here live only the facts a list or a comparison needs), with the
// actions that load a model file into the worker and fetch one back for a download.
import { createStore, type StoreApi } from 'zustand/vanilla';
import type { ModelFileContent } from '../engine/modelFile';
import type { DatasetName, Strategy, TrainConfig } from '../engine/types';
import type { LabClient } from '../worker/client';
import { nextRequestId, type LoadedModelInfo, type PathKind, type WorkerEvent } from '../worker/protocol';

export type ModelStatus = 'training' | 'trained' | 'stopped' | 'failed' | 'loaded';

export interface ModelEntry {
  id: string;
  label: string;
  dataset: DatasetName;
  strategy: Strategy;
  hidden: number;
  density: number;
  weightDecay: number;
  config: TrainConfig;
  path: PathKind;
  status: ModelStatus;
  epochsCompleted: number;
  /** Test accuracy after the newest epoch; null before the first. */
  accuracy: number | null;
  /** Where a loaded model came from (absent for models trained here). */
  source?: { fileName: string };
}

export type LoadOutcome = { ok: true; modelId: string } | { ok: false; error: string };

export interface ExportedModel {
  fileName: string;
  /** The file's bytes (the binary model format). */
  text: Uint8Array;
}

export interface ModelsState {
  models: ModelEntry[];
  /** The file being loaded, while the worker parses it. */
  loadingFile: string | null;
  /** Why the last model file could not be loaded (the list is left as it was). */
  loadError: string | null;
  rename(id: string, label: string): void;
  /** Sends a model file to the worker (its bytes are transferred: the caller's array is emptied); resolves once it is in the list or was refused. */
  loadModelFile(text: ModelFileContent, fileName: string): Promise<LoadOutcome>;
  /** The model's file as the worker serialises it (rejects with the worker's message). */
  exportModel(id: string): Promise<ExportedModel>;
  /** Shows why a file was refused before it reached the worker (e.g. too large to read). */
  reportLoadError(message: string): void;
  dismissLoadError(): void;
}

/** Models whose weights the worker holds (finished with at least one epoch, or loaded). */
export function isEvaluable(m: ModelEntry): boolean {
  return m.status === 'loaded' || (m.status !== 'training' && m.epochsCompleted > 0);
}

/** The entry fields that follow from a model's configuration. */
function configFields(config: TrainConfig): Pick<ModelEntry, 'dataset' | 'strategy' | 'hidden' | 'density' | 'weightDecay' | 'config'> {
  return {
    dataset: config.dataset,
    strategy: config.strategy,
    hidden: config.hidden,
    density: config.strategy === 'dense' ? 1 : config.density,
    weightDecay: config.weightDecay,
    config,
  };
}

/** "SET · H=1000 · d=1% · decay 1e-4 — from file.json": a loaded model's entry. */
export function loadedEntry(info: LoadedModelInfo): ModelEntry {
  const { config } = info;
  return {
    id: info.modelId,
    label: info.label.trim() !== '' ? info.label : modelLabel(config),
    ...configFields(config),
    // Where the worker evaluates it: the sparse CPU path for sparse models; dense ones on the device path
    // where a hardware GPU is under it (on the CPU path otherwise, see evalHost.ts Lane).
    path: config.strategy === 'dense' ? 'dense' : 'sparse-cpu',
    status: 'loaded',
    epochsCompleted: config.epochs,
    accuracy: info.testAccuracy,
    source: { fileName: info.fileName },
  };
}

const STRATEGY_SHORT: Record<Strategy, string> = { set: 'SET', rigl: 'RigL', static: 'static', dense: 'dense' };

/** "SET · H=1000 · d=1% · decay 1e-4": enough to tell models apart in a legend. */
export function modelLabel(config: TrainConfig): string {
  const parts = [STRATEGY_SHORT[config.strategy], `H=${config.hidden}`];
  if (config.strategy !== 'dense') parts.push(`d=${formatPercent(config.density)}`);
  parts.push(config.weightDecay === 0 ? 'no decay' : `decay ${config.weightDecay.toExponential(0)}`);
  if (config.pruning === 'by-sign' && (config.strategy === 'set' || config.strategy === 'rigl')) parts.push('pruned by sign');
  return parts.join(' · ');
}

function formatPercent(fraction: number): string {
  const pct = fraction * 100;
  return `${Number.isInteger(pct) ? pct : Number(pct.toPrecision(2))}%`;
}

type Pending =
  | { kind: 'load'; fileName: string; resolve(outcome: LoadOutcome): void }
  | { kind: 'export'; resolve(file: ExportedModel): void; reject(error: Error): void };

export function createModelsStore(client: LabClient): StoreApi<ModelsState> & { dispose(): void } {
  /** Requests waiting for the worker's answer, by request id. */
  const pending = new Map<number, Pending>();
  const store = createStore<ModelsState>()((set) => ({
    models: [],
    loadingFile: null,
    loadError: null,
    rename(id, label) {
      const trimmed = label.trim();
      if (trimmed === '') return;
      set((s) => ({ models: s.models.map((m) => (m.id === id ? { ...m, label: trimmed } : m)) }));
    },
    loadModelFile(text, fileName) {
      const requestId = nextRequestId();
      set({ loadingFile: fileName, loadError: null });
      return new Promise<LoadOutcome>((resolve) => {
        pending.set(requestId, { kind: 'load', fileName, resolve });
        client.send({ type: 'loadModel', requestId, text, fileName });
      });
    },
    exportModel(id) {
      const requestId = nextRequestId();
      return new Promise<ExportedModel>((resolve, reject) => {
        pending.set(requestId, { kind: 'export', resolve, reject });
        client.send({ type: 'exportModel', requestId, modelId: id });
      });
    },
    reportLoadError(message) {
      set({ loadError: message });
    },
    dismissLoadError() {
      set({ loadError: null });
    },
  }));

  /** Answers a pending request; true when the event was one. */
  const settle = (event: WorkerEvent): boolean => {
    const requestId = 'requestId' in event ? event.requestId : undefined;
    const job = requestId === undefined ? undefined : pending.get(requestId);
    if (requestId === undefined || !job) return false;
    pending.delete(requestId);
    if (job.kind === 'load') {
      if (event.type === 'modelLoaded') {
        const entry = loadedEntry(event.model);
        store.setState((s) => ({ models: [...s.models.filter((m) => m.id !== entry.id), entry], loadingFile: null }));
        job.resolve({ ok: true, modelId: entry.id });
      } else {
        const error = event.type === 'error' ? event.message : `${job.fileName}: the worker did not load it`;
        store.setState({ loadingFile: null, loadError: error });
        job.resolve({ ok: false, error });
      }
    } else if (event.type === 'modelExported') {
      job.resolve({ fileName: event.fileName, text: event.text });
    } else {
      job.reject(new Error(event.type === 'error' ? event.message : 'src/state/models.ts: the worker did not export the model'));
    }
    return true;
  };

  /** A crashed worker answers nothing more: fail whatever was waiting. */
  const failPending = (message: string) => {
    for (const job of pending.values()) {
      if (job.kind === 'load') job.resolve({ ok: false, error: message });
      else job.reject(new Error(message));
    }
    if (pending.size > 0) store.setState({ loadingFile: null });
    pending.clear();
  };

  const update = (id: string, patch: Partial<ModelEntry>) =>
    store.setState((s) => ({ models: s.models.map((m) => (m.id === id ? { ...m, ...patch } : m)) }));

  const onEvent = (event: WorkerEvent) => {
    if (settle(event)) return;
    switch (event.type) {
      case 'trainStarted': {
        const { config } = event;
        const entry: ModelEntry = {
          id: event.modelId,
          label: modelLabel(config),
          ...configFields(config),
          path: event.path,
          status: 'training',
          epochsCompleted: 0,
          accuracy: null,
        };
        store.setState((s) => ({ models: [...s.models.filter((m) => m.id !== entry.id), entry] }));
        break;
      }
      case 'trainResumed':
        // Continued from its checkpoint after a crash or a lost GPU: training again, perhaps on another path.
        update(event.modelId, { status: 'training', path: event.path, epochsCompleted: event.fromEpoch });
        break;
      case 'epoch':
        update(event.modelId, { epochsCompleted: event.event.epoch, accuracy: event.event.testAccuracy });
        break;
      case 'trainDone': {
        const { summary } = event;
        const status: ModelStatus = summary.error ? 'failed' : summary.stoppedEarly ? 'stopped' : 'trained';
        update(event.modelId, { status, epochsCompleted: summary.epochsCompleted, accuracy: summary.finalAccuracy });
        break;
      }
      case 'error':
        // A crashed worker ends the run in progress, and the weights of every model are gone with it.
        if (event.fatal) {
          failPending(event.message);
          store.setState((s) => ({ models: s.models.map((m) => (m.status === 'training' ? { ...m, status: 'failed' } : m)) }));
        }
        break;
    }
  };
  const unsubscribe = client.subscribe(onEvent);
  return Object.assign(store, { dispose: unsubscribe });
}
