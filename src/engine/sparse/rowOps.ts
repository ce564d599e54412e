// Row operations over one float32 "heap" that holds a workspace's activations and gradients, addressed
// by element index: WebAssembly SIMD kernels where available (simdKernels.ts), else the same loops in JS.
import { SCRATCH_BYTES, type SimdExports, simdModule } from './simdKernels';

export interface RowOps {
  readonly kind: 'wasm-simd' | 'js';
  /** The memory every offset below indexes. */
  readonly heap: Float32Array;
  /** Results of dot4 and dotAdd4. */
  readonly sums: Float32Array;
  /** heap[o+b] += w0·heap[a0+b] + w1·heap[a1+b] + w2·heap[a2+b] + w3·heap[a3+b], b < n. */
  add4(o: number, a0: number, a1: number, a2: number, a3: number, w0: number, w1: number, w2: number, w3: number, n: number): void;
  add1(o: number, a0: number, w0: number, n: number): void;
  /** sums[q] = Σ_b heap[x+b]·heap[y_q+b]. */
  dot4(x: number, y0: number, y1: number, y2: number, y3: number, n: number): void;
  /** dot4, and heap[dx+b] += Σ_q w_q·heap[y_q+b]. */
  dotAdd4(x: number, y0: number, y1: number, y2: number, y3: number, w0: number, w1: number, w2: number, w3: number, dx: number, n: number): void;
  dot1(x: number, y: number, n: number): number;
  /** Returns Σ_b heap[x+b]·heap[y+b] and adds w·heap[y+b] to heap[dx+b]. */
  dotAdd1(x: number, y: number, w: number, dx: number, n: number): number;
  /** heap[o+k] = max(heap[o+k], 0) for k < n (negative values become 0; NaN stays). */
  relu(o: number, n: number): void;
  /** The gradient through a ReLU from its output: heap[dy+k] = 0 where heap[act+k] ≤ 0. */
  reluMask(dy: number, act: number, n: number): void;
}

/** Plain-JS row operations (also the readable statement of what the SIMD kernels compute). */
class JsRowOps implements RowOps {
  readonly kind = 'js' as const;
  readonly sums = new Float32Array(4);
  constructor(readonly heap: Float32Array) {}

  add4(o: number, a0: number, a1: number, a2: number, a3: number, w0: number, w1: number, w2: number, w3: number, n: number): void {
    const m = this.heap;
    for (let b = 0; b < n; b++) m[o + b] += w0 * m[a0 + b] + w1 * m[a1 + b] + w2 * m[a2 + b] + w3 * m[a3 + b];
  }

  add1(o: number, a0: number, w0: number, n: number): void {
    const m = this.heap;
    for (let b = 0; b < n; b++) m[o + b] += w0 * m[a0 + b];
  }

  dot4(x: number, y0: number, y1: number, y2: number, y3: number, n: number): void {
    const m = this.heap;
    let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
    for (let b = 0; b < n; b++) {
      const xv = m[x + b];
      s0 += xv * m[y0 + b];
      s1 += xv * m[y1 + b];
      s2 += xv * m[y2 + b];
      s3 += xv * m[y3 + b];
    }
    this.sums[0] = s0; this.sums[1] = s1; this.sums[2] = s2; this.sums[3] = s3;
  }

  dotAdd4(x: number, y0: number, y1: number, y2: number, y3: number, w0: number, w1: number, w2: number, w3: number, dx: number, n: number): void {
    const m = this.heap;
    let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
    for (let b = 0; b < n; b++) {
      const xv = m[x + b];
      const d0 = m[y0 + b], d1 = m[y1 + b], d2 = m[y2 + b], d3 = m[y3 + b];
      s0 += xv * d0;
      s1 += xv * d1;
      s2 += xv * d2;
      s3 += xv * d3;
      m[dx + b] += w0 * d0 + w1 * d1 + w2 * d2 + w3 * d3;
    }
    this.sums[0] = s0; this.sums[1] = s1; this.sums[2] = s2; this.sums[3] = s3;
  }

  dot1(x: number, y: number, n: number): number {
    const m = this.heap;
    let s = 0;
    for (let b = 0; b < n; b++) s += m[x + b] * m[y + b];
    return s;
  }

  dotAdd1(x: number, y: number, w: number, dx: number, n: number): number {
    const m = this.heap;
    let s = 0;
    for (let b = 0; b < n; b++) {
      const d = m[y + b];
      s += m[x + b] * d;
      m[dx + b] += w * d;
    }
    return s;
  }

  relu(o: number, n: number): void {
    const m = this.heap;
    for (let k = o; k < o + n; k++) if (m[k] < 0) m[k] = 0;
  }

  reluMask(dy: number, act: number, n: number): void {
    const m = this.heap;
    for (let k = 0; k < n; k++) if (m[act + k] <= 0) m[dy + k] = 0;
  }
}

/** The SIMD kernels bound to their own memory; the heap is a view of that memory after the scratch. */
function wasmRowOps(module: WebAssembly.Module, floats: number): RowOps {
  const bytes = SCRATCH_BYTES + 4 * floats;
  const memory = new WebAssembly.Memory({ initial: Math.max(1, Math.ceil(bytes / 65536)) });
  const k = new WebAssembly.Instance(module, { env: { memory } }).exports as unknown as SimdExports;
  return {
    kind: 'wasm-simd',
    heap: new Float32Array(memory.buffer, SCRATCH_BYTES, floats),
    sums: new Float32Array(memory.buffer, 0, 4),
    add4: k.add4, add1: k.add1, dot4: k.dot4, dotAdd4: k.dotAdd4, dot1: k.dot1, dotAdd1: k.dotAdd1, relu: k.relu, reluMask: k.reluMask,
  };
}

export interface RowOpsOptions {
  /** false forces the JS kernels (tests compare the two); default: SIMD when the runtime has it. */
  simd?: boolean;
}

/** Row operations over a fresh, zeroed heap of `floats` elements. */
export function createRowOps(floats: number, options: RowOpsOptions = {}): RowOps {
  if (!Number.isInteger(floats) || floats < 0) throw new RangeError(`sparse/rowOps.ts: a heap of ${floats} floats`);
  const module = options.simd === false ? null : simdModule();
  return module ? wasmRowOps(module, floats) : new JsRowOps(new Float32Array(floats));
}

/** Whether the sparse kernels run as WebAssembly SIMD here. */
export function simdAvailable(): boolean {
  return simdModule() !== null;
}
