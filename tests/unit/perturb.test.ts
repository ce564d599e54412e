import { describe, expect, it } from 'vitest';
import { createRng } from '../../src/engine/rng';
import { attackInputs, removeLinks, sampleIndices, shuffleWeights, type InputGradientFn } from '../../src/engine/perturb';
import type { LayerState, NetworkState } from '../../src/engine/types';

function sparseLayer(nIn: number, nOut: number, count: number, seed: number): LayerState {
  const rng = createRng(seed);
  const ids = new Set<number>();
  while (ids.size < count) ids.add(rng.int(nIn * nOut));
  const links = Int32Array.from([...ids].sort((a, b) => a - b));
  const weights = Float32Array.from(links, () => rng.normal());
  return { nIn, nOut, links, weights, bias: Float32Array.from({ length: nOut }, () => rng.normal()) };
}

function denseLayer(nIn: number, nOut: number, seed: number): LayerState {
  const rng = createRng(seed);
  return { nIn, nOut, links: null, weights: Float32Array.from({ length: nIn * nOut }, () => rng.normal()), bias: new Float32Array(nOut) };
}

function network(): NetworkState {
  const layers = [sparseLayer(40, 30, 200, 1), sparseLayer(30, 30, 150, 2), sparseLayer(30, 30, 151, 3), denseLayer(30, 10, 4)];
  return {
    layers,
    moments: layers.map((l) => ({ mW: new Float32Array(l.weights.length), vW: new Float32Array(l.weights.length), mB: new Float32Array(l.nOut), vB: new Float32Array(l.nOut) })),
    step: 5,
  };
}

const sorted = (a: Float32Array) => Array.from(a).sort((x, y) => x - y);

describe('sampleIndices', () => {
  it('returns round(f·n) distinct indices in range', () => {
    const idx = sampleIndices(1000, 0.37, createRng(3));
    expect(idx.length).toBe(370);
    expect(new Set(idx).size).toBe(370);
    for (const i of idx) expect(i >= 0 && i < 1000).toBe(true);
  });
  it('treats out-of-range and NaN fractions safely', () => {
    expect(sampleIndices(50, -1, createRng(1)).length).toBe(0);
    expect(sampleIndices(50, 7, createRng(1)).length).toBe(50);
    expect(sampleIndices(50, Number.NaN, createRng(1)).length).toBe(0);
  });
});

describe('removeLinks', () => {
  it('removes exactly the asked fraction of each sparse layer and keeps the rest unchanged', () => {
    const net = network();
    const before = structuredClone(net);
    const out = removeLinks(net, 0.3, createRng(7));
    for (let l = 0; l < 3; l++) {
      const src = net.layers[l];
      const dst = out.layers[l];
      expect(dst.links!.length).toBe(src.links!.length - Math.round(0.3 * src.links!.length));
      // Every surviving link existed before and carries its old weight.
      const weightOf = new Map(Array.from(src.links!, (id, k) => [id, src.weights[k]]));
      for (let k = 0; k < dst.links!.length; k++) {
        expect(weightOf.get(dst.links![k])).toBe(dst.weights[k]);
        if (k > 0) expect(dst.links![k]).toBeGreaterThan(dst.links![k - 1]);
      }
      expect(Array.from(dst.bias)).toEqual(Array.from(src.bias));
    }
    // The dense output layer is untouched unless asked.
    expect(Array.from(out.layers[3].weights)).toEqual(Array.from(net.layers[3].weights));
    // The original is never modified.
    expect(net).toEqual(before);
  });

  it('zeroes the chosen fraction of a dense layer when asked', () => {
    const net = network();
    const out = removeLinks(net, 0.5, createRng(2), { includeDense: true });
    const zeros = out.layers[3].weights.filter((w) => w === 0).length;
    expect(zeros).toBe(Math.round(0.5 * 300));
  });

  it('level 0 keeps every link and level 1 removes every sparse link', () => {
    const net = network();
    const none = removeLinks(net, 0, createRng(1));
    const all = removeLinks(net, 1, createRng(1));
    for (let l = 0; l < 3; l++) {
      expect(Array.from(none.layers[l].links!)).toEqual(Array.from(net.layers[l].links!));
      expect(all.layers[l].links!.length).toBe(0);
    }
  });

  it('is reproducible for a seed and differs across seeds', () => {
    const net = network();
    const a = removeLinks(net, 0.2, createRng(11));
    const b = removeLinks(net, 0.2, createRng(11));
    const c = removeLinks(net, 0.2, createRng(12));
    expect(Array.from(a.layers[0].links!)).toEqual(Array.from(b.layers[0].links!));
    expect(Array.from(a.layers[0].links!)).not.toEqual(Array.from(c.layers[0].links!));
  });
});

describe('shuffleWeights', () => {
  it('keeps the topology and the multiset of weights, and moves about the asked fraction', () => {
    const net = network();
    const before = structuredClone(net);
    const out = shuffleWeights(net, 0.4, createRng(5));
    for (let l = 0; l < 3; l++) {
      const src = net.layers[l];
      const dst = out.layers[l];
      expect(Array.from(dst.links!)).toEqual(Array.from(src.links!));
      expect(sorted(dst.weights)).toEqual(sorted(src.weights));
      let changed = 0;
      for (let k = 0; k < src.weights.length; k++) if (src.weights[k] !== dst.weights[k]) changed++;
      const chosen = Math.round(0.4 * src.weights.length);
      expect(changed).toBeLessThanOrEqual(chosen);
      expect(changed).toBeGreaterThan(chosen * 0.8); // a random permutation fixes ~1 point
    }
    expect(Array.from(out.layers[3].weights)).toEqual(Array.from(net.layers[3].weights));
    expect(net).toEqual(before);
  });

  it('changes nothing at level 0', () => {
    const net = network();
    const out = shuffleWeights(net, 0, createRng(5));
    for (let l = 0; l < 4; l++) expect(Array.from(out.layers[l].weights)).toEqual(Array.from(net.layers[l].weights));
  });
});

// A small linear softmax classifier gives exact input gradients for testing the attacks.
function linearModel(nIn: number, seed: number) {
  const rng = createRng(seed);
  const W = Float64Array.from({ length: nIn * 10 }, () => rng.normal());
  const logits = (x: Float32Array, n: number) => {
    const out = new Float64Array(n * 10);
    for (let b = 0; b < n; b++) for (let c = 0; c < 10; c++) {
      let s = 0;
      for (let i = 0; i < nIn; i++) s += x[b * nIn + i] * W[i * 10 + c];
      out[b * 10 + c] = s;
    }
    return out;
  };
  const loss = (x: Float32Array, y: Uint8Array, n: number) => {
    const z = logits(x, n);
    let total = 0;
    for (let b = 0; b < n; b++) {
      let m = -Infinity;
      for (let c = 0; c < 10; c++) m = Math.max(m, z[b * 10 + c]);
      let s = 0;
      for (let c = 0; c < 10; c++) s += Math.exp(z[b * 10 + c] - m);
      total += Math.log(s) + m - z[b * 10 + y[b]];
    }
    return total / n;
  };
  const gradient: InputGradientFn = async (x, y, n) => {
    const z = logits(x, n);
    const g = new Float32Array(n * nIn);
    for (let b = 0; b < n; b++) {
      let m = -Infinity;
      for (let c = 0; c < 10; c++) m = Math.max(m, z[b * 10 + c]);
      const p = new Float64Array(10);
      let s = 0;
      for (let c = 0; c < 10; c++) { p[c] = Math.exp(z[b * 10 + c] - m); s += p[c]; }
      for (let c = 0; c < 10; c++) p[c] = p[c] / s - (c === y[b] ? 1 : 0);
      for (let i = 0; i < nIn; i++) {
        let d = 0;
        for (let c = 0; c < 10; c++) d += W[i * 10 + c] * p[c];
        g[b * nIn + i] = d;
      }
    }
    return g;
  };
  return { loss, gradient };
}

describe('attackInputs', () => {
  const nIn = 64;
  const n = 40;
  const rng = createRng(9);
  const x = Float32Array.from({ length: n * nIn }, () => rng.next());
  const y = Uint8Array.from({ length: n }, () => rng.int(10));
  const model = linearModel(nIn, 3);

  for (const kind of ['fgsm', 'pgd', 'noise'] as const) {
    it(`${kind} stays within ε of the input and inside [0, 1]`, async () => {
      const eps = 0.1;
      const adv = await attackInputs(x, y, n, model.gradient, { kind, epsilon: eps, steps: 5 }, createRng(1));
      let moved = 0;
      for (let i = 0; i < x.length; i++) {
        expect(Math.abs(adv[i] - x[i])).toBeLessThanOrEqual(eps + 1e-6);
        expect(adv[i]).toBeGreaterThanOrEqual(0);
        expect(adv[i]).toBeLessThanOrEqual(1);
        if (adv[i] !== x[i]) moved++;
      }
      expect(moved).toBeGreaterThan(x.length / 2);
    });
  }

  it('FGSM and PGD raise the loss; PGD at least as much as FGSM; noise much less', async () => {
    const eps = 0.05;
    const base = model.loss(x, y, n);
    const fgsm = model.loss(await attackInputs(x, y, n, model.gradient, { kind: 'fgsm', epsilon: eps }, createRng(1)), y, n);
    const pgd = model.loss(await attackInputs(x, y, n, model.gradient, { kind: 'pgd', epsilon: eps, steps: 10 }, createRng(1)), y, n);
    const noise = model.loss(await attackInputs(x, y, n, model.gradient, { kind: 'noise', epsilon: eps }, createRng(1)), y, n);
    expect(fgsm).toBeGreaterThan(base);
    expect(pgd).toBeGreaterThanOrEqual(fgsm - 1e-9);
    expect(Math.abs(noise - base)).toBeLessThan(fgsm - base);
  });

  it('a targeted attack lowers the loss of the target class', async () => {
    const targets = Uint8Array.from(y, (c) => (c + 1) % 10);
    const before = model.loss(x, targets, n);
    const adv = await attackInputs(x, y, n, model.gradient, { kind: 'pgd', epsilon: 0.1, targets }, createRng(2));
    expect(model.loss(adv, targets, n)).toBeLessThan(before);
  });

  it('ε = 0, negative or NaN returns the input unchanged; the input is never modified', async () => {
    const copy = x.slice();
    for (const epsilon of [0, -1, Number.NaN]) {
      const adv = await attackInputs(x, y, n, model.gradient, { kind: 'fgsm', epsilon }, createRng(1));
      expect(Array.from(adv)).toEqual(Array.from(x));
    }
    await attackInputs(x, y, n, model.gradient, { kind: 'pgd', epsilon: 0.3 }, createRng(1));
    expect(Array.from(x)).toEqual(Array.from(copy));
  });
});
