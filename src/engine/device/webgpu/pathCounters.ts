// A device path's share of the backend's traffic: dispatches and uploads of its training steps
// (measured around each step, which runs synchronously) and readbacks of its other methods.
import type { WebGPUBackend } from '@tensorflow/tfjs-backend-webgpu';
import { type CountableBackend, difference, instrumentBackend, snapshot, type TransferCounts } from './counters';
import { activeWebGpuBackend } from './gpuBackend';

/**
 * The live totals of the active WebGPU backend (instrumenting it on first use), or null off
 * WebGPU. For code outside a device path, e.g. a benchmark of the stock step:
 * `const before = snapshot(counts); stock.step(batch); difference(counts, before)`.
 */
export function currentBackendCounts(): TransferCounts | null {
  const backend = activeWebGpuBackend();
  return backend ? instrumentBackend(backend as unknown as CountableBackend) : null;
}

export interface DeviceCounters {
  /** Training steps taken. */
  steps: number;
  /** Kernel dispatches of those steps (tfjs programs and our own). */
  dispatches: number;
  /** CPU→GPU uploads of those steps. */
  uploads: number;
  /** GPU→CPU readbacks of the path's other methods (loss, evaluation, save, predictions…). */
  readbacks: number;
}

export class PathCounters {
  private readonly live: TransferCounts;
  private readonly own: DeviceCounters = { steps: 0, dispatches: 0, uploads: 0, readbacks: 0 };
  /** Reads in flight and the backend's readback total when the first of them began. */
  private reading = { depth: 0, startedAt: 0 };

  constructor(backend: WebGPUBackend) {
    this.live = instrumentBackend(backend as unknown as CountableBackend);
  }

  beginStep(): TransferCounts {
    return snapshot(this.live);
  }

  endStep(before: TransferCounts): void {
    const spent = difference(this.live, before);
    this.own.steps += 1;
    this.own.dispatches += spent.dispatches;
    this.own.uploads += spent.uploads;
  }

  /**
   * Counts the readbacks made while `read` runs. Overlapping calls are measured as one window, so
   * nothing is counted twice; a readback by other code inside the window would be counted too.
   */
  async measureReads<T>(read: () => Promise<T>): Promise<T> {
    if (this.reading.depth === 0) this.reading.startedAt = this.live.readbacks;
    this.reading.depth += 1;
    try {
      return await read();
    } finally {
      this.reading.depth -= 1;
      if (this.reading.depth === 0) this.own.readbacks += this.live.readbacks - this.reading.startedAt;
    }
  }

  totals(): DeviceCounters {
    return { ...this.own };
  }
}
