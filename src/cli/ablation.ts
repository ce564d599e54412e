// The weight-decay ablation's table (issue 11): per model, accuracy, accuracy under link removal and
// weight shuffling, and how concentrated the input layer's links are; then mean ± std over seeds.
import { pixelDegreeSummary } from '../engine/stats';
import type { NetworkState } from '../engine/types';
import { ABLATION_REMOVAL, ABLATION_SHUFFLE } from './reproducePlan';
import type { SweepRecord } from './sweeps';
import { csvField, markdownTable, meanStd } from './tables';

export interface AblationModelRow {
  name: string;
  strategy: string;
  weightDecay: number;
  seed: number;
  accuracy: number;
  /** Mean accuracy at each of ABLATION_REMOVAL's levels. */
  removal: number[];
  /** Mean accuracy at each of ABLATION_SHUFFLE's levels. */
  shuffle: number[];
  /** Gini coefficient of the input pixels' link counts (layer 1). */
  pixelGini: number;
  /** Input pixels left with no link. */
  isolatedPixels: number;
}

export interface Stat {
  mean: number;
  std: number;
}

export interface AblationGroupRow {
  strategy: string;
  weightDecay: number;
  seeds: number[];
  accuracy: Stat;
  removal: Stat[];
  shuffle: Stat[];
  pixelGini: Stat;
  isolatedPixels: Stat;
}

/** The pixel-degree figures of a sparse network's first layer (null for a dense one). */
export function inputConcentration(state: NetworkState): { pixelGini: number; isolatedPixels: number } | null {
  const first = state.layers[0];
  if (first === undefined || first.links === null) return null;
  const summary = pixelDegreeSummary(first.links, first.nOut);
  return { pixelGini: summary.gini, isolatedPixels: summary.isolatedPixels };
}

function meansAt(record: SweepRecord | undefined, levels: readonly number[], what: string): number[] {
  return levels.map((level) => {
    const point = record?.points.find((p) => p.level === level);
    if (point === undefined) throw new Error(`ablation.ts: no ${what} result at level ${level} for this model`);
    return point.mean;
  });
}

export function ablationModelRow(
  model: { name: string; strategy: string; weightDecay: number; seed: number; accuracy: number; pixelGini: number | null; isolatedPixels: number | null },
  records: readonly SweepRecord[],
): AblationModelRow {
  const { pixelGini, isolatedPixels } = model;
  if (pixelGini === null || isolatedPixels === null) throw new Error(`ablation.ts: ${model.name} has no sparse input layer`);
  const mine = records.filter((r) => r.model === model.name);
  return {
    name: model.name, strategy: model.strategy, weightDecay: model.weightDecay, seed: model.seed, accuracy: model.accuracy,
    removal: meansAt(mine.find((r) => r.kind === 'removal'), ABLATION_REMOVAL, 'link-removal'),
    shuffle: meansAt(mine.find((r) => r.kind === 'shuffle'), ABLATION_SHUFFLE, 'shuffling'),
    pixelGini, isolatedPixels,
  };
}

export function stat(values: readonly number[]): Stat {
  const n = values.length;
  const mean = values.reduce((a, b) => a + b, 0) / n;
  const std = n > 1 ? Math.sqrt(values.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1)) : 0;
  return { mean, std };
}

/** One row per (strategy, weight decay), over its seeds, in first-seen order. */
export function ablationGroups(rows: readonly AblationModelRow[]): AblationGroupRow[] {
  const groups = new Map<string, AblationModelRow[]>();
  for (const row of rows) {
    const key = `${row.strategy}|${row.weightDecay}`;
    groups.set(key, [...(groups.get(key) ?? []), row]);
  }
  return [...groups.values()].map((members) => ({
    strategy: members[0].strategy,
    weightDecay: members[0].weightDecay,
    seeds: members.map((m) => m.seed),
    accuracy: stat(members.map((m) => m.accuracy)),
    removal: ABLATION_REMOVAL.map((_, i) => stat(members.map((m) => m.removal[i]))),
    shuffle: ABLATION_SHUFFLE.map((_, i) => stat(members.map((m) => m.shuffle[i]))),
    pixelGini: stat(members.map((m) => m.pixelGini)),
    isolatedPixels: stat(members.map((m) => m.isolatedPixels)),
  }));
}

const pct = (level: number) => `${Math.round(level * 100)}%`;

export function ablationMarkdown(groups: readonly AblationGroupRow[]): string {
  const header = [
    'model', 'weight decay', 'seeds', 'test accuracy',
    ...ABLATION_REMOVAL.map((l) => `${pct(l)} links removed`),
    ...ABLATION_SHUFFLE.map((l) => `${pct(l)} shuffled`),
    'pixel-degree Gini', 'pixels with no link',
  ];
  const rows = groups.map((g) => [
    g.strategy === 'set' ? 'SET (adaptive)' : g.strategy, String(g.weightDecay), g.seeds.join(', '), meanStd(g.accuracy.mean, g.accuracy.std),
    ...g.removal.map((s) => meanStd(s.mean, s.std, 3)), ...g.shuffle.map((s) => meanStd(s.mean, s.std, 3)),
    meanStd(g.pixelGini.mean, g.pixelGini.std, 3), meanStd(g.isolatedPixels.mean, g.isolatedPixels.std, 1),
  ]);
  return markdownTable(header, rows);
}

export function ablationCsv(rows: readonly AblationModelRow[]): string {
  const header = [
    'model', 'strategy', 'weight_decay', 'seed', 'test_accuracy',
    ...ABLATION_REMOVAL.map((l) => `removal_${l}`), ...ABLATION_SHUFFLE.map((l) => `shuffle_${l}`), 'pixel_gini', 'isolated_pixels',
  ];
  const lines = rows.map((r) => [r.name, r.strategy, r.weightDecay, r.seed, r.accuracy, ...r.removal, ...r.shuffle, r.pixelGini, r.isolatedPixels].map(csvField).join(','));
  return `${[header.join(','), ...lines].join('\n')}\n`;
}
