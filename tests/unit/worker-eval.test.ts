// The worker's model files and evaluation jobs, driven through createWorkerHost in Node on the CPU
// backend: load/export, live evaluation (newest wins, stale answers, stop at the next batch), sweeps
// with progress, cancel and the noise baseline, and the sample grid.
import { legacyModelJson } from './legacyModelFile';
import { beforeAll, describe, expect, it } from 'vitest';
import { IMAGE_SIZE } from '../../src/engine/constants';
import { parseModelFile, serializeModel } from '../../src/engine/modelFile';
import { accuracyUnder, NO_PERTURBATION, type PerturbationSetting } from '../../src/engine/robustness';
import { createSparseCpuPath } from '../../src/engine/sparseCpu';
import { DENSE_CONFIG, hostWithData, SPARSE_CONFIG, TEST, TRAIN, trainedFile, waitFor } from './worker-evalFixtures';

let sparseFile: Uint8Array = new Uint8Array(0);
let denseFile: Uint8Array = new Uint8Array(0);
beforeAll(async () => {
  [sparseFile, denseFile] = await Promise.all([trainedFile(SPARSE_CONFIG), trainedFile(DENSE_CONFIG)]);
});

const removal = (fraction: number): PerturbationSetting => ({ ...NO_PERTURBATION, removal: fraction });
const fgsm = (epsilon: number): PerturbationSetting => ({ ...NO_PERTURBATION, attack: { kind: 'fgsm', epsilon } });

describe('model files in the worker', () => {
  it('loads a file as a model, answers with its facts, and exports it back unchanged', async () => {
    const { host, of, load } = await hostWithData();
    const id = await load(sparseFile, 1, 'set-small.json');
    const info = of('modelLoaded', 1)[0].model;
    const parsed = parseModelFile(sparseFile, 'x');
    if (!parsed.ok) throw new Error(parsed.error);
    expect(info).toMatchObject({ modelId: id, fileName: 'set-small.json', label: 'set-small', dataset: 'mnist', strategy: 'set', testAccuracy: parsed.model.testAccuracy });
    expect(info.links).toEqual(parsed.model.state.layers.slice(0, 3).map((l) => l.links!.length));
    expect(Array.from(info.topology[1].links)).toEqual(Array.from(parsed.model.state.layers[1].links!));
    expect(host.modelIds()).toEqual([id]);

    await host.handle({ type: 'exportModel', requestId: 2, modelId: id });
    const exported = of('modelExported', 2)[0];
    expect(exported.fileName).toBe('rewire-lab-mnist-set-h24.rlm');
    const back = parseModelFile(exported.text, exported.fileName);
    if (!back.ok) throw new Error(back.error);
    for (let l = 0; l < 4; l++) expect(Array.from(back.model.state.layers[l].weights)).toEqual(Array.from(parsed.model.state.layers[l].weights));
    expect(back.model.history).toEqual(parsed.model.history);
    // The wiring history goes to the page with the model and back out into the exported file.
    expect(parsed.model.wiring).toHaveLength(SPARSE_CONFIG.epochs);
    expect(info.wiring).toEqual(parsed.model.wiring);
    expect(back.model.wiring).toEqual(parsed.model.wiring);
  });

  it('a trained model and a loaded one live in one map and evaluate side by side', async () => {
    const { host, of, load } = await hostWithData();
    await host.handle({ type: 'setData', dataset: 'mnist', split: 'train', images: TRAIN.images.slice(), labels: TRAIN.labels.slice(), count: TRAIN.count });
    await host.handle({ type: 'train', runToken: 1, config: { ...SPARSE_CONFIG, epochs: 1 } });
    const trained = host.modelIds()[0];
    const loaded = await load(sparseFile, 3);
    expect(loaded).not.toBe(trained);
    await host.handle({ type: 'evaluate', requestId: 4, modelIds: [trained, loaded], setting: NO_PERTURBATION, seed: 1 });
    expect(of('evaluation', 4)[0].results.map((r) => r.modelId)).toEqual([trained, loaded]);
    // A model trained in the page exports with its wiring history.
    await host.handle({ type: 'exportModel', requestId: 5, modelId: trained });
    const file = parseModelFile(of('modelExported', 5)[0].text, 'trained.rlm');
    expect(file.ok && file.model.wiring?.length).toBe(1);
  });

  it('a bad file gives an error event with the parser\'s message and changes nothing', async () => {
    const { host, events, load } = await hostWithData();
    const good = await load(sparseFile, 1);
    const parsed = parseModelFile(sparseFile, 'x');
    if (!parsed.ok) throw new Error(parsed.error);
    const broken = JSON.parse(legacyModelJson(parsed.model)) as { layers: Array<{ nIn: number }> };
    broken.layers[0].nIn = 5;
    for (const [requestId, text] of [[2, JSON.stringify(broken)], [3, '{ not json'], [4, '{"format":"other"}']] as const) {
      events.length = 0;
      await host.handle({ type: 'loadModel', requestId, text, fileName: 'bad.json' });
      expect(events).toHaveLength(1);
      const expected = parseModelFile(text, 'bad.json');
      expect(expected.ok).toBe(false);
      expect(events[0]).toEqual({ type: 'error', requestId, message: (expected as { error: string }).error });
    }
    expect(host.modelIds()).toEqual([good]);
    await host.handle({ type: 'exportModel', requestId: 5, modelId: 'nope' });
    expect(events.at(-1)).toMatchObject({ type: 'error', requestId: 5, message: expect.stringContaining('nope') });
  });
});

describe('live evaluation', () => {
  it('gives the engine\'s accuracy per model under a setting, sparse and dense', async () => {
    const { host, of, load } = await hostWithData();
    const sparse = await load(sparseFile, 1);
    const dense = await load(denseFile, 2);
    const setting = { ...NO_PERTURBATION, removal: 0.3, shuffle: 0.2 };
    await host.handle({ type: 'evaluate', requestId: 3, modelIds: [sparse, dense], setting, seed: 9 });
    const [result] = of('evaluation', 3);
    expect(result.setting).toEqual(setting);
    expect(result.results.map((r) => r.modelId)).toEqual([sparse, dense]);
    for (const [r, file] of [[result.results[0], sparseFile], [result.results[1], denseFile]] as const) {
      const parsed = parseModelFile(file, 'f');
      if (!parsed.ok) throw new Error(parsed.error);
      const direct = await accuracyUnder(createSparseCpuPath(), parsed.model.state, TEST, setting, 9);
      // The dense model runs on the device path (tfjs): the same maths in another order of sums.
      expect(r.accuracy).toBeCloseTo(direct!.accuracy, 2);
      expect(r.perClass).toHaveLength(10);
    }
    const clean = of('evaluation', 3)[0].results[0].accuracy;
    expect(clean).toBeGreaterThan(0.3);
    await host.handle({ type: 'evaluate', requestId: 4, modelIds: [sparse], setting: removal(1), seed: 9 });
    // Without any sparse link, every image gives the same logits: one class, about a tenth right.
    expect(of('evaluation', 4)[0].results[0].accuracy).toBeLessThan(0.2);
    await host.handle({ type: 'evaluate', requestId: 5, modelIds: [sparse], setting: fgsm(0.3), seed: 9, limit: 200 });
    const parsed = parseModelFile(sparseFile, 'f');
    if (!parsed.ok) throw new Error(parsed.error);
    const attacked = await accuracyUnder(createSparseCpuPath(), parsed.model.state, TEST, fgsm(0.3), 9, { limit: 200 });
    expect(of('evaluation', 5)[0].results[0].accuracy).toBe(attacked!.accuracy);
  });

  it('the newest request wins: queued older ones are stale, a running one stops at its next batch', async () => {
    const { host, events, of, load } = await hostWithData();
    const id = await load(sparseFile, 1);
    const pgd: PerturbationSetting = { ...NO_PERTURBATION, attack: { kind: 'pgd', epsilon: 0.2, steps: 3 } };
    const queued = [2, 3, 4].map((requestId) => host.handle({ type: 'evaluate', requestId, modelIds: [id], setting: pgd, seed: 1 }));
    await Promise.all(queued);
    expect(events.slice(-3).map((e) => e.type)).toEqual(['stale', 'stale', 'evaluation']);
    expect(of('evaluation', 4)).toHaveLength(1);

    // Request 5 starts (1,200 images: three batches of 500); request 6 arrives while it runs.
    events.length = 0;
    const running = host.handle({ type: 'evaluate', requestId: 5, modelIds: [id], setting: pgd, seed: 1 });
    await new Promise((r) => setTimeout(r, 0));
    const newer = host.handle({ type: 'evaluate', requestId: 6, modelIds: [id], setting: NO_PERTURBATION, seed: 1 });
    await Promise.all([running, newer]);
    expect(events.map((e) => [e.type, (e as { requestId: number }).requestId])).toEqual([['stale', 5], ['evaluation', 6]]);
  });

  it('reports unknown models, missing test sets and bad settings as errors of the request', async () => {
    const { host, events, load } = await hostWithData();
    const id = await load(sparseFile, 1);
    await host.handle({ type: 'evaluate', requestId: 2, modelIds: ['ghost'], setting: NO_PERTURBATION, seed: 1 });
    expect(events.at(-1)).toMatchObject({ type: 'error', requestId: 2, message: expect.stringContaining('no trained model "ghost"') });
    await host.handle({ type: 'evaluate', requestId: 3, modelIds: [id], setting: { ...NO_PERTURBATION, removal: 1.5 }, seed: 1 });
    expect(events.at(-1)).toMatchObject({ type: 'error', requestId: 3, message: expect.stringContaining('link removal fraction') });
    const sparse = parseModelFile(sparseFile, 'x');
    if (!sparse.ok) throw new Error(sparse.error);
    const fashion = serializeModel({ ...sparse.model, config: { ...SPARSE_CONFIG, dataset: 'fashion-mnist' } });
    const other = await load(fashion, 4);
    await host.handle({ type: 'evaluate', requestId: 5, modelIds: [other], setting: NO_PERTURBATION, seed: 1 });
    expect(events.at(-1)).toMatchObject({ type: 'error', requestId: 5, message: expect.stringContaining('fashion-mnist test set has not been sent') });
  });
});

describe('sweeps', () => {
  it('posts progress up to the total and one curve per model; FGSM comes with the noise baseline', async () => {
    const { host, of, load } = await hostWithData();
    const a = await load(sparseFile, 1);
    const b = await load(denseFile, 2);
    await host.handle({ type: 'sweep', requestId: 3, modelIds: [a, b], kind: 'removal', levels: [0, 0.5, 1], repeats: 2, seed: 4 });
    const progress = of('sweepProgress', 3);
    expect(progress.at(-1)).toMatchObject({ done: 12, total: 12 });
    for (let k = 1; k < progress.length; k++) expect(progress[k].done).toBeGreaterThan(progress[k - 1].done);
    const [result] = of('sweepResult', 3);
    expect(result.kind).toBe('removal');
    expect(result.baseline).toBeUndefined();
    expect(result.results.map((r) => r.modelId)).toEqual([a, b]);
    await host.handle({ type: 'evaluate', requestId: 4, modelIds: [a], setting: NO_PERTURBATION, seed: 4 });
    const sparseCurve = result.results[0].points;
    expect(sparseCurve.map((p) => p.level)).toEqual([0, 0.5, 1]);
    expect(sparseCurve[0].mean).toBe(of('evaluation', 4)[0].results[0].accuracy);
    expect(sparseCurve[0].accuracies).toHaveLength(2);
    expect(sparseCurve[2].mean).toBeLessThan(sparseCurve[0].mean);

    await host.handle({ type: 'sweep', requestId: 5, modelIds: [a], kind: 'fgsm', levels: [0, 0.2], repeats: 1, seed: 4, limit: 100 });
    const adversarial = of('sweepResult', 5)[0];
    expect(adversarial.baseline?.map((r) => r.modelId)).toEqual([a]);
    expect(adversarial.baseline![0].points[0].mean).toBe(adversarial.results[0].points[0].mean);
    // An attack must do at least as well as random noise of the same size.
    expect(adversarial.results[0].points[1].mean).toBeLessThanOrEqual(adversarial.baseline![0].points[1].mean);
    expect(of('sweepProgress', 5).at(-1)).toMatchObject({ done: 4, total: 4 });
  });

  it('cancel stops a running sweep: it answers stale and posts no result', async () => {
    const { host, events, of, load } = await hostWithData();
    const id = await load(sparseFile, 1);
    const levels = Array.from({ length: 10 }, (_, k) => k / 10);
    const running = host.handle({ type: 'sweep', requestId: 2, modelIds: [id], kind: 'shuffle', levels, repeats: 5, seed: 1 });
    await waitFor(() => of('sweepProgress', 2).length > 0, 'the first progress event');
    await host.handle({ type: 'cancel', requestId: 2 });
    await running;
    expect(of('sweepResult', 2)).toHaveLength(0);
    expect(events.at(-1)).toEqual({ type: 'stale', requestId: 2 });
    expect(of('sweepProgress', 2).at(-1)!.done).toBeLessThan(50);
    // A cancel for a job that is over does nothing.
    await host.handle({ type: 'cancel', requestId: 2 });
    expect(events.at(-1)).toEqual({ type: 'stale', requestId: 2 });
  });
});

describe('sample grid', () => {
  it('gives clean and perturbed predictions with the images each model saw', async () => {
    const { host, of, load } = await hostWithData();
    const a = await load(sparseFile, 1);
    const b = await load(denseFile, 2);
    const indices = Int32Array.from([0, 1, 2, 3, 4, 5]);
    await host.handle({ type: 'samples', requestId: 3, modelIds: [a, b], dataset: 'mnist', indices, setting: NO_PERTURBATION, seed: 1 });
    const [clean] = of('samplesResult', 3);
    expect(Array.from(clean.indices)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(Array.from(clean.labels!)).toEqual(Array.from(TEST.labels.subarray(0, 6)));
    expect(clean.images).toHaveLength(6 * IMAGE_SIZE);
    expect(clean.images[2 * 28 + 2 * 28 * 28 + 4]).toBeCloseTo(TEST.images[2 * 28 + 2 * 28 * 28 + 4] / 255, 6);
    expect(clean.predictions.map((p) => p.modelId)).toEqual([a, b]);
    for (const p of clean.predictions) expect(Array.from(p.perturbed)).toEqual(Array.from(p.clean));

    await host.handle({ type: 'samples', requestId: 4, modelIds: [a], dataset: 'mnist', indices, setting: fgsm(0.25), seed: 1 });
    const [attacked] = of('samplesResult', 4);
    let moved = 0;
    for (let i = 0; i < attacked.images.length; i++) {
      const delta = Math.abs(attacked.images[i] - clean.images[i]);
      expect(delta).toBeLessThanOrEqual(0.25 + 1e-6);
      if (delta > 0.1) moved++;
      expect(attacked.images[i] >= 0 && attacked.images[i] <= 1).toBe(true);
    }
    expect(moved).toBeGreaterThan(1000);
    expect(Array.from(attacked.predictions[0].clean)).toEqual(Array.from(clean.predictions[0].clean));

    await host.handle({ type: 'samples', requestId: 5, modelIds: [a], dataset: 'mnist', indices: Int32Array.from([0, 5000]), setting: NO_PERTURBATION, seed: 1 });
    expect(of('error', 5)[0].message).toContain('sample indices must lie in 0..1199');
  });
});
