// Exact counts of the device traffic that costs time on WebGPU whatever the GPU's speed: kernel
// dispatches, CPU→GPU tensor uploads and GPU→CPU readbacks, counted by wrapping the backend.

/** Running totals since the backend was instrumented. */
export interface TransferCounts {
  /** Compute dispatches: tfjs programs plus the raw dispatches of our own pipelines. */
  dispatches: number;
  /** Tensor data moved from JS to the GPU, plus our own per-step uniform writes. */
  uploads: number;
  /** Buffers read back from the GPU into JS. */
  readbacks: number;
}

/** What the wrappers need of a tfjs WebGPU backend (structural, so tests can pass a stand-in). */
export interface CountableBackend {
  tensorMap: { get(dataId: object): { values?: unknown; resource?: unknown } | undefined };
  runWebGPUProgram(program: { outputShape: number[] }, inputs: unknown[], outputDtype: unknown, uniforms?: unknown, output?: { shape: number[] }): unknown;
  uploadToGPU(dataId: object): void;
  getBufferData(buffer: unknown): Promise<unknown>;
  readSync(dataId: object): unknown;
}

const counted = new WeakMap<object, TransferCounts>();

const sizeOf = (shape: number[]) => shape.reduce((a, b) => a * b, 1);

/**
 * Wraps the backend's methods once (later calls return the same live totals). Counting rules
 * follow tfjs 4.22's code: a program with an empty output dispatches nothing; an upload happens
 * when a tensor whose values are still in JS is first needed on the GPU; `read` downloads through
 * `getBufferData` unless the values are cached in JS; `readSync` downloads when nothing is cached.
 */
export function instrumentBackend(backend: CountableBackend): TransferCounts {
  const existing = counted.get(backend);
  if (existing) return existing;
  const counts: TransferCounts = { dispatches: 0, uploads: 0, readbacks: 0 };
  const run = backend.runWebGPUProgram.bind(backend);
  backend.runWebGPUProgram = (program, inputs, outputDtype, uniforms, output) => {
    if (sizeOf(output ? output.shape : program.outputShape) > 0) counts.dispatches += 1;
    return run(program, inputs, outputDtype, uniforms, output);
  };
  const upload = backend.uploadToGPU.bind(backend);
  backend.uploadToGPU = (dataId) => {
    const data = backend.tensorMap.get(dataId);
    if (data && data.resource == null && data.values != null) counts.uploads += 1;
    upload(dataId);
  };
  const download = backend.getBufferData.bind(backend);
  backend.getBufferData = (buffer) => {
    counts.readbacks += 1;
    return download(buffer);
  };
  const readSync = backend.readSync.bind(backend);
  backend.readSync = (dataId) => {
    if (backend.tensorMap.get(dataId)?.values == null) counts.readbacks += 1;
    return readSync(dataId);
  };
  counted.set(backend, counts);
  return counts;
}

/** Adds work done outside tfjs (our own pipelines) to the backend's totals, when it is instrumented. */
export function recordRawWork(backend: object, dispatches: number, uploads: number): void {
  const counts = counted.get(backend);
  if (!counts) return;
  counts.dispatches += dispatches;
  counts.uploads += uploads;
}

export function snapshot(counts: TransferCounts): TransferCounts {
  return { dispatches: counts.dispatches, uploads: counts.uploads, readbacks: counts.readbacks };
}

/** after − before, field by field. */
export function difference(after: TransferCounts, before: TransferCounts): TransferCounts {
  return {
    dispatches: after.dispatches - before.dispatches,
    uploads: after.uploads - before.uploads,
    readbacks: after.readbacks - before.readbacks,
  };
}
