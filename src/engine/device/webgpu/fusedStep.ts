// The training step on WebGPU with fused kernels: 19 dispatches and 2 small uploads per step (the
// batch's row indices and one uniform), where the plain tfjs ops take 147 and stock tfjs code 183.
import * as tf from '@tensorflow/tfjs';
import type { WebGPUBackend } from '@tensorflow/tfjs-backend-webgpu';
import type { ResidentData } from '../datasets';
import { forward } from '../maths';
import type { DeviceLayer } from '../params';
import { type AdamUpdate, runFusedAdam, shapeUniformData, STEP_UNIFORM_BYTES, stepUniformData } from './adamKernel';
import { recordRawWork } from './counters';
import { accumulateLoss, softmaxCrossEntropyGrad } from './lossPrograms';
import { matMulReluGrad } from './matMulProgram';

/** Per layer, the static uniforms of its two Adam dispatches (weights, biases). */
interface LayerUniforms {
  weights: GPUBuffer;
  weightCount: number;
  biases: GPUBuffer;
}

export class FusedTrainStep {
  private readonly stepUniform: GPUBuffer;
  private uniforms: LayerUniforms[] = [];

  constructor(private readonly backend: WebGPUBackend) {
    this.stepUniform = backend.device.createBuffer({
      size: STEP_UNIFORM_BYTES, usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST, label: 'rewire Adam step',
    });
  }

  /** Makes the layers' static uniforms; call after every load (the shapes and link counts may change). */
  setLayers(layers: readonly DeviceLayer[]): void {
    // Written once per load, not per step.
    this.releaseLayers();
    const { device } = this.backend;
    const uniform = (data: ArrayBuffer, label: string) => {
      const buffer = device.createBuffer({ size: data.byteLength, usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST, label });
      device.queue.writeBuffer(buffer, 0, data);
      return buffer;
    };
    this.uniforms = layers.map((layer, l) => {
      const weightCount = layer.links ? layer.links.length : layer.nIn * layer.nOut;
      return {
        weights: uniform(shapeUniformData(layer.nIn, layer.nOut, weightCount), `rewire layer ${l} weights`),
        weightCount,
        biases: uniform(shapeUniformData(layer.nIn, layer.nOut, layer.nOut), `rewire layer ${l} biases`),
      };
    });
  }

  /**
   * One Adam step on the rows `indices` of `train`, adding the batch's mean loss to `lossSum`.
   * `factors` are `stepFactors(learningRate, step)` from device/adam.ts.
   */
  step(layers: readonly DeviceLayer[], train: ResidentData, indices: Int32Array, lossSum: tf.Scalar, factors: Float32Array, weightDecay: number): void {
    const backend = this.backend;
    if (this.uniforms.length !== layers.length) throw new Error('device/webgpu/fusedStep.ts: setLayers must be called after each load');
    tf.tidy(() => {
      const rows = tf.tensor1d(indices, 'int32');
      // tf.fused.matMul already does x·W + b and the ReLU in one dispatch per layer on WebGPU, and
      // its tuned kernel beat our matMulBias on SwiftShader (359 vs 656 ms at 128×784×256), so the
      // forward pass stays tfjs's; W needs no mask (it is exactly zero off the links).
      const activations = forward(layers, tf.gather(train.images, rows));
      const outputGradients: tf.Tensor2D[] = new Array<tf.Tensor2D>(layers.length);
      outputGradients[layers.length - 1] = softmaxCrossEntropyGrad(backend, activations.logits, train.labels, rows);
      accumulateLoss(backend, lossSum, activations.logits, train.labels, rows);
      // All gradients before any update: the Adam pass changes the W these products read.
      for (let l = layers.length - 1; l > 0; l--) {
        outputGradients[l - 1] = matMulReluGrad(backend, outputGradients[l], layers[l].w, activations.inputs[l]);
      }
      const updates: AdamUpdate[] = [];
      layers.forEach((layer, l) => {
        const x = activations.inputs[l];
        const dz = outputGradients[l];
        const { weights, weightCount, biases } = this.uniforms[l];
        const weightInputs = layer.linkIds ? [x, dz, layer.linkIds] : [tf.matMul(x, dz, true, false)];
        updates.push({ source: layer.linkIds ? 'links' : 'given', param: layer.w, m: layer.mW, v: layer.vW, inputs: weightInputs, shape: weights, count: weightCount });
        updates.push({ source: 'columnSum', param: layer.b, m: layer.mB, v: layer.vB, inputs: [dz], shape: biases, count: layer.nOut });
      });
      // Written before the submit in runFusedAdam, after the previous step's: the queue orders both.
      backend.queue.writeBuffer(this.stepUniform, 0, stepUniformData(factors, weightDecay, indices.length));
      recordRawWork(backend, 0, 1);
      runFusedAdam(backend, this.stepUniform, updates);
    });
  }

  dispose(): void {
    this.releaseLayers();
    this.stepUniform.destroy();
  }

  private releaseLayers(): void {
    for (const u of this.uniforms) {
      u.weights.destroy();
      u.biases.destroy();
    }
    this.uniforms = [];
  }
}
