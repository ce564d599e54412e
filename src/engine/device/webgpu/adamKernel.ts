// Fused Adam with L2 decay as our own WebGPU compute pipelines, dispatched on tfjs's device: one
// dispatch updates a parameter and both its moments in place (tfjs programs have one output).
// A sparse layer's kernel visits only its links and forms each link's gradient there.
import type * as tf from '@tensorflow/tfjs';
import type { WebGPUBackend } from '@tensorflow/tfjs-backend-webgpu';
import { ADAM_BETA1, ADAM_BETA2 } from '../../types';
import { recordRawWork } from './counters';
import { assertSoleOwner, bufferOf, byteSize, flushTfjsCommands, markWrittenInPlace } from './gpuBackend';

const FILE = 'device/webgpu/adamKernel.ts';

/**
 * Where a kernel gets each entry's gradient:
 * - `links`: a sparse layer; entry `links[k]` of the [nIn, nOut] weights gets Σ_b x[b,i]·dz[b,j],
 *   the masked gradient x·dzᵀ computed only where the mask is 1 (absent entries are never touched);
 * - `given`: a dense layer; the gradient is an input of the same shape as the weights;
 * - `columnSum`: a bias; the gradient is Σ_b dz[b, k] (no weight decay on biases).
 */
export type GradientSource = 'links' | 'given' | 'columnSum';

const WORKGROUP = 64;
/** Workgroups along x before the dispatch wraps into y (WebGPU guarantees 65535 per dimension). */
const MAX_WORKGROUPS_X = 32768;

const INPUTS: Record<GradientSource, Array<[name: string, type: string]>> = {
  links: [['x', 'f32'], ['dz', 'f32'], ['links', 'i32']],
  given: [['grad', 'f32']],
  columnSum: [['dz', 'f32']],
};

const GRADIENT: Record<GradientSource, string> = {
  links: `
    let id = u32(links[k]);
    let i = id / shape.nOut;
    let j = id - i * shape.nOut;
    var g = 0.0;
    for (var b = 0u; b < step.batch; b = b + 1u) { g = g + x[b * shape.nIn + i] * dz[b * shape.nOut + j]; }
    g = g + step.decay * param[id];`,
  given: `
    let id = k;
    let g = grad[k] + step.decay * param[id];`,
  columnSum: `
    let id = k;
    var g = 0.0;
    for (var b = 0u; b < step.batch; b = b + 1u) { g = g + dz[b * shape.count + k]; }`,
};

/** The WGSL of one variant; exported for the tests' error messages and the docs. */
export function adamShader(source: GradientSource): string {
  const inputs = INPUTS[source]
    .map(([name, type], i) => `@group(0) @binding(${5 + i}) var<storage, read> ${name} : array<${type}>;`)
    .join('\n');
  return `
struct Step { lrFactor : f32, epsilonHat : f32, beta1 : f32, beta2 : f32, oneMinusBeta1 : f32, oneMinusBeta2 : f32, decay : f32, batch : u32, };
struct Shape { nIn : u32, nOut : u32, count : u32, pad : u32, };
@group(0) @binding(0) var<uniform> step : Step;
@group(0) @binding(1) var<uniform> shape : Shape;
@group(0) @binding(2) var<storage, read_write> param : array<f32>;
@group(0) @binding(3) var<storage, read_write> m : array<f32>;
@group(0) @binding(4) var<storage, read_write> v : array<f32>;
${inputs}

@compute @workgroup_size(${WORKGROUP})
fn main(@builtin(global_invocation_id) gid : vec3<u32>, @builtin(num_workgroups) groups : vec3<u32>) {
  let k = gid.x + gid.y * groups.x * ${WORKGROUP}u;
  if (k >= shape.count) { return; }
  ${GRADIENT[source]}
  // The same operations, in the same order, as the plain tfjs ops in device/adam.ts.
  let mNew = step.beta1 * m[id] + step.oneMinusBeta1 * g;
  let vNew = step.beta2 * v[id] + step.oneMinusBeta2 * (g * g);
  m[id] = mNew;
  v[id] = vNew;
  param[id] = param[id] - (mNew * step.lrFactor) / (sqrt(vNew) + step.epsilonHat);
}
`;
}

const pipelines = new WeakMap<GPUDevice, Map<GradientSource, GPUComputePipeline>>();

function pipelineFor(device: GPUDevice, source: GradientSource): GPUComputePipeline {
  let cache = pipelines.get(device);
  if (!cache) {
    cache = new Map();
    pipelines.set(device, cache);
  }
  let pipeline = cache.get(source);
  if (!pipeline) {
    const module = device.createShaderModule({ code: adamShader(source), label: `rewire fused Adam (${source})` });
    pipeline = device.createComputePipeline({ layout: 'auto', compute: { module, entryPoint: 'main' }, label: `rewire fused Adam (${source})` });
    cache.set(source, pipeline);
  }
  return pipeline;
}

/** Bytes of the per-step uniform (Step above). */
export const STEP_UNIFORM_BYTES = 32;

/**
 * The per-step uniform's contents: the bias-corrected factors of `stepFactors` (device/adam.ts),
 * the β's, the decay and the batch size.
 */
export function stepUniformData(factors: Float32Array, weightDecay: number, batch: number): ArrayBuffer {
  const data = new ArrayBuffer(STEP_UNIFORM_BYTES);
  new Float32Array(data, 0, 7).set([factors[0], factors[1], ADAM_BETA1, ADAM_BETA2, 1 - ADAM_BETA1, 1 - ADAM_BETA2, weightDecay]);
  new Uint32Array(data, 28, 1)[0] = batch;
  return data;
}

/** A layer's sizes for one kernel: count is the number of entries updated (links, weights or biases). */
export function shapeUniformData(nIn: number, nOut: number, count: number): ArrayBuffer {
  return Uint32Array.of(nIn, nOut, count, 0).buffer;
}

export interface AdamUpdate {
  source: GradientSource;
  param: tf.Tensor;
  m: tf.Tensor;
  v: tf.Tensor;
  /** x, dz, links (int32) for `links`; the gradient for `given`; dz for `columnSum`. */
  inputs: tf.Tensor[];
  /** A 16-byte uniform buffer holding `shapeUniformData` for this update. */
  shape: GPUBuffer;
  /** Entries to update (as written in `shape`). */
  count: number;
}

/**
 * Runs the updates in one compute pass, after everything tfjs has queued (which produced the
 * gradients). `step` holds `stepUniformData`, written by the caller for this step.
 */
export function runFusedAdam(backend: WebGPUBackend, step: GPUBuffer, allUpdates: readonly AdamUpdate[]): void {
  const { device } = backend;
  // A sparse layer may have no links left: nothing to update, and an empty buffer cannot be bound.
  const updates = allUpdates.filter((u) => u.count > 0);
  const entriesOf = updates.map((u) => {
    if (u.inputs.length !== INPUTS[u.source].length) throw new Error(`${FILE}: a ${u.source} update takes ${INPUTS[u.source].length} inputs, got ${u.inputs.length}`);
    for (const [t, what] of [[u.param, 'a parameter'], [u.m, 'a first moment'], [u.v, 'a second moment']] as const) assertSoleOwner(backend, t, what);
    // Buffers first: a tensor still in JS is uploaded through tfjs's encoder, flushed just below.
    const tensors = [u.param, u.m, u.v, ...u.inputs];
    return tensors.map((t, i): GPUBindGroupEntry => ({ binding: 2 + i, resource: { buffer: bufferOf(backend, t), size: byteSize(t) } }));
  });
  flushTfjsCommands(backend);
  const encoder = device.createCommandEncoder({ label: 'rewire fused Adam' });
  const pass = encoder.beginComputePass();
  updates.forEach((u, n) => {
    const pipeline = pipelineFor(device, u.source);
    const bindGroup = device.createBindGroup({
      layout: pipeline.getBindGroupLayout(0),
      entries: [{ binding: 0, resource: { buffer: step } }, { binding: 1, resource: { buffer: u.shape } }, ...entriesOf[n]],
    });
    const groups = Math.ceil(u.count / WORKGROUP);
    pass.setPipeline(pipeline);
    pass.setBindGroup(0, bindGroup);
    pass.dispatchWorkgroups(Math.min(groups, MAX_WORKGROUPS_X), Math.ceil(groups / MAX_WORKGROUPS_X));
  });
  pass.end();
  device.queue.submit([encoder.finish()]);
  for (const u of updates) for (const t of [u.param, u.m, u.v]) markWrittenInPlace(backend, t);
  recordRawWork(backend, updates.length, 0);
}
