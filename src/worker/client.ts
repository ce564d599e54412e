// The main thread's handle on one training worker: typed send(), a subscription to typed events,
// and a crashed worker reported as an event (so the stores and the error banner learn of it). The
// layers above it: supervisor.ts replaces a crashed worker, pool.ts spreads work over several.
import { isWorkerEvent, transferablesOf, type WorkerCommand, type WorkerEvent } from './protocol';

export type WorkerListener = (event: WorkerEvent) => void;

/** What the stores need from the worker; tests pass a fake with the same shape. */
export interface LabClient {
  send(command: WorkerCommand): void;
  /** Returns the function that unsubscribes. */
  subscribe(listener: WorkerListener): () => void;
  terminate(): void;
  /** How many networks can train at once (a pool's workers); absent: one. */
  workers?(): number;
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
