// The units of a reproduction: one training per model (wave 0), then one sweep per model and
// request of the sweep lists (wave 1). A plan is one JSON line per unit, self-contained, so any
// scheduler can run unit I anywhere that sees the plan's folder; outputs are paths relative to it.
import { createHash } from 'node:crypto';
import { readFile, rename, writeFile, unlink } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { MODEL_FILE_EXTENSION } from '../engine/modelFile';
import type { DatasetName, TrainConfig } from '../engine/types';
import type { GridSpec } from './grid';
import { ablationSweeps, configFor, gridSweeps, mainSweeps, type ModelSpec, type ReproduceSize } from './reproducePlan';
import type { SweepRequest } from './sweeps';

/** What every unit of a run shares: enough to run any unit alone and to merge them all. */
export interface RunInfo {
  dataset: DatasetName;
  /** The `lab reproduce` command line that this plan's merged results stand for. */
  command: string;
  quick: boolean;
  size: ReproduceSize;
  seeds: number[];
  sweepSeed: number;
  reuseModels: boolean;
  grid: GridSpec | null;
}

/** Which table a sweep feeds: the trio's full curves, the weight-decay ablation, or the grid. */
export type SweepGroup = 'main' | 'ablation' | 'grid';

interface UnitBase {
  /** Stable: the model's name, plus a hash of everything the unit's output depends on. */
  id: string;
  index: number;
  /** 0: trainings; 1: sweeps, which read the model files of wave 0. */
  wave: 0 | 1;
  /** The command that runs this unit (relative to the repository root). */
  command: string;
  /** Files (relative to the plan's folder) the unit reads. */
  inputs: string[];
  /** Files (relative to the plan's folder) the unit writes; the last one marks it done. */
  outputs: string[];
  run: RunInfo;
}

export interface TrainUnit extends UnitBase {
  kind: 'train';
  wave: 0;
  model: ModelSpec;
  config: TrainConfig;
}

export interface SweepUnit extends UnitBase {
  kind: 'sweep';
  wave: 1;
  model: string;
  /** The training unit whose model this sweep perturbs. */
  needs: string;
  group: SweepGroup;
  request: SweepRequest;
}

export type Unit = TrainUnit | SweepUnit;

export const PLAN_FILE = 'plan.jsonl';

const hash = (value: unknown) => createHash('sha256').update(JSON.stringify(value)).digest('hex').slice(0, 10);

export const modelFileOf = (name: string) => join('models', `${name}${MODEL_FILE_EXTENSION}`);

/**
 * The units of a run, in the order the merged results list them: trainings in model order, then
 * the trio's sweeps, the ablation's and the grid's, each model with its list's requests in order.
 */
export function planUnits(run: RunInfo, models: readonly ModelSpec[], planPath: string): Unit[] {
  const units: Unit[] = [];
  const command = (index: number) => `npm run lab -- run-unit --plan ${planPath} --index ${index}`;
  const trainings = new Map<string, TrainUnit>();
  for (const model of models) {
    const config = configFor(model, run.dataset, run.size);
    const id = `train-${model.name}-${hash({ config, model, reuse: run.reuseModels })}`;
    const index = units.length;
    const unit: TrainUnit = {
      id, index, wave: 0, kind: 'train', command: command(index), inputs: [], outputs: [modelFileOf(model.name), join('units', `${id}.json`)], run, model, config,
    };
    units.push(unit);
    trainings.set(model.name, unit);
  }
  const addSweeps = (group: SweepGroup, chosen: readonly ModelSpec[], requests: (size: ReproduceSize, seed: number) => SweepRequest[]) => {
    for (const model of chosen) {
      const training = trainings.get(model.name) as TrainUnit;
      for (const request of requests(run.size, run.sweepSeed)) {
        const id = `sweep-${model.name}-${request.kind}-${hash({ training: training.id, request, group })}`;
        const index = units.length;
        units.push({
          id, index, wave: 1, kind: 'sweep', command: command(index), inputs: [training.outputs[0], training.outputs[1]], outputs: [join('units', `${id}.json`)],
          run, model: model.name, needs: training.id, group, request,
        });
      }
    }
  };
  addSweeps('main', models.filter((m) => m.main), mainSweeps);
  // The main models' removal and shuffling curves already hold the ablation's levels.
  addSweeps('ablation', models.filter((m) => m.ablation && !m.main), ablationSweeps);
  addSweeps('grid', models.filter((m) => m.grid !== undefined), gridSweeps);
  return units;
}

/** The unit's "done" file: the last of its outputs. */
export const doneFile = (unit: Unit) => unit.outputs[unit.outputs.length - 1];

export function planText(units: readonly Unit[]): string {
  return units.map((u) => JSON.stringify(u)).join('\n') + '\n';
}

/** Reads a plan file; a clear error naming the file and line when it is not one. */
export async function readPlan(path: string): Promise<Unit[]> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    throw new Error(`cannot read the plan ${path}: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
  }
  const lines = text.split('\n').filter((l) => l.trim() !== '');
  if (lines.length === 0) throw new Error(`${path} holds no units`);
  return lines.map((line, i) => {
    let unit: Unit;
    try {
      unit = JSON.parse(line) as Unit;
    } catch {
      throw new Error(`${path} line ${i + 1} is not JSON`);
    }
    if ((unit.kind !== 'train' && unit.kind !== 'sweep') || unit.index !== i || typeof unit.id !== 'string' || !Array.isArray(unit.outputs) || unit.run === undefined) {
      throw new Error(`${path} line ${i + 1} is not a unit of a lab plan (or the lines are out of order)`);
    }
    return unit;
  });
}

/** The folder the plan's relative paths start from. */
export const planFolder = (planPath: string) => dirname(planPath);

let tempCounter = 0;

/**
 * Writes a file whole or not at all: into a temporary file beside it (unique per process and
 * call), then renamed over the target, which POSIX makes atomic; two runs of a unit never mix.
 */
export async function writeAtomic(path: string, data: string | Uint8Array): Promise<void> {
  const temp = `${path}.tmp-${process.pid}-${++tempCounter}`;
  try {
    await writeFile(temp, data);
    await rename(temp, path);
  } catch (e) {
    await unlink(temp).catch(() => undefined);
    throw e;
  }
}
