// `lab publish-models`: copies the models a `lab reproduce` run trained into the page's
// public/models/ as <dataset>-<strategy>[-nodecay].rlm, and writes index.json describing them.
import { copyFile, mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { MODEL_FILE_EXTENSION, parseModelFile } from '../engine/modelFile';
import type { FlagSpec, FlagValues } from './args';
import { EXIT_FAILURE, EXIT_OK, UsageError } from './command';
import type { Command, CommandIo } from './command';
import type { ReproduceResults } from './reproduceReport';

export const PUBLISH_FLAGS: readonly FlagSpec[] = [
  { name: 'from', type: 'string', valueName: 'DIR', repeatable: true, required: true, help: 'output folder of a `lab reproduce` run (holds results.json)' },
  { name: 'to', type: 'string', valueName: 'DIR', defaultValue: 'public/models', help: 'where the page loads pretrained models from' },
  { name: 'nodecay', type: 'string', valueName: 'D1,D2', defaultValue: 'mnist', help: 'datasets whose decay-off SET and static models (first seed) are published too' },
];

export const publishModelsCommand: Command = {
  name: 'publish-models',
  summary: 'copy the models of `lab reproduce` runs into public/models and write its index.json',
  flags: PUBLISH_FLAGS,
  run: runPublish,
};

export const MODEL_INDEX_FORMAT = 'rewire-lab-model-index';

export interface ModelIndexEntry {
  file: string;
  dataset: string;
  strategy: string;
  weightDecay: number;
  seed: number;
  hidden: number;
  density: number;
  epochs: number;
  testAccuracy: number;
  /** Links of each of the three first layers (a dense model has every possible one). */
  links: number[];
  sizeBytes: number;
}

export interface ModelIndex {
  format: typeof MODEL_INDEX_FORMAT;
  version: 1;
  models: ModelIndexEntry[];
}

/** Which models of a run get published, under which file name. */
export function publishedNames(results: Pick<ReproduceResults, 'dataset' | 'models' | 'seeds'>, withNoDecay: boolean): Array<{ source: string; file: string }> {
  const picks = results.models
    .filter((m) => m.main || (withNoDecay && m.weightDecay === 0 && m.seed === results.seeds[0] && m.strategy !== 'dense'))
    .map((m) => ({ source: m.file, file: `${results.dataset}-${m.strategy}${m.weightDecay === 0 ? '-nodecay' : ''}${MODEL_FILE_EXTENSION}` }));
  return picks;
}

async function describeModel(path: string, file: string): Promise<ModelIndexEntry> {
  const text = await readFile(path);
  const parsed = parseModelFile(text, path);
  if (!parsed.ok) throw new Error(parsed.error);
  const { config, state, testAccuracy } = parsed.model;
  if (testAccuracy === null) throw new Error(`${path}: the model was never trained (no history)`);
  return {
    file, dataset: config.dataset, strategy: config.strategy, weightDecay: config.weightDecay, seed: config.seed, hidden: config.hidden,
    density: config.strategy === 'dense' ? 1 : config.density, epochs: parsed.model.history.length, testAccuracy,
    links: state.layers.slice(0, 3).map((l) => (l.links === null ? l.nIn * l.nOut : l.links.length)),
    sizeBytes: (await stat(path)).size,
  };
}

async function runPublish(values: FlagValues, io: CommandIo): Promise<number> {
  const from = values.from as string[];
  const to = values.to as string;
  const noDecay = new Set((values.nodecay as string).split(',').map((d) => d.trim()));
  const entries: ModelIndexEntry[] = [];
  try {
    await mkdir(to, { recursive: true });
    for (const dir of from) {
      let results: ReproduceResults;
      try {
        results = JSON.parse(await readFile(join(dir, 'results.json'), 'utf8')) as ReproduceResults;
      } catch (e) {
        throw new UsageError(`${join(dir, 'results.json')}: cannot be read as JSON (${e instanceof Error ? e.message : String(e)})`);
      }
      if (results.format !== 'rewire-lab-reproduction') throw new UsageError(`${join(dir, 'results.json')}: not the results of \`lab reproduce\``);
      for (const { source, file } of publishedNames(results, noDecay.has(results.dataset))) {
        const target = join(to, file);
        await copyFile(join(dir, source), target);
        entries.push(await describeModel(target, file));
        io.err(`  ${file}: ${(entries[entries.length - 1].sizeBytes / 1048576).toFixed(2)} MB`);
      }
    }
    const index: ModelIndex = { format: MODEL_INDEX_FORMAT, version: 1, models: entries };
    await writeFile(join(to, 'index.json'), `${JSON.stringify(index, null, 1)}\n`);
  } catch (e) {
    if (e instanceof UsageError) throw e;
    io.err(`lab publish-models: ${e instanceof Error ? e.message : String(e)}`);
    return EXIT_FAILURE;
  }
  io.out(`lab publish-models: ${entries.length} models and index.json written to ${to}`);
  return EXIT_OK;
}
