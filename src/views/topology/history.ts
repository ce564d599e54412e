// A model's wiring history as diffs: replaying the link set at any epoch from the initial wiring,
// checking the replay against the stored frames, turnover per epoch, and aligning two frames' weights.
import type { LayerFrame, TopologyFrame } from '../../state/topology';

/** `links` minus `removed` plus `added`, sorted; throws when the diff does not fit the links. */
export function applyDiff(links: Int32Array, removed: Int32Array, added: Int32Array): Int32Array {
  const out = new Int32Array(links.length - removed.length + added.length);
  let r = 0;
  let a = 0;
  let n = 0;
  const fail = (what: string) => new Error(`src/views/topology/history.ts: ${what}`);
  for (let k = 0; k < links.length; k++) {
    const id = links[k];
    while (a < added.length && added[a] < id) out[n++] = added[a++];
    if (a < added.length && added[a] === id) throw fail(`link ${id} is grown but already present`);
    if (r < removed.length && removed[r] === id) { r++; continue; }
    if (r < removed.length && removed[r] < id) throw fail(`link ${removed[r]} is removed but absent`);
    out[n++] = id;
  }
  if (r < removed.length) throw fail(`link ${removed[r]} is removed but absent`);
  while (a < added.length) out[n++] = added[a++];
  if (n !== out.length) throw fail('the diff is not sorted and unique');
  return out;
}

/** The link set of `layer` at frame `toIndex`, rebuilt from frame 0 and every diff after it. */
export function replayLinks(frames: readonly TopologyFrame[], layer: number, toIndex: number): Int32Array {
  if (frames.length === 0) throw new RangeError('src/views/topology/history.ts: no frames to replay');
  const last = Math.min(toIndex, frames.length - 1);
  let links = frames[0].layers[layer].links;
  for (let f = 1; f <= last; f++) {
    const l = frames[f].layers[layer];
    links = applyDiff(links, l.removed, l.added);
  }
  return links;
}

/** Frames whose stored links differ from the replay of the diffs (empty when the history is whole). */
export function verifyReplay(frames: readonly TopologyFrame[]): string[] {
  const problems: string[] = [];
  if (frames.length === 0) return problems;
  for (let layer = 0; layer < frames[0].layers.length; layer++) {
    let links = frames[0].layers[layer].links;
    for (let f = 1; f < frames.length; f++) {
      const l = frames[f].layers[layer];
      try {
        links = applyDiff(links, l.removed, l.added);
      } catch (e) {
        problems.push(`epoch ${frames[f].epoch}, layer ${layer + 1}: ${(e as Error).message}`);
        links = l.links;
        continue;
      }
      if (!equalIds(links, l.links)) {
        problems.push(`epoch ${frames[f].epoch}, layer ${layer + 1}: the replayed links differ from the stored frame`);
        links = l.links;
      }
    }
  }
  return problems;
}

function equalIds(a: Int32Array, b: Int32Array): boolean {
  if (a.length !== b.length) return false;
  for (let k = 0; k < a.length; k++) if (a[k] !== b[k]) return false;
  return true;
}

export interface TurnoverPoint {
  epoch: number;
  removed: number;
  added: number;
  kept: number;
  /** Removed links as a fraction of the links before the rewiring. */
  removedFraction: number;
}

/** Link turnover of `layer` at each epoch after the first frame. */
export function turnoverSeries(frames: readonly TopologyFrame[], layer: number): TurnoverPoint[] {
  const points: TurnoverPoint[] = [];
  for (let f = 1; f < frames.length; f++) {
    const before = frames[f - 1].layers[layer];
    const now = frames[f].layers[layer];
    points.push(turnoverOf(frames[f].epoch, before, now));
  }
  return points;
}

function turnoverOf(epoch: number, before: LayerFrame, now: LayerFrame): TurnoverPoint {
  const removed = now.removed.length;
  return {
    epoch,
    removed,
    added: now.added.length,
    kept: now.links.length - now.added.length,
    removedFraction: before.links.length === 0 ? 0 : removed / before.links.length,
  };
}

/** Removed / grown / kept counts of a frame's layer (what the counters show). */
export function rewireCounts(frame: LayerFrame): { removed: number; grown: number; kept: number } {
  return { removed: frame.removed.length, grown: frame.added.length, kept: frame.links.length - frame.added.length };
}

/**
 * The weight each link of `links` had in the previous frame (NaN for links absent there), so the
 * animation can move kept links from their old colour to their new one. One merge pass.
 */
export function alignPreviousWeights(prevLinks: Int32Array, prevWeights: Float32Array, links: Int32Array): Float32Array {
  const out = new Float32Array(links.length);
  let p = 0;
  for (let k = 0; k < links.length; k++) {
    const id = links[k];
    while (p < prevLinks.length && prevLinks[p] < id) p++;
    out[k] = p < prevLinks.length && prevLinks[p] === id ? prevWeights[p] : NaN;
  }
  return out;
}
