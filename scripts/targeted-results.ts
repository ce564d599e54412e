// Random failure versus targeted attack, measured on saved models: for every model, link removal
// (random, largest |w| first), hidden-neuron removal (random, hubs first, strongest first) and
// input-pixel removal (most connected first); then one Markdown table per dataset, models of one
// configuration (dataset, strategy, weight decay) pooled over their seeds. Usage:
//   npx tsx scripts/targeted-results.ts [--limit N] [--draws N] [--levels 0,0.25,…] [--json FILE] MODEL.rlm|MODEL.json …
import { readFile, writeFile } from 'node:fs/promises';
import { runSweep, type SweepRecord, type SweepRequest } from '../src/cli/sweeps';
import { createCliPath } from '../src/cli/evalPath';
import { loadSplitNode } from '../src/data/loadNode';
import { parseModelFile } from '../src/engine/modelFile';
import { t95 } from '../src/engine/robustness';
import type { DataArrays, DatasetName } from '../src/engine/types';

interface Row { dataset: DatasetName; strategy: string; weightDecay: number; seed: number; clean: number; records: SweepRecord[] }

const CURVES: Array<{ key: string; title: string; request: Pick<SweepRequest, 'kind' | 'order'> }> = [
  { key: 'links-random', title: 'links, random', request: { kind: 'removal' } },
  { key: 'links-strongest', title: 'links, largest weight first', request: { kind: 'targeted-removal', order: 'strongest' } },
  { key: 'nodes-random', title: 'neurons, random', request: { kind: 'node-removal', order: 'random' } },
  { key: 'nodes-degree', title: 'neurons, hubs first', request: { kind: 'node-removal', order: 'degree' } },
  { key: 'nodes-strength', title: 'neurons, strength first', request: { kind: 'node-removal', order: 'strength' } },
  { key: 'pixels-degree', title: 'pixels, most links first', request: { kind: 'pixel-removal', order: 'degree' } },
];

function flag(args: string[], name: string): string | undefined {
  const i = args.indexOf(name);
  if (i < 0) return undefined;
  const v = args[i + 1];
  args.splice(i, 2);
  return v;
}

/** Mean over seeds (each seed first averaged over its draws) ± half-width of the 95% t-interval over seeds. */
function cell(values: number[][]): string {
  const perSeed = values.map((v) => v.reduce((a, b) => a + b, 0) / v.length);
  const n = perSeed.length;
  const mean = perSeed.reduce((a, b) => a + b, 0) / n;
  if (n < 2) return mean.toFixed(3);
  const sd = Math.sqrt(perSeed.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1));
  return `${mean.toFixed(3)} ± ${(t95(n - 1) * sd / Math.sqrt(n)).toFixed(3)}`;
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const limit = Number(flag(args, '--limit') ?? 2000);
  const draws = Number(flag(args, '--draws') ?? 3);
  const levels = (flag(args, '--levels') ?? '0,0.25,0.5,0.75').split(',').map(Number);
  const jsonOut = flag(args, '--json');
  const tests = new Map<DatasetName, DataArrays>();
  const rows: Row[] = [];
  const t0 = performance.now();
  for (const file of args) {
    const parsed = parseModelFile(await readFile(file), file);
    if (!parsed.ok) throw new Error(parsed.error);
    const { config, state } = parsed.model;
    let test = tests.get(config.dataset);
    if (test === undefined) {
      test = await loadSplitNode(config.dataset, 'test');
      tests.set(config.dataset, test);
    }
    const { path } = await createCliPath(config.strategy);
    const records: SweepRecord[] = [];
    for (const c of CURVES) {
      records.push(await runSweep(path, { name: c.key, state }, test, { ...c.request, levels, repeats: draws, seed: 1, limit }));
    }
    path.dispose();
    rows.push({ dataset: config.dataset, strategy: config.strategy, weightDecay: config.weightDecay, seed: config.seed, clean: records[0].points[0].mean, records });
    process.stderr.write(`${file}: ${((performance.now() - t0) / 1000).toFixed(0)} s\n`);
  }
  if (jsonOut !== undefined) await writeFile(jsonOut, JSON.stringify({ limit, draws, levels, rows }));
  const shown = levels.filter((l) => l > 0);
  for (const dataset of [...new Set(rows.map((r) => r.dataset))]) {
    const groups = new Map<string, Row[]>();
    for (const r of rows.filter((x) => x.dataset === dataset)) {
      const key = `${r.strategy} ${r.weightDecay > 0 ? 'decay' : 'no decay'}`;
      groups.set(key, [...(groups.get(key) ?? []), r]);
    }
    for (const l of shown) {
      console.log(`\n**${dataset}, ${l * 100}% removed**: accuracy on the first ${Math.min(limit, tests.get(dataset)!.count)} test images, mean over seeds (each seed: ${draws} draw${draws === 1 ? '' : 's'}) ± 95% t-interval over seeds\n`);
      console.log(`| model | seeds | clean | ${CURVES.map((c) => c.title).join(' | ')} |`);
      console.log(`|---|---|---:|${CURVES.map(() => '---:').join('|')}|`);
      for (const [key, group] of groups) {
        const cells = CURVES.map((_, ci) => cell(group.map((r) => r.records[ci].points.find((p) => p.level === l)!.accuracies)));
        console.log(`| ${key} | ${group.map((r) => r.seed).join(',')} | ${cell(group.map((r) => [r.clean]))} | ${cells.join(' | ')} |`);
      }
    }
  }
  console.log(`\n${rows.length} models in ${((performance.now() - t0) / 1000).toFixed(0)} s`);
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : String(e));
  process.exit(1);
});
