// Old (version 1, JSON) model files: a model round-trips exactly, and every kind of bad file is rejected
// with a message that names the file and the problem (never an exception). The binary format's own
// tests are in engine-modelBinary.test.ts.
import { describe, expect, it } from 'vitest';
import { base64ToBytes, base64ToFloat32, bytesToBase64, float32ToBase64, int32ToBase64 } from '../../src/engine/base64';
import { initNetwork } from '../../src/engine/init';
import { MAX_MODEL_FILE_BYTES, parseModelFile } from '../../src/engine/modelFile';
import { createRng } from '../../src/engine/rng';
import type { EpochSummary } from '../../src/engine/train';
import { DEFAULT_CONFIG } from '../../src/engine/types';
import type { TrainConfig } from '../../src/engine/types';
import { legacyModelJson as serializeModel } from './legacyModelFile';

const config: TrainConfig = { ...DEFAULT_CONFIG, hidden: 20, density: 0.05, epochs: 2, trainLimit: 1000 };
const state = initNetwork(config, createRng(3));
state.layers.forEach((l) => l.bias.forEach((_, j) => { l.bias[j] = j / 7 - 1; }));
const history: EpochSummary[] = [1, 2].map((epoch) => ({
  epoch, trainLoss: 1 / epoch, testAccuracy: 0.8 + epoch / 100, testLoss: 0.5 / epoch,
  perClass: [0.9, 0.8, 0.7, 0.6, 0.5, 0.4, 0.3, 0.2, 0.1, NaN], seconds: 1.5, samplesPerSecond: 6000, zeta: epoch === 1 ? 0.3 : 0,
  layers: [{ links: 784, removed: 235, added: 235, kept: 549 }, { links: 20, removed: 6, added: 6, kept: 14 }, { links: 20, removed: 6, added: 6, kept: 14 }],
}));
const GOOD = serializeModel({ config, state, history }, new Date('2026-01-02T03:04:05Z'));

// The point is to write values of any wrong type into the file, so the parsed JSON stays untyped.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
function mutated(change: (json: Record<string, any>) => void): string {
  const json = JSON.parse(GOOD);
  change(json);
  return JSON.stringify(json);
}

function rejects(text: string, problem: RegExp): void {
  const r = parseModelFile(text, 'bad-model.json');
  expect(r.ok).toBe(false);
  if (!r.ok) {
    expect(r.error.startsWith('bad-model.json: ')).toBe(true);
    expect(r.error).toMatch(problem);
  }
}

describe('old JSON model file', () => {
  it('round-trips config, topology, weights, biases and history exactly', () => {
    const r = parseModelFile(GOOD, 'good.json');
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    const m = r.model;
    expect(m.config).toEqual(config);
    expect(m.createdAt).toBe('2026-01-02T03:04:05.000Z');
    expect(m.testAccuracy).toBe(history[1].testAccuracy);
    expect(m.history).toEqual(history); // NaN per-class accuracy survives (written as null)
    m.state.layers.forEach((l, i) => {
      expect(l.links).toEqual(state.layers[i].links);
      expect(l.weights).toEqual(state.layers[i].weights);
      expect(l.bias).toEqual(state.layers[i].bias);
      expect(m.state.moments[i].mW.length).toBe(l.weights.length);
      expect(m.state.moments[i].vW.every((v) => v === 0)).toBe(true);
    });
    expect(m.state.step).toBe(0);
    const json = JSON.parse(GOOD);
    expect(json.format).toBe('rewire-lab-model');
    expect(json.version).toBe(1);
    expect(json.dataset).toBe('mnist');
    expect(json.strategy).toBe('set');
  });

  it('round-trips a dense network (links null everywhere) and an untrained one', () => {
    const dense = { ...config, strategy: 'dense' as const, hidden: 6 };
    const text = serializeModel({ config: dense, state: initNetwork(dense, createRng(1)), history: [] });
    const r = parseModelFile(text, 'dense.json');
    expect(r.ok && r.model.state.layers.every((l) => l.links === null)).toBe(true);
    expect(r.ok && r.model.testAccuracy).toBe(null);
  });

  it('encodes typed arrays as little-endian base64', () => {
    expect(bytesToBase64(Uint8Array.from([77, 97, 110]))).toBe('TWFu');
    expect(bytesToBase64(Uint8Array.from([77, 97]))).toBe('TWE=');
    expect(bytesToBase64(Uint8Array.from([77]))).toBe('TQ==');
    expect(Array.from(base64ToBytes('TWE=')!)).toEqual([77, 97]);
    expect(float32ToBase64(Float32Array.from([1]))).toBe('AACAPw=='); // 0x3f800000, little-endian
    expect(int32ToBase64(Int32Array.from([1, 256]))).toBe('AQAAAAABAAA=');
    const values = Float32Array.from({ length: 1001 }, (_, k) => Math.sin(k) * 1e3);
    expect(base64ToFloat32(float32ToBase64(values))).toEqual(values);
    for (const bad of ['abc', 'ab!d', 'TQ=A', 'é===']) expect(base64ToBytes(bad)).toBeNull();
  });

  it('rejects files that are not model files', () => {
    rejects('{"format": ', /not valid JSON/);
    rejects('[1, 2]', /the file must be a JSON object, got an array/);
    rejects(mutated((j) => { j.format = 'something-else'; }), /not a Rewire Lab model file \(format is "something-else"/);
    rejects(mutated((j) => { j.version = 2; }), /unsupported JSON model file version 2/);
    rejects('x'.repeat(MAX_MODEL_FILE_BYTES + 1), /over the 50 MB limit/);
  });

  it('reads a file written before the pruning setting existed as magnitude pruning; keeps by-sign; rejects others', () => {
    const old = parseModelFile(mutated((j) => { delete j.config.pruning; }), 'old.json');
    expect(old.ok && old.model.config.pruning).toBe('magnitude');
    const bySign = parseModelFile(serializeModel({ config: { ...config, pruning: 'by-sign' }, state, history }), 'sign.json');
    expect(bySign.ok && bySign.model.config.pruning).toBe('by-sign');
    rejects(mutated((j) => { j.config.pruning = 'largest'; }), /pruning must be magnitude or by-sign, got "largest"/);
    rejects(mutated((j) => { j.config.pruning = 1; }), /config\.pruning must be a string, got 1/);
  });

  it('rejects bad configurations', () => {
    rejects(mutated((j) => { delete j.config.hidden; }), /config is missing "hidden"/);
    rejects(mutated((j) => { j.config.hidden = '20'; }), /config\.hidden must be a number, got "20"/);
    rejects(mutated((j) => { j.config.density = 2; }), /invalid config: density must be in \(0, 1\], got 2/);
    rejects(mutated((j) => { j.config.strategy = 'magic'; }), /strategy must be set, rigl, static or dense/);
    rejects(mutated((j) => { j.dataset = 'fashion-mnist'; }), /dataset "fashion-mnist" does not match the config's "mnist"/);
    rejects(mutated((j) => { j.strategy = 'static'; }), /strategy "static" does not match the config's "set"/);
    rejects(mutated((j) => { j.createdAt = 'yesterday'; }), /createdAt must be a date string/);
  });

  it('rejects layers that do not fit the configuration', () => {
    rejects(mutated((j) => { j.layers.pop(); }), /expected 4 layers .* found 3/);
    rejects(mutated((j) => { j.layers = {}; }), /layers must be an array/);
    rejects(mutated((j) => { j.layers[1].nIn = 21; }), /layer 1 is 21×20, but hidden = 20 needs 20×20/);
    rejects(mutated((j) => { j.layers[2].links = null; }), /layer 2 is sparse \(strategy set\) but has no links/);
    rejects(mutated((j) => { j.layers[3].links = 'AAAA'; }), /layer 3 must be dense \(links: null\)/);
    rejects(mutated((j) => { j.layers[0].links = 'not base64!'; }), /layer 0 links are not valid base64 of 32-bit integers/);
    rejects(mutated((j) => { j.layers[0].bias = 'AAA'; }), /layer 0 bias are not valid base64 of 32-bit floats/);
  });

  it('rejects broken link lists: count, order, duplicates, range', () => {
    const links = state.layers[1].links!;
    const withLinks = (ids: Int32Array) => mutated((j) => { j.layers[1].links = int32ToBase64(ids); });
    rejects(withLinks(links.slice(1)), /layer 1 has 19 links, but density 0\.05 needs exactly 20/);
    const swapped = links.slice();
    [swapped[3], swapped[4]] = [swapped[4], swapped[3]];
    rejects(withLinks(swapped), /layer 1 link ids are not sorted \(position 4: \d+ after \d+\)/);
    const dup = links.slice();
    dup[5] = dup[4];
    rejects(withLinks(dup), /layer 1 has a duplicate link id \d+ \(positions 4 and 5\)/);
    const far = links.slice();
    far[19] = 400;
    rejects(withLinks(far), /layer 1 link id 400 \(position 19\) is outside \[0, 400\)/);
    const negative = links.slice();
    negative[0] = -1;
    rejects(withLinks(negative), /layer 1 link id -1 \(position 0\) is outside/);
  });

  it('rejects weights and biases of the wrong length or not finite', () => {
    rejects(mutated((j) => { j.layers[1].weights = float32ToBase64(new Float32Array(19)); }), /layer 1 weights have 19 values, expected 20/);
    rejects(mutated((j) => { j.layers[3].weights = float32ToBase64(new Float32Array(199)); }), /layer 3 weights have 199 values, expected 200/);
    rejects(mutated((j) => { j.layers[2].bias = float32ToBase64(new Float32Array(21)); }), /layer 2 bias have 21 values, expected 20/);
    const nan = state.layers[0].weights.slice();
    nan[7] = NaN;
    rejects(mutated((j) => { j.layers[0].weights = float32ToBase64(nan); }), /layer 0 weights value 7 is NaN, not a finite number/);
    const inf = state.layers[3].bias.slice();
    inf[2] = -Infinity;
    rejects(mutated((j) => { j.layers[3].bias = float32ToBase64(inf); }), /layer 3 bias value 2 is -Infinity/);
    rejects(mutated((j) => { j.layers[0].weights = 5; }), /layer 0 weights must be base64 Float32, got 5/);
    rejects(mutated((j) => { j.layers[0].links = 5; }), /layer 0 is sparse but its links are 5, not base64 Int32/);
  });

  it('rejects a malformed history or test accuracy', () => {
    rejects(mutated((j) => { j.history = 'none'; }), /history must be an array/);
    rejects(mutated((j) => { j.history[1].trainLoss = 'low'; }), /history\[1\]\.trainLoss must be a finite number, got "low"/);
    rejects(mutated((j) => { j.history[0].testAccuracy = 1.5; }), /history\[0\]\.testAccuracy must be between 0 and 1, got 1\.5/);
    rejects(mutated((j) => { j.history[0].layers[2].kept = null; }), /history\[0\]\.layers\[2\]\.kept must be a finite number, got null/);
    rejects(mutated((j) => { j.testAccuracy = -0.1; }), /testAccuracy must be between 0 and 1/);
  });
});
