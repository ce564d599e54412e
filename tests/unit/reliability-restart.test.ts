// A crashed worker: the page's supervisor reports it, starts a new worker, gives it every model back
// (checkpoints and loaded files, under their ids), the session sends the data again, and the
// interrupted run continues from its last checkpoint: the stores and the real host, in-process.
import { describe, expect, it } from 'vitest';
import { selectBackend } from '../../src/engine/backend';
import { initNetwork } from '../../src/engine/init';
import { serializeModel } from '../../src/engine/modelFile';
import { createRng } from '../../src/engine/rng';
import { createSparseCpuPath } from '../../src/engine/sparseCpu';
import { createTrainingRun } from '../../src/engine/train';
import type { DataArrays, DatasetName, TrainConfig } from '../../src/engine/types';
import { createLab } from '../../src/state/lab';
import { checkpointInterval, checkpointProblems, copyCheckpoint } from '../../src/worker/checkpoint';
import { createLabClient } from '../../src/worker/client';
import type { ModelCheckpoint, Split, WorkerEvent } from '../../src/worker/protocol';
import { createSupervisedClient } from '../../src/worker/supervisor';
import { InProcessWorker, TEST, tinyConfig, TRAIN, until } from './reliability-harness';

const copy = (d: DataArrays): DataArrays => ({ images: d.images.slice(), labels: d.labels.slice(), count: d.count });

function makeLab(maxRestarts = 3) {
  const workers: InProcessWorker[] = [];
  const client = createSupervisedClient({
    maxRestarts,
    spawn: () => {
      const worker = new InProcessWorker({ selectBackend: (_p, exclude) => selectBackend('cpu', exclude) });
      workers.push(worker);
      return createLabClient(worker);
    },
  });
  const loads: string[] = [];
  const loadSplit = async (dataset: DatasetName, split: Split) => {
    loads.push(`${dataset}/${split}`);
    return copy(split === 'train' ? TRAIN : TEST);
  };
  const lab = createLab({ client, loadSplit, baseUrl: '/', galleryCount: 2 });
  const events: WorkerEvent[] = [];
  client.subscribe((e) => events.push(e));
  return { lab, client, workers, loads, events, current: () => workers[workers.length - 1] };
}

/** Fills the Train panel's form with a tiny run on the 300 synthetic images. */
function fillForm(lab: ReturnType<typeof makeLab>['lab'], config: TrainConfig) {
  const t = lab.training.getState();
  const fields = { hidden: config.hidden, density: config.density, epochs: config.epochs, batchSize: config.batchSize, learningRate: config.learningRate, seed: config.seed, trainLimit: 300 } as const;
  for (const [name, value] of Object.entries(fields)) t.setField(name as keyof typeof fields, String(value));
  expect(lab.training.getState().problems).toEqual([]);
}

describe('a crashed worker', () => {
  it('is reported, restarted with every model, and the interrupted run continues from its checkpoint', async () => {
    const { lab, client, workers, loads, events, current } = makeLab();
    lab.session.getState().start();
    // A model loaded from a file before the crash must come back under its id.
    const fileConfig = tinyConfig({ epochs: 1 });
    const fileText = serializeModel({ config: fileConfig, state: initNetwork(fileConfig, createRng(2)), history: [] });
    const loaded = await lab.models.getState().loadModelFile(fileText, 'mine.json');
    expect(loaded).toEqual({ ok: true, modelId: 'm1' });

    const config = tinyConfig({ epochs: 4 });
    fillForm(lab, config);
    // Crash as soon as the page holds epoch 1's checkpoint: the worker is busy with epoch 2.
    const off = client.subscribe((e) => { if (e.type === 'checkpoint' && e.checkpoint.epoch === 1 && workers.length === 1) current().crash('out of memory'); });
    await lab.training.getState().start();
    await until(() => lab.training.getState().run.status === 'finished' || lab.training.getState().run.status === 'failed', 'the run to end');
    off();

    expect(workers).toHaveLength(2);
    expect(workers[0].terminated).toBe(true);
    expect(client.restarts()).toBe(1);
    const run = lab.training.getState().run;
    expect(run.status).toBe('finished');
    expect(run.message).toBe('the worker crashed and was restarted; continued from the checkpoint of epoch 1');
    expect(lab.training.getState().histories.m2.map((h) => h.epoch)).toEqual([1, 2, 3, 4]);
    // The banner: the crash, then the restart notice.
    const banner = lab.session.getState().errors.map((e) => e.message);
    expect(banner[0]).toMatch(/the training worker crashed: out of memory/);
    expect(banner[1]).toBe('The training worker was restarted (1 of at most 3 times); 2 models restored from the last checkpoints.');
    // The new worker got init, both models, then its data again (loaded anew), then the resume.
    const received = workers[1].received.map((c) => (c.type === 'restoreModel' ? `restore ${c.modelId} ${c.restore.kind}` : c.type === 'setData' ? `setData ${c.split}` : c.type));
    expect(received.slice(0, 3)).toEqual(['init', 'restore m1 file', 'restore m2 checkpoint']);
    expect(received.slice(3, 5).sort()).toEqual(['setData test', 'setData train']);
    expect(received[5]).toBe('resumeTraining');
    expect(loads.slice(-2).sort()).toEqual(['mnist/test', 'mnist/train']);
    expect(events.find((e) => e.type === 'trainResumed')).toMatchObject({ modelId: 'm2', fromEpoch: 1, reason: 'restart' });
    // The model list: the crash marked the run failed, the continued run finished it.
    expect(lab.models.getState().models.find((m) => m.id === 'm2')).toMatchObject({ status: 'trained', epochsCompleted: 4 });
    // Continuing in the new worker gave exactly the network of a run that never crashed (CPU path).
    const host = workers[1].host;
    const uninterrupted = await createTrainingRun(run.config!, createSparseCpuPath(), TRAIN, TEST).run();
    expect(host.model('m2')!.state.layers.map((l) => l.weights)).toEqual(uninterrupted.state.layers.map((l) => l.weights));
    expect(host.model('m2')!.history.map((h) => h.trainLoss)).toEqual(uninterrupted.history.map((h) => h.trainLoss));
    expect(host.model('m1')!.source).toEqual({ fileName: 'mine.json', label: 'mine' });
    // New models never take a restored id.
    lab.training.getState().setField('epochs', '1');
    await lab.training.getState().start();
    await until(() => lab.training.getState().run.status === 'finished', 'the second run');
    expect(host.modelIds().sort()).toEqual(['m1', 'm2', 'm3']);
    lab.dispose();
  });

  it('a crash while idle sends the data back, and every model evaluates as before', async () => {
    const { lab, client, workers, events } = makeLab();
    lab.session.getState().start();
    fillForm(lab, tinyConfig({ epochs: 2 }));
    await lab.training.getState().start();
    await until(() => lab.training.getState().run.status === 'finished', 'the run');
    const setting = { removal: 0.3, shuffle: 0, attack: { kind: 'fgsm' as const, epsilon: 0 } };
    const accuracy = async (requestId: number) => {
      client.send({ type: 'evaluate', requestId, modelIds: ['m1'], setting, seed: 3 });
      await until(() => events.some((e) => e.type === 'evaluation' && e.requestId === requestId), `evaluation ${requestId}`);
      return (events.find((e) => e.type === 'evaluation' && e.requestId === requestId) as Extract<WorkerEvent, { type: 'evaluation' }>).results[0].accuracy;
    };
    const before = await accuracy(1001);
    workers[0].crash('lost');
    await until(() => workers[1].received.filter((c) => c.type === 'setData').length === 2, 'the data sent again');
    expect(lab.training.getState().run.status).toBe('finished'); // nothing was running: nothing to continue
    expect(await accuracy(1002)).toBe(before);
    lab.dispose();
  });

  it('gives up after the most restarts, asking for a reload; later commands are refused with a message', async () => {
    const { lab, client, workers, events } = makeLab(2);
    lab.session.getState().start();
    await until(() => lab.session.getState().loads.test.status === 'ready', 'the test set');
    for (let crash = 1; crash <= 3; crash++) workers[workers.length - 1].crash(`crash ${crash}`);
    expect(workers).toHaveLength(3);
    expect(client.restarts()).toBe(2);
    const fatal = events.filter((e): e is Extract<WorkerEvent, { type: 'error' }> => e.type === 'error' && e.fatal === true);
    expect(fatal.map((e) => e.message.replace(/^.*crashed: /, ''))).toEqual([
      'crash 1 (worker.js:1)', 'crash 2 (worker.js:1)', 'crash 3 (worker.js:1); it crashed 3 times, so it is not restarted again: reload the page',
    ]);
    // Only the crashes that a new worker follows say so (the experiment waits for those).
    expect(fatal.map((e) => e.restarting === true)).toEqual([true, true, false]);
    client.send({ type: 'pause', runToken: 1 });
    expect(events.at(-1)).toMatchObject({ type: 'error', message: expect.stringMatching(/cannot send "pause": the training worker has crashed; reload the page/) });
    lab.dispose();
  });

  it('a run that crashed before its first epoch ended cannot continue, and says so', async () => {
    const { lab, client, current } = makeLab();
    lab.session.getState().start();
    fillForm(lab, tinyConfig({ epochs: 2 }));
    const off = client.subscribe((e) => { if (e.type === 'progress') current().crash('gone'); });
    await lab.training.getState().start();
    await until(() => lab.training.getState().run.message?.includes('press Train') === true, 'the failure message');
    off();
    expect(lab.training.getState().run.status).toBe('failed');
    expect(lab.training.getState().run.message).toMatch(/crashed: gone .*; no epoch had finished, so there was nothing to keep: press Train to start again$/);
    lab.dispose();
  });

  it('a run that crashes again from the same checkpoint is not continued a second time', async () => {
    const { lab, client, workers, current } = makeLab();
    lab.session.getState().start();
    fillForm(lab, tinyConfig({ epochs: 4 }));
    // Crash at epoch 1's checkpoint, then again as soon as the continued run shows progress.
    const off = client.subscribe((e) => {
      if (workers.length === 1 && e.type === 'checkpoint' && e.checkpoint.epoch === 1) current().crash('first');
      else if (workers.length === 2 && e.type === 'progress') current().crash('second');
    });
    await lab.training.getState().start();
    await until(() => lab.training.getState().run.message?.includes('not continued again') === true, 'the second failure');
    off();
    expect(workers).toHaveLength(3);
    expect(lab.training.getState().run.status).toBe('failed');
    expect(lab.training.getState().run.message).toMatch(/it crashed again from the checkpoint of epoch 1, so it is not continued again$/);
    // The model is still there, at its checkpoint, in the third worker.
    await until(() => workers[2].host.model('m1') !== undefined, 'the restored model');
    expect(workers[2].host.model('m1')!.history).toHaveLength(1);
    lab.dispose();
  });
});

describe('checkpoints', () => {
  const config = tinyConfig({ epochs: 2 });
  const good: ModelCheckpoint = { modelId: 'm4', config, epoch: 1, state: initNetwork(config, createRng(1)), history: [] };
  good.history.push({ epoch: 1, trainLoss: 1, testAccuracy: 0.5, testLoss: 1, perClass: new Array(10).fill(0.5), seconds: 1, samplesPerSecond: 1, zeta: 0.3, layers: [] });

  it('go every epoch for sparse models and every few for large dense ones', () => {
    const paper = { ...config, hidden: 1000, density: 0.01 };
    expect(checkpointInterval(initNetwork(paper, createRng(1)))).toBe(1);
    expect(checkpointInterval(initNetwork({ ...paper, strategy: 'dense' }, createRng(1)))).toBe(5);
  });

  it('are copied for sending and checked before a restarted worker trusts them', async () => {
    const twin = copyCheckpoint(good);
    expect(twin).toEqual(good);
    expect(twin.state.layers[0].weights).not.toBe(good.state.layers[0].weights);
    expect(checkpointProblems(good)).toEqual([]);
    const broken = copyCheckpoint(good);
    broken.state.layers[1].weights = new Float32Array(3);
    broken.state.moments[2].vB = new Float32Array(1);
    broken.history = [];
    expect(checkpointProblems(broken)).toEqual([
      'the history has 0 epochs, not 1', 'layer 1 needs 51 weights', 'layer 2\'s optimizer moments do not match its weights and biases',
    ]);
    expect(checkpointProblems({ ...good, config: { ...config, density: 0 } })).toEqual(['config: density must be in (0, 1], got 0']);

    const worker = new InProcessWorker();
    const seen: WorkerEvent[] = [];
    const client = createLabClient(worker);
    client.subscribe((e) => seen.push(e));
    client.send({ type: 'restoreModel', modelId: 'm4', restore: { kind: 'checkpoint', checkpoint: broken } });
    client.send({ type: 'restoreModel', modelId: 'm9', restore: { kind: 'file', text: '{"format": 1', fileName: 'lost.json', label: 'lost' } });
    await until(() => seen.length === 2, 'two errors');
    expect(seen.map((e) => e.type === 'error' && e.message)).toEqual([
      expect.stringMatching(/^src\/worker\/host\.ts: cannot restore m4: its checkpoint is unusable \(the history has 0 epochs, not 1; layer 1 needs 51 weights;/),
      expect.stringMatching(/^src\/worker\/host\.ts: cannot restore m9: lost\.json: not valid JSON/),
    ]);
    expect(worker.host.modelIds()).toEqual([]);
    client.send({ type: 'restoreModel', modelId: 'm4', restore: { kind: 'checkpoint', checkpoint: copyCheckpoint(good) } });
    await until(() => worker.host.modelIds().length === 1, 'the restored model');
    expect(worker.host.model('m4')!.state.layers[0].weights).toEqual(good.state.layers[0].weights);
    client.terminate();
  });
});
