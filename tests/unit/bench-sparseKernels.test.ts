// The sparse CPU path's grouped link kernels (made faster for issue 8's bench), in WebAssembly SIMD and
// in JS, against plain per-link loops: zero weights, rows dead for the whole batch, neurons without
// links, batch sizes that are not multiples of four, and the pixels' gradient (dead rows not skipped).
import { describe, expect, it } from 'vitest';
import { createRng, type Rng } from '../../src/engine/rng';
import { buildLinkIndex, markLiveRows } from '../../src/engine/sparse/linkIndex';
import { denseGradientMagnitude, linkBackward, linkForward } from '../../src/engine/sparse/linkKernels';
import { createRowOps, simdAvailable } from '../../src/engine/sparse/rowOps';
import { sampleIds } from '../../src/engine/topology';

interface Case { nIn: number; nOut: number; links: Int32Array; weights: Float32Array; x: Float32Array; dy: Float32Array; batch: number }

/** Random layer and batch with some zero weights, dead input rows and dead output gradients. */
function makeCase(rng: Rng, nIn: number, nOut: number, count: number, batch: number): Case {
  const links = sampleIds(nIn * nOut, count, rng);
  const weights = new Float32Array(count).map(() => (rng.next() < 0.2 ? 0 : rng.normal()));
  const x = new Float32Array(nIn * batch);
  for (let i = 0; i < nIn; i++) {
    if (i % 5 === 0) continue; // a dead row
    for (let b = 0; b < batch; b++) x[i * batch + b] = rng.next() < 0.4 ? 0 : rng.normal();
  }
  const dy = new Float32Array(nOut * batch);
  for (let j = 0; j < nOut; j++) {
    if (j % 4 === 1) continue;
    for (let b = 0; b < batch; b++) dy[j * batch + b] = rng.normal();
  }
  return { nIn, nOut, links, weights, x, dy, batch };
}

function reference(c: Case) {
  const { nIn, nOut, links, weights, x, dy, batch } = c;
  const out = new Float64Array(nOut * batch);
  const dW = new Float64Array(links.length);
  const dx = new Float64Array(nIn * batch);
  links.forEach((id, k) => {
    const i = Math.floor(id / nOut);
    const j = id % nOut;
    for (let b = 0; b < batch; b++) {
      out[j * batch + b] += weights[k] * x[i * batch + b];
      dW[k] += x[i * batch + b] * dy[j * batch + b];
      dx[i * batch + b] += weights[k] * dy[j * batch + b];
    }
  });
  const g = new Float64Array(nIn * nOut);
  for (let i = 0; i < nIn; i++) for (let j = 0; j < nOut; j++) {
    let s = 0;
    for (let b = 0; b < batch; b++) s += x[i * batch + b] * dy[j * batch + b];
    g[i * nOut + j] = Math.abs(s);
  }
  return { out, dW, dx, g };
}

function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>): void {
  expect(actual.length).toBe(expected.length);
  let worst = 0;
  for (let k = 0; k < actual.length; k++) worst = Math.max(worst, Math.abs(actual[k] - expected[k]) / (1e-5 + 1e-5 * Math.abs(expected[k])));
  expect(worst).toBeLessThan(1);
}

const SHAPES: Array<[number, number, number, number]> = [
  // nIn, nOut, links, batch
  [30, 20, 90, 7],
  [12, 9, 108, 1],
  [40, 3, 25, 5],
  [9, 40, 0, 4],
  [50, 50, 700, 13],
];

describe('grouped sparse kernels', () => {
  it('index links both by input and by output', () => {
    const ix = buildLinkIndex(Int32Array.from([1, 3, 4, 8, 11]), 3, 4);
    expect(Array.from(ix.linkIn)).toEqual([0, 0, 1, 2, 2]);
    expect(Array.from(ix.linkOut)).toEqual([1, 3, 0, 0, 3]);
    expect(Array.from(ix.inStart)).toEqual([0, 2, 3, 5]);
    expect(Array.from(ix.outStart)).toEqual([0, 2, 3, 3, 5]);
    expect(Array.from(ix.byOut)).toEqual([2, 3, 0, 1, 4]);
    expect(() => buildLinkIndex(Int32Array.from([2, 2]), 3, 4, 'here:')).toThrow(/^here: links must be sorted/);
    expect(() => buildLinkIndex(Int32Array.from([12]), 3, 4)).toThrow(/in \[0, 12\)/);
    const live = new Uint8Array(3);
    markLiveRows(Float32Array.from([0, 0, 0, 1, 0, 0, 0, 0, -2]), 3, 3, live);
    expect(Array.from(live)).toEqual([0, 1, 1]);
  });

  it('run as WebAssembly SIMD in Node', () => {
    expect(simdAvailable()).toBe(true);
    expect(createRowOps(8).kind).toBe('wasm-simd');
    expect(createRowOps(8, { simd: false }).kind).toBe('js');
  });

  it('apply ReLU and its gradient mask alike in SIMD and JS, odd lengths and offsets included', () => {
    const values = [-2, 3, 0, -0.5, 1e-30, -1e-30, 7, -7, 0.25, -3, 2, 5, -1];
    for (const simd of [true, false]) {
      const ops = createRowOps(40, { simd });
      ops.heap.set(values, 1);
      ops.relu(1, 11); // the last two values lie outside the range and keep their sign
      expect(Array.from(ops.heap.subarray(1, 14))).toEqual([0, 3, 0, 0, Math.fround(1e-30), 0, 7, 0, 0.25, 0, 2, 5, -1]);
      ops.heap.set(values, 20);
      ops.heap.fill(9, 1, 14);
      ops.reluMask(1, 20, 13); // keep the gradient where the activation was positive
      expect(Array.from(ops.heap.subarray(1, 14))).toEqual(values.map((v) => (v > 0 ? 9 : 0)));
    }
  });

  for (const simd of [true, false]) {
    it(`match per-link loops forward and backward, with and without skipping dead rows (${simd ? 'SIMD' : 'JS'})`, () => {
      const rng = createRng(21);
      for (const [nIn, nOut, count, batch] of SHAPES) {
        const c = makeCase(rng, nIn, nOut, count, batch);
        const ref = reference(c);
        const ix = buildLinkIndex(c.links, nIn, nOut);
        const liveIn = new Uint8Array(nIn);
        const liveOut = new Uint8Array(nOut);
        markLiveRows(c.x, nIn, batch, liveIn);
        markLiveRows(c.dy, nOut, batch, liveOut);
        // One heap: x, dy, out, dx (odd offsets on purpose: rows need not be aligned).
        const xAt = 1, dyAt = xAt + nIn * batch, outAt = dyAt + nOut * batch + 3, dxAt = outAt + nOut * batch;
        const ops = createRowOps(dxAt + nIn * batch, { simd });
        ops.heap.set(c.x, xAt);
        ops.heap.set(c.dy, dyAt);
        const bias = new Float32Array(nOut).map(() => rng.normal());
        ops.heap.fill(99, outAt, outAt + nOut * batch);
        linkForward(ix, c.weights, bias, ops, xAt, outAt, batch, liveIn);
        expectClose(ops.heap.subarray(outAt, outAt + nOut * batch), ref.out.map((v, k) => v + bias[Math.floor(k / batch)]));

        const dW = new Float32Array(count).fill(99);
        linkBackward(ix, c.weights, ops, xAt, dyAt, dW, null, batch, liveIn, liveOut);
        expectClose(dW, ref.dW);
        // The pixels' gradient: every row of dx exact, dead input rows included.
        dW.fill(99);
        linkBackward(ix, c.weights, ops, xAt, dyAt, dW, dxAt, batch, null, liveOut);
        expectClose(dW, ref.dW);
        expectClose(ops.heap.subarray(dxAt, dxAt + nIn * batch), ref.dx);
        // Skipping dead input rows leaves their dx at 0 (a ReLU would zero it) and nothing else changes.
        ops.heap.fill(0, dxAt, dxAt + nIn * batch);
        linkBackward(ix, c.weights, ops, xAt, dyAt, dW, dxAt, batch, liveIn, liveOut);
        expectClose(ops.heap.subarray(dxAt, dxAt + nIn * batch), ref.dx.map((v, k) => (liveIn[Math.floor(k / batch)] ? v : 0)));
        // The inputs were only read.
        expect(ops.heap.subarray(xAt, xAt + nIn * batch)).toEqual(c.x);
      }
    });
  }

  it('give the dense gradient magnitude RigL ranks by', () => {
    const rng = createRng(22);
    for (const [nIn, nOut, count, batch] of SHAPES) {
      const c = makeCase(rng, nIn, nOut, count, batch);
      for (const simd of [true, false]) expectClose(denseGradientMagnitude(c.x, c.dy, nIn, nOut, batch, { options: { simd } }), reference(c).g);
    }
    // A kept heap is cleared between calls: a second layer gets its own gradient, not a sum.
    const scratch = {};
    const [a, b] = [makeCase(rng, 30, 20, 90, 7), makeCase(rng, 30, 20, 90, 7)];
    denseGradientMagnitude(a.x, a.dy, 30, 20, 7, scratch);
    expectClose(denseGradientMagnitude(b.x, b.dy, 30, 20, 7, scratch), reference(b).g);
  });
});
