// The compute path the CLI trains or evaluates a model on: the sparse CPU path for sparse models,
// the device path on tfjs's WASM backend (CPU backend as fallback) for dense ones.
import { createSparseCpuPath } from '../engine/sparseCpu';
import type { ComputePath, Strategy } from '../engine/types';

export interface CliPath {
  path: ComputePath;
  /** What runs where, for progress lines and results ("sparse-cpu", "dense (tfjs wasm)"). */
  label: string;
}

/** `notice` hears why the WASM backend could not be used, when it cannot. */
export async function createCliPath(strategy: Strategy, notice?: (message: string) => void): Promise<CliPath> {
  if (strategy !== 'dense') return { path: createSparseCpuPath(), label: 'sparse-cpu' };
  // Loaded only for dense models: tfjs is large, and the sparse models never need it.
  const [{ useFastestNodeBackend }, { createDevicePath }] = await Promise.all([import('../engine/nodeBackend'), import('../engine/device/path')]);
  const backend = await useFastestNodeBackend(notice);
  return { path: createDevicePath(), label: `dense (tfjs ${backend})` };
}
