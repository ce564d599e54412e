// Backend selection: in Node it falls back to the CPU backend and says why each faster backend
// was passed over; a stubbed navigator.gpu exercises the WebGPU branch's failure reports.
import * as tf from '@tensorflow/tfjs';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { readAdapterInfo, selectBackend } from '../../src/engine/backend';

afterEach(() => {
  vi.unstubAllGlobals();
});

describe('selectBackend', () => {
  it('falls back from WebGPU and WebGL to the CPU in Node, recording both reasons', async () => {
    const info = await selectBackend();
    expect(info.backend).toBe('cpu');
    expect(tf.getBackend()).toBe('cpu');
    expect(info.adapter).toBeUndefined();
    expect(info.fallbackReason).toMatch(/^webgpu: navigator\.gpu is not available here; webgl: not available outside a browser$/);
  });

  it('starts from the preferred backend', async () => {
    expect(await selectBackend('cpu')).toEqual({ backend: 'cpu' });
    expect(await selectBackend('webgl')).toEqual({ backend: 'cpu', fallbackReason: 'webgl: not available outside a browser' });
  });

  it('rejects an unknown preference', async () => {
    await expect(selectBackend('tpu' as 'cpu')).rejects.toThrow(/backend\.ts: unknown backend preference "tpu"/);
  });

  it('reports a missing adapter and a backend that fails to start', async () => {
    vi.stubGlobal('navigator', { gpu: { requestAdapter: async () => null } });
    expect((await selectBackend()).fallbackReason).toMatch(/^webgpu: no GPU adapter was offered;/);
    const adapter = { info: { vendor: 'nvidia', architecture: 'hopper', description: '' } };
    vi.stubGlobal('navigator', { gpu: { requestAdapter: async () => adapter } });
    // The stub has no requestDevice, so tfjs-backend-webgpu's factory fails after registering.
    const info = await selectBackend();
    expect(info.backend).toBe('cpu');
    expect(info.fallbackReason).toMatch(/^webgpu: the backend failed to initialise;/);
  });

  it('reads adapter info from adapter.info or the older requestAdapterInfo()', async () => {
    const modern = { info: { vendor: 'nvidia', architecture: 'hopper', description: 'H100' } } as unknown as GPUAdapter;
    expect(await readAdapterInfo(modern)).toEqual({ vendor: 'nvidia', architecture: 'hopper', description: 'H100' });
    const legacy = { requestAdapterInfo: async () => ({ vendor: 'intel', architecture: 'gen-12', description: '' }) } as unknown as GPUAdapter;
    expect(await readAdapterInfo(legacy)).toEqual({ vendor: 'intel', architecture: 'gen-12' });
    expect(await readAdapterInfo({} as GPUAdapter)).toEqual({ vendor: 'unknown', architecture: 'unknown' });
  });
});
