// The data a worker holds: splits the page sent (`setData`: the test set, or a pool's shared copy) and
// splits the worker fetched itself (`loadData`: the training set, from the same URLs the page would use,
// so the HTTP cache and the service worker answer every worker after the first download). A fetched
// split is checked against the manifest here (sizes, SHA-256, IDX headers), exactly as the page checks
// its own, and a run waits for a load still in flight instead of failing on a missing split.
import { IMAGE_SIZE } from '../engine/constants';
import type { DataArrays, DatasetName } from '../engine/types';
import { loadSplit } from '../data/loadBrowser';
import { DATASETS } from '../data/registry';
import type { Split, WorkerCommand, WorkerEvent } from './protocol';

const FILE = 'src/worker/dataHost.ts';

type Cmd<T extends WorkerCommand['type']> = Extract<WorkerCommand, { type: T }>;

/** The loader (src/data/loadBrowser.ts's loadSplit; Node tests stub `fetch` under it). */
export type SplitLoader = typeof loadSplit;

/** Progress events at most every this share of the download (a 47 MB file would otherwise send ~700). */
const PROGRESS_STEP = 0.01;

export function splitName(dataset: DatasetName, split: Split): string {
  return `${DATASETS[dataset]?.label ?? dataset} ${split === 'train' ? 'training' : 'test'} set`;
}

/** A copy in shared memory, for a pool whose workers all read the one copy. */
function toShared(data: Uint8Array): Uint8Array {
  const copy = new Uint8Array(new SharedArrayBuffer(data.byteLength));
  copy.set(data);
  return copy;
}

export function createDataHost(post: (event: WorkerEvent) => void, load: SplitLoader = loadSplit) {
  const held = new Map<string, DataArrays>();
  /** Loads in flight, by "dataset/split"; and why the latest one failed (for the run that needed it). */
  const loading = new Map<string, Promise<void>>();
  const failed = new Map<string, string>();

  const setData = (cmd: Cmd<'setData'>) => {
    const { dataset, split, images, labels, count } = cmd;
    if (!Number.isInteger(count) || count < 1 || images.length !== count * IMAGE_SIZE || labels.length !== count) {
      throw new Error(`src/worker/host.ts: the ${dataset} ${split} set arrived malformed (${images.length} pixel bytes and ${labels.length} labels for ${count} images)`);
    }
    held.set(`${dataset}/${split}`, { images, labels, count });
    failed.delete(`${dataset}/${split}`);
    post({ type: 'dataReady', dataset, split, count });
  };

  const answer = (cmd: Cmd<'loadData'>, data: DataArrays) => {
    // Outside a cross-origin isolated page the name SharedArrayBuffer does not even exist.
    const shared = typeof SharedArrayBuffer === 'function' && data.images.buffer instanceof SharedArrayBuffer ? { images: data.images, labels: data.labels } : undefined;
    post({ type: 'dataReady', requestId: cmd.requestId, dataset: cmd.dataset, split: cmd.split, count: data.count, ...(shared ? { shared } : {}) });
  };

  const fetchSplit = async (cmd: Cmd<'loadData'>, key: string): Promise<void> => {
    const { requestId, dataset, split } = cmd;
    let reported = -1;
    try {
      const data = await load(dataset, split, {
        baseUrl: cmd.baseUrl,
        cache: false,
        onProgress: (loadedBytes, totalBytes) => {
          const share = totalBytes > 0 ? loadedBytes / totalBytes : 0;
          if (share < 1 && share - reported < PROGRESS_STEP) return;
          reported = share;
          post({ type: 'dataProgress', requestId, dataset, split, loadedBytes, totalBytes });
        },
      });
      const kept = cmd.shared && typeof SharedArrayBuffer === 'function'
        ? { images: toShared(data.images), labels: toShared(data.labels), count: data.count }
        : data;
      held.set(key, kept);
      failed.delete(key);
      answer(cmd, kept);
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e);
      failed.set(key, message);
      post({ type: 'dataFailed', requestId, dataset, split, message });
    }
  };

  /** Fetches a split unless it is held (then answers at once) or already on its way (then answers when it lands). */
  const loadData = async (cmd: Cmd<'loadData'>): Promise<void> => {
    const key = `${cmd.dataset}/${cmd.split}`;
    if (!(cmd.dataset in DATASETS) || (cmd.split !== 'train' && cmd.split !== 'test')) {
      return post({ type: 'dataFailed', requestId: cmd.requestId, dataset: cmd.dataset, split: cmd.split, message: `${FILE}: unknown split "${String(cmd.dataset)}/${String(cmd.split)}"` });
    }
    const pending = loading.get(key);
    if (pending) {
      await pending;
      const data = held.get(key);
      if (data) answer(cmd, data);
      else post({ type: 'dataFailed', requestId: cmd.requestId, dataset: cmd.dataset, split: cmd.split, message: failed.get(key) ?? 'the load failed' });
      return;
    }
    const data = held.get(key);
    if (data) return answer(cmd, data);
    const job = fetchSplit(cmd, key).finally(() => loading.delete(key));
    loading.set(key, job);
    await job;
  };

  /** The split, once any load of it in flight has landed; a clear error when it is not here. */
  const need = async (dataset: DatasetName, split: Split): Promise<DataArrays> => {
    const key = `${dataset}/${split}`;
    await loading.get(key);
    const data = held.get(key);
    if (data) return data;
    const why = failed.get(key);
    throw new Error(why ? `Could not load the ${splitName(dataset, split)} in the worker: ${why}` : `src/worker/host.ts: the ${dataset} ${split === 'train' ? 'training' : 'test'} set has not been sent to the worker`);
  };

  return {
    setData,
    loadData,
    need,
    /** Waits for loads in flight of the dataset's splits (a run's data is then held, or its failure known). */
    settled: async (dataset: DatasetName) => { await Promise.all(['train', 'test'].map((s) => loading.get(`${dataset}/${s}`))); },
    get: (dataset: DatasetName, split: Split): DataArrays | undefined => held.get(`${dataset}/${split}`),
    failure: (dataset: DatasetName, split: Split): string | undefined => failed.get(`${dataset}/${split}`),
  };
}
