// Browser side: each custom WebGPU kernel against the plain tfjs ops it replaces, on random
// inputs with awkward sizes (not multiples of the tiles). Returns relative errors for Node to judge.
import * as tf from '@tensorflow/tfjs';
import { NUM_CLASSES } from '../../../src/engine/constants';
import { adamUpdate, createAdamConstants, disposeAdamConstants, stepFactors, uploadStepScalars } from '../../../src/engine/device/adam';
import { softmaxCrossEntropy } from '../../../src/engine/device/maths';
import { type AdamUpdate, runFusedAdam, shapeUniformData, STEP_UNIFORM_BYTES, stepUniformData } from '../../../src/engine/device/webgpu/adamKernel';
import { requireWebGpuBackend } from '../../../src/engine/device/webgpu/gpuBackend';
import { accumulateLoss, softmaxCrossEntropyGrad } from '../../../src/engine/device/webgpu/lossPrograms';
import { matMulBias, matMulReluGrad } from '../../../src/engine/device/webgpu/matMulProgram';
import { createRng, type Rng } from '../../../src/engine/rng';
import { relativeError } from '../../unit/device-reference';

function normals(rng: Rng, n: number, scale = 1): Float32Array {
  return Float32Array.from({ length: n }, () => rng.normal() * scale);
}

/** A 0/1 mask with about `density` ones, and its sorted link ids. */
function randomMask(rng: Rng, nIn: number, nOut: number, density: number): { mask: Float32Array; links: Int32Array } {
  const mask = Float32Array.from({ length: nIn * nOut }, () => (rng.next() < density ? 1 : 0));
  const links = Int32Array.from(Array.from(mask).flatMap((on, id) => (on ? [id] : [])));
  return { mask, links };
}

async function values(t: tf.Tensor): Promise<Float32Array> {
  return (await t.data()) as Float32Array;
}

/** Relative error of a against the reference b, which must not be all zeros (a failed dispatch). */
async function compare(a: tf.Tensor, b: tf.Tensor): Promise<number> {
  const reference = await values(b);
  if (reference.every((x) => x === 0)) throw new Error('tests/e2e/kernels/kernelChecks.ts: a reference result is all zeros');
  return relativeError(await values(a), reference);
}

/** Relative errors of the matrix products with epilogues. */
export async function checkMatMuls(): Promise<Record<string, number>> {
  const backend = requireWebGpuBackend('the kernel checks');
  const rng = createRng(1);
  const [m, k, n] = [37, 70, 45];
  const { mask } = randomMask(rng, k, n, 0.3);
  const x = tf.tensor2d(normals(rng, m * k).map((v) => Math.max(v, 0)), [m, k]);
  const w = tf.tensor2d(normals(rng, k * n).map((v, i) => v * mask[i]), [k, n]);
  const bias = tf.tensor1d(normals(rng, n, 0.5));
  const dz = tf.tensor2d(normals(rng, m * n), [m, n]);
  const results: Record<string, number> = {};
  const pairs: Array<[string, () => tf.Tensor, () => tf.Tensor]> = [
    ['matMul + bias + ReLU', () => matMulBias(backend, x, w, bias, true), () => tf.relu(tf.add(tf.matMul(x, w), bias))],
    ['matMul + bias', () => matMulBias(backend, x, w, bias, false), () => tf.add(tf.matMul(x, w), bias)],
    // Through a ReLU whose output was x: (dz·wᵀ) ⊙ [x > 0].
    ['matMul·Wᵀ ⊙ ReLU′', () => matMulReluGrad(backend, dz, w, x), () => tf.mul(tf.matMul(dz, w, false, true), tf.step(x))],
  ];
  for (const [name, fused, plain] of pairs) {
    const [a, b] = [fused(), plain()];
    results[name] = await compare(a, b);
    tf.dispose([a, b]);
  }
  tf.dispose([x, w, bias, dz]);
  return results;
}

/** Relative errors of the softmax cross-entropy kernels (gradient; loss accumulated in place). */
export async function checkLoss(): Promise<Record<string, number>> {
  const backend = requireWebGpuBackend('the kernel checks');
  const rng = createRng(2);
  const [batch, count] = [71, 200];
  const logits = tf.tensor2d(normals(rng, batch * NUM_CLASSES, 3), [batch, NUM_CLASSES]);
  const labels = tf.tensor1d(Int32Array.from({ length: count }, () => rng.int(NUM_CLASSES)), 'int32');
  const rows = tf.tensor1d(Int32Array.from({ length: batch }, () => rng.int(count)), 'int32');
  const invBatch = tf.scalar(1 / batch);
  const plain = tf.tidy(() => {
    const { sumLogLikelihood, dLogits } = softmaxCrossEntropy(logits, tf.cast(tf.oneHot(tf.gather(labels, rows), NUM_CLASSES), 'float32') as tf.Tensor2D, invBatch);
    return { sumLogLikelihood, dLogits };
  });
  const dLogits = softmaxCrossEntropyGrad(backend, logits, labels, rows);
  const lossSum = tf.tidy(() => tf.variable(tf.scalar(0.25), false));
  accumulateLoss(backend, lossSum, logits, labels, rows);
  accumulateLoss(backend, lossSum, logits, labels, rows);
  const expected = 0.25 - (2 * (await values(plain.sumLogLikelihood))[0]) / batch;
  const results = {
    'softmax cross-entropy gradient': await compare(dLogits, plain.dLogits),
    'loss accumulated in place': relativeError(await values(lossSum), [expected]),
  };
  tf.dispose([logits, labels, rows, invBatch, plain.dLogits, plain.sumLogLikelihood, dLogits, lossSum]);
  return results;
}

interface AdamCase { param: tf.Variable; m: tf.Variable; v: tf.Variable }

function adamCase(rng: Rng, shape: number[], mask?: Float32Array): AdamCase {
  const n = shape.reduce((a, b) => a * b, 1);
  const on = (i: number) => (mask ? mask[i] : 1);
  const variable = (data: Float32Array) => tf.tidy(() => tf.variable(tf.tensor(data, shape), false));
  return {
    param: variable(normals(rng, n, 0.3).map((x, i) => x * on(i))),
    m: variable(normals(rng, n, 1e-3).map((x, i) => x * on(i))),
    v: variable(normals(rng, n, 1e-3).map((x, i) => (x * x + 1e-7) * on(i))),
  };
}

/**
 * The fused Adam kernels (sparse links with their gradient formed per link, a dense layer with a
 * given gradient, biases from a column sum) against device/adam.ts on the masked tfjs gradients.
 * Also reports each step's size relative to the parameters (the update did run) and how many
 * entries off the links the fused kernel changed (must be 0).
 */
export async function checkAdam(): Promise<Record<string, number>> {
  const backend = requireWebGpuBackend('the kernel checks');
  const rng = createRng(3);
  const [batch, nIn, nOut] = [29, 53, 67];
  const { mask, links } = randomMask(rng, nIn, nOut, 0.1);
  const x = tf.tensor2d(normals(rng, batch * nIn).map((v) => Math.max(v, 0)), [batch, nIn]);
  const dz = tf.tensor2d(normals(rng, batch * nOut, 0.1), [batch, nOut]);
  const maskTensor = tf.tensor2d(mask, [nIn, nOut]);
  const linkIds = tf.tensor1d(links, 'int32');
  const [learningRate, step, decay] = [1e-3, 7, 1e-4];
  const cases = {
    links: [adamCase(createRng(4), [nIn, nOut], mask), adamCase(createRng(4), [nIn, nOut], mask)],
    given: [adamCase(createRng(5), [nIn, nOut]), adamCase(createRng(5), [nIn, nOut])],
    columnSum: [adamCase(createRng(6), [nOut]), adamCase(createRng(6), [nOut])],
  };
  const gradient = tf.matMul(x, dz, true, false);
  const initial = { links: await values(cases.links[0].param), given: await values(cases.given[0].param), columnSum: await values(cases.columnSum[0].param) };
  // Plain: the second copy of each case, updated by tfjs ops.
  const constants = createAdamConstants();
  tf.tidy(() => {
    const factors = uploadStepScalars(learningRate, step);
    const decayScalar = tf.scalar(decay);
    const update = (c: AdamCase, g: tf.Tensor, d: tf.Scalar | null) => adamUpdate({ param: c.param, m: c.m, v: c.v }, g, constants, factors, d);
    update(cases.links[1], tf.mul(gradient, maskTensor), decayScalar);
    update(cases.given[1], gradient, decayScalar);
    update(cases.columnSum[1], tf.sum(dz, 0), null);
  });
  disposeAdamConstants(constants);
  // Fused: the first copy of each case, in one pass of three dispatches.
  const { device } = backend;
  const uniform = (data: ArrayBuffer) => {
    const buffer = device.createBuffer({ size: Math.max(data.byteLength, STEP_UNIFORM_BYTES), usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST });
    device.queue.writeBuffer(buffer, 0, data);
    return buffer;
  };
  const stepBuffer = uniform(stepUniformData(stepFactors(learningRate, step), decay, batch));
  const shapes = [uniform(shapeUniformData(nIn, nOut, links.length)), uniform(shapeUniformData(nIn, nOut, nIn * nOut)), uniform(shapeUniformData(nIn, nOut, nOut))];
  const fusedUpdate = (source: AdamUpdate['source'], c: AdamCase, inputs: tf.Tensor[], shape: GPUBuffer, count: number): AdamUpdate => ({ source, ...c, inputs, shape, count });
  runFusedAdam(backend, stepBuffer, [
    fusedUpdate('links', cases.links[0], [x, dz, linkIds], shapes[0], links.length),
    fusedUpdate('given', cases.given[0], [gradient], shapes[1], nIn * nOut),
    fusedUpdate('columnSum', cases.columnSum[0], [dz], shapes[2], nOut),
  ]);
  const results: Record<string, number> = {};
  for (const [source, [fused, plain]] of Object.entries(cases)) {
    for (const part of ['param', 'm', 'v'] as const) results[`Adam (${source}) ${part}`] = await compare(fused[part], plain[part]);
    // How far the step moved the parameters: a check that the update ran at all.
    results[`Adam (${source}) step size`] = relativeError(await values(plain.param), initial[source as keyof typeof initial]);
  }
  const after = await values(cases.links[0].param);
  results['entries changed off the links'] = after.filter((w, i) => mask[i] === 0 && w !== 0).length;
  [stepBuffer, ...shapes].forEach((b) => b.destroy());
  tf.dispose([x, dz, maskTensor, linkIds, gradient, ...Object.values(cases).flat().flatMap((c) => [c.param, c.m, c.v])]);
  return results;
}
