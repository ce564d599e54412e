// The sweep side of the robustness store: perturbation kinds, their default levels, the parsing of
// the levels and repeats the user types (problems come back as sentences), and a sweep's outcome.
import type { PerturbationKind, PerturbationOrder, SweepPoint } from '../engine/robustness';
import type { DatasetName } from '../engine/types';

export interface SweepForm {
  kind: PerturbationKind;
  /** Levels as typed: numbers separated by commas or spaces. */
  levelsText: string;
  repeatsText: string;
  /** Removal order of the ordered kinds (undefined for the others). */
  order?: PerturbationOrder;
}

export interface SweepCurve {
  modelId: string;
  points: SweepPoint[];
}

export interface SweepOutcome {
  kind: PerturbationKind;
  dataset: DatasetName;
  levels: number[];
  repeats: number;
  /** Removal order of the ordered kinds. */
  order?: PerturbationOrder;
  /** Test images used (null: the full test set). */
  limit: number | null;
  curves: SweepCurve[];
  /** Uniform noise of the same ε, for the adversarial kinds. */
  baseline: SweepCurve[] | null;
}

export interface SweepRun {
  status: 'idle' | 'running' | 'cancelling' | 'done' | 'cancelled' | 'failed';
  requestId: number | null;
  done: number;
  total: number;
  error: string | null;
}

export const SWEEP_KINDS: readonly PerturbationKind[] = ['removal', 'targeted-removal', 'node-removal', 'pixel-removal', 'shuffle', 'fgsm', 'pgd', 'noise'];
export const SWEEP_KIND_LABELS: Readonly<Record<PerturbationKind, string>> = Object.freeze({
  removal: 'Link removal',
  shuffle: 'Weight shuffling',
  fgsm: 'FGSM attack',
  pgd: 'PGD attack',
  noise: 'Uniform noise',
  'targeted-removal': 'Targeted link removal',
  'node-removal': 'Neuron removal',
  'pixel-removal': 'Input-pixel removal',
});
export const MAX_SWEEP_LEVELS = 25;
export const MAX_SWEEP_REPEATS = 20;

/** Input perturbations (their strength is an L∞ budget ε) as opposed to structural ones (a fraction). */
export function isInputKind(kind: PerturbationKind): boolean {
  return kind === 'fgsm' || kind === 'pgd' || kind === 'noise';
}

/** 0, 0.1, …, 0.9 for structural kinds; 0, 0.05, …, 0.3 for ε. */
export function defaultLevels(kind: PerturbationKind): number[] {
  return isInputKind(kind)
    ? Array.from({ length: 7 }, (_, k) => round(k * 0.05))
    : Array.from({ length: 10 }, (_, k) => round(k * 0.1));
}

export function formatLevels(levels: readonly number[]): string {
  return levels.map((l) => String(round(l))).join(', ');
}

export function sweepLevelsFor(kind: PerturbationKind): string {
  return formatLevels(defaultLevels(kind));
}

function round(x: number): number {
  return Math.round(x * 1e6) / 1e6;
}

/** The levels typed, sorted and without repeats; each a fraction (or ε) in [0, 1]. */
export function parseLevels(text: string, kind: PerturbationKind): { levels: number[] } | { error: string } {
  const what = isInputKind(kind) ? 'ε levels' : 'levels';
  const parts = text.split(/[\s,;]+/).filter((p) => p !== '');
  if (parts.length === 0) return { error: `enter at least one of the ${what}, e.g. ${sweepLevelsFor(kind)}` };
  const values: number[] = [];
  for (const part of parts) {
    const v = Number(part);
    if (!Number.isFinite(v)) return { error: `"${part}" is not a number` };
    if (v < 0 || v > 1) return { error: `${what} must lie between 0 and 1, got ${part}` };
    values.push(v);
  }
  const levels = [...new Set(values)].sort((a, b) => a - b);
  if (levels.length > MAX_SWEEP_LEVELS) return { error: `at most ${MAX_SWEEP_LEVELS} levels, got ${levels.length}` };
  return { levels };
}

export function parseRepeats(text: string): { repeats: number } | { error: string } {
  const v = Number(text.trim());
  if (text.trim() === '' || !Number.isInteger(v) || v < 1 || v > MAX_SWEEP_REPEATS) {
    return { error: `repeats must be a whole number from 1 to ${MAX_SWEEP_REPEATS}, got "${text}"` };
  }
  return { repeats: v };
}

/** Every problem with the form, in words. */
export function formProblems(form: SweepForm): string[] {
  const problems: string[] = [];
  const levels = parseLevels(form.levelsText, form.kind);
  if ('error' in levels) problems.push(levels.error);
  const repeats = parseRepeats(form.repeatsText);
  if ('error' in repeats) problems.push(repeats.error);
  return problems;
}
