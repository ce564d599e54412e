// Shared pieces of the reliability tests: learnable synthetic data, a tiny configuration, a compute
// path that loses its "GPU" at a chosen step, and an in-process worker (the real host behind the
// WorkerLike interface, messages structured-cloned with their transfer lists, crashable on demand).
import { DEFAULT_CONFIG, type ComputePath, type DataArrays, type TrainConfig } from '../../src/engine/types';
import { createLabClient, type WorkerLike } from '../../src/worker/client';
import { createWorkerHost, type WorkerHostOptions } from '../../src/worker/host';
import { createWorkerPool } from '../../src/worker/pool';
import { transferablesOf, type WorkerCommand, type WorkerEvent } from '../../src/worker/protocol';
import { createSupervisedClient } from '../../src/worker/supervisor';
import { syntheticData } from './fixtures/syntheticDigits';

export { syntheticData };


export const TRAIN = syntheticData(300, 1);
export const TEST = syntheticData(100, 2);

export function tinyConfig(over: Partial<TrainConfig> = {}): TrainConfig {
  return { ...DEFAULT_CONFIG, hidden: 16, density: 0.2, epochs: 4, batchSize: 20, learningRate: 0.01, seed: 5, ...over };
}

export const DEVICE_LOST = 'GPUDevice: the device was lost (simulated driver reset)';

/**
 * `inner`, except that from training step `failAtStep` on (counted from 1, over every path this
 * spy made) every operation throws the device-lost error a dead GPU gives.
 */
export function losingPath(inner: ComputePath, failAtStep: number, counter = { steps: 0 }): ComputePath {
  const dead = () => counter.steps >= failAtStep;
  const guard = <T>(f: () => T): T => {
    if (dead()) throw new Error(DEVICE_LOST);
    return f();
  };
  return {
    get kind() { return inner.kind; },
    load: (s) => guard(() => inner.load(s)),
    save: () => guard(() => inner.save()),
    setTrainData: (d) => guard(() => inner.setTrainData(d)),
    setTestData: (d) => guard(() => inner.setTestData(d)),
    trainStep: (i, lr, wd) => {
      counter.steps++;
      guard(() => inner.trainStep(i, lr, wd));
    },
    takeMeanLoss: () => guard(() => inner.takeMeanLoss()),
    evaluate: (d) => guard(() => inner.evaluate(d)),
    predict: (p, n) => guard(() => inner.predict(p, n)),
    denseGradientMagnitude: (l, i) => guard(() => inner.denseGradientMagnitude(l, i)),
    inputGradient: (p, y, n) => guard(() => inner.inputGradient(p, y, n)),
    // Freeing memory on a lost device still works (the buffers are already gone).
    dispose: () => inner.dispose(),
  };
}

/** Everything a host posts, cloned as postMessage would (transferred arrays detach on the sender). */
export function recordingHost(options: WorkerHostOptions = {}) {
  const events: WorkerEvent[] = [];
  const host = createWorkerHost((e) => events.push(structuredClone(e, { transfer: transferablesOf(e) })), options);
  const of = <T extends WorkerEvent['type']>(type: T) => events.filter((e): e is Extract<WorkerEvent, { type: T }> => e.type === type);
  const sendData = async (train: DataArrays = TRAIN, test: DataArrays = TEST, dataset: 'mnist' | 'fashion-mnist' = 'mnist') => {
    for (const [split, d] of [['train', train], ['test', test]] as const) {
      await host.handle({ type: 'setData', dataset, split, images: d.images.slice(), labels: d.labels.slice(), count: d.count });
    }
  };
  return { host, events, of, sendData };
}

/**
 * A Web Worker stand-in running the real host in this process: commands and events are cloned
 * with their transfer lists, delivered asynchronously, and `crash()` fires the error event a dying
 * worker gives. Terminating stops the host's run (a real terminate would kill it).
 */
export class InProcessWorker implements WorkerLike {
  onmessage: ((ev: MessageEvent) => void) | null = null;
  onerror: ((ev: ErrorEvent) => void) | null = null;
  onmessageerror: ((ev: MessageEvent) => void) | null = null;
  terminated = false;
  readonly received: WorkerCommand[] = [];
  readonly host: ReturnType<typeof createWorkerHost>;
  private lastRunToken = 0;

  constructor(options: WorkerHostOptions = {}) {
    this.host = createWorkerHost((event) => {
      if (this.terminated) return;
      const data = structuredClone(event, { transfer: transferablesOf(event) });
      setTimeout(() => { if (!this.terminated) this.onmessage?.({ data } as MessageEvent); }, 0);
    }, options);
  }

  postMessage(message: unknown, transfer: Transferable[]): void {
    if (this.terminated) return;
    const command = structuredClone(message, { transfer: transfer as ArrayBuffer[] }) as WorkerCommand;
    this.received.push(command);
    if ('runToken' in command && command.runToken !== undefined) this.lastRunToken = Math.max(this.lastRunToken, command.runToken);
    setTimeout(() => { if (!this.terminated) void this.host.handle(command); }, 0);
  }

  terminate(): void {
    if (this.terminated) return;
    this.terminated = true;
    void this.host.handle({ type: 'stop', runToken: this.lastRunToken });
  }

  crash(message = 'out of memory'): void {
    this.onerror?.({ message, filename: 'worker.js', lineno: 1, preventDefault() {} } as unknown as ErrorEvent);
  }
}

/** Resolves once `check` holds (polled every few ms), or rejects naming `what` after `ms`. */
export async function until(check: () => boolean, what: string, ms = 20_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** A worker pool of `size` real in-process hosts (each behind a supervised client, as in the page). */
export function inProcessPool(size: number, shareData = false) {
  const workers: InProcessWorker[] = [];
  const pool = createWorkerPool({
    size, shareData,
    spawn: () => {
      const worker = new InProcessWorker({ denseOnDevice: () => false });
      workers.push(worker);
      return createSupervisedClient({ spawn: () => createLabClient(worker) });
    },
  });
  return { pool, workers };
}
