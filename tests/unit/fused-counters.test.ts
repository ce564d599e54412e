// The traffic counters' rules on a stand-in backend (the real one needs a GPU; the e2e kernel
// checks run them on WebGPU): what counts as a dispatch, an upload and a readback, counted once.
import { describe, expect, it } from 'vitest';
import type { WebGPUBackend } from '@tensorflow/tfjs-backend-webgpu';
import { type CountableBackend, difference, instrumentBackend, recordRawWork, snapshot } from '../../src/engine/device/webgpu/counters';
import { PathCounters } from '../../src/engine/device/webgpu/pathCounters';

interface Data { values?: unknown; resource?: unknown }

/** Mimics tfjs-backend-webgpu 4.22: uploadToGPU moves JS values to a buffer; read caches them. */
class StandIn implements CountableBackend {
  readonly data = new Map<object, Data>();
  programsRun = 0;
  tensorMap = { get: (id: object) => this.data.get(id) };
  runWebGPUProgram(program: { outputShape: number[] }, inputs: unknown[], _dtype?: unknown, _uniforms?: unknown, _output?: { shape: number[] }): unknown {
    this.programsRun += 1;
    for (const input of inputs as Array<{ dataId: object }>) this.uploadToGPU(input.dataId);
    return program;
  }
  uploadToGPU(dataId: object): void {
    const d = this.data.get(dataId) as Data;
    if (d.resource != null) return;
    d.resource = { buffer: true };
    d.values = null;
  }
  async getBufferData(): Promise<unknown> {
    return new ArrayBuffer(4);
  }
  readSync(dataId: object): unknown {
    const d = this.data.get(dataId) as Data;
    d.values ??= [1];
    return d.values;
  }
  async read(dataId: object): Promise<unknown> {
    const d = this.data.get(dataId) as Data;
    if (d.values == null) d.values = await this.getBufferData();
    return d.values;
  }
  tensor(values: unknown): { dataId: object } {
    const dataId = {};
    this.data.set(dataId, { values, resource: null });
    return { dataId };
  }
}

describe('instrumentBackend', () => {
  it('counts a dispatch per program with a non-empty output, and none for an empty one', () => {
    const backend = new StandIn();
    const counts = instrumentBackend(backend);
    backend.runWebGPUProgram({ outputShape: [3, 4] }, []);
    backend.runWebGPUProgram({ outputShape: [0, 4] }, []);
    backend.runWebGPUProgram({ outputShape: [] }, []);
    // An in-place program writes into the given output; its shape decides.
    backend.runWebGPUProgram({ outputShape: [0] }, [], 'float32', undefined, { shape: [2] });
    expect(backend.programsRun).toBe(4);
    expect(counts.dispatches).toBe(3);
  });

  it('counts an upload only when values still in JS first go to the GPU', () => {
    const backend = new StandIn();
    const counts = instrumentBackend(backend);
    const fromJs = backend.tensor([1, 2]);
    const produced = backend.tensor(null);
    (backend.data.get(produced.dataId) as Data).resource = { buffer: true };
    backend.runWebGPUProgram({ outputShape: [2] }, [fromJs, produced]);
    backend.runWebGPUProgram({ outputShape: [2] }, [fromJs, produced]);
    expect(counts.uploads).toBe(1);
  });

  it('counts downloads, not reads answered from the JS cache', async () => {
    const backend = new StandIn();
    const counts = instrumentBackend(backend);
    const t = backend.tensor(null);
    (backend.data.get(t.dataId) as Data).resource = { buffer: true };
    await backend.read(t.dataId);
    await backend.read(t.dataId);
    expect(counts.readbacks).toBe(1);
    const u = backend.tensor(null);
    backend.readSync(u.dataId);
    backend.readSync(u.dataId);
    expect(counts.readbacks).toBe(2);
  });

  it('wraps a backend once, and adds raw work only to instrumented backends', () => {
    const backend = new StandIn();
    const counts = instrumentBackend(backend);
    expect(instrumentBackend(backend)).toBe(counts);
    backend.runWebGPUProgram({ outputShape: [1] }, []);
    expect(counts.dispatches).toBe(1);
    const before = snapshot(counts);
    recordRawWork(backend, 8, 1);
    expect(difference(counts, before)).toEqual({ dispatches: 8, uploads: 1, readbacks: 0 });
    const other = new StandIn();
    recordRawWork(other, 8, 1);
    expect(instrumentBackend(other)).toEqual({ dispatches: 0, uploads: 0, readbacks: 0 });
  });
});

describe('PathCounters', () => {
  it('adds each step’s dispatches and uploads and counts overlapping readbacks once', async () => {
    const backend = new StandIn();
    const counters = new PathCounters(backend as unknown as WebGPUBackend);
    const before = counters.beginStep();
    backend.runWebGPUProgram({ outputShape: [4] }, [backend.tensor([1])]);
    recordRawWork(backend, 8, 1);
    counters.endStep(before);
    // Work outside a step or a measured read is not the path's.
    backend.runWebGPUProgram({ outputShape: [4] }, []);
    const tensors = [backend.tensor(null), backend.tensor(null)];
    for (const t of tensors) (backend.data.get(t.dataId) as Data).resource = { buffer: true };
    await backend.read(backend.tensor(null).dataId);
    await Promise.all(tensors.map((t) => counters.measureReads(() => backend.read(t.dataId))));
    expect(counters.totals()).toEqual({ steps: 1, dispatches: 9, uploads: 2, readbacks: 2 });
  });
});
