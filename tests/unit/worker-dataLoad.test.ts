// Workers fetch the training set themselves (loadData), run in Node on the real hosts with a stubbed
// fetch serving public/data from disk: a run waits for a load in flight, each worker of a pool that
// trains fetches its own copy (the HTTP cache answers in a browser) unless the page may share memory,
// the page loads only the test set, and a corrupt training file gives the page's clear message.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { clearDataCache, loadSplit, splitUrls } from '../../src/data/loadBrowser';
import { runtimeCachedUrls } from '../../src/offlineRules';
import { REPO_ROOT } from '../../src/data/loadNode';
import { createLab } from '../../src/state/lab';
import type { LoadSplit } from '../../src/state/session';
import { createLabClient } from '../../src/worker/client';
import { createWorkerPool } from '../../src/worker/pool';
import type { WorkerEvent } from '../../src/worker/protocol';
import { createSupervisedClient } from '../../src/worker/supervisor';
import { inProcessPool, InProcessWorker, recordingHost, tinyConfig, until } from './reliability-harness';

const BASE = 'http://lab.test/app/';
const mnist = (name: string) => `${BASE}data/mnist/${name}`;
const TRAIN_IMAGES = mnist('train-images-idx3-ubyte.gz');
const TRAIN_LABELS = mnist('train-labels-idx1-ubyte.gz');
const asset = (name: string) => new Uint8Array(readFileSync(join(REPO_ROOT, 'public/data/mnist', name)));

let requested: string[] = [];
const broken = new Map<string, Uint8Array<ArrayBuffer>>();

async function fakeFetch(input: string | URL | Request): Promise<Response> {
  const url = String(input);
  requested.push(url);
  const body = broken.get(url);
  if (body) return new Response(body, { status: 200 });
  try {
    return new Response(new Uint8Array(readFileSync(join(REPO_ROOT, 'public', url.slice(BASE.length)))), { status: 200 });
  } catch {
    return new Response('nope', { status: 404, statusText: 'Not Found' });
  }
}

/** The training labels with one label changed: a valid gzip whose checksum no longer matches. */
function corruptLabels(): Uint8Array<ArrayBuffer> {
  const labels = gunzipSync(asset('train-labels-idx1-ubyte.gz'));
  labels[500] = (labels[500] + 1) % 10;
  return new Uint8Array(gzipSync(labels));
}

const run = (seed: number) => tinyConfig({ seed, epochs: 1, trainLimit: 200 });
const fetchesOf = (url: string) => requested.filter((u) => u === url).length;

beforeEach(() => {
  requested = [];
  broken.clear();
  clearDataCache();
  vi.stubGlobal('fetch', fakeFetch);
});
afterEach(() => { vi.unstubAllGlobals(); });

describe('a worker fetches its training set', () => {
  it('checks it, reports progress, and a run sent before it landed waits for it', async () => {
    const { host, of } = recordingHost();
    await host.handle({ type: 'init', preferBackend: 'cpu' });
    await host.handle({ type: 'loadData', requestId: 7, dataset: 'mnist', split: 'test', baseUrl: BASE });
    // Not awaited: the run arrives while the training set is still downloading.
    const loading = host.handle({ type: 'loadData', requestId: 8, dataset: 'mnist', split: 'train', baseUrl: BASE });
    await host.handle({ type: 'train', runToken: 1, config: run(1) });
    await loading;
    expect(of('error')).toEqual([]);
    expect(of('dataReady').map((e) => [e.requestId, e.split, e.count, e.shared])).toEqual([[7, 'test', 10000, undefined], [8, 'train', 60000, undefined]]);
    const progress = of('dataProgress').filter((e) => e.requestId === 8);
    expect(progress.at(-1)).toMatchObject({ loadedBytes: progress[0].totalBytes, totalBytes: 9612640 + 28246 });
    expect(progress.length).toBeGreaterThan(1);
    expect(progress.length).toBeLessThanOrEqual(102); // at most one per percent
    expect(of('trainDone')).toHaveLength(1);
    expect(of('trainDone')[0].summary.finalAccuracy).toBeGreaterThan(0.15); // it learned: chance is 0.1
    // Asked again, it answers from what it holds.
    await host.handle({ type: 'loadData', requestId: 9, dataset: 'mnist', split: 'train', baseUrl: BASE });
    expect(of('dataReady').at(-1)).toMatchObject({ requestId: 9, count: 60000 });
    expect(fetchesOf(TRAIN_IMAGES)).toBe(1);
  });

  it('in a worker of a page that is not cross-origin isolated (no SharedArrayBuffer at all)', async () => {
    vi.stubGlobal('SharedArrayBuffer', undefined);
    const { host, of } = recordingHost();
    await host.handle({ type: 'loadData', requestId: 4, dataset: 'mnist', split: 'test', baseUrl: BASE, shared: true });
    expect(of('dataFailed')).toEqual([]);
    expect(of('dataReady')).toMatchObject([{ requestId: 4, split: 'test', count: 10000 }]);
    expect(of('dataReady')[0].shared).toBeUndefined();
  });

  it('into shared memory when asked, handing the buffers back', async () => {
    const { host, of } = recordingHost();
    await host.handle({ type: 'loadData', requestId: 3, dataset: 'mnist', split: 'train', baseUrl: BASE, shared: true });
    const [ready] = of('dataReady');
    expect(ready.shared?.images.buffer).toBeInstanceOf(SharedArrayBuffer);
    expect(ready.shared?.labels.buffer).toBeInstanceOf(SharedArrayBuffer);
    expect(ready.shared?.images.length).toBe(60000 * 784);
  });

  it('refuses a corrupt file with the file and the problem, and a run then fails saying so', async () => {
    broken.set(TRAIN_LABELS, corruptLabels());
    const { host, of } = recordingHost();
    await host.handle({ type: 'init', preferBackend: 'cpu' });
    await host.handle({ type: 'loadData', requestId: 1, dataset: 'mnist', split: 'test', baseUrl: BASE });
    await host.handle({ type: 'loadData', requestId: 2, dataset: 'mnist', split: 'train', baseUrl: BASE });
    const [failed] = of('dataFailed');
    expect(failed).toMatchObject({ requestId: 2, dataset: 'mnist', split: 'train' });
    expect(failed.message).toMatch(new RegExp(`^${TRAIN_LABELS}: checksum mismatch: expected SHA-256 [0-9a-f]{64}, actual [0-9a-f]{64}$`));
    await host.handle({ type: 'train', runToken: 1, config: run(1) });
    expect(of('error').at(-1)?.message).toBe(`Could not load the MNIST training set in the worker: ${failed.message}`);
    expect(of('trainStarted')).toEqual([]);
  });
});

function startPool(size: number, shareData: boolean) {
  const { pool, workers } = inProcessPool(size, shareData);
  const events: WorkerEvent[] = [];
  pool.subscribe((e) => events.push(e));
  const splitsAsked: string[] = [];
  const pageLoad: LoadSplit = (dataset, split, opts) => { splitsAsked.push(split); return loadSplit(dataset, split, opts); };
  const lab = createLab({ client: pool, loadSplit: pageLoad, baseUrl: BASE, galleryCount: 3, trainingSetInWorkers: true });
  return { pool, workers, events, lab, splitsAsked };
}

async function trainTwo(size: number, shareData: boolean) {
  const t = startPool(size, shareData);
  t.pool.send({ type: 'init', preferBackend: 'cpu' });
  expect(await t.lab.session.getState().ensureSplit('test')).toBe(true);
  expect(await t.lab.session.getState().ensureSplit('train')).toBe(true);
  expect(t.lab.session.getState().loads.train).toMatchObject({ status: 'ready', count: 60000, totalBytes: 9612640 + 28246 });
  const done = () => t.events.filter((e): e is Extract<WorkerEvent, { type: 'trainDone' }> => e.type === 'trainDone');
  // Two runs: with two workers at once, one on each; one worker trains them in turn.
  t.pool.send({ type: 'train', runToken: 1, config: run(1) });
  if (size === 1) await until(() => done().length === 1 || t.events.some((e) => e.type === 'error'), 'the first run', 60_000);
  t.pool.send({ type: 'train', runToken: 2, config: run(2) });
  await until(() => done().length === 2 || t.events.some((e) => e.type === 'error'), 'two runs', 60_000);
  expect(t.events.filter((e) => e.type === 'error')).toEqual([]);
  const accuracies = done().sort((a, b) => a.runToken - b.runToken).map((e) => e.summary.finalAccuracy);
  t.lab.dispose();
  t.pool.terminate();
  return { ...t, accuracies };
}

describe('a pool whose workers fetch the training set', () => {
  it('the page loads only the test set; each worker that trains fetches its own copy; results as on one worker', async () => {
    const two = await trainTwo(2, false);
    expect(two.splitsAsked).toEqual(['test']);
    expect(two.workers.map((w) => w.received.filter((c) => c.type === 'train').length)).toEqual([1, 1]);
    expect(two.workers.map((w) => w.received.filter((c) => c.type === 'loadData' && c.split === 'train').length)).toEqual([1, 1]);
    expect(two.workers.some((w) => w.received.some((c) => c.type === 'setData' && c.split === 'train'))).toBe(false);
    expect(fetchesOf(TRAIN_IMAGES)).toBe(2);
    // The workers resolve the page's base themselves: the command carries it absolute.
    expect(two.workers[0].received.find((c) => c.type === 'loadData')).toMatchObject({ baseUrl: BASE, shared: false });

    requested = [];
    const one = await trainTwo(1, false);
    expect(fetchesOf(TRAIN_IMAGES)).toBe(1);
    expect(one.accuracies).toEqual(two.accuracies);
  });

  it('where memory can be shared, one worker parses it and the others get the same buffers', async () => {
    const shared = await trainTwo(2, true);
    expect(fetchesOf(TRAIN_IMAGES)).toBe(1);
    const [first, second] = shared.workers;
    expect(first.received.filter((c) => c.type === 'loadData').map((c) => c.type === 'loadData' && c.shared)).toEqual([true]);
    const handed = second.received.find((c) => c.type === 'setData' && c.split === 'train');
    expect(handed?.type === 'setData' && handed.images.buffer).toBeInstanceOf(SharedArrayBuffer);
  });

  it('a corrupt training file gives the page the same clear message as before, and training refuses to start', async () => {
    broken.set(TRAIN_LABELS, corruptLabels());
    const { pool, lab } = startPool(2, false);
    lab.session.getState().start();
    lab.training.getState().setField('trainLimit', '200');
    await lab.training.getState().start();
    expect(lab.training.getState().run).toMatchObject({ status: 'failed', message: 'the data could not be loaded (see the message above)' });
    const messages = lab.session.getState().errors.map((e) => e.message);
    expect(messages).toEqual([expect.stringMatching(new RegExp(`^Could not load the MNIST training set: ${TRAIN_LABELS}: checksum mismatch: expected SHA-256`))]);
    expect(lab.session.getState().loads.train.status).toBe('error');
    lab.dispose();
    pool.terminate();
  });
});

describe('a crashed worker of the pool', () => {
  it('fetches the training set again for the run it resumes', async () => {
    const current: InProcessWorker[] = [];
    const pool = createWorkerPool({
      size: 2,
      spawn: (index) => createSupervisedClient({
        // Each start is a fresh worker: a crash loses everything it held.
        spawn: () => { current[index] = new InProcessWorker({ denseOnDevice: () => false }); return createLabClient(current[index]); },
      }),
    });
    const events: WorkerEvent[] = [];
    pool.subscribe((e) => events.push(e));
    const lab = createLab({ client: pool, loadSplit, baseUrl: BASE, galleryCount: 3, trainingSetInWorkers: true });
    pool.send({ type: 'init', preferBackend: 'cpu' });
    expect(await lab.session.getState().ensureSplit('test')).toBe(true);
    expect(await lab.session.getState().ensureSplit('train')).toBe(true);
    pool.send({ type: 'train', runToken: 1, config: run(1) });
    pool.send({ type: 'train', runToken: 2, config: tinyConfig({ seed: 2, epochs: 3, trainLimit: 200 }) });
    await until(() => events.some((e) => e.type === 'checkpoint' && e.runToken === 2), 'the second run\'s first checkpoint', 60_000);
    const modelId = (events.find((e) => e.type === 'trainStarted' && e.runToken === 2) as Extract<WorkerEvent, { type: 'trainStarted' }>).modelId;
    current[1].crash();
    await until(() => events.some((e) => e.type === 'workerRestarted'), 'the restart', 20_000);
    pool.send({ type: 'resumeTraining', runToken: 3, modelId });
    await until(() => events.some((e) => (e.type === 'trainDone' && e.runToken === 3) || (e.type === 'error' && e.runToken === 3)), 'the resumed run', 60_000);
    expect(events.filter((e) => e.type === 'error' && !e.fatal)).toEqual([]);
    expect(current[1].received.filter((c) => c.type === 'loadData').map((c) => c.type === 'loadData' && c.split)).toEqual(['train']);
    expect(events.find((e) => e.type === 'trainDone' && e.runToken === 3)).toMatchObject({ modelId });
    lab.dispose();
    pool.terminate();
  });
});

describe('the page tops up the offline cache with what the workers fetched', () => {
  it('names the training files under a relative or absolute base, and the service worker rule caches them', () => {
    const page = 'https://example.org/lab/?panel=train';
    const urls = splitUrls('fashion-mnist', 'train', './', page);
    expect(urls).toEqual(['https://example.org/lab/data/fashion-mnist/train-images-idx3-ubyte.gz', 'https://example.org/lab/data/fashion-mnist/train-labels-idx1-ubyte.gz']);
    expect(runtimeCachedUrls(urls, 'https://example.org/lab/')).toEqual(urls);
    expect(splitUrls('mnist', 'train', '/lab/', page)[0]).toBe('https://example.org/lab/data/mnist/train-images-idx3-ubyte.gz');
  });
});
