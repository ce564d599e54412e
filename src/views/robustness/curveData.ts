// The data side of the robustness chart: series built from a sweep's outcome, their validation, the
// axis wording per perturbation, and the CSV export. Free of the DOM, so Node tests cover it.
import { ci95, type PerturbationKind } from '../../engine/robustness';
import type { SweepCurve, SweepOutcome } from '../../state/robustness';

export interface CurvePoint {
  level: number;
  mean: number;
  min: number;
  max: number;
}

export interface CurveSeries {
  /** Unique per chart: the model id, with "-noise" for its baseline. */
  id: string;
  label: string;
  color: string;
  /** Baselines (uniform noise of the same ε) are drawn dashed and without a band. */
  dashed: boolean;
  points: CurvePoint[];
}

export interface CurveChartData {
  xLabel: string;
  series: CurveSeries[];
}

export interface ModelLook {
  label: string;
  color: string;
}

export const X_LABELS: Readonly<Record<PerturbationKind, string>> = Object.freeze({
  removal: 'Fraction of links removed',
  shuffle: 'Fraction of weights shuffled',
  fgsm: 'FGSM budget ε (L∞)',
  pgd: 'PGD budget ε (L∞)',
  noise: 'Uniform noise ε (L∞)',
  'targeted-removal': 'Fraction of links removed (in order)',
  'node-removal': 'Fraction of hidden neurons removed',
  'pixel-removal': 'Fraction of input pixels cut',
});

/** Problems with chart data, in words (empty when it can be drawn). */
export function validateCurveData(data: CurveChartData): string[] {
  const problems: string[] = [];
  if (typeof data.xLabel !== 'string' || data.xLabel === '') problems.push('the x axis needs a label');
  const ids = new Set<string>();
  for (const s of data.series) {
    if (!s.id) problems.push('a series has no id');
    else if (ids.has(s.id)) problems.push(`series id "${s.id}" is used twice`);
    ids.add(s.id);
    let previous = -Infinity;
    for (const p of s.points) {
      if (!Number.isFinite(p.level) || p.level < 0) problems.push(`series "${s.id}": level ${p.level} is not a finite number ≥ 0`);
      else if (p.level <= previous) problems.push(`series "${s.id}": levels must increase (${p.level} after ${previous})`);
      previous = p.level;
      for (const key of ['mean', 'min', 'max'] as const) {
        if (!(p[key] >= 0 && p[key] <= 1)) problems.push(`series "${s.id}": ${key} at level ${p.level} is ${p[key]}, not an accuracy in [0, 1]`);
      }
      if (p.min > p.mean + 1e-9 || p.mean > p.max + 1e-9) problems.push(`series "${s.id}": at level ${p.level} min ≤ mean ≤ max does not hold`);
    }
  }
  return problems;
}

/** The x domain: from 0 to the largest level (at least a small span, so one level is drawable). */
export function levelDomain(data: CurveChartData): [number, number] {
  let max = 0;
  for (const s of data.series) for (const p of s.points) max = Math.max(max, p.level);
  return [0, max > 0 ? max : 0.1];
}

const seriesOf = (curve: SweepCurve, look: ModelLook, dashed: boolean): CurveSeries => ({
  id: dashed ? `${curve.modelId}-noise` : curve.modelId,
  label: dashed ? `${look.label} — uniform noise` : look.label,
  color: look.color,
  dashed,
  points: curve.points.map((p) => ({ level: p.level, mean: p.mean, min: p.min, max: p.max })),
});

/** One solid line (with its min–max band) per model, and for attacks a dashed noise baseline each. */
export function chartDataOf(outcome: SweepOutcome, lookOf: (modelId: string) => ModelLook): CurveChartData {
  const series = outcome.curves.map((c) => seriesOf(c, lookOf(c.modelId), false));
  for (const c of outcome.baseline ?? []) series.push(seriesOf(c, lookOf(c.modelId), true));
  return { xLabel: X_LABELS[outcome.kind], series };
}

function csvField(value: string | number): string {
  const text = String(value);
  return /[",\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** One row per model, curve and level, with every repeat's accuracy (a tidy table for any tool). */
export function sweepCsv(outcome: SweepOutcome, lookOf: (modelId: string) => ModelLook): string {
  const rows: Array<Array<string | number>> = [[
    'model_id', 'model', 'dataset', 'perturbation', 'curve', 'level', 'repeats', 'test_images', 'mean', 'std', 'min', 'max', 'accuracies',
    'order', 'seeds', 'ci95_low', 'ci95_high',
  ]];
  const images = outcome.limit ?? 'all';
  const add = (curves: readonly SweepCurve[], curve: string) => {
    for (const c of curves) {
      for (const p of c.points) {
        rows.push([
          c.modelId, lookOf(c.modelId).label, outcome.dataset, outcome.kind, curve, p.level, p.accuracies.length, images,
          p.mean.toFixed(6), p.std.toFixed(6), p.min.toFixed(6), p.max.toFixed(6), p.accuracies.map((a) => a.toFixed(6)).join(' '),
          curve === 'noise' ? '' : outcome.order ?? '', 1, ci95(p.accuracies)?.low.toFixed(6) ?? '', ci95(p.accuracies)?.high.toFixed(6) ?? '',
        ]);
      }
    }
  };
  add(outcome.curves, outcome.kind);
  add(outcome.baseline ?? [], 'noise');
  return `${rows.map((r) => r.map(csvField).join(',')).join('\n')}\n`;
}

/** "robustness-mnist-removal.csv". */
export function exportName(outcome: SweepOutcome, extension: 'csv' | 'svg' | 'png'): string {
  return `robustness-${outcome.dataset}-${outcome.kind}${outcome.order !== undefined ? `-${outcome.order}` : ''}.${extension}`;
}
