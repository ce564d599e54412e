// The sparse path's row kernels in WebAssembly with f32x4 SIMD, written with wasmEncoder.ts. Each
// works on rows of one float32 memory, addressed by element index: four lanes of the batch per
// instruction and no bounds checks, several times V8's speed on the same loops (rowOps.ts has the
// plain-JS twins, used where WebAssembly SIMD is unavailable, and the tests compare the two).
import { encodeModule, F32, I32, op, V128, type ValType, type WasmFunction } from './wasmEncoder';

/**
 * Bytes 0–15 of the memory hold the four results of dot4/dotAdd4; the heap of rows starts after
 * SCRATCH_BYTES, and every kernel adds that offset itself, so callers pass heap indices as they are.
 */
export const SCRATCH_BYTES = 64;

/** Heap element index → byte address in the memory, in place. */
const toBytes = (p: number) => [op.get(p), op.i32(SCRATCH_BYTES / 4), op.i32Add, op.i32(2), op.i32Shl, op.set(p)];
const at = (p: number, b: number) => [op.get(p), op.get(b), op.i32Add];
const load4 = (p: number, b: number) => [...at(p, b), op.v128Load];
const load1 = (p: number, b: number) => [...at(p, b), op.f32Load];

/** while (b < limit) { body; b += step } */
function loopTo(b: number, limit: number, step: number, body: number[][]): number[][] {
  return [op.block, op.loop, op.get(b), op.get(limit), op.i32GeU, op.brIf(1), ...body, op.get(b), op.i32(step), op.i32Add, op.set(b), op.br(0), op.end, op.end];
}

/** bytes = n·4 into `nb`; the SIMD part's end, (n & ~3)·4, into `n4`. */
function limits(n: number, nb: number, n4: number): number[][] {
  return [op.get(n), op.i32(2), op.i32Shl, op.set(nb), op.get(n), op.i32(-4), op.i32And, op.i32(2), op.i32Shl, op.set(n4)];
}

/** (lane 0 + lane 1) + (lane 2 + lane 3) of a v128 local. */
function horizontalSum(v: number): number[][] {
  return [op.get(v), op.f32x4ExtractLane(0), op.get(v), op.f32x4ExtractLane(1), op.f32Add, op.get(v), op.f32x4ExtractLane(2), op.get(v), op.f32x4ExtractLane(3), op.f32Add, op.f32Add];
}

function fn(name: string, params: ValType[], results: ValType[], locals: ValType[], body: number[][]): WasmFunction {
  return { name, params, results, locals, body };
}

const range = (n: number) => Array.from({ length: n }, (_, q) => q);

/** add4(o, a0..a3, w0..w3, n): m[o+b] += Σ_q w_q·m[a_q+b]. Also addN for N = 1. */
function addRows(name: string, rows: number): WasmFunction {
  // params: o, a_0..a_{r-1}, w_0..w_{r-1}, n; locals: b, nb, n4, s_0..s_{r-1} (splatted weights)
  const o = 0, a = (q: number) => 1 + q, w = (q: number) => 1 + rows + q, n = 1 + 2 * rows;
  const b = n + 1, nb = n + 2, n4 = n + 3, s = (q: number) => n + 4 + q;
  const terms4 = range(rows).flatMap((q) => [...load4(a(q), b), op.get(s(q)), op.f32x4Mul, op.f32x4Add]);
  const terms1 = range(rows).flatMap((q) => [...load1(a(q), b), op.get(w(q)), op.f32Mul, op.f32Add]);
  return fn(name, [I32, ...range(rows).map((): ValType => I32), ...range(rows).map((): ValType => F32), I32], [], [I32, I32, I32, ...range(rows).map((): ValType => V128)], [
    ...toBytes(o), ...range(rows).flatMap((q) => toBytes(a(q))),
    ...range(rows).flatMap((q) => [op.get(w(q)), op.f32x4Splat, op.set(s(q))]),
    ...limits(n, nb, n4),
    ...loopTo(b, n4, 16, [...at(o, b), ...load4(o, b), ...terms4, op.v128Store]),
    ...loopTo(b, nb, 4, [...at(o, b), ...load1(o, b), ...terms1, op.f32Store]),
  ]);
}

/**
 * dot4(x, y0..y3, n) → scratch[q] = Σ_b m[x+b]·m[y_q+b]; dotAdd4(x, y0..y3, w0..w3, dx, n) also does
 * m[dx+b] += Σ_q w_q·m[y_q+b], reading each dy row once for both.
 */
function dotRows4(withAdd: boolean): WasmFunction {
  // params: x, y0..y3 [, w0..w3, dx], n
  const x = 0, y = (q: number) => 1 + q, w = (q: number) => 5 + q;
  const dx = 9, n = withAdd ? 10 : 5;
  // locals: b, nb, n4, xv, acc0..3, s0..3, d0..3 (v128), xs, f0..3, e0..3 (f32)
  const b = n + 1, nb = n + 2, n4 = n + 3, xv = n + 4, acc = (q: number) => n + 5 + q, s = (q: number) => n + 9 + q, d = (q: number) => n + 13 + q;
  const xs = n + 17, f = (q: number) => n + 18 + q, e = (q: number) => n + 22 + q;
  const simdStep = [
    ...load4(x, b), op.set(xv),
    ...range(4).flatMap((q) => [...load4(y(q), b), op.set(d(q)), op.get(acc(q)), op.get(xv), op.get(d(q)), op.f32x4Mul, op.f32x4Add, op.set(acc(q))]),
    ...(withAdd ? [...at(dx, b), ...load4(dx, b), ...range(4).flatMap((q) => [op.get(d(q)), op.get(s(q)), op.f32x4Mul, op.f32x4Add]), op.v128Store] : []),
  ];
  const scalarStep = [
    ...load1(x, b), op.set(xs),
    ...range(4).flatMap((q) => [...load1(y(q), b), op.set(e(q)), op.get(f(q)), op.get(xs), op.get(e(q)), op.f32Mul, op.f32Add, op.set(f(q))]),
    ...(withAdd ? [...at(dx, b), ...load1(dx, b), ...range(4).flatMap((q) => [op.get(e(q)), op.get(w(q)), op.f32Mul, op.f32Add]), op.f32Store] : []),
  ];
  const params: ValType[] = withAdd ? [I32, I32, I32, I32, I32, F32, F32, F32, F32, I32, I32] : [I32, I32, I32, I32, I32, I32];
  const locals: ValType[] = [I32, I32, I32, ...range(13).map((): ValType => V128), ...range(9).map((): ValType => F32)];
  return fn(withAdd ? 'dotAdd4' : 'dot4', params, [], locals, [
    ...toBytes(x), ...range(4).flatMap((q) => toBytes(y(q))), ...(withAdd ? toBytes(dx) : []),
    ...(withAdd ? range(4).flatMap((q) => [op.get(w(q)), op.f32x4Splat, op.set(s(q))]) : []),
    ...limits(n, nb, n4),
    ...loopTo(b, n4, 16, simdStep),
    ...loopTo(b, nb, 4, scalarStep),
    ...range(4).flatMap((q) => [op.i32(4 * q), ...horizontalSum(acc(q)), op.get(f(q)), op.f32Add, op.f32Store]),
  ]);
}

/** dot1(x, y, n) → Σ m[x+b]·m[y+b]; dotAdd1(x, y, w, dx, n) also does m[dx+b] += w·m[y+b]. */
function dotRow1(withAdd: boolean): WasmFunction {
  const x = 0, y = 1, w = 2, dx = 3, n = withAdd ? 4 : 2;
  const b = n + 1, nb = n + 2, n4 = n + 3, s = n + 4, d = n + 5, acc = n + 6, e = n + 7, f = n + 8;
  const params: ValType[] = withAdd ? [I32, I32, F32, I32, I32] : [I32, I32, I32];
  return fn(withAdd ? 'dotAdd1' : 'dot1', params, [F32], [I32, I32, I32, V128, V128, V128, F32, F32], [
    ...toBytes(x), ...toBytes(y), ...(withAdd ? toBytes(dx) : []),
    ...(withAdd ? [op.get(w), op.f32x4Splat, op.set(s)] : []),
    ...limits(n, nb, n4),
    ...loopTo(b, n4, 16, [
      ...load4(y, b), op.set(d), op.get(acc), ...load4(x, b), op.get(d), op.f32x4Mul, op.f32x4Add, op.set(acc),
      ...(withAdd ? [...at(dx, b), ...load4(dx, b), op.get(d), op.get(s), op.f32x4Mul, op.f32x4Add, op.v128Store] : []),
    ]),
    ...loopTo(b, nb, 4, [
      ...load1(y, b), op.set(e), op.get(f), ...load1(x, b), op.get(e), op.f32Mul, op.f32Add, op.set(f),
      ...(withAdd ? [...at(dx, b), ...load1(dx, b), op.get(e), op.get(w), op.f32Mul, op.f32Add, op.f32Store] : []),
    ]),
    ...horizontalSum(acc), op.get(f), op.f32Add,
  ]);
}

/** relu(o, n): m[o+b] = m[o+b] < 0 ? 0 : m[o+b] (branch-free; a JS loop mispredicts half the time). */
function relu(): WasmFunction {
  const o = 0, n = 1, b = 2, nb = 3, n4 = 4, zero = 5, v = 6;
  return fn('relu', [I32, I32], [], [I32, I32, I32, V128, F32], [
    ...toBytes(o), ...limits(n, nb, n4),
    ...loopTo(b, n4, 16, [...at(o, b), ...load4(o, b), op.get(zero), op.f32x4Pmax, op.v128Store]),
    ...loopTo(b, nb, 4, [...at(o, b), op.f32Zero, ...load1(o, b), op.tee(v), op.get(v), op.f32Zero, op.f32Lt, op.select, op.f32Store]),
  ]);
}

/** reluMask(dy, act, n): m[dy+b] = m[act+b] <= 0 ? 0 : m[dy+b] — the gradient through a ReLU from its output. */
function reluMask(): WasmFunction {
  const dy = 0, act = 1, n = 2, b = 3, nb = 4, n4 = 5, zero = 6;
  return fn('reluMask', [I32, I32, I32], [], [I32, I32, I32, V128], [
    ...toBytes(dy), ...toBytes(act), ...limits(n, nb, n4),
    ...loopTo(b, n4, 16, [...at(dy, b), ...load4(dy, b), ...load4(act, b), op.get(zero), op.f32x4Le, op.v128AndNot, op.v128Store]),
    ...loopTo(b, nb, 4, [...at(dy, b), op.f32Zero, ...load1(dy, b), ...load1(act, b), op.f32Zero, op.f32Le, op.select, op.f32Store]),
  ]);
}

export interface SimdExports {
  relu(o: number, n: number): void;
  reluMask(dy: number, act: number, n: number): void;
  add4(o: number, a0: number, a1: number, a2: number, a3: number, w0: number, w1: number, w2: number, w3: number, n: number): void;
  add1(o: number, a0: number, w0: number, n: number): void;
  dot4(x: number, y0: number, y1: number, y2: number, y3: number, n: number): void;
  dotAdd4(x: number, y0: number, y1: number, y2: number, y3: number, w0: number, w1: number, w2: number, w3: number, dx: number, n: number): void;
  dot1(x: number, y: number, n: number): number;
  dotAdd1(x: number, y: number, w: number, dx: number, n: number): number;
}

let compiled: WebAssembly.Module | null | undefined;

/** The compiled kernel module, or null where WebAssembly SIMD is not supported (compiled once). */
export function simdModule(): WebAssembly.Module | null {
  if (compiled !== undefined) return compiled;
  const bytes = encodeModule([addRows('add4', 4), addRows('add1', 1), dotRows4(false), dotRows4(true), dotRow1(false), dotRow1(true), relu(), reluMask()]);
  try {
    compiled = typeof WebAssembly === 'object' && WebAssembly.validate(bytes) ? new WebAssembly.Module(bytes) : null;
  } catch {
    compiled = null;
  }
  return compiled;
}
