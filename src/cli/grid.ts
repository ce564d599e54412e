// A grid beyond the paper's single point (issue 16): every strategy × density × ζ × weight decay ×
// seed, each model measured at the grid sweeps' levels; summaries pool seeds and draws into a mean
// with a 95% interval.
import type { FlagSpec, FlagValues } from './args';
import { UsageError } from './command';
import { modelName, type ModelSpec, type ReproducedStrategy } from './reproducePlan';
import type { SweepRecord } from './sweeps';

export interface GridSpec {
  strategies: ReproducedStrategy[];
  densities: number[];
  zetas: number[];
  weightDecays: number[];
}

export const GRID_FLAGS: readonly FlagSpec[] = [
  { name: 'densities', type: 'string', valueName: 'D1,D2,…', help: 'grid: densities of the sparse layers, as fractions (0.01) or percentages (1%); any grid flag turns the run into a grid' },
  { name: 'zetas', type: 'string', valueName: 'Z1,Z2,…', help: 'grid: prune-and-regrow fractions ζ (default 0.3)' },
  { name: 'strategies', type: 'string', valueName: 'S1,S2,…', help: 'grid: strategies among set, rigl, static, dense (default set,static,rigl)' },
  { name: 'weight-decays', type: 'string', valueName: 'L1,L2,…', help: 'grid: L2 weight decays (default 0.0001,0)' },
];

const GRID_STRATEGIES: readonly ReproducedStrategy[] = ['set', 'rigl', 'static', 'dense'];

function numberList(flag: string, text: string, min: number, max: number, percentAllowed: boolean): number[] {
  const values = text.split(',').map((part) => {
    const p = part.trim();
    const percent = percentAllowed && p.endsWith('%');
    const n = p === '' || p === '%' ? NaN : Number(percent ? p.slice(0, -1) : p) / (percent ? 100 : 1);
    if (!Number.isFinite(n) || n < min || n > max) throw new UsageError(`--${flag} must be a comma-separated list of numbers from ${min} to ${max}, got "${text}"`);
    return n;
  });
  if (new Set(values).size !== values.length) throw new UsageError(`--${flag} has a repeated value: "${text}"`);
  return values;
}

/** The grid the flags ask for, or null when no grid flag is given (the paper's trio and ablation). */
export function gridFromFlags(v: FlagValues): GridSpec | null {
  if (GRID_FLAGS.every((f) => v[f.name] === undefined)) return null;
  const strategies = ((v.strategies as string | undefined) ?? 'set,static,rigl').split(',').map((s) => s.trim());
  const unknown = strategies.filter((s) => !GRID_STRATEGIES.includes(s as ReproducedStrategy));
  if (unknown.length > 0) throw new UsageError(`--strategies takes set, rigl, static and dense, got "${unknown.join(', ')}"`);
  if (new Set(strategies).size !== strategies.length) throw new UsageError(`--strategies has a repeated strategy: "${String(v.strategies)}"`);
  return {
    strategies: strategies as ReproducedStrategy[],
    densities: numberList('densities', (v.densities as string | undefined) ?? '0.01', 1e-4, 1, true),
    zetas: numberList('zetas', (v.zetas as string | undefined) ?? '0.3', 0, 1, false),
    weightDecays: numberList('weight-decays', (v['weight-decays'] as string | undefined) ?? '0.0001,0', 0, 1, false),
  };
}

export const densityLabel = (d: number) => `${Number((d * 100).toPrecision(6))}%`;

/** One model per cell and seed; dense has no density or ζ, so it is trained once per decay and seed. */
export function planGridModels(grid: GridSpec, seeds: readonly number[]): ModelSpec[] {
  const models: ModelSpec[] = [];
  for (const strategy of grid.strategies) {
    const densities = strategy === 'dense' ? [1] : grid.densities;
    const zetas = strategy === 'set' || strategy === 'rigl' ? grid.zetas : [grid.zetas[0]];
    for (const density of densities) {
      for (const zeta of zetas) {
        for (const weightDecay of grid.weightDecays) {
          for (const seed of seeds) {
            const cell = strategy === 'dense' ? '' : `-d${Number((density * 100).toPrecision(6))}${zetas.length > 1 || grid.zetas.length > 1 ? `-z${zeta}` : ''}`;
            const base = modelName(strategy, weightDecay, seed);
            const name = base.replace(/-seed/, `${cell}-seed`);
            models.push({ name, strategy, weightDecay, seed, main: false, ablation: false, grid: { density, zeta } });
          }
        }
      }
    }
  }
  return models;
}

/** Two-sided 95% quantiles of Student's t for 1–30 degrees of freedom; beyond, the normal's 1.96 is within 1.5%. */
const T975 = [12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.16, 2.145, 2.131, 2.12, 2.11, 2.101, 2.093, 2.086,
  2.08, 2.074, 2.069, 2.064, 2.06, 2.056, 2.052, 2.048, 2.045, 2.042];

export interface Interval {
  n: number;
  mean: number;
  low: number;
  high: number;
}

/** Mean and 95% t-interval of the mean, clipped to [0, 1] (n = 1: the interval is the point). */
export function interval95(values: readonly number[]): Interval {
  const n = values.length;
  if (n === 0) throw new Error('grid.ts: an interval needs at least one value');
  const mean = values.reduce((a, b) => a + b, 0) / n;
  if (n === 1) return { n, mean, low: mean, high: mean };
  const sd = Math.sqrt(values.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1));
  const half = (T975[n - 2] ?? 1.96) * sd / Math.sqrt(n);
  // Accuracies live in [0, 1]; a t-interval of few samples can reach past either end.
  return { n, mean, low: Math.max(0, mean - half), high: Math.min(1, mean + half) };
}

export interface GridCell {
  strategy: string;
  density: number;
  zeta: number;
  weightDecay: number;
  seeds: number[];
  /** Clean test accuracy over seeds. */
  accuracy: Interval;
  /** Gini coefficient of the input pixels' link counts over seeds (null for dense). */
  pixelGini: Interval | null;
  /** Per sweep kind and level: accuracy over every seed's every draw. */
  perturbed: Array<{ kind: string; level: number; draws: number; interval: Interval }>;
}

export interface GridModelInput {
  name: string;
  strategy: string;
  weightDecay: number;
  seed: number;
  density: number;
  zeta: number;
  testAccuracy: number;
  pixelGini: number | null;
}

/** One cell per (strategy, density, ζ, decay), in first-seen order, pooling its seeds' sweeps. */
export function gridCells(models: readonly GridModelInput[], records: readonly SweepRecord[]): GridCell[] {
  const cells = new Map<string, GridModelInput[]>();
  for (const m of models) {
    const key = `${m.strategy}|${m.density}|${m.zeta}|${m.weightDecay}`;
    cells.set(key, [...(cells.get(key) ?? []), m]);
  }
  return [...cells.values()].map((members) => {
    const names = new Set(members.map((m) => m.name));
    const mine = records.filter((r) => names.has(r.model));
    const keys = new Map<string, { kind: string; level: number; values: number[] }>();
    for (const record of mine) {
      for (const point of record.points) {
        const key = `${record.kind}|${point.level}`;
        const entry = keys.get(key) ?? { kind: record.kind, level: point.level, values: [] };
        entry.values.push(...point.accuracies);
        keys.set(key, entry);
      }
    }
    const first = members[0];
    return {
      strategy: first.strategy, density: first.density, zeta: first.zeta, weightDecay: first.weightDecay, seeds: members.map((m) => m.seed),
      accuracy: interval95(members.map((m) => m.testAccuracy)),
      pixelGini: members.every((m) => m.pixelGini !== null) ? interval95(members.map((m) => m.pixelGini as number)) : null,
      perturbed: [...keys.values()].map((e) => ({ kind: e.kind, level: e.level, draws: e.values.length, interval: interval95(e.values) })),
    };
  });
}
