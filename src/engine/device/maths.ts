// The network's maths on the device, written out by hand: forward pass, softmax cross-entropy,
// and backward pass. Every function must run inside a tf.tidy owned by the caller.
import * as tf from '@tensorflow/tfjs';
import type { DeviceLayer } from './params';

export interface Activations {
  /** inputs[l] is what layer l consumes: the pixels for l = 0, else the previous layer's ReLU output. */
  inputs: tf.Tensor2D[];
  logits: tf.Tensor2D;
}

export interface LayerGradient {
  /** ∂loss/∂W for the whole nIn×nOut matrix, NOT masked (RigL reads the absent links' entries). */
  dW: tf.Tensor2D;
  dB: tf.Tensor1D;
}

/**
 * Hidden layers are relu(x·W + b) and the last is x·W + b, each one fused kernel. W needs no mask
 * here: it is exactly zero off the links from upload on (masked gradients keep it so), so
 * x·W equals x·(W ⊙ M) without spending a multiply per layer.
 */
export function forward(layers: readonly DeviceLayer[], pixels: tf.Tensor2D): Activations {
  const inputs: tf.Tensor2D[] = [];
  let x = pixels;
  layers.forEach((layer, l) => {
    inputs.push(x);
    const last = l === layers.length - 1;
    x = tf.fused.matMul({ a: x, b: layer.w, bias: layer.b, activation: last ? 'linear' : 'relu' }) as tf.Tensor2D;
  });
  return { inputs, logits: x };
}

export interface SoftmaxCrossEntropy {
  /** Σ over the batch of log p(true class): the NEGATIVE of the summed cross-entropy (a scalar). */
  sumLogLikelihood: tf.Scalar;
  /** ∂(mean cross-entropy)/∂logits = (softmax − oneHot) / batch. */
  dLogits: tf.Tensor2D;
}

/** `invBatch` is a kept scalar 1/batch, so no JS number becomes a kernel operand. */
export function softmaxCrossEntropy(logits: tf.Tensor2D, oneHot: tf.Tensor2D, invBatch: tf.Scalar): SoftmaxCrossEntropy {
  const logProbabilities = tf.logSoftmax(logits);
  const sumLogLikelihood = tf.sum(tf.mul(oneHot, logProbabilities)) as tf.Scalar;
  const dLogits = tf.mul(tf.sub(tf.exp(logProbabilities), oneHot), invBatch) as tf.Tensor2D;
  return { sumLogLikelihood, dLogits };
}

/**
 * Gradients of every layer from the last down to `lowest` (earlier entries stay undefined).
 * ReLU's derivative is taken from its output (x > 0 ⇔ z > 0), so pre-activations need not be kept.
 */
export function backward(
  layers: readonly DeviceLayer[],
  activations: Activations,
  dLogits: tf.Tensor2D,
  lowest = 0,
): LayerGradient[] {
  const gradients: LayerGradient[] = new Array<LayerGradient>(layers.length);
  let dZ = dLogits;
  for (let l = layers.length - 1; l >= lowest; l--) {
    const x = activations.inputs[l];
    gradients[l] = { dW: matMulTransposed(x, dZ, true), dB: tf.sum(dZ, 0) as tf.Tensor1D };
    if (l > lowest) dZ = reluBackward(matMulTransposed(dZ, layers[l].w, false), x);
  }
  return gradients;
}

/** ∂loss/∂x through a ReLU whose output was `x`: zero where the unit was off. */
function reluBackward(dX: tf.Tensor2D, x: tf.Tensor2D): tf.Tensor2D {
  return tf.mul(dX, tf.step(x)) as tf.Tensor2D;
}

/** ∂loss/∂pixels: the backward pass without weight gradients (adversarial attacks need only this). */
export function inputGradient(layers: readonly DeviceLayer[], activations: Activations, dLogits: tf.Tensor2D): tf.Tensor2D {
  let dZ = dLogits;
  for (let l = layers.length - 1; l > 0; l--) dZ = reluBackward(matMulTransposed(dZ, layers[l].w, false), activations.inputs[l]);
  // The pixels are not a ReLU output, so their gradient passes unmasked.
  return matMulTransposed(dZ, layers[0].w, false);
}

/**
 * aᵀ·b (transposeA) or a·bᵀ. The wasm backend (Node CLI) multiplies with a transpose flag ~7×
 * slower than it transposes and then multiplies, so there the transpose is made explicit; the
 * GPU backends take the flag natively.
 */
function matMulTransposed(a: tf.Tensor2D, b: tf.Tensor2D, transposeA: boolean): tf.Tensor2D {
  if (tf.getBackend() === 'wasm') return transposeA ? tf.matMul(tf.transpose(a), b) : tf.matMul(a, tf.transpose(b));
  return transposeA ? tf.matMul(a, b, true, false) : tf.matMul(a, b, false, true);
}
