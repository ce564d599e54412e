// `lab merge`: checks that every unit of a plan is done and writes results.json, the CSVs and
// results.md from the units' outputs, exactly as one `lab reproduce` run writes them.
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { FlagSpec, FlagValues } from './args';
import { ablationGroups, ablationModelRow } from './ablation';
import { EXIT_FAILURE, EXIT_OK, EXIT_USAGE } from './command';
import type { Command, CommandIo } from './command';
import { gridCells, type GridModelInput } from './grid';
import { ABLATION_REMOVAL, ABLATION_SHUFFLE } from './reproducePlan';
import { RESULTS_FORMAT, writeResults, type ReproduceResults } from './reproduceReport';
import type { ReproduceData, TrainedModelRecord } from './reproduceRun';
import type { SweepRecord } from './sweeps';
import { readUnitOutput, type UnitOutput } from './unitRun';
import { doneFile, planFolder, readPlan, type SweepUnit, type TrainUnit, type Unit } from './units';

export const MERGE_FLAGS: readonly FlagSpec[] = [
  { name: 'plan', type: 'string', valueName: 'FILE', required: true, help: 'the plan written by `lab plan` (its folder holds the units\' outputs and receives the results)' },
];

export const mergeCommand: Command = {
  name: 'merge',
  summary: 'check that every unit of a plan is done and write the results, as one `lab reproduce` run would (exit 2 naming any unit not done)',
  flags: MERGE_FLAGS,
  run: runMerge,
};

/** The outputs of a plan's units, or the units whose outputs are missing. */
export async function collectOutputs(folder: string, units: readonly Unit[]): Promise<{ outputs: Map<string, UnitOutput>; missing: Unit[] }> {
  const outputs = new Map<string, UnitOutput>();
  const missing: Unit[] = [];
  for (const unit of units) {
    const output = await readUnitOutput(folder, unit);
    if (output === null) missing.push(unit);
    else outputs.set(unit.id, output);
  }
  return { outputs, missing };
}

/** The results data of a plan whose every unit is done, in the order of the plan. */
export function mergeData(units: readonly Unit[], outputs: ReadonlyMap<string, UnitOutput>): ReproduceData {
  const trainings = units.filter((u): u is TrainUnit => u.kind === 'train');
  const sweepUnits = units.filter((u): u is SweepUnit => u.kind === 'sweep');
  const recordOf = (unit: Unit) => {
    const output = outputs.get(unit.id);
    if (output === undefined) throw new Error(`merge.ts: unit ${unit.id} is not done`);
    return output.record;
  };
  const models = trainings.map((u) => recordOf(u) as TrainedModelRecord);
  const sweepsOf = (group: SweepUnit['group']) => sweepUnits.filter((u) => u.group === group).map((u) => recordOf(u) as SweepRecord);
  const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);
  const data: ReproduceData = {
    models,
    sweeps: sweepsOf('main'),
    ablation: null,
    phases: {
      trainingSeconds: sum(models.map((m) => m.trainSeconds)),
      sweepSeconds: sum(sweepsOf('main').map((s) => s.seconds)),
      ablationSeconds: sum([...sweepsOf('ablation'), ...sweepsOf('grid')].map((s) => s.seconds)),
    },
  };
  const ablationModels = models.filter((m) => m.ablation);
  if (ablationModels.length > 0) {
    const records = sweepsOf('ablation');
    const rows = ablationModels.map((m) => ablationModelRow({ ...m, accuracy: m.testAccuracy }, m.main ? data.sweeps : records));
    data.ablation = { removalLevels: [...ABLATION_REMOVAL], shuffleLevels: [...ABLATION_SHUFFLE], models: rows, groups: ablationGroups(rows) };
  }
  const spec = units[0].run.grid;
  if (spec !== null) {
    const gridModels: GridModelInput[] = trainings.filter((u) => u.model.grid !== undefined).map((u) => ({
      name: u.model.name, strategy: u.model.strategy, weightDecay: u.model.weightDecay, seed: u.model.seed,
      density: u.config.strategy === 'dense' ? 1 : u.config.density, zeta: u.config.zeta, testAccuracy: (recordOf(u) as TrainedModelRecord).testAccuracy,
      pixelGini: (recordOf(u) as TrainedModelRecord).pixelGini,
    }));
    const gridSweeps = sweepsOf('grid');
    data.grid = { spec, models: gridModels, sweeps: gridSweeps, cells: gridCells(gridModels, gridSweeps) };
  }
  return data;
}

/** The results of a finished plan, stamped with the run's times. */
export function resultsOf(units: readonly Unit[], data: ReproduceData, startedAt: Date, finishedAt: Date): ReproduceResults {
  const run = units[0].run;
  return {
    format: RESULTS_FORMAT, version: 1, dataset: run.dataset, command: run.command, quick: run.quick, size: run.size, seeds: run.seeds, sweepSeed: run.sweepSeed,
    startedAt: startedAt.toISOString(), finishedAt: finishedAt.toISOString(), seconds: (finishedAt.getTime() - startedAt.getTime()) / 1000, partial: false, ...data,
  };
}

/** "3 units are not done: train-set-seed1-… (index 0), …": at most 10 named. */
export function missingMessage(missing: readonly Unit[]): string {
  const named = missing.slice(0, 10).map((u) => `${u.id} (index ${u.index})`).join(', ');
  return `${missing.length} unit${missing.length === 1 ? ' is' : 's are'} not done: ${named}${missing.length > 10 ? `, and ${missing.length - 10} more` : ''}`;
}

async function runMerge(values: FlagValues, io: CommandIo): Promise<number> {
  const planPath = values.plan as string;
  let units: Unit[];
  try {
    units = await readPlan(planPath);
  } catch (e) {
    io.err(`lab merge: ${e instanceof Error ? e.message : String(e)}`);
    return EXIT_USAGE;
  }
  const folder = planFolder(planPath);
  const { outputs, missing } = await collectOutputs(folder, units);
  if (missing.length > 0) {
    io.err(`lab merge: ${missingMessage(missing)}; run them (lab run-unit --plan ${planPath} --index I) and merge again`);
    return EXIT_USAGE;
  }
  try {
    // The run's span: from the plan's writing to the last unit's output, however late the merge runs.
    const startedAt = (await stat(planPath)).mtime;
    const ends = await Promise.all(units.map(async (u) => (await stat(join(folder, doneFile(u)))).mtime.getTime()));
    const written = await writeResults(folder, resultsOf(units, mergeData(units, outputs), startedAt, new Date(Math.max(...ends))));
    io.out(`lab merge: ${units.length} units merged; wrote ${written.join(', ')}`);
    return EXIT_OK;
  } catch (e) {
    io.err(`lab merge: ${e instanceof Error ? e.message : String(e)}`);
    return EXIT_FAILURE;
  }
}
