// The worker protocol's helpers and the main-thread client, exercised in Node with a fake worker.
import { describe, expect, it } from 'vitest';
import { createLabClient, type WorkerLike } from '../../src/worker/client';
import {
  createRunTokens, describeEvent, isWorkerEvent, runTokenOf, transferablesOf,
  type EpochReport, type WorkerCommand, type WorkerEvent,
} from '../../src/worker/protocol';

function epochReport(): EpochReport {
  return {
    epoch: 1, trainLoss: 0.5, testAccuracy: 0.9, testLoss: 0.4, perClass: new Float32Array(10),
    seconds: 2, samplesPerSecond: 1000, zeta: 0.3,
    layers: [{ links: 10, removed: new Int32Array([1, 2]), added: new Int32Array([3, 4]), kept: 8 }],
    topology: [{ nIn: 4, nOut: 5, links: new Int32Array(10), weights: new Float32Array(10) }],
  };
}

describe('transferablesOf', () => {
  it('finds every typed array buffer in nested objects and arrays, once each', () => {
    const report = epochReport();
    const msg: WorkerEvent = { type: 'epoch', runToken: 1, modelId: 'm1', event: report };
    const buffers = transferablesOf(msg);
    expect(buffers).toHaveLength(5); // perClass, removed, added, links, weights
    expect(buffers).toContain(report.perClass.buffer);
    expect(buffers).toContain(report.layers[0].removed.buffer);
    expect(buffers).toContain(report.topology[0].weights.buffer);
  });

  it('lists a buffer shared by two views only once (postMessage rejects duplicates)', () => {
    const buffer = new ArrayBuffer(16);
    const cmd: WorkerCommand = { type: 'setData', dataset: 'mnist', split: 'test', images: new Uint8Array(buffer, 0, 8), labels: new Uint8Array(buffer, 8, 8), count: 1 };
    expect(transferablesOf(cmd)).toEqual([buffer]);
  });

  it('returns nothing for messages without arrays, and the list actually transfers', () => {
    expect(transferablesOf({ type: 'stop', runToken: 3 })).toEqual([]);
    const images = new Uint8Array(784 * 2);
    const cmd: WorkerCommand = { type: 'setData', dataset: 'mnist', split: 'test', images, labels: new Uint8Array(2), count: 2 };
    const copy = structuredClone(cmd, { transfer: transferablesOf(cmd) }) as typeof cmd;
    expect(copy.images.length).toBe(784 * 2);
    expect(images.byteLength).toBe(0); // detached: ownership moved, nothing was copied
  });

  it('survives cycles', () => {
    const a: Record<string, unknown> = { x: new Float32Array(2) };
    a.self = a;
    expect(transferablesOf(a)).toHaveLength(1);
  });
});

describe('run tokens', () => {
  it('only the newest token is current', () => {
    const tokens = createRunTokens();
    const first = tokens.next();
    expect(tokens.isCurrent(first)).toBe(true);
    const second = tokens.next();
    expect(second).toBeGreaterThan(first);
    expect(tokens.isCurrent(first)).toBe(false);
    expect(tokens.isCurrent(second)).toBe(true);
    expect(tokens.isCurrent(undefined)).toBe(false);
    expect(tokens.current()).toBe(second);
  });
});

describe('event guards and descriptions', () => {
  it('accepts our events and rejects foreign messages', () => {
    expect(isWorkerEvent({ type: 'ready', backend: 'cpu', path: 'sparse-cpu' })).toBe(true);
    expect(isWorkerEvent({ type: 'something-else' })).toBe(false);
    expect(isWorkerEvent(null)).toBe(false);
    expect(isWorkerEvent('epoch')).toBe(false);
  });

  it('reads run tokens and describes events without dumping arrays', () => {
    const ev: WorkerEvent = { type: 'epoch', runToken: 7, modelId: 'm2', event: epochReport() };
    expect(runTokenOf(ev)).toBe(7);
    expect(runTokenOf({ type: 'stale', requestId: 1 })).toBeUndefined();
    expect(describeEvent(ev)).toBe('epoch: run 7, epoch 1, accuracy 0.9000');
    expect(describeEvent({ type: 'ready', backend: 'webgpu', path: 'masked-dense' })).toBe('ready: webgpu (masked dense)');
  });
});

class FakeWorker implements WorkerLike {
  posted: Array<{ message: unknown; transfer: Transferable[] }> = [];
  terminated = false;
  onmessage: ((ev: MessageEvent) => void) | null = null;
  onerror: ((ev: ErrorEvent) => void) | null = null;
  onmessageerror: ((ev: MessageEvent) => void) | null = null;
  postMessage(message: unknown, transfer: Transferable[]) { this.posted.push({ message, transfer }); }
  terminate() { this.terminated = true; }
  deliver(data: unknown) { this.onmessage?.({ data } as MessageEvent); }
  crash(message: string) { this.onerror?.({ message, filename: 'worker.js', lineno: 12, preventDefault() {} } as unknown as ErrorEvent); }
}

describe('LabClient', () => {
  it('posts commands with their transferables and delivers only protocol events', () => {
    const fake = new FakeWorker();
    const client = createLabClient(fake);
    const seen: WorkerEvent[] = [];
    const off = client.subscribe((e) => seen.push(e));
    const pixels = new Float32Array(784);
    client.send({ type: 'predict', requestId: 1, modelId: 'm1', pixels, count: 1 });
    expect(fake.posted[0].transfer).toEqual([pixels.buffer]);
    fake.deliver({ type: 'ready', backend: 'webgpu', path: 'masked-dense' });
    fake.deliver({ hello: 'not ours' });
    expect(seen.map((e) => e.type)).toEqual(['ready']);
    off();
    fake.deliver({ type: 'stale', requestId: 1 });
    expect(seen).toHaveLength(1);
  });

  it('turns a worker crash into a fatal error event and refuses later commands', () => {
    const fake = new FakeWorker();
    const client = createLabClient(fake);
    const seen: WorkerEvent[] = [];
    client.subscribe((e) => seen.push(e));
    fake.crash('out of memory');
    expect(seen[0]).toMatchObject({ type: 'error', fatal: true });
    expect(seen[0].type === 'error' && seen[0].message).toContain('out of memory');
    client.send({ type: 'stop', runToken: 1 });
    expect(fake.posted).toHaveLength(0);
    expect(seen[1].type === 'error' && seen[1].message).toContain('crashed');
  });
});
