// Diff replay of a wiring history: a real SET run (engine init + rewire, weights nudged between epochs)
// stored through the topology store must replay from the initial wiring to every stored frame;
// corruption is caught; turnover and weight alignment follow the frames.
import { describe, expect, it } from 'vitest';
import { initNetwork } from '../../src/engine/init';
import { rewireNetwork } from '../../src/engine/rewire';
import { createRng } from '../../src/engine/rng';
import { DEFAULT_CONFIG, type NetworkState, type TrainConfig } from '../../src/engine/types';
import { createTopologyStore, type LayerTopologyInput } from '../../src/state/topology';
import { alignPreviousWeights, applyDiff, replayLinks, rewireCounts, turnoverSeries, verifyReplay } from '../../src/views/topology/history';

function topologyOf(state: NetworkState): LayerTopologyInput[] {
  return state.layers.slice(0, 3).map((l) => ({ nIn: l.nIn, nOut: l.nOut, links: (l.links as Int32Array).slice(), weights: l.weights.slice() }));
}

/** A small SET run: 784 → 40 → 40 → 40 at 5% density, `epochs` rewirings with ζ = 0.3. */
function setHistory(epochs: number) {
  const config: TrainConfig = { ...DEFAULT_CONFIG, hidden: 40, density: 0.05, epochs: epochs + 1 };
  const rng = createRng(11);
  const state = initNetwork(config, rng.fork());
  const store = createTopologyStore();
  expect(store.getState().setInitial('set', 'SET', 'set', topologyOf(state))).toEqual([]);
  const reports = [];
  for (let epoch = 1; epoch <= epochs; epoch++) {
    for (const l of state.layers.slice(0, 3)) for (let k = 0; k < l.weights.length; k++) l.weights[k] += 0.05 * rng.normal();
    const rewired = rewireNetwork(state, config, epoch, rng);
    const report = { epoch, layers: rewired.layers, topology: topologyOf(state) };
    reports.push(report);
    expect(store.getState().pushEpoch('set', report)).toEqual([]);
  }
  return { store, reports, frames: store.getState().models.set.frames };
}

describe('diff replay', () => {
  it('applies a diff: removes, adds, keeps order', () => {
    expect(Array.from(applyDiff(Int32Array.from([1, 4, 6, 9]), Int32Array.from([4, 9]), Int32Array.from([0, 5, 12])))).toEqual([0, 1, 5, 6, 12]);
    expect(Array.from(applyDiff(Int32Array.from([]), Int32Array.from([]), Int32Array.from([3])))).toEqual([3]);
  });

  it('refuses diffs that do not fit the links', () => {
    expect(() => applyDiff(Int32Array.from([1, 4]), Int32Array.from([2]), Int32Array.from([]))).toThrow(/link 2 is removed but absent/);
    expect(() => applyDiff(Int32Array.from([1, 4]), Int32Array.from([7]), Int32Array.from([]))).toThrow(/link 7 is removed but absent/);
    expect(() => applyDiff(Int32Array.from([1, 4]), Int32Array.from([]), Int32Array.from([4]))).toThrow(/link 4 is grown but already present/);
  });

  it('rebuilds every epoch of a real SET run from the initial wiring and the diffs', () => {
    const { frames, reports } = setHistory(5);
    expect(frames).toHaveLength(6);
    for (let f = 0; f < frames.length; f++) {
      for (let l = 0; l < 3; l++) expect(Array.from(replayLinks(frames, l, f))).toEqual(Array.from(frames[f].layers[l].links));
    }
    expect(verifyReplay(frames)).toEqual([]);
    // The stored diffs are the engine's own report, and the counters read them back.
    expect(Array.from(frames[3].layers[1].removed)).toEqual(Array.from(reports[2].layers[1].removed));
    const links = frames[3].layers[1].links.length;
    const removed = Math.round(0.3 * links);
    expect(rewireCounts(frames[3].layers[1])).toEqual({ removed, grown: removed, kept: links - removed });
  });

  it('finds the epoch and layer where a stored frame stops matching its diffs', () => {
    const { frames } = setHistory(3);
    const broken = frames.map((f) => ({ ...f, layers: f.layers.map((l) => ({ ...l })) }));
    const l = broken[2].layers[1];
    // Drop a link from the stored list that the diffs say is there.
    l.links = l.links.filter((id) => id !== l.links[l.links.length >> 1]);
    const problems = verifyReplay(broken);
    expect(problems.length).toBeGreaterThanOrEqual(1);
    expect(problems[0]).toMatch(/^epoch 2, layer 2: /);
  });

  it('reports turnover per epoch as the share of links removed', () => {
    const { frames } = setHistory(3);
    const t = turnoverSeries(frames, 0);
    expect(t.map((p) => p.epoch)).toEqual([1, 2, 3]);
    const links = frames[0].layers[0].links.length;
    for (const p of t) {
      expect(p.removed).toBe(Math.round(0.3 * links));
      expect(p.added).toBe(p.removed);
      expect(p.kept).toBe(links - p.added);
      expect(p.removedFraction).toBeCloseTo(p.removed / links);
    }
  });

  it('aligns the previous frame\u2019s weights with the current links (NaN for grown links)', () => {
    const prev = Int32Array.from([2, 5, 9]);
    const w = alignPreviousWeights(prev, Float32Array.from([0.2, 0.5, 0.9]), Int32Array.from([1, 5, 9, 12]));
    expect(Number.isNaN(w[0])).toBe(true);
    expect(w[1]).toBeCloseTo(0.5);
    expect(w[2]).toBeCloseTo(0.9);
    expect(Number.isNaN(w[3])).toBe(true);
    const { frames } = setHistory(1);
    const l0 = frames[0].layers[0];
    const l1 = frames[1].layers[0];
    const aligned = alignPreviousWeights(l0.links, l0.weights, l1.links);
    let grown = 0;
    for (const v of aligned) if (Number.isNaN(v)) grown++;
    expect(grown).toBe(l1.added.length);
  });
});
