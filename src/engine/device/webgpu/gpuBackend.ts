// The part of tfjs-backend-webgpu's public WebGPUBackend that the fused kernels use: the GPU buffer
// behind a tensor, flushing tfjs's queued commands, and bookkeeping after a kernel writes in place.
import * as tf from '@tensorflow/tfjs';
import type { WebGPUBackend } from '@tensorflow/tfjs-backend-webgpu';

const FILE = 'device/webgpu/gpuBackend.ts';

/** The active tfjs backend when it is WebGPU; null on WebGL and CPU (the plain ops run there). */
export function activeWebGpuBackend(): WebGPUBackend | null {
  if (tf.getBackend() !== 'webgpu') return null;
  return tf.backend() as unknown as WebGPUBackend;
}

/** The active WebGPU backend, or an error naming `what` needs it. */
export function requireWebGpuBackend(what: string): WebGPUBackend {
  const backend = activeWebGpuBackend();
  if (!backend) throw new Error(`${FILE}: ${what} needs the WebGPU backend, but tfjs runs on "${tf.getBackend()}"`);
  return backend;
}

/** The storage buffer holding `tensor` on the device (uploading it first if it still lives in JS). */
export function bufferOf(backend: WebGPUBackend, tensor: tf.TensorInfo): GPUBuffer {
  backend.uploadToGPU(tensor.dataId);
  const resource = backend.tensorMap.get(tensor.dataId)?.resource;
  // Duck-typed: Dawn in Node has no global GPUBuffer class to test against.
  if (!resource || !('mapAsync' in resource)) throw new Error(`${FILE}: a ${tensor.dtype} tensor of shape [${tensor.shape.join(', ')}] is not backed by a GPU buffer`);
  return resource as GPUBuffer;
}

/** Size in bytes of a tensor's elements (every dtype used here is 4 bytes). */
export function byteSize(tensor: tf.TensorInfo): number {
  return 4 * tensor.shape.reduce((a, b) => a * b, 1);
}

/**
 * Submits what tfjs has recorded so far, so work we submit next on the same queue runs after it.
 * tfjs batches dispatches into one command encoder and submits it only now and then.
 */
export function flushTfjsCommands(backend: WebGPUBackend): void {
  backend.ensureCommandEncoderReady();
  backend.endComputePassEncoder();
  backend.submitQueue();
}

/**
 * Must follow every kernel that overwrites a tensor's buffer in place: tfjs caches a tensor's
 * values in JS after a read and would otherwise hand the stale copy out again.
 */
export function markWrittenInPlace(backend: WebGPUBackend, tensor: tf.TensorInfo): void {
  const data = backend.tensorMap.get(tensor.dataId) as { values: unknown } | undefined;
  if (!data) throw new Error(`${FILE}: a tensor written in place is not registered with the backend`);
  data.values = null;
}

/** Refuses an in-place write to a buffer that other tensors share (tf.clone shares data; they would all change). */
export function assertSoleOwner(backend: WebGPUBackend, tensor: tf.TensorInfo, what: string): void {
  const owners = backend.refCount(tensor.dataId);
  if (owners !== 1) throw new Error(`${FILE}: ${what} is shared by ${owners} tensors and cannot be updated in place`);
}
