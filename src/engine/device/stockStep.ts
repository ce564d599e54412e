// The stock tfjs training step, the baseline benchmarks measure the device path against: written
// the way tfjs's guides write it (tf.train.adam, tf.losses.softmaxCrossEntropy, tf.variableGrads,
// JS numbers as operands), with masked gradients and SET's decay. Used only by benchmarks.
import * as tf from '@tensorflow/tfjs';
import { NUM_CLASSES } from '../constants';
import type { DataArrays, NetworkState } from '../types';
import { ADAM_BETA1, ADAM_BETA2, ADAM_EPSILON } from '../types';
import { checkData } from './datasets';
import { checkState, disposeLayers, uploadLayers } from './params';

const FILE = 'device/stockStep.ts';

export interface StockStepOptions {
  learningRate: number;
  weightDecay: number;
}

export interface StockStep {
  /** One Adam step on the training images `indices`; nothing is read back. */
  step(indices: Int32Array): void;
  /** The layers' current weights, nIn×nOut row-major (for checks; one readback). */
  denseWeights(layer: number): Promise<Float32Array>;
  dispose(): void;
}

/** A layer as tfjs's optimizers want it: trainable variables, plus the constant 0/1 mask. */
interface StockLayer {
  w: tf.Variable<tf.Rank.R2>;
  b: tf.Variable<tf.Rank.R1>;
  mask: tf.Tensor2D | null;
}

class TfjsStockStep implements StockStep {
  private readonly layers: StockLayer[];
  private readonly images: tf.Tensor2D;
  private readonly oneHot: tf.Tensor2D;
  private readonly count: number;
  private readonly optimizer: tf.AdamOptimizer;
  private disposed = false;

  constructor(state: NetworkState, train: DataArrays, private readonly options: StockStepOptions) {
    const problems = [...checkState(state), ...checkData(train, 'training set')];
    if (problems.length > 0) throw new Error(`${FILE}: ${problems.join('; ')}`);
    // Only the weights, biases and masks are kept: tf.train.adam makes its own moments.
    const uploaded = uploadLayers(state);
    this.layers = uploaded.map((layer) => ({
      w: tf.variable(layer.w, true),
      b: tf.variable(layer.b, true),
      mask: layer.mask ? tf.clone(layer.mask) : null,
    }));
    disposeLayers(uploaded);
    this.count = train.count;
    // The usual tfjs way: one float tensor of the whole set, pixels scaled by a number operand.
    this.images = tf.tidy(() => tf.div(tf.tensor2d(Float32Array.from(train.images), [train.count, train.images.length / train.count]), 255));
    this.oneHot = tf.tidy(() => tf.oneHot(tf.tensor1d(Int32Array.from(train.labels), 'int32'), NUM_CLASSES).toFloat() as tf.Tensor2D);
    this.optimizer = tf.train.adam(options.learningRate, ADAM_BETA1, ADAM_BETA2, ADAM_EPSILON);
  }

  step(indices: Int32Array): void {
    if (this.disposed) throw new Error(`${FILE}: this stock step has been disposed`);
    if (indices.some((i) => !(i >= 0 && i < this.count))) throw new Error(`${FILE}: an image index is outside 0..${this.count - 1}`);
    const { weightDecay } = this.options;
    tf.tidy(() => {
      const rows = tf.tensor1d(indices, 'int32');
      const x = tf.gather(this.images, rows);
      const labels = tf.gather(this.oneHot, rows);
      const loss = () => {
        let h: tf.Tensor2D = x;
        this.layers.forEach((layer, l) => {
          const w = layer.mask ? tf.mul(layer.w, layer.mask) : layer.w;
          const z = tf.add(tf.matMul(h, w), layer.b) as tf.Tensor2D;
          h = l === this.layers.length - 1 ? z : tf.relu(z);
        });
        return tf.losses.softmaxCrossEntropy(labels, h) as tf.Scalar;
      };
      const { grads } = tf.variableGrads(loss, this.layers.flatMap((layer) => [layer.w, layer.b]));
      const masked: Array<{ name: string; tensor: tf.Tensor }> = this.layers.flatMap((layer) => {
        // SET's decay is added to the gradient; the mask keeps absent links at zero.
        const g = tf.add(grads[layer.w.name], tf.mul(layer.w, weightDecay));
        return [
          { name: layer.w.name, tensor: layer.mask ? tf.mul(g, layer.mask) : g },
          { name: layer.b.name, tensor: grads[layer.b.name] },
        ];
      });
      this.optimizer.applyGradients(masked);
    });
  }

  async denseWeights(layer: number): Promise<Float32Array> {
    if (!(layer >= 0 && layer < this.layers.length)) throw new Error(`${FILE}: layer ${layer} does not exist`);
    return ((await this.layers[layer].w.data()) as Float32Array).slice();
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const layer of this.layers) tf.dispose([layer.w, layer.b, ...(layer.mask ? [layer.mask] : [])]);
    tf.dispose([this.images, this.oneHot]);
    this.optimizer.dispose();
  }
}

/**
 * The stock step on the current backend, starting from `state`'s weights (its Adam moments are
 * not used) and training on `train`, uploaded once like the device path's resident data.
 */
export function createStockStep(state: NetworkState, train: DataArrays, options: StockStepOptions): StockStep {
  if (!(options.learningRate > 0) || !(options.weightDecay >= 0)) throw new Error(`${FILE}: learning rate ${options.learningRate} / weight decay ${options.weightDecay} out of range`);
  return new TfjsStockStep(state, train, options);
}
