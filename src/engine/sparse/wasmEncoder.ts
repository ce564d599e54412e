// A minimal WebAssembly binary encoder: just enough (i32/f32 scalars, f32x4 SIMD, loops, one imported
// memory) to write the sparse path's row kernels by hand, with no toolchain and no binary blob.
// Opcode numbers follow the WebAssembly core spec 2.0 (SIMD: prefix 0xfd).

export const I32 = 0x7f as const;
export const F32 = 0x7d as const;
export const V128 = 0x7b as const;
export type ValType = typeof I32 | typeof F32 | typeof V128;

/** Unsigned LEB128. */
export function uleb(n: number): number[] {
  const out: number[] = [];
  do {
    let byte = n & 0x7f;
    n >>>= 7;
    if (n !== 0) byte |= 0x80;
    out.push(byte);
  } while (n !== 0);
  return out;
}

/** Signed LEB128 (i32 constants). */
export function sleb(n: number): number[] {
  const out: number[] = [];
  for (;;) {
    const byte = n & 0x7f;
    n >>= 7;
    if ((n === 0 && (byte & 0x40) === 0) || (n === -1 && (byte & 0x40) !== 0)) {
      out.push(byte);
      return out;
    }
    out.push(byte | 0x80);
  }
}

const simd = (opcode: number, ...immediates: number[]) => [0xfd, ...uleb(opcode), ...immediates];

/** Instructions, each an array of bytes; a function body is their concatenation. */
export const op = {
  get: (i: number) => [0x20, ...uleb(i)],
  set: (i: number) => [0x21, ...uleb(i)],
  tee: (i: number) => [0x22, ...uleb(i)],
  i32: (v: number) => [0x41, ...sleb(v)],
  i32Add: [0x6a],
  i32And: [0x71],
  i32Shl: [0x74],
  i32GeU: [0x4f],
  f32Load: [0x2a, 2, 0],
  f32Store: [0x38, 2, 0],
  f32Add: [0x92],
  f32Mul: [0x94],
  f32Zero: [0x43, 0, 0, 0, 0],
  f32Lt: [0x5d],
  f32Le: [0x5f],
  /** select(a, b, condition): a when condition ≠ 0, else b. */
  select: [0x1b],
  /** Alignment hint 4 bytes: rows of odd batch sizes are not 16-byte aligned (unaligned access is legal). */
  v128Load: simd(0x00, 2, 0),
  v128Store: simd(0x0b, 2, 0),
  f32x4Splat: simd(0x13),
  f32x4ExtractLane: (lane: number) => simd(0x1f, lane),
  f32x4Add: simd(0xe4),
  f32x4Mul: simd(0xe6),
  /** Pseudo-maximum: b < a ? … — pmax(a, b) = a < b ? b : a (NaN and −0 in a pass through). */
  f32x4Pmax: simd(0xeb),
  f32x4Le: simd(0x45),
  /** a & ~b */
  v128AndNot: simd(0x4f),
  /** `block` and `loop` with no result. */
  block: [0x02, 0x40],
  loop: [0x03, 0x40],
  br: (depth: number) => [0x0c, ...uleb(depth)],
  brIf: (depth: number) => [0x0d, ...uleb(depth)],
  end: [0x0b],
};

export interface WasmFunction {
  name: string;
  params: ValType[];
  results: ValType[];
  /** Locals after the parameters (their indices continue the parameters'). */
  locals: ValType[];
  body: number[][];
}

const vector = (items: number[][]) => [...uleb(items.length), ...items.flat()];
const section = (id: number, body: number[]) => [id, ...uleb(body.length), ...body];
const name = (s: string) => [...uleb(s.length), ...Array.from(s, (c) => c.charCodeAt(0))];

/** A module importing its memory as `env.memory` and exporting every function under its name. */
export function encodeModule(functions: readonly WasmFunction[]): Uint8Array<ArrayBuffer> {
  const types = functions.map((f) => [0x60, ...vector(f.params.map((t) => [t])), ...vector(f.results.map((t) => [t]))]);
  const codes = functions.map((f) => {
    const locals = vector(f.locals.map((t) => [1, t]));
    const body = [...locals, ...f.body.flat(), ...op.end];
    return [...uleb(body.length), ...body];
  });
  return new Uint8Array([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, vector(types)),
    ...section(2, vector([[...name('env'), ...name('memory'), 0x02, 0x00, 0x01]])),
    ...section(3, vector(functions.map((_, i) => uleb(i)))),
    ...section(7, vector(functions.map((f, i) => [...name(f.name), 0x00, ...uleb(i)]))),
    ...section(10, vector(codes)),
  ]);
}
