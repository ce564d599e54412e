// Test-set evaluation on the device: batched forward passes whose hits per class and summed loss
// accumulate in device tensors, read back once at the end.
import * as tf from '@tensorflow/tfjs';
import { IMAGE_SIZE, NUM_CLASSES } from '../constants';
import type { EvalResult } from '../types';
import type { ResidentData } from './datasets';
import { forward } from './maths';
import type { DeviceLayer } from './params';

/** Rows per forward pass: large enough to keep the GPU busy, small enough for H = 8192. */
export const EVAL_BATCH = 1000;

export async function evaluateResident(layers: readonly DeviceLayer[], data: ResidentData): Promise<EvalResult> {
  // [hits of class 0..9, Σ log-likelihood]: one small vector, so one readback at the end.
  let totals: tf.Tensor1D = tf.zeros([NUM_CLASSES + 1]);
  for (let start = 0; start < data.count; start += EVAL_BATCH) {
    const rows = Math.min(EVAL_BATCH, data.count - start);
    const next = tf.tidy(() => {
      const pixels = tf.slice(data.images, [start, 0], [rows, IMAGE_SIZE]);
      const oneHot = tf.slice(data.oneHot, [start, 0], [rows, NUM_CLASSES]);
      const labels = tf.slice(data.labels, [start], [rows]);
      const { logits } = forward(layers, pixels);
      const hit = tf.cast(tf.equal(tf.argMax(logits, 1), labels), 'float32');
      // [1, rows] · [rows, 10] counts the hits of each class in one kernel.
      const hitsPerClass = tf.reshape(tf.matMul(tf.reshape(hit, [1, rows]), oneHot), [NUM_CLASSES]) as tf.Tensor1D;
      const logLikelihood = tf.reshape(tf.sum(tf.mul(oneHot, tf.logSoftmax(logits))), [1]) as tf.Tensor1D;
      return tf.add(totals, tf.concat1d([hitsPerClass, logLikelihood])) as tf.Tensor1D;
    });
    totals.dispose();
    totals = next;
  }
  const values = await totals.data();
  totals.dispose();
  const perClass = new Float32Array(NUM_CLASSES);
  let hits = 0;
  for (let c = 0; c < NUM_CLASSES; c++) {
    hits += values[c];
    perClass[c] = data.classCounts[c] > 0 ? values[c] / data.classCounts[c] : NaN;
  }
  return { accuracy: hits / data.count, loss: -values[NUM_CLASSES] / data.count, perClass };
}
