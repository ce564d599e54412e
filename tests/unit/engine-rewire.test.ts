// Rewiring checked against a slow, obviously-correct reference: which links are pruned, which grow,
// and that weights and Adam moments stay aligned (grown links start at exactly 0).
import { describe, expect, it } from 'vitest';
import { initNetwork, initSparseLayer, zeroMoments } from '../../src/engine/init';
import {
  growByGradient,
  createZetaSchedule, densityFromEpsilon, rewireLayer, rewireNetwork, zetaAt,
} from '../../src/engine/rewire';
import { createRng } from '../../src/engine/rng';
import type { Rng } from '../../src/engine/rng';
import { isValidLinkList } from '../../src/engine/topology';
import { DEFAULT_CONFIG } from '../../src/engine/types';
import type { LayerMoments, LayerState, TrainConfig } from '../../src/engine/types';

// ---- the slow reference -------------------------------------------------------------------------

/** Link ids to prune: the round(ζ·n) smallest |w| (ties: lower id), or per sign when `bySign`. */
function referencePrune(layer: LayerState, zeta: number, bySign: boolean): number[] {
  const entries = Array.from(layer.links as Int32Array, (id, k) => ({ id, w: layer.weights[k] }));
  const smallest = (list: typeof entries) =>
    [...list].sort((a, b) => Math.abs(a.w) - Math.abs(b.w) || a.id - b.id).slice(0, Math.round(zeta * list.length)).map((e) => e.id);
  const ids = bySign ? [...smallest(entries.filter((e) => e.w >= 0)), ...smallest(entries.filter((e) => e.w < 0))] : smallest(entries);
  return ids.sort((a, b) => a - b);
}

/** The `count` absent ids with the largest |gradient| (ties: lower id). */
function referenceGradientGrowth(layer: LayerState, gradient: Float32Array, count: number): number[] {
  const active = new Set(layer.links as Int32Array);
  const absent: number[] = [];
  for (let id = 0; id < layer.nIn * layer.nOut; id++) if (!active.has(id)) absent.push(id);
  return absent.sort((a, b) => Math.abs(gradient[b]) - Math.abs(gradient[a]) || a - b).slice(0, count).sort((a, b) => a - b);
}

/** The layer and moments after removing `removed` and adding `added` (new entries zero). */
function referenceApply(layer: LayerState, moments: LayerMoments, removed: number[], added: number[]) {
  const byId = new Map<number, [number, number, number]>();
  (layer.links as Int32Array).forEach((id, k) => byId.set(id, [layer.weights[k], moments.mW[k], moments.vW[k]]));
  for (const id of removed) byId.delete(id);
  for (const id of added) byId.set(id, [0, 0, 0]);
  const ids = [...byId.keys()].sort((a, b) => a - b);
  return {
    links: ids,
    weights: ids.map((id) => byId.get(id)![0]),
    mW: ids.map((id) => byId.get(id)![1]),
    vW: ids.map((id) => byId.get(id)![2]),
  };
}

// ---- helpers -------------------------------------------------------------------------------------

function layerWithMoments(nIn: number, nOut: number, density: number, rng: Rng): { layer: LayerState; moments: LayerMoments } {
  const layer = initSparseLayer(nIn, nOut, density, rng);
  const moments = zeroMoments(layer);
  // Distinct, nonzero moments so misalignment would show.
  for (let k = 0; k < layer.weights.length; k++) { moments.mW[k] = rng.normal(); moments.vW[k] = rng.next() + 0.1; }
  return { layer, moments };
}

function snapshot(layer: LayerState, moments: LayerMoments) {
  return { layer: { ...layer, links: layer.links!.slice(), weights: layer.weights.slice() }, moments: { ...moments, mW: moments.mW.slice(), vW: moments.vW.slice() } };
}

const f32 = (xs: number[]) => Array.from(Float32Array.from(xs));

describe('rewireLayer (SET: magnitude prune, random growth)', () => {
  it('prunes exactly the reference links, grows only absent ones, keeps weights and moments aligned', () => {
    const rng = createRng(11);
    for (const [nIn, nOut, density, zeta] of [[784, 100, 0.02, 0.3], [50, 40, 0.1, 0.5], [30, 30, 0.05, 0.1]] as const) {
      const { layer, moments } = layerWithMoments(nIn, nOut, density, rng);
      const before = snapshot(layer, moments);
      const { removed, added } = rewireLayer(layer, moments, { zeta, grow: 'random' }, rng);
      const expectedRemoved = referencePrune(before.layer, zeta, false);
      expect(Array.from(removed)).toEqual(expectedRemoved);
      expect(added.length).toBe(removed.length);
      const wasActive = new Set(before.layer.links);
      for (const id of added) expect(wasActive.has(id)).toBe(false);
      const ref = referenceApply(before.layer, before.moments, expectedRemoved, Array.from(added));
      expect(Array.from(layer.links!)).toEqual(ref.links);
      expect(Array.from(layer.weights)).toEqual(f32(ref.weights));
      expect(Array.from(moments.mW)).toEqual(f32(ref.mW));
      expect(Array.from(moments.vW)).toEqual(f32(ref.vW));
      // Biases and their moments are untouched by rewiring.
      expect(layer.bias).toBe(before.layer.bias);
    }
  });

  it('keeps the exact link count, sorted and unique, over many rewirings at 784×1000', () => {
    const rng = createRng(3);
    const { layer, moments } = layerWithMoments(784, 1000, 0.01, rng);
    for (let epoch = 0; epoch < 8; epoch++) {
      for (let k = 0; k < layer.weights.length; k++) if (layer.weights[k] === 0) layer.weights[k] = rng.normal(); // as if trained
      const { removed, added } = rewireLayer(layer, moments, { zeta: 0.3, grow: 'random' }, rng);
      expect(removed.length).toBe(2352);
      expect(added.length).toBe(2352);
      expect(layer.links!.length).toBe(7840);
      expect(isValidLinkList(layer.links!, 784 * 1000)).toBe(true);
      const addedSet = new Set(added);
      for (const id of removed) expect(addedSet.has(id)).toBe(false);
      // Grown links start at exactly zero, with fresh moments.
      let zeros = 0;
      layer.links!.forEach((id, k) => {
        if (addedSet.has(id)) {
          expect(layer.weights[k]).toBe(0);
          expect(moments.mW[k]).toBe(0);
          expect(moments.vW[k]).toBe(0);
          zeros++;
        }
      });
      expect(zeros).toBe(2352);
    }
  });

  it('grows uniformly among absent links (sparse and crowded layers)', () => {
    for (const [links, grow] of [[20, 6], [70, 21]] as const) {
      // A 10×10 layer with fixed links 0..links-1; every absent id should be grown equally often.
      const counts = new Float64Array(100);
      const trials = 3000;
      const rng = createRng(links);
      for (let t = 0; t < trials; t++) {
        const layer: LayerState = { nIn: 10, nOut: 10, links: Int32Array.from({ length: links }, (_, i) => i), weights: new Float32Array(links), bias: new Float32Array(10) };
        for (let k = 0; k < links; k++) layer.weights[k] = k < grow ? 0.001 * (k + 1) : 1; // the first `grow` links are pruned
        const { added } = rewireLayer(layer, zeroMoments(layer), { zeta: grow / links, grow: 'random' }, rng);
        for (const id of added) counts[id]++;
      }
      const expected = (trials * grow) / (100 - links);
      for (let id = 0; id < links; id++) expect(counts[id]).toBe(0);
      for (let id = links; id < 100; id++) expect(Math.abs(counts[id] - expected)).toBeLessThan(5 * Math.sqrt(expected));
    }
  });

  it('prunes positive and negative weights separately with pruneBySign (SET\'s variant)', () => {
    const rng = createRng(21);
    const { layer, moments } = layerWithMoments(200, 100, 0.05, rng);
    // Skew the weights so that one global ranking would differ from the per-sign one.
    for (let k = 0; k < layer.weights.length; k++) if (layer.weights[k] > 0) layer.weights[k] *= 0.1;
    const before = snapshot(layer, moments);
    const { removed, added } = rewireLayer(layer, moments, { zeta: 0.3, grow: 'random', pruneBySign: true }, rng);
    expect(Array.from(removed)).toEqual(referencePrune(before.layer, 0.3, true));
    expect(Array.from(removed)).not.toEqual(referencePrune(before.layer, 0.3, false));
    expect(added.length).toBe(removed.length);
    expect(layer.links!.length).toBe(before.layer.links.length);
  });

  it('caps pruning at the number of absent links, so a full layer is left unchanged', () => {
    const rng = createRng(2);
    const { layer, moments } = layerWithMoments(4, 5, 1, rng);
    const before = snapshot(layer, moments);
    const { removed, added } = rewireLayer(layer, moments, { zeta: 0.5, grow: 'random' }, rng);
    expect(removed.length).toBe(0);
    expect(added.length).toBe(0);
    expect(layer.links).toEqual(before.layer.links);
  });

  it('refuses a dense layer and gradient growth without a gradient', () => {
    const rng = createRng(1);
    const dense: LayerState = { nIn: 2, nOut: 2, links: null, weights: new Float32Array(4), bias: new Float32Array(2) };
    expect(() => rewireLayer(dense, zeroMoments(dense), { zeta: 0.3, grow: 'random' }, rng)).toThrow(/rewire\.ts/);
    const { layer, moments } = layerWithMoments(10, 10, 0.2, rng);
    expect(() => rewireLayer(layer, moments, { zeta: 0.3, grow: 'gradient' }, rng)).toThrow(/gradient/);
  });
});

describe('rewireLayer (RigL: gradient growth)', () => {
  it('grows the absent links with the largest |gradient|, as the reference does', () => {
    const rng = createRng(5);
    for (const [nIn, nOut, density] of [[60, 50, 0.05], [784, 30, 0.01]] as const) {
      const { layer, moments } = layerWithMoments(nIn, nOut, density, rng);
      const gradient = new Float32Array(nIn * nOut);
      for (let k = 0; k < gradient.length; k++) gradient[k] = rng.normal();
      // Ties and active links with huge gradients must not confuse the choice.
      for (let k = 0; k < 40; k++) gradient[rng.int(gradient.length)] = 2.5;
      for (const id of layer.links!.slice(0, 10)) gradient[id] = 100;
      const before = snapshot(layer, moments);
      const { removed, added } = rewireLayer(layer, moments, { zeta: 0.3, grow: 'gradient', gradient }, rng);
      const expectedRemoved = referencePrune(before.layer, 0.3, false);
      expect(Array.from(removed)).toEqual(expectedRemoved);
      const expectedAdded = referenceGradientGrowth(before.layer, gradient, expectedRemoved.length);
      expect(Array.from(added)).toEqual(expectedAdded);
      const ref = referenceApply(before.layer, before.moments, expectedRemoved, expectedAdded);
      expect(Array.from(layer.links!)).toEqual(ref.links);
      expect(Array.from(layer.weights)).toEqual(f32(ref.weights));
      expect(Array.from(moments.mW)).toEqual(f32(ref.mW));
    }
  });
});

describe('growByGradient selection', () => {
  // The reference with NaN ranked below every number, as the fast selection documents.
  const reference = (links: Int32Array, gradient: Float32Array, count: number) => {
    const active = new Set(links);
    const score = (id: number) => (Number.isNaN(gradient[id]) ? -Infinity : Math.abs(gradient[id]));
    const absent = Array.from({ length: gradient.length }, (_, id) => id).filter((id) => !active.has(id));
    return absent.sort((a, b) => score(b) - score(a) || a - b).slice(0, count).sort((a, b) => a - b);
  };
  const layerWith = (nIn: number, nOut: number, links: number[]): LayerState => ({
    nIn, nOut, links: Int32Array.from(links), weights: new Float32Array(links.length), bias: new Float32Array(nOut),
  });

  it('matches the reference on mostly-zero gradients, close values in one bucket, negatives and NaNs', () => {
    const rng = createRng(21);
    const nIn = 40;
    const nOut = 25;
    const links = Array.from(new Set(Array.from({ length: 60 }, () => rng.int(nIn * nOut)))).sort((a, b) => a - b);
    const layer = layerWith(nIn, nOut, links);
    const cases: Array<(k: number) => number> = [
      (k) => (k % 13 === 0 ? rng.normal() : 0),         // most candidates tie at 0
      () => 1 + rng.next() * 1e-4,                        // all in one float-bits bucket
      () => -Math.abs(rng.normal()),                      // magnitudes of negative gradients
      (k) => (k % 5 === 0 ? Number.NaN : rng.normal()),   // NaNs rank last
      (k) => (k % 2 === 0 ? Number.NaN : 0),              // more growth than numbers: NaNs fill up by id
    ];
    for (const fill of cases) {
      const gradient = Float32Array.from({ length: nIn * nOut }, (_, k) => fill(k));
      for (const count of [1, 17, 300, nIn * nOut - links.length]) {
        expect(Array.from(growByGradient(gradient)(layer, count, rng))).toEqual(reference(layer.links!, gradient, count));
      }
    }
  });
});

describe('rewireNetwork and schedules', () => {
  const config = (over: Partial<TrainConfig>): TrainConfig => ({ ...DEFAULT_CONFIG, hidden: 64, density: 0.05, ...over });

  it('static never changes the network; dense has no sparse layers', () => {
    const c = config({ strategy: 'static' });
    const state = initNetwork(c, createRng(1));
    const links = state.layers.map((l) => l.links?.slice());
    const weights = state.layers.map((l) => l.weights.slice());
    for (let epoch = 1; epoch <= 5; epoch++) {
      const r = rewireNetwork(state, c, epoch, createRng(epoch));
      expect(r.zeta).toBe(0);
      expect(r.layers.every((l) => l.removed.length === 0 && l.added.length === 0)).toBe(true);
    }
    state.layers.forEach((l, i) => {
      if (l.links) expect(l.links).toEqual(links[i]);
      expect(l.weights).toEqual(weights[i]);
    });
    const dense = config({ strategy: 'dense' });
    expect(rewireNetwork(initNetwork(dense, createRng(1)), dense, 1, createRng(1)).layers).toEqual([]);
  });

  it('rewires all three sparse layers with SET and RigL, keeping link counts', () => {
    for (const strategy of ['set', 'rigl'] as const) {
      const c = config({ strategy });
      const state = initNetwork(c, createRng(4));
      const counts = state.layers.map((l) => l.links?.length);
      const gradients = state.layers.slice(0, 3).map((l) => Float32Array.from({ length: l.nIn * l.nOut }, (_, k) => (k * 7919) % 1013));
      const r = rewireNetwork(state, c, 1, createRng(9), gradients);
      expect(r.zeta).toBeCloseTo(0.3);
      expect(r.layers.length).toBe(3);
      r.layers.forEach((l, i) => expect(l.removed.length).toBe(Math.round(0.3 * counts[i]!)));
      expect(state.layers.map((l) => l.links?.length)).toEqual(counts);
      expect(state.layers[3].links).toBeNull();
    }
    expect(() => rewireNetwork(initNetwork(config({ strategy: 'rigl' }), createRng(1)), config({ strategy: 'rigl' }), 1, createRng(1))).toThrow(/RigL/);
  });

  it('prunes by sign when the configuration says so (SET\'s convention), by |w| over the layer otherwise', () => {
    for (const pruning of ['magnitude', 'by-sign'] as const) {
      const c = config({ strategy: 'set', pruning });
      const state = initNetwork(c, createRng(6));
      // Positive weights tiny, negative ones large: a layer-wide ranking removes only positive links.
      for (const layer of state.layers.slice(0, 3)) layer.weights.forEach((w, k) => { layer.weights[k] = w > 0 ? w * 0.01 : w - 1; });
      // Sign of each link before rewiring, by link id (`removed` lists link ids).
      const signs = state.layers.slice(0, 3).map((l) => new Map(Array.from(l.links!, (id, k) => [id, l.weights[k] > 0])));
      const r = rewireNetwork(state, c, 1, createRng(2));
      r.layers.forEach((l, i) => {
        const positive = [...signs[i].values()].filter(Boolean).length;
        const removedPositive = Array.from(l.removed).filter((id) => signs[i].get(id)).length;
        const removedNegative = l.removed.length - removedPositive;
        if (pruning === 'magnitude') {
          expect(removedNegative).toBe(0);
          expect(removedPositive).toBe(Math.round(0.3 * signs[i].size));
        } else {
          expect(removedPositive).toBe(Math.round(0.3 * positive));
          expect(removedNegative).toBe(Math.round(0.3 * (signs[i].size - positive)));
          expect(removedNegative).toBeGreaterThan(0);
        }
      });
    }
  });

  it('computes constant and cosine ζ', () => {
    const cos = createZetaSchedule('cosine', 0.3, 10);
    expect(cos.at(0)).toBeCloseTo(0.3, 12);
    expect(cos.at(5)).toBeCloseTo(0.15, 12);
    expect(cos.at(10)).toBeCloseTo(0, 12);
    expect(cos.at(2)).toBeCloseTo(0.15 * (1 + Math.cos(Math.PI / 5)), 12);
    expect(createZetaSchedule('constant', 0.3, 10).at(7)).toBe(0.3);
    expect(zetaAt(config({ zetaSchedule: 'cosine', epochs: 4 }), 2)).toBeCloseTo(0.15, 12);
    expect(zetaAt(config({ strategy: 'static' }), 1)).toBe(0);
    expect(zetaAt(config({ strategy: 'dense' }), 1)).toBe(0);
  });

  it('gives SET\'s ε-parametrised density', () => {
    expect(densityFromEpsilon(5, 784, 1000)).toBeCloseTo((5 * 1784) / 784000, 12);
    expect(densityFromEpsilon(4.4, 784, 1000)).toBeCloseTo(0.01, 2);
    expect(densityFromEpsilon(1e6, 10, 10)).toBe(1);
  });
});
