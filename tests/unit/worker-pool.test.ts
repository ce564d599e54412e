// The worker pool on real in-process hosts: training, live evaluation and robustness sweeps give
// bit-identical numbers with 1, 2 or 4 workers, and the work really is spread over the workers.
import { describe, expect, it } from 'vitest';
import { defaultPoolSize } from '../../src/worker/pool';
import type { WorkerCommand, WorkerEvent } from '../../src/worker/protocol';
import { inProcessPool, InProcessWorker, TEST, TRAIN, tinyConfig, until } from './reliability-harness';

type Ev<T extends WorkerEvent['type']> = Extract<WorkerEvent, { type: T }>;

function startPool(size: number) {
  const { pool, workers } = inProcessPool(size);
  const events: WorkerEvent[] = [];
  pool.subscribe((e) => events.push(e));
  const first = <T extends WorkerEvent['type']>(type: T, match: (e: Ev<T>) => boolean) => events.find((e): e is Ev<T> => e.type === type && match(e as Ev<T>));
  const answer = async <T extends WorkerEvent['type']>(type: T, match: (e: Ev<T>) => boolean): Promise<Ev<T>> => {
    await until(() => first(type, match) !== undefined || events.some((e) => e.type === 'error'), `${type}`, 60_000);
    const error = events.find((e) => e.type === 'error');
    if (error) throw new Error(JSON.stringify(error));
    return first(type, match) as Ev<T>;
  };
  return { pool, workers, events, answer };
}

const sentTo = (worker: InProcessWorker, type: WorkerCommand['type']) => worker.received.filter((c) => c.type === type);

async function everything(size: number) {
  const { pool, workers, answer } = startPool(size);
  pool.send({ type: 'init', preferBackend: 'cpu' });
  for (const [split, d] of [['train', TRAIN], ['test', TEST]] as const) {
    pool.send({ type: 'setData', dataset: 'mnist', split, images: d.images.slice(), labels: d.labels.slice(), count: d.count });
  }
  // Three networks: with several workers they train at the same time (one worker trains them in turn).
  const configs = [tinyConfig({ seed: 1 }), tinyConfig({ seed: 2, strategy: 'static' }), tinyConfig({ seed: 3, epochs: 3 })];
  const ids: string[] = [];
  for (let start = 0; start < configs.length; start += size) {
    const batch = configs.slice(start, start + size).map((config, k) => ({ config, token: start + k + 1 }));
    for (const { config, token } of batch) pool.send({ type: 'train', runToken: token, config });
    for (const { token } of batch) ids.push((await answer('trainDone', (e) => e.runToken === token)).modelId);
  }
  const accuracies = await Promise.all(ids.map(async (_, k) => (await answer('trainDone', (e) => e.runToken === k + 1)).summary.finalAccuracy));
  pool.send({ type: 'evaluate', requestId: 9001, modelIds: ids, setting: { removal: 0.3, shuffle: 0.1, attack: { kind: 'fgsm', epsilon: 0.05 } }, seed: 7 });
  const evaluation = await answer('evaluation', (e) => e.requestId === 9001);
  pool.send({ type: 'sweep', requestId: 9002, modelIds: ids, kind: 'removal', levels: [0, 0.2, 0.5, 0.9], repeats: 3, seed: 11 });
  const removal = await answer('sweepResult', (e) => e.requestId === 9002);
  pool.send({ type: 'sweep', requestId: 9003, modelIds: ids.slice(0, 2), kind: 'fgsm', levels: [0.05, 0.1], repeats: 2, seed: 4, limit: 50 });
  const fgsm = await answer('sweepResult', (e) => e.requestId === 9003);
  const spread = workers.map((w) => sentTo(w, 'sweep').length);
  pool.terminate();
  return {
    accuracies,
    evaluation: evaluation.results.map((r) => ({ modelId: r.modelId, accuracy: r.accuracy, perClass: [...r.perClass] })),
    removal: removal.results, fgsm: fgsm.results, baseline: fgsm.baseline, spread, ids,
  };
}

describe('worker pool', () => {
  it('sizes itself from the cores: at least 2, at most 8', () => {
    expect(defaultPoolSize(1)).toBe(2);
    expect(defaultPoolSize(6)).toBe(6);
    expect(defaultPoolSize(64)).toBe(8);
    expect(defaultPoolSize(undefined)).toBe(2);
  });

  it('gives bit-identical accuracies and curves with 1, 2 and 4 workers', async () => {
    const one = await everything(1);
    const two = await everything(2);
    const four = await everything(4);
    expect(one.accuracies.every((a) => a !== null && a > 0.2)).toBe(true);
    expect(one.removal.map((c) => c.points.length)).toEqual([4, 4, 4]);
    expect(one.baseline).toBeDefined();
    for (const other of [two, four]) {
      expect(other.accuracies).toEqual(one.accuracies);
      // Model ids differ by worker; each result is compared in the order the page asked.
      expect(other.evaluation.map((r) => [r.accuracy, r.perClass])).toEqual(one.evaluation.map((r) => [r.accuracy, r.perClass]));
      expect(other.removal.map((c) => c.points)).toEqual(one.removal.map((c) => c.points));
      expect(other.fgsm.map((c) => c.points)).toEqual(one.fgsm.map((c) => c.points));
      expect(other.baseline?.map((c) => c.points)).toEqual(one.baseline?.map((c) => c.points));
    }
    // The work was shared: every worker of the larger pools ran sweep jobs, and models trained apart.
    expect(two.spread.every((n) => n > 0)).toBe(true);
    expect(four.spread.every((n) => n > 0)).toBe(true);
    expect(new Set(two.ids).size).toBe(3);
    expect(two.ids.some((id) => id.startsWith('w1-'))).toBe(true);
  }, 120_000);

  it('answers a cancelled split sweep once, with stale, and drops its jobs\' late answers', async () => {
    const { pool, events, answer } = startPool(2);
    pool.send({ type: 'init', preferBackend: 'cpu' });
    for (const [split, d] of [['train', TRAIN], ['test', TEST]] as const) {
      pool.send({ type: 'setData', dataset: 'mnist', split, images: d.images.slice(), labels: d.labels.slice(), count: d.count });
    }
    pool.send({ type: 'train', runToken: 1, config: tinyConfig({ epochs: 1 }) });
    const id = (await answer('trainDone', (e) => e.runToken === 1)).modelId;
    pool.send({ type: 'sweep', requestId: 77, modelIds: [id], kind: 'shuffle', levels: [0.1, 0.2, 0.3, 0.4, 0.5, 0.6], repeats: 20, seed: 1 });
    pool.send({ type: 'cancel', requestId: 77 });
    await answer('stale', (e) => e.requestId === 77);
    await new Promise((r) => setTimeout(r, 300));
    expect(events.filter((e) => 'requestId' in e && e.requestId === 77 && e.type !== 'sweepProgress').map((e) => e.type)).toEqual(['stale']);
    // Only the page's own request ids come out: no sub-request leaks.
    expect(events.filter((e) => e.type === 'stale' || e.type === 'sweepResult').every((e) => (e as { requestId: number }).requestId === 77)).toBe(true);
    pool.terminate();
  }, 60_000);
});

