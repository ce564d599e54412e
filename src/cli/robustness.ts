// `lab robustness`: accuracy of saved models under one perturbation kind at several strengths,
// repeated over seeds; a table (level × model) or JSON, optionally a CSV. Adversarial sweeps get
// the uniform-noise baseline of the same ε beside them.
import { readFile, writeFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { loadSplitNode } from '../data/loadNode';
import { parseModelFile, type LoadedModel } from '../engine/modelFile';
import { isStructuralKind, ordersFor, PERTURBATION_KINDS, type PerturbationKind, type PerturbationOrder } from '../engine/robustness';
import type { DataArrays, DatasetName } from '../engine/types';
import type { FlagSpec, FlagValues } from './args';
import { EXIT_FAILURE, EXIT_OK, EXIT_USAGE, UsageError } from './command';
import type { Command, CommandIo } from './command';
import { createCliPath } from './evalPath';
import { defaultLevels, isAdversarial, runSweep, withNoiseBaseline, type SweepRecord, type SweepRequest } from './sweeps';
import { groupByKind, sweepCsv, sweepTextTable } from './tables';

const ORDER_CHOICES = ['random', 'degree', 'strength', 'weight', 'strongest', 'weakest'];

/** The engine's order for a --order value ('weight' is the CLI's word for largest |w| first). */
export function parseOrder(text: string | undefined, kind: PerturbationKind): PerturbationOrder | undefined {
  if (text === undefined) return undefined;
  const order = (text === 'weight' ? 'strongest' : text) as PerturbationOrder;
  const allowed = ordersFor(kind);
  if (allowed.length === 0) throw new UsageError(`--order does not apply to --perturbation ${kind}`);
  if (!allowed.includes(order)) throw new UsageError(`--perturbation ${kind} takes --order ${allowed.map((o) => (o === 'strongest' ? 'weight' : o)).join('|')}, got "${text}"`);
  return order;
}

/** "1,3" → [0, 2] (hidden layers are 1-based for people, 0-based in the engine). */
export function parseNodeLayers(text: string | undefined, kind: PerturbationKind): number[] | undefined {
  if (text === undefined) return undefined;
  if (kind !== 'node-removal') throw new UsageError('--node-layers applies to --perturbation node-removal only');
  const layers = text.split(',').map((p) => Number(p.trim()));
  if (layers.length === 0 || layers.some((h) => !Number.isInteger(h) || h < 1 || h > 3) || new Set(layers).size !== layers.length) {
    throw new UsageError(`--node-layers must be distinct hidden layers from 1 to 3, e.g. "1,3", got "${text}"`);
  }
  return layers.sort((a, b) => a - b).map((h) => h - 1);
}

export const ROBUSTNESS_FLAGS: readonly FlagSpec[] = [
  { name: 'model', type: 'string', valueName: 'FILE', repeatable: true, required: true, help: 'model file written by `lab train` or `lab reproduce`' },
  { name: 'perturbation', type: 'string', choices: PERTURBATION_KINDS, required: true, help: 'what to do to the models (fgsm and pgd also get a noise baseline)' },
  { name: 'levels', type: 'string', valueName: 'L1,L2,…', help: 'strengths: fractions for the removal kinds and shuffle (default 0,0.1,…,0.9), ε for the others (default 0,0.01,0.02,0.05,0.1,0.15,0.2)' },
  { name: 'order', type: 'string', choices: ORDER_CHOICES, help: 'what goes first: links random|weight (largest |w|)|weakest; neurons random|degree (hubs)|strength (Σ|w|); pixels random|degree (default: weight for targeted-removal, random otherwise)' },
  { name: 'node-layers', type: 'string', valueName: 'H1,H2,…', help: 'node-removal: which hidden layers (1–3) lose neurons (default all)' },
  { name: 'repeats', type: 'integer', valueName: 'N', defaultValue: 5, help: 'evaluations per level, each with its own seed' },
  { name: 'seed', type: 'integer', valueName: 'N', defaultValue: 1, help: 'seed of the perturbations (repeat r uses seed + r)' },
  { name: 'limit', type: 'integer', valueName: 'N', help: 'evaluate on the first N test images (default: all)' },
  { name: 'steps', type: 'integer', valueName: 'N', defaultValue: 10, help: 'PGD steps' },
  { name: 'include-dense', type: 'boolean', help: 'also perturb the output layer (by default removal and shuffling touch the sparse layers, or a dense model\'s three hidden layers)' },
  { name: 'json', type: 'boolean', help: 'print one JSON object instead of tables' },
  { name: 'out', type: 'string', valueName: 'FILE', help: 'also write the results as CSV to this file' },
];

export const robustnessCommand: Command = {
  name: 'robustness',
  summary: 'measure saved models\' accuracy under link, neuron or pixel removal (random or targeted), weight shuffling, FGSM, PGD or noise',
  flags: ROBUSTNESS_FLAGS,
  run: runRobustness,
};

/** "0,0.1,0.5" → [0, 0.1, 0.5]; every level a number in [0, 1], no repeats. */
export function parseLevels(text: string, kind: PerturbationKind): number[] {
  const parts = text.split(',').map((p) => p.trim());
  const levels = parts.map((p) => (p === '' ? Number.NaN : Number(p)));
  const what = isStructuralKind(kind) ? 'fractions' : 'ε values';
  if (levels.some((l) => !Number.isFinite(l) || l < 0 || l > 1)) throw new UsageError(`--levels must be comma-separated ${what} from 0 to 1, got "${text}"`);
  if (new Set(levels).size !== levels.length) throw new UsageError(`--levels has a repeated level: "${text}"`);
  return levels;
}

export interface RobustnessRequest {
  files: string[];
  requests: SweepRequest[];
  json: boolean;
  out?: string;
}

export function requestFromFlags(v: FlagValues): RobustnessRequest {
  const kind = v.perturbation as PerturbationKind;
  const levels = v.levels === undefined ? defaultLevels(kind) : parseLevels(v.levels as string, kind);
  const repeats = v.repeats as number;
  if (repeats < 1 || repeats > 1000) throw new UsageError(`--repeats must be from 1 to 1000, got ${repeats}`);
  const steps = v.steps as number;
  if (steps < 1 || steps > 1000) throw new UsageError(`--steps must be from 1 to 1000, got ${steps}`);
  const limit = v.limit as number | undefined;
  if (limit !== undefined && limit < 1) throw new UsageError(`--limit must be a positive number of test images, got ${limit}`);
  const seed = v.seed as number;
  if (seed < 0 || seed > 0xffffffff) throw new UsageError(`--seed must be from 0 to 4294967295, got ${seed}`);
  const order = parseOrder(v.order as string | undefined, kind);
  const nodeLayers = parseNodeLayers(v['node-layers'] as string | undefined, kind);
  const request: SweepRequest = {
    kind, levels, repeats, seed, limit, includeDense: v['include-dense'] === true, ...(kind === 'pgd' ? { steps } : {}),
    ...(order !== undefined ? { order } : {}), ...(nodeLayers !== undefined ? { nodeLayers } : {}),
  };
  return { files: v.model as string[], requests: withNoiseBaseline([request]), json: v.json === true, out: v.out as string | undefined };
}

/** Reads and checks every model file; a missing or invalid one is a usage error naming the file. */
async function loadModels(files: readonly string[]): Promise<Array<{ name: string; file: string; model: LoadedModel }>> {
  const names = files.map((f) => basename(f).replace(/\.(json|rlm)$/i, ''));
  const loaded = [];
  for (const [i, file] of files.entries()) {
    let text: Uint8Array;
    try {
      text = await readFile(file);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      throw new UsageError(`${file}: ${code === 'ENOENT' ? 'no such file' : `cannot be read (${e instanceof Error ? e.message : String(e)})`}`);
    }
    const parsed = parseModelFile(text, file);
    if (!parsed.ok) throw new UsageError(parsed.error);
    // Two files with one base name would make two table columns alike: name them by path then.
    const name = names.indexOf(names[i]) !== names.lastIndexOf(names[i]) ? file : names[i];
    loaded.push({ name, file, model: parsed.model });
  }
  return loaded;
}

async function runRobustness(values: FlagValues, io: CommandIo): Promise<number> {
  const req = requestFromFlags(values);
  let models;
  try {
    models = await loadModels(req.files);
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    io.err(`lab robustness: ${e.message}`);
    return EXIT_USAGE;
  }
  const testSets = new Map<DatasetName, DataArrays>();
  const records: SweepRecord[] = [];
  const paths: string[] = [];
  const t0 = performance.now();
  try {
    for (const { name, model } of models) {
      const dataset = model.config.dataset;
      let test = testSets.get(dataset);
      if (test === undefined) {
        test = await loadSplitNode(dataset, 'test');
        testSets.set(dataset, test);
      }
      const { path, label } = await createCliPath(model.config.strategy, (m) => io.err(`lab robustness: ${m}`));
      paths.push(`${name}: ${label}`);
      try {
        for (const request of req.requests) {
          records.push(await runSweep(path, { name, state: model.state }, test, request, (p, i, n) => {
            io.err(`  ${name} ${request.kind} ${p.level} (${i + 1}/${n}): ${p.mean.toFixed(4)} ± ${p.std.toFixed(4)}`);
          }));
        }
      } finally {
        path.dispose();
      }
    }
  } catch (e) {
    io.err(`lab robustness: ${e instanceof Error ? e.message : String(e)}`);
    return EXIT_FAILURE;
  }
  const seconds = (performance.now() - t0) / 1000;
  if (req.out !== undefined) {
    try {
      await writeFile(req.out, sweepCsv(records));
    } catch (e) {
      io.err(`lab robustness: cannot write ${req.out}: ${e instanceof Error ? e.message : String(e)}`);
      return EXIT_FAILURE;
    }
  }
  if (req.json) {
    io.out(JSON.stringify({
      type: 'robustness', seconds, out: req.out ?? null,
      models: models.map(({ name, file, model }) => ({ name, file, dataset: model.config.dataset, strategy: model.config.strategy, weightDecay: model.config.weightDecay, testAccuracy: model.testAccuracy })),
      sweeps: records,
    }));
  } else {
    io.out(`lab robustness: ${models.length} model${models.length === 1 ? '' : 's'} (${paths.join('; ')})`);
    for (const group of groupByKind(records)) io.out(`\n${sweepTextTable(group)}`);
    const baseline = req.requests.some((r) => isAdversarial(r.kind)) ? ' (noise: the uniform-noise baseline at the same ε)' : '';
    io.out(`\ndone in ${seconds.toFixed(1)} s${baseline}${req.out ? `; CSV written to ${req.out}` : ''}`);
  }
  return EXIT_OK;
}
