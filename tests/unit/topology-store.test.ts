// The topology store in Node: registering models, keeping every epoch's wiring (with the diff checked
// against the link lists), following the newest epoch, selections, and the timeline's actions.
import { describe, expect, it } from 'vitest';
import { diffLinks } from '../../src/engine/topology';
import { DEFAULT_CONFIG, type TrainConfig } from '../../src/engine/types';
import type { WorkerEvent } from '../../src/worker/protocol';
import {
  createTopologyStore, frameAtEpoch, shownFrame, topologyEventHandler, type EpochTopologyInput, type LayerTopologyInput,
} from '../../src/state/topology';

const ids = (...v: number[]) => Int32Array.from(v);

/** A 3×4 layer with the given links, each weight = its id / 100. */
function layer(...links: number[]): LayerTopologyInput {
  return { nIn: 3, nOut: 4, links: ids(...links), weights: Float32Array.from(links, (id) => id / 100) };
}

/** An epoch event moving from `before` to `after` with the diff the engine would report. */
function epochFrom(epoch: number, before: LayerTopologyInput[], after: LayerTopologyInput[]): EpochTopologyInput {
  return {
    epoch, testAccuracy: 0.5 + epoch / 100, trainLoss: 1 / epoch,
    layers: after.map((t, l) => {
      const d = diffLinks(before[l].links, t.links);
      return { removed: d.removed, added: d.added };
    }),
    topology: after,
  };
}

function storeWithHistory() {
  const store = createTopologyStore();
  const w0 = [layer(0, 5, 11), layer(1, 2, 3)];
  const w1 = [layer(0, 6, 11), layer(1, 2, 3)];
  const w2 = [layer(4, 6, 11), layer(1, 3, 7)];
  expect(store.getState().setInitial('a', 'SET', 'set', w0)).toEqual([]);
  expect(store.getState().pushEpoch('a', epochFrom(1, w0, w1))).toEqual([]);
  expect(store.getState().pushEpoch('a', epochFrom(2, w1, w2))).toEqual([]);
  return { store, w0, w1, w2 };
}

describe('topology store: history', () => {
  it('keeps the initial wiring as epoch 0 and every epoch after it, as typed arrays', () => {
    const { store } = storeWithHistory();
    const model = store.getState().models.a;
    expect(model.frames.map((f) => f.epoch)).toEqual([0, 1, 2]);
    expect(model.frames[0].layers[0].removed.length).toBe(0);
    expect(Array.from(model.frames[1].layers[0].removed)).toEqual([5]);
    expect(Array.from(model.frames[1].layers[0].added)).toEqual([6]);
    expect(Array.from(model.frames[2].layers[1].links)).toEqual([1, 3, 7]);
    expect(model.frames[2].layers[1].links).toBeInstanceOf(Int32Array);
    expect(model.frames[1].testAccuracy).toBeCloseTo(0.51);
  });

  it('follows the newest epoch while the cursor is at the end, and stays put after a seek back', () => {
    const { store, w2 } = storeWithHistory();
    expect(store.getState().cursor).toBe(2);
    store.getState().seek(0);
    const w3 = [layer(4, 6, 10), layer(1, 3, 7)];
    store.getState().pushEpoch('a', epochFrom(3, w2, w3));
    expect(store.getState().cursor).toBe(0);
    store.getState().seek(99);
    expect(store.getState().cursor).toBe(3);
    expect(shownFrame(store.getState())?.epoch).toBe(3);
  });

  it('recomputes a diff that disagrees with the link lists and says so', () => {
    const { store, w2 } = storeWithHistory();
    const w3 = [layer(4, 6, 10), layer(1, 3, 7)];
    const reported = epochFrom(3, w2, w3);
    const event = { ...reported, layers: [{ removed: ids(), added: ids() }, reported.layers[1]] };
    const problems = store.getState().pushEpoch('a', event);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/src\/state\/topology\.ts: model a, epoch 3, layer 1: the reported diff/);
    const frame = store.getState().models.a.frames[3].layers[0];
    expect(Array.from(frame.removed)).toEqual([11]);
    expect(Array.from(frame.added)).toEqual([10]);
  });

  it('rejects what it cannot keep: unknown models, old epochs, broken link lists, dense models', () => {
    const { store, w2 } = storeWithHistory();
    const next = epochFrom(3, w2, w2);
    expect(store.getState().pushEpoch('nobody', next)[0]).toMatch(/unknown model "nobody"/);
    expect(store.getState().pushEpoch('a', { ...next, epoch: 2 })[0]).toMatch(/arrived after epoch 2/);
    expect(store.getState().pushEpoch('a', { ...next, topology: [], layers: [] })[0]).toMatch(/no sparse layer/);
    const unsorted = { ...layer(0, 1, 2), links: ids(2, 1, 0) };
    expect(store.getState().pushEpoch('a', { ...next, topology: [unsorted, w2[1]] })[0]).toMatch(/not sorted, unique and below 12/);
    const short = { ...layer(0, 1, 2), weights: new Float32Array(2) };
    expect(store.getState().setInitial('b', 'B', 'set', [short])[0]).toMatch(/3 links but 2 weights/);
    expect(store.getState().models.a.frames).toHaveLength(3);
    expect(store.getState().models.b).toBeUndefined();
  });

  it('starts at the first epoch pushed when no initial wiring was given', () => {
    const store = createTopologyStore();
    store.getState().register('r', 'RigL', 'rigl');
    expect(store.getState().models.r.frames).toEqual([]);
    const w1 = [layer(0, 1)];
    expect(store.getState().pushEpoch('r', { epoch: 1, layers: [{ removed: ids(3), added: ids(1) }], topology: w1 })).toEqual([]);
    expect(store.getState().models.r.frames[0].epoch).toBe(1);
    expect(Array.from(store.getState().models.r.frames[0].layers[0].added)).toEqual([1]);
  });
});

describe('topology store: selection and timeline', () => {
  it('plays from the start when at the end, steps within bounds and stops at the last frame', () => {
    const { store } = storeWithHistory();
    const s = () => store.getState();
    s().play();
    expect(s().playing).toBe(true);
    expect(s().cursor).toBe(0);
    s().step(1);
    expect(s().cursor).toBe(1);
    expect(s().playing).toBe(true);
    s().step(1);
    expect(s().cursor).toBe(2);
    expect(s().playing).toBe(false);
    s().step(5);
    expect(s().cursor).toBe(2);
    s().step(-5);
    expect(s().cursor).toBe(0);
    s().play();
    s().pause();
    expect(s().playing).toBe(false);
  });

  it('accepts only offered speeds and keeps the pixel grid to the input layer', () => {
    const { store } = storeWithHistory();
    const s = () => store.getState();
    s().setSpeed(2);
    expect(s().speed).toBe(2);
    s().setSpeed(3);
    expect(s().speed).toBe(2);
    s().selectRowOrder('pixel-grid');
    expect(s().rowOrder).toBe('pixel-grid');
    s().selectLayer(1);
    expect(s().layer).toBe(1);
    expect(s().rowOrder).toBe('natural');
    s().selectRowOrder('pixel-grid');
    expect(s().rowOrder).toBe('natural');
    s().selectRowOrder('degree');
    expect(s().rowOrder).toBe('degree');
    s().selectLayer(2);
    expect(s().layer).toBe(1);
  });

  it('compares two models epoch by epoch and swaps them when the compared one is selected', () => {
    const { store, w0, w1 } = storeWithHistory();
    const s = () => store.getState();
    s().setInitial('b', 'static', 'static', w0);
    s().pushEpoch('b', epochFrom(1, w0, w1));
    expect(s().selectedModel).toBe('b');
    s().selectModel('a');
    expect(s().cursor).toBe(1);
    s().selectCompare('b');
    expect(s().compareModel).toBe('b');
    s().seek(2);
    expect(frameAtEpoch(s().models.b, shownFrame(s())!.epoch)?.epoch).toBe(1);
    s().selectModel('b');
    expect(s().selectedModel).toBe('b');
    expect(s().compareModel).toBe('a');
    s().selectCompare('b');
    expect(s().compareModel).toBe('a');
    s().reset('a');
    expect(s().models.a).toBeUndefined();
    expect(s().compareModel).toBeNull();
    expect(s().modelOrder).toEqual(['b']);
    s().reset('b');
    expect(s().selectedModel).toBeNull();
  });

  it('takes worker events: registers sparse models as they start and keeps their epochs', () => {
    const store = createTopologyStore();
    const problems: string[] = [];
    const handle = topologyEventHandler(store, (c) => `model ${c.strategy}`, (p) => problems.push(p));
    const started = (modelId: string, strategy: TrainConfig['strategy']): WorkerEvent => ({
      type: 'trainStarted', runToken: 1, modelId, config: { ...DEFAULT_CONFIG, strategy }, path: 'sparse-cpu', initialTopology: [],
    });
    const epoch = (modelId: string, topology: LayerTopologyInput[]): WorkerEvent => ({
      type: 'epoch', runToken: 1, modelId,
      event: {
        epoch: 1, trainLoss: 1, testAccuracy: 0.5, testLoss: 1, perClass: new Float32Array(10), seconds: 1, samplesPerSecond: 1, zeta: 0.3,
        layers: topology.map((t) => ({ links: t.links.length, removed: ids(), added: ids(), kept: t.links.length })), topology,
      },
    });
    handle(started('d', 'dense'));
    handle(started('m', 'set'));
    expect(store.getState().modelOrder).toEqual(['m']);
    expect(store.getState().models.m.label).toBe('model set');
    const w1 = [layer(0, 1)];
    handle(epoch('m', w1));
    handle(epoch('m', w1));
    handle(epoch('d', []));
    expect(store.getState().models.m.frames).toHaveLength(1);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/arrived after epoch 1/);
    // A start event that carries the initial wiring gives the model its epoch 0.
    handle({ ...started('s', 'static'), initialTopology: w1 } as WorkerEvent);
    handle({ ...started('bad', 'set'), initialTopology: [{ ...w1[0], weights: new Float32Array(0) }] } as WorkerEvent);
    expect(problems[1]).toMatch(/model bad, initial layer 1: 2 links but 0 weights/);
    expect(store.getState().models.s.frames.map((f) => f.epoch)).toEqual([0]);
  });

  it('replays a loaded model\'s epochs from its file, and shows a file without history as its final wiring', () => {
    const { store: trained, w0, w1, w2 } = storeWithHistory();
    const store = createTopologyStore();
    const problems: string[] = [];
    const handle = topologyEventHandler(store, (c) => c.strategy, (p) => problems.push(p));
    const summary = (epoch: number) => ({
      epoch, trainLoss: 1 / epoch, testAccuracy: 0.5 + epoch / 100, testLoss: 1, perClass: [], seconds: 1, samplesPerSecond: 1, zeta: 0.3,
      layers: [{ links: 3, removed: 1, added: 1, kept: 2 }, { links: 3, removed: 0, added: 0, kept: 3 }],
    });
    const loaded = (modelId: string, config: Partial<TrainConfig>, withHistory: boolean): WorkerEvent => ({
      type: 'modelLoaded', requestId: 1,
      model: {
        modelId, label: modelId, fileName: `${modelId}.rlm`, dataset: 'mnist', strategy: config.strategy ?? 'set', config: { ...DEFAULT_CONFIG, ...config },
        testAccuracy: 0.52, links: [3, 3], topology: w2, history: [summary(1), summary(2)],
        wiring: withHistory ? [1, 2].map((e) => trained.getState().models.a.frames[e].layers.map((l) => ({ removed: l.removed, added: l.added }))) : null,
      },
    });
    handle(loaded('static', { strategy: 'static' }, false));
    expect(store.getState().selectedModel).toBe('static'); // nothing else to show yet
    expect(store.getState().models.static.frames.map((f) => f.epoch)).toEqual([2]);
    expect(store.getState().models.static.loaded).toEqual({ preference: 0, finalOnly: true });
    handle(loaded('set', { strategy: 'set', weightDecay: 1e-4 }, true));
    handle(loaded('nodecay', { strategy: 'set', weightDecay: 0 }, true));
    handle(loaded('rigl', { strategy: 'rigl' }, true));
    expect(problems).toEqual([]);
    // The panels open on SET with weight decay, whatever loaded after it.
    expect(store.getState().selectedModel).toBe('set');
    const frames = store.getState().models.set.frames;
    // Every epoch's links and diffs exactly as the run trained in the page reported them.
    expect(frames.map((f) => f.epoch)).toEqual([0, 1, 2]);
    expect(frames.map((f) => f.layers.map((l) => Array.from(l.links)))).toEqual([w0, w1, w2].map((w) => w.map((l) => Array.from(l.links))));
    frames.forEach((f, e) => f.layers.forEach((l, i) => {
      expect(l.removed).toEqual(trained.getState().models.a.frames[e].layers[i].removed);
      expect(l.added).toEqual(trained.getState().models.a.frames[e].layers[i].added);
    }));
    expect(frames.map((f) => f.testAccuracy)).toEqual([null, 0.51, 0.52]);
    // Final weights for links that survive, 0 for those rewiring removed later.
    expect(Array.from(frames[0].layers[0].weights)).toEqual([0, 0, 0.11].map((w) => Math.fround(w)));
    expect(frames[2].layers[0].weights).toBe(w2[0].weights);
    // A timeline over the history: play starts from the initial wiring.
    store.getState().play();
    expect(store.getState().cursor).toBe(0);
    // A history that does not fit the links is reported and the final wiring shown instead.
    const broken = loaded('broken', { strategy: 'set' }, true) as Extract<WorkerEvent, { type: 'modelLoaded' }>;
    broken.model.wiring![1][0] = { removed: ids(4), added: ids() };
    handle(broken);
    expect(problems[0]).toMatch(/model broken: its wiring history does not fit its links \(layer 1: epoch 2: removed link 4 is present after the epoch\)/);
    expect(store.getState().models.broken.loaded?.finalOnly).toBe(true);
  });
});
