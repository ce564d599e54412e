// The work of `lab reproduce`: train (or reuse) every planned model, save its model file, then run
// the main trio's sweeps and the ablation's; returns everything as plain, JSON-ready records.
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { MODEL_FILE_EXTENSION, parseModelFile, serializeModel } from '../engine/modelFile';
import { createTrainingRun, type EpochSummary, type TrainResult } from '../engine/train';
import { DEFAULT_CONFIG } from '../engine/types';
import type { DataArrays, DatasetName, NetworkState, TrainConfig } from '../engine/types';
import { ablationGroups, ablationModelRow, inputConcentration, type AblationGroupRow, type AblationModelRow } from './ablation';
import { createCliPath, type CliPath } from './evalPath';
import { ABLATION_REMOVAL, ABLATION_SHUFFLE, ablationSweeps, configFor, mainSweeps, type ModelSpec, type ReproduceSize } from './reproducePlan';
import { runSweep, type SweepRecord, type SweepRequest } from './sweeps';

export interface ReproduceOptions {
  dataset: DatasetName;
  size: ReproduceSize;
  models: ModelSpec[];
  outDir: string;
  /** Seed of the perturbations' random choices (repeat r uses sweepSeed + r). */
  sweepSeed: number;
  /** Reuse a model file already in outDir/models when its configuration is the planned one. */
  reuseModels: boolean;
  log: (line: string) => void;
  /** Called after each phase with the results so far (to write them out early). */
  onPhase?: (partial: ReproduceData) => Promise<void>;
}

export interface TrainedModelRecord {
  name: string;
  strategy: string;
  weightDecay: number;
  seed: number;
  main: boolean;
  ablation: boolean;
  /** The model file, relative to the output folder. */
  file: string;
  testAccuracy: number;
  /** Test accuracy after each epoch. */
  accuracyByEpoch: number[];
  trainSeconds: number;
  path: string;
  /** Links per sparse layer (empty for dense). */
  links: number[];
  pixelGini: number | null;
  isolatedPixels: number | null;
  reused: boolean;
}

export interface ReproduceData {
  models: TrainedModelRecord[];
  /** The main trio's sweeps. */
  sweeps: SweepRecord[];
  ablation: { removalLevels: number[]; shuffleLevels: number[]; models: AblationModelRow[]; groups: AblationGroupRow[] } | null;
  phases: { trainingSeconds: number; sweepSeconds: number; ablationSeconds: number };
}

interface Trained {
  spec: ModelSpec;
  config: TrainConfig;
  state: NetworkState;
  history: EpochSummary[];
  record: TrainedModelRecord;
}

export async function runReproduction(opts: ReproduceOptions, train: DataArrays, test: DataArrays): Promise<ReproduceData> {
  const data: ReproduceData = { models: [], sweeps: [], ablation: null, phases: { trainingSeconds: 0, sweepSeconds: 0, ablationSeconds: 0 } };
  await mkdir(join(opts.outDir, 'models'), { recursive: true });
  const trained: Trained[] = [];
  const evalPaths = new Map<string, CliPath>();
  const pathFor = async (spec: ModelSpec) => {
    const key = spec.strategy === 'dense' ? 'dense' : 'sparse';
    let p = evalPaths.get(key);
    if (p === undefined) {
      p = await createCliPath(spec.strategy, opts.log);
      evalPaths.set(key, p);
    }
    return p;
  };
  const trainAll = async (specs: ModelSpec[]) => {
    const t0 = performance.now();
    for (const spec of specs) {
      const model = await trainOrReuse(spec, opts, train, test);
      trained.push(model);
      data.models.push(model.record);
    }
    data.phases.trainingSeconds += (performance.now() - t0) / 1000;
  };
  const sweepAll = async (models: Trained[], requests: (spec: ModelSpec) => SweepRequest[], into: SweepRecord[]) => {
    for (const model of models) {
      const { path } = await pathFor(model.spec);
      for (const request of requests(model.spec)) {
        const record = await runSweep(path, { name: model.spec.name, state: model.state }, test, request, (p, i, n) => {
          opts.log(`${model.spec.name} ${request.kind} ${p.level} (${i + 1}/${n}): ${p.mean.toFixed(4)} ± ${p.std.toFixed(4)}`);
        });
        opts.log(`${model.spec.name} ${request.kind}: done in ${record.seconds.toFixed(1)} s`);
        into.push(record);
      }
    }
  };
  try {
    // Main trio first, so its curves exist even if the (longer) ablation is interrupted.
    await trainAll(opts.models.filter((m) => m.main));
    let t0 = performance.now();
    await sweepAll(trained.filter((m) => m.spec.main), () => mainSweeps(opts.size, opts.sweepSeed), data.sweeps);
    data.phases.sweepSeconds = (performance.now() - t0) / 1000;
    await opts.onPhase?.(data);

    const ablationSpecs = opts.models.filter((m) => m.ablation);
    if (ablationSpecs.length > 0) {
      await trainAll(opts.models.filter((m) => !m.main));
      t0 = performance.now();
      const ablationRecords: SweepRecord[] = [];
      // The main models' removal and shuffling curves already hold the ablation's levels.
      await sweepAll(trained.filter((m) => m.spec.ablation && !m.spec.main), () => ablationSweeps(opts.size, opts.sweepSeed), ablationRecords);
      const rows = trained.filter((m) => m.spec.ablation).map((m) => ablationModelRow(
        { name: m.spec.name, strategy: m.spec.strategy, weightDecay: m.spec.weightDecay, seed: m.spec.seed, accuracy: m.record.testAccuracy, state: m.state },
        m.spec.main ? data.sweeps : ablationRecords,
      ));
      data.ablation = { removalLevels: [...ABLATION_REMOVAL], shuffleLevels: [...ABLATION_SHUFFLE], models: rows, groups: ablationGroups(rows) };
      data.phases.ablationSeconds = (performance.now() - t0) / 1000;
      await opts.onPhase?.(data);
    }
  } finally {
    for (const p of evalPaths.values()) p.path.dispose();
  }
  return data;
}

async function trainOrReuse(spec: ModelSpec, opts: ReproduceOptions, train: DataArrays, test: DataArrays): Promise<Trained> {
  const config = configFor(spec, opts.dataset, opts.size);
  const file = join('models', `${spec.name}${MODEL_FILE_EXTENSION}`);
  const fullPath = join(opts.outDir, file);
  if (opts.reuseModels) {
    const reused = await readMatchingModel(fullPath, config);
    if (reused !== null) {
      opts.log(`${spec.name}: reusing ${fullPath} (test accuracy ${reused.history.at(-1)?.testAccuracy.toFixed(4)})`);
      return describe(spec, config, reused.state, reused.history, file, 0, 'reused', true);
    }
  }
  const { path, label } = await createCliPath(spec.strategy, opts.log);
  opts.log(`${spec.name}: training ${spec.strategy}, weight decay ${spec.weightDecay}, seed ${spec.seed} on ${label}`);
  const t0 = performance.now();
  const run = createTrainingRun(config, path, train, test, {
    onEpoch: (e) => opts.log(`${spec.name}: epoch ${e.epoch}/${config.epochs} test accuracy ${e.testAccuracy.toFixed(4)}, loss ${e.trainLoss.toFixed(4)}, ${e.seconds.toFixed(1)} s`),
  });
  let result: TrainResult;
  try {
    result = await run.run();
  } finally {
    path.dispose();
  }
  if (result.error !== undefined || result.history.length < config.epochs) {
    throw new Error(`reproduceRun.ts: training ${spec.name} failed: ${result.error ?? 'it stopped early'}`);
  }
  const seconds = (performance.now() - t0) / 1000;
  await writeFile(fullPath, serializeModel(result));
  opts.log(`${spec.name}: test accuracy ${result.history.at(-1)?.testAccuracy.toFixed(4)} after ${seconds.toFixed(0)} s; wrote ${fullPath}`);
  return describe(spec, config, result.state, result.history, file, seconds, label, false);
}

async function readMatchingModel(file: string, config: TrainConfig): Promise<{ state: NetworkState; history: EpochSummary[] } | null> {
  let text: Uint8Array;
  try {
    text = await readFile(file);
  } catch {
    return null;
  }
  const parsed = parseModelFile(text, file);
  if (!parsed.ok || !sameConfig(parsed.model.config, config)) return null;
  if (parsed.model.history.length !== config.epochs) return null;
  return { state: parsed.model.state, history: parsed.model.history };
}

function sameConfig(a: TrainConfig, b: TrainConfig): boolean {
  return (Object.keys(DEFAULT_CONFIG) as Array<keyof TrainConfig>).every((key) => a[key] === b[key]);
}

function describe(
  spec: ModelSpec, config: TrainConfig, state: NetworkState, history: EpochSummary[], file: string, seconds: number, path: string, reused: boolean,
): Trained {
  const concentration = inputConcentration(state);
  const record: TrainedModelRecord = {
    name: spec.name, strategy: spec.strategy, weightDecay: spec.weightDecay, seed: spec.seed, main: spec.main, ablation: spec.ablation,
    file, testAccuracy: history[history.length - 1].testAccuracy, accuracyByEpoch: history.map((h) => h.testAccuracy),
    trainSeconds: seconds, path, links: state.layers.filter((l) => l.links !== null).map((l) => (l.links as Int32Array).length),
    pixelGini: concentration?.pixelGini ?? null, isolatedPixels: concentration?.isolatedPixels ?? null, reused,
  };
  return { spec, config, state, history, record };
}
