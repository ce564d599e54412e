// `lab reproduce`: trains the adaptive (SET), static and dense networks at the defaults (and, with
// --ablation, SET and static with weight decay on and off over seeds), runs every robustness sweep,
// and writes results JSON, CSVs and results.md. Progress goes to stderr.
import { mkdir } from 'node:fs/promises';
import { loadSplitNode } from '../data/loadNode';
import type { DataArrays, DatasetName } from '../engine/types';
import type { FlagSpec, FlagValues } from './args';
import { EXIT_FAILURE, EXIT_OK, UsageError } from './command';
import type { Command, CommandIo } from './command';
import { FULL_SIZE, planModels, QUICK_SIZE, type ReproduceSize } from './reproducePlan';
import { writeResults, RESULTS_FORMAT, type ReproduceResults } from './reproduceReport';
import { runReproduction, type ReproduceData } from './reproduceRun';

export const REPRODUCE_FLAGS: readonly FlagSpec[] = [
  { name: 'dataset', type: 'string', choices: ['mnist', 'fashion-mnist'], required: true, help: 'dataset to reproduce the experiments on' },
  { name: 'epochs', type: 'integer', valueName: 'N', help: `epochs per model (default ${FULL_SIZE.epochs}; ${QUICK_SIZE.epochs} with --quick)` },
  { name: 'dense-epochs', type: 'integer', valueName: 'N', help: 'epochs of the dense model only (default: as --epochs); dense training costs ~100× a sparse epoch on a CPU' },
  { name: 'seeds', type: 'string', valueName: 'S1,S2,…', defaultValue: '1,2', help: 'training seeds: the first for the SET/static/dense trio, all for the ablation' },
  { name: 'repeats', type: 'integer', valueName: 'N', help: `repeats of the removal and shuffling sweeps (default ${FULL_SIZE.repeats}; ${QUICK_SIZE.repeats} with --quick)` },
  { name: 'attack-repeats', type: 'integer', valueName: 'N', help: `repeats of the PGD and noise sweeps (default ${FULL_SIZE.attackRepeats}; ${QUICK_SIZE.attackRepeats} with --quick)` },
  { name: 'attack-limit', type: 'integer', valueName: 'N', help: `test images for FGSM, PGD and noise (default ${FULL_SIZE.attackLimit}; ${QUICK_SIZE.attackLimit} with --quick)` },
  { name: 'sweep-seed', type: 'integer', valueName: 'N', defaultValue: 1, help: 'seed of the perturbations (repeat r uses seed + r)' },
  { name: 'quick', type: 'boolean', help: `small size for tests: H=${QUICK_SIZE.hidden}, density ${QUICK_SIZE.density}, ${QUICK_SIZE.trainLimit} training images, batch ${QUICK_SIZE.batchSize}, ${QUICK_SIZE.epochs} epochs` },
  { name: 'pruning', type: 'string', choices: ['magnitude', 'by-sign'], help: 'how the SET models prune: smallest |w| of a layer (default), or of its positive and negative weights separately (SET\'s code)' },
  { name: 'ablation', type: 'boolean', help: 'also train SET and static with weight decay 1e-4 and 0 at every seed (issue 11)' },
  { name: 'reuse-models', type: 'boolean', help: 'reuse model files already in <out-dir>/models whose configuration matches, instead of training' },
  { name: 'out-dir', type: 'string', valueName: 'DIR', help: 'folder for the results and model files (default results/<dataset>)' },
];

export const reproduceCommand: Command = {
  name: 'reproduce',
  summary: 'train adaptive, static and dense networks, run every robustness sweep (and the weight-decay ablation), write results',
  flags: REPRODUCE_FLAGS,
  run: runReproduce,
};

/** "1,2,3" → [1, 2, 3]; distinct non-negative integers, in the given order. */
export function parseSeedList(text: string): number[] {
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
  return size;
}

/** The command line that reproduces a run, for the results' record. */
function commandLine(v: FlagValues): string {
  const flags = REPRODUCE_FLAGS.filter((f) => v[f.name] !== undefined && v[f.name] !== false)
    .map((f) => (f.type === 'boolean' ? `--${f.name}` : `--${f.name} ${String(v[f.name])}`));
  return `npm run lab -- reproduce ${flags.join(' ')}`;
}

async function runReproduce(values: FlagValues, io: CommandIo): Promise<number> {
  const dataset = values.dataset as DatasetName;
  const seeds = parseSeedList(values.seeds as string);
  const ablation = values.ablation === true;
  if (ablation && seeds.length < 2) io.err('lab reproduce: note: the ablation is meant for at least 2 seeds (--seeds 1,2); its spread over seeds will be 0');
  const size = sizeFromFlags(values);
  const outDir = (values['out-dir'] as string | undefined) ?? `results/${dataset}`;
  const sweepSeed = values['sweep-seed'] as number;
  const models = planModels(seeds, ablation);
  const started = new Date();
  const t0 = performance.now();
  const stamp = () => {
    const s = Math.round((performance.now() - t0) / 1000);
    return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
  };
  const log = (line: string) => io.err(`[${dataset} ${stamp()}] ${line}`);

  let train: DataArrays;
  let test: DataArrays;
  try {
    [train, test] = await Promise.all([loadSplitNode(dataset, 'train'), loadSplitNode(dataset, 'test')]);
    await mkdir(outDir, { recursive: true });
  } catch (e) {
    io.err(`lab reproduce: ${e instanceof Error ? e.message : String(e)}`);
    return EXIT_FAILURE;
  }
  log(`${models.length} models to train (${models.map((m) => m.name).join(', ')}); size ${JSON.stringify(size)}; writing to ${outDir}`);
  const results = (data: ReproduceData, partial: boolean): ReproduceResults => ({
    format: RESULTS_FORMAT, version: 1, dataset, command: commandLine(values), quick: values.quick === true, size, seeds, sweepSeed,
    startedAt: started.toISOString(), finishedAt: new Date().toISOString(), seconds: (performance.now() - t0) / 1000, partial, ...data,
  });
  let written: string[] = [];
  try {
    const data = await runReproduction({
      dataset, size, models, outDir, sweepSeed, reuseModels: values['reuse-models'] === true, log,
      onPhase: async (partial) => {
        written = await writeResults(outDir, results(partial, true));
        log(`results so far written to ${outDir}`);
      },
    }, train, test);
    written = await writeResults(outDir, results(data, false));
  } catch (e) {
    io.err(`lab reproduce: ${e instanceof Error ? e.message : String(e)}`);
    if (written.length > 0) io.err(`lab reproduce: the results of the completed phases are in ${outDir}`);
    return EXIT_FAILURE;
  }
  const seconds = (performance.now() - t0) / 1000;
  io.out(`lab reproduce: ${dataset} done in ${(seconds / 60).toFixed(1)} min (${seconds.toFixed(0)} s)`);
  io.out(`  wrote ${written.join(', ')}`);
  io.out(`  and ${models.length} model files in ${outDir}/models`);
  return EXIT_OK;
}
