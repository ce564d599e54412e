// What the statistics panel computes: integer-aligned degree histograms, weight histograms that lose
// no weight, the hubs of the layered network picture, and the charts' input checks.
import { describe, expect, it } from 'vitest';
import { inDegreeOf, outDegreeOf } from '../../src/engine/stats';
import type { LayerFrame } from '../../src/state/topology';
import { logTicks, validateHistogramData } from '../../src/views/stats/histogramChart';
import { validateNetworkData } from '../../src/views/stats/networkChart';
import { pixelColor, validatePixelMapData } from '../../src/views/stats/pixelMapChart';
import { degreeHistogram, hubGraph, weightHistogram } from '../../src/views/stats/statsData';
import { validateTurnoverData } from '../../src/views/stats/turnoverChart';
import { frameInDegrees, frameOutDegrees, sharedWeightMax } from '../../src/views/topology/frameStats';

function frame(nIn: number, nOut: number, pairs: Array<[number, number, number?]>): LayerFrame {
  const sorted = pairs.map(([i, j, w]) => ({ id: i * nOut + j, w: w ?? 0.1 })).sort((a, b) => a.id - b.id);
  return {
    nIn, nOut, links: Int32Array.from(sorted, (p) => p.id), weights: Float32Array.from(sorted, (p) => p.w),
    removed: new Int32Array(0), added: new Int32Array(0),
  };
}

describe('degree histograms', () => {
  it('has one bar per degree from 0 to the maximum', () => {
    const h = degreeHistogram([0, 1, 1, 3, 3, 3]);
    expect(h.binWidth).toBe(1);
    expect(h.edges).toEqual([0, 1, 2, 3, 4]);
    expect(h.counts).toEqual([1, 2, 0, 3]);
  });

  it('groups degrees into whole-degree bins when there are too many, counting every neuron', () => {
    const degrees = Array.from({ length: 100 }, (_, i) => i);
    const h = degreeHistogram(degrees, 99, 10);
    expect(h.binWidth).toBe(10);
    expect(h.counts).toHaveLength(10);
    expect(h.counts.every((c) => c === 10)).toBe(true);
    expect(h.edges.every((e) => Number.isInteger(e))).toBe(true);
  });

  it('shares one axis between two models by taking the larger maximum', () => {
    const h = degreeHistogram([1, 2], 6);
    expect(h.edges.at(-1)).toBe(7);
    expect(h.counts.reduce((a, b) => a + b, 0)).toBe(2);
  });

  it('reads degrees from a frame once (cached per frame) and they match engine/stats', () => {
    const f = frame(3, 4, [[0, 1], [0, 2], [2, 1]]);
    expect(Array.from(frameOutDegrees(f))).toEqual([2, 0, 1]);
    expect(frameOutDegrees(f)).toBe(frameOutDegrees(f));
    expect(Array.from(frameInDegrees(f))).toEqual(Array.from(inDegreeOf(f.links, 4)));
    expect(Array.from(frameOutDegrees(f))).toEqual(Array.from(outDegreeOf(f.links, 3, 4)));
  });
});

describe('weight histograms', () => {
  it('counts weights beyond the range in the end bars', () => {
    const h = weightHistogram(Float32Array.from([-5, -0.5, 0, 0.01, 0.5, 5]), 1, 4);
    expect(h.counts).toEqual([1, 1, 2, 2]); // bins [−1, −½) [−½, 0) [0, ½) [½, 1]: −5 joins the first, 5 the last
    expect(h.clipped).toBe(2);
    expect(h.counts.reduce((a, b) => a + b, 0)).toBe(6);
    expect(() => weightHistogram(new Float32Array(1), 0)).toThrow(/not positive/);
  });

  it('takes the colour range from the frames shown together', () => {
    const small = frame(1, 100, Array.from({ length: 100 }, (_, j): [number, number, number] => [0, j, j / 1000]));
    const large = frame(1, 100, Array.from({ length: 100 }, (_, j): [number, number, number] => [0, j, -j / 100]));
    expect(sharedWeightMax([small])).toBeCloseTo(0.099);
    expect(sharedWeightMax([small, large, null])).toBeCloseTo(0.99);
  });
});

describe('hub graph', () => {
  // Inputs 0..3 → hidden 0..2 → hidden 0..2. Input 2 has the most links (then input 0, lowest of the
  // ties); hidden neuron 1 gets two links from those hubs; neurons 0 and 2 get one each, and 2 wins
  // the tie with more links in all. In the last column 0 and 2 each get one link from the hubs.
  const l1 = frame(4, 3, [[2, 0, 0.5], [2, 1, -0.4], [2, 2, 0.3], [0, 1, 0.2], [3, 1, 0.1], [1, 2, 0.9]]);
  const l2 = frame(3, 3, [[1, 0, 0.7], [0, 0, -0.2], [2, 2, 0.4]]);

  it('keeps the inputs with most links, then the neurons most fed by the hubs before them', () => {
    const g = hubGraph([l1, l2], 2);
    expect(g.columns.map((c) => c.map((n) => n.neuron))).toEqual([[2, 0], [1, 2], [0, 2]]);
    expect(g.columns[1][0]).toEqual({ neuron: 1, fromHubs: 2, degree: 4 });
    expect(g.columns[1][1]).toEqual({ neuron: 2, fromHubs: 1, degree: 3 });
    expect(g.columns[2][0]).toEqual({ neuron: 0, fromHubs: 1, degree: 2 });
  });

  it('draws exactly the links among the chosen neurons, with their weights', () => {
    const g = hubGraph([l1, l2], 2);
    const described = g.links.map((l) => `${l.layer}:${g.columns[l.layer][l.from].neuron}→${g.columns[l.layer + 1][l.to].neuron}@${l.weight.toFixed(1)}`);
    expect(described.sort()).toEqual(['0:0→1@0.2', '0:2→1@-0.4', '0:2→2@0.3', '1:1→0@0.7', '1:2→2@0.4'].sort());
    expect(validateNetworkData({ graph: g, weightMax: 1, columnLabels: ['a', 'b', 'c'] })).toEqual([]);
    expect(validateNetworkData({ graph: g, weightMax: 1, columnLabels: ['a'] })[0]).toMatch(/1 column labels for 3 columns/);
  });

  it('handles no layers and more hubs than neurons', () => {
    expect(hubGraph([], 5)).toEqual({ columns: [], links: [] });
    expect(hubGraph([l1], 50).columns.map((c) => c.length)).toEqual([4, 3]);
  });
});

describe('chart input checks', () => {
  it('histograms need one more edge than bins, increasing edges and counts ≥ 0', () => {
    const ok = { id: 'a', label: 'A', color: '#000', style: 'bars' as const, histogram: { edges: [0, 1, 2], counts: [3, 0] } };
    const data = { series: [ok], logScale: false, xLabel: 'x', unit: 'neurons', integer: true };
    expect(validateHistogramData(data)).toEqual([]);
    expect(validateHistogramData({ ...data, series: [{ ...ok, histogram: { edges: [0, 1], counts: [1, 2] } }] })[0]).toMatch(/2 edges for 2 bins/);
    expect(validateHistogramData({ ...data, series: [{ ...ok, histogram: { edges: [0, 2, 1], counts: [1, -2] } }] })).toHaveLength(2);
    expect(logTicks(1500)).toEqual([0, 1, 10, 100, 1000]);
  });

  it('turnover points are positive epochs with a share in [0, 1]; pixel maps have 784 degrees', () => {
    const s = (epoch: number, value: number) => ({ series: [{ id: 's', label: 'S', color: '#000', dashed: false, points: [{ epoch, value }] }], cursorEpoch: 1, maxEpoch: 3 });
    expect(validateTurnoverData(s(1, 0.3))).toEqual([]);
    expect(validateTurnoverData(s(0, 0.3))[0]).toMatch(/epoch 0 is not a positive integer/);
    expect(validateTurnoverData(s(2, 1.3))[0]).toMatch(/outside \[0, 1\]/);
    expect(validatePixelMapData({ degrees: new Int32Array(784), maxDegree: 3 })).toEqual([]);
    expect(validatePixelMapData({ degrees: new Int32Array(100), maxDegree: 3 })[0]).toMatch(/100 pixel degrees, expected 784/);
    expect(pixelColor(0, 10)).not.toBe(pixelColor(1, 10));
    expect(pixelColor(10, 10)).toBe(pixelColor(20, 10));
  });
});
