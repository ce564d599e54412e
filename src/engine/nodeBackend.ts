// Picks the fastest tfjs backend for the device path in Node (CLI, tests): WASM with SIMD, whose
// matMul is ~30× the plain CPU backend's, falling back to the CPU backend with a notice.
import * as tf from '@tensorflow/tfjs';
import { selectBackend } from './backend';

export type NodeBackendName = 'wasm' | 'cpu';

function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

async function tryWasm(): Promise<string | null> {
  try {
    // Loaded lazily: the module (and its .wasm binary) is only needed for dense work in Node.
    await import('@tensorflow/tfjs-backend-wasm');
  } catch (e) {
    return `could not load @tensorflow/tfjs-backend-wasm (${errorText(e)})`;
  }
  try {
    // Bundlers and Vitest pick the package's browser build, whose threaded variant starts its
    // workers from blob: URLs, which Node cannot; the single-threaded SIMD build works everywhere.
    tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
    const ok = await tf.setBackend('wasm');
    await tf.ready();
    if (!ok || tf.getBackend() !== 'wasm') return 'the wasm backend failed to initialise';
    return null;
  } catch (e) {
    return `the wasm backend failed to initialise (${errorText(e)})`;
  }
}

/**
 * Activates the WASM backend, or the CPU backend when WASM cannot start (then `notice` hears why;
 * by default a warning on stderr). Returns the backend in use.
 */
export async function useFastestNodeBackend(notice: (message: string) => void = (m) => console.warn(m)): Promise<NodeBackendName> {
  if (tf.getBackend() === 'wasm') return 'wasm';
  const problem = await tryWasm();
  if (problem === null) return 'wasm';
  await selectBackend('cpu');
  notice(`nodeBackend.ts: ${problem}; using the much slower tfjs cpu backend instead`);
  return 'cpu';
}
