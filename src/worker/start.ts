// Starts the page's workers: a pool (pool.ts) of supervised module workers (supervisor.ts), sized from
// the machine's cores or a link's `?workers=N`. With ?debug=1 in the page's address, the workers'
// debug commands are on and `globalThis.__rewireLab` offers them (they speak to the first worker).
import { createLabClient } from './client';
import { createWorkerPool, defaultPoolSize, type WorkerPool } from './pool';
import { createSupervisedClient, type DebugMemory, type SupervisedClient } from './supervisor';

/** The page's debug hooks (only on a page opened with ?debug=1), for e2e tests and demonstrations. */
export interface LabDebugHooks {
  loseDevice(): void;
  crash(): void;
  memory(): Promise<DebugMemory>;
  restarts(): number;
  /** How many workers the pool runs. */
  workers(): number;
}

export function startLabWorker(workers?: number): WorkerPool {
  const search = (globalThis as { location?: { search?: string } }).location?.search ?? '';
  const debug = new URLSearchParams(search).get('debug') === '1';
  const size = workers ?? defaultPoolSize(globalThis.navigator?.hardwareConcurrency);
  // ?debug=1&selfcheck=fail: the fused step's self-check fails, to show (and test) the fallback.
  const failSelfCheck = debug && new URLSearchParams(search).get('selfcheck') === 'fail';
  const supervised: SupervisedClient[] = [];
  const pool = createWorkerPool({
    size,
    // Shared memory needs a cross-origin isolated page; elsewhere each worker gets its own copy.
    ...(failSelfCheck ? { initExtras: { failSelfCheck: true } } : {}),
    shareData: (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated === true && typeof SharedArrayBuffer === 'function',
    spawn: (index) => {
      const spawn = () => createLabClient(new Worker(new URL('./worker.ts', import.meta.url), { type: 'module', name: `rewire-lab-worker-${index + 1}` }));
      const client = createSupervisedClient({ spawn, debug });
      supervised.push(client);
      return client;
    },
  });
  if (debug) {
    const first = supervised[0];
    const hooks: LabDebugHooks = {
      loseDevice: () => first.debugLoseDevice(),
      crash: () => first.debugCrash(),
      memory: () => first.debugMemory(),
      restarts: () => supervised.reduce((n, c) => n + c.restarts(), 0),
      workers: () => pool.workers(),
    };
    (globalThis as { __rewireLab?: LabDebugHooks }).__rewireLab = hooks;
  }
  return pool;
}
