// Network statistics computed from link lists: degrees, degree histograms, the input layer's
// pixel-degree map and how concentrated it is (Gini coefficient, pixels left with no link).
import { IMAGE_SIZE } from './constants';

/** Number of links leaving each input neuron (row) of a layer. */
export function outDegreeOf(links: Int32Array, nIn: number, nOut: number): Int32Array {
  const deg = new Int32Array(nIn);
  for (let k = 0; k < links.length; k++) deg[Math.floor(links[k] / nOut)]++;
  return deg;
}

/** Number of links entering each output neuron (column) of a layer. */
export function inDegreeOf(links: Int32Array, nOut: number): Int32Array {
  const deg = new Int32Array(nOut);
  for (let k = 0; k < links.length; k++) deg[links[k] % nOut]++;
  return deg;
}

/**
 * Gini coefficient of non-negative values: 0 when all are equal, → 1 when one holds everything.
 * Uses the sorted-rank formula G = Σ (2i − n − 1)·x_i / (n·Σx) with i = 1..n ascending.
 */
export function gini(values: ArrayLike<number>): number {
  const n = values.length;
  if (n === 0) return 0;
  const sorted = Float64Array.from(values).sort();
  let sum = 0;
  let weighted = 0;
  for (let i = 0; i < n; i++) {
    if (sorted[i] < 0) throw new RangeError('gini needs non-negative values');
    sum += sorted[i];
    weighted += (2 * (i + 1) - n - 1) * sorted[i];
  }
  return sum === 0 ? 0 : weighted / (n * sum);
}

export interface PixelDegreeSummary {
  /** Links per input pixel (784, row-major 28×28). */
  degrees: Int32Array;
  gini: number;
  /** Pixels with no link at all. */
  isolatedPixels: number;
  maxDegree: number;
}

/** How the first sparse layer's links spread over the 28×28 input pixels. */
export function pixelDegreeSummary(links: Int32Array, nOut: number): PixelDegreeSummary {
  const degrees = outDegreeOf(links, IMAGE_SIZE, nOut);
  let isolated = 0;
  let max = 0;
  for (const d of degrees) {
    if (d === 0) isolated++;
    if (d > max) max = d;
  }
  return { degrees, gini: gini(degrees), isolatedPixels: isolated, maxDegree: max };
}

export interface Histogram {
  /** Lower edge of each bin; bin i covers [edges[i], edges[i+1]). The last edge closes the range. */
  edges: number[];
  counts: number[];
}

/** Integer-valued histogram (degrees): `bins` equal-width bins over [0, max]. */
export function histogram(values: ArrayLike<number>, bins: number, range?: [number, number]): Histogram {
  const n = values.length;
  let lo = range?.[0] ?? Infinity;
  let hi = range?.[1] ?? -Infinity;
  if (!range) {
    for (let i = 0; i < n; i++) {
      const v = values[i];
      if (!Number.isFinite(v)) continue;
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
  }
  if (!Number.isFinite(lo)) { lo = 0; hi = 1; }
  if (hi === lo) hi = lo + 1;
  const b = Math.max(1, Math.floor(bins));
  const width = (hi - lo) / b;
  const counts = new Array<number>(b).fill(0);
  for (let i = 0; i < n; i++) {
    const v = values[i];
    if (!Number.isFinite(v) || v < lo || v > hi) continue;
    counts[Math.min(b - 1, Math.floor((v - lo) / width))]++;
  }
  const edges = Array.from({ length: b + 1 }, (_, i) => lo + i * width);
  return { edges, counts };
}

/**
 * Complementary CDF of integer degrees, P(D ≥ k), at every distinct degree k ≥ 1 (ascending): on
 * log–log axes a heavy tail shows as a slowly falling line, a Poisson-like one as a cliff. Degree 0
 * has no place on a log axis; P(D ≥ 1) says how many nodes have any link at all.
 */
export function degreeCcdf(degrees: ArrayLike<number>): Array<{ degree: number; fraction: number }> {
  const n = degrees.length;
  if (n === 0) return [];
  const counts = new Map<number, number>();
  for (let i = 0; i < n; i++) counts.set(degrees[i], (counts.get(degrees[i]) ?? 0) + 1);
  const distinct = [...counts.keys()].sort((a, b) => a - b);
  const out: Array<{ degree: number; fraction: number }> = [];
  let atLeast = n;
  for (const k of distinct) {
    if (k >= 1) out.push({ degree: k, fraction: atLeast / n });
    atLeast -= counts.get(k)!;
  }
  return out;
}
