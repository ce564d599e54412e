// The model file loader's checks of single values, and its one failure type: a problem in words,
// thrown inside the loader and turned into a value once (parseModelFile).
import type { EpochSummary } from './train';

/** Validation failure carrying the problem; caught once in parseModelFile and turned into a value. */
export class Invalid extends Error {}

export function fail(problem: string): never {
  throw new Invalid(problem);
}

export function describeLinkProblem(links: Int32Array, total: number): string {
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

export function finiteFloats(out: Float32Array, what: string, length: number): Float32Array {
  if (out.length !== length) fail(`${what} have ${out.length} values, expected ${length}`);
  for (let k = 0; k < out.length; k++) if (!Number.isFinite(out[k])) fail(`${what} value ${k} is ${out[k]}, not a finite number`);
  return out;
}

export function readHistory(value: unknown): EpochSummary[] {
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

export function asObject(value: unknown, what: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) fail(`${what} must be a JSON object, got ${describe(value)}`);
  return value as Record<string, unknown>;
}

export function finite(value: unknown, what: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) fail(`${what} must be a finite number, got ${describe(value)}`);
  return value;
}

export function fraction(value: unknown, what: string): number {
  const v = finite(value, what);
  if (v < 0 || v > 1) fail(`${what} must be between 0 and 1, got ${v}`);
  return v;
}

export function describe(value: unknown): string {
  if (value === undefined) return 'missing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  if (typeof value === 'object') return 'an object';
  return String(value);
}
