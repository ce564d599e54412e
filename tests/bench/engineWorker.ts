// The engine bench in a Web Worker (where the lab trains): answers one options message with one result.
import type { EngineBenchOptions } from '../../src/cli/bench/browserTypes';
import { runEngineBench } from './engineBench';

const scope = globalThis as unknown as {
  addEventListener(type: 'message', listener: (e: MessageEvent<EngineBenchOptions>) => void): void;
  postMessage(message: unknown): void;
};

scope.addEventListener('message', (e) => {
  runEngineBench(e.data, 'worker').then(
    (result) => scope.postMessage({ ok: true, result }),
    (error: unknown) => scope.postMessage({ ok: false, error: error instanceof Error ? error.message : String(error) }),
  );
});
