// Several runs in the Train panel: the queue rules, a store driven by a fake two-worker client (runs
// side by side, each with its own progress, a third one queued until a worker frees, stop and focus per
// run, a crash on one worker), and two runs at once on a real pool of in-process hosts.
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { selectBackend } from '../../src/engine/backend';
import { DEFAULT_CONFIG, type DataArrays, type DatasetName, type TrainConfig } from '../../src/engine/types';
import { createLab } from '../../src/state/lab';
import { afterRestart, holdsWorker, IDLE_RUN, nextToStart, queueMessage, runName, type RunState, type RunStatus } from '../../src/state/trainingRuns';
import { createLabClient } from '../../src/worker/client';
import { createWorkerPool } from '../../src/worker/pool';
import type { EpochReport, Split } from '../../src/worker/protocol';
import { createSupervisedClient } from '../../src/worker/supervisor';
import { FakeClient } from './fakeClient';
import { InProcessWorker, TEST, tinyConfig, TRAIN, until } from './reliability-harness';

const run = (runToken: number, status: RunStatus): RunState => ({ ...IDLE_RUN, runToken, number: runToken, status, config: { ...DEFAULT_CONFIG, seed: runToken } });
const copy = (d: DataArrays): DataArrays => ({ images: d.images.slice(), labels: d.labels.slice(), count: d.count });
const flush = () => new Promise((r) => setTimeout(r, 0));

function report(epoch: number, accuracy: number): EpochReport {
  return {
    epoch, trainLoss: 1 / epoch, testAccuracy: accuracy, testLoss: 0.5, perClass: new Float32Array(10), seconds: 1, samplesPerSecond: 500, zeta: 0.3,
    layers: [0, 1, 2].map(() => ({ links: 100, removed: new Int32Array(30), added: new Int32Array(30), kept: 70 })), topology: [],
  };
}

/** A fake worker client that says it is a pool of `workers`. */
class FakePool extends FakeClient {
  constructor(private readonly size: number) { super(); }
  workers() { return this.size; }
}

/** Fills the form with a tiny run on the 300 synthetic images. */
function fillForm(lab: ReturnType<typeof createLab>, config: TrainConfig) {
  const fields = { strategy: config.strategy, hidden: config.hidden, density: config.density, epochs: config.epochs, batchSize: config.batchSize, learningRate: config.learningRate, seed: config.seed, trainLimit: 300 } as const;
  for (const [name, value] of Object.entries(fields)) lab.training.getState().setField(name as keyof typeof fields, String(value));
  expect(lab.training.getState().problems).toEqual([]);
}

describe('the run queue', () => {
  it('starts the oldest queued run while a worker is free, and says how long the queue is', () => {
    const runs = [run(1, 'running'), run(2, 'finished'), run(3, 'queued'), run(4, 'queued')];
    expect(nextToStart(runs, 1)).toBeNull();
    expect(nextToStart(runs, 2)?.runToken).toBe(3);
    expect(nextToStart([run(1, 'paused'), run(2, 'loading-data'), run(3, 'queued')], 2)).toBeNull(); // paused and loading runs hold workers
    expect(nextToStart([run(1, 'stopped'), run(2, 'failed')], 2)).toBeNull(); // nothing waits
    expect(holdsWorker('queued')).toBe(false);
    expect(holdsWorker('stopping')).toBe(true);
    expect(queueMessage(runs, 1)).toBe('waiting for a free worker: 1 run here uses the only worker; 2 waiting');
    expect(queueMessage([run(1, 'running'), run(2, 'paused'), run(3, 'queued')], 4, 2)).toBe('waiting for a free worker: 2 runs here and 2 networks of the Experiment use all 4 workers; 1 waiting');
    expect(runName({ ...run(2, 'running'), config: { ...DEFAULT_CONFIG, strategy: 'rigl', hidden: 32, seed: 7 } })).toBe('Run 2 · RigL · H=32 · seed 7');
  });
});

describe('an interrupted run after a restart', () => {
  const restored = [{ modelId: 'w1-m1', epoch: 2, epochs: 4, fromFile: false }, { modelId: 'm9', epoch: 3, epochs: 3, fromFile: false }, { modelId: 'm5', epoch: 1, epochs: 1, fromFile: true }];
  const said = 'crashed';
  it('continues from the restored checkpoint, once per epoch', () => {
    expect(afterRestart({ modelId: 'w1-m1', hadEpoch: true, status: 'running' }, said, restored, new Map())).toEqual({ kind: 'continue', modelId: 'w1-m1', fromEpoch: 2 });
    expect(afterRestart({ modelId: 'w1-m1', hadEpoch: true, status: 'running' }, said, restored, new Map([['w1-m1', 2]]))).toEqual({
      kind: 'message', message: 'crashed; it crashed again from the checkpoint of epoch 2, so it is not continued again',
    });
    expect(afterRestart({ modelId: 'm9', hadEpoch: true, status: 'running' }, said, restored, new Map())).toEqual({ kind: 'message', message: 'crashed; all 3 epochs had finished, and the model was restored' });
  });

  it('trains on in its state when its model was on another worker; with no epoch finished it cannot tell and says so', () => {
    expect(afterRestart({ modelId: 'm1', hadEpoch: true, status: 'paused' }, said, restored, new Map())).toEqual({ kind: 'trains-on', status: 'paused' });
    expect(afterRestart({ modelId: 'm5', hadEpoch: false, status: 'running' }, said, restored, new Map())).toEqual({
      kind: 'message', message: 'crashed; no epoch had finished, so there was nothing to keep: press Train to start again',
    });
    expect(afterRestart({ modelId: null, hadEpoch: false, status: 'starting' }, said, restored, new Map()).kind).toBe('message');
  });
});

describe('the training store with several runs', () => {
  function makeLab(workers: number) {
    const client = new FakePool(workers);
    const loadSplit = async (_d: DatasetName, split: Split) => copy(split === 'train' ? TRAIN : TEST);
    const lab = createLab({ client, loadSplit, baseUrl: '/', galleryCount: 2 });
    fillForm(lab, tinyConfig());
    return { client, lab, t: lab.training };
  }

  it('trains two runs side by side, queues a third until a worker frees, and keeps each run\'s own progress', async () => {
    const { client, lab, t } = makeLab(2);
    await t.getState().start();
    t.getState().setField('seed', '6'); // the form stays editable: the next run's settings
    await t.getState().start();
    const [a, b] = client.of('train');
    expect([a.config.seed, b.config.seed]).toEqual([5, 6]);
    expect(t.getState().runs.map((r) => r.status)).toEqual(['starting', 'starting']);
    expect(t.getState().focused).toBe(b.runToken); // the panel follows the newest run
    t.getState().setField('strategy', 'static');
    await t.getState().start();
    expect(client.of('train')).toHaveLength(2);
    const third = t.getState().runs[2];
    expect(third).toMatchObject({ status: 'queued', message: 'waiting for a free worker: 2 runs here use all 2 workers; 1 waiting' });

    client.emit({ type: 'trainStarted', runToken: a.runToken, modelId: 'm1', config: a.config, path: 'sparse-cpu', initialTopology: [] });
    client.emit({ type: 'trainStarted', runToken: b.runToken, modelId: 'w1-m1', config: b.config, path: 'sparse-cpu', initialTopology: [] });
    client.emit({ type: 'progress', runToken: a.runToken, modelId: 'm1', epoch: 1, batch: 5, batchesPerEpoch: 15, samplesPerSecond: 100 });
    client.emit({ type: 'progress', runToken: b.runToken, modelId: 'w1-m1', epoch: 2, batch: 1, batchesPerEpoch: 15, samplesPerSecond: 50 });
    const [ra, rb] = t.getState().runs;
    expect(ra.progress).toMatchObject({ epoch: 1, batch: 5 });
    expect(rb.progress).toMatchObject({ epoch: 2, batch: 1 });
    expect(t.getState().progress).toBeNull(); // the followed run (the newest, queued) has none
    t.getState().focus(b.runToken);
    expect(t.getState().progress).toEqual(rb.progress);
    t.getState().focus(a.runToken);
    expect(t.getState().run.modelId).toBe('m1');
    expect(t.getState().progress).toEqual(ra.progress);
    client.emit({ type: 'epoch', runToken: a.runToken, modelId: 'm1', event: report(1, 0.5) });
    client.emit({ type: 'epoch', runToken: b.runToken, modelId: 'w1-m1', event: report(1, 0.6) });
    expect(t.getState().histories).toMatchObject({ m1: [{ testAccuracy: 0.5 }], 'w1-m1': [{ testAccuracy: 0.6 }] });
    expect(t.getState().latest?.modelId).toBe('m1'); // the followed run's newest epoch

    // Pause and stop act on the followed run only.
    t.getState().pause();
    expect(client.last('pause')).toEqual({ type: 'pause', runToken: a.runToken });
    t.getState().stopRun(b.runToken);
    expect(client.last('stop')).toEqual({ type: 'stop', runToken: b.runToken });
    expect(t.getState().runs[1].status).toBe('stopping');
    client.emit({ type: 'trainDone', runToken: b.runToken, modelId: 'w1-m1', summary: { modelId: 'w1-m1', epochsCompleted: 1, finalAccuracy: 0.6, stoppedEarly: true, seconds: 1 } });
    await flush();
    // Its worker is free: the queued run starts on it.
    expect(t.getState().runs.map((r) => r.status)).toEqual(['running', 'stopped', 'starting']);
    expect(client.of('train').map((c) => c.config.strategy)).toEqual(['set', 'set', 'static']);
    expect(t.getState().runs[2].message).toBeNull();
    client.emit({ type: 'trainDone', runToken: a.runToken, modelId: 'm1', summary: { modelId: 'm1', epochsCompleted: 4, finalAccuracy: 0.7, stoppedEarly: false, seconds: 1 } });
    expect(t.getState().run).toMatchObject({ status: 'finished', modelId: 'm1' });
    expect(lab.models.getState().models.map((m) => [m.id, m.status])).toEqual([['m1', 'trained'], ['w1-m1', 'stopped']]);
    lab.dispose();
  });

  it('one worker: the second run waits, and a queued run stops without ever being sent', async () => {
    const { client, t } = makeLab(1);
    await t.getState().start();
    await t.getState().start();
    await t.getState().start();
    expect(client.of('train')).toHaveLength(1);
    expect(t.getState().runs.map((r) => r.status)).toEqual(['starting', 'queued', 'queued']);
    expect(t.getState().run).toMatchObject({ status: 'queued', message: expect.stringContaining('1 run here uses the only worker') });
    t.getState().stop(); // the followed run: the third, still queued
    expect(t.getState().runs[2]).toMatchObject({ status: 'stopped', message: 'stopped before training began' });
    const [first] = client.of('train');
    client.emit({ type: 'error', runToken: first.runToken, message: 'trainHost.ts: bad config' });
    await flush();
    expect(t.getState().runs.map((r) => r.status)).toEqual(['failed', 'starting', 'stopped']);
    expect(client.of('train')).toHaveLength(2);
  });

  it('counts the Experiment\'s networks in training as busy workers, and starts a queued run when one ends', async () => {
    const { client, lab, t } = makeLab(2);
    const experimentRun = (status: string) => ({ ...lab.experiment.getState().runs[0], key: 'set', status }) as never;
    lab.experiment.setState({ runs: [experimentRun('training')] });
    await t.getState().start();
    await t.getState().start();
    expect(client.of('train')).toHaveLength(1);
    expect(t.getState().runs[1]).toMatchObject({ status: 'queued', message: 'waiting for a free worker: 1 run here and 1 network of the Experiment use all 2 workers; 1 waiting' });
    // The Experiment's network ends: its trainDone frees the worker.
    lab.experiment.setState({ runs: [experimentRun('trained')] });
    client.emit({ type: 'trainDone', runToken: 999, modelId: 'm9', summary: { modelId: 'm9', epochsCompleted: 1, finalAccuracy: 0.5, stoppedEarly: false, seconds: 1 } });
    expect(client.of('train')).toHaveLength(1);
    await flush();
    expect(client.of('train')).toHaveLength(2);
    expect(t.getState().runs[1].status).toBe('starting');
  });

  it('after a crash, the crashed worker\'s run continues from its checkpoint and the other worker\'s trains on', async () => {
    const { client, t } = makeLab(2);
    await t.getState().start();
    await t.getState().start();
    const [a, b] = client.of('train');
    client.emit({ type: 'trainStarted', runToken: a.runToken, modelId: 'm1', config: a.config, path: 'sparse-cpu', initialTopology: [] });
    client.emit({ type: 'trainStarted', runToken: b.runToken, modelId: 'w1-m1', config: b.config, path: 'sparse-cpu', initialTopology: [] });
    for (const [token, id] of [[a.runToken, 'm1'], [b.runToken, 'w1-m1']] as const) client.emit({ type: 'epoch', runToken: token, modelId: id, event: report(1, 0.5) });
    client.emit({ type: 'error', fatal: true, restarting: true, message: 'worker 2 crashed' });
    expect(t.getState().runs.map((r) => r.status)).toEqual(['failed', 'failed']); // which worker died is not known yet
    client.emit({ type: 'workerRestarted', restarts: 1, maxRestarts: 3, models: [{ modelId: 'w1-m1', epoch: 1, epochs: 4, fromFile: false }] });
    await flush();
    await flush();
    // The first run was on the healthy worker: it is running again; the second continues in the new worker.
    expect(t.getState().runs[0]).toMatchObject({ status: 'running', message: null });
    expect(client.last('resumeTraining')).toMatchObject({ modelId: 'w1-m1' });
    expect(t.getState().runs[1]).toMatchObject({ status: 'starting', message: expect.stringContaining('continued from the checkpoint of epoch 1') });
    client.emit({ type: 'progress', runToken: a.runToken, modelId: 'm1', epoch: 2, batch: 3, batchesPerEpoch: 15, samplesPerSecond: 100 });
    expect(t.getState().runs[0].progress).toMatchObject({ epoch: 2 });
  });
});

describe('two runs at once on a real pool', () => {
  it('both finish on their own workers, land in the model list, and leave no tensors behind', async () => {
    const workers: InProcessWorker[] = [];
    const pool = createWorkerPool({
      size: 2,
      spawn: () => {
        const worker = new InProcessWorker({ selectBackend: (_p, exclude) => selectBackend('cpu', exclude), denseOnDevice: () => false });
        workers.push(worker);
        return createSupervisedClient({ spawn: () => createLabClient(worker) });
      },
    });
    const loadSplit = async (_d: DatasetName, split: Split) => copy(split === 'train' ? TRAIN : TEST);
    const lab = createLab({ client: pool, loadSplit, baseUrl: '/', galleryCount: 2 });
    lab.session.getState().start();
    const before = tf.memory().numTensors;
    fillForm(lab, tinyConfig({ epochs: 3 }));
    await lab.training.getState().start();
    fillForm(lab, tinyConfig({ epochs: 3, strategy: 'static', seed: 9 }));
    await lab.training.getState().start();
    // Both train at the same time, one on each worker.
    expect(workers.map((w) => w.received.filter((c) => c.type === 'train').length)).toEqual([1, 1]);
    const t = lab.training;
    await until(() => t.getState().runs.every((r) => r.status === 'finished' || r.status === 'failed'), 'both runs', 60_000);
    expect(t.getState().runs.map((r) => r.status)).toEqual(['finished', 'finished']);
    const models = lab.models.getState().models;
    expect(models.map((m) => [m.strategy, m.status, m.epochsCompleted])).toEqual([['set', 'trained', 3], ['static', 'trained', 3]]);
    expect(new Set(models.map((m) => m.id)).size).toBe(2);
    for (const m of models) expect(t.getState().histories[m.id].map((h) => h.epoch)).toEqual([1, 2, 3]);
    expect(tf.memory().numTensors).toBe(before);
    lab.dispose();
  }, 90_000);
});
