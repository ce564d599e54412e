// The drawing store driven by a fake worker client: throttled predictions while drawing, every model
// asked at once and answered model by model, answers for an old input not shown as current, attacks and smallest-ε searches,
// the structural setting passed along, test-image picking, dataset changes and a silent worker.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { DEFAULT_CONFIG, type DataArrays, type DatasetName } from '../../src/engine/types';
import {
  attackSucceeded, createDrawingStore, DRAW_SEED, DRAW_THROTTLE_MS, softmax, structuralLabel, usableModels,
  type InkImage, type StructuralSetting,
} from '../../src/state/drawing';
import { createLab } from '../../src/state/lab';
import { LIVE_SEED } from '../../src/state/robustness';
import { createModelsStore, type ModelEntry } from '../../src/state/models';
import { createSessionStore } from '../../src/state/session';
import { FakeClient } from './fakeClient';


/** Logits whose softmax puts most mass on `top`. */
function logitsFor(top: number): Float32Array {
  return Float32Array.from({ length: 10 }, (_, k) => (k === top ? 5 : 0));
}

/** A 100×100 ink image with a vertical bar at column `x` (a "1"). */
function bar(x: number): InkImage {
  const ink = new Float32Array(100 * 100);
  for (let y = 20; y < 80; y++) for (let dx = 0; dx < 8; dx++) ink[y * 100 + x + dx] = 1;
  return { ink, width: 100, height: 100 };
}

function testSet(labels: number[]): DataArrays {
  const images = new Uint8Array(labels.length * 784);
  labels.forEach((_, i) => images.fill(10 * (i + 1), i * 784, (i + 1) * 784));
  return { images, labels: Uint8Array.from(labels), count: labels.length };
}

function setup(opts: { structural?: { value: StructuralSetting; listeners: Set<() => void> }; dataset?: DatasetName; labels?: number[] } = {}) {
  const client = new FakeClient();
  const loads: DatasetName[] = [];
  const session = createSessionStore({
    client, baseUrl: '/', galleryCount: 4, initialDataset: opts.dataset,
    loadSplit: () => new Promise<DataArrays>(() => undefined),
  });
  const models = createModelsStore(client);
  const randoms = [0.5];
  const structural = opts.structural;
  const drawing = createDrawingStore({
    client, session, models,
    loadTestSet: async (dataset) => { loads.push(dataset); return testSet(opts.labels ?? [7, 2, 1, 7, 4]); },
    random: () => randoms.shift() ?? 0,
    responseTimeoutMs: 5_000,
    structural: structural && {
      get: () => structural.value,
      subscribe: (l) => { structural.listeners.add(l); return () => structural.listeners.delete(l); },
    },
  });
  /** A model finished training in the worker (the models store learns it from the events). */
  const addModel = (id: string, dataset: DatasetName = 'mnist') => {
    const config = { ...DEFAULT_CONFIG, dataset };
    client.emit({ type: 'trainStarted', runToken: 1, modelId: id, config, path: 'sparse-cpu', initialTopology: [] });
    client.emit({ type: 'trainDone', runToken: 1, modelId: id, summary: { modelId: id, epochsCompleted: 2, finalAccuracy: 0.9, stoppedEarly: false, seconds: 1 } });
  };
  /** Answers the newest predictModels request (for `only` of its models, or all) with logits favouring `top`. */
  const answerPredict = (top: number, only?: string[]) => {
    const cmd = client.last('predictModels');
    const ids = cmd.modelIds.filter((id) => !only || only.includes(id));
    client.emit({ type: 'predictions', requestId: cmd.requestId, count: 1, results: ids.map((modelId) => ({ modelId, logits: logitsFor(top) })) });
  };
  return { client, session, models, drawing, addModel, answerPredict, loads, randoms };
}

beforeEach(() => { vi.useFakeTimers(); });
afterEach(() => { vi.useRealTimers(); });

describe('drawing store: live predictions', () => {
  it('reads the pad at most every throttle interval while drawing, and at once at the stroke end', () => {
    const { drawing, client, addModel } = setup();
    addModel('m1');
    let reads = 0;
    const read = () => { reads++; return bar(40); };
    drawing.getState().inkChanged(read, false); // leading edge: read now
    expect(reads).toBe(1);
    for (let i = 0; i < 5; i++) {
      vi.advanceTimersByTime(10);
      drawing.getState().inkChanged(read, false);
    }
    expect(reads).toBe(1);
    vi.advanceTimersByTime(DRAW_THROTTLE_MS);
    expect(reads).toBe(2); // the trailing read catches the newest ink
    drawing.getState().inkChanged(read, true);
    expect(reads).toBe(3);
    const s = drawing.getState();
    expect(s.source).toEqual({ kind: 'drawing' });
    expect(s.pixels).toHaveLength(784);
    expect(s.version).toBe(3);
    // Each input is asked at once (the worker skips a model's older requests that a newer one names).
    expect(client.of('predictModels')).toHaveLength(3);
    expect(client.of('predictModels')[0]).toMatchObject({ modelIds: ['m1'], count: 1, seed: DRAW_SEED });
    expect(client.of('predictModels')[0].setting).toBeUndefined();
    expect(client.of('predict')).toHaveLength(0);
  });

  it('asks every model at once, and shows softmax probabilities', () => {
    const { drawing, client, addModel, answerPredict } = setup();
    addModel('m1');
    addModel('m2');
    addModel('other', 'fashion-mnist'); // another dataset: not offered
    drawing.getState().inkChanged(() => bar(40), true);
    expect(client.of('predictModels').map((c) => c.modelIds)).toEqual([['m1', 'm2']]);
    const sentPixels = client.last('predictModels').pixels;
    expect(sentPixels).not.toBe(drawing.getState().pixels); // a copy: the client transfers what it sends
    expect(Array.from(sentPixels)).toEqual(Array.from(drawing.getState().pixels!));
    // A pool's workers answer for their own models, in any order.
    answerPredict(7, ['m2']);
    expect(Object.keys(drawing.getState().predictions)).toEqual(['m2']);
    expect(drawing.getState().predictions.m2.version).toBe(drawing.getState().version);
    answerPredict(1, ['m1']);
    const { predictions, version } = drawing.getState();
    expect(Object.keys(predictions).sort()).toEqual(['m1', 'm2']);
    expect(predictions.m1.version).toBe(version);
    const p = Array.from(predictions.m2.probabilities);
    expect(p.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
    expect(p[7]).toBeCloseTo(Math.exp(5) / (Math.exp(5) + 9), 5);
    expect(client.of('predictModels')).toHaveLength(1);
  });

  it('keeps an answer for an old drawing out of the current ones, and never over a newer answer', () => {
    const { drawing, client, addModel, answerPredict } = setup();
    addModel('m1');
    addModel('m2');
    drawing.getState().inkChanged(() => bar(20), true);
    const first = client.last('predictModels');
    drawing.getState().inkChanged(() => bar(60), true); // a second stroke before the answer: asked at once
    const second = client.last('predictModels');
    expect(second.requestId).toBeGreaterThan(first.requestId);
    expect(Array.from(second.pixels)).toEqual(Array.from(drawing.getState().pixels!));
    // The worker had computed m1 for the first drawing before the second came (it skips m2 there).
    client.emit({ type: 'predictions', requestId: first.requestId, count: 1, results: [{ modelId: 'm1', logits: logitsFor(3) }] });
    const s = drawing.getState();
    expect(s.predictions.m1.version).toBe(s.version - 1); // shown, but known to be outdated
    answerPredict(5);
    expect(drawing.getState().predictions.m1.version).toBe(drawing.getState().version);
    expect(drawing.getState().predictions.m2.version).toBe(drawing.getState().version);
    // A late answer to the older request changes nothing.
    client.emit({ type: 'predictions', requestId: first.requestId, count: 1, results: [{ modelId: 'm2', logits: logitsFor(0) }] });
    expect(drawing.getState().predictions.m2.probabilities[5]).toBeGreaterThan(0.9);
  });

  it('asks again when the worker answers "stale", and records an error per model', () => {
    const { drawing, client, addModel, answerPredict } = setup();
    addModel('m1');
    addModel('m2');
    drawing.getState().inkChanged(() => bar(40), true);
    client.emit({ type: 'stale', requestId: client.last('predictModels').requestId });
    expect(client.of('predictModels').map((c) => c.modelIds)).toEqual([['m1', 'm2'], ['m1', 'm2']]);
    const again = client.last('predictModels');
    client.emit({ type: 'predictions', requestId: again.requestId, count: 1, results: [{ modelId: 'm2', error: 'host.ts: no model m2' }] });
    expect(drawing.getState().predictionErrors).toEqual({ m2: 'host.ts: no model m2' });
    answerPredict(4, ['m1']);
    expect(Object.keys(drawing.getState().predictions)).toEqual(['m1']);
    // An error for the whole request reaches every model still waiting for it.
    drawing.getState().inkChanged(() => bar(60), true);
    client.emit({ type: 'error', requestId: client.last('predictModels').requestId, message: 'attackHost.ts: bad pixels' });
    expect(drawing.getState().predictionErrors).toEqual({ m1: 'attackHost.ts: bad pixels', m2: 'attackHost.ts: bad pixels' });
  });

  it('gives up on a silent worker after the timeout, for the models it did not answer', () => {
    const { drawing, addModel, answerPredict } = setup();
    addModel('m1');
    addModel('m2');
    drawing.getState().inkChanged(() => bar(40), true);
    answerPredict(2, ['m2']);
    vi.advanceTimersByTime(5_000);
    expect(drawing.getState().predictionErrors.m1).toMatch(/did not answer within 5 s/);
    expect(drawing.getState().predictionErrors.m2).toBeUndefined();
    expect(drawing.getState().predictions.m2.probabilities[2]).toBeGreaterThan(0.9);
  });

  it('a model that finishes training predicts the current drawing; clearing empties everything', () => {
    const { drawing, client, addModel, answerPredict } = setup();
    drawing.getState().inkChanged(() => bar(40), true);
    expect(client.of('predictModels')).toHaveLength(0);
    addModel('m1');
    expect(client.last('predictModels').modelIds).toEqual(['m1']);
    answerPredict(1);
    addModel('m2'); // only the new model is asked: m1 has answered this input
    expect(client.last('predictModels').modelIds).toEqual(['m2']);
    answerPredict(1);
    drawing.getState().clear();
    expect(drawing.getState()).toMatchObject({ pixels: null, source: { kind: 'empty' }, predictions: {} });
    // A pad that is gone (the panel was hidden mid-stroke) changes nothing.
    drawing.getState().inkChanged(() => bar(40), true);
    const version = drawing.getState().version;
    drawing.getState().inkChanged(() => ({ ink: new Float32Array(0), width: 0, height: 0 }), true);
    expect(drawing.getState().version).toBe(version);
    drawing.getState().clear();
    // An empty pad is no input.
    drawing.getState().inkChanged(() => ({ ink: new Float32Array(100), width: 10, height: 10 }), true);
    expect(drawing.getState().pixels).toBeNull();
    expect(client.of('predictModels')).toHaveLength(3); // m1, m2, the second drawing; nothing for the empty pad
  });

  it('sends the Robustness panel\'s structural setting and predicts again when it changes', () => {
    const structural = { value: { removal: 0.2, shuffle: 0, seed: 9 } as StructuralSetting, listeners: new Set<() => void>() };
    const { drawing, client, addModel, answerPredict } = setup({ structural });
    addModel('m1');
    expect(drawing.getState().settingLabel).toBe('under 20% link removal');
    drawing.getState().inkChanged(() => bar(40), true);
    expect(client.last('predictModels').setting).toEqual({ removal: 0.2, shuffle: 0, attack: { kind: 'fgsm', epsilon: 0 } });
    expect(client.last('predictModels').seed).toBe(9); // the Robustness panel's links
    answerPredict(1);
    expect(drawing.getState().predictions.m1.settingLabel).toBe('under 20% link removal');
    structural.value = { removal: 0.2, shuffle: 0.1, seed: 9 };
    for (const l of structural.listeners) l();
    expect(drawing.getState().settingLabel).toBe('under 20% link removal and 10% weight shuffling');
    expect(client.of('predictModels')).toHaveLength(2);
    expect(client.last('predictModels').setting).toMatchObject({ removal: 0.2, shuffle: 0.1 });
    for (const l of structural.listeners) l(); // same values: nothing to ask
    expect(client.of('predictModels')).toHaveLength(2);
    // The attack runs on the same perturbed network as the prediction it starts from.
    answerPredict(2);
    drawing.getState().attack();
    expect(client.last('attack')).toMatchObject({ label: 2, seed: 9, setting: { removal: 0.2, shuffle: 0.1 } });
    expect(drawing.getState().attacks.m1.settingLabel).toBe('under 20% link removal and 10% weight shuffling');
  });
});

describe('drawing store: attacks', () => {
  it('attacks every model at once, each away from its own prediction, once that prediction is in', () => {
    const { drawing, client, addModel, answerPredict } = setup();
    addModel('m1');
    addModel('m2');
    drawing.getState().inkChanged(() => bar(40), true);
    drawing.getState().setAttackKind('fgsm');
    drawing.getState().setEpsilon(0.3);
    drawing.getState().attack(); // before the predictions: each waits for its model's
    expect(drawing.getState().attacks.m1.status).toBe('queued');
    expect(client.of('attack')).toHaveLength(0);
    answerPredict(7, ['m2']);
    expect(client.of('attack').map((a) => a.modelId)).toEqual(['m2']);
    answerPredict(1, ['m1']);
    expect(client.of('attack').map((a) => a.modelId)).toEqual(['m2', 'm1']);
    const attack = client.last('attack');
    expect(attack).toMatchObject({ modelId: 'm1', label: 1, kind: 'fgsm', epsilon: 0.3 });
    expect(attack.target).toBeUndefined();
    expect(drawing.getState().attacks.m1).toMatchObject({ status: 'running', label: 1 });
    expect(client.of('attack')[0]).toMatchObject({ modelId: 'm2', label: 7 });
    const adversarial = attack.pixels.map((v) => Math.min(1, v + 0.3));
    client.emit({
      type: 'attackResult', requestId: attack.requestId, modelId: 'm1', epsilon: 0.3, adversarial,
      perturbation: adversarial.map((v, i) => v - attack.pixels[i]), before: softmax(logitsFor(1)), after: softmax(logitsFor(8)),
    });
    const m1 = drawing.getState().attacks.m1;
    expect(m1.status).toBe('done');
    expect(attackSucceeded(m1)).toBe(true);
    expect(drawing.getState().attacks.m2.status).toBe('running');
  });

  it('a targeted attack carries its target; success means reaching it', () => {
    const { drawing, client, addModel, answerPredict } = setup();
    addModel('m1');
    drawing.getState().inkChanged(() => bar(40), true);
    answerPredict(1);
    drawing.getState().setTarget(3);
    drawing.getState().setEpsilon(9); // clamped to the slider's range
    drawing.getState().attack();
    const attack = client.last('attack');
    expect(attack).toMatchObject({ target: 3, kind: 'pgd', epsilon: 0.5, label: 1 });
    client.emit({
      type: 'attackResult', requestId: attack.requestId, modelId: 'm1', epsilon: 0.5, adversarial: attack.pixels,
      perturbation: new Float32Array(784), before: softmax(logitsFor(1)), after: softmax(logitsFor(8)),
    });
    expect(attackSucceeded(drawing.getState().attacks.m1)).toBe(false); // moved, but not to 3
  });

  it('drops an attack answer for a drawing that has changed', () => {
    const { drawing, client, addModel, answerPredict } = setup();
    addModel('m1');
    drawing.getState().inkChanged(() => bar(40), true);
    answerPredict(1);
    drawing.getState().attack();
    const attack = client.last('attack');
    drawing.getState().inkChanged(() => bar(60), true);
    expect(drawing.getState().attacks).toEqual({});
    client.emit({
      type: 'attackResult', requestId: attack.requestId, modelId: 'm1', epsilon: 0.1, adversarial: attack.pixels,
      perturbation: new Float32Array(784), before: softmax(logitsFor(1)), after: softmax(logitsFor(8)),
    });
    expect(drawing.getState().attacks).toEqual({});
    expect(client.last('predictModels').requestId).toBeGreaterThan(attack.requestId); // the new drawing is predicted
  });

  it('finds the smallest ε per model (one job per model at a time) and reports an error on the model it concerns', () => {
    const { drawing, client, addModel, answerPredict } = setup();
    addModel('m1');
    addModel('m2');
    drawing.getState().inkChanged(() => bar(40), true);
    answerPredict(1);
    drawing.getState().findMinimalEpsilon();
    const [first, second] = client.of('minimalEpsilon');
    expect(first).toMatchObject({ modelId: 'm1', label: 1, kind: 'pgd', maxEpsilon: 0.5 });
    expect(second.modelId).toBe('m2');
    drawing.getState().attack(); // queued behind each model's search
    expect(client.of('attack')).toHaveLength(0);
    client.emit({ type: 'minimalEpsilonResult', requestId: first.requestId, modelId: 'm1', epsilon: 0.08, maxEpsilon: 0.5 });
    expect(client.of('attack').map((a) => a.modelId)).toEqual(['m1']);
    client.emit({ type: 'minimalEpsilonResult', requestId: second.requestId, modelId: 'm2', epsilon: null, maxEpsilon: 0.5 });
    expect(drawing.getState().minimal).toMatchObject({ m1: { status: 'done', epsilon: 0.08 }, m2: { status: 'done', epsilon: null } });
    expect(client.of('attack').map((a) => a.modelId)).toEqual(['m1', 'm2']);
    client.emit({ type: 'error', requestId: client.of('attack')[0].requestId, message: 'attackHost.ts: broken' });
    expect(drawing.getState().attacks.m1).toMatchObject({ status: 'error', message: 'attackHost.ts: broken' });
    expect(drawing.getState().attacks.m2.status).toBe('running');
  });

  it('reports a failed prediction as the reason an attack cannot start', () => {
    const { drawing, client, addModel } = setup();
    addModel('m1');
    drawing.getState().inkChanged(() => bar(40), true);
    drawing.getState().attack();
    client.emit({ type: 'error', requestId: client.last('predictModels').requestId, message: 'no such model' });
    expect(drawing.getState().attacks.m1).toMatchObject({ status: 'error' });
    expect(drawing.getState().attacks.m1.message).toMatch(/no such model/);
    expect(client.of('attack')).toHaveLength(0);
  });

  it('a fatal worker error ends the requests out', () => {
    const { drawing, client, addModel } = setup();
    addModel('m1');
    drawing.getState().inkChanged(() => bar(40), true);
    client.emit({ type: 'error', fatal: true, message: 'worker crashed' });
    expect(drawing.getState().predictionErrors.m1).toBe('worker crashed');
  });
});

describe('drawing store: test images and datasets', () => {
  it('picks a random test image, or one of a chosen class, as the input', async () => {
    const { drawing, client, addModel, loads, randoms } = setup({ labels: [7, 2, 1, 7, 4] });
    addModel('m1');
    randoms.push(0.6);
    await drawing.getState().pickTestImage();
    expect(loads).toEqual(['mnist']);
    // random 0.5 of 5 images → index 2 (a "1"), pixels 30/255.
    expect(drawing.getState().source).toEqual({ kind: 'test', index: 2, label: 1 });
    expect(drawing.getState().pixels![100]).toBeCloseTo(30 / 255, 6);
    expect(drawing.getState().mode).toBe('pick');
    expect(client.last('predictModels').modelIds).toEqual(['m1']);
    drawing.getState().setPickClass(7);
    await drawing.getState().pickTestImage(); // 0.6 of the two 7s → the second, index 3
    expect(drawing.getState().source).toEqual({ kind: 'test', index: 3, label: 7 });
    expect(loads).toEqual(['mnist']); // loaded once
    drawing.getState().setPickClass(9);
    await drawing.getState().pickTestImage();
    expect(drawing.getState().testSet.status).toBe('error');
    expect(drawing.getState().testSet.message).toMatch(/no image of class 9/);
    // Drawing replaces the picked image.
    drawing.getState().inkChanged(() => bar(40), true);
    expect(drawing.getState()).toMatchObject({ mode: 'draw', source: { kind: 'drawing' } });
  });

  it('Fashion-MNIST opens in pick mode; switching dataset resets the panel', async () => {
    const { drawing, session, loads } = setup({ dataset: 'fashion-mnist' });
    expect(drawing.getState().mode).toBe('pick');
    drawing.getState().ensureInput();
    await vi.runAllTimersAsync();
    expect(loads).toEqual(['fashion-mnist']);
    expect(drawing.getState().source.kind).toBe('test');
    session.getState().setDataset('mnist');
    expect(drawing.getState()).toMatchObject({ dataset: 'mnist', mode: 'draw', pixels: null, source: { kind: 'empty' } });
    drawing.getState().ensureInput(); // draw mode: nothing to pick
    expect(loads).toEqual(['fashion-mnist']);
  });

  it('is part of the lab and offers only finished models of the active dataset', () => {
    const client = new FakeClient();
    const lab = createLab({ client, loadSplit: () => new Promise(() => undefined), baseUrl: '/', galleryCount: 2 });
    expect(lab.drawing.getState().mode).toBe('draw');
    const config = { ...DEFAULT_CONFIG, dataset: 'mnist' as const };
    client.emit({ type: 'trainStarted', runToken: 1, modelId: 'm1', config, path: 'sparse-cpu', initialTopology: [] });
    client.emit({ type: 'trainDone', runToken: 1, modelId: 'm1', summary: { modelId: 'm1', epochsCompleted: 1, finalAccuracy: 0.9, stoppedEarly: false, seconds: 1 } });
    lab.drawing.getState().inkChanged(() => bar(40), true);
    const first = client.last('predictModels');
    expect(first.setting).toBeUndefined();
    client.emit({ type: 'predictions', requestId: first.requestId, count: 1, results: [{ modelId: 'm1', logits: logitsFor(1) }] });
    // The Robustness panel's link-removal slider reaches the drawing's predictions.
    lab.robustness.getState().setSlider('removal', 0.3);
    expect(lab.drawing.getState().settingLabel).toBe('under 30% link removal');
    expect(client.last('predictModels')).toMatchObject({ setting: { removal: 0.3, shuffle: 0 }, seed: LIVE_SEED });
    expect(client.last('predictModels').requestId).toBeGreaterThan(first.requestId);
    lab.dispose();
    const entry = (id: string, patch: Partial<ModelEntry>): ModelEntry => ({
      id, label: id, dataset: 'mnist', strategy: 'set', hidden: 8, density: 0.1, weightDecay: 0, config: DEFAULT_CONFIG,
      path: 'sparse-cpu', status: 'trained', epochsCompleted: 2, accuracy: 0.9, ...patch,
    });
    const list = [
      entry('a', {}), entry('b', { status: 'training' }), entry('c', { status: 'failed', epochsCompleted: 0 }),
      entry('d', { status: 'stopped', epochsCompleted: 0 }), entry('e', { status: 'stopped', epochsCompleted: 1 }),
      entry('f', { dataset: 'fashion-mnist' }), entry('g', { status: 'loaded', epochsCompleted: 0 }),
    ];
    expect(usableModels(list, 'mnist').map((m) => m.id)).toEqual(['a', 'e', 'g']);
    expect(structuralLabel({ removal: 0, shuffle: 0 })).toBeNull();
    expect(structuralLabel({ removal: 0, shuffle: 0.25 })).toBe('under 25% weight shuffling');
  });
});
