// Targeted perturbations on hand-made topologies: ordered link removal, hidden-neuron removal and
// input-pixel removal remove exactly what they say (counts, order, only the chosen layers), each
// checked against a slow reference written from the definition; level 0 is the unperturbed network
// and removing every neuron of a layer leaves the output bias alone (chance).
import { describe, expect, it } from 'vitest';
import { loadSplitNode } from '../../src/data/loadNode';
import { IMAGE_SIZE } from '../../src/engine/constants';
import { initNetwork } from '../../src/engine/init';
import { createRng } from '../../src/engine/rng';
import { accuracyUnder, NO_PERTURBATION, perturbState, settingFor } from '../../src/engine/robustness';
import { createSparseCpuPath } from '../../src/engine/sparseCpu';
import { neuronScores, pixelDegrees, rankDescending, removeLinksOrdered, removeNodes, removePixels } from '../../src/engine/targeted';
import { DEFAULT_CONFIG, type LayerState, type NetworkState } from '../../src/engine/types';

/** A sparse layer from [source, target, weight] triples. */
function sparse(nIn: number, nOut: number, links: Array<[number, number, number]>, bias?: number[]): LayerState {
  const sorted = [...links].sort((a, b) => a[0] * nOut + a[1] - (b[0] * nOut + b[1]));
  return {
    nIn, nOut,
    links: Int32Array.from(sorted.map(([i, j]) => i * nOut + j)),
    weights: Float32Array.from(sorted.map(([, , w]) => w)),
    bias: Float32Array.from(bias ?? Array.from({ length: nOut }, (_, j) => 0.1 * (j + 1))),
  };
}

function dense(nIn: number, nOut: number, seed: number): LayerState {
  const rng = createRng(seed);
  return { nIn, nOut, links: null, weights: Float32Array.from({ length: nIn * nOut }, () => rng.next() - 0.5), bias: Float32Array.from({ length: nOut }, (_, j) => j) };
}

function net(layers: LayerState[]): NetworkState {
  const zeros = (l: LayerState) => ({ mW: new Float32Array(l.weights.length), vW: new Float32Array(l.weights.length), mB: new Float32Array(l.nOut), vB: new Float32Array(l.nOut) });
  return { layers, moments: layers.map(zeros), step: 7 };
}

// 4 pixels → 3 → 3 → 2 (dense output). Pixel 2 and neuron 1 of the first hidden layer are hubs.
const hand = net([
  sparse(4, 3, [[0, 0, 0.5], [1, 1, -0.9], [2, 0, 0.2], [2, 1, 0.3], [2, 2, -0.05], [3, 1, 0.4]]),
  sparse(3, 3, [[0, 2, 0.7], [1, 0, -0.15], [1, 1, 0.25], [1, 2, 0.6], [2, 0, -0.8]]),
  sparse(3, 3, [[0, 0, 0.35], [1, 1, -0.45], [2, 2, 0.55], [0, 2, 0.65]]),
  dense(3, 2, 5),
]);

/** Every (source, target, weight) of a layer with a non-zero weight, as a sorted list of strings. */
function edges(layer: LayerState): string[] {
  const out: string[] = [];
  for (let k = 0; k < layer.weights.length; k++) {
    if (layer.weights[k] === 0) continue;
    const id = layer.links === null ? k : layer.links[k];
    out.push(`${Math.floor(id / layer.nOut)}-${id % layer.nOut}:${layer.weights[k]}`);
  }
  return out.sort();
}

/** Slow reference: remove the single largest (or smallest) |w| link, `count` times. */
function referenceOrdered(layer: LayerState, count: number, strongest: boolean): string[] {
  let rest = edges(layer).map((e) => ({ e, w: Math.abs(Number(e.split(':')[1])) }));
  for (let c = 0; c < count; c++) {
    const pick = rest.reduce((best, x) => ((strongest ? x.w > best.w : x.w < best.w) ? x : best));
    rest = rest.filter((x) => x !== pick);
  }
  return rest.map((x) => x.e).sort();
}

describe('ordered link removal', () => {
  it('removes exactly round(f·links) of each sparse layer, largest |w| first, and leaves the output layer', () => {
    const out = removeLinksOrdered(hand, 0.5, 'strongest', createRng(1));
    for (let l = 0; l < 3; l++) {
      const m = hand.layers[l].links!.length;
      expect(out.layers[l].links!.length).toBe(m - Math.round(0.5 * m));
      expect(edges(out.layers[l])).toEqual(referenceOrdered(hand.layers[l], Math.round(0.5 * m), true));
    }
    expect(out.layers[3]).toEqual(hand.layers[3]);
    // The first layer keeps its three weakest links: 0.05, 0.2, 0.3.
    expect(Array.from(out.layers[0].weights).map(Math.abs).sort()).toEqual([0.05, 0.2, 0.3].map((x) => Math.fround(x)));
  });

  it('weakest first is the pruning direction', () => {
    const out = removeLinksOrdered(hand, 0.4, 'weakest', createRng(2));
    for (let l = 0; l < 3; l++) {
      const m = hand.layers[l].links!.length;
      expect(edges(out.layers[l])).toEqual(referenceOrdered(hand.layers[l], Math.round(0.4 * m), false));
    }
  });

  it('zeroes a dense layer\'s largest weights when dense layers are included', () => {
    const out = removeLinksOrdered(hand, 0.5, 'strongest', createRng(3), { includeDense: true });
    expect(edges(out.layers[3])).toEqual(referenceOrdered(hand.layers[3], 3, true));
    expect(out.layers[3].weights.length).toBe(6);
  });

  it('never touches the trained state', () => {
    const before = JSON.stringify(hand.layers.map((l) => [Array.from(l.weights), l.links && Array.from(l.links)]));
    removeLinksOrdered(hand, 1, 'strongest', createRng(4));
    removeNodes(hand, 1, 'degree', createRng(4));
    removePixels(hand, 1, 'degree', createRng(4));
    expect(JSON.stringify(hand.layers.map((l) => [Array.from(l.weights), l.links && Array.from(l.links)]))).toBe(before);
  });
});

/** Slow reference degree: count links touching neuron j of hidden layer h by scanning every pair. */
function referenceDegree(state: NetworkState, h: number, j: number): number {
  const has = (layer: LayerState, i: number, t: number) => edges(layer).some((e) => e.startsWith(`${i}-${t}:`));
  let d = 0;
  for (let i = 0; i < state.layers[h].nIn; i++) if (has(state.layers[h], i, j)) d++;
  for (let t = 0; t < state.layers[h + 1].nOut; t++) if (has(state.layers[h + 1], j, t)) d++;
  return d;
}

describe('hidden-neuron removal', () => {
  it('scores degree and strength in and out', () => {
    const { degree, strength } = neuronScores(hand, 0);
    for (let j = 0; j < 3; j++) expect(degree[j]).toBe(referenceDegree(hand, 0, j));
    expect(Array.from(degree)).toEqual([3, 6, 2]);
    expect(strength[2]).toBeCloseTo(0.05 + 0.8, 6);
  });

  it('hubs first: removes the highest-degree neuron, all its links in and out, and zeroes its bias', () => {
    const out = removeNodes(hand, 1 / 3, 'degree', createRng(1), { layers: [0] });
    expect(edges(out.layers[0]).some((e) => /^\d-1:/.test(e))).toBe(false);
    expect(edges(out.layers[1]).some((e) => e.startsWith('1-'))).toBe(false);
    expect(out.layers[0].links!.length).toBe(6 - 3);
    expect(out.layers[1].links!.length).toBe(5 - 3);
    expect(out.layers[0].bias[1]).toBe(0);
    expect(out.layers[0].bias[0]).toBe(hand.layers[0].bias[0]);
    // Only the chosen hidden layer: layers 2 and 3 are as they were.
    expect(out.layers[2]).toEqual(hand.layers[2]);
    expect(out.layers[3]).toEqual(hand.layers[3]);
  });

  it('strength first picks by Σ|w| in and out, and a dense next layer loses the neuron\'s row', () => {
    const { strength } = neuronScores(hand, 1);
    [0.15 + 0.8 + 0.35 + 0.65, 0.25 + 0.45, 0.7 + 0.6 + 0.55].forEach((s, j) => expect(strength[j]).toBeCloseTo(s, 6));
    const out = removeNodes(hand, 1 / 3, 'strength', createRng(1), { layers: [2] });
    const s2 = neuronScores(hand, 2).strength;
    const hub = Array.from(s2).indexOf(Math.max(...s2));
    expect(Array.from(neuronScores(out, 2).degree)[hub]).toBe(0);
    expect(out.layers[3].weights[hub * 2]).toBe(0);
    expect(out.layers[3].weights[hub * 2 + 1]).toBe(0);
    expect(out.layers[3].weights[0]).toBe(hand.layers[3].weights[0]);
    expect(out.layers[0]).toEqual(hand.layers[0]);
  });

  it('random order removes round(f·H) neurons in every hidden layer by default', () => {
    const big = initNetwork({ ...DEFAULT_CONFIG, hidden: 40, density: 0.2 }, createRng(9));
    const out = removeNodes(big, 0.25, 'random', createRng(2));
    for (let h = 0; h < 3; h++) {
      const alive = neuronScores(out, h).degree.filter((d) => d > 0).length;
      const before = neuronScores(big, h).degree.filter((d) => d > 0).length;
      expect(before - alive).toBe(10);
    }
  });

  it('ties are broken by the seed, not by the neuron index', () => {
    const firsts = new Set<number>();
    for (let s = 0; s < 20; s++) firsts.add(rankDescending(5, new Float64Array([1, 1, 1, 1, 1]), createRng(s))[0]);
    expect(firsts.size).toBeGreaterThan(1);
    expect(Array.from(rankDescending(4, new Float64Array([0.1, 3, 2, 0.5]), createRng(1)))).toEqual([1, 2, 3, 0]);
  });

  it('rejects a hidden layer that does not exist', () => {
    expect(() => removeNodes(hand, 0.5, 'random', createRng(1), { layers: [3] })).toThrow(/hidden layer 3/);
  });
});

describe('input-pixel removal', () => {
  it('cuts the most connected pixels first and only touches the first layer', () => {
    expect(Array.from(pixelDegrees(hand))).toEqual([1, 1, 3, 1]);
    const out = removePixels(hand, 0.25, 'degree', createRng(1));
    expect(edges(out.layers[0]).some((e) => e.startsWith('2-'))).toBe(false);
    expect(out.layers[0].links!.length).toBe(3);
    for (let l = 1; l < 4; l++) expect(out.layers[l]).toEqual(hand.layers[l]);
    expect(removePixels(hand, 1, 'random', createRng(1)).layers[0].links!.length).toBe(0);
  });
});

describe('through perturbState and a real forward pass', () => {
  it('level 0 changes nothing; old settings draw as before', () => {
    for (const kind of ['targeted-removal', 'node-removal', 'pixel-removal'] as const) {
      const out = perturbState(hand, settingFor(kind, 0), 3);
      expect(out.layers).toEqual(hand.layers);
    }
    const plain = perturbState(hand, settingFor('removal', 0.5), 3);
    const same = perturbState(hand, { ...NO_PERTURBATION, removal: 0.5 }, 3);
    expect(plain.layers).toEqual(same.layers);
    expect(() => settingFor('node-removal', 0.5, undefined, { order: 'strongest' })).toThrow(/cannot remove/);
  });

  it('level 0 is the unperturbed accuracy; removing every neuron gives the output bias\'s class (chance)', async () => {
    const full = await loadSplitNode('mnist', 'test');
    const n = 400;
    const test = { images: full.images.slice(0, n * IMAGE_SIZE), labels: full.labels.slice(0, n), count: n };
    const state = initNetwork({ ...DEFAULT_CONFIG, hidden: 32, density: 0.2 }, createRng(4));
    state.layers[3].bias[3] = 1; // the class a network with no hidden neurons always answers
    const path = createSparseCpuPath();
    const clean = (await accuracyUnder(path, state, test, NO_PERTURBATION, 1))!.accuracy;
    const zero = (await accuracyUnder(path, state, test, settingFor('node-removal', 0, undefined, { order: 'degree' }), 1))!.accuracy;
    expect(zero).toBe(clean);
    const share = test.labels.filter((y) => y === 3).length / n;
    for (const layers of [[0], [1], [2]]) {
      const gone = await accuracyUnder(path, state, test, settingFor('node-removal', 1, undefined, { order: 'strength', nodeLayers: layers }), 1);
      expect(gone!.accuracy).toBe(share);
    }
    path.dispose();
  });
});
