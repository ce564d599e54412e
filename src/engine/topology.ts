// A sparse layer's links: the sorted list of active link ids `i * nOut + j` (input i → output j).
// Sampling at a density, degrees, and the diff between two link lists (what rewiring changed).
import type { Rng } from './rng';

/** Input neuron of link `id` in a layer with `nOut` outputs. */
export function linkFrom(id: number, nOut: number): number {
  return Math.floor(id / nOut);
}

/** Output neuron of link `id` in a layer with `nOut` outputs. */
export function linkTo(id: number, nOut: number): number {
  return id % nOut;
}

/** Number of links a sparse layer keeps at every epoch: round(density · nIn · nOut). */
export function linkCount(nIn: number, nOut: number, density: number): number {
  return Math.round(density * nIn * nOut);
}

/**
 * Exactly `linkCount(nIn, nOut, density)` distinct links drawn uniformly at random, sorted.
 * Floyd's algorithm costs O(k) for small densities; large ones use a partial shuffle of all ids.
 */
export function initLinks(nIn: number, nOut: number, density: number, rng: Rng): Int32Array {
  const total = nIn * nOut;
  if (total > 0x7fffffff) throw new RangeError(`topology.ts: ${nIn}×${nOut} links do not fit 32-bit link ids`);
  const count = linkCount(nIn, nOut, density);
  return sampleIds(total, count, rng);
}

/** `count` distinct ids from [0, total), uniformly at random, sorted ascending. */
export function sampleIds(total: number, count: number, rng: Rng): Int32Array {
  if (count < 0 || count > total) throw new RangeError(`topology.ts: cannot sample ${count} ids out of ${total}`);
  if (count * 4 > total) {
    // Dense enough that a partial Fisher–Yates over every id is cheaper than hashing.
    const all = new Int32Array(total);
    for (let k = 0; k < total; k++) all[k] = k;
    for (let k = 0; k < count; k++) {
      const r = k + rng.int(total - k);
      const t = all[k];
      all[k] = all[r];
      all[r] = t;
    }
    return all.slice(0, count).sort();
  }
  const chosen = new Set<number>();
  for (let j = total - count; j < total; j++) {
    const t = rng.int(j + 1);
    chosen.add(chosen.has(t) ? j : t);
  }
  const ids = Int32Array.from(chosen);
  return ids.sort();
}

/** Number of incoming links of each output neuron (its actual fan-in). */
export function inDegrees(links: Int32Array, nOut: number): Int32Array {
  const deg = new Int32Array(nOut);
  for (let k = 0; k < links.length; k++) deg[links[k] % nOut]++;
  return deg;
}

/** Number of outgoing links of each input neuron. */
export function outDegrees(links: Int32Array, nIn: number, nOut: number): Int32Array {
  const deg = new Int32Array(nIn);
  for (let k = 0; k < links.length; k++) deg[Math.floor(links[k] / nOut)]++;
  return deg;
}

export interface LinkDiff {
  /** Ids in `before` but not in `after`, sorted. */
  removed: Int32Array;
  /** Ids in `after` but not in `before`, sorted. */
  added: Int32Array;
  /** Number of ids in both. */
  kept: number;
}

/** Compares two sorted, unique link lists with one merge pass. */
export function diffLinks(before: Int32Array, after: Int32Array): LinkDiff {
  const removed: number[] = [];
  const added: number[] = [];
  let kept = 0;
  let a = 0;
  let b = 0;
  while (a < before.length && b < after.length) {
    if (before[a] === after[b]) { kept++; a++; b++; }
    else if (before[a] < after[b]) removed.push(before[a++]);
    else added.push(after[b++]);
  }
  while (a < before.length) removed.push(before[a++]);
  while (b < after.length) added.push(after[b++]);
  return { removed: Int32Array.from(removed), added: Int32Array.from(added), kept };
}

/** Whether `links` is strictly increasing (sorted and unique) with every id in [0, total). */
export function isValidLinkList(links: Int32Array, total: number): boolean {
  for (let k = 0; k < links.length; k++) {
    const id = links[k];
    if (id < 0 || id >= total) return false;
    if (k > 0 && links[k - 1] >= id) return false;
  }
  return true;
}

/** Position of `id` in the sorted list `links`, or -1 (binary search). */
export function indexOfLink(links: Int32Array, id: number): number {
  let lo = 0;
  let hi = links.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const v = links[mid];
    if (v === id) return mid;
    if (v < id) lo = mid + 1;
    else hi = mid - 1;
  }
  return -1;
}
