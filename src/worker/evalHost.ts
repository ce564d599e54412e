// The worker's evaluation jobs: live accuracy under the sliders' setting, robustness sweeps and the
// sample grid. Each kind of job runs on compute paths of its own (never the training one), one job at
// a time, and stops at its next batch when a newer request supersedes it or the page cancels it.
import { NUM_CLASSES, IMAGE_SIZE } from '../engine/constants';
import { createDevicePath } from '../engine/device/path';
import { argmaxLogits } from '../engine/evaluate';
import { attackInputs } from '../engine/perturb';
import { accuracyUnder, NO_PERTURBATION, PERTURBATION_KINDS, perturbState, sweep, type PerturbationSetting, type SweepPoint } from '../engine/robustness';
import { createRng } from '../engine/rng';
import { createSparseCpuPath } from '../engine/sparseCpu';
import type { EpochSummary } from '../engine/train';
import type { ComputePath, DataArrays, DatasetName, NetworkState, TrainConfig } from '../engine/types';
import type { EpochWiring } from '../engine/wiringHistory';
import type { WorkerCommand, WorkerEvent } from './protocol';

const FILE = 'src/worker/evalHost.ts';
/** Sweep progress goes out at most this often (and always at the end of each model). */
const SWEEP_PROGRESS_INTERVAL_MS = 100;
/** The attack inside a sweep or a sample grid is seeded apart from the structural perturbation. */
const ATTACK_SEED_MIX = 0x5bd1e995;

/** A model the worker holds: trained here, or loaded from a file (then `source` names the file). */
export interface HeldModel {
  id: string;
  config: TrainConfig;
  state: NetworkState;
  history: EpochSummary[];
  /** Per epoch of `history`, the sparse layers' removed and grown links, when known (model files keep it). */
  wiring?: EpochWiring[] | null;
  source?: { fileName: string; label: string };
}

/** What the evaluation and attack jobs need from the host. */
export interface HostContext {
  post(event: WorkerEvent): void;
  /** The model, or an Error naming the missing id. */
  model(id: string): HeldModel;
  /** The test set of a dataset, or an Error saying it has not been sent. */
  testSet(dataset: DatasetName): DataArrays;
  /**
   * Selects the tfjs backend (needed before a device path is made) and says whether dense models
   * run on it (a hardware GPU) or on the WebAssembly CPU path (CPU backend, software rasteriser).
   */
  denseOnDevice(): Promise<boolean>;
}

export interface Signal {
  cancelled: boolean;
}

export function messageOf(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** Lets queued messages (a newer slider value, a cancel) reach the worker between batches. */
export function yieldToEvents(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}

/**
 * The jobs of one kind that are queued or running, by request id. Opening a job that supersedes
 * cancels every older one of its kind (the newest slider value wins); with a key (a model id), only
 * the older ones of the same key, so one model's newer request never cancels another model's.
 */
export class JobBoard {
  private readonly jobs = new Map<number, Signal & { key?: string }>();

  open(requestId: number, supersede: boolean, key?: string): Signal {
    if (supersede) for (const [id, signal] of this.jobs) if (id < requestId && signal.key === key) signal.cancelled = true;
    const signal: Signal & { key?: string } = { cancelled: false, ...(key !== undefined ? { key } : {}) };
    this.jobs.set(requestId, signal);
    return signal;
  }

  close(requestId: number): void {
    this.jobs.delete(requestId);
  }

  /** True when the request was found here (and is now cancelled). */
  cancel(requestId: number): boolean {
    const signal = this.jobs.get(requestId);
    if (signal) signal.cancelled = true;
    return signal !== undefined;
  }
}

/**
 * A queue of jobs with compute paths of its own: the sparse CPU path for sparse models (its cost
 * grows with the links) and, for dense ones, the device path where a hardware GPU is under it (the
 * CPU path otherwise: it runs dense layers too, many times faster than a software GPU). Jobs run
 * one after another, so a path loaded by one job is never reloaded under it by another.
 */
export class Lane {
  private queue: Promise<void> = Promise.resolve();
  private sparse: { path: ComputePath; view: ComputePath } | null = null;
  private device: { path: ComputePath; view: ComputePath } | null = null;
  /** The test set each path holds, so it is uploaded once, not at every evaluation. */
  private readonly resident = new Map<ComputePath, DataArrays>();

  constructor(private readonly denseOnDevice: () => Promise<boolean>) {}

  enqueue(job: () => Promise<void>): Promise<void> {
    this.queue = this.queue.then(job, job);
    return this.queue;
  }

  async pathFor(model: HeldModel): Promise<ComputePath> {
    if (model.state.layers.some((layer) => layer.links !== null) || !(await this.denseOnDevice())) {
      this.sparse ??= this.wrap(createSparseCpuPath());
      return this.sparse.view;
    }
    this.device ??= this.wrap(createDevicePath());
    return this.device.view;
  }

  private wrap(path: ComputePath) {
    return { path, view: yielding(path, this.resident) };
  }

  dispose(): void {
    this.sparse?.path.dispose();
    this.device?.path.dispose();
    this.sparse = this.device = null;
    this.resident.clear();
  }
}

/**
 * A path whose batch operations first let pending messages in, so a cancel is seen at the next
 * batch; and whose evaluate(data) keeps `data` resident (the device path would upload it each time).
 */
function yielding(path: ComputePath, resident: Map<ComputePath, DataArrays>): ComputePath {
  return {
    get kind() { return path.kind; },
    load: (state) => path.load(state),
    save: () => path.save(),
    setTrainData: (data) => path.setTrainData(data),
    setTestData: (data) => path.setTestData(data),
    trainStep: (indices, rate, decay) => path.trainStep(indices, rate, decay),
    takeMeanLoss: () => path.takeMeanLoss(),
    denseGradientMagnitude: (layer, indices) => path.denseGradientMagnitude(layer, indices),
    evaluate: async (data) => {
      await yieldToEvents();
      if (data !== undefined && resident.get(path) !== data) {
        path.setTestData(data);
        resident.set(path, data);
      }
      return path.evaluate();
    },
    predict: async (pixels, count) => { await yieldToEvents(); return path.predict(pixels, count); },
    inputGradient: async (pixels, labels, count) => { await yieldToEvents(); return path.inputGradient(pixels, labels, count); },
    dispose: () => path.dispose(),
  };
}

/** A setting from the page, checked: numbers finite and in range, a known attack kind. */
export function checkSetting(setting: PerturbationSetting | undefined): PerturbationSetting {
  if (setting === undefined) return NO_PERTURBATION;
  const { removal, shuffle, attack } = setting;
  const fraction = (v: unknown, what: string) => {
    if (typeof v !== 'number' || !(v >= 0 && v <= 1)) throw new Error(`${FILE}: ${what} must be a fraction in [0, 1], got ${String(v)}`);
  };
  fraction(removal, 'the link removal fraction');
  fraction(shuffle, 'the weight shuffling fraction');
  if (!attack || !['fgsm', 'pgd', 'noise'].includes(attack.kind)) throw new Error(`${FILE}: the attack must be fgsm, pgd or noise, got ${JSON.stringify(attack?.kind)}`);
  fraction(attack.epsilon, 'ε');
  if (setting.nodes !== undefined) {
    fraction(setting.nodes.fraction, 'the node removal fraction');
    if (!['random', 'degree', 'strength'].includes(setting.nodes.order)) throw new Error(`${FILE}: neurons go at random, by degree or by strength, got ${JSON.stringify(setting.nodes.order)}`);
  }
  if (setting.pixels !== undefined) {
    fraction(setting.pixels.fraction, 'the pixel removal fraction');
    if (!['random', 'degree'].includes(setting.pixels.order)) throw new Error(`${FILE}: pixels go at random or by degree, got ${JSON.stringify(setting.pixels.order)}`);
  }
  if (setting.removalOrder !== undefined && !['random', 'strongest', 'weakest'].includes(setting.removalOrder)) {
    throw new Error(`${FILE}: links go at random, strongest or weakest first, got ${JSON.stringify(setting.removalOrder)}`);
  }
  if (attack.steps !== undefined && !(Number.isInteger(attack.steps) && attack.steps >= 1 && attack.steps <= 1000)) {
    throw new Error(`${FILE}: PGD steps must be an integer from 1 to 1000, got ${attack.steps}`);
  }
  return setting;
}

function checkLimit(limit: number | undefined): number | undefined {
  if (limit !== undefined && !(Number.isInteger(limit) && limit >= 1)) throw new Error(`${FILE}: the test-image limit must be a positive integer, got ${limit}`);
  return limit;
}

function checkModelIds(ids: unknown): string[] {
  if (!Array.isArray(ids) || ids.length === 0 || !ids.every((id) => typeof id === 'string')) throw new Error(`${FILE}: a list of model ids is needed`);
  return ids;
}

export function argmaxRows(logits: Float32Array, count: number): Uint8Array {
  const out = new Uint8Array(count);
  for (let b = 0; b < count; b++) out[b] = argmaxLogits(logits, b * NUM_CLASSES, 1);
  return out;
}

export type Cmd<T extends WorkerCommand['type']> = Extract<WorkerCommand, { type: T }>;

/**
 * Queues `job` in `lane` as request `requestId` of `board`'s kind, superseding the older ones (of the
 * same `key` when one is given; none when `supersede` is false). Its answer is posted; a job that was cancelled (or returns null) is
 * answered `stale`, a failure `error`.
 */
export function runJob(
  post: (event: WorkerEvent) => void, board: JobBoard, lane: Lane, requestId: number,
  job: (signal: Signal) => Promise<WorkerEvent | null>, key?: string, supersede = true,
): Promise<void> {
  const signal = board.open(requestId, supersede, key);
  return lane.enqueue(async () => {
    try {
      const event = signal.cancelled ? null : await job(signal);
      post(event === null || signal.cancelled ? { type: 'stale', requestId } : event);
    } catch (e) {
      post({ type: 'error', requestId, message: messageOf(e) });
    } finally {
      board.close(requestId);
    }
  });
}

export function createEvalHost(ctx: HostContext) {
  const { post } = ctx;
  const boards = { evaluate: new JobBoard(), sweep: new JobBoard(), samples: new JobBoard() };
  const lanes = { evaluate: new Lane(ctx.denseOnDevice), sweep: new Lane(ctx.denseOnDevice), samples: new Lane(ctx.denseOnDevice) };
  const run = (kind: keyof typeof boards, requestId: number, job: (signal: Signal, lane: Lane) => Promise<WorkerEvent | null>) =>
    runJob(post, boards[kind], lanes[kind], requestId, (signal) => job(signal, lanes[kind]));

  const evaluate = (cmd: Cmd<'evaluate'>) => run('evaluate', cmd.requestId, async (signal, lane) => {
    const setting = checkSetting(cmd.setting);
    const limit = checkLimit(cmd.limit);
    const models = checkModelIds(cmd.modelIds).map(ctx.model);
    const results: Array<{ modelId: string; accuracy: number; perClass: Float32Array }> = [];
    for (const model of models) {
      const path = await lane.pathFor(model);
      const r = await accuracyUnder(path, model.state, ctx.testSet(model.config.dataset), setting, cmd.seed, { limit, signal });
      if (r === null || signal.cancelled) return null;
      results.push({ modelId: model.id, accuracy: r.accuracy, perClass: r.perClass.slice() });
    }
    return { type: 'evaluation', requestId: cmd.requestId, setting, results };
  });

  const runSweep = (cmd: Cmd<'sweep'>) => run('sweep', cmd.requestId, async (signal, lane) => {
    const models = checkModelIds(cmd.modelIds).map(ctx.model);
    const limit = checkLimit(cmd.limit);
    if (!PERTURBATION_KINDS.includes(cmd.kind)) throw new Error(`${FILE}: unknown perturbation kind ${JSON.stringify(cmd.kind)}`);
    if (!Array.isArray(cmd.levels) || cmd.levels.length === 0 || !cmd.levels.every((l) => typeof l === 'number' && l >= 0 && l <= 1)) {
      throw new Error(`${FILE}: sweep levels must be numbers in [0, 1]`);
    }
    if (!(Number.isInteger(cmd.repeats) && cmd.repeats >= 1 && cmd.repeats <= 100)) throw new Error(`${FILE}: repeats must be an integer from 1 to 100, got ${cmd.repeats}`);
    // Beside an adversarial curve, uniform noise of the same ε is the baseline an attack must beat.
    const kinds = cmd.kind === 'fgsm' || cmd.kind === 'pgd' ? [cmd.kind, 'noise' as const] : [cmd.kind];
    const perRun = cmd.levels.length * cmd.repeats;
    const total = perRun * kinds.length * models.length;
    let offset = 0;
    let lastPost = -Infinity;
    const curves = kinds.map(() => [] as Array<{ modelId: string; points: SweepPoint[] }>);
    for (const model of models) {
      const test = ctx.testSet(model.config.dataset);
      for (let k = 0; k < kinds.length; k++) {
        const path = await lane.pathFor(model);
        const points = await sweep(path, model.state, test, {
          kind: kinds[k], levels: cmd.levels, repeats: cmd.repeats, seed: cmd.seed, limit, signal, target: cmd.target,
          onProgress: (done) => {
            const now = performance.now();
            if (now - lastPost < SWEEP_PROGRESS_INTERVAL_MS && done < perRun) return;
            lastPost = now;
            post({ type: 'sweepProgress', requestId: cmd.requestId, done: offset + done, total });
          },
        });
        if (points === null || signal.cancelled) return null;
        curves[k].push({ modelId: model.id, points });
        offset += perRun;
      }
    }
    return { type: 'sweepResult', requestId: cmd.requestId, kind: cmd.kind, results: curves[0], ...(curves.length > 1 ? { baseline: curves[1] } : {}) };
  });

  const samples = (cmd: Cmd<'samples'>) => run('samples', cmd.requestId, async (signal, lane) => {
    const setting = checkSetting(cmd.setting);
    const models = checkModelIds(cmd.modelIds).map(ctx.model);
    const test = ctx.testSet(cmd.dataset);
    const indices = Int32Array.from(cmd.indices);
    if (indices.length === 0 || indices.some((i) => !(i >= 0 && i < test.count))) throw new Error(`${FILE}: sample indices must lie in 0..${test.count - 1}`);
    const n = indices.length;
    const pixels = new Float32Array(n * IMAGE_SIZE);
    const labels = new Uint8Array(n);
    indices.forEach((index, k) => {
      labels[k] = test.labels[index];
      const image = test.images.subarray(index * IMAGE_SIZE, (index + 1) * IMAGE_SIZE);
      for (let i = 0; i < IMAGE_SIZE; i++) pixels[k * IMAGE_SIZE + i] = image[i] / 255;
    });
    let images: Float32Array | null = null;
    const predictions: Array<{ modelId: string; clean: Uint8Array; perturbed: Uint8Array }> = [];
    for (const model of models) {
      if (model.config.dataset !== cmd.dataset) throw new Error(`${FILE}: model ${model.id} was trained on ${model.config.dataset}, not ${cmd.dataset}`);
      const path = await lane.pathFor(model);
      path.load(model.state);
      const clean = argmaxRows(await path.predict(pixels, n), n);
      path.load(perturbState(model.state, setting, cmd.seed));
      const attack = setting.attack;
      const seen = attack.epsilon > 0
        ? await attackInputs(pixels, labels, n, (x, y, k) => path.inputGradient(x, y, k), attack, createRng(cmd.seed ^ ATTACK_SEED_MIX))
        : pixels;
      const perturbed = argmaxRows(await path.predict(seen, n), n);
      if (signal.cancelled) return null;
      images ??= seen === pixels ? pixels.slice() : seen;
      predictions.push({ modelId: model.id, clean, perturbed });
    }
    return { type: 'samplesResult', requestId: cmd.requestId, indices, images: images ?? pixels, labels, predictions };
  });

  return {
    evaluate,
    sweep: runSweep,
    samples,
    /** Cancels an evaluation, sweep or sample job; false when no such job is queued or running. */
    cancel: (requestId: number) => Object.values(boards).some((board) => board.cancel(requestId)),
    dispose: () => Object.values(lanes).forEach((lane) => lane.dispose()),
  };
}
