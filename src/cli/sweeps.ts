// Robustness sweeps as the CLI runs them: one model × one perturbation kind, as plain records, with
// the uniform-noise baseline of the same ε beside every adversarial curve (DESIGN.md §4).
import { defaultOrder, isStructuralKind, sweep, type PerturbationKind, type PerturbationOrder, type SweepPoint } from '../engine/robustness';
import type { ComputePath, DataArrays, NetworkState } from '../engine/types';

export type AdversarialKind = 'fgsm' | 'pgd';

export interface SweepRequest {
  kind: PerturbationKind;
  levels: number[];
  repeats: number;
  /** Repeat r uses seed + r for its random choices. */
  seed: number;
  /** Evaluate on the first N test images (all when undefined). */
  limit?: number;
  /** PGD steps. */
  steps?: number;
  /** Also perturb dense layers (see perturb.ts `perturbableLayers`). */
  includeDense?: boolean;
  /** Set on a noise sweep run as the baseline of these adversarial sweeps. */
  baselineFor?: AdversarialKind[];
  /** Removal order of the ordered kinds (each kind's default when undefined). */
  order?: PerturbationOrder;
  /** node-removal: hidden layers to thin, 0-based (all when undefined). */
  nodeLayers?: number[];
}

export interface SweepRecord {
  model: string;
  kind: PerturbationKind;
  baselineFor?: AdversarialKind[];
  /** Test images each accuracy was measured on. */
  testImages: number;
  repeats: number;
  steps?: number;
  includeDense: boolean;
  order?: PerturbationOrder;
  nodeLayers?: number[];
  seconds: number;
  points: SweepPoint[];
}

export function isAdversarial(kind: PerturbationKind): kind is AdversarialKind {
  return kind === 'fgsm' || kind === 'pgd';
}

/** Structural levels 0, 0.1, …, 0.9 (built from integers, so 0.3 is exactly 0.3). */
export const STRUCTURAL_LEVELS: readonly number[] = Array.from({ length: 10 }, (_, i) => i / 10);
/** L∞ budgets ε of the adversarial and noise sweeps. */
export const EPSILON_LEVELS: readonly number[] = [0, 0.01, 0.02, 0.05, 0.1, 0.15, 0.2];

export function defaultLevels(kind: PerturbationKind): number[] {
  return [...(isStructuralKind(kind) ? STRUCTURAL_LEVELS : EPSILON_LEVELS)];
}

/**
 * The sweeps that answer a set of requests: each request, plus one noise sweep at the levels of
 * the adversarial ones (unless noise was asked for at those levels already).
 */
export function withNoiseBaseline(requests: readonly SweepRequest[]): SweepRequest[] {
  const out = requests.map((r) => ({ ...r }));
  const adversarial = out.filter((r) => isAdversarial(r.kind));
  if (adversarial.length === 0) return out;
  const kinds = adversarial.map((r) => r.kind as AdversarialKind);
  const levels = [...new Set(adversarial.flatMap((r) => r.levels))].sort((a, b) => a - b);
  const existing = out.find((r) => r.kind === 'noise' && levels.every((l) => r.levels.includes(l)));
  if (existing) {
    existing.baselineFor = kinds;
    return out;
  }
  const first = adversarial[0];
  out.push({ kind: 'noise', levels, repeats: first.repeats, seed: first.seed, limit: first.limit, includeDense: first.includeDense, baselineFor: kinds });
  return out;
}

/** The order a record states: the asked one, or the default of the kinds that have one beside random removal. */
function recordedOrder(request: SweepRequest) {
  if (request.order !== undefined) return request.order;
  const ordered = request.kind === 'targeted-removal' || request.kind === 'node-removal' || request.kind === 'pixel-removal';
  return ordered ? defaultOrder(request.kind) : undefined;
}

/** Called after each level with its summary, for progress lines. */
export type LevelListener = (point: SweepPoint, levelIndex: number, levelCount: number) => void;

export async function runSweep(
  path: ComputePath, model: { name: string; state: NetworkState }, test: DataArrays, request: SweepRequest, onLevel?: LevelListener,
): Promise<SweepRecord> {
  const t0 = performance.now();
  const repeats = Math.max(1, Math.floor(request.repeats));
  const points: SweepPoint[] = [];
  // One level at a time, so progress can show each level's result as it comes; repeat r's seed
  // does not depend on the level's position, so this equals one sweep over all levels.
  for (const [index, level] of request.levels.entries()) {
    const result = await sweep(path, model.state, test, {
      kind: request.kind,
      levels: [level],
      repeats,
      seed: request.seed,
      limit: request.limit,
      steps: request.kind === 'pgd' ? request.steps : undefined,
      structural: { includeDense: request.includeDense === true },
      target: { order: request.order, nodeLayers: request.nodeLayers },
    });
    // No cancel signal is passed, so a sweep always completes.
    if (result === null) throw new Error('sweeps.ts: the sweep was cancelled');
    points.push(result[0]);
    onLevel?.(result[0], index, request.levels.length);
  }
  return {
    model: model.name,
    kind: request.kind,
    ...(request.baselineFor ? { baselineFor: request.baselineFor } : {}),
    testImages: Math.min(test.count, request.limit ?? test.count),
    repeats,
    ...(request.kind === 'pgd' ? { steps: request.steps ?? 10 } : {}),
    includeDense: request.includeDense === true,
    ...(recordedOrder(request) !== undefined ? { order: recordedOrder(request) } : {}),
    ...(request.nodeLayers !== undefined ? { nodeLayers: request.nodeLayers } : {}),
    seconds: (performance.now() - t0) / 1000,
    points,
  };
}
