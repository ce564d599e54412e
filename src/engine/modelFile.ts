// The one model file format (versioned JSON, typed arrays as little-endian base64) and its strict
// loader: every field is checked, and a bad file gives a message naming the file and the problem.
import { base64ToFloat32, base64ToInt32, float32ToBase64, int32ToBase64 } from './base64';
import { isSparseLayer, zeroMoments } from './init';
import { isValidLinkList, linkCount } from './topology';
import type { EpochSummary } from './train';
import { DEFAULT_CONFIG, layerShapes, validateConfig } from './types';
import type { LayerState, NetworkState, TrainConfig } from './types';

export const MODEL_FORMAT = 'rewire-lab-model';
export const MODEL_VERSION = 1;
/** Larger files are rejected before parsing (a 1%-dense H = 1000 model is about 0.5 MB). */
export const MAX_MODEL_FILE_BYTES = 50 * 1024 * 1024;

/** A model as loaded: Adam moments start at zero (files keep parameters, not optimizer state). */
export interface LoadedModel {
  config: TrainConfig;
  state: NetworkState;
  history: EpochSummary[];
  createdAt: string;
  /** Test accuracy after the last epoch, or null for an untrained model. */
  testAccuracy: number | null;
}

export type ParseModelResult = { ok: true; model: LoadedModel } | { ok: false; error: string };

export function serializeModel(model: { config: TrainConfig; state: NetworkState; history: EpochSummary[] }, createdAt: Date = new Date()): string {
  const last = model.history[model.history.length - 1];
  return JSON.stringify({
    format: MODEL_FORMAT,
    version: MODEL_VERSION,
    config: model.config,
    dataset: model.config.dataset,
    strategy: model.config.strategy,
    createdAt: createdAt.toISOString(),
    history: model.history,
    layers: model.state.layers.map((l) => ({
      nIn: l.nIn,
      nOut: l.nOut,
      links: l.links === null ? null : int32ToBase64(l.links),
      weights: float32ToBase64(l.weights),
      bias: float32ToBase64(l.bias),
    })),
    testAccuracy: last === undefined ? null : last.testAccuracy,
  });
}

/** Validation failure carrying the problem; caught once in parseModelFile and turned into a value. */
class Invalid extends Error {}

function fail(problem: string): never {
  throw new Invalid(problem);
}

export function parseModelFile(text: string, fileName: string): ParseModelResult {
  try {
    if (typeof text !== 'string') fail('the content is not text');
    if (text.length > MAX_MODEL_FILE_BYTES) fail(`the file is ${(text.length / 1048576).toFixed(1)} MB, over the ${MAX_MODEL_FILE_BYTES / 1048576} MB limit for model files`);
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (e) {
      fail(`not valid JSON (${e instanceof Error ? e.message : String(e)})`);
    }
    return { ok: true, model: readModel(json) };
  } catch (e) {
    const problem = e instanceof Invalid ? e.message : `unexpected error while reading it (${e instanceof Error ? e.message : String(e)})`;
    return { ok: false, error: `${fileName}: ${problem}` };
  }
}

function readModel(json: unknown): LoadedModel {
  const root = asObject(json, 'the file');
  if (root.format !== MODEL_FORMAT) fail(`not a Rewire Lab model file (format is ${describe(root.format)}, expected "${MODEL_FORMAT}")`);
  if (root.version !== MODEL_VERSION) fail(`unsupported model file version ${describe(root.version)} (this lab reads version ${MODEL_VERSION})`);
  const config = readConfig(root.config);
  if (root.dataset !== config.dataset) fail(`dataset ${describe(root.dataset)} does not match the config's "${config.dataset}"`);
  if (root.strategy !== config.strategy) fail(`strategy ${describe(root.strategy)} does not match the config's "${config.strategy}"`);
  if (typeof root.createdAt !== 'string' || Number.isNaN(Date.parse(root.createdAt))) fail(`createdAt must be a date string, got ${describe(root.createdAt)}`);
  const history = readHistory(root.history);
  const layers = readLayers(root.layers, config);
  let testAccuracy: number | null = null;
  if (root.testAccuracy !== null) testAccuracy = fraction(root.testAccuracy, 'testAccuracy');
  return { config, state: { layers, moments: layers.map(zeroMoments), step: 0 }, history, createdAt: root.createdAt, testAccuracy };
}

/**
 * Settings added after the first model files were written, with the value those files were trained
 * with: a file without the key is read as that (not rejected).
 */
const ADDED_LATER: Partial<TrainConfig> = { pruning: 'magnitude' };

function readConfig(value: unknown): TrainConfig {
  const raw = asObject(value, 'config');
  const config = {} as Record<string, unknown>;
  for (const key of Object.keys(DEFAULT_CONFIG)) {
    if (!(key in raw) && key in ADDED_LATER) {
      config[key] = ADDED_LATER[key as keyof typeof ADDED_LATER];
      continue;
    }
    if (!(key in raw)) fail(`config is missing "${key}"`);
    const expected = key === 'dataset' || key === 'strategy' || key === 'zetaSchedule' || key === 'pruning' ? 'string' : 'number';
    const v = raw[key];
    if (typeof v !== expected && !(key === 'trainLimit' && v === null)) fail(`config.${key} must be a ${expected}, got ${describe(v)}`);
    config[key] = v;
  }
  const typed = config as unknown as TrainConfig;
  const problems = validateConfig(typed);
  if (problems.length > 0) fail(`invalid config: ${problems.join('; ')}`);
  return typed;
}

function readLayers(value: unknown, config: TrainConfig): LayerState[] {
  const shapes = layerShapes(config.hidden);
  if (!Array.isArray(value)) fail(`layers must be an array, got ${describe(value)}`);
  if (value.length !== shapes.length) fail(`expected ${shapes.length} layers (784→H→H→H→10), found ${value.length}`);
  return shapes.map(([nIn, nOut], l) => {
    const where = `layer ${l}`;
    const raw = asObject(value[l], where);
    if (raw.nIn !== nIn || raw.nOut !== nOut) fail(`${where} is ${describe(raw.nIn)}×${describe(raw.nOut)}, but hidden = ${config.hidden} needs ${nIn}×${nOut}`);
    let links: Int32Array | null = null;
    if (isSparseLayer(config, l)) {
      if (typeof raw.links !== 'string') fail(`${where} is sparse (strategy ${config.strategy}) but its links are ${describe(raw.links)}, not base64 Int32`);
      links = base64ToInt32(raw.links) ?? fail(`${where} links are not valid base64 of 32-bit integers`);
      const expected = linkCount(nIn, nOut, config.density);
      if (links.length !== expected) fail(`${where} has ${links.length} links, but density ${config.density} needs exactly ${expected}`);
      if (!isValidLinkList(links, nIn * nOut)) fail(`${where} ${describeLinkProblem(links, nIn * nOut)}`);
    } else if (raw.links !== null) {
      fail(`${where} must be dense (links: null), got ${describe(raw.links)}`);
    }
    const weights = floats(raw.weights, `${where} weights`, links === null ? nIn * nOut : links.length);
    const bias = floats(raw.bias, `${where} bias`, nOut);
    return { nIn, nOut, links, weights, bias };
  });
}

function describeLinkProblem(links: Int32Array, total: number): string {
  for (let k = 0; k < links.length; k++) {
    if (links[k] < 0 || links[k] >= total) return `link id ${links[k]} (position ${k}) is outside [0, ${total})`;
    if (k > 0 && links[k] <= links[k - 1]) {
      return links[k] === links[k - 1]
        ? `has a duplicate link id ${links[k]} (positions ${k - 1} and ${k})`
        : `link ids are not sorted (position ${k}: ${links[k]} after ${links[k - 1]})`;
    }
  }
  return 'has invalid link ids';
}

function floats(value: unknown, what: string, length: number): Float32Array {
  if (typeof value !== 'string') fail(`${what} must be base64 Float32, got ${describe(value)}`);
  const out = base64ToFloat32(value) ?? fail(`${what} are not valid base64 of 32-bit floats`);
  if (out.length !== length) fail(`${what} have ${out.length} values, expected ${length}`);
  for (let k = 0; k < out.length; k++) if (!Number.isFinite(out[k])) fail(`${what} value ${k} is ${out[k]}, not a finite number`);
  return out;
}

function readHistory(value: unknown): EpochSummary[] {
  if (!Array.isArray(value)) fail(`history must be an array, got ${describe(value)}`);
  return value.map((entry, e) => {
    const where = `history[${e}]`;
    const raw = asObject(entry, where);
    const num = (key: string) => finite(raw[key], `${where}.${key}`);
    if (!Array.isArray(raw.perClass)) fail(`${where}.perClass must be an array`);
    // JSON writes NaN (a class absent from the test set) as null.
    const perClass = raw.perClass.map((v: unknown, c: number) => (v === null ? NaN : fraction(v, `${where}.perClass[${c}]`)));
    if (!Array.isArray(raw.layers)) fail(`${where}.layers must be an array`);
    const layers = raw.layers.map((layer: unknown, l: number) => {
      const o = asObject(layer, `${where}.layers[${l}]`);
      const count = (key: string) => finite(o[key], `${where}.layers[${l}].${key}`);
      return { links: count('links'), removed: count('removed'), added: count('added'), kept: count('kept') };
    });
    return {
      epoch: num('epoch'), trainLoss: num('trainLoss'), testAccuracy: fraction(raw.testAccuracy, `${where}.testAccuracy`),
      testLoss: num('testLoss'), perClass, seconds: num('seconds'), samplesPerSecond: num('samplesPerSecond'), zeta: num('zeta'), layers,
    };
  });
}

function asObject(value: unknown, what: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) fail(`${what} must be a JSON object, got ${describe(value)}`);
  return value as Record<string, unknown>;
}

function finite(value: unknown, what: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) fail(`${what} must be a finite number, got ${describe(value)}`);
  return value;
}

function fraction(value: unknown, what: string): number {
  const v = finite(value, what);
  if (v < 0 || v > 1) fail(`${what} must be between 0 and 1, got ${v}`);
  return v;
}

function describe(value: unknown): string {
  if (value === undefined) return 'missing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  if (typeof value === 'object') return 'an object';
  return String(value);
}
