// The session store: which dataset is active, which backend the worker runs on, the loading of each
// data split (bytes of total), a few test images for the gallery, and the errors and notices shown in
// the banner (a lost GPU, a restarted worker, which is then sent its data again).
import { createStore, type StoreApi } from 'zustand/vanilla';
import type { DataArrays, DatasetName } from '../engine/types';
import { DATASETS } from '../data/registry';
import { IMAGE_SIZE } from '../engine/constants';
import type { LabClient } from '../worker/client';
import { describeTimings, type BackendChoiceResult, type ChoiceMemory } from '../engine/backendChoice';
import type { SelfCheckResult } from '../engine/device/selfCheck';
import type { TrainConfig } from '../engine/types';
import { nextRequestId, type AdapterInfo, type BackendName, type PathKind, type Split, type WorkerEvent } from '../worker/protocol';

export interface LoadOptions {
  baseUrl: string;
  onProgress?: (loadedBytes: number, totalBytes: number) => void;
  signal?: AbortSignal;
}

/** The data loader the store calls (src/data/loadBrowser.ts's loadSplit in the page, a fake in tests). */
export type LoadSplit = (dataset: DatasetName, split: Split, opts: LoadOptions) => Promise<DataArrays>;

export interface SplitLoad {
  status: 'idle' | 'loading' | 'ready' | 'error';
  dataset: DatasetName | null;
  loadedBytes: number;
  totalBytes: number;
  count: number;
}

export interface BackendInfo {
  status: 'starting' | 'ready';
  name?: BackendName;
  adapter?: AdapterInfo;
  fallbackReason?: string;
  path?: PathKind;
  /** A software rasteriser, not a GPU: the badge says so, and dense models are evaluated on the CPU. */
  software?: boolean;
  /** A software GPU was passed over for the CPU path: the badge says so. */
  skippedSoftware?: boolean;
  /** The fused WebGPU step's self-check (WebGPU only): on a mismatch the plain ops run, and the badge says so. */
  selfCheck?: SelfCheckResult;
  /** The measured (or remembered) choice of path, and its figures in words (the badge's tooltip). */
  choice?: { result: BackendChoiceResult; text: string };
}

/** The first few test images of a dataset, kept on the main thread for the gallery. */
export interface GallerySample {
  dataset: DatasetName;
  images: Uint8Array;
  labels: Uint8Array;
  count: number;
}

export interface BannerError {
  id: number;
  message: string;
}

export interface SessionState {
  dataset: DatasetName;
  backend: BackendInfo;
  loads: Record<Split, SplitLoad>;
  gallery: GallerySample | null;
  errors: BannerError[];
  /** Starts the worker and loads the active dataset's test set. */
  start(): void;
  setDataset(dataset: DatasetName): void;
  /** Loads a split of the active dataset into the worker unless it is there; false on failure. */
  ensureSplit(split: Split): Promise<boolean>;
  reportError(message: string): void;
  dismissError(id: number): void;
  /** Times each available path at `config`'s size and moves to the fastest (the badge's button). */
  measureBackends(config: TrainConfig): void;
}

export interface SessionDeps {
  client: LabClient;
  loadSplit: LoadSplit;
  baseUrl: string;
  /** Images kept for the gallery. */
  galleryCount: number;
  initialDataset?: DatasetName;
  /** The backend the user asked for by name (a link's `backend=`); absent: the fastest real one. */
  preferBackend?: BackendName;
  /** Where measured backend choices are remembered (the page's localStorage); none: not remembered. */
  choiceMemory?: ChoiceMemory & { keys(): string[] };
  /**
   * The workers fetch and check the training set themselves (`loadData`), so the page never holds it;
   * the page loads only the test set (the gallery and the Draw panel use it). Off: the page loads both
   * with `loadSplit` and sends them (`setData`).
   */
  trainingSetInWorkers?: boolean;
}

/** An absolute base URL: a worker resolves a relative one against its own script's folder, not the page's. */
function absoluteBase(baseUrl: string): string {
  try {
    return new URL(baseUrl, (globalThis as { location?: { href?: string } }).location?.href).href;
  } catch {
    return baseUrl;
  }
}

const idleLoad = (): SplitLoad => ({ status: 'idle', dataset: null, loadedBytes: 0, totalBytes: 0, count: 0 });

export function createSessionStore(deps: SessionDeps): StoreApi<SessionState> & { dispose(): void } {
  const { client, loadSplit, baseUrl, galleryCount } = deps;
  /** Splits the worker holds, by "dataset/split" (the worker keeps every set it was sent). */
  const inWorker = new Map<string, number>();
  const inFlight = new Map<string, { promise: Promise<boolean>; abort: AbortController }>();
  const galleryCache = new Map<DatasetName, GallerySample>();
  let nextErrorId = 1;
  let started = false;

  const store = createStore<SessionState>()((set, get) => {
    const setLoad = (split: Split, patch: Partial<SplitLoad>) =>
      set((s) => ({ loads: { ...s.loads, [split]: { ...s.loads[split], ...patch } } }));

    /** Asks the workers to fetch a split; resolves with its size once one holds it. */
    const loadInWorkers = (dataset: DatasetName, split: Split, abort: AbortController): Promise<number> => new Promise((resolve, reject) => {
      const requestId = nextRequestId();
      const stop = client.subscribe((event) => {
        if (event.type === 'error' && event.fatal) {
          stop();
          reject(new Error('a worker crashed while it loaded the set; try again'));
          return;
        }
        if (!('requestId' in event) || event.requestId !== requestId) return;
        if (event.type === 'dataProgress') {
          if (!abort.signal.aborted && get().dataset === dataset) setLoad(split, { loadedBytes: event.loadedBytes, totalBytes: event.totalBytes });
        } else if (event.type === 'dataReady' || event.type === 'dataFailed' || event.type === 'error') {
          stop();
          if (event.type === 'dataReady') resolve(event.count);
          else reject(new Error(event.message));
        }
      });
      // A crashed worker never answers: the store sends the split again to the new one.
      abort.signal.addEventListener('abort', () => { stop(); reject(abort.signal.reason); }, { once: true });
      client.send({ type: 'loadData', requestId, dataset, split, baseUrl: absoluteBase(baseUrl) });
    });

    const load = async (dataset: DatasetName, split: Split, abort: AbortController): Promise<boolean> => {
      setLoad(split, { status: 'loading', dataset, loadedBytes: 0, totalBytes: 0, count: 0 });
      try {
        if (split === 'train' && deps.trainingSetInWorkers) {
          const count = await loadInWorkers(dataset, split, abort);
          if (abort.signal.aborted) return false;
          inWorker.set(`${dataset}/${split}`, count);
          if (get().dataset === dataset) setLoad(split, { status: 'ready', count });
          return true;
        }
        const data = await loadSplit(dataset, split, {
          baseUrl,
          signal: abort.signal,
          onProgress: (loadedBytes, totalBytes) => {
            if (!abort.signal.aborted && get().dataset === dataset) setLoad(split, { loadedBytes, totalBytes });
          },
        });
        if (abort.signal.aborted) return false;
        if (split === 'test') {
          const n = Math.min(galleryCount, data.count);
          // Copies: the full arrays are transferred to the worker below and become unusable here.
          const sample: GallerySample = {
            dataset, count: n, images: data.images.slice(0, n * IMAGE_SIZE), labels: data.labels.slice(0, n),
          };
          galleryCache.set(dataset, sample);
          if (get().dataset === dataset) set({ gallery: sample });
        }
        const count = data.count;
        client.send({ type: 'setData', dataset, split, images: data.images, labels: data.labels, count });
        inWorker.set(`${dataset}/${split}`, count);
        if (get().dataset === dataset) setLoad(split, { status: 'ready', count });
        return true;
      } catch (err) {
        if (abort.signal.aborted) return false;
        const message = err instanceof Error ? err.message : String(err);
        if (get().dataset === dataset) setLoad(split, { status: 'error' });
        get().reportError(`Could not load the ${DATASETS[dataset].label} ${split === 'train' ? 'training' : 'test'} set: ${message}`);
        return false;
      }
    };

    return {
      dataset: deps.initialDataset ?? 'mnist',
      backend: { status: 'starting' },
      loads: { train: idleLoad(), test: idleLoad() },
      gallery: null,
      errors: [],

      start() {
        if (started) return;
        started = true;
        const memory = deps.choiceMemory;
        const remembered: Record<string, string> = {};
        for (const key of memory?.keys() ?? []) {
          const value = memory?.get(key);
          if (value) remembered[key] = value;
        }
        client.send(deps.preferBackend ? { type: 'init', preferBackend: deps.preferBackend } : { type: 'init', ...(memory ? { remembered } : {}) });
        void get().ensureSplit('test');
      },

      setDataset(dataset) {
        if (dataset === get().dataset) return;
        // Loads of the previous dataset are no longer wanted.
        for (const [key, job] of inFlight) {
          if (!key.startsWith(`${dataset}/`)) job.abort.abort();
        }
        const loads = { train: idleLoad(), test: idleLoad() };
        for (const split of ['train', 'test'] as const) {
          const count = inWorker.get(`${dataset}/${split}`);
          if (count !== undefined) loads[split] = { status: 'ready', dataset, loadedBytes: 0, totalBytes: 0, count };
          else if (inFlight.has(`${dataset}/${split}`)) loads[split] = { ...idleLoad(), status: 'loading', dataset };
        }
        set({ dataset, loads, gallery: galleryCache.get(dataset) ?? null });
        if (started) void get().ensureSplit('test');
      },

      ensureSplit(split) {
        const dataset = get().dataset;
        const key = `${dataset}/${split}`;
        if (inWorker.has(key)) return Promise.resolve(true);
        const running = inFlight.get(key);
        if (running && !running.abort.signal.aborted) return running.promise;
        const abort = new AbortController();
        const promise = load(dataset, split, abort).finally(() => {
          if (inFlight.get(key)?.abort === abort) inFlight.delete(key);
        });
        inFlight.set(key, { promise, abort });
        return promise;
      },

      reportError(message) {
        set((s) => ({ errors: [...s.errors, { id: nextErrorId++, message }] }));
      },

      dismissError(id) {
        set((s) => ({ errors: s.errors.filter((e) => e.id !== id) }));
      },

      measureBackends(config) {
        void get().ensureSplit('train').then((ok) => { if (ok) client.send({ type: 'measureBackends', config: { ...config, dataset: get().dataset } }); });
      },
    };
  });

  /** The splits the crashed worker held, sent again to its replacement. */
  let lostSplits: string[] = [];

  const onEvent = (event: WorkerEvent) => {
    if (event.type === 'ready') {
      store.setState({
        backend: {
          status: 'ready', name: event.backend, adapter: event.adapter, fallbackReason: event.fallbackReason, path: event.path,
          ...(event.software ? { software: true } : {}),
          ...(event.skippedSoftware ? { skippedSoftware: true } : {}),
          ...(event.selfCheck ? { selfCheck: event.selfCheck } : {}),
          ...(store.getState().backend.choice ? { choice: store.getState().backend.choice } : {}),
        },
      });
      if (event.selfCheck && !event.selfCheck.ok) {
        const c = event.selfCheck;
        store.getState().reportError(`The fused WebGPU training step disagreed with the plain ops on this GPU (relative error ${c.weightError.toExponential(1)} on the weights, ${c.lossError.toExponential(1)} on the loss; at most ${c.tolerance} allowed${c.forced ? ', failure forced by the debug hook' : ''}${c.error ? `; it failed: ${c.error}` : ''}), so training uses the plain ops.`);
      }
    } else if (event.type === 'backendChoice') {
      store.setState((s) => ({ backend: { ...s.backend, choice: { result: event.result, text: describeTimings(event.result) } } }));
      if (event.result.source === 'measured') {
        try { deps.choiceMemory?.set(event.key, JSON.stringify(event.result)); } catch { /* storage full or off: measured again next time */ }
      }
    } else if (event.type === 'error') {
      store.getState().reportError(event.message);
      // A crashed worker lost every dataset it held.
      if (event.fatal) {
        lostSplits = [...inWorker.keys()];
        inWorker.clear();
      }
    } else if (event.type === 'backendLost') {
      store.getState().reportError(event.message);
    } else if (event.type === 'workerRestarted') {
      const restored = event.models.length;
      store.setState({ backend: { status: 'starting' } });
      store.getState().reportError(
        `The training worker was restarted (${event.restarts} of at most ${event.maxRestarts} times)` +
        `${restored > 0 ? `; ${restored} model${restored === 1 ? '' : 's'} restored from the last checkpoint${restored === 1 ? '' : 's'}` : ''}.`,
      );
      // The active dataset's data goes back at once; another dataset's when the user switches to it.
      const { dataset, ensureSplit } = store.getState();
      for (const split of ['test', 'train'] as const) if (lostSplits.includes(`${dataset}/${split}`)) void ensureSplit(split);
      lostSplits = [];
    }
  };
  const unsubscribe = client.subscribe(onEvent);

  return Object.assign(store, {
    dispose() {
      unsubscribe();
      for (const job of inFlight.values()) job.abort.abort();
    },
  });
}
