// A tiled matrix product as a tfjs WebGPU program, with the epilogues the training step needs in
// the same dispatch: + bias (then ReLU) for the forward pass, and × [y > 0] for ReLU's backward.
import * as tf from '@tensorflow/tfjs';
import type { WebGPUBackend, WebGPUProgram } from '@tensorflow/tfjs-backend-webgpu';

/**
 * `biasRelu`: relu(a·b + bias); `bias`: a·b + bias (the output layer);
 * `reluGrad`: (a·bᵀ) ⊙ [y > 0] — the gradient through a ReLU whose output was y.
 */
export type MatMulEpilogue = 'biasRelu' | 'bias' | 'reluGrad';

/** Output tile edge per workgroup; each of the 8×8 threads computes a 4×4 block of it. */
const TILE = 32;
const THREADS = 8;
const PER_THREAD = TILE / THREADS;

class EpilogueMatMulProgram implements WebGPUProgram {
  outputShape: number[];
  shaderKey: string;
  dispatchLayout = { x: [1], y: [0] };
  dispatch: [number, number, number];
  variableNames: string[];
  workgroupSize: [number, number, number] = [THREADS, THREADS, 1];
  uniforms = 'dimM : i32, dimN : i32, dimK : i32,';

  constructor(rows: number, columns: number, private readonly epilogue: MatMulEpilogue) {
    this.outputShape = [rows, columns];
    this.dispatch = [Math.ceil(columns / TILE), Math.ceil(rows / TILE), 1];
    this.variableNames = epilogue === 'reluGrad' ? ['A', 'B', 'Y'] : ['A', 'B', 'Bias'];
    this.shaderKey = `rewireEpilogueMatMul_${epilogue}`;
  }

  getUserCode(): string {
    // B is [K, N] for the forward product and [N, K] (read transposed) for the backward one.
    const transposed = this.epilogue === 'reluGrad';
    const loadB = transposed
      ? `let n = e / ${TILE}; let k = e % ${TILE};
         let gn = col0 + n; let gk = k0 + k;
         tileB[k][n] = select(0.0, B[gn * uniforms.dimK + gk], gn < uniforms.dimN && gk < uniforms.dimK);`
      : `let k = e / ${TILE}; let n = e % ${TILE};
         let gn = col0 + n; let gk = k0 + k;
         tileB[k][n] = select(0.0, B[gk * uniforms.dimN + gn], gn < uniforms.dimN && gk < uniforms.dimK);`;
    const finish = {
      biasRelu: 'max(sum + Bias[col], 0.0)',
      bias: 'sum + Bias[col]',
      reluGrad: 'select(0.0, sum, Y[row * uniforms.dimN + col] > 0.0)',
    }[this.epilogue];
    return `
      var<workgroup> tileA : array<array<f32, ${TILE}>, ${TILE}>;
      var<workgroup> tileB : array<array<f32, ${TILE}>, ${TILE}>;

      fn main() {
        let tx = i32(localId.x);
        let ty = i32(localId.y);
        let flat = i32(localIndex);
        let row0 = i32(workgroupId.y) * ${TILE};
        let col0 = i32(workgroupId.x) * ${TILE};
        var acc : array<array<f32, ${PER_THREAD}>, ${PER_THREAD}>;
        for (var k0 = 0; k0 < uniforms.dimK; k0 = k0 + ${TILE}) {
          for (var e = flat; e < ${TILE * TILE}; e = e + ${THREADS * THREADS}) {
            let r = e / ${TILE}; let c = e % ${TILE};
            let gr = row0 + r; let gc = k0 + c;
            tileA[r][c] = select(0.0, A[gr * uniforms.dimK + gc], gr < uniforms.dimM && gc < uniforms.dimK);
          }
          for (var e = flat; e < ${TILE * TILE}; e = e + ${THREADS * THREADS}) {
            ${loadB}
          }
          workgroupBarrier();
          for (var k = 0; k < ${TILE}; k = k + 1) {
            var a : array<f32, ${PER_THREAD}>;
            var b : array<f32, ${PER_THREAD}>;
            for (var i = 0; i < ${PER_THREAD}; i = i + 1) {
              // Rows and columns interleaved by thread, so neighbouring threads read neighbouring words.
              a[i] = tileA[ty + i * ${THREADS}][k];
              b[i] = tileB[k][tx + i * ${THREADS}];
            }
            for (var i = 0; i < ${PER_THREAD}; i = i + 1) {
              for (var j = 0; j < ${PER_THREAD}; j = j + 1) {
                acc[i][j] = fma(a[i], b[j], acc[i][j]);
              }
            }
          }
          workgroupBarrier();
        }
        for (var i = 0; i < ${PER_THREAD}; i = i + 1) {
          let row = row0 + ty + i * ${THREADS};
          for (var j = 0; j < ${PER_THREAD}; j = j + 1) {
            let col = col0 + tx + j * ${THREADS};
            if (row < uniforms.dimM && col < uniforms.dimN) {
              let sum = acc[i][j];
              result[row * uniforms.dimN + col] = ${finish};
            }
          }
        }
      }
    `;
  }
}

function run(backend: WebGPUBackend, program: EpilogueMatMulProgram, inputs: tf.Tensor[], m: number, n: number, k: number): tf.Tensor2D {
  const info = backend.runWebGPUProgram(program, inputs, 'float32', [
    { type: 'int32', data: [m] }, { type: 'int32', data: [n] }, { type: 'int32', data: [k] },
  ]);
  return tf.engine().makeTensorFromTensorInfo(info) as tf.Tensor2D;
}

/** relu(x·w + bias) (or without the ReLU for the output layer) in one dispatch; x [M, K], w [K, N]. */
export function matMulBias(backend: WebGPUBackend, x: tf.Tensor2D, w: tf.Tensor2D, bias: tf.Tensor1D, relu: boolean): tf.Tensor2D {
  const [m, k] = x.shape;
  const n = w.shape[1];
  if (w.shape[0] !== k || bias.shape[0] !== n) throw new Error(`device/webgpu/matMulProgram.ts: shapes [${x.shape}]·[${w.shape}] + [${bias.shape}] do not fit`);
  return run(backend, new EpilogueMatMulProgram(m, n, relu ? 'biasRelu' : 'bias'), [x, w, bias], m, n, k);
}

/**
 * (dz·wᵀ) ⊙ [y > 0] in one dispatch: the gradient with respect to a layer's input y, which was the
 * previous layer's ReLU output. dz [M, K] (the layer's output gradient), w [N, K], y [M, N].
 */
export function matMulReluGrad(backend: WebGPUBackend, dz: tf.Tensor2D, w: tf.Tensor2D, y: tf.Tensor2D): tf.Tensor2D {
  const [m, k] = dz.shape;
  const n = w.shape[0];
  if (w.shape[1] !== k || y.shape[0] !== m || y.shape[1] !== n) throw new Error(`device/webgpu/matMulProgram.ts: shapes [${dz.shape}]·[${w.shape}]ᵀ ⊙ [${y.shape}] do not fit`);
  return run(backend, new EpilogueMatMulProgram(m, n, 'reluGrad'), [dz, w, y], m, n, k);
}
