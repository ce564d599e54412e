// The training worker's entry: wires postMessage to the host (src/worker/host.ts), sending large
// arrays as transferables, and reports failures that escape a handler as error events.
import { createWorkerHost } from './host';
import { transferablesOf, type WorkerCommand, type WorkerEvent } from './protocol';

const scope = self as unknown as DedicatedWorkerGlobalScope;

function post(event: WorkerEvent): void {
  scope.postMessage(event, transferablesOf(event));
}

const host = createWorkerHost(post, {
  // Thrown outside every handler, so it reaches the page as the worker's error event: a real crash.
  crash: (message) => {
    setTimeout(() => {
      throw new Error(message);
    }, 0);
  },
});

scope.onmessage = (ev: MessageEvent<WorkerCommand>) => {
  void host.handle(ev.data);
};

scope.onunhandledrejection = (ev: PromiseRejectionEvent) => {
  ev.preventDefault();
  const reason: unknown = ev.reason;
  post({ type: 'error', message: `src/worker/worker.ts: unhandled failure in the worker: ${reason instanceof Error ? reason.message : String(reason)}` });
};
