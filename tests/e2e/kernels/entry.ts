// Browser entry of the kernel checks: starts tfjs on WebGPU and exposes the checks to the page's
// caller (tests/e2e/kernels.e2e.mjs runs them through page.evaluate).
import { selectBackend } from '../../../src/engine/backend';
import { requireWebGpuBackend } from '../../../src/engine/device/webgpu/gpuBackend';
import { checkAdam, checkLoss, checkMatMuls } from './kernelChecks';
import { checkFusedStepAgainstPlain, measureTraffic, timeSteps, trainTwoEpochs } from './pathChecks';

const checks = { checkMatMuls, checkLoss, checkAdam, checkFusedStepAgainstPlain, measureTraffic, timeSteps, trainTwoEpochs };

export type KernelChecks = typeof checks;

(globalThis as { kernelChecks?: Promise<KernelChecks> }).kernelChecks = selectBackend('webgpu').then((info) => {
  if (info.backend !== 'webgpu') throw new Error(`tests/e2e/kernels/entry.ts: WebGPU did not start (${info.fallbackReason ?? 'no reason given'})`);
  // WebGPU reports invalid shaders and bindings only as warnings; make them errors the runner sees.
  requireWebGpuBackend('the kernel checks').device.addEventListener('uncapturederror', (event) => {
    console.error(`WebGPU error: ${(event as GPUUncapturedErrorEvent).error.message}`);
  });
  return checks;
});
