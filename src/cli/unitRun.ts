// Runs one unit of a plan: a training writes its model file and its record, a sweep reads that model
// file and writes its record. Every output is written atomically, and every random choice comes from
// the unit's own seeds, so a unit gives the same bytes (timings aside) in any process and any order.
import { mkdir, readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { loadSplitNode } from '../data/loadNode';
import { parseModelFile, serializeModel } from '../engine/modelFile';
import { createTrainingRun, type EpochSummary, type TrainResult } from '../engine/train';
import { DEFAULT_CONFIG } from '../engine/types';
import type { DataArrays, DatasetName, NetworkState, TrainConfig } from '../engine/types';
import { inputConcentration } from './ablation';
import { createCliPath } from './evalPath';
import type { TrainedModelRecord } from './reproduceRun';
import { runSweep, type SweepRecord } from './sweeps';
import { doneFile, type SweepUnit, type TrainUnit, type Unit, writeAtomic } from './units';

/** What a finished unit wrote into its "done" file. */
export type UnitOutput = { id: string; kind: 'train'; record: TrainedModelRecord } | { id: string; kind: 'sweep'; record: SweepRecord };

const splits = new Map<string, Promise<DataArrays>>();

/** Each process loads a split once, however many units it runs (and may start before its first unit). */
export function split(dataset: DatasetName, which: 'train' | 'test'): Promise<DataArrays> {
  const key = `${dataset}/${which}`;
  let p = splits.get(key);
  if (p === undefined) {
    p = loadSplitNode(dataset, which);
    splits.set(key, p);
    p.catch(() => splits.delete(key));
  }
  return p;
}

/** The unit's output when its "done" file holds this unit's finished output; null otherwise. */
export async function readUnitOutput(folder: string, unit: Unit): Promise<UnitOutput | null> {
  let text: string;
  try {
    text = await readFile(join(folder, doneFile(unit)), 'utf8');
  } catch {
    return null;
  }
  try {
    const output = JSON.parse(text) as UnitOutput;
    return output.id === unit.id && output.kind === unit.kind && typeof output.record === 'object' ? output : null;
  } catch {
    return null;
  }
}

/** Runs `unit` (unless its output is there already and `force` is off); returns its output and whether it ran. */
export async function runUnit(folder: string, unit: Unit, log: (line: string) => void, force = false): Promise<{ output: UnitOutput; ran: boolean }> {
  if (!force) {
    const done = await readUnitOutput(folder, unit);
    if (done !== null) return { output: done, ran: false };
  }
  for (const out of unit.outputs) await mkdir(dirname(join(folder, out)), { recursive: true });
  const output: UnitOutput = unit.kind === 'train'
    ? { id: unit.id, kind: 'train', record: await runTraining(folder, unit, log) }
    : { id: unit.id, kind: 'sweep', record: await runSweepUnit(folder, unit, log) };
  await writeAtomic(join(folder, doneFile(unit)), `${JSON.stringify(output)}\n`);
  return { output, ran: true };
}

async function runTraining(folder: string, unit: TrainUnit, log: (line: string) => void): Promise<TrainedModelRecord> {
  const { model: spec, config } = unit;
  const file = unit.outputs[0];
  const fullPath = join(folder, file);
  if (unit.run.reuseModels) {
    const reused = await readModel(fullPath);
    if (reused !== null && sameConfig(reused.config, config) && reused.history.length === config.epochs) {
      log(`${spec.name}: reusing ${fullPath} (test accuracy ${reused.history.at(-1)?.testAccuracy.toFixed(4)})`);
      return describe(unit, reused.state, reused.history, 0, 'reused', true);
    }
  }
  const [train, test] = await Promise.all([split(config.dataset, 'train'), split(config.dataset, 'test')]);
  const { path, label } = await createCliPath(spec.strategy, log);
  log(`${spec.name}: training ${spec.strategy}, density ${config.density}, ζ ${config.zeta}, weight decay ${spec.weightDecay}, seed ${spec.seed} on ${label}`);
  const t0 = performance.now();
  const run = createTrainingRun(config, path, train, test, {
    onEpoch: (e) => log(`${spec.name}: epoch ${e.epoch}/${config.epochs} test accuracy ${e.testAccuracy.toFixed(4)}, loss ${e.trainLoss.toFixed(4)}, ${e.seconds.toFixed(1)} s`),
  });
  let result: TrainResult;
  try {
    result = await run.run();
  } finally {
    path.dispose();
  }
  if (result.error !== undefined || result.history.length < config.epochs) {
    throw new Error(`training ${spec.name} failed: ${result.error ?? 'it stopped early'}`);
  }
  const seconds = (performance.now() - t0) / 1000;
  await writeAtomic(fullPath, serializeModel(result));
  log(`${spec.name}: test accuracy ${result.history.at(-1)?.testAccuracy.toFixed(4)} after ${seconds.toFixed(0)} s; wrote ${fullPath}`);
  return describe(unit, result.state, result.history, seconds, label, false);
}

async function runSweepUnit(folder: string, unit: SweepUnit, log: (line: string) => void): Promise<SweepRecord> {
  const file = join(folder, unit.inputs[0]);
  const model = await readModel(file);
  if (model === null) throw new Error(`${unit.id} needs the model file ${file} (unit ${unit.needs}), which is missing or unreadable`);
  const test = await split(unit.run.dataset, 'test');
  const { path } = await createCliPath(model.config.strategy, log);
  try {
    const record = await runSweep(path, { name: unit.model, state: model.state }, test, unit.request, (p, i, n) => {
      log(`${unit.model} ${unit.request.kind} ${p.level} (${i + 1}/${n}): ${p.mean.toFixed(4)} ± ${p.std.toFixed(4)}`);
    });
    return record;
  } finally {
    path.dispose();
  }
}

/** A model file through modelFile.ts's parser (the one place that knows the format); null when absent or invalid. */
async function readModel(file: string): Promise<{ config: TrainConfig; state: NetworkState; history: EpochSummary[] } | null> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(file);
  } catch {
    return null;
  }
  const parsed = parseModelFile(bytes, file);
  return parsed.ok ? { config: parsed.model.config, state: parsed.model.state, history: parsed.model.history } : null;
}

function sameConfig(a: TrainConfig, b: TrainConfig): boolean {
  return (Object.keys(DEFAULT_CONFIG) as Array<keyof TrainConfig>).every((key) => a[key] === b[key]);
}

function describe(unit: TrainUnit, state: NetworkState, history: EpochSummary[], seconds: number, path: string, reused: boolean): TrainedModelRecord {
  const spec = unit.model;
  const concentration = inputConcentration(state);
  return {
    name: spec.name, strategy: spec.strategy, weightDecay: spec.weightDecay, seed: spec.seed, main: spec.main, ablation: spec.ablation,
    file: unit.outputs[0], testAccuracy: history[history.length - 1].testAccuracy, accuracyByEpoch: history.map((h) => h.testAccuracy),
    trainSeconds: seconds, path, links: state.layers.filter((l) => l.links !== null).map((l) => (l.links as Int32Array).length),
    pixelGini: concentration?.pixelGini ?? null, isolatedPixels: concentration?.isolatedPixels ?? null, reused,
  };
}
