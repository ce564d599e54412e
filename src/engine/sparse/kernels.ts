// Element-wise kernels of the sparse CPU path: bias gradient, softmax cross-entropy, Adam. The matrix
// kernels over a layer's links are in linkKernels.ts, ReLU in rowOps.ts. Activations are feature-major.

/** ∂loss/∂bias[j] = Σ_b dy[j,b]. */
export function biasGradient(dy: Float32Array, dB: Float32Array, batch: number): void {
  for (let j = 0; j < dB.length; j++) {
    const yj = j * batch;
    let s = 0;
    for (let b = 0; b < batch; b++) s += dy[yj + b];
    dB[j] = s;
  }
}

/**
 * Softmax cross-entropy over feature-major logits (class c of sample b at c·B + b): writes
 * ∂(mean loss)/∂logits into `dLogits` and returns the batch's mean loss.
 */
export function softmaxCrossEntropyBackward(
  logits: Float32Array, labels: Uint8Array, labelIndex: Int32Array | null, labelOffset: number,
  dLogits: Float32Array, classes: number, batch: number,
): number {
  let lossSum = 0;
  const inv = 1 / batch;
  for (let b = 0; b < batch; b++) {
    const y = labelIndex === null ? labels[labelOffset + b] : labels[labelIndex[b]];
    let max = -Infinity;
    for (let c = 0; c < classes; c++) max = Math.max(max, logits[c * batch + b]);
    let sum = 0;
    for (let c = 0; c < classes; c++) {
      const e = Math.exp(logits[c * batch + b] - max);
      dLogits[c * batch + b] = e;
      sum += e;
    }
    lossSum += max + Math.log(sum) - logits[y * batch + b];
    for (let c = 0; c < classes; c++) dLogits[c * batch + b] = (dLogits[c * batch + b] / sum - (c === y ? 1 : 0)) * inv;
  }
  return lossSum * inv;
}

/**
 * Adam with L2 decay added to the gradient before the moments (SET's convention; 0 turns it off):
 * g = ∂loss/∂p + decay·p; m, v updated; p −= lr·m̂/(√v̂ + ε) with m̂ = m/c1, v̂ = v/c2 (bias corrections).
 */
export function adamUpdate(
  params: Float32Array, grads: Float32Array, m: Float32Array, v: Float32Array,
  lr: number, decay: number, beta1: number, beta2: number, epsilon: number, c1: number, c2: number,
): void {
  const a1 = 1 - beta1;
  const a2 = 1 - beta2;
  for (let k = 0; k < params.length; k++) {
    const p = params[k];
    const g = grads[k] + decay * p;
    const mk = beta1 * m[k] + a1 * g;
    const vk = beta2 * v[k] + a2 * g * g;
    m[k] = mk;
    v[k] = vk;
    params[k] = p - (lr * (mk / c1)) / (Math.sqrt(vk / c2) + epsilon);
  }
}
