// Per-frame numbers the views ask for again and again (degrees, the weight scale's saturation),
// computed once per frame and kept as long as the frame lives (WeakMap: frames are immutable).
import { inDegreeOf, outDegreeOf } from '../../engine/stats';
import type { LayerFrame } from '../../state/topology';
import { absQuantile, niceWeightMax } from './colors';

function cached<T>(cache: WeakMap<LayerFrame, T>, frame: LayerFrame, compute: (f: LayerFrame) => T): T {
  let value = cache.get(frame);
  if (value === undefined) {
    value = compute(frame);
    cache.set(frame, value);
  }
  return value;
}

const outDegreeCache = new WeakMap<LayerFrame, Int32Array>();
const inDegreeCache = new WeakMap<LayerFrame, Int32Array>();
const weightQuantileCache = new WeakMap<LayerFrame, number>();

/** Links leaving each input neuron (row) of the frame's layer. */
export function frameOutDegrees(frame: LayerFrame): Int32Array {
  return cached(outDegreeCache, frame, (f) => outDegreeOf(f.links, f.nIn, f.nOut));
}

/** Links entering each output neuron (column) of the frame's layer. */
export function frameInDegrees(frame: LayerFrame): Int32Array {
  return cached(inDegreeCache, frame, (f) => inDegreeOf(f.links, f.nOut));
}

export function frameWeightQuantile(frame: LayerFrame): number {
  return cached(weightQuantileCache, frame, (f) => absQuantile(f.weights));
}

/**
 * The |w| that saturates the colour scale for the frames shown together (one per model side by side):
 * a high quantile of their |w|, so that both use one scale with good contrast at this epoch.
 */
export function sharedWeightMax(frames: ReadonlyArray<LayerFrame | null | undefined>): number {
  const values: number[] = [];
  for (const f of frames) if (f) values.push(frameWeightQuantile(f));
  return niceWeightMax(values);
}
