// The training loop on the sparse CPU path with tiny networks and synthetic data: exact
// reproducibility from the seed, epoch events, batching, pause/resume/stop and divergence.
import { describe, expect, it } from 'vitest';
import { createSparseCpuPath } from '../../src/engine/sparseCpu';
import { diffLinks, linkCount } from '../../src/engine/topology';
import { createTrainingRun } from '../../src/engine/train';
import type { EpochEvent, ProgressEvent } from '../../src/engine/train';
import { DEFAULT_CONFIG } from '../../src/engine/types';
import type { ComputePath, NetworkState, TrainConfig } from '../../src/engine/types';
import { syntheticData } from './fixtures/syntheticDigits';


const TRAIN = syntheticData(700, 1);
const TEST = syntheticData(300, 2);

function tinyConfig(over: Partial<TrainConfig> = {}): TrainConfig {
  return { ...DEFAULT_CONFIG, hidden: 24, density: 0.1, epochs: 2, batchSize: 32, ...over };
}

/** The sparse CPU path, recording every call the loop makes (and optionally corrupting the loss). */
function spyPath(opts: { lossAt?: (call: number) => number | null } = {}) {
  const inner = createSparseCpuPath();
  const batches: Int32Array[] = [];
  const gradientLayers: number[] = [];
  let lossCalls = 0;
  const path: ComputePath = {
    kind: inner.kind,
    load: (s) => inner.load(s),
    save: () => inner.save(),
    setTrainData: (d) => inner.setTrainData(d),
    setTestData: (d) => inner.setTestData(d),
    trainStep: (indices, lr, wd) => { batches.push(indices.slice()); inner.trainStep(indices, lr, wd); },
    takeMeanLoss: async () => {
      const real = await inner.takeMeanLoss();
      return opts.lossAt?.(++lossCalls) ?? real;
    },
    evaluate: (d) => inner.evaluate(d),
    predict: (p, n) => inner.predict(p, n),
    denseGradientMagnitude: (l, i) => { gradientLayers.push(l); return inner.denseGradientMagnitude(l, i); },
    inputGradient: (p, y, n) => inner.inputGradient(p, y, n),
    dispose: () => inner.dispose(),
  };
  return { path, batches, gradientLayers };
}

async function train(config: TrainConfig, extra: { onEpoch?: (e: EpochEvent) => void; onProgress?: (p: ProgressEvent) => void; progressEvery?: number } = {}) {
  const spy = spyPath();
  const events: EpochEvent[] = [];
  const run = createTrainingRun(config, spy.path, TRAIN, TEST, {
    onEpoch: (e) => { events.push(e); extra.onEpoch?.(e); },
    onProgress: extra.onProgress,
    progressEvery: extra.progressEvery,
  });
  const result = await run.run();
  return { result, events, run, ...spy };
}

function expectSameState(a: NetworkState, b: NetworkState): void {
  expect(a.step).toBe(b.step);
  a.layers.forEach((l, i) => {
    expect(l.links).toEqual(b.layers[i].links);
    expect(l.weights).toEqual(b.layers[i].weights); // bitwise: toEqual compares every float exactly
    expect(l.bias).toEqual(b.layers[i].bias);
    expect(a.moments[i]).toEqual(b.moments[i]);
  });
}

describe('training loop', () => {
  it('reproduces a run exactly from the seed (and a different seed differs)', async () => {
    const a = await train(tinyConfig());
    const b = await train(tinyConfig());
    const c = await train(tinyConfig({ seed: 2 }));
    expect(a.run.status).toBe('done');
    expectSameState(a.result.state, b.result.state);
    expect(a.batches).toEqual(b.batches);
    expect(a.result.history.map((h) => [h.trainLoss, h.testAccuracy, h.testLoss])).toEqual(b.result.history.map((h) => [h.trainLoss, h.testAccuracy, h.testLoss]));
    expect(c.result.state.layers[0].links).not.toEqual(a.result.state.layers[0].links);
  });

  it('learns the synthetic task and reports consistent epoch events (SET)', async () => {
    const config = tinyConfig({ epochs: 3, zeta: 0.25 });
    const { result, events } = await train(config);
    expect(events.map((e) => e.epoch)).toEqual([1, 2, 3]);
    expect(events[2].testAccuracy).toBeGreaterThan(0.5);
    expect(result.history.length).toBe(3);
    expect(result.stoppedEarly).toBe(false);
    const counts = [linkCount(784, 24, 0.1), linkCount(24, 24, 0.1), linkCount(24, 24, 0.1)];
    events.forEach((e, k) => {
      expect(e.layers.map((l) => l.links)).toEqual(counts);
      expect(e.topology.map((t) => t.links.length)).toEqual(counts);
      // Rewiring after every epoch but the last (the saved model is the evaluated one).
      expect(e.zeta).toBe(k < 2 ? 0.25 : 0);
      e.layers.forEach((l, i) => {
        expect(l.removed.length).toBe(k < 2 ? Math.round(0.25 * counts[i]) : 0);
        expect(l.added.length).toBe(l.removed.length);
        expect(l.kept).toBe(counts[i] - l.added.length);
      });
      expect(result.history[k].layers.map((l) => l.removed)).toEqual(e.layers.map((l) => l.removed.length));
      expect(Number.isFinite(e.trainLoss) && e.seconds > 0 && e.samplesPerSecond > 0).toBe(true);
    });
    // Each event's removed/added are exactly the change from the previous event's topology.
    for (let k = 1; k < events.length; k++) {
      events[k - 1].topology.forEach((before, i) => {
        // Training never changes links, so between two events only event k's rewiring happened.
        const d = diffLinks(before.links, events[k].topology[i].links);
        expect(d.removed).toEqual(events[k].layers[i].removed);
        expect(d.added).toEqual(events[k].layers[i].added);
      });
    }
    // Grown links start at weight 0 in the topology sent with the event.
    const first = events[0];
    first.layers.forEach((l, i) => {
      const t = first.topology[i];
      const addedSet = new Set(l.added);
      t.links.forEach((id, k) => { if (addedSet.has(id)) expect(t.weights[k]).toBe(0); });
    });
    result.state.layers.slice(0, 3).forEach((l, i) => {
      expect(l.links).toEqual(events[2].topology[i].links);
      expect(l.weights).toEqual(events[2].topology[i].weights);
    });
  });

  it('never rewires static, and gives dense no topology', async () => {
    const s = await train(tinyConfig({ strategy: 'static', epochs: 3 }));
    expect(s.events.every((e) => e.zeta === 0 && e.layers.every((l) => l.removed.length === 0 && l.added.length === 0))).toBe(true);
    expect(s.events[0].topology.map((t) => t.links)).toEqual(s.events[2].topology.map((t) => t.links));
    const d = await train(tinyConfig({ strategy: 'dense', hidden: 8, epochs: 1 }));
    expect(d.events[0].layers).toEqual([]);
    expect(d.events[0].topology).toEqual([]);
    expect(d.result.state.layers.every((l) => l.links === null)).toBe(true);
  });

  it('asks RigL for each sparse layer\'s dense gradient at each rewiring', async () => {
    const { events, gradientLayers } = await train(tinyConfig({ strategy: 'rigl', epochs: 3, zetaSchedule: 'cosine' }));
    expect(gradientLayers).toEqual([0, 1, 2, 0, 1, 2]);
    expect(events[0].zeta).toBeCloseTo(0.15 * (1 + Math.cos(Math.PI / 3)), 12);
    expect(events[0].layers[0].added.length).toBe(Math.round(events[0].zeta * events[0].layers[0].links));
  });

  it('batches the first trainLimit images of a seeded permutation, dropping the incomplete batch', async () => {
    const progress: ProgressEvent[] = [];
    const { batches } = await train(tinyConfig({ trainLimit: 100, epochs: 3 }), { onProgress: (p) => progress.push(p), progressEvery: 2 });
    expect(batches.length).toBe(3 * 3); // floor(100 / 32) = 3 batches per epoch
    const used = new Set(batches.flatMap((b) => Array.from(b)));
    expect(used.size).toBeLessThanOrEqual(100);
    expect(used.size).toBeGreaterThan(96);
    for (const b of batches) expect(new Set(b).size).toBe(32);
    expect(progress.map((p) => [p.epoch, p.batch, p.batchesPerEpoch])).toEqual([[1, 2, 3], [2, 2, 3], [3, 2, 3]]);
  });

  it('pauses, resumes and stops after the current batch, returning the last completed epoch', async () => {
    const spy = spyPath();
    const events: EpochEvent[] = [];
    let pausedAt = -1;
    const run = createTrainingRun(tinyConfig({ epochs: 4 }), spy.path, TRAIN, TEST, {
      progressEvery: 1,
      onEpoch: (e) => events.push(e),
      onProgress: (p) => {
        if (p.epoch === 1 && p.batch === 5) { run.pause(); pausedAt = spy.batches.length; }
        if (p.epoch === 2 && p.batch === 3) run.stop();
      },
    });
    const done = run.run();
    expect(run.status).toBe('running');
    for (let k = 0; k < 20; k++) await new Promise((r) => setTimeout(r, 0));
    expect(run.status).toBe('paused');
    expect(spy.batches.length).toBe(pausedAt);
    run.resume();
    const result = await done;
    expect(run.status).toBe('stopped');
    expect(result.stoppedEarly).toBe(true);
    expect(result.error).toBeUndefined();
    expect(events.length).toBe(1);
    expect(spy.batches.length).toBe(21 + 3); // one full epoch of 21 batches, then 3 before the stop
    // The returned state is the one after epoch 1 (and its rewiring), not the mid-epoch weights.
    result.state.layers.slice(0, 3).forEach((l, i) => {
      expect(l.links).toEqual(events[0].topology[i].links);
      expect(l.weights).toEqual(events[0].topology[i].weights);
    });
    expect(result.state.step).toBe(21);
  });

  it('stops with an error on a NaN or infinite loss, keeping the previous epoch\'s weights', async () => {
    for (const [bad, word] of [[NaN, 'NaN'], [Infinity, 'infinite']] as const) {
      const spy = spyPath({ lossAt: (call) => (call === 2 ? bad : null) });
      const events: EpochEvent[] = [];
      const run = createTrainingRun(tinyConfig({ epochs: 3 }), spy.path, TRAIN, TEST, { onEpoch: (e) => events.push(e) });
      const result = await run.run();
      expect(run.status).toBe('failed');
      expect(result.error).toBe(`training diverged (loss is ${word}) at epoch 2; keeping the weights of epoch 1`);
      expect(result.history.length).toBe(1);
      expect(result.state.layers[0].weights).toEqual(events[0].topology[0].weights);
      expect((await spy.path.save()).layers[0].weights).toEqual(events[0].topology[0].weights);
    }
  });

  it('reports an invalid configuration or a failing path as an error value', async () => {
    const run = createTrainingRun(tinyConfig({ batchSize: 5000 }), createSparseCpuPath(), TRAIN, TEST);
    const result = await run.run();
    expect(run.status).toBe('failed');
    expect(result.error).toMatch(/invalid configuration: batch size 5000 is larger than the training set \(700 images\)/);
    await expect(run.run()).rejects.toThrow(/once/);
    const broken = spyPath();
    broken.path.evaluate = async () => { throw new Error('device lost'); };
    const failed = await createTrainingRun(tinyConfig(), broken.path, TRAIN, TEST).run();
    expect(failed.error).toBe('device lost');
    expect(failed.history.length).toBe(0);
  });

  it('continues from an initial state', async () => {
    const first = await train(tinyConfig({ epochs: 1 }));
    const spy = spyPath();
    const result = await createTrainingRun(tinyConfig({ epochs: 1, seed: 5 }), spy.path, TRAIN, TEST, {}, first.result.state).run();
    expect(result.state.step).toBe(2 * 21);
    expect(result.state.layers[0].links).toEqual(first.result.state.layers[0].links); // one epoch: no rewiring
  });
});
