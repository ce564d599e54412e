// Writes what `lab reproduce` measured: one results JSON, CSVs (models, sweeps, ablation) and a
// Markdown summary (results.md) whose tables the README quotes.
import { join } from 'node:path';
import type { DatasetName } from '../engine/types';
import { ablationCsv, ablationMarkdown } from './ablation';
import type { ReproduceSize } from './reproducePlan';
import type { ReproduceData, TrainedModelRecord } from './reproduceRun';
import { gridCsv, gridMarkdown, gridSvg } from './gridReport';
import { csvField, groupByKind, markdownTable, sweepCsv, sweepMarkdownTable } from './tables';
import { writeAtomic } from './units';

export const RESULTS_FORMAT = 'rewire-lab-reproduction';

export interface ReproduceResults extends ReproduceData {
  format: typeof RESULTS_FORMAT;
  version: 1;
  dataset: DatasetName;
  command: string;
  quick: boolean;
  size: ReproduceSize;
  seeds: number[];
  sweepSeed: number;
  startedAt: string;
  finishedAt: string;
  /** Wall time of the whole run so far. */
  seconds: number;
  /** True until the last phase is written. */
  partial: boolean;
}

export const RESULT_FILES = ['results.json', 'models.csv', 'sweeps.csv', 'ablation.csv', 'results.md'] as const;

/** Writes every result file into `outDir`; returns the paths written. */
export async function writeResults(outDir: string, results: ReproduceResults): Promise<string[]> {
  const files: Array<[string, string]> = [
    ['results.json', `${JSON.stringify(results, null, 1)}\n`],
    ['models.csv', modelsCsv(results.models)],
    ['sweeps.csv', sweepCsv(results.sweeps)],
  ];
  if (results.ablation) files.push(['ablation.csv', ablationCsv(results.ablation.models)]);
  if (results.grid) {
    files.push(['grid-sweeps.csv', sweepCsv(results.grid.sweeps)], ['grid.csv', gridCsv(results.grid.cells)]);
    const svg = gridSvg(results.grid.cells, `${results.dataset}: link removal against density`);
    if (svg !== null) files.push(['grid.svg', svg]);
  }
  files.push(['results.md', resultsMarkdown(results)]);
  const written: string[] = [];
  for (const [name, text] of files) {
    const path = join(outDir, name);
    await writeAtomic(path, text);
    written.push(path);
  }
  return written;
}

function modelsCsv(models: readonly TrainedModelRecord[]): string {
  const header = ['model', 'strategy', 'weight_decay', 'seed', 'main', 'ablation', 'test_accuracy', 'train_seconds', 'path', 'links', 'pixel_gini', 'isolated_pixels', 'file'];
  const lines = models.map((m) => [
    m.name, m.strategy, m.weightDecay, m.seed, m.main ? 1 : 0, m.ablation ? 1 : 0, m.testAccuracy, m.trainSeconds.toFixed(1), m.path,
    m.links.join(' '), m.pixelGini ?? '', m.isolatedPixels ?? '', m.file,
  ].map(csvField).join(','));
  return `${[header.join(','), ...lines].join('\n')}\n`;
}

const minutes = (seconds: number) => `${(seconds / 60).toFixed(1)} min`;

export function resultsMarkdown(r: ReproduceResults): string {
  const s = r.size;
  const lines: string[] = [
    `# Rewire Lab reproduction: ${r.dataset}${r.quick ? ' (quick size)' : ''}${r.partial ? ' — PARTIAL (run still going or interrupted)' : ''}`,
    '',
    `Command: \`${r.command}\`  `,
    `Run: ${r.startedAt} → ${r.finishedAt} (${minutes(r.seconds)}: training ${minutes(r.phases.trainingSeconds)}, ` +
      `main sweeps ${minutes(r.phases.sweepSeconds)}, ablation${r.grid ? ' and grid' : ''} sweeps ${minutes(r.phases.ablationSeconds)}, each summed over its units)  `,
    `Network 784→${s.hidden}→${s.hidden}→${s.hidden}→10, ${r.grid ? 'density and ζ per grid cell (below)' : `density ${s.density * 100}%`} in the three first layers${r.grid ? '' : ', ζ 0.3'}${s.pruning === 'by-sign' ? ' (SET prunes each sign separately)' : ''}, Adam 1e-3, batch ${s.batchSize}, ` +
      `${s.epochs} epochs${s.denseEpochs !== undefined && s.denseEpochs !== s.epochs ? ` (the dense model: ${s.denseEpochs})` : ''}, ${s.trainLimit ?? 'all 60,000'} training images. Sweeps: removal and shuffling on ${s.testLimit ?? 'all 10,000'} test images ` +
      `with ${s.repeats} repeats; FGSM, PGD (${s.pgdSteps} steps, random start) and uniform noise on the first ${s.attackLimit} test images ` +
      `(${s.attackRepeats} repeat${s.attackRepeats === 1 ? '' : 's'} for PGD and noise). Cells are mean ± std over repeats.`,
    '',
    '## Final test accuracy',
    '',
    markdownTable(
      ['model', 'strategy', 'weight decay', 'seed', 'epochs', 'test accuracy', 'links per sparse layer', 'pixel-degree Gini', 'pixels with no link', 'training time'],
      r.models.map((m) => [
        m.name, m.strategy, String(m.weightDecay), String(m.seed), String(m.accuracyByEpoch.length), m.testAccuracy.toFixed(4), m.links.length > 0 ? m.links.join(' / ') : 'dense',
        m.pixelGini === null ? '–' : m.pixelGini.toFixed(3), m.isolatedPixels === null ? '–' : String(m.isolatedPixels),
        m.reused ? 'reused' : `${m.trainSeconds.toFixed(0)} s (${m.path})`,
      ]),
    ),
    '',
  ];
  if (r.sweeps.length > 0) {
    lines.push(
      '## Robustness of the adaptive (SET), static and dense models',
      '',
      'Each cell: mean ± sd over the draws of one trained model (1 seed × N draws), then the 95% interval of that mean. ' +
        'The ordered removals (largest |w| first, hubs first, strongest neurons first, most connected pixels first) sit beside ' +
        'random removal: random failure against targeted attack.',
      '',
    );
  }
  for (const group of groupByKind(r.sweeps)) lines.push(sweepMarkdownTable(group), '');
  if (r.ablation) {
    lines.push(
      '## Weight-decay ablation (SET vs static, decay on and off)',
      '',
      'Mean ± std over seeds (each seed\'s perturbed accuracy is itself a mean over repeats). Gini and isolated pixels describe ' +
        'how the first layer\'s links spread over the 784 input pixels.',
      '',
      ablationMarkdown(r.ablation.groups),
      '',
    );
  }
  if (r.grid) {
    lines.push('## Density grid', '', gridMarkdown(r.grid.cells), '');
    if (r.grid.cells.some((c) => c.perturbed.some((p) => p.kind === 'removal'))) lines.push('![Accuracy at 30% link removal against density](grid.svg)', '');
  }
  return `${lines.join('\n')}\n`;
}
