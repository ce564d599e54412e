// The sparse CPU path's matrix kernels over a LinkIndex. Activations are feature-major rows of one heap
// (row i of a layer at `at + i·B`), so a link's work is a loop over the batch; the kernels hand four
// links of one neuron at a time to RowOps (WebAssembly SIMD, or JS), which loads and stores the shared
// row once for all four. Links that add nothing are skipped: zero weights forward, and rows that are
// zero for the whole batch.
import type { LinkIndex } from './linkIndex';
import { createRowOps, type RowOps, type RowOpsOptions } from './rowOps';

/**
 * Where denseGradientMagnitude keeps its heap between calls (RigL asks for three layers in a row):
 * a fresh WebAssembly memory per call costs more than the maths, and the garbage collector frees
 * them late. `options` picks the kernels when the heap is made.
 */
export interface GradientScratch {
  ops?: RowOps;
  options?: RowOpsOptions;
}

function gradientOps(scratch: GradientScratch, floats: number): RowOps {
  if (!scratch.ops || scratch.ops.heap.length < floats) scratch.ops = createRowOps(floats, scratch.options);
  return scratch.ops;
}

/**
 * heap[out + j·B ..] = bias[j] + Σ_{links k into j} w_k · heap[x + i_k·B ..]. `liveIn[i]` = 0 marks
 * an input row that is zero for every sample (markLiveRows); its links are skipped, as are zero weights.
 */
export function linkForward(
  ix: LinkIndex, weights: Float32Array, bias: Float32Array, ops: RowOps, x: number, out: number, batch: number, liveIn: Uint8Array,
): void {
  const { outStart, byOut, linkIn } = ix;
  const heap = ops.heap;
  for (let j = 0; j < ix.nOut; j++) {
    const o = out + j * batch;
    heap.fill(bias[j], o, o + batch);
    let n = 0;
    let w0 = 0, w1 = 0, w2 = 0;
    let a0 = 0, a1 = 0, a2 = 0;
    const end = outStart[j + 1];
    for (let p = outStart[j]; p < end; p++) {
      const k = byOut[p];
      const w = weights[k];
      const i = linkIn[k];
      if (w === 0 || liveIn[i] === 0) continue;
      const a = x + i * batch;
      if (n === 0) { w0 = w; a0 = a; n = 1; }
      else if (n === 1) { w1 = w; a1 = a; n = 2; }
      else if (n === 2) { w2 = w; a2 = a; n = 3; }
      else { ops.add4(o, a0, a1, a2, a, w0, w1, w2, w, batch); n = 0; }
    }
    if (n > 0) ops.add1(o, a0, w0, batch);
    if (n > 1) ops.add1(o, a1, w1, batch);
    if (n > 2) ops.add1(o, a2, w2, batch);
  }
}

/**
 * Backward through a layer: dW[k] = Σ_b x[i_k,b]·dy[j_k,b] for every link, and, when `dx` (a heap
 * offset, or null) is given, dx[i,·] += Σ_{links k from i} w_k · dy[j_k,·] (zeroed by the caller).
 * `liveOut[j]` = 0 marks an output whose gradient is zero for the whole batch: its links get dW = 0
 * and add nothing to dx. `liveIn` (or null) marks dead input rows, whose links get dW = 0 and add
 * nothing to dx: pass it only when dx is null or will be masked by the ReLU of those rows — never
 * for the pixels' own gradient, which is wanted where a pixel is 0.
 */
export function linkBackward(
  ix: LinkIndex, weights: Float32Array, ops: RowOps, x: number, dy: number, dW: Float32Array, dx: number | null,
  batch: number, liveIn: Uint8Array | null, liveOut: Uint8Array,
): void {
  const { inStart, linkOut } = ix;
  const sums = ops.sums;
  for (let i = 0; i < ix.nIn; i++) {
    const start = inStart[i];
    const end = inStart[i + 1];
    if (start === end) continue;
    if (liveIn !== null && liveIn[i] === 0) {
      dW.fill(0, start, end);
      continue;
    }
    const xi = x + i * batch;
    const dxi = dx === null ? 0 : dx + i * batch;
    let n = 0;
    let p0 = 0, p1 = 0, p2 = 0;
    let y0 = 0, y1 = 0, y2 = 0;
    for (let p = start; p < end; p++) {
      const j = linkOut[p];
      if (liveOut[j] === 0) {
        dW[p] = 0;
        continue;
      }
      const y = dy + j * batch;
      if (n === 0) { p0 = p; y0 = y; n = 1; }
      else if (n === 1) { p1 = p; y1 = y; n = 2; }
      else if (n === 2) { p2 = p; y2 = y; n = 3; }
      else {
        if (dx === null) ops.dot4(xi, y0, y1, y2, y, batch);
        else ops.dotAdd4(xi, y0, y1, y2, y, weights[p0], weights[p1], weights[p2], weights[p], dxi, batch);
        dW[p0] = sums[0];
        dW[p1] = sums[1];
        dW[p2] = sums[2];
        dW[p] = sums[3];
        n = 0;
      }
    }
    // One to three left over: one at a time.
    if (n > 0) dW[p0] = dx === null ? ops.dot1(xi, y0, batch) : ops.dotAdd1(xi, y0, weights[p0], dxi, batch);
    if (n > 1) dW[p1] = dx === null ? ops.dot1(xi, y1, batch) : ops.dotAdd1(xi, y1, weights[p1], dxi, batch);
    if (n > 2) dW[p2] = dx === null ? ops.dot1(xi, y2, batch) : ops.dotAdd1(xi, y2, weights[p2], dxi, batch);
  }
}

/**
 * Dense |Σ_b x[i,b]·dy[j,b]| for every (i, j) of an nIn×nOut layer, row-major: what RigL ranks absent
 * links by. `x` (nIn×B) and `dy` (nOut×B) are feature-major. Accumulated sample by sample over a
 * sample-major copy of dy, skipping the zeros of x (pixels are ~80% zeros, ReLU outputs ~45%),
 * four samples per pass over a row of the result.
 */
export function denseGradientMagnitude(
  x: Float32Array, dy: Float32Array, nIn: number, nOut: number, batch: number, scratch: GradientScratch = {},
): Float32Array {
  const ops = gradientOps(scratch, batch * nOut + nIn * nOut);
  const heap = ops.heap;
  const dyT = 0;
  const g = batch * nOut;
  heap.fill(0, g, g + nIn * nOut);
  for (let j = 0; j < nOut; j++) for (let b = 0; b < batch; b++) heap[dyT + b * nOut + j] = dy[j * batch + b];
  const samples = new Int32Array(batch);
  for (let i = 0; i < nIn; i++) {
    const xi = i * batch;
    let n = 0;
    for (let b = 0; b < batch; b++) if (x[xi + b] !== 0) samples[n++] = b;
    const row = g + i * nOut;
    let q = 0;
    for (; q + 4 <= n; q += 4) {
      const s0 = samples[q], s1 = samples[q + 1], s2 = samples[q + 2], s3 = samples[q + 3];
      ops.add4(row, dyT + s0 * nOut, dyT + s1 * nOut, dyT + s2 * nOut, dyT + s3 * nOut, x[xi + s0], x[xi + s1], x[xi + s2], x[xi + s3], nOut);
    }
    for (; q < n; q++) ops.add1(row, dyT + samples[q] * nOut, x[xi + samples[q]], nOut);
  }
  const out = heap.slice(g, g + nIn * nOut);
  for (let k = 0; k < out.length; k++) out[k] = Math.abs(out[k]);
  return out;
}
