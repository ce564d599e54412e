// A loaded model's wiring frames: replayed from its file's per-epoch diffs (every epoch, exactly as a
// run trained in the page reported them), or its final wiring alone for a file without a history.
import type { EpochSummary } from '../engine/train';
import type { TrainConfig } from '../engine/types';
import { replayLinks, type EpochWiring } from '../engine/wiringHistory';
import type { LayerFrame, LayerTopologyInput, TopologyFrame } from './topology';

const EMPTY = new Int32Array(0);

/**
 * The weights a replayed frame shows: files keep each epoch's links but only the final weights, so a
 * link shows its final weight, and one that does not survive to the end shows 0 (rewiring removes
 * the smallest |w| and grows links at 0, so that is what such links are close to).
 */
function weightsFor(links: Int32Array, final: LayerTopologyInput): Float32Array {
  const out = new Float32Array(links.length);
  let f = 0;
  for (let k = 0; k < links.length; k++) {
    while (f < final.links.length && final.links[f] < links[k]) f++;
    if (f < final.links.length && final.links[f] === links[k]) out[k] = final.weights[f];
  }
  return out;
}

/**
 * Frames 0…E of a loaded model with a wiring history, or null plus a problem when the history does
 * not fit the final wiring (the worker validated it, so that means a bug, reported rather than drawn).
 */
export function replayFrames(
  final: readonly LayerTopologyInput[], history: readonly EpochSummary[], wiring: readonly EpochWiring[],
): { ok: true; frames: TopologyFrame[] } | { ok: false; error: string } {
  if (wiring.length !== history.length) return { ok: false, error: `${wiring.length} epochs of wiring for ${history.length} of history` };
  const perLayer: Int32Array[][] = [];
  for (let l = 0; l < final.length; l++) {
    const diffs = wiring.map((epoch) => epoch[l]);
    if (diffs.some((d) => d === undefined)) return { ok: false, error: `layer ${l + 1} is missing from an epoch of the wiring history` };
    const replay = replayLinks(final[l].links, diffs);
    if (!replay.ok) return { ok: false, error: `layer ${l + 1}: ${replay.error}` };
    perLayer.push(replay.links);
  }
  const frames: TopologyFrame[] = [];
  for (let e = 0; e <= wiring.length; e++) {
    const layers: LayerFrame[] = final.map((t, l) => {
      const links = perLayer[l][e];
      // Frame e shows the wiring after epoch e, reached from frame e − 1 by epoch e's diff.
      const diff = e === 0 ? { removed: EMPTY, added: EMPTY } : wiring[e - 1][l];
      return { nIn: t.nIn, nOut: t.nOut, links, weights: e === wiring.length ? t.weights : weightsFor(links, t), removed: diff.removed, added: diff.added };
    });
    const summary = e === 0 ? undefined : history[e - 1];
    frames.push({ epoch: e, layers, testAccuracy: summary?.testAccuracy ?? null, trainLoss: summary?.trainLoss ?? null });
  }
  return { ok: true, frames };
}

/** A file without a history: its final wiring, as the frame of the last epoch it was trained. */
export function finalFrame(final: readonly LayerTopologyInput[], history: readonly EpochSummary[]): TopologyFrame {
  const last = history.at(-1);
  return {
    epoch: last?.epoch ?? 0,
    layers: final.map((t) => ({ nIn: t.nIn, nOut: t.nOut, links: t.links, weights: t.weights, removed: EMPTY, added: EMPTY })),
    testAccuracy: last?.testAccuracy ?? null,
    trainLoss: last?.trainLoss ?? null,
  };
}

/**
 * Which loaded model the topology panels open on: SET with weight decay (the lab's central
 * demonstration), then RigL, then SET without decay, then the rest.
 */
export function openingPreference(config: Pick<TrainConfig, 'strategy' | 'weightDecay'>): number {
  if (config.strategy === 'set') return config.weightDecay > 0 ? 3 : 1;
  if (config.strategy === 'rigl') return 2;
  return 0;
}
