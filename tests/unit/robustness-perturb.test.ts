// Which layers a structural perturbation touches: a sparse network's sparse layers, a dense
// network's hidden layers (so one chart compares like with like), every layer with includeDense.
import { describe, expect, it } from 'vitest';
import { initNetwork } from '../../src/engine/init';
import { perturbableLayers, removeLinks, shuffleWeights } from '../../src/engine/perturb';
import { createRng } from '../../src/engine/rng';
import { summarise } from '../../src/engine/robustness';
import { DEFAULT_CONFIG } from '../../src/engine/types';

const dense = initNetwork({ ...DEFAULT_CONFIG, strategy: 'dense', hidden: 12 }, createRng(1));
const sparse = initNetwork({ ...DEFAULT_CONFIG, strategy: 'set', hidden: 12, density: 0.3 }, createRng(2));
const zeros = (w: Float32Array) => w.filter((x) => x === 0).length;

describe('perturbableLayers', () => {
  it('picks the sparse layers, a dense network\'s hidden layers, or everything', () => {
    expect(perturbableLayers(sparse.layers)).toEqual([true, true, true, false]);
    expect(perturbableLayers(dense.layers)).toEqual([true, true, true, false]);
    expect(perturbableLayers(sparse.layers, { includeDense: true })).toEqual([true, true, true, true]);
    expect(perturbableLayers(dense.layers, { includeDense: true })).toEqual([true, true, true, true]);
  });

  it('removal zeroes the asked share of a dense network\'s hidden weights and leaves its output layer', () => {
    const out = removeLinks(dense, 0.4, createRng(3));
    for (let l = 0; l < 3; l++) {
      const n = dense.layers[l].weights.length;
      expect(zeros(out.layers[l].weights) - zeros(dense.layers[l].weights)).toBe(Math.round(0.4 * n));
      expect(out.layers[l].links).toBeNull();
    }
    expect(out.layers[3].weights).toEqual(dense.layers[3].weights);
    const all = removeLinks(dense, 0.4, createRng(3), { includeDense: true });
    expect(zeros(all.layers[3].weights)).toBe(Math.round(0.4 * dense.layers[3].weights.length));
  });

  it('shuffling permutes a dense network\'s hidden weights (same multiset) and leaves its output layer', () => {
    const out = shuffleWeights(dense, 1, createRng(4));
    const sorted = (w: Float32Array) => Array.from(w).sort((a, b) => a - b);
    for (let l = 0; l < 3; l++) {
      expect(sorted(out.layers[l].weights)).toEqual(sorted(dense.layers[l].weights));
      expect(out.layers[l].weights).not.toEqual(dense.layers[l].weights);
    }
    expect(out.layers[3].weights).toEqual(dense.layers[3].weights);
  });
});

describe('summarise', () => {
  it('gives identical repeats exactly their value and zero spread', () => {
    const v = 0.8566666666666667;
    expect(summarise(0.1, [v, v, v])).toEqual({ level: 0.1, accuracies: [v, v, v], mean: v, std: 0, min: v, max: v });
  });

  it('gives the sample standard deviation otherwise', () => {
    const p = summarise(0.2, [0.5, 0.7, 0.9]);
    expect(p.mean).toBeCloseTo(0.7, 12);
    expect(p.std).toBeCloseTo(0.2, 12);
    expect([p.min, p.max]).toEqual([0.5, 0.9]);
  });
});
