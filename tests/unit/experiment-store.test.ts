// The Experiment panel's store driven through the whole lab by a fake worker client: one training
// run at a time in order, sweeps of every trained model, Stop, replacement by the Train panel's run,
// and the finished experiment's model files.
import { describe, expect, it } from 'vitest';
import type { SweepPoint } from '../../src/engine/robustness';
import type { DataArrays, DatasetName, TrainConfig } from '../../src/engine/types';
import { EXPERIMENT_SIZES, SWEEP_LEVELS } from '../../src/state/experimentPlan';
import { createLab } from '../../src/state/lab';
import type { LoadOptions } from '../../src/state/session';
import type { EpochReport, Split, WorkerCommand, WorkerEvent } from '../../src/worker/protocol';
import { FakeClient, type Cmd } from './fakeClient';


/** Answers loadModel commands at once when `loadAnswer` is set. */
class LoadingClient extends FakeClient {
  loadAnswer: ((cmd: Cmd<'loadModel'>) => WorkerEvent) | null = null;
  override send(cmd: WorkerCommand) {
    super.send(cmd);
    if (cmd.type === 'loadModel' && this.loadAnswer) {
      const answer = this.loadAnswer(cmd);
      queueMicrotask(() => this.emit(answer));
    }
  }
}

const flush = async () => { for (let i = 0; i < 5; i++) await new Promise((r) => setTimeout(r, 0)); };

function data(count: number): DataArrays {
  return { images: new Uint8Array(count * 784), labels: new Uint8Array(count), count };
}

/** A lab whose data loads answer at once; `workers` > 1 plays a pool. */
async function makeLab(workers = 1) {
  const client = new LoadingClient();
  if (workers > 1) Object.assign(client, { workers: () => workers });
  const loadSplit = (_d: DatasetName, split: Split, _o: LoadOptions) => Promise.resolve(data(split === 'test' ? 20 : 40));
  const lab = createLab({ client, loadSplit, baseUrl: '/', galleryCount: 2 });
  lab.session.getState().start();
  await flush();
  return { client, lab };
}

function report(epoch: number, accuracy: number): EpochReport {
  return {
    epoch, trainLoss: 1 / epoch, testAccuracy: accuracy, testLoss: 0.5, perClass: new Float32Array(10), seconds: 1, samplesPerSecond: 900,
    zeta: 0.3, layers: [], topology: [],
  };
}

let modelCount = 0;

/** Plays the worker's side of one training run: started, one epoch per accuracy, done. */
function finishRun(client: FakeClient, cmd: Cmd<'train'>, accuracies: number[], opts: { stoppedEarly?: boolean } = {}): string {
  const modelId = `m${++modelCount}`;
  const { runToken } = cmd;
  client.emit({ type: 'trainStarted', runToken, modelId, config: cmd.config, path: 'sparse-cpu', initialTopology: [] });
  client.emit({ type: 'progress', runToken, modelId, epoch: 1, batch: 3, batchesPerEpoch: 10, samplesPerSecond: 1234 });
  accuracies.forEach((a, i) => client.emit({ type: 'epoch', runToken, modelId, event: report(i + 1, a) }));
  client.emit({
    type: 'trainDone', runToken, modelId,
    summary: { modelId, epochsCompleted: accuracies.length, finalAccuracy: accuracies.at(-1) ?? null, stoppedEarly: opts.stoppedEarly ?? false, seconds: 2 },
  });
  return modelId;
}

function points(base: number): SweepPoint[] {
  return SWEEP_LEVELS.map((level) => {
    const mean = Math.max(0, base - level);
    return { level, accuracies: [mean, mean], mean, std: 0, min: mean, max: mean };
  });
}

function answerSweep(client: FakeClient, cmd: Cmd<'sweep'>, base: (modelId: string) => number) {
  client.emit({ type: 'sweepProgress', requestId: cmd.requestId, done: 1, total: 60 });
  client.emit({ type: 'sweepResult', requestId: cmd.requestId, kind: cmd.kind, results: cmd.modelIds.map((modelId) => ({ modelId, points: points(base(modelId)) })) });
}

describe('experiment store: a step', () => {
  it('trains SET then static one at a time with the same seed and decay, then sweeps removal and shuffling of both', async () => {
    const { client, lab } = await makeLab();
    const exp = lab.experiment;
    const done = exp.getState().runStep('decay');
    expect(exp.getState().phase).toBe('loading-data');
    await flush();
    expect(exp.getState().phase).toBe('training');
    expect(client.of('train')).toHaveLength(1); // the second waits for the first to finish
    const [first] = client.of('train');
    const quick = EXPERIMENT_SIZES.quick;
    expect(first.config).toMatchObject({
      strategy: 'set', weightDecay: 1e-4, seed: 1, hidden: quick.hidden, density: quick.density, trainLimit: quick.trainLimit,
      epochs: quick.epochs, batchSize: quick.batchSize, learningRate: quick.learningRate, dataset: 'mnist',
    });
    const setId = finishRun(client, first, [0.8, 0.9, 0.93]);
    await flush();
    const trains = client.of('train');
    expect(trains).toHaveLength(2);
    const second = trains[1];
    expect(second.runToken).toBeGreaterThan(first.runToken);
    const { strategy: _s, ...rest } = second.config;
    const { strategy: _f, ...firstRest } = first.config;
    expect(second.config.strategy).toBe('static');
    expect(rest).toEqual(firstRest); // only the strategy differs
    const set = exp.getState().runs.find((r) => r.strategy === 'set')!;
    expect(set).toMatchObject({ status: 'trained', modelId: setId, path: 'sparse-cpu', accuracy: 0.93 });
    expect(set.epochs.map((e) => e.testAccuracy)).toEqual([0.8, 0.9, 0.93]);
    expect(client.of('sweep')).toHaveLength(0);

    const staticId = finishRun(client, second, [0.7, 0.91]);
    await flush();
    expect(exp.getState().phase).toBe('sweeping');
    const [removal] = client.of('sweep');
    expect(removal).toMatchObject({ kind: 'removal', modelIds: [setId, staticId], repeats: quick.repeats, limit: quick.sweepLimit, levels: [...SWEEP_LEVELS] });
    answerSweep(client, removal, (id) => (id === setId ? 0.9 : 0.8));
    await flush();
    const [, shuffle] = client.of('sweep');
    expect(shuffle).toMatchObject({ kind: 'shuffle', modelIds: [setId, staticId] });
    expect(exp.getState().sweep).toMatchObject({ kind: 'shuffle', done: 0 });
    answerSweep(client, shuffle, () => 0.5);
    await done;
    const s = exp.getState();
    expect(s.phase).toBe('done');
    expect(s.message).toBeNull();
    expect(s.runs.map((r) => [r.key, r.sweeps.removal?.[3].mean, r.sweeps.shuffle?.[0].mean])).toEqual([
      ['decay:set', 0.9 - 0.3, 0.5], ['decay:static', 0.8 - 0.3, 0.5],
    ]);
    // The models store lists them like any trained model; the Train panel's store stays out of it.
    expect(lab.models.getState().models.map((m) => m.id)).toEqual([setId, staticId]);
    expect(lab.training.getState().run.status).toBe('idle');
  });

  it('on a pool of two workers trains SET and static at once, then sweeps both', async () => {
    const { client, lab } = await makeLab(2);
    const exp = lab.experiment;
    exp.getState().setExtra('rigl', true);
    const done = exp.getState().runStep('decay');
    await flush();
    // Two at once; RigL waits for a free worker.
    const trains = client.of('train');
    expect(trains.map((t) => t.config.strategy)).toEqual(['set', 'static']);
    expect(exp.getState().runs.filter((r) => r.status === 'training')).toHaveLength(2);
    // Static ends first: RigL starts on its worker while SET still trains.
    const staticId = finishRun(client, trains[1], [0.7, 0.91]);
    await flush();
    expect(client.of('train').map((t) => t.config.strategy)).toEqual(['set', 'static', 'rigl']);
    const setId = finishRun(client, trains[0], [0.8, 0.93]);
    await flush();
    expect(client.of('sweep')).toHaveLength(0);
    const riglId = finishRun(client, client.of('train')[2], [0.85, 0.92]);
    await flush();
    const [removal] = client.of('sweep');
    expect(removal.modelIds).toEqual([setId, staticId, riglId]);
    answerSweep(client, removal, () => 0.9);
    await flush();
    answerSweep(client, client.of('sweep')[1], () => 0.5);
    await done;
    expect(exp.getState().phase).toBe('done');
    expect(exp.getState().runs.map((r) => [r.strategy, r.status, r.accuracy])).toEqual([['set', 'trained', 0.93], ['static', 'trained', 0.91], ['rigl', 'trained', 0.92]]);
  });

  it('the second step keeps the first step\'s networks and sweeps only the new ones', async () => {
    const { client, lab } = await makeLab();
    const exp = lab.experiment;
    const first = exp.getState().runStep('decay');
    await flush();
    finishRun(client, client.of('train')[0], [0.9]);
    await flush();
    finishRun(client, client.of('train')[1], [0.9]);
    await flush();
    answerSweep(client, client.of('sweep')[0], () => 0.9);
    await flush();
    answerSweep(client, client.of('sweep')[1], () => 0.6);
    await first;

    const second = exp.getState().runStep('nodecay');
    await flush();
    const nodecayTrains = client.of('train').slice(2);
    expect(nodecayTrains.map((c) => [c.config.strategy, c.config.weightDecay])).toEqual([['set', 0]]);
    const a = finishRun(client, nodecayTrains[0], [0.85]);
    await flush();
    const b = finishRun(client, client.of('train')[3], [0.86]);
    await flush();
    expect(client.of('sweep')[2]).toMatchObject({ kind: 'removal', modelIds: [a, b] });
    answerSweep(client, client.of('sweep')[2], () => 0.7);
    await flush();
    answerSweep(client, client.of('sweep')[3], () => 0.4);
    await second;
    expect(exp.getState().runs.map((r) => `${r.key}:${r.status}:${r.sweeps.removal?.[0].mean}`)).toEqual([
      'decay:set:trained:0.9', 'decay:static:trained:0.9', 'nodecay:set:trained:0.7', 'nodecay:static:trained:0.7',
    ]);
  });

  it('RigL and dense join when ticked; a size change starts a fresh comparison', async () => {
    const { client, lab } = await makeLab();
    const exp = lab.experiment;
    exp.getState().setExtra('rigl', true);
    exp.getState().setExtra('dense', true);
    exp.getState().setSize('tiny');
    void exp.getState().runStep('decay');
    await flush();
    for (let k = 0; k < 4; k++) {
      finishRun(client, client.of('train')[k], [0.5]);
      await flush();
    }
    const configs = client.of('train').map((c) => c.config);
    expect(configs.map((c) => c.strategy)).toEqual(['set', 'static', 'rigl', 'dense']);
    expect(configs.map((c) => c.density)).toEqual([0.1, 0.1, 0.1, 1]);
    expect(configs.every((c) => c.hidden === EXPERIMENT_SIZES.tiny.hidden)).toBe(true);
    expect(client.of('sweep')[0].modelIds).toHaveLength(4);
    expect(exp.getState().scope).toEqual({ dataset: 'mnist', size: 'tiny' });
  });

  it('a run the worker refuses (an error with its token, no trainDone) fails alone; the next one still trains', async () => {
    const { client, lab } = await makeLab();
    const exp = lab.experiment;
    const done = exp.getState().runStep('decay');
    await flush();
    client.emit({ type: 'error', runToken: client.of('train')[0].runToken, message: 'src/worker/host.ts: invalid training configuration' });
    await flush();
    expect(client.of('train')).toHaveLength(2);
    const id = finishRun(client, client.of('train')[1], [0.9]);
    await flush();
    expect(client.of('sweep')[0].modelIds).toEqual([id]);
    answerSweep(client, client.of('sweep')[0], () => 0.9);
    await flush();
    answerSweep(client, client.of('sweep')[1], () => 0.9);
    await done;
    expect(exp.getState().phase).toBe('done');
    expect(exp.getState().message).toMatch(/SET · decay 1e-4 failed: src\/worker\/host\.ts: invalid training configuration/);
  });
});

describe('experiment store: stopping and sharing the worker', () => {
  it('Stop during training stops the current run, skips the queued one and sweeps nothing', async () => {
    const { client, lab } = await makeLab();
    const exp = lab.experiment;
    const done = exp.getState().runStep('decay');
    await flush();
    const [first] = client.of('train');
    client.emit({ type: 'trainStarted', runToken: first.runToken, modelId: 'mX', config: first.config, path: 'masked-dense', initialTopology: [] });
    exp.getState().stop();
    expect(exp.getState().phase).toBe('stopping');
    expect(client.of('stop')).toEqual([{ type: 'stop', runToken: first.runToken }]);
    client.emit({ type: 'epoch', runToken: first.runToken, modelId: 'mX', event: report(1, 0.6) });
    client.emit({ type: 'trainDone', runToken: first.runToken, modelId: 'mX', summary: { modelId: 'mX', epochsCompleted: 1, finalAccuracy: 0.6, stoppedEarly: true, seconds: 1 } });
    await done;
    const s = exp.getState();
    expect(s.phase).toBe('stopped');
    expect(s.runs.map((r) => r.status)).toEqual(['stopped', 'skipped']);
    expect(client.of('train')).toHaveLength(1);
    expect(client.of('sweep')).toHaveLength(0);
  });

  it('Stop during a sweep cancels it; the worker\'s stale answer ends the experiment as stopped', async () => {
    const { client, lab } = await makeLab();
    const exp = lab.experiment;
    const done = exp.getState().runStep('decay');
    await flush();
    finishRun(client, client.of('train')[0], [0.9]);
    await flush();
    finishRun(client, client.of('train')[1], [0.9]);
    await flush();
    const [sweep] = client.of('sweep');
    exp.getState().stop();
    expect(client.of('cancel')).toEqual([{ type: 'cancel', requestId: sweep.requestId }]);
    client.emit({ type: 'stale', requestId: sweep.requestId });
    await done;
    expect(exp.getState()).toMatchObject({ phase: 'stopped', sweep: null });
    expect(client.of('sweep')).toHaveLength(1);
  });

  it('the Train panel starting a run replaces the experiment\'s, and each store follows only its own run', async () => {
    const { client, lab } = await makeLab();
    const exp = lab.experiment;
    const done = exp.getState().runStep('decay');
    await flush();
    const [mine] = client.of('train');
    client.emit({ type: 'trainStarted', runToken: mine.runToken, modelId: 'mA', config: mine.config, path: 'masked-dense', initialTopology: [] });
    await lab.training.getState().start();
    const panelRun = client.of('train')[1];
    expect(panelRun.runToken).toBeGreaterThan(mine.runToken); // shared tokens: the worker accepts it
    // The worker stops ours (trainDone, stopped early) before it starts the panel's.
    client.emit({ type: 'trainDone', runToken: mine.runToken, modelId: 'mA', summary: { modelId: 'mA', epochsCompleted: 0, finalAccuracy: null, stoppedEarly: true, seconds: 1 } });
    await done;
    expect(exp.getState().phase).toBe('stopped');
    expect(exp.getState().runs.map((r) => [r.status, r.message])).toEqual([['stopped', 'replaced by another run'], ['skipped', null]]);
    client.emit({ type: 'trainStarted', runToken: panelRun.runToken, modelId: 'mB', config: panelRun.config, path: 'masked-dense', initialTopology: [] });
    expect(lab.training.getState().run).toMatchObject({ status: 'running', modelId: 'mB' });
    expect(client.of('train')).toHaveLength(2); // the experiment sent nothing more
  });

  it('a newer run starting before ours ever began counts as a replacement (the worker never answers ours)', async () => {
    const { client, lab } = await makeLab();
    const exp = lab.experiment;
    const done = exp.getState().runStep('decay');
    await flush();
    const [mine] = client.of('train');
    await lab.training.getState().start();
    const panelRun = client.of('train')[1];
    client.emit({ type: 'trainStarted', runToken: panelRun.runToken, modelId: 'mB', config: panelRun.config, path: 'masked-dense', initialTopology: [] });
    await done;
    expect(exp.getState()).toMatchObject({ phase: 'stopped' });
    expect(exp.getState().message).toMatch(/Train panel/);
    expect(exp.getState().runs.map((r) => r.status)).toEqual(['skipped', 'skipped']);
    expect(mine.runToken).toBeLessThan(panelRun.runToken);
  });

  it('a run that lost its GPU and goes on from its last epoch on another path keeps going, labelled honestly', async () => {
    const { client, lab } = await makeLab();
    const exp = lab.experiment;
    void exp.getState().runStep('decay');
    await flush();
    const [first] = client.of('train');
    const { runToken } = first;
    client.emit({ type: 'trainStarted', runToken, modelId: 'mG', config: first.config, path: 'masked-dense', initialTopology: [] });
    client.emit({ type: 'epoch', runToken, modelId: 'mG', event: report(1, 0.7) });
    client.emit({ type: 'trainResumed', runToken, modelId: 'mG', config: first.config, fromEpoch: 1, path: 'sparse-cpu', reason: 'device-lost' });
    client.emit({ type: 'trainDone', runToken, modelId: 'mG', summary: { modelId: 'mG', epochsCompleted: 2, finalAccuracy: 0.8, stoppedEarly: false, seconds: 3 } });
    await flush();
    expect(exp.getState().runs[0]).toMatchObject({ status: 'trained', path: 'sparse-cpu', message: 'continued on sparse CPU after epoch 1', accuracy: 0.8 });
    expect(client.of('train')).toHaveLength(2); // the experiment goes on with static
  });

  it('a worker that crashed for good (no restart) fails the experiment at once and nothing more is sent', async () => {
    const { client, lab } = await makeLab();
    const exp = lab.experiment;
    const done = exp.getState().runStep('decay');
    await flush();
    client.emit({ type: 'error', fatal: true, message: 'src/worker/worker.ts: the training worker crashed: out of memory' });
    await done;
    expect(exp.getState()).toMatchObject({ phase: 'failed', message: 'src/worker/worker.ts: the training worker crashed: out of memory' });
    expect(exp.getState().runs.map((r) => r.status)).toEqual(['failed', 'skipped']);
    expect(client.of('train')).toHaveLength(1);
    expect(client.of('sweep')).toHaveLength(0);
  });

  it('a crashed worker that restarts: the run continues from its checkpoint, the next one trains, the curves follow', async () => {
    const { client, lab } = await makeLab();
    const exp = lab.experiment;
    const done = exp.getState().runStep('decay');
    await flush();
    const [first] = client.of('train');
    client.emit({ type: 'trainStarted', runToken: first.runToken, modelId: 'mC', config: first.config, path: 'sparse-cpu', initialTopology: [] });
    client.emit({ type: 'epoch', runToken: first.runToken, modelId: 'mC', event: report(1, 0.7) });
    // The supervisor's order: the crash (a restart follows), then the restart with the kept models.
    client.emit({ type: 'error', fatal: true, restarting: true, message: 'src/worker/worker.ts: the training worker crashed: boom' });
    client.emit({ type: 'workerRestarted', restarts: 1, maxRestarts: 3, models: [{ modelId: 'mC', epoch: 1, epochs: first.config.epochs, fromFile: false }] });
    await flush();
    expect(exp.getState().phase).toBe('training');
    const [resume] = client.of('resumeTraining');
    expect(resume).toMatchObject({ modelId: 'mC' });
    expect(resume.runToken).toBeGreaterThan(first.runToken);
    // The data went back to the new worker before the run was continued.
    const sent = client.sent.map((c) => c.type);
    expect(sent.lastIndexOf('setData')).toBeGreaterThan(sent.indexOf('train'));
    expect(sent.lastIndexOf('setData')).toBeLessThan(sent.indexOf('resumeTraining'));
    expect(exp.getState().runs[0].message).toBe('continued from epoch 1 after the worker crashed');
    client.emit({ type: 'trainResumed', runToken: resume.runToken, modelId: 'mC', config: first.config, fromEpoch: 1, path: 'sparse-cpu', reason: 'restart' });
    client.emit({ type: 'epoch', runToken: resume.runToken, modelId: 'mC', event: report(2, 0.8) });
    client.emit({ type: 'trainDone', runToken: resume.runToken, modelId: 'mC', summary: { modelId: 'mC', epochsCompleted: 2, finalAccuracy: 0.8, stoppedEarly: false, seconds: 3 } });
    await flush();
    const second = client.of('train')[1];
    expect(second.config.strategy).toBe('static');
    finishRun(client, second, [0.75]);
    await flush();
    answerSweep(client, client.of('sweep')[0], () => 0.8);
    await flush();
    answerSweep(client, client.of('sweep')[1], () => 0.8);
    await done;
    expect(exp.getState()).toMatchObject({ phase: 'done', message: null });
    expect(exp.getState().runs.map((r) => [r.status, r.accuracy])).toEqual([['trained', 0.8], ['trained', 0.75]]);
    expect(exp.getState().runs[0].epochs.map((e) => e.epoch)).toEqual([1, 2]);
  });

  it('a crash before the first epoch ended trains that network again; a crash while measuring measures again', async () => {
    const { client, lab } = await makeLab();
    const exp = lab.experiment;
    const done = exp.getState().runStep('decay');
    await flush();
    const [first] = client.of('train');
    client.emit({ type: 'trainStarted', runToken: first.runToken, modelId: 'mX', config: first.config, path: 'sparse-cpu', initialTopology: [] });
    client.emit({ type: 'error', fatal: true, restarting: true, message: 'crashed' });
    client.emit({ type: 'workerRestarted', restarts: 1, maxRestarts: 3, models: [] });
    await flush();
    const again = client.of('train')[1];
    expect(again.config).toEqual(first.config);
    finishRun(client, again, [0.9]);
    await flush();
    finishRun(client, client.of('train')[2], [0.85]);
    await flush();
    const [sweep] = client.of('sweep');
    client.emit({ type: 'error', fatal: true, restarting: true, message: 'crashed while measuring' });
    client.emit({ type: 'workerRestarted', restarts: 2, maxRestarts: 3, models: [] });
    await flush();
    const [, retry] = client.of('sweep');
    expect(retry).toMatchObject({ kind: sweep.kind, modelIds: sweep.modelIds });
    expect(retry.requestId).not.toBe(sweep.requestId);
    answerSweep(client, retry, () => 0.8);
    await flush();
    answerSweep(client, client.of('sweep')[2], () => 0.8);
    await done;
    expect(exp.getState().phase).toBe('done');
    expect(client.of('train')).toHaveLength(3);
  });

  it('refuses to start while the Train panel trains, and says why', async () => {
    const { client, lab } = await makeLab();
    await lab.training.getState().start();
    await lab.experiment.getState().runStep('decay');
    expect(lab.experiment.getState().phase).toBe('idle');
    expect(lab.experiment.getState().message).toMatch(/Train panel is training/);
    expect(client.of('train')).toHaveLength(1);
  });

  it('the Train panel ignores the experiment\'s events even though the tokens are shared', async () => {
    const { client, lab } = await makeLab();
    void lab.experiment.getState().runStep('nodecay');
    await flush();
    finishRun(client, client.of('train')[0], [0.9]);
    expect(lab.training.getState().run.status).toBe('idle');
    expect(lab.training.getState().histories).toEqual({});
  });
});

describe('experiment store: the finished experiment', () => {
  const config = (strategy: 'set' | 'static', weightDecay: number): TrainConfig => ({
    dataset: 'mnist', strategy, hidden: 1000, density: 0.01, zeta: 0.3, zetaSchedule: 'constant', pruning: 'magnitude', epochs: 10, batchSize: 128,
    learningRate: 1e-3, weightDecay, seed: 1, trainLimit: null,
  });
  const loaded = (cmd: Cmd<'loadModel'>, wrongDecay = false): WorkerEvent => {
    const strategy = cmd.fileName.includes('static') ? 'static' : 'set';
    const decay = cmd.fileName.includes('nodecay') !== wrongDecay ? 0 : 1e-4;
    return {
      type: 'modelLoaded', requestId: cmd.requestId,
      model: { modelId: `f-${cmd.fileName}`, label: cmd.fileName, fileName: cmd.fileName, dataset: 'mnist', strategy, config: config(strategy, decay), testAccuracy: 0.97, links: [], topology: [], history: [], wiring: null },
    };
  };

  it('loads the four files (reusing one the page already loaded) and sweeps them on the finished setup', async () => {
    const { client, lab } = await makeLab();
    client.loadAnswer = (cmd) => loaded(cmd);
    await lab.models.getState().loadModelFile('{}', 'mnist-set.rlm'); // as the pretrained store does at start
    const requested: string[] = [];
    const done = lab.experiment.getState().showFinished(async (file) => {
      requested.push(file);
      await lab.models.getState().loadModelFile('{}', file);
    });
    await flush();
    expect(requested).toEqual(['mnist-static.rlm', 'mnist-set-nodecay.rlm', 'mnist-static-nodecay.rlm']);
    expect(client.of('loadModel')).toHaveLength(4);
    const runs = lab.experiment.getState().runs;
    expect(runs.map((r) => [r.key, r.status, r.modelId, r.source])).toEqual([
      ['decay:set', 'loaded', 'f-mnist-set.rlm', 'finished'], ['decay:static', 'loaded', 'f-mnist-static.rlm', 'finished'],
      ['nodecay:set', 'loaded', 'f-mnist-set-nodecay.rlm', 'finished'], ['nodecay:static', 'loaded', 'f-mnist-static-nodecay.rlm', 'finished'],
    ]);
    expect(runs[0].epochs).toEqual([{ epoch: 10, testAccuracy: 0.97, trainLoss: Number.NaN, samplesPerSecond: Number.NaN }]);
    const [sweep] = client.of('sweep');
    expect(sweep).toMatchObject({ kind: 'removal', limit: 2000, repeats: 3 });
    expect(sweep.modelIds).toHaveLength(4);
    answerSweep(client, sweep, () => 0.9);
    await flush();
    answerSweep(client, client.of('sweep')[1], () => 0.9);
    await done;
    expect(lab.experiment.getState()).toMatchObject({ phase: 'done', scope: { dataset: 'mnist', size: 'finished' } });
    expect(client.of('train')).toHaveLength(0);
  });

  it('a file holding another network than its name says is refused with its name', async () => {
    const { client, lab } = await makeLab();
    client.loadAnswer = (cmd) => loaded(cmd, cmd.fileName === 'mnist-static-nodecay.rlm');
    const done = lab.experiment.getState().showFinished(async (file) => { await lab.models.getState().loadModelFile('{}', file); });
    await flush();
    const bad = lab.experiment.getState().runs.find((r) => r.key === 'nodecay:static')!;
    expect(bad.status).toBe('failed');
    expect(bad.message).toMatch(/models\/mnist-static-nodecay\.rlm holds a static network with weight decay 0\.0001/);
    expect(client.of('sweep')[0].modelIds).toHaveLength(3);
    lab.experiment.getState().stop();
    client.emit({ type: 'stale', requestId: client.of('sweep')[0].requestId });
    await done;
    expect(lab.experiment.getState().phase).toBe('stopped');
  });
});
