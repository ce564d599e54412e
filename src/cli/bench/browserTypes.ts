// What the in-browser bench code (tests/bench/*, bundled with esbuild) is asked and answers: plain
// JSON crossing page.evaluate and postMessage, shared by both sides so they cannot drift apart.

export interface EngineBenchOptions {
  backend: 'webgpu' | 'webgl';
  hidden: number;
  density: number;
  batchSize: number;
  /** Kernel variants to time; WebGPU offers fused and plain, WebGL only plain. */
  kernels: Array<'fused' | 'plain'>;
  warmupSteps: number;
  /** Rounds of `stepsPerRound` steps, each round ended by one loss readback (it waits for the GPU). */
  rounds: number;
  stepsPerRound: number;
  /** The readback count runs a real training loop of this many epochs on this many images; 0 skips it. */
  readbackEpochs: number;
  readbackTrainImages: number;
  /** Also time this many steps of the sparse CPU path at the defaults (H = 1000); 0 skips it. */
  sparseCpuSteps: number;
}

/** The sparse CPU path (what a browser without a GPU trains with) at the defaults. */
export interface SparseCpuStepTiming {
  msPerStep: number;
  steps: number;
  kernels: 'wasm-simd' | 'js';
}

/** ms per step of one kernel variant: masked network vs the same step on dense layers (no masks). */
export interface StepComparison {
  kernels: 'fused' | 'plain';
  maskedMsPerStep: number;
  denseMsPerStep: number;
  /** Per-round samples (ms per step), for the spread. */
  maskedSamples: number[];
  denseSamples: number[];
  /** WebGPU only: kernel dispatches and CPU→GPU uploads per masked step (the path's own counters). */
  dispatchesPerStep?: number;
  uploadsPerStep?: number;
}

export interface ReadbackCount {
  epochs: number;
  batchesPerEpoch: number;
  /** GPU→CPU downloads during the whole run (backend-level count: every read that left the GPU). */
  readbacks: number;
  readbacksPerEpoch: number;
  /** How they were counted. */
  method: string;
  /** Accuracy after the run, on `testImages` test images. */
  testAccuracy: number;
  testImages: number;
}

export interface EngineBenchResult {
  /** The backend that actually ran (a fallback is reported as a problem, not measured). */
  backend: string;
  adapter?: string;
  where: 'page' | 'worker';
  steps: StepComparison[];
  readbacks?: ReadbackCount;
  sparseCpu?: SparseCpuStepTiming;
  problems: string[];
}

export interface AdjacencyBenchOptions {
  nIn: number;
  nOut: number;
  density: number;
  redraws: number;
}

export interface AdjacencyCase {
  layout: string;
  zoom: number;
  devicePixelRatio: number;
  /** data-redraw-ms of each redraw, as the chart reports it. */
  redrawMs: number[];
  canvas: { width: number; height: number };
}

export interface AdjacencyBenchResult {
  links: number;
  cases: AdjacencyCase[];
  problems: string[];
}

/** The page's globals the driver calls through page.evaluate. */
export interface BenchGlobals {
  engine?(options: EngineBenchOptions): Promise<EngineBenchResult>;
  engineInWorker?(options: EngineBenchOptions): Promise<EngineBenchResult>;
  adjacency?(options: AdjacencyBenchOptions): Promise<AdjacencyBenchResult>;
}
