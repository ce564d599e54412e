// What the statistics charts show, computed from frames (pure; tested in Node): integer-aligned degree
// histograms, clipped weight histograms, and the hubs of a compact layered picture of the network.
import { histogram, type Histogram } from '../../engine/stats';
import type { LayerFrame } from '../../state/topology';
import { DEGREE_MAX_BINS, WEIGHT_BINS } from './config';

export interface DegreeHistogram extends Histogram {
  /** Degrees per bin (1 = one bar per degree). */
  binWidth: number;
}

function maxOf(values: ArrayLike<number>): number {
  let max = 0;
  for (let i = 0; i < values.length; i++) if (values[i] > max) max = values[i];
  return max;
}

/**
 * Histogram of integer degrees over [0, maxDegree]: one bar per degree while that fits in
 * `maxBins`, else bars `binWidth` degrees wide, every bar starting at a whole degree.
 */
export function degreeHistogram(degrees: ArrayLike<number>, maxDegree = maxOf(degrees), maxBins = DEGREE_MAX_BINS): DegreeHistogram {
  const top = Math.max(0, Math.floor(maxDegree));
  const binWidth = Math.max(1, Math.ceil((top + 1) / Math.max(1, maxBins)));
  const bins = Math.ceil((top + 1) / binWidth);
  const h = histogram(degrees, bins, [0, bins * binWidth]);
  return { ...h, binWidth };
}

export interface WeightHistogram extends Histogram {
  /** Weights beyond ±range counted in the outermost bars. */
  clipped: number;
}

/** Histogram of weights over [−range, range]; weights beyond count in the end bars (none is lost). */
export function weightHistogram(weights: Float32Array, range: number, bins = WEIGHT_BINS): WeightHistogram {
  if (!(range > 0)) throw new RangeError(`src/views/stats/statsData.ts: weight range ±${range} is not positive`);
  const clamped = new Float32Array(weights.length);
  let clipped = 0;
  for (let k = 0; k < weights.length; k++) {
    const w = weights[k];
    if (w < -range || w > range) clipped++;
    clamped[k] = w < -range ? -range : w > range ? range : w;
  }
  return { ...histogram(clamped, bins, [-range, range]), clipped };
}

export interface HubNode {
  neuron: number;
  /** Links to the hubs of the column before (0 in the first column). */
  fromHubs: number;
  /** All links of the neuron in the layers drawn (in + out). */
  degree: number;
}

export interface HubLink {
  /** Sparse layer index: from column `layer` to column `layer + 1`. */
  layer: number;
  from: number;
  to: number;
  weight: number;
}

export interface HubGraph {
  /** Columns of nodes: the input layer, then each sparse layer's outputs. */
  columns: HubNode[][];
  links: HubLink[];
}

/**
 * The most connected neurons and the links among them. The first column keeps the inputs with the
 * most outgoing links; each next column the neurons with the most links from the hubs before it
 * (ties: more links in all, then the lower index), so the picture follows the busiest paths.
 */
export function hubGraph(layers: readonly LayerFrame[], perLayer: number): HubGraph {
  if (layers.length === 0) return { columns: [], links: [] };
  const k = Math.max(1, Math.floor(perLayer));
  const columnSizes = [layers[0].nIn, ...layers.map((l) => l.nOut)];
  // Degree of each neuron over the layers touching its column.
  const degree = columnSizes.map((n) => new Int32Array(n));
  layers.forEach((l, c) => {
    for (let q = 0; q < l.links.length; q++) {
      const id = l.links[q];
      degree[c][Math.floor(id / l.nOut)]++;
      degree[c + 1][id % l.nOut]++;
    }
  });
  const columns: HubNode[][] = [];
  const position: Int32Array[] = [];
  for (let c = 0; c < columnSizes.length; c++) {
    const n = columnSizes[c];
    const fromHubs = new Int32Array(n);
    if (c > 0) {
      const l = layers[c - 1];
      const before = position[c - 1];
      for (let q = 0; q < l.links.length; q++) {
        const id = l.links[q];
        if (before[Math.floor(id / l.nOut)] >= 0) fromHubs[id % l.nOut]++;
      }
    }
    const order = Int32Array.from({ length: n }, (_, i) => i);
    order.sort((a, b) => fromHubs[b] - fromHubs[a] || degree[c][b] - degree[c][a] || a - b);
    const chosen = Array.from(order.subarray(0, Math.min(k, n)), (neuron) => ({ neuron, fromHubs: fromHubs[neuron], degree: degree[c][neuron] }));
    const pos = new Int32Array(n).fill(-1);
    chosen.forEach((node, i) => { pos[node.neuron] = i; });
    columns.push(chosen);
    position.push(pos);
  }
  const links: HubLink[] = [];
  layers.forEach((l, c) => {
    for (let q = 0; q < l.links.length; q++) {
      const id = l.links[q];
      const from = position[c][Math.floor(id / l.nOut)];
      const to = position[c + 1][id % l.nOut];
      if (from >= 0 && to >= 0) links.push({ layer: c, from, to, weight: l.weights[q] });
    }
  });
  return { columns, links };
}
