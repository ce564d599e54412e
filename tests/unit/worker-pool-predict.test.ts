// The Draw panel's requests on a pool of real in-process hosts: every model's prediction asked at once
// gives bit-identical logits with 1, 2 and 4 workers (and the same as one model at a time), attacks on
// every model at once all answer, and the worker's predict queue lets a newer request supersede an
// older one only for the models both name.
import { beforeAll, describe, expect, it } from 'vitest';
import { IMAGE_SIZE } from '../../src/engine/constants';
import { NO_PERTURBATION, type PerturbationSetting } from '../../src/engine/robustness';
import type { WorkerCommand, WorkerEvent } from '../../src/worker/protocol';
import { inProcessPool, InProcessWorker, until } from './reliability-harness';
import { DENSE_CONFIG, hostWithData, SPARSE_CONFIG, TEST, testPixels, trainedFile } from './worker-evalFixtures';

type Ev<T extends WorkerEvent['type']> = Extract<WorkerEvent, { type: T }>;

let files: Uint8Array[] = [];
beforeAll(async () => {
  files = await Promise.all([
    trainedFile(SPARSE_CONFIG), trainedFile({ ...SPARSE_CONFIG, strategy: 'static', seed: 6 }), trainedFile(DENSE_CONFIG),
  ]);
}, 60_000);

const REMOVAL: PerturbationSetting = { ...NO_PERTURBATION, removal: 0.3 };
const ATTACKED: PerturbationSetting = { ...NO_PERTURBATION, attack: { kind: 'fgsm', epsilon: 0.1 } };

function twoImages(): Float32Array {
  const pixels = new Float32Array(2 * IMAGE_SIZE);
  pixels.set(testPixels(0));
  pixels.set(testPixels(1), IMAGE_SIZE);
  return pixels;
}

async function startPool(size: number) {
  const { pool, workers } = inProcessPool(size);
  const events: WorkerEvent[] = [];
  pool.subscribe((e) => events.push(e));
  const errors = () => events.filter((e) => e.type === 'error');
  const wait = async (check: () => boolean, what: string) => {
    await until(() => check() || errors().length > 0, what, 60_000);
    if (errors().length > 0) throw new Error(JSON.stringify(errors()[0]));
  };
  pool.send({ type: 'init', preferBackend: 'cpu' });
  pool.send({ type: 'setData', dataset: 'mnist', split: 'test', images: TEST.images.slice(), labels: TEST.labels.slice(), count: TEST.count });
  files.forEach((text, k) => pool.send({ type: 'loadModel', requestId: 100 + k, text: text.slice(), fileName: `m${k}.rlm` }));
  const loaded = () => events.filter((e): e is Ev<'modelLoaded'> => e.type === 'modelLoaded');
  await wait(() => loaded().length === files.length, 'the models to load');
  const ids = files.map((_, k) => (loaded().find((e) => e.requestId === 100 + k) as Ev<'modelLoaded'>).model.modelId);

  /** Every model's logits answering `requestId` (a pool answers once per worker). */
  const logitsOf = async (requestId: number, count: number) => {
    const answers = () => events.filter((e): e is Ev<'predictions'> => e.type === 'predictions' && e.requestId === requestId).flatMap((e) => e.results);
    await wait(() => answers().length === count, `the predictions of request ${requestId}`);
    return new Map(answers().map((r) => [r.modelId, r.logits ? [...r.logits] : r.error]));
  };
  return { pool, workers, events, ids, logitsOf, wait };
}

const sent = (worker: InProcessWorker, type: WorkerCommand['type']) => worker.received.filter((c) => c.type === type);

/** Predictions of every model at once under three settings, and an attack on every model at once. */
async function drawRequests(size: number) {
  const { pool, workers, events, ids, logitsOf, wait } = await startPool(size);
  const out: number[][][] = [];
  for (const [k, setting] of [undefined, REMOVAL, ATTACKED].entries()) {
    const requestId = 200 + k;
    pool.send({ type: 'predictModels', requestId, modelIds: ids, pixels: twoImages(), count: 2, seed: 3, ...(setting ? { setting } : {}) });
    const logits = await logitsOf(requestId, ids.length);
    out.push(ids.map((id) => logits.get(id) as number[]));
  }
  ids.forEach((modelId, k) => pool.send({ type: 'attack', requestId: 300 + k, modelId, pixels: testPixels(2), label: TEST.labels[2], kind: 'pgd', epsilon: 0.2, seed: 4 }));
  const attacks = () => events.filter((e): e is Ev<'attackResult'> => e.type === 'attackResult');
  await wait(() => attacks().length === ids.length, 'every attack');
  const attacked = ids.map((_, k) => [...(attacks().find((e) => e.requestId === 300 + k) as Ev<'attackResult'>).adversarial]);
  const spread = workers.map((w) => sent(w, 'predictModels').length);
  const stale = events.filter((e) => e.type === 'stale').length;
  pool.terminate();
  return { out, attacked, spread, stale, ids };
}

describe('the Draw panel on a worker pool', () => {
  it('gives bit-identical predictions and attacks with 1, 2 and 4 workers, the same as one model at a time', async () => {
    const one = await drawRequests(1);
    // One model at a time, as the panel asked before: the same numbers.
    const h = await hostWithData();
    const singleIds = await Promise.all(files.map((f, k) => h.load(f.slice(), 10 + k)));
    for (const [k, setting] of [undefined, REMOVAL, ATTACKED].entries()) {
      for (const [m, modelId] of singleIds.entries()) {
        const requestId = 1000 + 10 * k + m;
        await h.host.handle({ type: 'predict', requestId, modelId, pixels: twoImages(), count: 2, seed: 3, ...(setting ? { setting } : {}) });
        expect(one.out[k][m]).toEqual([...h.of('prediction', requestId)[0].logits]);
      }
    }
    expect(one.out[0][0]).not.toEqual(one.out[1][0]); // the setting matters
    const two = await drawRequests(2);
    const four = await drawRequests(4);
    for (const other of [two, four]) {
      expect(other.out).toEqual(one.out);
      expect(other.attacked).toEqual(one.attacked);
      expect(other.stale).toBe(0); // attacks on different models never supersede each other
      // One request per worker holding models: every worker that holds one was asked.
      expect(other.spread.filter((n) => n > 0).length).toBe(Math.min(3, other.spread.length));
    }
    expect(one.stale).toBe(0);
    expect(new Set(two.ids).size).toBe(3);
  }, 180_000);
});

describe('the worker\'s predict queue', () => {
  it('a newer request supersedes an older one only for the models both name', async () => {
    const h = await hostWithData();
    const [a, b] = await Promise.all([h.load(files[0].slice(), 1), h.load(files[1].slice(), 2)]);
    const pixels = testPixels(0);
    // Three requests queued at once: the first names a and b, the second only a, the third only b.
    await Promise.all([
      h.host.handle({ type: 'predictModels', requestId: 10, modelIds: [a, b], pixels: pixels.slice(), count: 1 }),
      h.host.handle({ type: 'predictModels', requestId: 11, modelIds: [a], pixels: pixels.slice(), count: 1 }),
      h.host.handle({ type: 'predictModels', requestId: 12, modelIds: [b, 'nope'], pixels: pixels.slice(), count: 1 }),
    ]);
    const answered = (requestId: number) => h.of('predictions', requestId).flatMap((e) => e.results);
    expect(answered(10)).toEqual([]); // both its models were asked again by newer requests
    expect(answered(11).map((r) => r.modelId)).toEqual([a]);
    expect(answered(12).map((r) => [r.modelId, r.logits !== undefined])).toEqual([[b, true], ['nope', false]]);
    expect(answered(12)[1].error).toMatch(/no trained model "nope"/);
    // A newer request for b alone never costs a its answer.
    await Promise.all([
      h.host.handle({ type: 'predictModels', requestId: 20, modelIds: [a], pixels: pixels.slice(), count: 1 }),
      h.host.handle({ type: 'predictModels', requestId: 21, modelIds: [b], pixels: pixels.slice(), count: 1 }),
    ]);
    expect(answered(20).map((r) => r.modelId)).toEqual([a]);
    expect(answered(21).map((r) => r.modelId)).toEqual([b]);
    // The same logits as the single-model command.
    await h.host.handle({ type: 'predict', requestId: 30, modelId: a, pixels: pixels.slice(), count: 1 });
    expect([...(answered(20)[0].logits as Float32Array)]).toEqual([...h.of('prediction', 30)[0].logits]);
    // Bad input is an error for the whole request.
    await h.host.handle({ type: 'predictModels', requestId: 40, modelIds: [a], pixels: new Float32Array(5), count: 1 });
    expect(h.events.at(-1)).toMatchObject({ type: 'error', requestId: 40, message: expect.stringContaining('784 pixels') });
  });

  it('attacks on different models never cancel each other; a newer one on the same model does', async () => {
    const h = await hostWithData();
    const [a, b] = await Promise.all([h.load(files[0].slice(), 1), h.load(files[1].slice(), 2)]);
    const attack = (requestId: number, modelId: string) => h.host.handle({
      type: 'attack', requestId, modelId, pixels: testPixels(2), label: TEST.labels[2], kind: 'fgsm', epsilon: 0.1, seed: 1,
    });
    await Promise.all([attack(51, a), attack(52, b), attack(53, a)]);
    const kinds = (requestId: number) => h.events.filter((e) => 'requestId' in e && e.requestId === requestId).map((e) => e.type);
    expect([kinds(51), kinds(52), kinds(53)]).toEqual([['stale'], ['attackResult'], ['attackResult']]);
  });
});
