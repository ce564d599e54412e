// The binary model format (version 2) and the wiring history inside it: a trained model round-trips
// exactly with every epoch's removed and grown links, the history replays to each epoch's wiring,
// and every kind of damage is refused with a message naming the file and the problem.
import { describe, expect, it } from 'vitest';
import { initNetwork } from '../../src/engine/init';
import { isBinaryModel, readContainer, writeContainer } from '../../src/engine/modelBinary';
import { parseModelFile, serializeModel, type SerializableModel } from '../../src/engine/modelFile';
import { createRng } from '../../src/engine/rng';
import { createSparseCpuPath } from '../../src/engine/sparseCpu';
import { createTrainingRun } from '../../src/engine/train';
import { diffLinks } from '../../src/engine/topology';
import { DEFAULT_CONFIG, type DataArrays, type TrainConfig } from '../../src/engine/types';
import { decodeWiring, encodeWiring, replayLinks } from '../../src/engine/wiringHistory';
import { legacyModelJson } from './legacyModelFile';

function data(count: number, seed: number): DataArrays {
  const rng = createRng(seed);
  const images = new Uint8Array(count * 784);
  const labels = new Uint8Array(count);
  for (let i = 0; i < count; i++) {
    labels[i] = rng.int(10);
    // Each class lights its own band of rows, so the network has something to learn.
    for (let p = 0; p < 784; p++) images[i * 784 + p] = Math.floor(p / 78.4) === labels[i] ? 200 + rng.int(55) : rng.int(30);
  }
  return { images, labels, count };
}

const config: TrainConfig = { ...DEFAULT_CONFIG, hidden: 24, density: 0.05, epochs: 4, trainLimit: null, batchSize: 32 };
const trained = await (async () => {
  const path = createSparseCpuPath();
  try {
    return await createTrainingRun(config, path, data(256, 1), data(64, 2)).run();
  } finally {
    path.dispose();
  }
})();
const FILE = serializeModel(trained, new Date('2026-03-04T05:06:07Z'));

function rejects(content: Uint8Array, problem: RegExp): void {
  const r = parseModelFile(content, 'bad.rlm');
  expect(r.ok).toBe(false);
  if (!r.ok) {
    expect(r.error.startsWith('bad.rlm: ')).toBe(true);
    expect(r.error).toMatch(problem);
  }
}

/** The file with its header rewritten by `change` (the body kept as it is). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
function withHeader(change: (h: Record<string, any>) => void, file: Uint8Array = FILE): Uint8Array {
  const c = readContainer(file);
  if (!c.ok) throw new Error(c.error);
  const header = c.header as Record<string, unknown>;
  change(header);
  const { bodyBytes: _declared, ...rest } = header;
  return writeContainer(rest, [{ kind: 'bytes', values: c.body }]);
}

describe('wiring history encoding', () => {
  it('round-trips sorted id lists of any size as gap varints', () => {
    const rng = createRng(5);
    const total = 784 * 1000;
    const wiring = [0, 1, 2].map(() => [0, 1].map(() => {
      const ids = new Set<number>();
      while (ids.size < 300) ids.add(rng.int(total));
      const sorted = Int32Array.from([...ids].sort((a, b) => a - b));
      return { removed: sorted.slice(0, 150), added: sorted.slice(150) };
    }));
    wiring[2][1] = { removed: Int32Array.of(0, total - 1), added: new Int32Array(0) };
    const bytes = encodeWiring(wiring);
    // 300 ids spread over 784,000: gaps under 2¹⁴ take at most two bytes each, not four.
    expect(bytes.length).toBeLessThan(5 * 300 * 2 * 2);
    const back = decodeWiring(bytes, 3, [total, total]);
    expect(back.ok && back.wiring).toEqual(wiring);
  });

  it('refuses truncated, trailing, out-of-range and oversized histories', () => {
    const bytes = encodeWiring([[{ removed: Int32Array.of(3, 9), added: Int32Array.of(4) }]]);
    expect(decodeWiring(bytes.slice(0, -1), 1, [10])).toEqual({ ok: false, error: 'the wiring history ends early' });
    expect(decodeWiring(Uint8Array.of(...bytes, 0), 1, [10])).toEqual({ ok: false, error: 'the wiring history has 1 bytes after its last epoch' });
    expect(decodeWiring(bytes, 1, [9])).toEqual({ ok: false, error: 'epoch 1, layer 1: link id 9 is outside [0, 9)' });
    expect(decodeWiring(Uint8Array.of(50, 0), 1, [10])).toEqual({ ok: false, error: 'epoch 1, layer 1: 50 removed links in a layer of 10 possible' });
    expect(decodeWiring(Uint8Array.of(0xff, 0xff, 0xff, 0xff, 0xff, 0xff), 1, [10]).ok).toBe(false);
    expect(() => encodeWiring([[{ removed: Int32Array.of(5, 5), added: new Int32Array(0) }]])).toThrow(/sorted and unique/);
  });

  it('replays links backwards and refuses diffs that do not fit them', () => {
    const final = Int32Array.of(1, 4, 6);
    // [1, 2, 5] → epoch 1 removes 2, grows 4 → [1, 4, 5] → epoch 2 removes 5, grows 6 → [1, 4, 6].
    const replay = replayLinks(final, [{ removed: Int32Array.of(2), added: Int32Array.of(4) }, { removed: Int32Array.of(5), added: Int32Array.of(6) }]);
    expect(replay.ok && replay.links.map((l) => Array.from(l))).toEqual([[1, 2, 5], [1, 4, 5], [1, 4, 6]]);
    expect(replayLinks(final, [{ removed: Int32Array.of(4), added: new Int32Array(0) }])).toEqual({ ok: false, error: 'epoch 1: removed link 4 is present after the epoch' });
    expect(replayLinks(final, [{ removed: new Int32Array(0), added: Int32Array.of(5) }])).toEqual({ ok: false, error: 'epoch 1: grown link 5 is absent after the epoch' });
    expect(replayLinks(final, [{ removed: new Int32Array(0), added: Int32Array.of(9) }])).toEqual({ ok: false, error: 'epoch 1: grown link 9 is absent after the epoch' });
  });
});

describe('binary model file', () => {
  it('round-trips a trained model exactly, with every epoch of its wiring', () => {
    expect(isBinaryModel(FILE)).toBe(true);
    const r = parseModelFile(FILE, 'set.rlm');
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    const m = r.model;
    expect(m.config).toEqual(config);
    expect(m.createdAt).toBe('2026-03-04T05:06:07.000Z');
    expect(m.history).toEqual(JSON.parse(JSON.stringify(trained.history), (_k, v) => (v === null ? NaN : v)));
    m.state.layers.forEach((l, i) => {
      expect(l.links).toEqual(trained.state.layers[i].links);
      expect(l.weights).toEqual(trained.state.layers[i].weights);
      expect(l.bias).toEqual(trained.state.layers[i].bias);
    });
    expect(m.wiring).toEqual(trained.wiring);
    // SET rewired after epochs 1–3, not after the last.
    expect(m.wiring!.map((e) => e[0].removed.length)).toEqual([0.3, 0.3, 0.3, 0].map((z) => Math.round(z * trained.state.layers[0].links!.length)));
  });

  it('keeps what a replay needs: each epoch\'s diff is the difference of the replayed link lists', () => {
    const r = parseModelFile(FILE, 'set.rlm');
    if (!r.ok) throw new Error(r.error);
    const layer = r.model.state.layers[1];
    const replay = replayLinks(layer.links!, r.model.wiring!.map((e) => e[1]));
    if (!replay.ok) throw new Error(replay.error);
    expect(replay.links).toHaveLength(config.epochs + 1);
    // The initial wiring is the one the seed draws.
    expect(replay.links[0]).toEqual(initNetwork(config, createRng(config.seed).fork()).layers[1].links);
    for (let e = 1; e <= config.epochs; e++) {
      const diff = diffLinks(replay.links[e - 1], replay.links[e]);
      expect(diff.removed).toEqual(r.model.wiring![e - 1][1].removed);
      expect(diff.added).toEqual(r.model.wiring![e - 1][1].added);
    }
  });

  it('writes no history for a dense model, an untrained one, or one whose history and wiring disagree', () => {
    const dense = { ...config, strategy: 'dense' as const, hidden: 6 };
    const r = parseModelFile(serializeModel({ config: dense, state: initNetwork(dense, createRng(1)), history: [] }), 'dense.rlm');
    expect(r.ok && r.model.state.layers.every((l) => l.links === null)).toBe(true);
    expect(r.ok && r.model.wiring).toBe(null);
    const partial: SerializableModel = { ...trained, wiring: trained.wiring.slice(1) };
    const p = parseModelFile(serializeModel(partial), 'partial.rlm');
    expect(p.ok && p.model.wiring).toBe(null);
    expect(p.ok && p.model.history).toHaveLength(config.epochs);
  });

  it('is smaller than the JSON format and still loads files written in it', () => {
    const json = legacyModelJson(trained);
    expect(FILE.length).toBeLessThan(new TextEncoder().encode(json).length);
    const old = parseModelFile(json, 'old.json');
    expect(old.ok && old.model.wiring).toBe(null);
    expect(old.ok && old.model.state.layers[0].weights).toEqual(trained.state.layers[0].weights);
    // The same JSON as bytes (what the page reads from a file input) loads too.
    expect(parseModelFile(new TextEncoder().encode(json), 'old.json').ok).toBe(true);
  });

  it('refuses a damaged container', () => {
    rejects(FILE.slice(0, 6), /the file ends inside its header length/);
    rejects(FILE.slice(0, 40), /the header claims \d+ bytes, but the file has 32 after the prefix/);
    rejects(FILE.slice(0, -3), /the header declares a body of \d+ bytes, but \d+ follow it/);
    rejects(Uint8Array.of(0x52, 0x57, 0x4c, 0x4d, 2, 0, 0, 0, 0xff, 0xfe), /the header is not valid UTF-8/);
    rejects(Uint8Array.of(0x52, 0x57, 0x4c, 0x4d, 2, 0, 0, 0, 0x7b, 0x7b), /the header is not valid JSON/);
    rejects(Uint8Array.of(0xff, 0xfe, 0x00), /neither a binary model file .* nor UTF-8 JSON/);
  });

  it('refuses headers and bodies that do not fit each other', () => {
    rejects(withHeader((h) => { h.version = 3; }), /unsupported model file version 3 \(this lab reads version 2 and JSON version 1\)/);
    rejects(withHeader((h) => { h.format = 'npz'; }), /not a Rewire Lab model file/);
    rejects(withHeader((h) => { h.layers[1].links = 19; }), /the body|layer 1/);
    rejects(withHeader((h) => { h.layers[1].links = 'many'; }), /layer 1 is sparse but its link count is "many"/);
    rejects(withHeader((h) => { h.layers[3].links = 4; }), /layer 3 must be dense \(links: null\), got 4/);
    rejects(withHeader((h) => { h.wiring = null; }), /the body has \d+ bytes after its last array/);
    rejects(withHeader((h) => { h.wiring.epochs = 3; }), /the wiring history covers 3 epochs, but the history has 4/);
    rejects(withHeader((h) => { h.wiring.bytes += 5; }), /the body ends before the wiring history/);
    rejects(withHeader((h) => { h.history[0].layers[0].removed += 1; }), /wiring history: epoch 1, layer 1 lists −\d+ \+\d+ links, but the history counts −\d+ \+\d+/);
  });

  it('refuses a wiring history that contradicts the final links, and non-finite weights in the body', () => {
    // Grown links of the last rewiring swapped for ids that are not in the final wiring.
    const final = trained.state.layers[0].links!;
    const absent = Int32Array.from({ length: 784 * 24 }, (_, k) => k).filter((id) => !final.includes(id));
    const wrong = trained.wiring.map((e, i) => (i === 2 ? [{ removed: e[0].removed, added: absent.slice(0, e[0].added.length) }, ...e.slice(1)] : e));
    rejects(serializeModel({ ...trained, wiring: wrong }), /wiring history, layer 1: epoch 3: (grown link \d+ is absent|removed link \d+ is present) after the epoch/);
    const nan = trained.state.layers.map((l) => ({ ...l, weights: l.weights.slice() }));
    nan[2].weights[3] = NaN;
    rejects(serializeModel({ ...trained, state: { ...trained.state, layers: nan } }), /layer 2 weights value 3 is NaN, not a finite number/);
    const unsorted = trained.state.layers.map((l) => ({ ...l, links: l.links?.slice() ?? null }));
    [unsorted[1].links![0], unsorted[1].links![1]] = [unsorted[1].links![1], unsorted[1].links![0]];
    rejects(serializeModel({ ...trained, state: { ...trained.state, layers: unsorted }, wiring: null }), /layer 1 link ids are not sorted/);
  });
});
