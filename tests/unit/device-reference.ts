// A slow, obvious float64 reference of the network's maths (forward, softmax cross-entropy,
// backward, one Adam step with L2 decay) and seeded test networks, for checking the compute paths.
import { IMAGE_SIZE, NUM_CLASSES } from '../../src/engine/constants';
import { createRng, type Rng } from '../../src/engine/rng';
import {
  ADAM_BETA1, ADAM_BETA2, ADAM_EPSILON, type DataArrays, type LayerMoments, type LayerState, type NetworkState,
} from '../../src/engine/types';

/** Sorted, distinct link ids: round(density · nIn · nOut) of them, drawn uniformly. */
export function randomLinks(rng: Rng, nIn: number, nOut: number, density: number): Int32Array {
  const size = nIn * nOut;
  const chosen = new Set<number>();
  const target = Math.max(1, Math.round(density * size));
  while (chosen.size < target) chosen.add(rng.int(size));
  return Int32Array.from([...chosen].sort((a, b) => a - b));
}

function normals(rng: Rng, n: number, scale: number): Float32Array {
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = rng.normal() * scale;
  return out;
}

/**
 * 784 → H → H → H → 10 with sparse first three layers (unless `allDense`), random weights scaled
 * by the expected fan-in, random biases and non-zero Adam moments after `step` steps.
 */
export function randomState(seed: number, hidden: number, density: number, options: { allDense?: boolean; step?: number } = {}): NetworkState {
  const rng = createRng(seed);
  const shapes: Array<[number, number]> = [[IMAGE_SIZE, hidden], [hidden, hidden], [hidden, hidden], [hidden, NUM_CLASSES]];
  const layers: LayerState[] = [];
  const moments: LayerMoments[] = [];
  shapes.forEach(([nIn, nOut], l) => {
    const sparse = l < 3 && !options.allDense;
    const links = sparse ? randomLinks(rng, nIn, nOut, density) : null;
    const n = links ? links.length : nIn * nOut;
    const fanIn = sparse ? Math.max(1, density * nIn) : nIn;
    layers.push({ nIn, nOut, links, weights: normals(rng, n, 1.5 / Math.sqrt(fanIn)), bias: normals(rng, nOut, 0.1) });
    const square = (a: Float32Array) => a.map((x) => x * x + 1e-7);
    moments.push({ mW: normals(rng, n, 1e-3), vW: square(normals(rng, n, 1e-3)), mB: normals(rng, nOut, 1e-3), vB: square(normals(rng, nOut, 1e-3)) });
  });
  return { layers, moments, step: options.step ?? 5 };
}

/** Random images (bytes, a third of them zero like MNIST's background) and labels. */
export function randomData(seed: number, count: number): DataArrays {
  const rng = createRng(seed);
  const images = new Uint8Array(count * IMAGE_SIZE);
  for (let i = 0; i < images.length; i++) images[i] = rng.next() < 0.33 ? 0 : rng.int(256);
  const labels = new Uint8Array(count);
  for (let i = 0; i < count; i++) labels[i] = rng.int(NUM_CLASSES);
  return { images, labels, count };
}

/** Pixels of the chosen images as the device sees them: float32(byte / 255). */
export function pixelsOf(data: DataArrays, indices: ArrayLike<number>): Float32Array {
  const out = new Float32Array(indices.length * IMAGE_SIZE);
  for (let b = 0; b < indices.length; b++) {
    for (let i = 0; i < IMAGE_SIZE; i++) out[b * IMAGE_SIZE + i] = data.images[indices[b] * IMAGE_SIZE + i] / 255;
  }
  return out;
}

/** A layer's full nIn×nOut weight matrix (zeros off the links) in float64. */
export function denseMatrix(layer: LayerState): Float64Array {
  const w = new Float64Array(layer.nIn * layer.nOut);
  if (!layer.links) w.set(layer.weights);
  else layer.links.forEach((id, k) => { w[id] = layer.weights[k]; });
  return w;
}

export interface ReferencePass {
  /** acts[0] = pixels, acts[l + 1] = layer l's output (ReLU for hidden layers, logits for the last). */
  acts: Float64Array[];
  /** Mean cross-entropy over the batch. */
  loss: number;
  /** Dense ∂loss/∂W (nIn×nOut, absent links included) and ∂loss/∂b per layer. */
  dW: Float64Array[];
  dB: Float64Array[];
  /** ∂loss/∂pixels, count×784. */
  dX: Float64Array;
}

/** Forward and backward pass, one loop per sum, in float64. */
export function referencePass(state: NetworkState, pixels: ArrayLike<number>, labels: ArrayLike<number>, count: number): ReferencePass {
  const weights = state.layers.map(denseMatrix);
  const acts: Float64Array[] = [Float64Array.from(pixels)];
  state.layers.forEach((layer, l) => {
    const x = acts[l];
    const y = new Float64Array(count * layer.nOut);
    for (let b = 0; b < count; b++) {
      for (let j = 0; j < layer.nOut; j++) {
        let z = layer.bias[j];
        for (let i = 0; i < layer.nIn; i++) z += x[b * layer.nIn + i] * weights[l][i * layer.nOut + j];
        y[b * layer.nOut + j] = l < state.layers.length - 1 ? Math.max(0, z) : z;
      }
    }
    acts.push(y);
  });
  const logits = acts[acts.length - 1];
  let dZ = new Float64Array(count * NUM_CLASSES);
  let loss = 0;
  for (let b = 0; b < count; b++) {
    const row = logits.subarray(b * NUM_CLASSES, (b + 1) * NUM_CLASSES);
    const max = Math.max(...row);
    const sum = row.reduce((s, z) => s + Math.exp(z - max), 0);
    loss += (max + Math.log(sum) - row[labels[b]]) / count;
    for (let c = 0; c < NUM_CLASSES; c++) dZ[b * NUM_CLASSES + c] = (Math.exp(row[c] - max) / sum - (c === labels[b] ? 1 : 0)) / count;
  }
  const dW: Float64Array[] = [];
  const dB: Float64Array[] = [];
  let dX = new Float64Array(0);
  for (let l = state.layers.length - 1; l >= 0; l--) {
    const { nIn, nOut } = state.layers[l];
    const x = acts[l];
    dW[l] = new Float64Array(nIn * nOut);
    dB[l] = new Float64Array(nOut);
    dX = new Float64Array(count * nIn);
    for (let b = 0; b < count; b++) {
      for (let j = 0; j < nOut; j++) {
        const d = dZ[b * nOut + j];
        dB[l][j] += d;
        for (let i = 0; i < nIn; i++) {
          dW[l][i * nOut + j] += x[b * nIn + i] * d;
          dX[b * nIn + i] += weights[l][i * nOut + j] * d;
        }
      }
    }
    // Below layer 0 are the pixels, not a ReLU: their gradient is not masked.
    if (l > 0) for (let k = 0; k < dX.length; k++) if (x[k] <= 0) dX[k] = 0;
    dZ = dX;
  }
  return { acts, loss, dW, dB, dX };
}

function adam(p: number, g: number, m: number, v: number, lr: number, decay: number, step: number): [number, number, number] {
  const gd = g + decay * p;
  const m2 = ADAM_BETA1 * m + (1 - ADAM_BETA1) * gd;
  const v2 = ADAM_BETA2 * v + (1 - ADAM_BETA2) * gd * gd;
  const mHat = m2 / (1 - ADAM_BETA1 ** step);
  const vHat = v2 / (1 - ADAM_BETA2 ** step);
  return [p - (lr * mHat) / (Math.sqrt(vHat) + ADAM_EPSILON), m2, v2];
}

/** The state after one textbook Adam step (decay on weights only), as float64 arrays per layer. */
export function referenceAdamStep(state: NetworkState, pass: ReferencePass, lr: number, decay: number): { w: Float64Array[]; b: Float64Array[]; mW: Float64Array[]; vW: Float64Array[]; mB: Float64Array[]; vB: Float64Array[] } {
  const step = state.step + 1;
  const out = { w: [] as Float64Array[], b: [] as Float64Array[], mW: [] as Float64Array[], vW: [] as Float64Array[], mB: [] as Float64Array[], vB: [] as Float64Array[] };
  state.layers.forEach((layer, l) => {
    const mom = state.moments[l];
    const n = layer.weights.length;
    const [w, mW, vW] = [new Float64Array(n), new Float64Array(n), new Float64Array(n)];
    for (let k = 0; k < n; k++) {
      const id = layer.links ? layer.links[k] : k;
      [w[k], mW[k], vW[k]] = adam(layer.weights[k], pass.dW[l][id], mom.mW[k], mom.vW[k], lr, decay, step);
    }
    const [b, mB, vB] = [new Float64Array(layer.nOut), new Float64Array(layer.nOut), new Float64Array(layer.nOut)];
    for (let j = 0; j < layer.nOut; j++) [b[j], mB[j], vB[j]] = adam(layer.bias[j], pass.dB[l][j], mom.mB[j], mom.vB[j], lr, 0, step);
    out.w.push(w); out.b.push(b); out.mW.push(mW); out.vW.push(vW); out.mB.push(mB); out.vB.push(vB);
  });
  return out;
}

/** ‖a − b‖ / ‖b‖ (b is the reference). */
export function relativeError(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`relativeError: lengths ${a.length} and ${b.length} differ`);
  let diff = 0;
  let norm = 0;
  for (let i = 0; i < b.length; i++) {
    diff += (a[i] - b[i]) ** 2;
    norm += b[i] ** 2;
  }
  return Math.sqrt(diff) / Math.sqrt(norm);
}

/** Element-wise a − b in float64. */
export function difference(a: ArrayLike<number>, b: ArrayLike<number>): Float64Array {
  return Float64Array.from({ length: a.length }, (_, i) => a[i] - b[i]);
}
