// Bad model files, through the page (models store → supervisor → real worker host) and the CLI:
// each is refused with a message naming the file and the problem, and the models already held are
// untouched. Then 1,000 seeded random and mutated files: the loader answers ok or an error, never
// throws, and whatever it accepts is a sound network.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runLab } from '../../src/cli/commands';
import type { CommandIo } from '../../src/cli/command';
import { selectBackend } from '../../src/engine/backend';
import { float32ToBase64, int32ToBase64, base64ToInt32, base64ToFloat32 } from '../../src/engine/base64';
import { initNetwork } from '../../src/engine/init';
import { readContainer, writeContainer } from '../../src/engine/modelBinary';
import { MAX_MODEL_FILE_BYTES, parseModelFile, serializeModel as serializeBinary } from '../../src/engine/modelFile';
import { replayLinks } from '../../src/engine/wiringHistory';
import { createRng, type Rng } from '../../src/engine/rng';
import type { DataArrays } from '../../src/engine/types';
import { createLab } from '../../src/state/lab';
import { createLabClient } from '../../src/worker/client';
import type { WorkerEvent } from '../../src/worker/protocol';
import { createSupervisedClient } from '../../src/worker/supervisor';
import { legacyModelJson as serializeModel } from './legacyModelFile';
import { InProcessWorker, TEST, tinyConfig, TRAIN, until } from './reliability-harness';

const config = tinyConfig({ epochs: 1 });
const state = initNetwork(config, createRng(4));
const history = [{
  epoch: 1, trainLoss: 0.9, testAccuracy: 0.5, testLoss: 1.1, perClass: new Array(10).fill(0.5), seconds: 1, samplesPerSecond: 900, zeta: 0,
  layers: [0, 1, 2].map(() => ({ links: 10, removed: 0, added: 0, kept: 10 })),
}];
const GOOD = serializeModel({ config, state, history }, new Date('2026-02-01T00:00:00Z'));
/** The same kind of model in the binary format, with a wiring history of two rewired epochs. */
const binaryModel = (() => {
  const twoEpochs = tinyConfig({ epochs: 2 });
  const final = initNetwork(twoEpochs, createRng(4));
  // Epoch 1 swapped each layer's first link for the lowest absent id; epoch 2 did not rewire.
  const wiring = [final.layers.slice(0, 3).map((l) => {
    const links = l.links!;
    let absent = 0;
    while (links.includes(absent)) absent++;
    return { removed: Int32Array.of(absent), added: links.slice(0, 1) };
  }), [0, 1, 2].map(() => ({ removed: new Int32Array(0), added: new Int32Array(0) }))];
  const epochs = [1, 2].map((epoch) => ({ ...history[0], epoch, layers: wiring[epoch - 1].map((d, l) => ({ links: final.layers[l].links!.length, removed: d.removed.length, added: d.added.length, kept: final.layers[l].links!.length - d.added.length })) }));
  return { config: twoEpochs, state: final, history: epochs, wiring };
})();
const GOOD_BINARY = serializeBinary(binaryModel, new Date('2026-02-01T00:00:00Z'));

// Values of any type go into the file on purpose, so the parsed JSON stays untyped.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
function mutated(change: (json: Record<string, any>) => void): string {
  const json = JSON.parse(GOOD);
  change(json);
  return JSON.stringify(json);
}

const links1 = state.layers[1].links!;
const withLinks = (ids: Int32Array) => mutated((j) => { j.layers[1].links = int32ToBase64(ids); });
const outOfRange = links1.slice();
outOfRange[outOfRange.length - 1] = 16 * 16;
const duplicated = links1.slice();
duplicated[3] = duplicated[2];
const nanWeights = state.layers[2].weights.slice();
nanWeights[5] = NaN;
const infBias = state.layers[3].bias.slice();
infBias[1] = Infinity;

/** Every kind of bad file the issue names, with the words the message must contain. */
const BAD_FILES: Array<[string, string | Uint8Array, RegExp]> = [
  ['not JSON', 'PK\u0003\u0004 this is a zip, not a model', /^bad\.json: not valid JSON \(/],
  ['empty', '', /^bad\.json: not valid JSON/],
  ['JSON but not an object', 'null', /^bad\.json: the file must be a JSON object, got null$/],
  ['wrong format', mutated((j) => { j.format = 'keras'; }), /^bad\.json: not a Rewire Lab model file \(format is "keras", expected "rewire-lab-model"\)$/],
  ['wrong version', mutated((j) => { j.version = 2; }), /^bad\.json: unsupported JSON model file version 2 \(JSON files are version 1; newer ones are binary\)$/],
  ['mismatched layer', mutated((j) => { j.layers[1].nIn = 17; }), /^bad\.json: layer 1 is 17×16, but hidden = 16 needs 16×16$/],
  ['mismatched hidden size', mutated((j) => { j.config.hidden = 20; }), /^bad\.json: layer 0 is 784×16, but hidden = 20 needs 784×20$/],
  ['link id out of range', withLinks(outOfRange), /^bad\.json: layer 1 link id 256 \(position \d+\) is outside \[0, 256\)$/],
  ['duplicated link id', withLinks(duplicated), /^bad\.json: layer 1 has a duplicate link id \d+ \(positions 2 and 3\)$/],
  ['NaN weight', mutated((j) => { j.layers[2].weights = float32ToBase64(nanWeights); }), /^bad\.json: layer 2 weights value 5 is NaN, not a finite number$/],
  ['infinite bias', mutated((j) => { j.layers[3].bias = float32ToBase64(infBias); }), /^bad\.json: layer 3 bias value 1 is Infinity, not a finite number$/],
  ['over 50 MB', `{"format":"rewire-lab-model","pad":"${'x'.repeat(MAX_MODEL_FILE_BYTES)}"}`, /^bad\.json: the file is 50\.0 MB, over the 50 MB limit for model files$/],
  ['binary, truncated', GOOD_BINARY.slice(0, GOOD_BINARY.length - 10), /^bad\.json: the header declares a body of \d+ bytes, but \d+ follow it$/],
  ['binary, neither magic nor text', Uint8Array.of(0x89, 0x50, 0x4e, 0x47, 0xff), /^bad\.json: neither a binary model file \(it does not start with "RWLM"\) nor UTF-8 JSON$/],
  ['binary, wiring that contradicts the links', rewiredBinary((h) => { h.history[0].layers[1].added = 2; }), /^bad\.json: wiring history: epoch 1, layer 2 lists −1 \+1 links, but the history counts −1 \+2$/],
];

/** GOOD_BINARY with its header changed by `change` (the body as it was). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
function rewiredBinary(change: (header: Record<string, any>) => void): Uint8Array {
  const c = readContainer(GOOD_BINARY);
  if (!c.ok) throw new Error(c.error);
  const { bodyBytes: _declared, ...header } = c.header as Record<string, unknown>;
  change(header);
  return writeContainer(header, [{ kind: 'bytes', values: c.body }]);
}

const copy = (d: DataArrays): DataArrays => ({ images: d.images.slice(), labels: d.labels.slice(), count: d.count });

describe('bad model files in the page', () => {
  it('are refused with a precise message, and the models already loaded are untouched', async () => {
    const worker = new InProcessWorker({ selectBackend: (_p, ex) => selectBackend('cpu', ex) });
    const client = createSupervisedClient({ spawn: () => createLabClient(worker) });
    const lab = createLab({ client, loadSplit: async (_d, split) => copy(split === 'train' ? TRAIN : TEST), baseUrl: '/', galleryCount: 1 });
    const events: WorkerEvent[] = [];
    client.subscribe((e) => events.push(e));
    lab.session.getState().start();
    await until(() => lab.session.getState().loads.test.status === 'ready', 'the test set');
    expect(await lab.models.getState().loadModelFile(GOOD, 'good.json')).toEqual({ ok: true, modelId: 'm1' });
    let requestId = 500;
    const accuracyOfM1 = async () => {
      const id = ++requestId;
      client.send({ type: 'evaluate', requestId: id, modelIds: ['m1'], setting: { removal: 0.2, shuffle: 0.1, attack: { kind: 'fgsm', epsilon: 0 } }, seed: 7 });
      await until(() => events.some((e) => e.type === 'evaluation' && e.requestId === id), 'an evaluation');
      return (events.find((e) => e.type === 'evaluation' && e.requestId === id) as Extract<WorkerEvent, { type: 'evaluation' }>).results[0].accuracy;
    };
    const before = await accuracyOfM1();
    const listBefore = lab.models.getState().models;

    for (const [what, text, message] of BAD_FILES) {
      // A copy: the page hands the bytes over to the worker (transferred), and the CLI test below reuses them.
      const outcome = await lab.models.getState().loadModelFile(typeof text === 'string' ? text : text.slice(), 'bad.json');
      expect(outcome.ok, what).toBe(false);
      if (!outcome.ok) expect(outcome.error, what).toMatch(message);
      expect(lab.models.getState().loadError, what).toMatch(message);
      expect(lab.models.getState().models, what).toBe(listBefore);
    }
    expect(worker.host.modelIds()).toEqual(['m1']);
    expect(await accuracyOfM1()).toBe(before);
    // A good file still loads afterwards, under the next id.
    expect(await lab.models.getState().loadModelFile(GOOD, 'again.json')).toEqual({ ok: true, modelId: 'm2' });
    lab.dispose();
  });
});

describe('bad model files on the command line', () => {
  const dir = mkdtempSync(join(tmpdir(), 'lab-bad-models-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('`lab robustness --model BAD` exits 2 with the file and the problem, before loading any data', async () => {
    for (const [what, text, message] of BAD_FILES) {
      const file = join(dir, 'bad.json');
      writeFileSync(file, text);
      const stderr: string[] = [];
      const io: CommandIo = { out: () => undefined, err: (l) => stderr.push(l) };
      expect(await runLab(['robustness', '--model', file, '--perturbation', 'removal'], io), what).toBe(2);
      // The CLI names the file by its path.
      expect(stderr.join('\n'), what).toMatch(new RegExp(`^lab robustness: ${file.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}: ${message.source.replace(/^\^bad\\\.json: /, '')}`));
    }
  });
});

/** One random mutation of the good file's text; `kind` says which sort it was. */
function mutate(rng: Rng): { kind: string; text: string } {
  const pick = <T>(xs: readonly T[]): T => xs[rng.int(xs.length)];
  const kind = pick(['noise', 'truncate', 'flip', 'structure', 'base64', 'neutral'] as const);
  if (kind === 'noise') {
    const n = rng.int(300);
    let text = '';
    for (let i = 0; i < n; i++) text += String.fromCharCode(rng.next() < 0.8 ? 32 + rng.int(95) : rng.int(0x3000));
    return { kind, text: rng.next() < 0.3 ? `{${text}}` : text };
  }
  if (kind === 'truncate') return { kind, text: GOOD.slice(0, rng.int(GOOD.length)) };
  if (kind === 'flip') {
    const chars = GOOD.split('');
    for (let k = 1 + rng.int(4); k > 0; k--) chars[rng.int(chars.length)] = pick(['"', '{', '}', '[', ']', ',', ':', '0', '9', '-', 'e', 'A', '=', '\\', ' ', 'null']);
    return { kind, text: chars.join('') };
  }
  const json = JSON.parse(GOOD);
  if (kind === 'neutral') {
    // Layout and key order mean nothing: such a file must load, and load the same network.
    const reordered = Object.fromEntries(Object.entries(json).reverse());
    return { kind, text: JSON.stringify(reordered, null, rng.int(4)) };
  }
  if (kind === 'base64') {
    const layer = json.layers[rng.int(4)];
    const field = pick(['links', 'weights', 'bias'] as const);
    const value: unknown = layer[field];
    if (typeof value !== 'string') return { kind, text: JSON.stringify(json) };
    const chars = value.split('');
    const at = rng.int(chars.length);
    chars[at] = pick(['A', '/', '+', '=', '*', '7', '']);
    if (rng.next() < 0.3) chars.length = rng.int(chars.length);
    layer[field] = chars.join('');
    return { kind, text: JSON.stringify(json) };
  }
  // structure: replace or delete the value at a random path
  const pool: unknown[] = [null, true, false, 0, -1, 1.5, 1e308, -1e308, '', 'x', 'AAAA', [], {}, [1, 2], { a: 1 }, 4294967296, 0.01];
  let node: Record<string, unknown> | unknown[] = json;
  for (let depth = 0; depth < 1 + rng.int(4); depth++) {
    const keys = Array.isArray(node) ? node.map((_, i) => i) : Object.keys(node);
    if (keys.length === 0) break;
    const key = pick(keys as Array<string | number>);
    const child = (node as Record<string | number, unknown>)[key];
    if (child !== null && typeof child === 'object' && rng.next() < 0.6) {
      node = child as Record<string, unknown>;
      continue;
    }
    if (!Array.isArray(node) && rng.next() < 0.25) delete (node as Record<string, unknown>)[key as string];
    else (node as Record<string | number, unknown>)[key] = pick(pool);
    break;
  }
  return { kind, text: JSON.stringify(json) };
}

describe('fuzzing the model-file loader', () => {
  it('answers ok or an error for 1,000 random and mutated files, never throwing; what it accepts is sound', () => {
    const rng = createRng(20260201);
    const outcomes: Record<string, { ok: number; error: number }> = {};
    let thrown = 0;
    for (let trial = 0; trial < 1000; trial++) {
      const { kind, text } = mutate(rng);
      let result: ReturnType<typeof parseModelFile> | undefined;
      try {
        result = parseModelFile(text, 'fuzz.json');
      } catch {
        thrown++;
        continue;
      }
      outcomes[kind] ??= { ok: 0, error: 0 };
      if (!result.ok) {
        outcomes[kind].error++;
        expect(result.error.startsWith('fuzz.json: ')).toBe(true);
        expect(result.error.length).toBeLessThan(400); // a message, not a dump of the file
        continue;
      }
      outcomes[kind].ok++;
      const { model } = result;
      model.state.layers.forEach((layer, l) => {
        expect(layer.weights.every(Number.isFinite)).toBe(true);
        expect(layer.bias.every(Number.isFinite)).toBe(true);
        if (layer.links) {
          const size = layer.nIn * layer.nOut;
          expect(layer.links.every((id, k) => id >= 0 && id < size && (k === 0 || id > layer.links![k - 1]))).toBe(true);
          expect(layer.weights.length).toBe(layer.links.length);
        } else expect(layer.weights.length).toBe(layer.nIn * layer.nOut);
        expect(model.state.moments[l].mW.length).toBe(layer.weights.length);
      });
      if (kind === 'neutral') {
        expect(Array.from(base64ToInt32(int32ToBase64(model.state.layers[0].links!))!)).toEqual(Array.from(state.layers[0].links!));
        expect(model.state.layers[2].weights).toEqual(base64ToFloat32(float32ToBase64(state.layers[2].weights)));
      }
    }
    expect(thrown).toBe(0);
    const total = (k: string) => (outcomes[k]?.ok ?? 0) + (outcomes[k]?.error ?? 0);
    expect(Object.keys(outcomes).reduce((s, k) => s + total(k), 0)).toBe(1000);
    // Every sort of input was tried; layout-only rewrites always load, noise never does.
    for (const k of ['noise', 'truncate', 'flip', 'structure', 'base64', 'neutral']) expect(total(k), k).toBeGreaterThan(100);
    expect(outcomes.neutral.error).toBe(0);
    expect(outcomes.noise.ok).toBe(0);
    expect(outcomes.truncate.ok).toBe(0);
    expect(outcomes.structure.error).toBeGreaterThan(0);
  });
});

/** One random mutation of the good binary file; `kind` says which sort it was. */
function mutateBinary(rng: Rng): { kind: string; bytes: Uint8Array } {
  const pick = <T>(xs: readonly T[]): T => xs[rng.int(xs.length)];
  const kind = pick(['noise', 'truncate', 'flip', 'body', 'header', 'neutral'] as const);
  if (kind === 'noise') {
    const bytes = Uint8Array.from({ length: rng.int(400) }, () => rng.int(256));
    if (rng.next() < 0.5) bytes.set(GOOD_BINARY.subarray(0, Math.min(8, bytes.length))); // the magic and a header length
    return { kind, bytes };
  }
  if (kind === 'truncate') return { kind, bytes: GOOD_BINARY.slice(0, rng.int(GOOD_BINARY.length)) };
  const bytes = GOOD_BINARY.slice();
  if (kind === 'flip' || kind === 'body') {
    // 'body' hits only the arrays and the wiring history (past the header), where JSON cannot catch it.
    const c = readContainer(GOOD_BINARY);
    const from = kind === 'body' && c.ok ? GOOD_BINARY.length - c.body.length : 0;
    for (let k = 1 + rng.int(4); k > 0; k--) bytes[from + rng.int(bytes.length - from)] ^= 1 << rng.int(8);
    return { kind, bytes };
  }
  if (kind === 'neutral') return { kind, bytes: rewiredBinary((h) => { for (const key of Object.keys(h).reverse()) { const v = h[key]; delete h[key]; h[key] = v; } }) };
  // header: replace or delete the value at a random path of the JSON header
  const pool: unknown[] = [null, true, 0, -1, 1.5, 1e308, '', 'x', [], {}, [1, 2], 4294967296, 2, 3, 100, 0.01];
  return {
    kind,
    bytes: rewiredBinary((header) => {
      let node: Record<string, unknown> | unknown[] = header;
      for (let depth = 0; depth < 1 + rng.int(4); depth++) {
        const keys = Array.isArray(node) ? node.map((_, i) => i) : Object.keys(node);
        if (keys.length === 0) break;
        const key = pick(keys as Array<string | number>);
        const child = (node as Record<string | number, unknown>)[key];
        if (child !== null && typeof child === 'object' && rng.next() < 0.6) {
          node = child as Record<string, unknown>;
          continue;
        }
        if (!Array.isArray(node) && rng.next() < 0.25) delete (node as Record<string, unknown>)[key as string];
        else (node as Record<string | number, unknown>)[key] = pick(pool);
        break;
      }
    }),
  };
}

describe('fuzzing the binary model-file loader', () => {
  it('answers ok or an error for 1,000 random and mutated binary files, never throwing; what it accepts is sound', () => {
    const good = parseModelFile(GOOD_BINARY, 'good.rlm');
    if (!good.ok) throw new Error(good.error);
    expect(good.model.wiring).toHaveLength(2);
    const rng = createRng(20261204);
    const outcomes: Record<string, { ok: number; error: number }> = {};
    let thrown = 0;
    for (let trial = 0; trial < 1000; trial++) {
      const { kind, bytes } = mutateBinary(rng);
      let result: ReturnType<typeof parseModelFile> | undefined;
      try {
        result = parseModelFile(bytes, 'fuzz.rlm');
      } catch {
        thrown++;
        continue;
      }
      outcomes[kind] ??= { ok: 0, error: 0 };
      if (!result.ok) {
        outcomes[kind].error++;
        expect(result.error.startsWith('fuzz.rlm: ')).toBe(true);
        expect(result.error.length).toBeLessThan(400);
        continue;
      }
      outcomes[kind].ok++;
      const { model } = result;
      model.state.layers.forEach((layer) => {
        expect(layer.weights.every(Number.isFinite)).toBe(true);
        expect(layer.bias.every(Number.isFinite)).toBe(true);
        if (layer.links) {
          const size = layer.nIn * layer.nOut;
          expect(layer.links.every((id, k) => id >= 0 && id < size && (k === 0 || id > layer.links![k - 1]))).toBe(true);
          expect(layer.weights.length).toBe(layer.links.length);
        } else expect(layer.weights.length).toBe(layer.nIn * layer.nOut);
      });
      // A history that was accepted replays to a valid wiring at every epoch.
      if (model.wiring) {
        expect(model.wiring).toHaveLength(model.history.length);
        model.state.layers.slice(0, 3).forEach((layer, l) => {
          const replay = replayLinks(layer.links!, model.wiring!.map((e) => e[l]));
          expect(replay.ok).toBe(true);
        });
      }
      if (kind === 'neutral') {
        expect(model.state.layers[1].links).toEqual(good.model.state.layers[1].links);
        expect(model.wiring).toEqual(good.model.wiring);
      }
    }
    expect(thrown).toBe(0);
    const total = (k: string) => (outcomes[k]?.ok ?? 0) + (outcomes[k]?.error ?? 0);
    for (const k of ['noise', 'truncate', 'flip', 'body', 'header', 'neutral']) expect(total(k), k).toBeGreaterThan(100);
    expect(outcomes.neutral.error).toBe(0);
    expect(outcomes.noise.ok).toBe(0);
    expect(outcomes.truncate.ok).toBe(0);
    expect(outcomes.header.error).toBeGreaterThan(0);
    // Flipped bits in the link ids, the non-finite floats and the history's varints are caught.
    expect(outcomes.body.error).toBeGreaterThan(0);
  });
});
