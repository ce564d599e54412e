// Loads a dataset split in the page or a worker (no tfjs): fetches the manifest and the split's
// two .gz assets, streams them with progress, gunzips with DecompressionStream, verifies, parses.
import type { DataArrays } from '../engine/types';
import { IMAGE_SIZE } from '../engine/constants';
import { DataLoadError } from './errors';
import { validateManifest, type DatasetManifest, type ManifestFileEntry } from './manifest';
import {
  MANIFEST_FILE_NAME, SPLIT_FILES, assetFileName, datasetDir, isDatasetName,
  type DatasetName, type Split,
} from './registry';
import { sha256Hex, sha256HexYielding, yieldToEventLoop } from './sha256';
import { assembleSplit } from './split';

export { DataLoadError };

export interface LoadSplitOptions {
  /** The site's base URL (Vite's import.meta.env.BASE_URL); assets live under `${baseUrl}data/`. */
  baseUrl: string;
  /** Download progress in compressed bytes, over the split's total from the manifest. */
  onProgress?: (loadedBytes: number, totalBytes: number) => void;
  /** Aborting rejects with the signal's reason (an AbortError), not with a DataLoadError. */
  signal?: AbortSignal;
  /** Check each file's SHA-256 against the manifest (default true). */
  verify?: boolean;
  /**
   * Keep the arrays for the next call (default true). A worker that keeps its own copy (or a shared
   * one) says false, so the parsed split is not held twice.
   */
  cache?: boolean;
}

interface CachedSplit {
  data: Promise<DataArrays>;
  verified: boolean;
}

const manifestCache = new Map<string, Promise<DatasetManifest>>();
const splitCache = new Map<string, CachedSplit>();

/** Forgets every loaded manifest and split (to free memory or force a fresh download). */
export function clearDataCache(): void {
  manifestCache.clear();
  splitCache.clear();
}

function folderUrl(dataset: DatasetName, baseUrl: string): string {
  return `${baseUrl.endsWith('/') ? baseUrl : `${baseUrl}/`}${datasetDir(dataset)}`;
}

/** The two files of a split, as absolute URLs against `pageHref` (what a worker fetches for it). */
export function splitUrls(dataset: DatasetName, split: Split, baseUrl: string, pageHref: string): string[] {
  const folder = new URL(folderUrl(dataset, baseUrl), pageHref).href;
  return [folder + assetFileName(SPLIT_FILES[split].images), folder + assetFileName(SPLIT_FILES[split].labels)];
}

function messageOf(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** Re-throws the caller's abort as is, so callers can tell "cancelled" from "broken". */
function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw signal.reason ?? new DOMException('The load was aborted', 'AbortError');
}

async function fetchOk(url: string, signal: AbortSignal | undefined): Promise<Response> {
  let response: Response;
  try {
    response = await fetch(url, { signal });
  } catch (e) {
    throwIfAborted(signal);
    throw new DataLoadError(url, `network error: ${messageOf(e)}`);
  }
  if (!response.ok) {
    throw new DataLoadError(url, `HTTP ${response.status}${response.statusText ? ` ${response.statusText}` : ''}`);
  }
  return response;
}

/** Fetches and validates `${baseUrl}data/<dataset>/manifest.json`; cached per (baseUrl, dataset). */
export function loadManifest(dataset: DatasetName, baseUrl: string, signal?: AbortSignal): Promise<DatasetManifest> {
  const url = folderUrl(dataset, baseUrl) + MANIFEST_FILE_NAME;
  const cached = manifestCache.get(url);
  if (cached !== undefined) return cached;
  const pending = (async () => {
    if (!isDatasetName(dataset)) throw new DataLoadError(url, `unknown dataset "${String(dataset)}"`);
    const response = await fetchOk(url, signal);
    let json: unknown;
    try {
      json = JSON.parse(await response.text());
    } catch (e) {
      throwIfAborted(signal);
      throw new DataLoadError(url, `not valid JSON (${messageOf(e)})`);
    }
    const manifest = validateManifest(json, url, dataset);
    if (!manifest.ok) throw new DataLoadError(url, manifest.error);
    return manifest.value;
  })();
  manifestCache.set(url, pending);
  // A failed or aborted load must not poison the cache: the next call tries again.
  pending.catch(() => { if (manifestCache.get(url) === pending) manifestCache.delete(url); });
  return pending;
}

/**
 * Downloads one asset and returns the uncompressed IDX bytes. Some servers add
 * `Content-Encoding: gzip` to .gz files, so the browser has already inflated the body; the
 * first two bytes tell which case this is. `onLoaded` gets progress in compressed bytes.
 */
async function downloadAsset(
  url: string,
  entry: ManifestFileEntry,
  signal: AbortSignal,
  onLoaded: (gzBytesLoaded: number) => void,
): Promise<Uint8Array> {
  const response = await fetchOk(url, signal);
  if (response.body === null) throw new DataLoadError(url, 'the response has no body');
  const reader = response.body.getReader();
  const read = async (): Promise<Uint8Array<ArrayBuffer> | null> => {
    try {
      const { done, value } = await reader.read();
      return done ? null : value;
    } catch (e) {
      throwIfAborted(signal);
      throw new DataLoadError(url, `download interrupted: ${messageOf(e)}`);
    }
  };

  const head: Uint8Array<ArrayBuffer>[] = [];
  let headBytes = 0;
  while (headBytes < 2) {
    const chunk = await read();
    if (chunk === null) break;
    head.push(chunk);
    headBytes += chunk.length;
  }
  if (headBytes === 0) throw new DataLoadError(url, 'the response is empty');
  const firstTwo = concat(head, Math.min(2, headBytes));
  const gzipped = firstTwo[0] === 0x1f && firstTwo[1] === 0x8b;
  const unit = gzipped ? entry.gzBytes : entry.bytes;
  let received = 0;
  const count = (chunk: Uint8Array) => {
    received += chunk.length;
    onLoaded(Math.min(entry.gzBytes, Math.round((received / unit) * entry.gzBytes)));
  };

  if (!gzipped) {
    // The server (or the browser, for Content-Encoding: gzip) already inflated it.
    const out = createCollector(entry.bytes);
    for (const chunk of head) {
      count(chunk);
      await out.append(chunk);
    }
    for (let chunk = await read(); chunk !== null; chunk = await read()) {
      count(chunk);
      await out.append(chunk);
    }
    return out.bytes();
  }

  const inflate = new DecompressionStream('gzip');
  const writer = inflate.writable.getWriter();
  const output = collectInto(inflate.readable, entry.bytes);
  // Observed below; this keeps a rejection during writing from being reported as unhandled.
  output.catch(() => undefined);
  const corrupt = (e: unknown) => new DataLoadError(url, `corrupt gzip data: ${messageOf(e)}`);
  try {
    for (const chunk of head) {
      count(chunk);
      await writer.write(chunk);
    }
    for (let chunk = await read(); chunk !== null; chunk = await read()) {
      count(chunk);
      await writer.write(chunk);
    }
    await writer.close();
    return await output;
  } catch (e) {
    writer.abort(e).catch(() => undefined);
    reader.cancel().catch(() => undefined);
    throwIfAborted(signal);
    throw e instanceof DataLoadError ? e : corrupt(e);
  }
}

/**
 * On a page's main thread, large files are hashed in slices (Web Crypto's digest would block it for
 * ~100 ms on the training images); small ones and workers use Web Crypto.
 */
async function hashWithoutLongTasks(bytes: Uint8Array): Promise<string> {
  const onMainThread = typeof document !== 'undefined';
  return onMainThread && bytes.length > BYTES_PER_SLICE ? sha256HexYielding(bytes) : sha256Hex(bytes);
}

/** Bytes copied between two yields to the event loop: small enough to keep every task short. */
const BYTES_PER_SLICE = 2 * 1024 * 1024;

/**
 * Gathers chunks into one buffer of the size the manifest announces, handing the thread back every
 * few MB: when a large file is already fully available, copying it in one go (or awaiting chunk
 * after chunk as microtasks) is one long main-thread task. Excess bytes grow the buffer, so the size
 * check downstream still reports how many bytes the file really held.
 */
function createCollector(expectedBytes: number) {
  let out = new Uint8Array(expectedBytes);
  let length = 0;
  let sinceYield = 0;
  return {
    async append(chunk: Uint8Array): Promise<void> {
      if (length + chunk.length > out.length) {
        const grown = new Uint8Array(Math.max(out.length * 2, length + chunk.length));
        grown.set(out.subarray(0, length));
        out = grown;
      }
      out.set(chunk, length);
      length += chunk.length;
      sinceYield += chunk.length;
      if (sinceYield >= BYTES_PER_SLICE) {
        sinceYield = 0;
        await yieldToEventLoop();
      }
    },
    bytes: (): Uint8Array => (length === out.length ? out : out.subarray(0, length)),
  };
}

async function collectInto(stream: ReadableStream<Uint8Array>, expectedBytes: number): Promise<Uint8Array> {
  const out = createCollector(expectedBytes);
  const reader = stream.getReader();
  for (let r = await reader.read(); !r.done; r = await reader.read()) await out.append(r.value);
  return out.bytes();
}

function concat(chunks: Uint8Array[], length: number): Uint8Array {
  const out = new Uint8Array(length);
  let offset = 0;
  for (const chunk of chunks) {
    if (offset >= length) break;
    const part = chunk.subarray(0, length - offset);
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

async function fetchSplit(dataset: DatasetName, split: Split, opts: LoadSplitOptions, verify: boolean): Promise<DataArrays> {
  const manifest = await loadManifest(dataset, opts.baseUrl, opts.signal);
  const folder = folderUrl(dataset, opts.baseUrl);
  const files = SPLIT_FILES[split];
  const urls = { images: folder + assetFileName(files.images), labels: folder + assetFileName(files.labels) };
  const entries = { images: manifest.files[files.images], labels: manifest.files[files.labels] };
  const total = entries.images.gzBytes + entries.labels.gzBytes;
  const loaded = { images: 0, labels: 0 };
  const report = () => opts.onProgress?.(loaded.images + loaded.labels, total);
  report();

  // One failed download stops its sibling; the caller's abort stops both.
  const stop = new AbortController();
  const onAbort = () => stop.abort(opts.signal?.reason);
  opts.signal?.addEventListener('abort', onAbort, { once: true });
  if (opts.signal?.aborted) onAbort();
  try {
    const download = (part: 'images' | 'labels') =>
      downloadAsset(urls[part], entries[part], stop.signal, (n) => { loaded[part] = n; report(); })
        .catch((e: unknown) => { stop.abort(e); throw e; });
    const [images, labels] = await Promise.all([download('images'), download('labels')]);
    throwIfAborted(opts.signal);
    return await assembleSplit(manifest, split, { images, labels }, urls, verify, hashWithoutLongTasks);
  } finally {
    opts.signal?.removeEventListener('abort', onAbort);
  }
}

/** True while the arrays still hold their data (not transferred to a worker, which detaches them). */
function intact(data: DataArrays): boolean {
  return data.images.length === data.count * IMAGE_SIZE && data.labels.length === data.count;
}

/**
 * Loads the official `split` of `dataset`. Cached per (baseUrl, dataset, split): a second call
 * returns the same arrays without downloading, unless they were transferred away (then it
 * downloads again). Callers sharing an in-flight load share its fate, abort included.
 */
export async function loadSplit(dataset: DatasetName, split: Split, opts: LoadSplitOptions): Promise<DataArrays> {
  const verify = opts.verify ?? true;
  if (opts.cache === false) return fetchSplit(dataset, split, opts, verify);
  const folder = folderUrl(dataset, opts.baseUrl);
  const key = `${folder}|${split}`;
  const cached = splitCache.get(key);
  if (cached !== undefined && (cached.verified || !verify)) {
    const data = await cached.data;
    if (intact(data)) {
      const manifest = await loadManifest(dataset, opts.baseUrl, opts.signal);
      const files = SPLIT_FILES[split];
      const total = manifest.files[files.images].gzBytes + manifest.files[files.labels].gzBytes;
      opts.onProgress?.(total, total);
      return data;
    }
    if (splitCache.get(key) === cached) splitCache.delete(key);
  }
  const entry: CachedSplit = { data: fetchSplit(dataset, split, opts, verify), verified: verify };
  splitCache.set(key, entry);
  entry.data.catch(() => { if (splitCache.get(key) === entry) splitCache.delete(key); });
  return entry.data;
}
