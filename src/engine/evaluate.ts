// Accuracy helpers shared by the compute paths: a running tally of correct answers and
// cross-entropy over batches of logits, finished into an EvalResult (overall and per class).
import { NUM_CLASSES } from './constants';
import type { EvalResult } from './types';

/**
 * How a batch of logits is laid out: `sample-major` is N×10 row-major (what tfjs returns),
 * `feature-major` is 10×N (class c of sample b at c·N + b, the sparse CPU path's layout).
 */
export type LogitLayout = 'sample-major' | 'feature-major';

export interface EvalTally {
  count: number;
  correct: number;
  lossSum: number;
  classCount: Float64Array;
  classCorrect: Float64Array;
}

export function createEvalTally(): EvalTally {
  return { count: 0, correct: 0, lossSum: 0, classCount: new Float64Array(NUM_CLASSES), classCorrect: new Float64Array(NUM_CLASSES) };
}

/** Cross-entropy −log softmax(z)_y, computed stably from the largest logit. */
export function crossEntropy(logits: ArrayLike<number>, offset: number, stride: number, label: number): number {
  let max = -Infinity;
  for (let c = 0; c < NUM_CLASSES; c++) max = Math.max(max, logits[offset + c * stride]);
  let sum = 0;
  for (let c = 0; c < NUM_CLASSES; c++) sum += Math.exp(logits[offset + c * stride] - max);
  return max + Math.log(sum) - logits[offset + label * stride];
}

/** Index of the largest of the ten logits (the first on ties). */
export function argmaxLogits(logits: ArrayLike<number>, offset: number, stride: number): number {
  let best = 0;
  let bestValue = logits[offset];
  for (let c = 1; c < NUM_CLASSES; c++) {
    const v = logits[offset + c * stride];
    if (v > bestValue) { bestValue = v; best = c; }
  }
  return best;
}

/** Adds `count` samples whose labels are `labels[labelOffset ..]` to the tally. */
export function tallyLogits(tally: EvalTally, logits: ArrayLike<number>, count: number, labels: ArrayLike<number>, labelOffset: number, layout: LogitLayout): void {
  for (let b = 0; b < count; b++) {
    const offset = layout === 'sample-major' ? b * NUM_CLASSES : b;
    const stride = layout === 'sample-major' ? 1 : count;
    const label = labels[labelOffset + b];
    const hit = argmaxLogits(logits, offset, stride) === label;
    tally.count++;
    tally.classCount[label]++;
    if (hit) { tally.correct++; tally.classCorrect[label]++; }
    tally.lossSum += crossEntropy(logits, offset, stride, label);
  }
}

export function finishEval(tally: EvalTally): EvalResult {
  const perClass = new Float32Array(NUM_CLASSES);
  for (let c = 0; c < NUM_CLASSES; c++) perClass[c] = tally.classCount[c] > 0 ? tally.classCorrect[c] / tally.classCount[c] : NaN;
  return {
    accuracy: tally.count > 0 ? tally.correct / tally.count : NaN,
    loss: tally.count > 0 ? tally.lossSum / tally.count : NaN,
    perClass,
  };
}

/** Accuracy of N×10 row-major logits against labels: the simple one-call form. */
export function accuracyOf(logits: Float32Array, labels: ArrayLike<number>): number {
  const tally = createEvalTally();
  tallyLogits(tally, logits, logits.length / NUM_CLASSES, labels, 0, 'sample-major');
  return finishEval(tally).accuracy;
}
