// The main thread's handle on the training worker: typed send(), a subscription to typed events,
// and a crashed worker reported as an event (so the stores and the error banner learn of it); the
// page's client is supervised (supervisor.ts), so a crashed worker is replaced.
import { isWorkerEvent, transferablesOf, type WorkerCommand, type WorkerEvent } from './protocol';
import { createSupervisedClient, type DebugMemory } from './supervisor';

export type WorkerListener = (event: WorkerEvent) => void;

/** What the stores need from the worker; tests pass a fake with the same shape. */
export interface LabClient {
  send(command: WorkerCommand): void;
  /** Returns the function that unsubscribes. */
  subscribe(listener: WorkerListener): () => void;
  terminate(): void;
}

/** The subset of `Worker` the client uses, so it can wrap any worker-like object. */
export interface WorkerLike {
  postMessage(message: unknown, transfer: Transferable[]): void;
  terminate(): void;
  onmessage: ((ev: MessageEvent) => void) | null;
  onerror: ((ev: ErrorEvent) => void) | null;
  onmessageerror: ((ev: MessageEvent) => void) | null;
}

export function createLabClient(worker: WorkerLike): LabClient {
  const listeners = new Set<WorkerListener>();
  let dead = false;
  const emit = (event: WorkerEvent) => {
    // Copy so a listener that unsubscribes during dispatch does not skip its neighbour.
    for (const listener of [...listeners]) listener(event);
  };

  worker.onmessage = (ev) => {
    if (isWorkerEvent(ev.data)) emit(ev.data);
  };
  worker.onerror = (ev) => {
    ev.preventDefault?.();
    dead = true;
    const where = ev.filename ? ` (${ev.filename}:${ev.lineno})` : '';
    emit({ type: 'error', fatal: true, message: `src/worker/worker.ts: the training worker crashed: ${ev.message || 'unknown error'}${where}` });
  };
  worker.onmessageerror = () => {
    emit({ type: 'error', message: 'src/worker/client.ts: a message from the training worker could not be decoded' });
  };

  return {
    send(command) {
      if (dead) {
        emit({ type: 'error', message: `src/worker/client.ts: cannot send "${command.type}": the training worker has crashed; reload the page` });
        return;
      }
      worker.postMessage(command, transferablesOf(command));
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    terminate() {
      dead = true;
      worker.terminate();
      listeners.clear();
    },
  };
}

/** The page's debug hooks (only on a page opened with ?debug=1), for e2e tests and demonstrations. */
export interface LabDebugHooks {
  loseDevice(): void;
  crash(): void;
  memory(): Promise<DebugMemory>;
  restarts(): number;
}

/**
 * Starts the real module worker (Vite bundles worker.ts and its engine imports separately) under a
 * supervisor that restarts it after a crash. With ?debug=1 in the page's address, the worker's
 * debug commands are on and `globalThis.__rewireLab` offers them.
 */
export function startLabWorker(): LabClient {
  const search = (globalThis as { location?: { search?: string } }).location?.search ?? '';
  const debug = new URLSearchParams(search).get('debug') === '1';
  const spawn = () => createLabClient(new Worker(new URL('./worker.ts', import.meta.url), { type: 'module', name: 'rewire-lab-trainer' }));
  const client = createSupervisedClient({ spawn, debug });
  if (debug) {
    const hooks: LabDebugHooks = {
      loseDevice: () => client.debugLoseDevice(),
      crash: () => client.debugCrash(),
      memory: () => client.debugMemory(),
      restarts: () => client.restarts(),
    };
    (globalThis as { __rewireLab?: LabDebugHooks }).__rewireLab = hooks;
  }
  return client;
}
