// Model checkpoints as they cross the worker boundary: their size (which sets how often a run sends
// one), copies for sending (a transfer would detach the sender's arrays), and the check a restarted
// worker makes before it trusts one. No tfjs here: the page's supervisor uses it too.
import { cloneNetwork, isSparseLayer } from '../engine/init';
import { layerShapes, validateConfig, type NetworkState } from '../engine/types';
import type { ModelCheckpoint } from './protocol';

/** Checkpoints up to this size go to the page every epoch; larger ones every few epochs (see below). */
export const CHECKPOINT_BUDGET_BYTES = 8 * 1024 * 1024;

/** Bytes of a network's typed arrays: links, weights, biases and the four Adam moment arrays. */
export function stateBytes(state: NetworkState): number {
  let bytes = 0;
  for (const layer of state.layers) bytes += (layer.links?.byteLength ?? 0) + layer.weights.byteLength + layer.bias.byteLength;
  for (const m of state.moments) bytes += m.mW.byteLength + m.vW.byteLength + m.mB.byteLength + m.vB.byteLength;
  return bytes;
}

/**
 * Epochs between checkpoints: 1 for sparse models (~0.5 MB at H = 1000, 1%), more for dense ones
 * (~34 MB at H = 1000: every 5th epoch), so copying them never costs more than training does.
 */
export function checkpointInterval(state: NetworkState, budgetBytes = CHECKPOINT_BUDGET_BYTES): number {
  return Math.max(1, Math.ceil(stateBytes(state) / budgetBytes));
}

/** A deep copy (history included) that can be transferred without touching the original. */
export function copyCheckpoint(c: ModelCheckpoint): ModelCheckpoint {
  return {
    modelId: c.modelId,
    config: { ...c.config },
    epoch: c.epoch,
    state: cloneNetwork(c.state),
    history: c.history.map((h) => ({ ...h, perClass: h.perClass.slice(), layers: h.layers.map((l) => ({ ...l })) })),
  };
}

/** Problems that make a checkpoint unusable (empty when it fits its configuration). */
export function checkpointProblems(c: ModelCheckpoint): string[] {
  if (c === null || typeof c !== 'object' || !c.config || !c.state || !Array.isArray(c.history)) return ['it is not a checkpoint object'];
  const problems = validateConfig(c.config).map((p) => `config: ${p}`);
  if (problems.length > 0) return problems;
  const { config, state } = c;
  if (!(Number.isInteger(c.epoch) && c.epoch >= 1 && c.epoch <= config.epochs)) problems.push(`epoch must be from 1 to ${config.epochs}, got ${c.epoch}`);
  if (c.history.length !== c.epoch) problems.push(`the history has ${c.history.length} epochs, not ${c.epoch}`);
  const shapes = layerShapes(config.hidden);
  if (!Array.isArray(state.layers) || state.layers.length !== shapes.length || !Array.isArray(state.moments) || state.moments.length !== shapes.length) {
    return [...problems, `expected ${shapes.length} layers with their optimizer moments`];
  }
  if (!(Number.isInteger(state.step) && state.step >= 0)) problems.push(`the optimizer step must be a whole number, got ${state.step}`);
  shapes.forEach(([nIn, nOut], l) => {
    const layer = state.layers[l];
    const moments = state.moments[l];
    if (layer.nIn !== nIn || layer.nOut !== nOut) return void problems.push(`layer ${l} is ${layer.nIn}×${layer.nOut}, expected ${nIn}×${nOut}`);
    const sparse = isSparseLayer(config, l);
    if (sparse !== (layer.links instanceof Int32Array)) return void problems.push(`layer ${l} should ${sparse ? '' : 'not '}have a link list`);
    const weights = layer.links ? layer.links.length : nIn * nOut;
    if (!(layer.weights instanceof Float32Array) || layer.weights.length !== weights) problems.push(`layer ${l} needs ${weights} weights`);
    if (!(layer.bias instanceof Float32Array) || layer.bias.length !== nOut) problems.push(`layer ${l} needs ${nOut} biases`);
    if (moments?.mW?.length !== weights || moments?.vW?.length !== weights || moments?.mB?.length !== nOut || moments?.vB?.length !== nOut) {
      problems.push(`layer ${l}'s optimizer moments do not match its weights and biases`);
    }
  });
  return problems;
}
