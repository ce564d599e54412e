// `lab reproduce`: trains the adaptive (SET), static and dense networks at the defaults (and, with
// --ablation, SET and static with weight decay on and off over seeds; with grid flags, a density/ζ
// grid), runs every robustness sweep, and writes results JSON, CSVs and results.md. The work runs as
// the units of a plan (units.ts) on --jobs processes; progress goes to stderr.
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { mkdir } from 'node:fs/promises';
import type { DatasetName } from '../engine/types';
import type { FlagSpec, FlagValues } from './args';
import { EXIT_FAILURE, EXIT_OK, UsageError } from './command';
import type { Command, CommandIo } from './command';
import { GRID_FLAGS, gridFromFlags, planGridModels } from './grid';
import { collectOutputs, mergeData, resultsOf } from './merge';
import { progressLine } from './progress';
import { FULL_SIZE, planModels, QUICK_SIZE, type ModelSpec, type ReproduceSize } from './reproducePlan';
import { writeResults } from './reproduceReport';
import { runUnits } from './scheduler';
import { PLAN_FILE, planText, planUnits, type RunInfo, type Unit, writeAtomic } from './units';

export const REPRODUCE_FLAGS: readonly FlagSpec[] = [
  { name: 'dataset', type: 'string', choices: ['mnist', 'fashion-mnist'], required: true, help: 'dataset to reproduce the experiments on' },
  { name: 'epochs', type: 'integer', valueName: 'N', help: `epochs per model (default ${FULL_SIZE.epochs}; ${QUICK_SIZE.epochs} with --quick)` },
  { name: 'dense-epochs', type: 'integer', valueName: 'N', help: 'epochs of the dense model only (default: as --epochs); dense training costs ~100× a sparse epoch on a CPU' },
  { name: 'seeds', type: 'string', valueName: 'S1,S2,…|A-B', defaultValue: '1,2', help: 'training seeds (a list, or a range such as 1-5): the first for the SET/static/dense trio, all for the ablation and the grid' },
  { name: 'repeats', type: 'integer', valueName: 'N', help: `repeats of the removal and shuffling sweeps (default ${FULL_SIZE.repeats}; ${QUICK_SIZE.repeats} with --quick)` },
  { name: 'attack-repeats', type: 'integer', valueName: 'N', help: `repeats of the PGD and noise sweeps (default ${FULL_SIZE.attackRepeats}; ${QUICK_SIZE.attackRepeats} with --quick)` },
  { name: 'test-limit', type: 'integer', valueName: 'N', help: `test images for link removal and shuffling (default: all 10,000; ${QUICK_SIZE.testLimit} with --quick)` },
  { name: 'attack-limit', type: 'integer', valueName: 'N', help: `test images for FGSM, PGD and noise (default ${FULL_SIZE.attackLimit}; ${QUICK_SIZE.attackLimit} with --quick)` },
  { name: 'sweep-seed', type: 'integer', valueName: 'N', defaultValue: 1, help: 'seed of the perturbations (repeat r uses seed + r)' },
  { name: 'quick', type: 'boolean', help: `small size for tests: H=${QUICK_SIZE.hidden}, density ${QUICK_SIZE.density}, ${QUICK_SIZE.trainLimit} training images, batch ${QUICK_SIZE.batchSize}, ${QUICK_SIZE.epochs} epochs` },
  { name: 'pruning', type: 'string', choices: ['magnitude', 'by-sign'], help: 'how the SET models prune: smallest |w| of a layer (default), or of its positive and negative weights separately (SET\'s code)' },
  { name: 'ablation', type: 'boolean', help: 'also train SET and static with weight decay 1e-4 and 0 at every seed (issue 11)' },
  { name: 'reuse-models', type: 'boolean', help: 'reuse model files already in <out-dir>/models whose configuration matches, instead of training' },
  ...GRID_FLAGS,
  { name: 'out-dir', type: 'string', valueName: 'DIR', help: 'folder for the plan, the units\' outputs, the results and the model files (default results/<dataset>)' },
];

export const REPRODUCE_RUN_FLAGS: readonly FlagSpec[] = [
  ...REPRODUCE_FLAGS,
  { name: 'jobs', type: 'integer', valueName: 'N', defaultValue: availableParallelism(), help: 'units run at once, each in its own process (default: the number of cores); results do not depend on it' },
  { name: 'verbose', type: 'boolean', help: 'also print every epoch and sweep level (as `[dataset m:ss] …` lines)' },
];

export const reproduceCommand: Command = {
  name: 'reproduce',
  summary: 'train adaptive, static and dense networks (or a density grid), run every robustness sweep, write results; --jobs N runs N units at once',
  flags: REPRODUCE_RUN_FLAGS,
  run: runReproduce,
};

/** "1,2,3" → [1, 2, 3], "1-5" → [1, …, 5]; distinct non-negative integers, in the given order. */
export function parseSeedList(text: string): number[] {
  const range = /^\s*(\d+)\s*-\s*(\d+)\s*$/.exec(text);
  if (range !== null) {
    const [from, to] = [Number(range[1]), Number(range[2])];
    if (to < from || to - from >= 1000 || to > 0xffffffff) throw new UsageError(`--seeds range must go up, by at most 1000 seeds, got "${text}"`);
    return Array.from({ length: to - from + 1 }, (_, i) => from + i);
  }
  const parts = text.split(',').map((p) => p.trim());
  const seeds = parts.map(Number);
  if (parts.some((p) => p === '') || seeds.some((s) => !Number.isInteger(s) || s < 0 || s > 0xffffffff)) {
    throw new UsageError(`--seeds must be a comma-separated list of whole numbers from 0 to 4294967295, got "${text}"`);
  }
  if (new Set(seeds).size !== seeds.length) throw new UsageError(`--seeds has a repeated seed: "${text}"`);
  return seeds;
}

/** The run size: --quick or full, with any of --epochs, --repeats, --attack-repeats, --attack-limit overriding it. */
export function sizeFromFlags(v: FlagValues): ReproduceSize {
  const size: ReproduceSize = { ...(v.quick === true ? QUICK_SIZE : FULL_SIZE) };
  const positive = (name: string, max: number): number | undefined => {
    const value = v[name] as number | undefined;
    if (value === undefined) return undefined;
    if (value < 1 || value > max) throw new UsageError(`--${name} must be from 1 to ${max}, got ${value}`);
    return value;
  };
  size.epochs = positive('epochs', 1000) ?? size.epochs;
  if (v.pruning === 'by-sign') size.pruning = 'by-sign';
  const denseEpochs = positive('dense-epochs', 1000);
  if (denseEpochs !== undefined) size.denseEpochs = denseEpochs;
  size.repeats = positive('repeats', 100) ?? size.repeats;
  size.attackRepeats = positive('attack-repeats', 100) ?? size.attackRepeats;
  size.attackLimit = positive('attack-limit', 10000) ?? size.attackLimit;
  size.testLimit = positive('test-limit', 10000) ?? size.testLimit;
  return size;
}

/** The command line that reproduces a run, for the results' record (without --jobs: results do not depend on it). */
function commandLine(v: FlagValues): string {
  const flags = REPRODUCE_FLAGS.filter((f) => v[f.name] !== undefined && v[f.name] !== false)
    .map((f) => (f.type === 'boolean' ? `--${f.name}` : `--${f.name} ${String(v[f.name])}`));
  return `npm run lab -- reproduce ${flags.join(' ')}`;
}

export interface PlannedRun {
  run: RunInfo;
  models: ModelSpec[];
  outDir: string;
  planPath: string;
  units: Unit[];
}

/** What `reproduce` and `plan` share: the run the flags describe, as units. */
export function plannedRun(values: FlagValues, io: CommandIo, commandName: string): PlannedRun {
  const dataset = values.dataset as DatasetName;
  const seeds = parseSeedList(values.seeds as string);
  const ablation = values.ablation === true;
  const grid = gridFromFlags(values);
  if (grid !== null && ablation) throw new UsageError('--ablation and the grid flags do not mix: the grid has its own weight decays (--weight-decays)');
  if (ablation && seeds.length < 2) io.err(`lab ${commandName}: note: the ablation is meant for at least 2 seeds (--seeds 1,2); its spread over seeds will be 0`);
  const size = sizeFromFlags(values);
  const outDir = (values['out-dir'] as string | undefined) ?? `results/${dataset}`;
  const run: RunInfo = {
    dataset, command: commandLine(values), quick: values.quick === true, size, seeds, sweepSeed: values['sweep-seed'] as number,
    reuseModels: values['reuse-models'] === true, grid,
  };
  const models = grid === null ? planModels(seeds, ablation) : planGridModels(grid, seeds);
  const planPath = join(outDir, PLAN_FILE);
  return { run, models, outDir, planPath, units: planUnits(run, models, planPath) };
}

/** Writes the plan file (atomically); the folders the units write into are made by the units. */
export async function writePlan(p: PlannedRun): Promise<void> {
  await mkdir(p.outDir, { recursive: true });
  await writeAtomic(p.planPath, planText(p.units));
}

async function runReproduce(values: FlagValues, io: CommandIo): Promise<number> {
  const planned = plannedRun(values, io, 'reproduce');
  const { run, units, outDir } = planned;
  const jobs = values.jobs as number;
  if (jobs < 1 || jobs > 256) throw new UsageError(`--jobs must be from 1 to 256, got ${jobs}`);
  const started = new Date();
  const t0 = performance.now();
  const stamp = () => {
    const s = Math.round((performance.now() - t0) / 1000);
    return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
  };
  const log = (line: string) => io.err(`[${run.dataset} ${stamp()}] ${line}`);
  const tty = io.isTTY?.() === true;
  try {
    await writePlan(planned);
    log(`${planned.models.length} models to train (${planned.models.map((m) => m.name).join(', ')}), ${units.length} units on ${jobs} process${jobs === 1 ? '' : 'es'}; size ${JSON.stringify(run.size)}; writing to ${outDir}`);
    const { ran, skipped } = await runUnits(outDir, units, {
      jobs,
      log: values.verbose === true ? log : () => undefined,
      onSkipped: (count) => log(`${count} of ${units.length} units already done in ${outDir}: skipped`),
      onFinished: (e) => io.err(progressLine(e, tty)),
    });
    const { outputs, missing } = await collectOutputs(outDir, units);
    if (missing.length > 0) throw new Error(`${missing.length} units have no output after running`);
    const written = await writeResults(outDir, resultsOf(units, mergeData(units, outputs), started, new Date()));
    const seconds = (performance.now() - t0) / 1000;
    io.out(`lab reproduce: ${run.dataset} done in ${(seconds / 60).toFixed(1)} min (${seconds.toFixed(0)} s), ${ran} units run, ${skipped} already done, --jobs ${jobs}`);
    io.out(`  wrote ${written.join(', ')}`);
    io.out(`  and ${planned.models.length} model files in ${outDir}/models`);
    return EXIT_OK;
  } catch (e) {
    io.err(`lab reproduce: ${e instanceof Error ? e.message : String(e)}`);
    io.err(`lab reproduce: finished units are kept in ${outDir}/units; run the same command again to resume`);
    return EXIT_FAILURE;
  }
}
