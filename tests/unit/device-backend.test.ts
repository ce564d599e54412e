// Backend selection: in Node it falls back to the CPU backend and says why each faster backend
// was passed over; a stubbed navigator.gpu exercises the WebGPU branch's failure reports.
import * as tf from '@tensorflow/tfjs';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { isSoftwareRenderer, readAdapterInfo, selectBackend } from '../../src/engine/backend';

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

  it('passes over a software adapter unless WebGPU is asked for by name', async () => {
    let asked = 0;
    const adapter = { info: { vendor: 'google', architecture: 'swiftshader', description: '' } };
    vi.stubGlobal('navigator', { gpu: { requestAdapter: async () => { asked++; return adapter; } } });
    const auto = await selectBackend();
    expect(auto.backend).toBe('cpu');
    expect(auto.fallbackReason).toMatch(/^webgpu: the adapter \(google swiftshader\) is a software rasteriser, far slower here than the sparse CPU path;/);
    expect(asked).toBe(1);
    expect(auto.skippedSoftware).toBe(true);
    // Asked for by name, it is tried (and, the stub having no device, fails to start).
    const named = await selectBackend('webgpu');
    expect(named.backend).toBe('cpu');
    expect(named.fallbackReason).toMatch(/^webgpu: the backend failed to initialise;/);
    expect(named.skippedSoftware).toBeUndefined();
  });

  it('reads adapter info from adapter.info or the older requestAdapterInfo()', async () => {
    const modern = { info: { vendor: 'nvidia', architecture: 'hopper', description: 'H100' } } as unknown as GPUAdapter;
    expect(await readAdapterInfo(modern)).toEqual({ vendor: 'nvidia', architecture: 'hopper', description: 'H100' });
    const legacy = { requestAdapterInfo: async () => ({ vendor: 'intel', architecture: 'gen-12', description: '' }) } as unknown as GPUAdapter;
    expect(await readAdapterInfo(legacy)).toEqual({ vendor: 'intel', architecture: 'gen-12' });
    expect(await readAdapterInfo({} as GPUAdapter)).toEqual({ vendor: 'unknown', architecture: 'unknown' });
  });

  it('marks software rasterisers (by name or as fallback adapters) and nothing else as software', async () => {
    const read = (info: Record<string, unknown>, extra: Record<string, unknown> = {}) => readAdapterInfo({ info, ...extra } as unknown as GPUAdapter);
    expect(await read({ vendor: 'google', architecture: 'swiftshader', description: '' })).toEqual({ vendor: 'google', architecture: 'swiftshader', software: true });
    expect((await read({ vendor: 'mesa', architecture: '', description: 'llvmpipe (LLVM 15.0.6, 256 bits)' })).software).toBe(true);
    expect((await read({ vendor: 'microsoft', architecture: '', description: 'Microsoft Basic Render Driver' })).software).toBe(true);
    expect((await read({ vendor: 'intel', architecture: 'gen-12', description: '', isFallbackAdapter: true })).software).toBe(true);
    expect((await read({ vendor: 'intel', architecture: 'gen-12', description: '' }, { isFallbackAdapter: true })).software).toBe(true);
    expect((await read({ vendor: 'nvidia', architecture: 'hopper', description: 'NVIDIA H100 80GB HBM3', isFallbackAdapter: false })).software).toBeUndefined();
    expect((await read({ vendor: 'apple', architecture: 'metal-3', description: '' })).software).toBeUndefined();
    expect(isSoftwareRenderer('ANGLE (Google, Vulkan 1.3.0 (SwiftShader Device (Subzero)), SwiftShader driver)')).toBe(true);
    expect(isSoftwareRenderer('ANGLE (NVIDIA, NVIDIA GeForce RTX 3080 Direct3D11 vs_5_0 ps_5_0)', undefined)).toBe(false);
  });
});
