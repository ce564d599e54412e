// The one model file format and its strict loader: a binary file (version 2: JSON header, then
// little-endian arrays and the wiring history; see modelBinary.ts) or an old JSON file (version 1,
// arrays as base64). Every field is checked; a bad file gives a message naming the file and the problem.
import { base64ToFloat32, base64ToInt32 } from './base64';
import { isSparseLayer, zeroMoments } from './init';
import { BodyReader, isBinaryModel, readContainer, writeContainer, type BodyPart } from './modelBinary';
import { asObject, describe, describeLinkProblem, fail, finiteFloats, fraction, Invalid, readHistory } from './modelFileChecks';
import { isValidLinkList, linkCount } from './topology';
import type { EpochSummary } from './train';
import { DEFAULT_CONFIG, layerShapes, validateConfig } from './types';
import type { LayerState, NetworkState, TrainConfig } from './types';
import { decodeWiring, encodeWiring, replayLinks, type EpochWiring } from './wiringHistory';

export const MODEL_FORMAT = 'rewire-lab-model';
export const MODEL_VERSION = 2;
/** The JSON format before it (still read). */
export const MODEL_VERSION_JSON = 1;
/** The extension files are written with (old ones end in .json). */
export const MODEL_FILE_EXTENSION = '.rlm';
/** Larger files are rejected before parsing (a 1%-dense H = 1000 model is about 0.2 MB). */
export const MAX_MODEL_FILE_BYTES = 50 * 1024 * 1024;

/** A model file's content: the bytes of a file, or the text of an old JSON one. */
export type ModelFileContent = string | Uint8Array;

/** A model as loaded: Adam moments start at zero (files keep parameters, not optimizer state). */
export interface LoadedModel {
  config: TrainConfig;
  state: NetworkState;
  history: EpochSummary[];
  /**
   * Per epoch of `history`, each sparse layer's removed and grown link ids; null when the file has
   * none (an old file, a dense model, or a run whose first epochs were trained elsewhere).
   */
  wiring: EpochWiring[] | null;
  createdAt: string;
  /** Test accuracy after the last epoch, or null for an untrained model. */
  testAccuracy: number | null;
}

export type ParseModelResult = { ok: true; model: LoadedModel } | { ok: false; error: string };

/** What a file is written from: a training run's result fits (its `wiring` goes in when it covers every epoch). */
export interface SerializableModel {
  config: TrainConfig;
  state: NetworkState;
  history: EpochSummary[];
  wiring?: readonly EpochWiring[] | null;
}

/** Whether `wiring` describes exactly the epochs of `history` for the model's sparse layers. */
function wiringFits(model: SerializableModel): boolean {
  const sparse = model.state.layers.filter((l) => l.links !== null).length;
  const w = model.wiring;
  return sparse > 0 && !!w && w.length === model.history.length && w.length > 0 && w.every((e) => e.length === sparse);
}

export function serializeModel(model: SerializableModel, createdAt: Date = new Date()): Uint8Array {
  const last = model.history[model.history.length - 1];
  const wiring = wiringFits(model) ? encodeWiring(model.wiring as EpochWiring[]) : null;
  const parts: BodyPart[] = [];
  for (const l of model.state.layers) {
    if (l.links !== null) parts.push({ kind: 'u32', values: l.links });
    parts.push({ kind: 'f32', values: l.weights }, { kind: 'f32', values: l.bias });
  }
  if (wiring) parts.push({ kind: 'bytes', values: wiring });
  return writeContainer({
    format: MODEL_FORMAT,
    version: MODEL_VERSION,
    config: model.config,
    dataset: model.config.dataset,
    strategy: model.config.strategy,
    createdAt: createdAt.toISOString(),
    history: model.history,
    testAccuracy: last === undefined ? null : last.testAccuracy,
    layers: model.state.layers.map((l) => ({ nIn: l.nIn, nOut: l.nOut, links: l.links === null ? null : l.links.length })),
    // Body order: per layer links (uint32, sparse only), weights, bias (float32); then the wiring.
    wiring: wiring ? { epochs: model.history.length, bytes: wiring.length } : null,
  }, parts);
}

export function parseModelFile(content: ModelFileContent, fileName: string): ParseModelResult {
  try {
    if (typeof content !== 'string' && !(content instanceof Uint8Array)) fail('the content is neither text nor bytes');
    const size = typeof content === 'string' ? content.length : content.byteLength;
    if (size > MAX_MODEL_FILE_BYTES) fail(`the file is ${(size / 1048576).toFixed(1)} MB, over the ${MAX_MODEL_FILE_BYTES / 1048576} MB limit for model files`);
    if (typeof content !== 'string' && isBinaryModel(content)) return { ok: true, model: readBinary(content) };
    let text = content;
    if (typeof text !== 'string') {
      try {
        text = new TextDecoder('utf-8', { fatal: true }).decode(text);
      } catch {
        fail('neither a binary model file (it does not start with "RWLM") nor UTF-8 JSON');
      }
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (e) {
      fail(`not valid JSON (${e instanceof Error ? e.message : String(e)})`);
    }
    return { ok: true, model: readJson(json) };
  } catch (e) {
    const problem = e instanceof Invalid ? e.message : `unexpected error while reading it (${e instanceof Error ? e.message : String(e)})`;
    return { ok: false, error: `${fileName}: ${problem}` };
  }
}

/** Where a layer's arrays come from: base64 fields of a JSON file, or the binary body in order. */
interface ArraySource {
  links(raw: Record<string, unknown>, where: string): Int32Array;
  floats(raw: Record<string, unknown>, key: 'weights' | 'bias', where: string, length: number): Float32Array;
  /** Whether the layer's entry says it has no link list (a dense layer). */
  isDense(raw: Record<string, unknown>): boolean;
}

const jsonArrays: ArraySource = {
  links(raw, where) {
    if (typeof raw.links !== 'string') fail(`${where} is sparse but its links are ${describe(raw.links)}, not base64 Int32`);
    return base64ToInt32(raw.links) ?? fail(`${where} links are not valid base64 of 32-bit integers`);
  },
  floats(raw, key, where) {
    const value = raw[key];
    if (typeof value !== 'string') fail(`${where} ${key} must be base64 Float32, got ${describe(value)}`);
    return base64ToFloat32(value) ?? fail(`${where} ${key} are not valid base64 of 32-bit floats`);
  },
  isDense: (raw) => raw.links === null,
};

function bodyArrays(body: BodyReader): ArraySource {
  return {
    links(raw, where) {
      const count = raw.links;
      if (typeof count !== 'number' || !Number.isInteger(count) || count < 0) fail(`${where} is sparse but its link count is ${describe(count)}`);
      return body.u32(count, `${where} links`);
    },
    floats(_raw, key, where, length) {
      return body.f32(length, `${where} ${key}`);
    },
    isDense: (raw) => raw.links === null,
  };
}

function readJson(json: unknown): LoadedModel {
  const root = asObject(json, 'the file');
  if (root.format !== MODEL_FORMAT) fail(`not a Rewire Lab model file (format is ${describe(root.format)}, expected "${MODEL_FORMAT}")`);
  if (root.version !== MODEL_VERSION_JSON) fail(`unsupported JSON model file version ${describe(root.version)} (JSON files are version ${MODEL_VERSION_JSON}; newer ones are binary)`);
  return readModel(root, jsonArrays, () => null);
}

function readBinary(bytes: Uint8Array): LoadedModel {
  const container = readContainer(bytes);
  if (!container.ok) fail(container.error);
  const root = asObject(container.header, 'the header');
  if (root.format !== MODEL_FORMAT) fail(`not a Rewire Lab model file (format is ${describe(root.format)}, expected "${MODEL_FORMAT}")`);
  if (root.version !== MODEL_VERSION) fail(`unsupported model file version ${describe(root.version)} (this lab reads version ${MODEL_VERSION} and JSON version ${MODEL_VERSION_JSON})`);
  const body = new BodyReader(container.body);
  try {
    return readModel(root, bodyArrays(body), (layers, history) => {
      const wiring = readWiring(root.wiring, body, layers, history);
      body.finish();
      return wiring;
    });
  } catch (e) {
    if (e instanceof RangeError) fail(e.message);
    throw e;
  }
}

function readWiring(value: unknown, body: BodyReader, layers: LayerState[], history: EpochSummary[]): EpochWiring[] | null {
  if (value === null) return null;
  const raw = asObject(value, 'wiring');
  const sparse = layers.filter((l) => l.links !== null);
  if (sparse.length === 0) fail('a dense model cannot have a wiring history');
  if (raw.epochs !== history.length) fail(`the wiring history covers ${describe(raw.epochs)} epochs, but the history has ${history.length}`);
  const size = raw.bytes;
  if (typeof size !== 'number' || !Number.isInteger(size) || size < 0) fail(`wiring.bytes must be a byte count, got ${describe(size)}`);
  const decoded = decodeWiring(body.bytes(size, 'the wiring history'), history.length, sparse.map((l) => l.nIn * l.nOut));
  if (!decoded.ok) fail(`wiring history: ${decoded.error}`);
  sparse.forEach((l, i) => {
    const diffs = decoded.wiring.map((epoch) => epoch[i]);
    diffs.forEach((d, e) => {
      const counted = history[e].layers[i];
      if (counted && (counted.removed !== d.removed.length || counted.added !== d.added.length)) {
        fail(`wiring history: epoch ${e + 1}, layer ${i + 1} lists −${d.removed.length} +${d.added.length} links, but the history counts −${counted.removed} +${counted.added}`);
      }
    });
    const replay = replayLinks(l.links as Int32Array, diffs);
    if (!replay.ok) fail(`wiring history, layer ${i + 1}: ${replay.error}`);
  });
  return decoded.wiring;
}

function readModel(
  root: Record<string, unknown>, arrays: ArraySource,
  readRest: (layers: LayerState[], history: EpochSummary[]) => EpochWiring[] | null,
): LoadedModel {
  const config = readConfig(root.config);
  if (root.dataset !== config.dataset) fail(`dataset ${describe(root.dataset)} does not match the config's "${config.dataset}"`);
  if (root.strategy !== config.strategy) fail(`strategy ${describe(root.strategy)} does not match the config's "${config.strategy}"`);
  if (typeof root.createdAt !== 'string' || Number.isNaN(Date.parse(root.createdAt))) fail(`createdAt must be a date string, got ${describe(root.createdAt)}`);
  const history = readHistory(root.history);
  const layers = readLayers(root.layers, config, arrays);
  const wiring = readRest(layers, history);
  let testAccuracy: number | null = null;
  if (root.testAccuracy !== null) testAccuracy = fraction(root.testAccuracy, 'testAccuracy');
  return { config, state: { layers, moments: layers.map(zeroMoments), step: 0 }, history, wiring, createdAt: root.createdAt, testAccuracy };
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

function readLayers(value: unknown, config: TrainConfig, arrays: ArraySource): LayerState[] {
  const shapes = layerShapes(config.hidden);
  if (!Array.isArray(value)) fail(`layers must be an array, got ${describe(value)}`);
  if (value.length !== shapes.length) fail(`expected ${shapes.length} layers (784→H→H→H→10), found ${value.length}`);
  return shapes.map(([nIn, nOut], l) => {
    const where = `layer ${l}`;
    const raw = asObject(value[l], where);
    if (raw.nIn !== nIn || raw.nOut !== nOut) fail(`${where} is ${describe(raw.nIn)}×${describe(raw.nOut)}, but hidden = ${config.hidden} needs ${nIn}×${nOut}`);
    let links: Int32Array | null = null;
    if (isSparseLayer(config, l)) {
      if (arrays.isDense(raw)) fail(`${where} is sparse (strategy ${config.strategy}) but has no links`);
      const expected = linkCount(nIn, nOut, config.density);
      links = arrays.links(raw, where);
      if (links.length !== expected) fail(`${where} has ${links.length} links, but density ${config.density} needs exactly ${expected}`);
      if (!isValidLinkList(links, nIn * nOut)) fail(`${where} ${describeLinkProblem(links, nIn * nOut)}`);
    } else if (raw.links !== null) {
      fail(`${where} must be dense (links: null), got ${describe(raw.links)}`);
    }
    const weights = finiteFloats(arrays.floats(raw, 'weights', where, links === null ? nIn * nOut : links.length), `${where} weights`, links === null ? nIn * nOut : links.length);
    const bias = finiteFloats(arrays.floats(raw, 'bias', where, nOut), `${where} bias`, nOut);
    return { nIn, nOut, links, weights, bias };
  });
}
