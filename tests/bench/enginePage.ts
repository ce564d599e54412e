// Entry of the engine bench page: exposes the bench on `globalThis.rewireBench` for the driver
// (src/cli/bench/browserEngine.ts), in the page itself and in a module worker beside it.
import type { BenchGlobals, EngineBenchOptions, EngineBenchResult } from '../../src/cli/bench/browserTypes';
import { runEngineBench } from './engineBench';

type WorkerAnswer = { ok: true; result: EngineBenchResult } | { ok: false; error: string };

function inWorker(options: EngineBenchOptions): Promise<EngineBenchResult> {
  // engine-worker.js is bundled next to this file.
  const worker = new Worker(new URL('./engine-worker.js', import.meta.url), { type: 'module' });
  return new Promise<EngineBenchResult>((resolve, reject) => {
    worker.onmessage = (e: MessageEvent<WorkerAnswer>) => {
      if (e.data.ok) resolve(e.data.result);
      else reject(new Error(`engine bench worker: ${e.data.error}`));
    };
    worker.onerror = (e) => reject(new Error(`engine bench worker failed: ${e.message}`));
    worker.postMessage(options);
  }).finally(() => worker.terminate());
}

const bench: BenchGlobals = {
  engine: (options) => runEngineBench(options, 'page'),
  engineInWorker: inWorker,
};
Object.assign(globalThis, { rewireBench: bench });
