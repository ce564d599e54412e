// Shared set-up of the worker evaluation tests: a synthetic learnable dataset, small models trained
// once on the sparse CPU path (sparse and dense), and a worker host on the CPU backend to drive.
import { IMAGE_SIZE } from '../../src/engine/constants';
import { serializeModel, type ModelFileContent } from '../../src/engine/modelFile';
import { createSparseCpuPath } from '../../src/engine/sparseCpu';
import { createTrainingRun } from '../../src/engine/train';
import { DEFAULT_CONFIG, type DataArrays, type TrainConfig } from '../../src/engine/types';
import { createWorkerHost, type WorkerHostOptions } from '../../src/worker/host';
import { transferablesOf, type WorkerEvent } from '../../src/worker/protocol';

/** Class k lights up rows 2k+2..2k+4 (with some texture): learnable in an epoch or two. */
export function synthetic(count: number, offset: number): DataArrays {
  const images = new Uint8Array(count * IMAGE_SIZE);
  const labels = new Uint8Array(count);
  for (let n = 0; n < count; n++) {
    const k = (n * 7 + offset) % 10;
    labels[n] = k;
    for (let row = 2 * k + 2; row < 2 * k + 5; row++) {
      for (let col = 4; col < 24; col++) images[n * IMAGE_SIZE + row * 28 + col] = 150 + ((n * 3 + col) % 100);
    }
  }
  return { images, labels, count };
}

export const TRAIN = synthetic(400, 0);
export const TEST = synthetic(1200, 1);

export const SPARSE_CONFIG: TrainConfig = {
  ...DEFAULT_CONFIG, hidden: 24, density: 0.2, epochs: 2, batchSize: 20, trainLimit: 400, seed: 5, learningRate: 0.01,
};
export const DENSE_CONFIG: TrainConfig = { ...SPARSE_CONFIG, strategy: 'dense', hidden: 16, epochs: 1 };

/** A model file of `config` trained on the synthetic data (the sparse CPU path trains dense layers too). */
export async function trainedFile(config: TrainConfig): Promise<Uint8Array> {
  const result = await createTrainingRun(config, createSparseCpuPath(), TRAIN, TEST).run();
  return serializeModel(result);
}

export type Ev<T extends WorkerEvent['type']> = Extract<WorkerEvent, { type: T }>;

/** A host on the CPU backend holding the synthetic test set; every event survives postMessage's clone. */
export async function hostWithData(options: WorkerHostOptions = {}) {
  const events: WorkerEvent[] = [];
  const host = createWorkerHost((e) => events.push(structuredClone(e, { transfer: transferablesOf(e) })), options);
  await host.handle({ type: 'init', preferBackend: 'cpu' });
  const test = { images: TEST.images.slice(), labels: TEST.labels.slice(), count: TEST.count };
  await host.handle({ type: 'setData', dataset: 'mnist', split: 'test', ...test });
  const of = <T extends WorkerEvent['type']>(type: T, requestId?: number) =>
    events.filter((e): e is Ev<T> => e.type === type && (requestId === undefined || ('requestId' in e && e.requestId === requestId)));
  const load = async (text: ModelFileContent, requestId: number, fileName = `model-${requestId}.rlm`) => {
    await host.handle({ type: 'loadModel', requestId, text, fileName });
    const loaded = of('modelLoaded', requestId)[0];
    if (!loaded) throw new Error(`loading ${fileName} failed: ${JSON.stringify(events.at(-1))}`);
    return loaded.model.modelId;
  };
  return { host, events, of, load };
}

/** Float pixels of test image `index`. */
export function testPixels(index: number): Float32Array {
  return Float32Array.from(TEST.images.subarray(index * IMAGE_SIZE, (index + 1) * IMAGE_SIZE), (v) => v / 255);
}

export const waitFor = async (condition: () => boolean, what: string, timeoutMs = 5000) => {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 1));
  }
};
