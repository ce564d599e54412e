// Adam with L2 weight decay on the device, built from tfjs ops whose every operand is a tensor:
// the constants live in kept scalars; the step's two bias-corrected factors are the one upload.
import * as tf from '@tensorflow/tfjs';
import { ADAM_BETA1, ADAM_BETA2, ADAM_EPSILON } from '../types';

/** Kept scalar tensors: a JS number as an operand would be a fresh GPU upload per op on WebGPU. */
export interface AdamConstants {
  beta1: tf.Scalar;
  beta2: tf.Scalar;
  oneMinusBeta1: tf.Scalar;
  oneMinusBeta2: tf.Scalar;
}

export function createAdamConstants(): AdamConstants {
  return {
    beta1: tf.scalar(ADAM_BETA1),
    beta2: tf.scalar(ADAM_BETA2),
    oneMinusBeta1: tf.scalar(1 - ADAM_BETA1),
    oneMinusBeta2: tf.scalar(1 - ADAM_BETA2),
  };
}

export function disposeAdamConstants(c: AdamConstants): void {
  tf.dispose([c.beta1, c.beta2, c.oneMinusBeta1, c.oneMinusBeta2]);
}

/**
 * The two numbers that change every step, in float64: [lr·√c2/c1, ε·√c2] with the bias
 * corrections c1 = 1 − β1^t, c2 = 1 − β2^t. Then lrFactor·m/(√v + ε̂) equals the textbook
 * lr·(m/c1)/(√(v/c2) + ε) used by PyTorch and the sparse CPU path, with one fewer op per element.
 */
export function stepFactors(learningRate: number, step: number): Float32Array {
  const c1 = 1 - ADAM_BETA1 ** step;
  const rootC2 = Math.sqrt(1 - ADAM_BETA2 ** step);
  return Float32Array.of((learningRate * rootC2) / c1, ADAM_EPSILON * rootC2);
}

/** The step's factors as device scalars; the per-step upload (one small tensor). */
export interface StepScalars {
  lrFactor: tf.Scalar;
  epsilonHat: tf.Scalar;
}

/** Uploads `stepFactors` as one tensor and splits it on the device; inside the caller's tidy. */
export function uploadStepScalars(learningRate: number, step: number): StepScalars {
  const [lrFactor, epsilonHat] = tf.unstack(tf.tensor1d(stepFactors(learningRate, step))) as tf.Scalar[];
  return { lrFactor, epsilonHat };
}

export interface AdamSlot {
  param: tf.Variable;
  m: tf.Variable;
  v: tf.Variable;
}

/**
 * One Adam update of `slot` from its loss gradient; inside the caller's tf.tidy.
 * `decay` (a scalar, or null for none and for biases) adds decay·param to the gradient before
 * the moments, as SET's code does. Entries whose gradient, moments and value are all zero — a
 * masked layer's absent links — stay exactly zero: m = v = 0 and the update is 0 / ε̂ = 0.
 */
export function adamUpdate(slot: AdamSlot, gradient: tf.Tensor, c: AdamConstants, step: StepScalars, decay: tf.Scalar | null): void {
  const g = decay ? tf.add(gradient, tf.mul(slot.param, decay)) : gradient;
  const m = tf.add(tf.mul(slot.m, c.beta1), tf.mul(g, c.oneMinusBeta1));
  const v = tf.add(tf.mul(slot.v, c.beta2), tf.mul(tf.square(g), c.oneMinusBeta2));
  const change = tf.div(tf.mul(m, step.lrFactor), tf.add(tf.sqrt(v), step.epsilonHat));
  slot.m.assign(m);
  slot.v.assign(v);
  slot.param.assign(tf.sub(slot.param, change));
}
