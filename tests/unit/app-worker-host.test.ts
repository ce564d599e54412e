// The worker host run in Node on the CPU backend (sparse CPU path) with a tiny synthetic dataset:
// the event sequence of a run, rewiring counts, stale run tokens, stop, predictions and errors.
import { describe, expect, it } from 'vitest';
import { IMAGE_SIZE } from '../../src/engine/constants';
import { DEFAULT_CONFIG, type DataArrays, type TrainConfig } from '../../src/engine/types';
import { createSparseCpuPath } from '../../src/engine/sparseCpu';
import { createTrainingRun } from '../../src/engine/train';
import { createWorkerHost } from '../../src/worker/host';
import { transferablesOf, type WorkerEvent } from '../../src/worker/protocol';

/** Class k lights up rows 2k..2k+2: learnable in an epoch or two. */
function synthetic(count: number, offset: number): DataArrays {
  const images = new Uint8Array(count * IMAGE_SIZE);
  const labels = new Uint8Array(count);
  for (let n = 0; n < count; n++) {
    const k = (n * 7 + offset) % 10;
    labels[n] = k;
    for (let row = 2 * k + 2; row < 2 * k + 5; row++) {
      for (let col = 4; col < 24; col++) images[n * IMAGE_SIZE + row * 28 + col] = 200 + ((n + col) % 50);
    }
  }
  return { images, labels, count };
}

const tiny: TrainConfig = {
  ...DEFAULT_CONFIG, hidden: 16, density: 0.2, epochs: 2, batchSize: 10, trainLimit: 200, seed: 3, learningRate: 0.01,
};

function setup() {
  const events: WorkerEvent[] = [];
  // Every event must survive a structured clone with its transfer list (as postMessage does).
  const host = createWorkerHost((e) => events.push(structuredClone(e, { transfer: transferablesOf(e) })));
  const send = async (split: 'train' | 'test', d: DataArrays) =>
    host.handle({ type: 'setData', dataset: 'mnist', split, images: d.images, labels: d.labels, count: d.count });
  return { host, events, send };
}

describe('worker host on the CPU backend', () => {
  it('reports the backend, then trains: started, progress, one event per epoch, done', async () => {
    const { host, events, send } = setup();
    await host.handle({ type: 'init', preferBackend: 'cpu' });
    expect(events[0]).toMatchObject({ type: 'ready', backend: 'cpu', path: 'sparse-cpu' });
    await send('train', synthetic(300, 0));
    await send('test', synthetic(100, 1));
    expect(events.filter((e) => e.type === 'dataReady')).toHaveLength(2);

    await host.handle({ type: 'train', runToken: 1, config: tiny });
    const types = events.map((e) => e.type);
    expect(types.filter((t) => t === 'trainStarted')).toHaveLength(1);
    expect(types).toContain('progress');
    const epochs = events.filter((e): e is Extract<WorkerEvent, { type: 'epoch' }> => e.type === 'epoch');
    expect(epochs.map((e) => e.event.epoch)).toEqual([1, 2]);
    expect(types.at(-1)).toBe('trainDone');
    expect(types.indexOf('trainStarted')).toBeLessThan(types.indexOf('progress'));

    // SET rewires after epoch 1 (not after the last): as many links grown as pruned, in every layer.
    const first = epochs[0].event;
    for (const layer of first.layers) {
      expect(layer.removed.length).toBeGreaterThan(0);
      expect(layer.added.length).toBe(layer.removed.length);
      expect(layer.kept + layer.added.length).toBe(layer.links);
    }
    expect(first.topology).toHaveLength(3);
    expect(first.topology[0].links.length).toBe(first.layers[0].links);
    // Epoch 0 of the wiring comes with trainStarted; epoch 1's pruned links were among those links.
    const started = events.find((e): e is Extract<WorkerEvent, { type: 'trainStarted' }> => e.type === 'trainStarted')!;
    expect(started.initialTopology.map((t) => t.links.length)).toEqual(first.layers.map((l) => l.links));
    const initialLinks = new Set(started.initialTopology[0].links);
    expect(Array.from(first.layers[0].removed).every((id) => initialLinks.has(id))).toBe(true);
    // The host builds the initial network itself; the run must match the engine's own from the seed.
    const direct = await createTrainingRun(tiny, createSparseCpuPath(), synthetic(300, 0), synthetic(100, 1)).run();
    expect(epochs.map((e) => e.event.trainLoss)).toEqual(direct.history.map((h) => h.trainLoss));
    expect(Array.from(host.model('m1')!.state.layers[1].links!)).toEqual(Array.from(direct.state.layers[1].links!));
    const done = events.at(-1) as Extract<WorkerEvent, { type: 'trainDone' }>;
    expect(done.summary).toMatchObject({ modelId: 'm1', epochsCompleted: 2, stoppedEarly: false });
    expect(done.summary.finalAccuracy).toBe(epochs[1].event.testAccuracy);
    expect(done.summary.finalAccuracy!).toBeGreaterThan(0.3); // chance is 0.1 on this easy data
    expect(host.modelIds()).toEqual(['m1']);

    events.length = 0;
    const pixels = new Float32Array(IMAGE_SIZE * 2).fill(0.5);
    await host.handle({ type: 'predict', requestId: 1, modelId: 'm1', pixels, count: 2 });
    expect(events[0]).toMatchObject({ type: 'prediction', requestId: 1, modelId: 'm1', count: 2 });
    const logits = (events[0] as Extract<WorkerEvent, { type: 'prediction' }>).logits;
    expect(logits.length).toBe(20);
    expect(Array.from(logits).every(Number.isFinite)).toBe(true);
  });

  it('stops a run on request and ignores controls carrying a stale token', async () => {
    const { host, events, send } = setup();
    await host.handle({ type: 'init', preferBackend: 'cpu' });
    await send('train', synthetic(300, 0));
    await send('test', synthetic(100, 1));
    const long: TrainConfig = { ...tiny, epochs: 50, batchSize: 10 };
    const running = host.handle({ type: 'train', runToken: 5, config: long });
    await new Promise((r) => setTimeout(r, 30));
    await host.handle({ type: 'stop', runToken: 4 }); // stale: nothing happens
    await host.handle({ type: 'pause', runToken: 5 });
    expect(events.at(-1)).toMatchObject({ type: 'paused', runToken: 5 });
    await host.handle({ type: 'stop', runToken: 5 });
    await running;
    const done = events.at(-1) as Extract<WorkerEvent, { type: 'trainDone' }>;
    expect(done.type).toBe('trainDone');
    expect(done.summary.stoppedEarly).toBe(true);
    expect(done.summary.epochsCompleted).toBeLessThan(50);
  });

  it('a newer run supersedes a running one, whose events stop', async () => {
    const { host, events, send } = setup();
    await host.handle({ type: 'init', preferBackend: 'cpu' });
    await send('train', synthetic(300, 0));
    await send('test', synthetic(100, 1));
    const first = host.handle({ type: 'train', runToken: 1, config: { ...tiny, epochs: 50, batchSize: 10 } });
    await new Promise((r) => setTimeout(r, 30));
    await Promise.all([first, host.handle({ type: 'train', runToken: 2, config: { ...tiny, epochs: 1 } })]);
    const doneFirst = events.findIndex((e) => e.type === 'trainDone' && e.runToken === 1);
    expect(doneFirst).toBeGreaterThan(-1);
    // After the second run started, nothing but its own events (and the first's trainDone) came out.
    const startSecond = events.findIndex((e) => e.type === 'trainStarted' && e.runToken === 2);
    expect(startSecond).toBeGreaterThan(doneFirst);
    expect(events.slice(startSecond).every((e) => 'runToken' in e && e.runToken === 2)).toBe(true);
    expect(events.at(-1)).toMatchObject({ type: 'trainDone', runToken: 2, summary: { epochsCompleted: 1 } });
  });

  it('turns bad commands into error events naming the problem', async () => {
    const { host, events } = setup();
    await host.handle({ type: 'init', preferBackend: 'cpu' });
    await host.handle({ type: 'train', runToken: 1, config: tiny });
    expect(events.at(-1)).toMatchObject({ type: 'error', runToken: 1 });
    expect((events.at(-1) as { message: string }).message).toContain('mnist training and test set has not been sent');
    await host.handle({ type: 'setData', dataset: 'mnist', split: 'train', images: new Uint8Array(IMAGE_SIZE * 10), labels: new Uint8Array(10), count: 10 });
    await host.handle({ type: 'setData', dataset: 'mnist', split: 'test', images: new Uint8Array(IMAGE_SIZE * 10), labels: new Uint8Array(10), count: 10 });
    await host.handle({ type: 'train', runToken: 2, config: tiny }); // trainLimit 200 > 10 images
    expect(events.at(-1)).toMatchObject({ type: 'error', runToken: 2, message: expect.stringContaining('training-set size 200 exceeds the 10 images available') });
    await host.handle({ type: 'setData', dataset: 'mnist', split: 'test', images: new Uint8Array(10), labels: new Uint8Array(1), count: 1 });
    expect((events.at(-1) as { message: string }).message).toContain('arrived malformed');
    await host.handle({ type: 'predict', requestId: 3, modelId: 'nope', pixels: new Float32Array(IMAGE_SIZE), count: 1 });
    expect(events.at(-1)).toMatchObject({ type: 'error', requestId: 3, message: expect.stringContaining('no trained model "nope"') });
  });
});
