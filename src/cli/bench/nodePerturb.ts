// Issue 8 §3: live perturbation latency — from a slider value to the accuracy on the test images
// (robustness.ts's accuracyUnder, as the lab runs it), per perturbation and per path, against one
// plain forward pass of the same images on the same path.
import { accuracyUnder, perturbState, settingFor, type PerturbationKind } from '../../engine/robustness';
import { createSparseCpuPath } from '../../engine/sparseCpu';
import type { ComputePath, DataArrays, NetworkState } from '../../engine/types';
import { type BenchContext, emptyPart, firstImages, messageOf, type PartResult } from './context';
import { figure } from './report';
import { ratio, summarize, timeInterleaved, type TimingStats } from './stats';

const SECTION = '3 perturbation';
/** Slider values: 30% of links removed / shuffled; FGSM at ε = 0.1. */
const LEVELS: Record<'removal' | 'shuffle' | 'fgsm', number> = { removal: 0.3, shuffle: 0.3, fgsm: 0.1 };

interface PathPlan {
  id: string;
  label: string;
  make(): Promise<ComputePath>;
  /** Test images for the plain pass, removal and shuffle. */
  testImages: number;
  /** Test images for FGSM; null: not measured on this path. */
  fgsmImages: number | null;
  /** Timed rounds (each: plain, removal, shuffle) after `warmup` untimed ones. */
  rounds: number;
  warmup: number;
  /** Only the sparse CPU path carries the target. */
  target: boolean;
}

async function devicePath(backend: 'wasm' | 'cpu'): Promise<ComputePath> {
  if (backend === 'wasm') {
    const { useFastestNodeBackend } = await import('../../engine/nodeBackend');
    let why = '';
    if ((await useFastestNodeBackend((m) => { why = m; })) !== 'wasm') throw new Error(why);
  } else {
    const { selectBackend } = await import('../../engine/backend');
    await selectBackend('cpu');
  }
  const { createDevicePath } = await import('../../engine/device/path');
  return createDevicePath();
}

function plans(quick: boolean): PathPlan[] {
  const list: PathPlan[] = [
    { id: 'sparseCpu', label: 'sparse CPU', make: async () => createSparseCpuPath(), testImages: 10_000, fgsmImages: 1000, rounds: quick ? 2 : 7, warmup: 1, target: true },
  ];
  if (quick) return list;
  list.push({ id: 'wasm', label: 'masked dense, tfjs wasm', make: () => devicePath('wasm'), testImages: 10_000, fgsmImages: 1000, rounds: 2, warmup: 1, target: false });
  // tfjs 'cpu' needs ~2 min for one pass over 10,000 images at H = 1000: a subset, no FGSM.
  list.push({ id: 'cpu', label: 'masked dense, tfjs cpu', make: () => devicePath('cpu'), testImages: 500, fgsmImages: null, rounds: 1, warmup: 0, target: false });
  return list;
}

interface PathTimings {
  testImages: number;
  plainForward: TimingStats;
  removal: TimingStats;
  shuffle: TimingStats;
  perturbOnlyMs: { removal: number; shuffle: number };
  fgsm?: { images: number; plainForward: TimingStats; attack: TimingStats };
}

async function timePath(path: ComputePath, trained: NetworkState, test: DataArrays, plan: PathPlan): Promise<PathTimings> {
  const set = firstImages(test, plan.testImages);
  path.setTestData(set);
  const at = (kind: PerturbationKind, data: DataArrays, round: number) =>
    accuracyUnder(path, trained, data, settingFor(kind, LEVELS[kind as keyof typeof LEVELS]), 1000 + round);
  // The plain pass reloads the unperturbed network first, untimed (each perturbed run replaces it).
  const plain = async (data?: DataArrays) => {
    const t0 = performance.now();
    await path.evaluate(data);
    return performance.now() - t0;
  };
  const t = await timeInterleaved({
    plainForward: () => { path.load(trained); return plain(); },
    removal: (round) => at('removal', set, round),
    shuffle: (round) => at('shuffle', set, round),
  }, plan.rounds, plan.warmup);
  const out: PathTimings = { testImages: set.count, ...t, perturbOnlyMs: perturbOnly(trained) };
  if (plan.fgsmImages !== null) {
    const subset = firstImages(test, plan.fgsmImages);
    const f = await timeInterleaved({
      plainForward: () => { path.load(trained); return plain(subset); },
      attack: (round) => at('fgsm', subset, round),
    }, plan.rounds, plan.warmup);
    out.fgsm = { images: subset.count, ...f };
  }
  return out;
}

/** The perturbations' own cost (copy + perturb, no evaluation), medians in ms: what the slider adds. */
function perturbOnly(trained: NetworkState): { removal: number; shuffle: number } {
  const time = (kind: 'removal' | 'shuffle') => {
    const samples: number[] = [];
    for (let r = 0; r < 7; r++) {
      const t0 = performance.now();
      perturbState(trained, settingFor(kind, LEVELS[kind]), 2000 + r);
      samples.push(performance.now() - t0);
    }
    return summarize(samples).medianMs;
  };
  return { removal: time('removal'), shuffle: time('shuffle') };
}

export async function benchPerturbation(ctx: BenchContext, trained: NetworkState): Promise<PartResult> {
  const part = emptyPart();
  for (const plan of plans(ctx.quick)) {
    ctx.log(`§3 perturbation latency on ${plan.label}…`);
    let path: ComputePath | null = null;
    try {
      path = await plan.make();
      const t = await timePath(path, trained, ctx.test, plan);
      part.details[plan.id] = t;
      const f = (id: string, label: string, value: number | null, unit: string, extra: { note?: string; target?: boolean } = {}) =>
        part.figures.push(figure({
          id: `perturbation.${plan.id}.${id}`, section: SECTION, label: `${plan.label}: ${label}`, value, unit, note: extra.note,
          target: extra.target && plan.target ? { op: '<=', value: 1.5 } : undefined,
        }));
      const images = `${t.testImages.toLocaleString('en')} test images`;
      f('plainForwardMs', `plain forward pass, ${images}`, t.plainForward.medianMs, 'ms', { note: `median of ${t.plainForward.runs}` });
      for (const kind of ['removal', 'shuffle'] as const) {
        const s = t[kind];
        const upload = plan.target ? '' : '; includes loading the perturbed weights and uploading the test set again (accuracyUnder passes it, as the worker does)';
        f(`${kind}Ms`, `${kind} ${LEVELS[kind] * 100}% → accuracy`, s.medianMs, 'ms', { note: `median of ${s.runs} round${s.runs === 1 ? '' : 's'} interleaved with the plain pass; of which copy + perturb ${t.perturbOnlyMs[kind].toFixed(1)} ms${upload}` });
        f(`${kind}Ratio`, `${kind} latency / plain forward`, ratio(s.medianMs, t.plainForward.medianMs), '×', { target: true });
      }
      if (t.fgsm) {
        f('fgsmMs', `FGSM ε=${LEVELS.fgsm} → accuracy, ${t.fgsm.images} images`, t.fgsm.attack.medianMs, 'ms', { note: `median of ${t.fgsm.attack.runs}; one input gradient + one forward per image (no target: an attack costs a backward pass)` });
        f('fgsmRatio', `FGSM latency / plain forward (${t.fgsm.images} images)`, ratio(t.fgsm.attack.medianMs, t.fgsm.plainForward.medianMs), '×');
      } else {
        part.details[`${plan.id}FgsmSkipped`] = ctx.quick ? 'quick run' : 'too slow on this backend for the bench budget';
      }
    } catch (e) {
      part.problems.push(`perturbation latency on ${plan.label}: ${messageOf(e)}`);
    } finally {
      path?.dispose();
    }
  }
  return part;
}
