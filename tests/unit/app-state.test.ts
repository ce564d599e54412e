// The page's zustand stores driven in Node by a fake worker client and a fake data loader: data
// loading order, run tokens, stale events, progress, histories and the model list.
import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG, type DataArrays, type DatasetName } from '../../src/engine/types';
import { createLab } from '../../src/state/lab';
import type { LoadOptions } from '../../src/state/session';
import type { EpochReport, Split } from '../../src/worker/protocol';
import { FakeClient } from './fakeClient';


interface PendingLoad { dataset: DatasetName; split: Split; opts: LoadOptions; resolve(d: DataArrays): void; reject(e: Error): void }

/** A loader whose loads finish when the test says so. */
function fakeLoader() {
  const pending: PendingLoad[] = [];
  const loadSplit = (dataset: DatasetName, split: Split, opts: LoadOptions) =>
    new Promise<DataArrays>((resolve, reject) => pending.push({ dataset, split, opts, resolve, reject }));
  return { pending, loadSplit };
}

function data(count: number, firstLabel: number): DataArrays {
  const images = new Uint8Array(count * 784).map((_, i) => i % 251);
  const labels = new Uint8Array(count).map((_, i) => (firstLabel + i) % 10);
  return { images, labels, count };
}

const flush = () => new Promise((r) => setTimeout(r, 0));

function makeLab() {
  const client = new FakeClient();
  const loader = fakeLoader();
  const lab = createLab({ client, loadSplit: loader.loadSplit, baseUrl: '/base/', galleryCount: 4 });
  return { client, loader, lab };
}

function report(epoch: number, accuracy: number): EpochReport {
  return {
    epoch, trainLoss: 1 / epoch, testAccuracy: accuracy, testLoss: 0.5, perClass: new Float32Array(10),
    seconds: 1, samplesPerSecond: 500, zeta: 0.3,
    layers: [0, 1, 2].map(() => ({ links: 100, removed: new Int32Array(30), added: new Int32Array(30), kept: 70 })),
    topology: [],
  };
}

describe('session store', () => {
  it('starts the worker, loads the test set first, keeps a gallery copy and transfers the rest', async () => {
    const { client, loader, lab } = makeLab();
    lab.session.getState().start();
    expect(client.types()).toEqual(['init']);
    expect(loader.pending.map((p) => `${p.dataset}/${p.split}`)).toEqual(['mnist/test']);
    expect(loader.pending[0].opts.baseUrl).toBe('/base/');

    loader.pending[0].opts.onProgress?.(500, 2000);
    expect(lab.session.getState().loads.test).toMatchObject({ status: 'loading', loadedBytes: 500, totalBytes: 2000 });

    loader.pending[0].resolve(data(10, 7));
    await flush();
    const s = lab.session.getState();
    expect(s.loads.test).toMatchObject({ status: 'ready', count: 10 });
    expect(s.loads.train.status).toBe('idle'); // the training set waits for the first run
    expect(s.gallery?.count).toBe(4);
    expect(Array.from(s.gallery!.labels)).toEqual([7, 8, 9, 0]);
    expect(s.gallery!.images.length).toBe(4 * 784);
    expect(s.gallery!.images[785]).toBe(785 % 251);
    const setData = client.sent[1];
    expect(setData).toMatchObject({ type: 'setData', dataset: 'mnist', split: 'test', count: 10 });
  });

  it('starts the worker on the backend a link names, and on the fastest real one otherwise', () => {
    const { client, lab } = makeLab();
    lab.session.getState().start();
    expect(client.sent[0]).toEqual({ type: 'init' });
    const named = new FakeClient();
    createLab({ client: named, loadSplit: fakeLoader().loadSplit, baseUrl: '/', galleryCount: 4, preferBackend: 'webgpu' }).session.getState().start();
    expect(named.sent[0]).toEqual({ type: 'init', preferBackend: 'webgpu' });
  });

  it('records the backend from the ready event', () => {
    const { client, lab } = makeLab();
    client.emit({ type: 'ready', backend: 'webgpu', adapter: { vendor: 'google', architecture: 'swiftshader' }, path: 'masked-dense' });
    expect(lab.session.getState().backend).toMatchObject({ status: 'ready', name: 'webgpu', path: 'masked-dense' });
    expect(lab.session.getState().backend.skippedSoftware).toBeUndefined();
    client.emit({ type: 'ready', backend: 'cpu', path: 'sparse-cpu', fallbackReason: 'webgpu: the adapter … is a software rasteriser', skippedSoftware: true });
    expect(lab.session.getState().backend).toMatchObject({ status: 'ready', name: 'cpu', skippedSoftware: true });
  });

  it('switching dataset abandons the old load and loads the new test set', async () => {
    const { client, loader, lab } = makeLab();
    lab.session.getState().start();
    lab.session.getState().setDataset('fashion-mnist');
    expect(loader.pending[0].opts.signal?.aborted).toBe(true);
    expect(loader.pending[1]).toMatchObject({ dataset: 'fashion-mnist', split: 'test' });
    loader.pending[0].resolve(data(10, 7)); // arrives late: must be ignored
    loader.pending[1].resolve(data(10, 9));
    await flush();
    expect(client.sent.filter((c) => c.type === 'setData').map((c) => c.type === 'setData' && c.dataset)).toEqual(['fashion-mnist']);
    expect(lab.session.getState().gallery?.dataset).toBe('fashion-mnist');
    expect(lab.session.getState().gallery?.labels[0]).toBe(9);
  });

  it('reports a load failure in the banner, and dismissing removes it', async () => {
    const { loader, lab } = makeLab();
    lab.session.getState().start();
    loader.pending[0].reject(new Error('data/mnist/t10k-images-idx3-ubyte.gz: HTTP 404'));
    await flush();
    const { errors, loads } = lab.session.getState();
    expect(loads.test.status).toBe('error');
    expect(errors).toHaveLength(1);
    expect(errors[0].message).toBe('Could not load the MNIST test set: data/mnist/t10k-images-idx3-ubyte.gz: HTTP 404');
    lab.session.getState().dismissError(errors[0].id);
    expect(lab.session.getState().errors).toEqual([]);
    // A failed load is not remembered: trying again downloads again.
    const retry = lab.session.getState().ensureSplit('test');
    expect(loader.pending).toHaveLength(2);
    loader.pending[1].resolve(data(10, 7));
    expect(await retry).toBe(true);
    expect(lab.session.getState().loads.test.status).toBe('ready');
  });

  it('does not load a split twice', async () => {
    const { loader, lab } = makeLab();
    const a = lab.session.getState().ensureSplit('train');
    const b = lab.session.getState().ensureSplit('train');
    expect(loader.pending).toHaveLength(1);
    loader.pending[0].resolve(data(5, 0));
    expect(await a).toBe(true);
    expect(await b).toBe(true);
    expect(await lab.session.getState().ensureSplit('train')).toBe(true);
    expect(loader.pending).toHaveLength(1);
  });
});

describe('training store', () => {
  it('validates the form inline and accepts a corrected value', () => {
    const { lab } = makeLab();
    const t = lab.training;
    expect(t.getState().problems).toEqual([]);
    expect(t.getState().config).toMatchObject({ hidden: 1000, density: 0.01, weightDecay: 1e-4, trainLimit: null });
    t.getState().setField('hidden', 'abc');
    expect(t.getState().config).toBeNull();
    expect(t.getState().problems).toEqual(['Hidden size H must be a number, got "abc"']);
    t.getState().setField('hidden', '32');
    t.getState().setField('batchSize', '5000');
    t.getState().setField('trainLimit', '1000');
    expect(t.getState().problems).toEqual(['batch size 5000 is larger than the training set (1000 images)']);
    t.getState().setField('batchSize', '64');
    expect(t.getState().config).toMatchObject({ hidden: 32, batchSize: 64, trainLimit: 1000 });
    t.getState().applyTrainSizePreset('full');
    expect(t.getState().form.trainLimit).toBe('60000');
    expect(t.getState().config?.trainLimit).toBeNull();
  });

  it('loads the training set before training, then follows the run through its events', async () => {
    const { client, loader, lab } = makeLab();
    const t = lab.training;
    lab.session.getState().start();
    loader.pending[0].resolve(data(10, 7));
    await flush();
    t.getState().setField('epochs', '2');
    t.getState().setField('batchSize', '10');
    const started = t.getState().start();
    expect(t.getState().run.status).toBe('loading-data');
    expect(loader.pending[1]).toMatchObject({ dataset: 'mnist', split: 'train' });
    loader.pending[1].resolve(data(100, 0));
    await started;
    const train = client.sent.at(-1)!;
    expect(train).toMatchObject({ type: 'train', config: { epochs: 2, batchSize: 10, dataset: 'mnist' } });
    const runToken = train.type === 'train' ? train.runToken : -1;
    expect(t.getState().run).toMatchObject({ status: 'starting', runToken });

    client.emit({ type: 'trainStarted', runToken, modelId: 'm1', config: t.getState().run.config!, path: 'masked-dense', initialTopology: [] });
    expect(t.getState().run).toMatchObject({ status: 'running', modelId: 'm1' });
    expect(lab.models.getState().models[0]).toMatchObject({ id: 'm1', status: 'training', label: 'SET · H=1000 · d=1% · decay 1e-4' });

    client.emit({ type: 'progress', runToken, modelId: 'm1', epoch: 1, batch: 5, batchesPerEpoch: 10, samplesPerSecond: 50 });
    // 5 batches left in epoch 1 plus 10 in epoch 2, 10 images each, at 50 images/s.
    expect(t.getState().progress).toMatchObject({ batch: 5, etaSeconds: 3 });

    t.getState().pause();
    expect(client.sent.at(-1)).toEqual({ type: 'pause', runToken });
    client.emit({ type: 'paused', runToken, modelId: 'm1' });
    expect(t.getState().run.status).toBe('paused');
    t.getState().resume();
    client.emit({ type: 'resumed', runToken, modelId: 'm1' });
    expect(t.getState().run.status).toBe('running');

    client.emit({ type: 'epoch', runToken, modelId: 'm1', event: report(1, 0.8) });
    client.emit({ type: 'epoch', runToken, modelId: 'm1', event: report(2, 0.85) });
    const history = t.getState().histories.m1;
    expect(history.map((h) => h.testAccuracy)).toEqual([0.8, 0.85]);
    expect(history[0].rewire[0]).toEqual({ links: 100, removed: 30, added: 30, kept: 70 });
    expect(t.getState().latest?.report.epoch).toBe(2);
    expect(lab.models.getState().models[0]).toMatchObject({ accuracy: 0.85, epochsCompleted: 2 });

    client.emit({ type: 'trainDone', runToken, modelId: 'm1', summary: { modelId: 'm1', epochsCompleted: 2, finalAccuracy: 0.85, stoppedEarly: false, seconds: 2 } });
    expect(t.getState().run.status).toBe('finished');
    expect(lab.models.getState().models[0].status).toBe('trained');
  });

  it('ignores events of a stale run and lets a worker crash fail the current one', async () => {
    const { client, loader, lab } = makeLab();
    const t = lab.training;
    t.getState().setField('trainLimit', '1000');
    const first = t.getState().start();
    loader.pending[0].resolve(data(10, 0)); // test
    await flush();
    loader.pending[1].resolve(data(1000, 0)); // train
    await first;
    const oldToken = t.getState().run.runToken;
    client.emit({ type: 'trainDone', runToken: oldToken, modelId: 'm1', summary: { modelId: 'm1', epochsCompleted: 0, finalAccuracy: null, stoppedEarly: true, seconds: 0 } });
    expect(t.getState().run.status).toBe('stopped');

    await t.getState().start(); // data already in the worker: no new loads
    expect(loader.pending).toHaveLength(2);
    const token = t.getState().run.runToken;
    expect(token).toBeGreaterThan(oldToken);
    client.emit({ type: 'progress', runToken: oldToken, modelId: 'm1', epoch: 3, batch: 1, batchesPerEpoch: 10, samplesPerSecond: 1 });
    expect(t.getState().progress).toBeNull();
    client.emit({ type: 'error', fatal: true, message: 'src/worker/worker.ts: the training worker crashed: boom' });
    expect(t.getState().run).toMatchObject({ status: 'failed', message: expect.stringContaining('boom') });
    expect(lab.session.getState().errors.map((e) => e.message)).toEqual(['src/worker/worker.ts: the training worker crashed: boom']);
  });

  it('a model continued after a crash or a lost GPU is listed as training again, on its new path, then trained', () => {
    const { client, lab } = makeLab();
    const config = { ...DEFAULT_CONFIG, epochs: 3 };
    client.emit({ type: 'trainStarted', runToken: 1, modelId: 'm1', config, path: 'masked-dense', initialTopology: [] });
    client.emit({ type: 'epoch', runToken: 1, modelId: 'm1', event: report(1, 0.8) });
    client.emit({ type: 'error', fatal: true, message: 'src/worker/worker.ts: the training worker crashed: boom' });
    expect(lab.models.getState().models[0]).toMatchObject({ id: 'm1', status: 'failed' });
    client.emit({ type: 'trainResumed', runToken: 2, modelId: 'm1', config, fromEpoch: 1, path: 'sparse-cpu', reason: 'restart' });
    expect(lab.models.getState().models[0]).toMatchObject({ id: 'm1', status: 'training', path: 'sparse-cpu', epochsCompleted: 1 });
    client.emit({ type: 'trainDone', runToken: 2, modelId: 'm1', summary: { modelId: 'm1', epochsCompleted: 3, finalAccuracy: 0.9, stoppedEarly: false, seconds: 3 } });
    expect(lab.models.getState().models[0]).toMatchObject({ status: 'trained', epochsCompleted: 3, accuracy: 0.9 });
  });

  it('stop while the data loads cancels the start without sending train', async () => {
    const { client, loader, lab } = makeLab();
    const started = lab.training.getState().start();
    lab.training.getState().stop();
    loader.pending[0].resolve(data(10, 0));
    await flush();
    loader.pending[1]?.resolve(data(100, 0));
    await started;
    expect(client.types()).not.toContain('train');
    expect(lab.training.getState().run.status).toBe('stopped');
  });
});
