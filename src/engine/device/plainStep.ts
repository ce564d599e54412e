// The training step as plain tfjs ops: used on WebGL and the CPU backend (and on WebGPU when the
// fused kernels are turned off). Every constant is a kept tensor; 2 uploads per step.
import * as tf from '@tensorflow/tfjs';
import { type AdamConstants, adamUpdate, createAdamConstants, disposeAdamConstants, uploadStepScalars } from './adam';
import type { ResidentData } from './datasets';
import { backward, forward, softmaxCrossEntropy } from './maths';
import type { DeviceLayer } from './params';

export class PlainTrainStep {
  private readonly adam: AdamConstants = createAdamConstants();
  /** 1/batch per batch size seen (usually two: the full batch and the epoch's last one). */
  private readonly invBatch = new Map<number, tf.Scalar>();
  private decay: { value: number; scalar: tf.Scalar | null } = { value: 0, scalar: null };

  /** One Adam step on the rows `indices` of `train` (step number `step`, counted from 1). */
  step(layers: readonly DeviceLayer[], train: ResidentData, indices: Int32Array, lossSum: tf.Variable<tf.Rank.R0>, learningRate: number, step: number, weightDecay: number): void {
    const invBatch = this.invBatchFor(indices.length);
    const decay = this.decayFor(weightDecay);
    tf.tidy(() => {
      // The two uploads of a step: the batch's row indices and the bias-corrected Adam factors.
      const rows = tf.tensor1d(indices, 'int32');
      const factors = uploadStepScalars(learningRate, step);
      const activations = forward(layers, tf.gather(train.images, rows));
      const { sumLogLikelihood, dLogits } = softmaxCrossEntropy(activations.logits, tf.gather(train.oneHot, rows), invBatch);
      lossSum.assign(tf.sub(lossSum, tf.mul(sumLogLikelihood, invBatch)));
      // All gradients first: the updates below change W, which the backward pass reads.
      const gradients = backward(layers, activations, dLogits);
      layers.forEach((layer, l) => {
        const { dW, dB } = gradients[l];
        const gW = layer.mask ? tf.mul(dW, layer.mask) : dW;
        adamUpdate({ param: layer.w, m: layer.mW, v: layer.vW }, gW, this.adam, factors, decay);
        adamUpdate({ param: layer.b, m: layer.mB, v: layer.vB }, dB, this.adam, factors, null);
      });
    });
  }

  dispose(): void {
    disposeAdamConstants(this.adam);
    for (const scalar of this.invBatch.values()) scalar.dispose();
    this.invBatch.clear();
    this.decay.scalar?.dispose();
    this.decay = { value: 0, scalar: null };
  }

  private invBatchFor(batchSize: number): tf.Scalar {
    let scalar = this.invBatch.get(batchSize);
    if (!scalar) {
      scalar = tf.scalar(1 / batchSize);
      this.invBatch.set(batchSize, scalar);
    }
    return scalar;
  }

  /** The kept decay scalar, re-made only when the user changes the value; null when decay is off. */
  private decayFor(weightDecay: number): tf.Scalar | null {
    if (weightDecay !== this.decay.value || (weightDecay > 0 && !this.decay.scalar)) {
      this.decay.scalar?.dispose();
      this.decay = { value: weightDecay, scalar: weightDecay > 0 ? tf.scalar(weightDecay) : null };
    }
    return this.decay.scalar;
  }
}
