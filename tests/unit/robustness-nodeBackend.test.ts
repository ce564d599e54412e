// useFastestNodeBackend falls back to the tfjs CPU backend, with a notice naming the problem, when
// the WASM backend cannot be loaded (simulated here by a module that throws on import).
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it, vi } from 'vitest';
import { useFastestNodeBackend } from '../../src/engine/nodeBackend';

vi.mock('@tensorflow/tfjs-backend-wasm', () => {
  throw new Error('simulated: no WebAssembly here');
});

describe('useFastestNodeBackend without wasm', () => {
  it('uses the cpu backend and says why', async () => {
    const notices: string[] = [];
    expect(await useFastestNodeBackend((m) => notices.push(m))).toBe('cpu');
    expect(tf.getBackend()).toBe('cpu');
    expect(notices).toHaveLength(1);
    // Vitest rewords the mocked module's error; the notice must name the file, the module and the cause.
    expect(notices[0]).toMatch(/^nodeBackend\.ts: could not load @tensorflow\/tfjs-backend-wasm \(.+\)/);
    expect(notices[0]).toMatch(/using the much slower tfjs cpu backend/);
  });
});
