// The engine's shared vocabulary: configuration (with §4 defaults and validation), the network's
// state as plain typed arrays, the per-epoch event, and the interface both compute paths implement.
import { IMAGE_SIZE, NUM_CLASSES } from './constants';

export type DatasetName = 'mnist' | 'fashion-mnist';
export type Strategy = 'set' | 'rigl' | 'static' | 'dense';
export type ZetaSchedule = 'constant' | 'cosine';
export type Pruning = 'magnitude' | 'by-sign';
export const PRUNINGS: readonly Pruning[] = ['magnitude', 'by-sign'];

export interface TrainConfig {
  dataset: DatasetName;
  strategy: Strategy;
  /** Width H of each of the three hidden layers. */
  hidden: number;
  /** Fraction of possible links present in each sparse layer. */
  density: number;
  /** Fraction of each sparse layer's links pruned (and regrown) after each epoch. */
  zeta: number;
  zetaSchedule: ZetaSchedule;
  /**
   * Which links a rewiring removes: the fraction ζ with the smallest |w| over the whole layer
   * ('magnitude'), or ζ of the positive and ζ of the negative weights separately ('by-sign', the
   * convention of SET's reference code). Static and dense networks never rewire, so it does not
   * matter to them.
   */
  pruning: Pruning;
  epochs: number;
  batchSize: number;
  learningRate: number;
  /** L2 weight decay added to the weights' gradient (SET's convention); 0 turns it off. */
  weightDecay: number;
  seed: number;
  /** Number of training images used (the first N of a seeded permutation); full set by default. */
  trainLimit: number | null;
}

export const DEFAULT_CONFIG: Readonly<TrainConfig> = Object.freeze({
  dataset: 'mnist',
  strategy: 'set',
  hidden: 1000,
  density: 0.01,
  zeta: 0.3,
  zetaSchedule: 'constant',
  pruning: 'magnitude',
  epochs: 10,
  batchSize: 128,
  learningRate: 1e-3,
  weightDecay: 1e-4,
  seed: 1,
  trainLimit: null,
});

export const ADAM_BETA1 = 0.9;
export const ADAM_BETA2 = 0.999;
export const ADAM_EPSILON = 1e-8;

/** Returns a list of human-readable problems; empty when the configuration is valid. */
export function validateConfig(c: TrainConfig, trainSetSize?: number): string[] {
  const problems: string[] = [];
  const isInt = (x: number) => Number.isInteger(x);
  if (c.dataset !== 'mnist' && c.dataset !== 'fashion-mnist') problems.push(`dataset must be "mnist" or "fashion-mnist", got "${String(c.dataset)}"`);
  if (!['set', 'rigl', 'static', 'dense'].includes(c.strategy)) problems.push(`strategy must be set, rigl, static or dense, got "${String(c.strategy)}"`);
  if (!isInt(c.hidden) || c.hidden < 1 || c.hidden > 8192) problems.push(`hidden size H must be an integer from 1 to 8192, got ${c.hidden}`);
  if (!(c.density > 0 && c.density <= 1)) problems.push(`density must be in (0, 1], got ${c.density}`);
  if (!(c.zeta >= 0 && c.zeta < 1)) problems.push(`zeta (prune fraction) must be in [0, 1), got ${c.zeta}`);
  if (c.zetaSchedule !== 'constant' && c.zetaSchedule !== 'cosine') problems.push(`zeta schedule must be constant or cosine, got "${String(c.zetaSchedule)}"`);
  if (!PRUNINGS.includes(c.pruning)) problems.push(`pruning must be magnitude or by-sign, got "${String(c.pruning)}"`);
  if (!isInt(c.epochs) || c.epochs < 1 || c.epochs > 1000) problems.push(`epochs must be an integer from 1 to 1000, got ${c.epochs}`);
  if (!isInt(c.batchSize) || c.batchSize < 1 || c.batchSize > 60000) problems.push(`batch size must be an integer from 1 to 60000, got ${c.batchSize}`);
  if (!(Number.isFinite(c.learningRate) && c.learningRate > 0 && c.learningRate <= 10)) problems.push(`learning rate must be a finite number in (0, 10], got ${c.learningRate}`);
  if (!(Number.isFinite(c.weightDecay) && c.weightDecay >= 0 && c.weightDecay < 1)) problems.push(`weight decay must be in [0, 1), got ${c.weightDecay}`);
  if (!isInt(c.seed) || c.seed < 0 || c.seed > 0xffffffff) problems.push(`seed must be an integer from 0 to 4294967295, got ${c.seed}`);
  if (c.trainLimit !== null && (!isInt(c.trainLimit) || c.trainLimit < 1)) problems.push(`training-set size must be a positive integer, got ${c.trainLimit}`);
  const n = c.trainLimit ?? trainSetSize;
  if (trainSetSize !== undefined && c.trainLimit !== null && c.trainLimit > trainSetSize) problems.push(`training-set size ${c.trainLimit} exceeds the ${trainSetSize} images available`);
  // An unusable training-set size is reported above; comparing the batch with it would only confuse.
  if (n !== undefined && n !== null && n >= 1 && isInt(c.batchSize) && c.batchSize > n) problems.push(`batch size ${c.batchSize} is larger than the training set (${n} images)`);
  return problems;
}

/** Layer sizes of the paper's network: 784 → H → H → H → 10. */
export function layerShapes(hidden: number): Array<[number, number]> {
  return [[IMAGE_SIZE, hidden], [hidden, hidden], [hidden, hidden], [hidden, NUM_CLASSES]];
}

/** Number of sparse layers (the first three); the output layer is always dense. */
export const NUM_SPARSE_LAYERS = 3;

/**
 * One layer's parameters. `links` is the sorted list of active link ids (`i * nOut + j`) of a
 * sparse layer, with `weights[k]` the weight of `links[k]`; for a dense layer `links` is null
 * and `weights` is the full row-major nIn×nOut matrix.
 */
export interface LayerState {
  nIn: number;
  nOut: number;
  links: Int32Array | null;
  weights: Float32Array;
  bias: Float32Array;
}

/** Adam moments aligned with a layer's `weights` and `bias`. */
export interface LayerMoments {
  mW: Float32Array;
  vW: Float32Array;
  mB: Float32Array;
  vB: Float32Array;
}

/** Everything needed to continue training: parameters, optimizer moments and step count. */
export interface NetworkState {
  layers: LayerState[];
  moments: LayerMoments[];
  /** Number of Adam steps taken so far (for bias correction). */
  step: number;
}

/** Dataset arrays as the engine consumes them: raw bytes, 784 per image, labels 0..9. */
export interface DataArrays {
  images: Uint8Array;
  labels: Uint8Array;
  count: number;
}

export interface EvalResult {
  accuracy: number;
  loss: number;
  /** Accuracy per class (NaN where a class has no example). */
  perClass: Float32Array;
}

/** A compute path: the device path (tfjs masked dense) or the sparse CPU path. */
export interface ComputePath {
  readonly kind: 'sparse-cpu' | 'masked-dense' | 'dense';
  /** Takes ownership of a copy of the state (uploads weights, masks and moments). */
  load(state: NetworkState): void;
  /** Reads the current state back (called at epoch ends, never per batch). */
  save(): Promise<NetworkState>;
  /** Makes the training images resident (on the device for the device path). */
  setTrainData(data: DataArrays): void;
  setTestData(data: DataArrays): void;
  /**
   * One Adam step on the training images `indices` (into the resident training set).
   * Must not read back to the CPU. Accumulates the batch loss for `takeMeanLoss`.
   */
  trainStep(indices: Int32Array, learningRate: number, weightDecay: number): void;
  /** Mean training loss since the previous call (one readback). */
  takeMeanLoss(): Promise<number>;
  /** Accuracy and loss on the resident test set (or on `data` when given). */
  evaluate(data?: DataArrays): Promise<EvalResult>;
  /** Logits of a batch of images (N×784 floats in [0, 1]) → N×10. */
  predict(pixels: Float32Array, count: number): Promise<Float32Array>;
  /**
   * Dense |∂loss/∂W| of sparse layer `layer` (nIn×nOut, row-major) on the given training images,
   * used by RigL to grow links where the gradient is largest.
   */
  denseGradientMagnitude(layer: number, indices: Int32Array): Promise<Float32Array>;
  /**
   * Gradient of the mean cross-entropy loss with respect to the input pixels (N×784, floats in
   * [0, 1]) for the given labels → N×784 (for FGSM/PGD attacks; see perturb.ts). Added by the lead
   * for the robustness work: both paths implement it (the device path with tf.grad in a tidy).
   */
  inputGradient(pixels: Float32Array, labels: Uint8Array, count: number): Promise<Float32Array>;
  dispose(): void;
}
