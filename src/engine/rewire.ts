// Between-epoch rewiring: ONE routine (drop some active links, grow as many absent ones) with
// swappable rules — SET drops by |w| and grows at random, RigL grows by |gradient| — and a schedule for ζ.
import type { Rng } from './rng';
import { indexOfLink } from './topology';
import { NUM_SPARSE_LAYERS } from './types';
import type { LayerMoments, LayerState, NetworkState, TrainConfig, ZetaSchedule } from './types';

/** ζ (prune fraction) after a given epoch; `epoch` is the 1-based number of the epoch just finished. */
export interface ZetaScheduleFn {
  at(epoch: number): number;
}

/** `constant`: ζ every time; `cosine`: ζ_t = ζ/2·(1 + cos(π t/T)), t = epoch, T = epochs (RigL's decay). */
export function createZetaSchedule(kind: ZetaSchedule, zeta: number, epochs: number): ZetaScheduleFn {
  if (kind === 'constant') return { at: () => zeta };
  return { at: (epoch) => (zeta / 2) * (1 + Math.cos((Math.PI * Math.min(epoch, epochs)) / epochs)) };
}

/** The prune fraction a run uses after `epoch`: 0 for strategies that never rewire. */
export function zetaAt(config: TrainConfig, epoch: number): number {
  if (config.strategy === 'static' || config.strategy === 'dense') return 0;
  return createZetaSchedule(config.zetaSchedule, config.zeta, config.epochs).at(epoch);
}

/** SET's ε-parametrised density p = ε(nIn + nOut)/(nIn·nOut), capped at 1 (ε ≈ 4.4–5 gives ~1% at 784×1000). */
export function densityFromEpsilon(epsilon: number, nIn: number, nOut: number): number {
  return Math.min(1, (epsilon * (nIn + nOut)) / (nIn * nOut));
}

/**
 * Chooses which active links to remove: returns their positions in `layer.links`, ascending.
 * Never more than `maxCount` (the number of absent links, so that as many can be grown).
 */
export type DropRule = (layer: LayerState, zeta: number, maxCount: number) => Int32Array;
/** Chooses `count` distinct link ids absent from `layer.links`, returned sorted ascending. */
export type GrowRule = (layer: LayerState, count: number, rng: Rng) => Int32Array;

/** Smallest |w| first; ties go to the lower link id, so the choice is a pure function of the weights. */
export const dropByMagnitude: DropRule = (layer, zeta, maxCount) => {
  const all = new Int32Array(layer.weights.length);
  for (let k = 0; k < all.length; k++) all[k] = k;
  const count = Math.min(Math.round(zeta * all.length), maxCount);
  return smallestMagnitude(all, layer.weights, count).sort();
};

/** SET's variant: ζ of the positive weights closest to zero and ζ of the negative ones, separately. */
export const dropByMagnitudeBySign: DropRule = (layer, zeta, maxCount) => {
  const w = layer.weights;
  const positive: number[] = [];
  const negative: number[] = [];
  for (let k = 0; k < w.length; k++) (w[k] >= 0 ? positive : negative).push(k);
  const pos = smallestMagnitude(Int32Array.from(positive), w, Math.round(zeta * positive.length));
  const neg = smallestMagnitude(Int32Array.from(negative), w, Math.round(zeta * negative.length));
  const both = new Int32Array(pos.length + neg.length);
  both.set(pos);
  both.set(neg, pos.length);
  // Rare cap (a nearly full layer): keep the globally smallest among the chosen.
  return (both.length > maxCount ? smallestMagnitude(both, w, maxCount) : both).sort();
};

function smallestMagnitude(positions: Int32Array, weights: Float32Array, count: number): Int32Array {
  const order = positions.slice().sort((a, b) => Math.abs(weights[a]) - Math.abs(weights[b]) || a - b);
  return order.slice(0, count);
}

/** SET: uniformly at random among absent links; rejection sampling keeps it O(count·log links). */
export const growAtRandom: GrowRule = (layer, count, rng) => {
  const links = layer.links as Int32Array;
  const total = layer.nIn * layer.nOut;
  const absent = total - links.length;
  if (count > absent) throw new RangeError(`rewire.ts: cannot grow ${count} links, only ${absent} are absent`);
  if (absent < 2 * count || absent * 2 < total) {
    // Crowded layer: rejection would spin, so list the absent ids and shuffle a prefix.
    const pool = absentIds(links, total);
    for (let k = 0; k < count; k++) {
      const r = k + rng.int(pool.length - k);
      const t = pool[k];
      pool[k] = pool[r];
      pool[r] = t;
    }
    return pool.slice(0, count).sort();
  }
  const chosen = new Set<number>();
  while (chosen.size < count) {
    const id = rng.int(total);
    if (!chosen.has(id) && indexOfLink(links, id) < 0) chosen.add(id);
  }
  return Int32Array.from(chosen).sort();
};

/** RigL: the absent links with the largest |gradient| (`gradient` is the dense nIn×nOut magnitude). */
export function growByGradient(gradient: Float32Array): GrowRule {
  return (layer, count) => {
    const links = layer.links as Int32Array;
    const total = layer.nIn * layer.nOut;
    if (gradient.length !== total) throw new RangeError(`rewire.ts: gradient has ${gradient.length} entries, the layer has ${total} possible links`);
    if (count > total - links.length) throw new RangeError(`rewire.ts: cannot grow ${count} links, only ${total - links.length} are absent`);
    return topAbsentByMagnitude(gradient, links, count);
  };
}

/** Buckets of |g| by the top 12 bits of its float32 pattern (monotonic in |g| for finite values). */
const BUCKET_SHIFT = 19;
const BUCKETS = 1 << (31 - BUCKET_SHIFT);
const ABS_MASK = 0x7fffffff;
const INFINITY_BITS = 0x7f800000;

/**
 * The `count` absent ids with the largest |gradient| (ties: lower id first; NaN ranks below every
 * number), sorted ascending. Two linear passes instead of a heap over ~1M candidates: a histogram
 * of |g| by float bits finds the bucket holding the k-th largest, then only that bucket is sorted.
 */
function topAbsentByMagnitude(gradient: Float32Array, links: Int32Array, count: number): Int32Array {
  if (count === 0) return new Int32Array(0);
  const bits = new Uint32Array(gradient.buffer, gradient.byteOffset, gradient.length);
  const total = gradient.length;
  const histogram = new Int32Array(BUCKETS);
  for (let id = 0, next = 0; id < total; id++) {
    if (next < links.length && links[next] === id) { next++; continue; }
    const a = bits[id] & ABS_MASK;
    if (a <= INFINITY_BITS) histogram[a >>> BUCKET_SHIFT]++;
  }
  // The bucket where the running count from the top reaches `count` (-1: numbers run out, NaNs fill up).
  let cut = BUCKETS - 1;
  let above = 0;
  while (cut >= 0 && above + histogram[cut] < count) above += histogram[cut--];
  const out = new Int32Array(count);
  let n = 0;
  const tied: number[] = [];
  const nans: number[] = [];
  for (let id = 0, next = 0; id < total; id++) {
    if (next < links.length && links[next] === id) { next++; continue; }
    const a = bits[id] & ABS_MASK;
    if (a > INFINITY_BITS) { if (cut < 0 && nans.length < count - above) nans.push(id); continue; }
    const b = a >>> BUCKET_SHIFT;
    if (b > cut) out[n++] = id;
    else if (b === cut) tied.push(id);
  }
  if (cut >= 0) {
    tied.sort((x, y) => Math.abs(gradient[y]) - Math.abs(gradient[x]) || x - y);
    for (let i = 0; n < count; i++) out[n++] = tied[i];
  } else {
    for (let i = 0; n < count && i < nans.length; i++) out[n++] = nans[i];
  }
  return out.sort();
}

function absentIds(links: Int32Array, total: number): Int32Array {
  const pool = new Int32Array(total - links.length);
  let n = 0;
  let next = 0;
  for (let id = 0; id < total; id++) {
    if (next < links.length && links[next] === id) next++;
    else pool[n++] = id;
  }
  return pool;
}

export interface RewireResult {
  /** Link ids removed, sorted. */
  removed: Int32Array;
  /** Link ids grown, sorted; disjoint from `removed` (growth only picks links absent before rewiring). */
  added: Int32Array;
}

/**
 * The one rewiring routine. Replaces `layer.links`/`weights` and `moments.mW`/`vW` with new arrays
 * that stay sorted and aligned: kept links keep weight and moments, grown ones start at exactly 0.
 */
export function rewireLayerWith(layer: LayerState, moments: LayerMoments, zeta: number, drop: DropRule, grow: GrowRule, rng: Rng): RewireResult {
  const links = layer.links;
  if (links === null) throw new Error('rewire.ts: a dense layer (links === null) cannot be rewired');
  const n = links.length;
  const dropped = drop(layer, zeta, layer.nIn * layer.nOut - n);
  const added = grow(layer, dropped.length, rng);
  if (added.length !== dropped.length) throw new Error(`rewire.ts: grew ${added.length} links for ${dropped.length} removed`);
  const isDropped = new Uint8Array(n);
  const removed = new Int32Array(dropped.length);
  for (let r = 0; r < dropped.length; r++) {
    isDropped[dropped[r]] = 1;
    removed[r] = links[dropped[r]];
  }
  for (let a = 0; a < added.length; a++) {
    // Growth must pick links absent before rewiring: that also makes `removed` and `added` disjoint.
    if (indexOfLink(links, added[a]) >= 0) throw new Error(`rewire.ts: grown link ${added[a]} was already active`);
    if (a > 0 && added[a - 1] >= added[a]) throw new Error('rewire.ts: grown links must be sorted and unique');
  }
  const newLinks = new Int32Array(n);
  const newWeights = new Float32Array(n);
  const newM = new Float32Array(n);
  const newV = new Float32Array(n);
  let k = 0;
  let a = 0;
  let out = 0;
  // Merge the kept links (in order) with the grown ones (sorted); grown slots stay 0.
  while (k < n || a < added.length) {
    if (k < n && isDropped[k]) { k++; continue; }
    if (a >= added.length || (k < n && links[k] < added[a])) {
      newLinks[out] = links[k];
      newWeights[out] = layer.weights[k];
      newM[out] = moments.mW[k];
      newV[out] = moments.vW[k];
      k++;
    } else {
      newLinks[out] = added[a++];
    }
    out++;
  }
  if (out !== n) throw new Error(`rewire.ts: link count changed from ${n} to ${out}`);
  layer.links = newLinks;
  layer.weights = newWeights;
  moments.mW = newM;
  moments.vW = newV;
  return { removed, added };
}

export interface RewireOptions {
  zeta: number;
  grow: 'random' | 'gradient';
  /** Dense nIn×nOut |∂loss/∂W|, required for `grow: 'gradient'`. */
  gradient?: Float32Array;
  /** Prune positive and negative weights separately (SET's convention). */
  pruneBySign?: boolean;
}

export function rewireLayer(layer: LayerState, moments: LayerMoments, opts: RewireOptions, rng: Rng): RewireResult {
  const drop = opts.pruneBySign ? dropByMagnitudeBySign : dropByMagnitude;
  let grow: GrowRule = growAtRandom;
  if (opts.grow === 'gradient') {
    if (!opts.gradient) throw new Error('rewire.ts: gradient growth needs the dense gradient magnitude');
    grow = growByGradient(opts.gradient);
  }
  return rewireLayerWith(layer, moments, opts.zeta, drop, grow, rng);
}

export interface NetworkRewire {
  zeta: number;
  /** One entry per sparse layer (none for the dense strategy). */
  layers: RewireResult[];
}

/**
 * Rewires every sparse layer of `state` in place after `epoch` (1-based) with the strategy of `config`.
 * `gradients[l]` (RigL) is sparse layer l's dense |gradient|.
 */
export function rewireNetwork(
  state: NetworkState,
  config: TrainConfig,
  epoch: number,
  rng: Rng,
  gradients?: Float32Array[],
): NetworkRewire {
  if (config.strategy === 'dense') return { zeta: 0, layers: [] };
  const zeta = zetaAt(config, epoch);
  const layers: RewireResult[] = [];
  for (let l = 0; l < NUM_SPARSE_LAYERS; l++) {
    if (zeta === 0) {
      layers.push({ removed: new Int32Array(0), added: new Int32Array(0) });
      continue;
    }
    const grow = config.strategy === 'rigl' ? 'gradient' : 'random';
    if (grow === 'gradient' && !gradients?.[l]) throw new Error(`rewire.ts: RigL needs the gradient of sparse layer ${l}`);
    layers.push(rewireLayer(state.layers[l], state.moments[l], { zeta, grow, gradient: gradients?.[l], pruneBySign: config.pruning === 'by-sign' }, rng));
  }
  return { zeta, layers };
}
