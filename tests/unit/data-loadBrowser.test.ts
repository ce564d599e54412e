// The browser loader run in Node: a stubbed fetch serves public/data from disk (streamed in
// chunks, honouring abort), or serves broken responses, to check progress, caching and errors.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { DataLoadError, clearDataCache, loadManifest, loadSplit } from '../../src/data/loadBrowser';
import { REPO_ROOT } from '../../src/data/loadNode';

const BASE = 'http://lab.test/app/';
const CHUNK = 64 * 1024;

interface Served {
  status?: number;
  body?: Uint8Array;
}

/** Per-URL overrides; anything else under BASE is read from public/. */
let overrides: Map<string, Served>;
let requested: string[];

function streamOf(bytes: Uint8Array, signal: AbortSignal | null | undefined): ReadableStream<Uint8Array> {
  let offset = 0;
  return new ReadableStream({
    pull(controller) {
      if (signal?.aborted) {
        controller.error(signal.reason);
        return;
      }
      if (offset >= bytes.length) {
        controller.close();
        return;
      }
      controller.enqueue(bytes.slice(offset, offset + CHUNK));
      offset += CHUNK;
    },
  });
}

async function fakeFetch(input: string | URL | Request, init?: RequestInit): Promise<Response> {
  const url = String(input);
  requested.push(url);
  if (init?.signal?.aborted) throw init.signal.reason;
  const override = overrides.get(url);
  if (override?.status !== undefined) return new Response('nope', { status: override.status, statusText: 'Not Found' });
  let body = override?.body;
  if (body === undefined) {
    if (!url.startsWith(BASE)) return new Response('nope', { status: 404 });
    try {
      body = new Uint8Array(readFileSync(join(REPO_ROOT, 'public', url.slice(BASE.length))));
    } catch {
      return new Response('nope', { status: 404 });
    }
  }
  return new Response(streamOf(body, init?.signal), { status: 200 });
}

const asset = (name: string) => new Uint8Array(readFileSync(join(REPO_ROOT, 'public/data/mnist', name)));
const url = (name: string) => `${BASE}data/mnist/${name}`;
const manifest = JSON.parse(readFileSync(join(REPO_ROOT, 'public/data/mnist/manifest.json'), 'utf8')) as {
  files: Record<string, { gzBytes: number }>;
};
const TEST_TOTAL = manifest.files['t10k-images-idx3-ubyte'].gzBytes + manifest.files['t10k-labels-idx1-ubyte'].gzBytes;

async function rejection(p: Promise<unknown>): Promise<unknown> {
  return p.then(() => { throw new Error('expected a rejection'); }, (e: unknown) => e);
}

beforeEach(() => {
  overrides = new Map();
  requested = [];
  clearDataCache();
  vi.stubGlobal('fetch', fakeFetch);
});
afterEach(() => { vi.unstubAllGlobals(); });

describe('loadSplit', () => {
  it('loads the MNIST test split with monotone progress in compressed bytes', async () => {
    const progress: Array<[number, number]> = [];
    const data = await loadSplit('mnist', 'test', { baseUrl: BASE, onProgress: (a, b) => progress.push([a, b]) });
    expect(data.count).toBe(10000);
    expect(data.images.length).toBe(10000 * 784);
    expect(data.labels[0]).toBe(7);
    expect(progress[0]).toEqual([0, TEST_TOTAL]);
    expect(progress.at(-1)).toEqual([TEST_TOTAL, TEST_TOTAL]);
    expect(progress.length).toBeGreaterThan(10); // 1.6 MB in 64 kB chunks
    for (let i = 1; i < progress.length; i++) {
      expect(progress[i][0]).toBeGreaterThanOrEqual(progress[i - 1][0]);
      expect(progress[i][1]).toBe(TEST_TOTAL);
    }
    expect(requested.sort()).toEqual([url('manifest.json'), url('t10k-images-idx3-ubyte.gz'), url('t10k-labels-idx1-ubyte.gz')].sort());
  });

  it('serves a second call from the cache, and downloads again once the arrays were transferred away', async () => {
    const first = await loadSplit('mnist', 'test', { baseUrl: BASE });
    const fetches = requested.length;
    const progress: Array<[number, number]> = [];
    const second = await loadSplit('mnist', 'test', { baseUrl: BASE, onProgress: (a, b) => progress.push([a, b]) });
    expect(second).toBe(first);
    expect(requested.length).toBe(fetches);
    expect(progress).toEqual([[TEST_TOTAL, TEST_TOTAL]]);
    // Transferring to a worker detaches the buffers; the cache must not hand out empty arrays.
    structuredClone(first.images.buffer, { transfer: [first.images.buffer] });
    expect(first.images.length).toBe(0);
    const third = await loadSplit('mnist', 'test', { baseUrl: BASE });
    expect(third.images.length).toBe(10000 * 784);
    expect(requested.length).toBe(fetches + 2);
  });

  it('accepts a base URL without a trailing slash', async () => {
    const data = await loadSplit('mnist', 'test', { baseUrl: BASE.slice(0, -1) });
    expect(data.count).toBe(10000);
  });

  it('reports an HTTP error with the status and the URL, and retries on the next call', async () => {
    overrides.set(url('t10k-labels-idx1-ubyte.gz'), { status: 404 });
    const e = await rejection(loadSplit('mnist', 'test', { baseUrl: BASE }));
    expect(e).toBeInstanceOf(DataLoadError);
    expect((e as DataLoadError).file).toBe(url('t10k-labels-idx1-ubyte.gz'));
    expect((e as DataLoadError).message).toContain('HTTP 404 Not Found');
    overrides.clear();
    expect((await loadSplit('mnist', 'test', { baseUrl: BASE })).count).toBe(10000);
  });

  it('reports a truncated gzip as corrupt', async () => {
    const gz = asset('t10k-images-idx3-ubyte.gz');
    overrides.set(url('t10k-images-idx3-ubyte.gz'), { body: gz.subarray(0, gz.length - 5000) });
    const e = await rejection(loadSplit('mnist', 'test', { baseUrl: BASE }));
    expect(e).toBeInstanceOf(DataLoadError);
    expect((e as DataLoadError).file).toBe(url('t10k-images-idx3-ubyte.gz'));
    expect((e as DataLoadError).message).toContain('corrupt gzip data');
  });

  it('reports a checksum mismatch with both hashes; verify: false skips the check', async () => {
    const raw = gunzipSync(asset('t10k-labels-idx1-ubyte.gz'));
    raw[8] = (raw[8] + 1) % 10;
    overrides.set(url('t10k-labels-idx1-ubyte.gz'), { body: gzipSync(raw) });
    const e = await rejection(loadSplit('mnist', 'test', { baseUrl: BASE }));
    expect(e).toBeInstanceOf(DataLoadError);
    const message = (e as DataLoadError).message;
    expect(message).toContain(url('t10k-labels-idx1-ubyte.gz'));
    expect(message).toContain('checksum mismatch: expected SHA-256 ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2');
    expect(message).toMatch(/actual [0-9a-f]{64}$/);
    const unchecked = await loadSplit('mnist', 'test', { baseUrl: BASE, verify: false });
    expect(unchecked.labels[0]).toBe(raw[8]);
  });

  it('accepts a body the server already inflated (Content-Encoding: gzip on a .gz file)', async () => {
    for (const name of ['t10k-images-idx3-ubyte.gz', 't10k-labels-idx1-ubyte.gz']) {
      overrides.set(url(name), { body: gunzipSync(asset(name)) });
    }
    const progress: Array<[number, number]> = [];
    const data = await loadSplit('mnist', 'test', { baseUrl: BASE, onProgress: (a, b) => progress.push([a, b]) });
    expect(data.labels[0]).toBe(7);
    expect(progress.at(-1)).toEqual([TEST_TOTAL, TEST_TOTAL]);
  });

  it('rejects bytes that are neither gzip nor the expected file', async () => {
    overrides.set(url('t10k-images-idx3-ubyte.gz'), { body: new TextEncoder().encode('<html>not here</html>') });
    const e = await rejection(loadSplit('mnist', 'test', { baseUrl: BASE, verify: false }));
    expect(e).toBeInstanceOf(DataLoadError);
    expect((e as DataLoadError).message).toContain('decompressed to 21 bytes, the manifest says 7840016');
  });

  it('rejects with the abort reason when aborted mid-download, and loads again afterwards', async () => {
    const controller = new AbortController();
    const onProgress = (loaded: number) => { if (loaded > 200_000) controller.abort(); };
    const e = await rejection(loadSplit('mnist', 'test', { baseUrl: BASE, signal: controller.signal, onProgress }));
    expect(e).not.toBeInstanceOf(DataLoadError);
    expect((e as Error).name).toBe('AbortError');
    expect((await loadSplit('mnist', 'test', { baseUrl: BASE })).count).toBe(10000);
  });

  it('rejects an already-aborted load without downloading', async () => {
    const controller = new AbortController();
    controller.abort();
    const e = await rejection(loadSplit('fashion-mnist', 'train', { baseUrl: BASE, signal: controller.signal }));
    expect((e as Error).name).toBe('AbortError');
    expect(requested.filter((u) => u.endsWith('.gz'))).toEqual([]);
  });
});

describe('loadManifest', () => {
  it('returns the validated manifest and caches it', async () => {
    const m = await loadManifest('fashion-mnist', BASE);
    expect(m.classNames[9]).toBe('Ankle boot');
    expect(await loadManifest('fashion-mnist', BASE)).toBe(m);
    expect(requested).toEqual([`${BASE}data/fashion-mnist/manifest.json`]);
  });

  it('reports invalid JSON, naming the URL', async () => {
    overrides.set(url('manifest.json'), { body: new TextEncoder().encode('<!doctype html>') });
    const e = await rejection(loadManifest('mnist', BASE));
    expect(e).toBeInstanceOf(DataLoadError);
    expect((e as DataLoadError).message).toContain(`${url('manifest.json')}: not valid JSON`);
  });
});
