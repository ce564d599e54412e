// Pretrained models shipped with the page: reads models/index.json, then loads the current dataset's
// models one by one (smallest first, so the sparse ones are ready within seconds) into the worker.
import { createStore, type StoreApi } from 'zustand/vanilla';
import { DATASET_NAMES } from '../data/registry';
import type { ModelFileContent } from '../engine/modelFile';
import type { DatasetName, Strategy } from '../engine/types';

/** One line of public/models/index.json. */
export interface PretrainedEntry {
  file: string;
  dataset: DatasetName;
  strategy: Strategy;
  weightDecay: number | null;
  /** Test accuracy in [0, 1] as measured when the model was trained. */
  testAccuracy: number | null;
  /** Active links (all sparse layers together, or per layer). */
  links: number | number[] | null;
  sizeBytes: number | null;
}

/** The index's usable entries, and a problem for each entry left out; or why the whole file is unusable. */
export type IndexResult = { ok: true; entries: PretrainedEntry[]; problems: string[] } | { ok: false; error: string };

export const INDEX_PATH = 'models/index.json';
const STRATEGIES: readonly Strategy[] = ['set', 'rigl', 'static', 'dense'];
// A file name, never a path: an index cannot send the page outside models/.
const FILE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

const isCount = (x: unknown): x is number => typeof x === 'number' && Number.isInteger(x) && x >= 0;
const isFraction = (x: unknown): x is number => typeof x === 'number' && Number.isFinite(x) && x >= 0 && x <= 1;

/** One entry, or the problem that keeps it out. */
function parseEntry(raw: unknown): PretrainedEntry | string {
  const e = (raw !== null && typeof raw === 'object' ? raw : {}) as Record<string, unknown>;
  if (typeof e.file !== 'string' || !FILE_NAME.test(e.file) || e.file.includes('..')) return '"file" must be a plain file name';
  if (!DATASET_NAMES.includes(e.dataset as DatasetName)) return `unknown dataset "${String(e.dataset).slice(0, 40)}"`;
  if (!STRATEGIES.includes(e.strategy as Strategy)) return `unknown strategy "${String(e.strategy).slice(0, 40)}"`;
  if (e.weightDecay != null && !(typeof e.weightDecay === 'number' && e.weightDecay >= 0 && e.weightDecay < 1)) return '"weightDecay" must be in [0, 1)';
  if (e.testAccuracy != null && !isFraction(e.testAccuracy)) return '"testAccuracy" must be a fraction in [0, 1]';
  if (e.sizeBytes != null && !isCount(e.sizeBytes)) return '"sizeBytes" must be a whole number of bytes';
  const links = e.links == null ? null : isCount(e.links) ? e.links : Array.isArray(e.links) && e.links.every(isCount) ? (e.links as number[]) : undefined;
  if (links === undefined) return '"links" must be a count or a list of counts';
  return {
    file: e.file,
    dataset: e.dataset as DatasetName,
    strategy: e.strategy as Strategy,
    weightDecay: (e.weightDecay as number | null | undefined) ?? null,
    testAccuracy: (e.testAccuracy as number | null | undefined) ?? null,
    links,
    sizeBytes: (e.sizeBytes as number | null | undefined) ?? null,
  };
}

/**
 * Validates index.json (a list of entries, or { models: [...] }). A bad entry is left out with a
 * problem naming it, so one typo does not cost the visitor every other model.
 */
export function parsePretrainedIndex(json: unknown): IndexResult {
  const list = Array.isArray(json) ? json : (json as { models?: unknown } | null)?.models;
  if (!Array.isArray(list)) return { ok: false, error: `${INDEX_PATH}: expected a list of models (or { "models": [...] })` };
  const entries: PretrainedEntry[] = [];
  const problems: string[] = [];
  const files = new Set<string>();
  for (const [i, raw] of list.entries()) {
    const entry = parseEntry(raw);
    if (typeof entry === 'string') problems.push(`${INDEX_PATH}: entry ${i + 1}: ${entry}`);
    else if (files.has(entry.file)) problems.push(`${INDEX_PATH}: entry ${i + 1}: "${entry.file}" is listed twice`);
    else {
      files.add(entry.file);
      entries.push(entry);
    }
  }
  return { ok: true, entries, problems };
}

const STRATEGY_NAMES: Record<Strategy, string> = { set: 'SET', rigl: 'RigL', static: 'static', dense: 'dense' };

/** "SET", "SET (no decay)", "dense": what the status line calls a model. */
export function pretrainedLabel(entry: PretrainedEntry): string {
  return `${STRATEGY_NAMES[entry.strategy]}${entry.weightDecay === 0 ? ' (no decay)' : ''}`;
}

export type ItemStatus = 'waiting' | 'loading' | 'loaded' | 'failed' | 'on-demand';

export interface PretrainedItem {
  entry: PretrainedEntry;
  status: ItemStatus;
  loadedBytes: number;
  /** Test accuracy reported by the loader (falls back to the index's). */
  accuracy: number | null;
}

export interface PretrainedState {
  index: 'unknown' | 'loading' | 'absent' | 'ready' | 'failed';
  items: PretrainedItem[];
  /** The newest failure, dismissible; failures never stop anything else. */
  error: string | null;
  dismissError(): void;
  /** Reads the index once, then queues the dataset's models that load without asking. */
  loadFor(dataset: DatasetName): Promise<void>;
  /** Loads one model now (an on-demand one, or a retry). */
  loadFile(file: string): Promise<void>;
}

/** What loading one file gave: the model's test accuracy as the loader knows it, or the problem. */
export type LoadResult = { ok: true; testAccuracy?: number | null } | { ok: false; error: string };

export type FetchLike = (url: string) => Promise<Response>;

export interface PretrainedDeps {
  /** import.meta.env.BASE_URL; the index is at `${baseUrl}models/index.json`. */
  baseUrl: string;
  fetch: FetchLike;
  /** The models store's loader: parses and validates the file in the worker. */
  loadModelFile(content: ModelFileContent, fileName: string): Promise<LoadResult>;
  /** Files larger than this wait for a click (e.g. on a metered connection); Infinity loads all. */
  autoLoadMaxBytes: number;
}

export type PretrainedStore = StoreApi<PretrainedState>;

function messageOf(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/**
 * The body's bytes, reporting bytes as they arrive. Gzipped bodies are inflated here; a server that
 * adds Content-Encoding: gzip has already inflated them, so the gzip magic bytes decide, not the name.
 */
async function readBytes(response: Response, onBytes: (n: number) => void): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  let loaded = 0;
  if (response.body) {
    const reader = response.body.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      loaded += value.byteLength;
      onBytes(loaded);
    }
  } else {
    chunks.push(new Uint8Array(await response.arrayBuffer()));
  }
  const bytes = new Blob(chunks as BlobPart[]);
  const head = new Uint8Array(await bytes.slice(0, 2).arrayBuffer());
  if (head[0] !== 0x1f || head[1] !== 0x8b) return new Uint8Array(await bytes.arrayBuffer());
  return new Uint8Array(await new Response(bytes.stream().pipeThrough(new DecompressionStream('gzip'))).arrayBuffer());
}

export function createPretrainedStore(deps: PretrainedDeps): PretrainedStore {
  const base = deps.baseUrl === '' || deps.baseUrl.endsWith('/') ? deps.baseUrl : `${deps.baseUrl}/`;
  let indexPromise: Promise<void> | null = null;
  // Models load one at a time: the first (smallest) is usable before the next starts downloading.
  let queue: Promise<void> = Promise.resolve();

  const store = createStore<PretrainedState>()((set, get) => {
    const patchItem = (file: string, patch: Partial<PretrainedItem>) =>
      set((s) => ({ items: s.items.map((it) => (it.entry.file === file ? { ...it, ...patch } : it)) }));

    const readIndex = async () => {
      set({ index: 'loading' });
      let response: Response;
      try {
        response = await deps.fetch(`${base}${INDEX_PATH}`);
      } catch {
        set({ index: 'absent' }); // offline or blocked: the page works without pretrained models
        return;
      }
      // Static servers answer a missing file with 404, single-page servers with the page itself.
      const type = response.headers.get('content-type') ?? '';
      if (!response.ok || type.includes('text/html')) {
        set({ index: 'absent' });
        return;
      }
      let json: unknown;
      try {
        json = JSON.parse(await response.text());
      } catch (e) {
        set({ index: 'failed', error: `${INDEX_PATH} is not valid JSON (${messageOf(e)}); no pretrained models were loaded` });
        return;
      }
      const parsed = parsePretrainedIndex(json);
      if (!parsed.ok) {
        set({ index: 'failed', error: `${parsed.error}; no pretrained models were loaded` });
        return;
      }
      const bySize = [...parsed.entries].sort((a, b) => (a.sizeBytes ?? Infinity) - (b.sizeBytes ?? Infinity));
      const skipped = parsed.problems.length;
      set({
        index: 'ready',
        error: skipped === 0 ? null : `${skipped} pretrained model${skipped > 1 ? 's were' : ' was'} left out: ${parsed.problems.slice(0, 3).join('; ')}${skipped > 3 ? '; …' : ''}`,
        items: bySize.map((entry) => ({
          entry,
          status: (entry.sizeBytes ?? 0) > deps.autoLoadMaxBytes ? 'on-demand' : 'waiting',
          loadedBytes: 0,
          accuracy: entry.testAccuracy,
        })),
      });
    };

    const load = async (file: string) => {
      const item = get().items.find((it) => it.entry.file === file);
      if (!item || item.status === 'loading' || item.status === 'loaded') return;
      const { entry } = item;
      const what = `pretrained ${pretrainedLabel(entry)} model (models/${file})`;
      patchItem(file, { status: 'loading', loadedBytes: 0 });
      try {
        const response = await deps.fetch(`${base}models/${file}`);
        if (!response.ok) throw new Error(`the server answered ${response.status} ${response.statusText}`.trim());
        const content = await readBytes(response, (n) => patchItem(file, { loadedBytes: n }));
        const result = await deps.loadModelFile(content, file);
        if (!result.ok) throw new Error(result.error);
        const accuracy = isFraction(result.testAccuracy) ? result.testAccuracy : entry.testAccuracy;
        patchItem(file, { status: 'loaded', accuracy });
      } catch (e) {
        patchItem(file, { status: 'failed' });
        set({ error: `Could not load the ${what}: ${messageOf(e)}. Training and everything else still work.` });
      }
    };

    const enqueue = (file: string) => {
      const next = queue.then(() => load(file));
      queue = next;
      return next;
    };

    return {
      index: 'unknown',
      items: [],
      error: null,
      dismissError: () => set({ error: null }),
      async loadFor(dataset) {
        indexPromise ??= readIndex();
        await indexPromise;
        const wanted = get().items.filter((it) => it.entry.dataset === dataset && it.status === 'waiting');
        await Promise.all(wanted.map((it) => enqueue(it.entry.file)));
      },
      async loadFile(file) {
        await enqueue(file);
      },
    };
  });
  return store;
}

/** "Loaded pretrained SET (97.4%), static (95.9%) · loading dense (35%)…" for one dataset. */
export function pretrainedStatusLine(state: Pick<PretrainedState, 'index' | 'items'>, dataset: DatasetName): string {
  if (state.index === 'unknown' || state.index === 'loading') return 'Looking for pretrained models…';
  if (state.index === 'absent') return 'No pretrained models in this build.';
  if (state.index === 'failed') return 'Pretrained models unavailable.';
  const mine = state.items.filter((it) => it.entry.dataset === dataset);
  if (mine.length === 0) return 'No pretrained models for this dataset.';
  const pct = (a: number | null) => (a === null ? '' : ` (${(a * 100).toFixed(1)}%)`);
  const loaded = mine.filter((it) => it.status === 'loaded').map((it) => `${pretrainedLabel(it.entry)}${pct(it.accuracy)}`);
  const parts: string[] = [];
  if (loaded.length > 0) parts.push(`Loaded pretrained ${loaded.join(', ')}`);
  const loading = mine.find((it) => it.status === 'loading');
  if (loading) {
    const size = loading.entry.sizeBytes;
    const progress = size ? ` (${Math.min(100, Math.round((100 * loading.loadedBytes) / size))}%)` : '';
    parts.push(`loading ${pretrainedLabel(loading.entry)}${progress}…`);
  } else if (mine.some((it) => it.status === 'waiting')) {
    parts.push('more to come…');
  }
  if (parts.length === 0) return 'Pretrained models are not loaded.';
  return parts.join(' · ');
}
