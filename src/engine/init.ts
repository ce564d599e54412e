// A fresh network for a configuration: uniform random links per sparse layer, He-uniform weights
// scaled by each neuron's ACTUAL fan-in (its in-degree), zero biases, zero Adam moments, step 0.
import type { Rng } from './rng';
import { inDegrees, initLinks } from './topology';
import { layerShapes, NUM_SPARSE_LAYERS } from './types';
import type { LayerMoments, LayerState, NetworkState, TrainConfig } from './types';

/** Whether layer `index` of a network trained with `config` is sparse (has a link list). */
export function isSparseLayer(config: Pick<TrainConfig, 'strategy'>, index: number): boolean {
  return config.strategy !== 'dense' && index < NUM_SPARSE_LAYERS;
}

export function initNetwork(config: TrainConfig, rng: Rng): NetworkState {
  const layers: LayerState[] = [];
  const moments: LayerMoments[] = [];
  layerShapes(config.hidden).forEach(([nIn, nOut], index) => {
    const layer = isSparseLayer(config, index)
      ? initSparseLayer(nIn, nOut, config.density, rng)
      : initDenseLayer(nIn, nOut, rng);
    layers.push(layer);
    moments.push(zeroMoments(layer));
  });
  return { layers, moments, step: 0 };
}

export function initSparseLayer(nIn: number, nOut: number, density: number, rng: Rng): LayerState {
  const links = initLinks(nIn, nOut, density, rng);
  const fanIn = inDegrees(links, nOut);
  const weights = new Float32Array(links.length);
  for (let k = 0; k < links.length; k++) weights[k] = heUniform(fanIn[links[k] % nOut], rng);
  return { nIn, nOut, links, weights, bias: new Float32Array(nOut) };
}

export function initDenseLayer(nIn: number, nOut: number, rng: Rng): LayerState {
  const weights = new Float32Array(nIn * nOut);
  for (let k = 0; k < weights.length; k++) weights[k] = heUniform(nIn, rng);
  return { nIn, nOut, links: null, weights, bias: new Float32Array(nOut) };
}

/** Draw from U(−√(6/fanIn), √(6/fanIn)): keeps each ReLU neuron's pre-activation variance near 2·Var(input). */
function heUniform(fanIn: number, rng: Rng): number {
  const limit = Math.sqrt(6 / Math.max(1, fanIn));
  return (2 * rng.next() - 1) * limit;
}

export function zeroMoments(layer: LayerState): LayerMoments {
  return {
    mW: new Float32Array(layer.weights.length),
    vW: new Float32Array(layer.weights.length),
    mB: new Float32Array(layer.bias.length),
    vB: new Float32Array(layer.bias.length),
  };
}

/** A deep copy, so a compute path or a caller can own its arrays. */
export function cloneNetwork(state: NetworkState): NetworkState {
  return {
    layers: state.layers.map((l) => ({
      nIn: l.nIn,
      nOut: l.nOut,
      links: l.links === null ? null : l.links.slice(),
      weights: l.weights.slice(),
      bias: l.bias.slice(),
    })),
    moments: state.moments.map((m) => ({ mW: m.mW.slice(), vW: m.vW.slice(), mB: m.mB.slice(), vB: m.vB.slice() })),
    step: state.step,
  };
}
