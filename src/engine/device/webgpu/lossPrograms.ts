// Softmax cross-entropy as two tfjs WebGPU programs that read the labels straight from the
// resident dataset through the batch's row indices: the logits' gradient, and the loss summed
// into a device scalar in place (so the step needs no one-hot gather and no readback).
import * as tf from '@tensorflow/tfjs';
import type { WebGPUBackend, WebGPUProgram } from '@tensorflow/tfjs-backend-webgpu';
import { NUM_CLASSES } from '../../constants';
import { assertSoleOwner, markWrittenInPlace } from './gpuBackend';

const FILE = 'device/webgpu/lossPrograms.ts';

/** log p(class c) of row `row`, for every c, into `logP` (the same maths as tf.logSoftmax). */
const LOG_SOFTMAX = `
  fn rowLogSoftmax(row : i32) -> array<f32, ${NUM_CLASSES}> {
    var logP : array<f32, ${NUM_CLASSES}>;
    var top = Logits[row * ${NUM_CLASSES}];
    for (var c = 1; c < ${NUM_CLASSES}; c = c + 1) { top = max(top, Logits[row * ${NUM_CLASSES} + c]); }
    var total = 0.0;
    for (var c = 0; c < ${NUM_CLASSES}; c = c + 1) { total = total + exp(Logits[row * ${NUM_CLASSES} + c] - top); }
    let logTotal = log(total);
    for (var c = 0; c < ${NUM_CLASSES}; c = c + 1) { logP[c] = Logits[row * ${NUM_CLASSES} + c] - top - logTotal; }
    return logP;
  }
`;

const ROWS_PER_WORKGROUP = 64;

/** dLogits = (softmax(logits) − oneHot(label)) / batch; one thread per row. */
class SoftmaxCrossEntropyGradProgram implements WebGPUProgram {
  outputShape: number[];
  shaderKey = 'rewireSoftmaxCrossEntropyGrad';
  dispatchLayout = { x: [0, 1] };
  dispatch: [number, number, number];
  variableNames = ['Logits', 'Labels', 'Rows'];
  workgroupSize: [number, number, number] = [ROWS_PER_WORKGROUP, 1, 1];
  uniforms = 'batch : i32, invBatch : f32,';

  constructor(batch: number) {
    this.outputShape = [batch, NUM_CLASSES];
    this.dispatch = [Math.ceil(batch / ROWS_PER_WORKGROUP), 1, 1];
  }

  getUserCode(): string {
    return `
      ${LOG_SOFTMAX}
      fn main(row : i32) {
        if (row >= uniforms.batch) { return; }
        let label = Labels[Rows[row]];
        var logP = rowLogSoftmax(row);
        for (var c = 0; c < ${NUM_CLASSES}; c = c + 1) {
          let truth = select(0.0, 1.0, c == label);
          result[row * ${NUM_CLASSES} + c] = (exp(logP[c]) - truth) * uniforms.invBatch;
        }
      }
    `;
  }
}

const LOSS_THREADS = 64;

/** lossSum −= Σ_rows log p(label) / batch, in one workgroup that reduces in shared memory. */
class AccumulateLossProgram implements WebGPUProgram {
  outputShape: number[] = [];
  shaderKey = 'rewireAccumulateLoss';
  dispatchLayout = { x: [] as number[] };
  dispatch: [number, number, number] = [1, 1, 1];
  variableNames = ['Logits', 'Labels', 'Rows'];
  workgroupSize: [number, number, number] = [LOSS_THREADS, 1, 1];
  uniforms = 'batch : i32, invBatch : f32,';

  getUserCode(): string {
    return `
      ${LOG_SOFTMAX}
      var<workgroup> partial : array<f32, ${LOSS_THREADS}>;
      fn main(index : i32) {
        let t = i32(localIndex);
        var sum = 0.0;
        for (var row = t; row < uniforms.batch; row = row + ${LOSS_THREADS}) {
          var logP = rowLogSoftmax(row);
          sum = sum + logP[Labels[Rows[row]]];
        }
        partial[t] = sum;
        workgroupBarrier();
        for (var stride = ${LOSS_THREADS / 2}; stride > 0; stride = stride / 2) {
          if (t < stride) { partial[t] = partial[t] + partial[t + stride]; }
          workgroupBarrier();
        }
        if (t == 0) { result[0] = result[0] - partial[0] * uniforms.invBatch; }
      }
    `;
  }
}

function batchUniforms(batch: number) {
  return [{ type: 'int32', data: [batch] }, { type: 'float32', data: [1 / batch] }];
}

function checkInputs(logits: tf.Tensor2D, labels: tf.Tensor1D, rows: tf.Tensor1D): void {
  if (logits.shape[1] !== NUM_CLASSES || rows.shape[0] !== logits.shape[0] || labels.dtype !== 'int32' || rows.dtype !== 'int32') {
    throw new Error(`${FILE}: expected logits [batch, ${NUM_CLASSES}] and int32 labels and rows, got [${logits.shape}] (${labels.dtype}, ${rows.dtype} [${rows.shape}])`);
  }
}

/**
 * ∂(mean cross-entropy)/∂logits for the rows `rows` of a dataset whose labels are `labels`
 * (int32 [N]); one dispatch. The batch size is a uniform: no number becomes a tensor.
 */
export function softmaxCrossEntropyGrad(backend: WebGPUBackend, logits: tf.Tensor2D, labels: tf.Tensor1D, rows: tf.Tensor1D): tf.Tensor2D {
  checkInputs(logits, labels, rows);
  const batch = logits.shape[0];
  const info = backend.runWebGPUProgram(new SoftmaxCrossEntropyGradProgram(batch), [logits, labels, rows], 'float32', batchUniforms(batch));
  return tf.engine().makeTensorFromTensorInfo(info) as tf.Tensor2D;
}

/** Adds the batch's mean cross-entropy to the scalar `lossSum` in place; one dispatch. */
export function accumulateLoss(backend: WebGPUBackend, lossSum: tf.Scalar, logits: tf.Tensor2D, labels: tf.Tensor1D, rows: tf.Tensor1D): void {
  checkInputs(logits, labels, rows);
  if (lossSum.dtype !== 'float32' || lossSum.rank !== 0) throw new Error(`${FILE}: the loss sum must be a float32 scalar`);
  assertSoleOwner(backend, lossSum, 'the loss sum');
  const batch = logits.shape[0];
  backend.runWebGPUProgram(new AccumulateLossProgram(), [logits, labels, rows], 'float32', batchUniforms(batch), lossSum);
  markWrittenInPlace(backend, lossSum);
}
