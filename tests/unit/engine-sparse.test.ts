// The sparse CPU path against a slow dense float64 reference (sample by sample, row-major), whose own
// gradients are checked by finite differences: logits, loss, every gradient, Adam, evaluation.
import { describe, expect, it } from 'vitest';
import { IMAGE_SIZE, NUM_CLASSES } from '../../src/engine/constants';
import { initNetwork } from '../../src/engine/init';
import { createRng } from '../../src/engine/rng';
import type { Rng } from '../../src/engine/rng';
import { createWorkspace, gatherPixels, lossAndGradients, prepareNet } from '../../src/engine/sparse/network';
import { createSparseCpuPath } from '../../src/engine/sparseCpu';
import { ADAM_BETA1, ADAM_BETA2, ADAM_EPSILON, DEFAULT_CONFIG } from '../../src/engine/types';
import type { DataArrays, NetworkState, TrainConfig } from '../../src/engine/types';

// ---- the slow reference -------------------------------------------------------------------------

interface RefNet { W: Float64Array[]; b: Float64Array[]; shapes: Array<[number, number]> }

function toRef(state: NetworkState): RefNet {
  return {
    shapes: state.layers.map((l) => [l.nIn, l.nOut]),
    b: state.layers.map((l) => Float64Array.from(l.bias)),
    W: state.layers.map((l) => {
      const W = new Float64Array(l.nIn * l.nOut);
      if (l.links === null) W.set(l.weights);
      else l.links.forEach((id, k) => { W[id] = l.weights[k]; });
      return W;
    }),
  };
}

/** Mean loss, logits (N×10), dense dW, dB and ∂loss/∂pixels of the reference network. */
function refPass(net: RefNet, pixels: Float64Array, labels: ArrayLike<number>, n: number) {
  const L = net.W.length;
  const dW = net.W.map((W) => new Float64Array(W.length));
  const dB = net.b.map((b) => new Float64Array(b.length));
  const dX = new Float64Array(n * IMAGE_SIZE);
  const logits = new Float64Array(n * NUM_CLASSES);
  let loss = 0;
  for (let s = 0; s < n; s++) {
    const acts: Float64Array[] = [pixels.subarray(s * IMAGE_SIZE, (s + 1) * IMAGE_SIZE)];
    for (let l = 0; l < L; l++) {
      const [nIn, nOut] = net.shapes[l];
      const z = Float64Array.from(net.b[l]);
      for (let i = 0; i < nIn; i++) for (let j = 0; j < nOut; j++) z[j] += net.W[l][i * nOut + j] * acts[l][i];
      acts.push(l < L - 1 ? z.map((v) => (v > 0 ? v : 0)) : z);
    }
    const out = acts[L];
    logits.set(out, s * NUM_CLASSES);
    const max = Math.max(...out);
    const sum = out.reduce((a, v) => a + Math.exp(v - max), 0);
    loss += (max + Math.log(sum) - out[labels[s]]) / n;
    let delta = out.map((v, c) => (Math.exp(v - max) / sum - (c === labels[s] ? 1 : 0)) / n);
    for (let l = L - 1; l >= 0; l--) {
      const [nIn, nOut] = net.shapes[l];
      const below = new Float64Array(nIn);
      for (let i = 0; i < nIn; i++) {
        for (let j = 0; j < nOut; j++) {
          dW[l][i * nOut + j] += acts[l][i] * delta[j];
          below[i] += net.W[l][i * nOut + j] * delta[j];
        }
      }
      for (let j = 0; j < nOut; j++) dB[l][j] += delta[j];
      if (l === 0) dX.set(below, s * IMAGE_SIZE);
      else delta = below.map((v, i) => (acts[l][i] > 0 ? v : 0));
    }
  }
  return { loss, logits, dW, dB, dX };
}

// ---- fixtures ------------------------------------------------------------------------------------

function randomData(count: number, rng: Rng): DataArrays {
  const images = new Uint8Array(count * IMAGE_SIZE);
  // Sparse ink, like digits: most pixels 0, some bright.
  for (let k = 0; k < images.length; k++) images[k] = rng.next() < 0.2 ? rng.int(256) : 0;
  const labels = Uint8Array.from({ length: count }, () => rng.int(NUM_CLASSES));
  return { images, labels, count };
}

function tinyState(strategy: TrainConfig['strategy'], seed: number): NetworkState {
  const rng = createRng(seed);
  const state = initNetwork({ ...DEFAULT_CONFIG, strategy, hidden: 8, density: 0.3 }, rng);
  // Nonzero biases keep every pre-activation off the ReLU kink, where derivatives are one-sided.
  for (const l of state.layers) for (let j = 0; j < l.bias.length; j++) l.bias[j] = 0.2 * rng.normal();
  return state;
}

function pixelsOf(data: DataArrays, indices: ArrayLike<number>): Float64Array {
  const out = new Float64Array(indices.length * IMAGE_SIZE);
  for (let s = 0; s < indices.length; s++) for (let i = 0; i < IMAGE_SIZE; i++) out[s * IMAGE_SIZE + i] = data.images[indices[s] * IMAGE_SIZE + i] / 255;
  return out;
}

function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, tol: number): void {
  expect(actual.length).toBe(expected.length);
  let worst = 0;
  for (let k = 0; k < actual.length; k++) worst = Math.max(worst, Math.abs(actual[k] - expected[k]) / (tol + Math.abs(expected[k]) * tol * 10));
  expect(worst).toBeLessThan(1);
}

const STRATEGIES = ['set', 'dense'] as const;

describe('reference network', () => {
  it('has gradients that match finite differences', () => {
    const rng = createRng(1);
    const state = tinyState('set', 2);
    const data = randomData(5, rng);
    const idx = [0, 1, 2, 3, 4];
    const pixels = pixelsOf(data, idx);
    const net = toRef(state);
    const { dW, dB, dX } = refPass(net, pixels, data.labels, 5);
    const h = 1e-6;
    const fd = (poke: (d: number) => void) => {
      poke(h);
      const up = refPass(net, pixels, data.labels, 5).loss;
      poke(-2 * h);
      const down = refPass(net, pixels, data.labels, 5).loss;
      poke(h);
      return (up - down) / (2 * h);
    };
    for (let l = 0; l < 4; l++) {
      const ids = l < 3 ? Array.from(state.layers[l].links!.slice(0, 6)) : [0, 17, 79];
      for (const id of ids) expect(fd((d) => { net.W[l][id] += d; })).toBeCloseTo(dW[l][id], 6);
      expect(fd((d) => { net.b[l][1] += d; })).toBeCloseTo(dB[l][1], 6);
    }
    for (const p of [300, 400, 410]) expect(fd((d) => { pixels[p] += d; })).toBeCloseTo(dX[p], 6);
  });
});

describe.each(STRATEGIES)('sparse CPU path (%s network)', (strategy) => {
  const rng = createRng(strategy === 'set' ? 7 : 8);
  const state = tinyState(strategy, 3);
  const data = randomData(2503, rng); // chunks of 1000, 1000, 503: unrolled loops and their tails
  const indices = Int32Array.from({ length: 23 }, () => rng.int(data.count)); // not a multiple of 4

  it('computes the reference loss and every gradient (sparse layers at their links)', () => {
    const net = prepareNet(state);
    const ws = createWorkspace(net, indices.length);
    gatherPixels(ws, data.images, indices, 0);
    const loss = lossAndGradients(net, ws, data.labels, indices, 0);
    const ref = refPass(toRef(state), pixelsOf(data, indices), Array.from(indices, (i) => data.labels[i]), indices.length);
    expect(loss).toBeCloseTo(ref.loss, 5);
    state.layers.forEach((layer, l) => {
      const expectedW = layer.links === null ? ref.dW[l] : Array.from(layer.links, (id) => ref.dW[l][id]);
      expectClose(net.dW[l], expectedW, 1e-6);
      expectClose(net.dB[l], ref.dB[l], 1e-6);
    });
  });

  it('gives the dense |gradient| of every layer, absent links included (RigL)', async () => {
    const path = createSparseCpuPath();
    path.load(state);
    path.setTrainData(data);
    const ref = refPass(toRef(state), pixelsOf(data, indices), Array.from(indices, (i) => data.labels[i]), indices.length);
    for (let l = 0; l < 4; l++) {
      const g = await path.denseGradientMagnitude(l, indices);
      expectClose(g, ref.dW[l].map(Math.abs), 1e-6);
    }
  });

  it('gives logits, input gradients and evaluation like the reference', async () => {
    const path = createSparseCpuPath();
    path.load(state);
    path.setTestData(data);
    const all = Int32Array.from({ length: data.count }, (_, i) => i);
    const pixels = pixelsOf(data, all);
    const ref = refPass(toRef(state), pixels, data.labels, data.count);
    const logits = await path.predict(Float32Array.from(pixels), data.count);
    expectClose(logits, ref.logits, 1e-5);
    const some = 30;
    const refSome = refPass(toRef(state), pixels.subarray(0, some * IMAGE_SIZE), data.labels, some);
    expectClose(await path.inputGradient(Float32Array.from(pixels.subarray(0, some * IMAGE_SIZE)), data.labels, some), refSome.dX, 1e-7);
    const result = await path.evaluate();
    let correct = 0;
    const perClassHits = new Float64Array(NUM_CLASSES);
    const perClassCount = new Float64Array(NUM_CLASSES);
    for (let s = 0; s < data.count; s++) {
      const row = Array.from(ref.logits.subarray(s * NUM_CLASSES, (s + 1) * NUM_CLASSES));
      const hit = row.indexOf(Math.max(...row)) === data.labels[s];
      correct += hit ? 1 : 0;
      perClassCount[data.labels[s]]++;
      perClassHits[data.labels[s]] += hit ? 1 : 0;
    }
    expect(result.accuracy).toBeCloseTo(correct / data.count, 3);
    expect(result.loss).toBeCloseTo(ref.loss, 4);
    for (let c = 0; c < NUM_CLASSES; c++) expect(result.perClass[c]).toBeCloseTo(perClassHits[c] / perClassCount[c], 2);
  });

  it('takes Adam steps with weight decay on weights only, as the reference does', async () => {
    const lr = 0.01;
    const decay = 0.05;
    const path = createSparseCpuPath();
    path.load(state);
    path.setTrainData(data);
    const net = toRef(state);
    const m = net.W.map((W) => ({ mW: new Float64Array(W.length), vW: new Float64Array(W.length) }));
    const mb = net.b.map((b) => ({ m: new Float64Array(b.length), v: new Float64Array(b.length) }));
    const labels = Array.from(indices, (i) => data.labels[i]);
    const pixels = pixelsOf(data, indices);
    const losses: number[] = [];
    for (let t = 1; t <= 3; t++) {
      path.trainStep(indices, lr, decay);
      const { loss, dW, dB } = refPass(net, pixels, labels, indices.length);
      losses.push(loss);
      const c1 = 1 - ADAM_BETA1 ** t;
      const c2 = 1 - ADAM_BETA2 ** t;
      const adam = (p: Float64Array, g: Float64Array, mm: Float64Array, vv: Float64Array, wd: number, active: (k: number) => boolean) => {
        for (let k = 0; k < p.length; k++) {
          if (!active(k)) continue;
          const gk = g[k] + wd * p[k];
          mm[k] = ADAM_BETA1 * mm[k] + (1 - ADAM_BETA1) * gk;
          vv[k] = ADAM_BETA2 * vv[k] + (1 - ADAM_BETA2) * gk * gk;
          p[k] -= (lr * mm[k] / c1) / (Math.sqrt(vv[k] / c2) + ADAM_EPSILON);
        }
      };
      state.layers.forEach((layer, l) => {
        const active = new Set(layer.links ?? []);
        adam(net.W[l], dW[l], m[l].mW, m[l].vW, decay, (k) => layer.links === null || active.has(k));
        adam(net.b[l], dB[l], mb[l].m, mb[l].v, 0, () => true);
      });
    }
    expect(await path.takeMeanLoss()).toBeCloseTo((losses[0] + losses[1] + losses[2]) / 3, 5);
    const saved = await path.save();
    expect(saved.step).toBe(3);
    saved.layers.forEach((layer, l) => {
      expect(layer.links).toEqual(state.layers[l].links);
      const expected = layer.links === null ? net.W[l] : Array.from(layer.links, (id) => net.W[l][id]);
      // Adam's first steps move each weight by about lr; 2% of lr is far below any sign error.
      expectClose(layer.weights, expected, 2e-4);
      expectClose(layer.bias, net.b[l], 2e-4);
    });
    // The mean was taken: with no batch since, there is nothing to average.
    expect(await path.takeMeanLoss()).toBeNaN();
  });
});

describe('sparse CPU path boundaries', () => {
  it('reports misuse with messages naming the file', async () => {
    const path = createSparseCpuPath();
    expect(path.kind).toBe('sparse-cpu');
    await expect(path.save()).rejects.toThrow(/sparseCpu\.ts: save called before load/);
    path.load(tinyState('set', 1));
    expect(() => path.trainStep(new Int32Array(4), 1e-3, 0)).toThrow(/before setTrainData/);
    expect(() => path.setTestData({ images: new Uint8Array(10), labels: new Uint8Array(1), count: 1 })).toThrow(/784 bytes/);
    expect(() => path.setTestData({ images: new Uint8Array(IMAGE_SIZE), labels: Uint8Array.from([12]), count: 1 })).toThrow(/label 0 is 12/);
    await expect(path.predict(new Float32Array(5), 1)).rejects.toThrow(/predict needs/);
    const broken = tinyState('set', 1);
    broken.layers[1].links![1] = broken.layers[1].links![0];
    expect(() => path.load(broken)).toThrow(/layer 1 links must be sorted/);
  });

  it('keeps its own copy of the state', async () => {
    const state = tinyState('set', 4);
    const path = createSparseCpuPath();
    path.load(state);
    const before = state.layers[0].weights[0];
    path.setTrainData(randomData(8, createRng(2)));
    path.trainStep(Int32Array.from([0, 1, 2, 3]), 0.1, 0.1); // decay moves every weight
    expect(state.layers[0].weights[0]).toBe(before);
    const saved = await path.save();
    expect(saved.layers[0].weights[0]).not.toBe(before);
    saved.layers[0].weights[0] = 123;
    expect((await path.save()).layers[0].weights[0]).not.toBe(123);
  });
});
