// Makes a dataset resident on the device once: pixels as [N, 784] floats in [0, 1] (normalised on
// the device), labels as int32 and as one-hot rows, so a training step only uploads batch indices.
import * as tf from '@tensorflow/tfjs';
import { IMAGE_SIZE, NUM_CLASSES } from '../constants';
import type { DataArrays } from '../types';

export interface ResidentData {
  count: number;
  /** [count, 784] float32 pixels in [0, 1]. */
  images: tf.Tensor2D;
  /** [count] int32 labels 0..9. */
  labels: tf.Tensor1D;
  /** [count, 10] float32 one-hot labels. */
  oneHot: tf.Tensor2D;
  /** Number of examples of each class (known on the CPU, so evaluation reads back only hits). */
  classCounts: Int32Array;
}

/** Rows uploaded per chunk: bounds the transient float copy to ~25 MB instead of the whole set. */
const UPLOAD_ROWS = 8192;

/** Problems with a dataset's arrays, each naming `what` (e.g. "training set"); empty when valid. */
export function checkData(data: DataArrays, what: string): string[] {
  const problems: string[] = [];
  if (!Number.isInteger(data.count) || data.count < 1) problems.push(`${what} must hold at least one image, got count ${data.count}`);
  else {
    if (data.images.length !== data.count * IMAGE_SIZE) {
      problems.push(`${what} has ${data.images.length} pixel bytes, expected ${data.count} × ${IMAGE_SIZE} = ${data.count * IMAGE_SIZE}`);
    }
    if (data.labels.length !== data.count) problems.push(`${what} has ${data.labels.length} labels for ${data.count} images`);
  }
  const bad = data.labels.findIndex((label) => label >= NUM_CLASSES);
  if (bad >= 0) problems.push(`${what} label ${bad} is ${data.labels[bad]}, outside 0..${NUM_CLASSES - 1}`);
  return problems;
}

/** Uploads a dataset; throws with a message naming `what` when the arrays are inconsistent. */
export function uploadData(data: DataArrays, what: string): ResidentData {
  const problems = checkData(data, what);
  if (problems.length > 0) throw new Error(`device/datasets.ts: ${problems.join('; ')}`);
  const classCounts = new Int32Array(NUM_CLASSES);
  for (let i = 0; i < data.count; i++) classCounts[data.labels[i]]++;
  return tf.tidy(() => {
    const scale = tf.scalar(255);
    const chunks: tf.Tensor2D[] = [];
    for (let start = 0; start < data.count; start += UPLOAD_ROWS) {
      const rows = Math.min(UPLOAD_ROWS, data.count - start);
      const bytes = data.images.subarray(start * IMAGE_SIZE, (start + rows) * IMAGE_SIZE);
      // Division on the device (not in JS) matches x / 255 rounded to float32 exactly.
      chunks.push(tf.div(tf.tensor2d(Float32Array.from(bytes), [rows, IMAGE_SIZE]), scale));
    }
    const images = chunks.length === 1 ? chunks[0] : tf.concat2d(chunks, 0);
    // Int32Array.from copies, so later changes to the caller's arrays cannot reach the device.
    const labels = tf.tensor1d(Int32Array.from(data.labels), 'int32');
    const oneHot = tf.cast(tf.oneHot(labels, NUM_CLASSES), 'float32') as tf.Tensor2D;
    return { count: data.count, images, labels, oneHot, classCounts };
  });
}

export function disposeData(data: ResidentData | null): void {
  if (data) tf.dispose([data.images, data.labels, data.oneHot]);
}
