// Sweep results as text: an aligned terminal table and a Markdown table (level × model, mean ± std),
// and CSV with one row per (sweep, level, model) carrying every repeat's accuracy.
import { ci95 } from '../engine/robustness';
import type { SweepRecord } from './sweeps';

const KIND_TITLES: Record<string, string> = {
  removal: 'link removal (fraction of links removed)',
  shuffle: 'weight shuffling (fraction of links shuffled)',
  fgsm: 'FGSM (L∞ ε)',
  pgd: 'PGD (L∞ ε)',
  noise: 'uniform noise (L∞ ε)',
  'targeted-removal': 'targeted link removal (fraction of links removed, in order)',
  'node-removal': 'hidden-neuron removal (fraction of each hidden layer\'s neurons)',
  'pixel-removal': 'input-pixel removal (fraction of the 784 pixels cut)',
};

const ORDER_WORDS: Record<string, string> = {
  random: 'at random', strongest: 'largest |w| first', weakest: 'smallest |w| first', degree: 'hubs (most links) first', strength: 'strongest (Σ|w|) first',
};

export function sweepTitle(record: SweepRecord): string {
  const title = KIND_TITLES[record.kind] ?? record.kind;
  const baseline = record.baselineFor ? `, baseline for ${record.baselineFor.join('/')}` : '';
  const steps = record.steps !== undefined ? `, ${record.steps} steps` : '';
  const order = record.order !== undefined ? `, ${ORDER_WORDS[record.order] ?? record.order}` : '';
  const layers = record.nodeLayers !== undefined ? `, hidden layer${record.nodeLayers.length === 1 ? '' : 's'} ${record.nodeLayers.map((h) => h + 1).join(',')}` : '';
  return `${title}${order}${layers}: accuracy on ${record.testImages} test images, 1 seed × ${record.repeats} draw${record.repeats === 1 ? '' : 's'}${steps}${baseline}; mean ± sd [95% CI of the mean]`;
}

/** "mean ± sd [low, high]" with the 95% interval over the draws ("[n=1]" when there is one draw). */
export function meanCi(accuracies: readonly number[], mean: number, std: number, digits = 4): string {
  const ci = ci95(accuracies);
  return `${meanStd(mean, std, digits)} ${ci === null ? '[n=1]' : `[${ci.low.toFixed(digits)}, ${ci.high.toFixed(digits)}]`}`;
}

export function meanStd(mean: number, std: number, digits = 4): string {
  return `${mean.toFixed(digits)} ± ${std.toFixed(digits)}`;
}

/** Records grouped by perturbation kind (and order, layers), in first-seen order; each group is one table. */
export function groupByKind(records: readonly SweepRecord[]): SweepRecord[][] {
  const groups = new Map<string, SweepRecord[]>();
  for (const r of records) {
    const key = `${r.kind}|${r.order ?? ''}|${r.nodeLayers?.join(',') ?? ''}`;
    const group = groups.get(key) ?? [];
    group.push(r);
    groups.set(key, group);
  }
  return [...groups.values()];
}

/** Rows: the union of levels; columns: models; cells: mean ± std ("–" where a model lacks a level). */
function cells(group: readonly SweepRecord[]): { header: string[]; rows: string[][] } {
  const levels = [...new Set(group.flatMap((r) => r.points.map((p) => p.level)))].sort((a, b) => a - b);
  const header = ['level', ...group.map((r) => r.model)];
  const rows = levels.map((level) => [
    String(level),
    ...group.map((r) => {
      const p = r.points.find((q) => q.level === level);
      return p === undefined ? '–' : meanCi(p.accuracies, p.mean, p.std);
    }),
  ]);
  return { header, rows };
}

export function sweepTextTable(group: readonly SweepRecord[]): string {
  const { header, rows } = cells(group);
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((row) => row[c].length)));
  const line = (row: string[]) => row.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join('  ');
  return [sweepTitle(group[0]), line(header), ...rows.map(line)].join('\n');
}

export function markdownTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const escape = (cell: string) => cell.replace(/\|/g, '\\|');
  return [
    `| ${header.map(escape).join(' | ')} |`,
    `| ${header.map((_, c) => (c === 0 ? '---' : '---:')).join(' | ')} |`,
    ...rows.map((row) => `| ${row.map(escape).join(' | ')} |`),
  ].join('\n');
}

export function sweepMarkdownTable(group: readonly SweepRecord[]): string {
  const { header, rows } = cells(group);
  return `**${sweepTitle(group[0])}**\n\n${markdownTable(header, rows)}`;
}

/** Quotes a CSV field when it holds a comma, a quote or a line break. */
export function csvField(value: string | number): string {
  const text = String(value);
  return /[",\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export const SWEEP_CSV_HEADER = ['perturbation', 'baseline_for', 'model', 'level', 'mean', 'std', 'min', 'max', 'repeats', 'test_images', 'steps', 'include_dense', 'accuracies', 'order', 'node_layers', 'ci95_low', 'ci95_high'];

export function sweepCsv(records: readonly SweepRecord[]): string {
  const lines = [SWEEP_CSV_HEADER.join(',')];
  for (const r of records) {
    for (const p of r.points) {
      lines.push([
        r.kind, r.baselineFor?.join('/') ?? '', r.model, p.level, p.mean, p.std, p.min, p.max, r.repeats, r.testImages,
        r.steps ?? '', r.includeDense ? 1 : 0, p.accuracies.join(' '), r.order ?? '', r.nodeLayers?.map((h) => h + 1).join(' ') ?? '',
        ci95(p.accuracies)?.low ?? '', ci95(p.accuracies)?.high ?? '',
      ].map(csvField).join(','));
    }
  }
  return `${lines.join('\n')}\n`;
}
