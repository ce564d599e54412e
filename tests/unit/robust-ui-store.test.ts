// The robustness and models stores driven in Node by a fake worker client and a manual clock:
// throttled evaluate requests, newest answers shown, comparisons, sweeps, and model files.
import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG, type TrainConfig } from '../../src/engine/types';
import { ADVERSARIAL_SUBSET, EVALUATE_INTERVAL_MS, SAMPLE_COUNT } from '../../src/state/robustness';
import { parseLevels, parseRepeats, sweepLevelsFor } from '../../src/state/robustnessSweep';
import type { LoadedModelInfo, WorkerEvent } from '../../src/worker/protocol';
import { robustnessLab, trainModel } from './robustnessHarness';


const setup = robustnessLab;

function loadedInfo(modelId: string, fileName: string, config: TrainConfig = DEFAULT_CONFIG): LoadedModelInfo {
  return { modelId, label: '', fileName, dataset: config.dataset, strategy: config.strategy, config, testAccuracy: 0.95, links: [7840, 10000, 10000], topology: [], history: [], wiring: null };
}

describe('live evaluation requests', () => {
  it('sends nothing until the panel is visible and a trained model of the active dataset exists', async () => {
    const { client, store, clock } = await setup();
    store.getState().setVisible(true);
    expect(client.of('evaluate')).toHaveLength(0);
    trainModel(client, 'm1', { ...DEFAULT_CONFIG, dataset: 'fashion-mnist' });
    client.emit({ type: 'trainStarted', runToken: 2, modelId: 'm2', config: DEFAULT_CONFIG, path: 'sparse-cpu', initialTopology: [] });
    clock.advance(EVALUATE_INTERVAL_MS);
    expect(client.of('evaluate')).toHaveLength(0); // one on another dataset, one still training
    client.emit({ type: 'trainDone', runToken: 2, modelId: 'm2', summary: { modelId: 'm2', epochsCompleted: 1, finalAccuracy: 0.8, stoppedEarly: true, seconds: 1 } });
    const [evaluate] = client.of('evaluate');
    expect(evaluate).toMatchObject({ modelIds: ['m2'], setting: { removal: 0, shuffle: 0, attack: { kind: 'fgsm', epsilon: 0 } } });
    expect(evaluate.limit).toBeUndefined();
    const [samples] = client.of('samples');
    expect(samples).toMatchObject({ modelIds: ['m2'], dataset: 'mnist' });
    expect(Array.from(samples.indices)).toEqual(Array.from({ length: SAMPLE_COUNT }, (_, k) => k));
    expect(store.getState().live.status).toBe('evaluating');
  });

  it('throttles slider moves: at most one request per interval, and always the final value', async () => {
    const { client, store, clock } = await setup();
    trainModel(client, 'm1');
    store.getState().setVisible(true);
    expect(client.of('evaluate')).toHaveLength(1);
    for (const v of [0.1, 0.2, 0.3, 0.4]) {
      store.getState().setSlider('removal', v);
      clock.advance(20);
    }
    expect(client.of('evaluate')).toHaveLength(1);
    clock.advance(EVALUATE_INTERVAL_MS);
    expect(client.of('evaluate').map((c) => c.setting.removal)).toEqual([0, 0.4]);
    clock.advance(1000);
    expect(client.of('evaluate')).toHaveLength(2);
    // After a quiet interval a move is sent at once; values are clamped to the slider's range.
    store.getState().setSlider('shuffle', 7);
    expect(client.of('evaluate').at(-1)!.setting).toMatchObject({ removal: 0.4, shuffle: 1 });
    clock.advance(1000);
    store.getState().setSlider('epsilon', 0.9);
    const adversarial = client.of('evaluate').at(-1)!;
    expect(adversarial.setting.attack).toEqual({ kind: 'fgsm', epsilon: 0.5 });
    expect(adversarial.limit).toBe(ADVERSARIAL_SUBSET);
    clock.advance(1000);
    store.getState().setAttack('pgd');
    expect(client.of('evaluate').at(-1)!.setting.attack).toEqual({ kind: 'pgd', epsilon: 0.5 });
    expect(client.of('evaluate').every((c, k, all) => k === 0 || c.requestId > all[k - 1].requestId)).toBe(true);
  });

  it('shows the newest answer, ignores stale and older ones, and reports an error of the newest request', async () => {
    const { client, store, clock } = await setup();
    trainModel(client, 'm1');
    trainModel(client, 'm2');
    store.getState().setVisible(true);
    clock.advance(1000);
    store.getState().setSlider('removal', 0.5);
    const [first, second] = client.of('evaluate');
    expect(second.modelIds).toEqual(['m1', 'm2']);
    const answer = (requestId: number, a: number): WorkerEvent => ({
      type: 'evaluation', requestId, setting: second.setting,
      results: [{ modelId: 'm1', accuracy: a, perClass: new Float32Array(10) }, { modelId: 'm2', accuracy: a / 2, perClass: new Float32Array(10) }],
    });
    client.emit(answer(first.requestId, 0.9));
    expect(store.getState().live).toMatchObject({ status: 'evaluating', accuracies: { m1: 0.9, m2: 0.45 }, shown: { removal: 0 } });
    client.emit(answer(second.requestId, 0.6));
    expect(store.getState().live).toMatchObject({ status: 'ready', accuracies: { m1: 0.6, m2: 0.3 }, shown: { removal: 0.5 }, subset: null });
    client.emit(answer(first.requestId, 0.1)); // a late duplicate of an older request changes nothing
    client.emit({ type: 'stale', requestId: second.requestId });
    expect(store.getState().live.accuracies.m1).toBe(0.6);

    clock.advance(1000);
    store.getState().setCompared('m1', false);
    const third = client.of('evaluate').at(-1)!;
    expect(third.modelIds).toEqual(['m2']);
    client.emit({ type: 'error', requestId: third.requestId, message: 'evalHost.ts: broken' });
    expect(store.getState().live).toMatchObject({ status: 'error', error: 'evalHost.ts: broken' });
    clock.advance(1000);
    store.getState().setCompared('m1', true);
    expect(client.of('evaluate').at(-1)!.modelIds).toEqual(['m1', 'm2']);
  });

  it('keeps the sample grid of the newest answer', async () => {
    const { client, store } = await setup();
    trainModel(client, 'm1');
    store.getState().setVisible(true);
    const [samples] = client.of('samples');
    const images = new Float32Array(SAMPLE_COUNT * 784).fill(0.5);
    const labels = new Uint8Array(SAMPLE_COUNT).fill(3);
    client.emit({ type: 'samplesResult', requestId: samples.requestId, indices: samples.indices, images, labels, predictions: [{ modelId: 'm1', clean: labels, perturbed: labels }] });
    const grid = store.getState().samples;
    expect(grid.status).toBe('ready');
    expect(grid.images).toBe(images);
    expect(grid.predictions[0].modelId).toBe('m1');
  });

  it('a dataset switch clears the answers and compares that dataset\'s models', async () => {
    const { client, lab, store } = await setup();
    trainModel(client, 'm1');
    trainModel(client, 'f1', { ...DEFAULT_CONFIG, dataset: 'fashion-mnist' });
    store.getState().setVisible(true);
    const first = client.of('evaluate')[0];
    client.emit({ type: 'evaluation', requestId: first.requestId, setting: first.setting, results: [{ modelId: 'm1', accuracy: 0.9, perClass: new Float32Array(10) }] });
    expect(store.getState().live.accuracies).toEqual({ m1: 0.9 });
    const samples = client.of('samples')[0];
    lab.session.getState().setDataset('fashion-mnist');
    expect(store.getState().live).toMatchObject({ status: 'idle', accuracies: {} });
    // The unanswered sample grid of the old dataset is cancelled, and its late answer ignored.
    expect(client.of('cancel')).toEqual([{ type: 'cancel', requestId: samples.requestId }]);
    client.emit({ type: 'samplesResult', requestId: samples.requestId, indices: samples.indices, images: new Float32Array(SAMPLE_COUNT * 784), predictions: [] });
    expect(store.getState().samples.status).toBe('idle');
  });
});

describe('sweeps', () => {
  it('parses the form, sends the sweep, follows progress and keeps the result with its baseline', async () => {
    const { client, store } = await setup();
    trainModel(client, 'm1');
    const s = () => store.getState();
    expect(s().sweepForm).toMatchObject({ kind: 'removal', levelsText: sweepLevelsFor('removal'), repeatsText: '3' });
    s().setSweepKind('fgsm');
    expect(s().sweepForm.levelsText).toBe('0, 0.05, 0.1, 0.15, 0.2, 0.25, 0.3');
    s().setSweepLevels('0.2, 0, x');
    expect(s().sweepProblems).toEqual(['"x" is not a number']);
    s().runSweep();
    expect(client.of('sweep')).toHaveLength(0);
    s().setSweepLevels('0.2 0 0.1 0.1');
    s().setSweepRepeats('2');
    s().runSweep();
    const [sweep] = client.of('sweep');
    expect(sweep).toMatchObject({ modelIds: ['m1'], kind: 'fgsm', levels: [0, 0.1, 0.2], repeats: 2, limit: ADVERSARIAL_SUBSET });
    expect(s().sweep).toMatchObject({ status: 'running', done: 0, total: 12 });
    client.emit({ type: 'sweepProgress', requestId: sweep.requestId, done: 5, total: 12 });
    expect(s().sweep.done).toBe(5);
    const point = (level: number) => ({ level, accuracies: [0.5, 0.5], mean: 0.5, std: 0, min: 0.5, max: 0.5 });
    const curve = { modelId: 'm1', points: [point(0), point(0.1), point(0.2)] };
    client.emit({ type: 'sweepResult', requestId: sweep.requestId, kind: 'fgsm', results: [curve], baseline: [curve] });
    expect(s().sweep.status).toBe('done');
    expect(s().outcome).toMatchObject({ kind: 'fgsm', dataset: 'mnist', levels: [0, 0.1, 0.2], repeats: 2, limit: ADVERSARIAL_SUBSET, curves: [curve], baseline: [curve] });
  });

  it('cancel sends a cancel and the stale answer ends the sweep as cancelled', async () => {
    const { client, store } = await setup();
    trainModel(client, 'm1');
    store.getState().runSweep();
    const [sweep] = client.of('sweep');
    expect(sweep.limit).toBeUndefined();
    store.getState().cancelSweep();
    expect(client.of('cancel')).toEqual([{ type: 'cancel', requestId: sweep.requestId }]);
    expect(store.getState().sweep.status).toBe('cancelling');
    client.emit({ type: 'stale', requestId: sweep.requestId });
    expect(store.getState().sweep.status).toBe('cancelled');
    expect(store.getState().outcome).toBeNull();
  });

  it('parses levels and repeats into sorted values or sentences', () => {
    expect(parseLevels('0.3, 0.1;0.1  0', 'removal')).toEqual({ levels: [0, 0.1, 0.3] });
    expect(parseLevels('', 'pgd')).toEqual({ error: expect.stringContaining('at least one of the ε levels') });
    expect(parseLevels('1.5', 'removal')).toEqual({ error: 'levels must lie between 0 and 1, got 1.5' });
    expect(parseRepeats('3')).toEqual({ repeats: 3 });
    expect(parseRepeats('0')).toHaveProperty('error');
    expect(parseRepeats('2.5')).toHaveProperty('error');
  });
});

describe('model files in the models store', () => {
  it('a loaded model joins the list; a refused file leaves it untouched with the message', async () => {
    const { client, lab } = await setup();
    trainModel(client, 'm1');
    const loading = lab.models.getState().loadModelFile('{"text":1}', 'set.json');
    const [cmd] = client.of('loadModel');
    expect(cmd).toMatchObject({ text: '{"text":1}', fileName: 'set.json' });
    expect(lab.models.getState().loadingFile).toBe('set.json');
    client.emit({ type: 'modelLoaded', requestId: cmd.requestId, model: loadedInfo('m2', 'set.json') });
    expect(await loading).toEqual({ ok: true, modelId: 'm2' });
    const entry = lab.models.getState().models[1];
    expect(entry).toMatchObject({ id: 'm2', status: 'loaded', source: { fileName: 'set.json' }, accuracy: 0.95, label: 'SET · H=1000 · d=1% · decay 1e-4' });
    expect(lab.models.getState().loadingFile).toBeNull();

    const before = lab.models.getState().models;
    const refused = lab.models.getState().loadModelFile('nope', 'bad.json');
    const second = client.of('loadModel')[1];
    client.emit({ type: 'error', requestId: second.requestId, message: 'bad.json: not valid JSON' });
    expect(await refused).toEqual({ ok: false, error: 'bad.json: not valid JSON' });
    expect(lab.models.getState().models).toBe(before);
    expect(lab.models.getState().loadError).toBe('bad.json: not valid JSON');
    lab.models.getState().dismissLoadError();
    expect(lab.models.getState().loadError).toBeNull();
  });

  it('exportModel resolves with the worker\'s file, or rejects with its message', async () => {
    const { client, lab } = await setup();
    trainModel(client, 'm1');
    const exporting = lab.models.getState().exportModel('m1');
    const [cmd] = client.of('exportModel');
    expect(cmd.modelId).toBe('m1');
    client.emit({ type: 'modelExported', requestId: cmd.requestId, modelId: 'm1', fileName: 'm.rlm', text: Uint8Array.of(1, 2) });
    expect(await exporting).toEqual({ fileName: 'm.rlm', text: Uint8Array.of(1, 2) });
    const failing = lab.models.getState().exportModel('m9');
    client.emit({ type: 'error', requestId: client.of('exportModel')[1].requestId, message: 'no such model' });
    await expect(failing).rejects.toThrow('no such model');
  });
});
