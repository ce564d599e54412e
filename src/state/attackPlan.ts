// What the Experiment's optional step "attack the hubs" measures (issue 17): random failure beside
// targeted attack on the experiment's trained networks — links at random vs largest |w| first, hidden
// neurons at random vs hubs (most links) first — and how its table and its reading are computed from
// the measured points. Pure; tested in Node.
import { NUM_CLASSES } from '../engine/constants';
import { ci95, type PerturbationKind, type PerturbationOrder, type SweepPoint } from '../engine/robustness';
import type { Strategy } from '../engine/types';
import { EXPERIMENT_STEPS, type ExperimentStep } from './experimentPlan';

export type AttackSeriesId = 'links-random' | 'links-strongest' | 'nodes-random' | 'nodes-degree';
export type AttackGroup = 'links' | 'nodes';

export interface AttackSeries {
  id: AttackSeriesId;
  group: AttackGroup;
  kind: PerturbationKind;
  order: PerturbationOrder;
  /** True for the attack, false for the random failure it is compared with. */
  targeted: boolean;
  label: string;
  /** The label beside a network's name in a chart's legend. */
  short: string;
}

export const ATTACK_SERIES: readonly AttackSeries[] = [
  { id: 'links-random', group: 'links', kind: 'removal', order: 'random', targeted: false, label: 'links at random', short: 'at random' },
  { id: 'links-strongest', group: 'links', kind: 'targeted-removal', order: 'strongest', targeted: true, label: 'largest |w| first', short: '|w| first' },
  { id: 'nodes-random', group: 'nodes', kind: 'node-removal', order: 'random', targeted: false, label: 'neurons at random', short: 'at random' },
  { id: 'nodes-degree', group: 'nodes', kind: 'node-removal', order: 'degree', targeted: true, label: 'hubs first', short: 'hubs first' },
];

/** Finer steps where targeted attacks bite (hubs first leaves little by half the neurons). */
export const ATTACK_LEVELS: readonly number[] = [0, 0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.4, 0.5];
/** The table and the reading compare the networks with this fraction removed. */
export const ATTACK_TABLE_LEVEL = 0.25;
/** The same seed as step 3's sweeps: links at random here are the draws of the removal curve there. */
export const ATTACK_SWEEP_SEED = 1;

export interface AttackJob {
  series: AttackSeries;
  level: number;
}

/**
 * The step's jobs, level by level (every series at one level before the next level), so all four
 * curves grow together while they are measured.
 */
export function attackJobs(levels: readonly number[] = ATTACK_LEVELS, series: readonly AttackSeries[] = ATTACK_SERIES): AttackJob[] {
  return levels.flatMap((level) => series.map((s) => ({ series: s, level })));
}

/** A network under attack: one of the experiment's trained (or loaded) runs. */
export interface AttackTarget {
  key: string;
  label: string;
  strategy: Strategy;
  step: ExperimentStep;
  modelId: string;
}

/** Points measured so far, per target key and series, in level order. */
export type AttackPoints = Record<string, Partial<Record<AttackSeriesId, SweepPoint[]>>>;

/**
 * Mean over the draws and its 95% interval, clipped to [0, 1] where accuracies live (a t-interval of
 * two or three draws reaches past either end); the point itself when the draws agree or there is one.
 */
export interface Estimate {
  mean: number;
  low: number;
  high: number;
  draws: number;
}

export function estimateAt(points: readonly SweepPoint[] | undefined, level: number): Estimate | null {
  const p = points?.find((q) => Math.abs(q.level - level) < 1e-9);
  if (!p) return null;
  const ci = ci95(p.accuracies);
  return { mean: p.mean, low: ci ? Math.max(0, ci.low) : p.mean, high: ci ? Math.min(1, ci.high) : p.mean, draws: p.accuracies.length };
}

export interface AttackRow {
  target: AttackTarget;
  /** Accuracy at ATTACK_TABLE_LEVEL removed, per series (null until measured). */
  at: Record<AttackSeriesId, Estimate | null>;
  /** Draws behind each figure (the most any series used; 0 before any). */
  draws: number;
}

export function attackRows(targets: readonly AttackTarget[], points: AttackPoints, level = ATTACK_TABLE_LEVEL): AttackRow[] {
  return targets.map((target) => {
    const at = Object.fromEntries(ATTACK_SERIES.map((s) => [s.id, estimateAt(points[target.key]?.[s.id], level)])) as Record<AttackSeriesId, Estimate | null>;
    const draws = Math.max(0, ...Object.values(at).map((e) => e?.draws ?? 0));
    return { target, at, draws };
  });
}

/** Which way a comparison of two estimates goes; 'same' when their 95% intervals overlap. */
export type Comparison = 'higher' | 'lower' | 'same';

export function compare(a: Estimate, b: Estimate): Comparison {
  if (a.low > b.high) return 'higher';
  if (a.high < b.low) return 'lower';
  return 'same';
}

/** Accuracy this close to guessing (1 in 10) counts as chance: a gap there says nothing about robustness. */
export const NEAR_CHANCE = 1 / NUM_CLASSES + 0.05;

const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
const pts = (x: number) => `${(Math.abs(x) * 100).toFixed(1)} points`;
const WHAT: Record<AttackGroup, { things: string; first: string; when: string }> = {
  links: { things: 'links', first: 'largest |w| first', when: 'its strongest links go first' },
  nodes: { things: 'hidden neurons', first: 'hubs first', when: 'its hubs go first' },
};

/**
 * One sentence per step and group on SET against static with `level` removed, derived from the
 * numbers: which way random failure and the targeted attack go (no difference where the 95% intervals
 * overlap), and how much more the attack costs each network than random failure.
 */
export function attackReadings(rows: readonly AttackRow[], level = ATTACK_TABLE_LEVEL): string[] {
  const out: string[] = [];
  for (const step of EXPERIMENT_STEPS) {
    const set = rows.find((r) => r.target.step === step && r.target.strategy === 'set');
    const stat = rows.find((r) => r.target.step === step && r.target.strategy === 'static');
    if (!set || !stat) continue;
    for (const group of ['links', 'nodes'] as const) {
      const random = ATTACK_SERIES.find((s) => s.group === group && !s.targeted) as AttackSeries;
      const attack = ATTACK_SERIES.find((s) => s.group === group && s.targeted) as AttackSeries;
      const rs = set.at[random.id];
      const rt = stat.at[random.id];
      const ts = set.at[attack.id];
      const tt = stat.at[attack.id];
      if (!rs || !rt || !ts || !tt) continue;
      out.push(readingOf(step, group, level, { rs, rt, ts, tt }));
    }
  }
  return out;
}

function readingOf(step: ExperimentStep, group: AttackGroup, level: number, e: { rs: Estimate; rt: Estimate; ts: Estimate; tt: Estimate }): string {
  const { things, first, when } = WHAT[group];
  const where = `${step === 'decay' ? 'With weight decay' : 'Without weight decay'}, ${Math.round(level * 100)}% of the ${things} removed`;
  const atRandom = compare(e.rs, e.rt);
  const attacked = compare(e.ts, e.tt);
  const numbers = `at random SET ${pct(e.rs.mean)} vs static ${pct(e.rt.mean)}, ${first} SET ${pct(e.ts.mean)} vs static ${pct(e.tt.mean)}`;
  // What the attack costs beyond random failure, for each network.
  const extra = (e.rs.mean - e.ts.mean) - (e.rt.mean - e.tt.mean);
  if (e.ts.mean < NEAR_CHANCE && e.tt.mean < NEAR_CHANCE) {
    const random = atRandom === 'same'
      ? `there is no difference (SET ${pct(e.rs.mean)} vs static ${pct(e.rt.mean)}; the 95% intervals overlap)`
      : `SET keeps ${atRandom === 'higher' ? 'more' : 'less'} (SET ${pct(e.rs.mean)} vs static ${pct(e.rt.mean)})`;
    return `${where}: ${first} leaves both at about chance (SET ${pct(e.ts.mean)} vs static ${pct(e.tt.mean)}), so it cannot tell them apart; at random ${random}.`;
  }
  if (atRandom === 'same' && attacked === 'same') return `${where}: no difference between SET and static (${numbers}; the 95% intervals overlap).`;
  if (attacked === 'lower') {
    const verdict = atRandom === 'higher' ? 'robust yet fragile' : atRandom === 'same' ? 'as robust to random failure, more fragile to the attack' : 'more fragile either way';
    const loss = extra > 0 ? `loses ${pts(extra)} more than static` : 'keeps less than static';
    return `${where}: SET ${loss} when ${when} (${numbers}): ${verdict}.`;
  }
  if (attacked === 'higher') {
    const verdict = atRandom === 'lower' ? 'fragile to random failure yet robust to the attack'
      : atRandom === 'same' ? 'as robust to random failure, more robust to the attack' : 'robust to both';
    return `${where}: SET holds up better than static when ${when} (${numbers}): ${verdict}.`;
  }
  return `${where}: SET ${atRandom === 'higher' ? 'keeps more' : 'keeps less'} than static at random, but ${first} both fall alike (${numbers}; the attack's 95% intervals overlap).`;
}
