// The measured choice of compute path: a few training steps of each available path at the configured
// size, the fastest wins; the figures are kept for the badge's tooltip, and the winner is remembered
// per adapter and size so a later session needn't measure again. Software GPUs are never timed.
import type { BackendName } from './backend';
import type { ComputePath, DataArrays, NetworkState, TrainConfig } from './types';

/** One path's figure: ms per training step, or why it was not timed. */
export interface PathTiming {
  backend: BackendName;
  /** 'sparse CPU', 'WebGPU fused', 'WebGPU plain', 'WebGL'. */
  label: string;
  msPerStep: number | null;
  skipped?: string;
}

export interface BackendChoiceResult {
  chosen: BackendName;
  timings: PathTiming[];
  /** Where the choice came from: measured now, remembered from an earlier session, or insisted on (?backend=). */
  source: 'measured' | 'remembered' | 'insisted';
}

/** The fastest timed path; the sparse CPU path when nothing else was timed (it always runs). */
export function fastestOf(timings: readonly PathTiming[]): BackendName {
  let best: PathTiming | null = null;
  for (const t of timings) if (t.msPerStep !== null && Number.isFinite(t.msPerStep) && (best === null || t.msPerStep < (best.msPerStep as number))) best = t;
  return best?.backend ?? 'cpu';
}

/** "sparse CPU 3.0 ms/step · WebGPU fused 5.1 ms/step → sparse CPU" (the badge's tooltip). */
export function describeTimings(result: BackendChoiceResult): string {
  const parts = result.timings.map((t) => (t.msPerStep !== null ? `${t.label} ${t.msPerStep.toFixed(1)} ms/step` : `${t.label}: ${t.skipped ?? 'not timed'}`));
  const winner = result.timings.find((t) => t.backend === result.chosen)?.label ?? result.chosen;
  const how = result.source === 'remembered' ? ' (remembered)' : result.source === 'insisted' ? ' (asked for in the link)' : '';
  return `${parts.join(' · ')} → ${winner}${how}`;
}

/** The key a choice is remembered under: the adapter and the network's size. */
export function choiceKey(adapter: string, config: Pick<TrainConfig, 'hidden' | 'density' | 'batchSize'>): string {
  return `rewire-lab:backend:${adapter}|h${config.hidden}|d${config.density}|b${config.batchSize}`;
}

/** Where remembered choices live (localStorage in the page; a Map in tests). */
export interface ChoiceMemory {
  get(key: string): string | null;
  set(key: string, value: string): void;
}

/** A remembered choice, if it is still a valid one; corrupt entries are ignored. */
export function recallChoice(memory: ChoiceMemory | null, key: string): BackendChoiceResult | null {
  try {
    const raw = memory?.get(key);
    if (!raw) return null;
    const parsed = JSON.parse(raw) as BackendChoiceResult;
    if (!['webgpu', 'webgl', 'cpu'].includes(parsed.chosen) || !Array.isArray(parsed.timings)) return null;
    return { ...parsed, source: 'remembered' };
  } catch {
    return null;
  }
}

export interface Candidate {
  backend: BackendName;
  label: string;
  /** Why it is not timed (a software GPU, not available); absent: time it. */
  skip?: string;
  /** Makes it the active backend and a path on it (for timing). */
  open(): Promise<ComputePath>;
  /** After timing: gives the backend in use back (a backend borrowed for timing). */
  close?(): Promise<void>;
}

/**
 * The backend to run on: `insist` (a link's ?backend=) wins without timing; else a remembered choice
 * for this adapter and size; else every candidate not skipped is timed with `time` and the fastest used.
 */
export async function chooseBackend(opts: {
  candidates: Candidate[];
  insist?: BackendName;
  remembered?: BackendChoiceResult | null;
  time(candidate: Candidate): Promise<number>;
}): Promise<BackendChoiceResult> {
  if (opts.insist) return { chosen: opts.insist, timings: [], source: 'insisted' };
  if (opts.remembered && opts.candidates.some((c) => c.backend === opts.remembered?.chosen && !c.skip)) return opts.remembered;
  const timings: PathTiming[] = [];
  for (const c of opts.candidates) {
    if (c.skip) {
      timings.push({ backend: c.backend, label: c.label, msPerStep: null, skipped: c.skip });
      continue;
    }
    try {
      timings.push({ backend: c.backend, label: c.label, msPerStep: await opts.time(c) });
    } catch (e) {
      timings.push({ backend: c.backend, label: c.label, msPerStep: null, skipped: e instanceof Error ? e.message : String(e) });
    }
  }
  return { chosen: fastestOf(timings), timings, source: 'measured' };
}

/**
 * ms per training step of `path` at the state's size: one warm-up step (kernel compilation, uploads),
 * then `steps` timed ones, finished by reading the loss back (a GPU's queued work has then run).
 */
export async function timeSteps(path: ComputePath, state: NetworkState, train: DataArrays, config: TrainConfig, steps: number, now: () => number = () => performance.now()): Promise<number> {
  try {
    path.load(state);
    path.setTrainData(train);
    const batch = Math.min(config.batchSize, train.count);
    const indices = (s: number) => Int32Array.from({ length: batch }, (_, i) => (s * batch + i) % train.count);
    path.trainStep(indices(0), config.learningRate, config.weightDecay);
    await path.takeMeanLoss();
    const start = now();
    for (let s = 1; s <= steps; s++) path.trainStep(indices(s), config.learningRate, config.weightDecay);
    await path.takeMeanLoss();
    return (now() - start) / steps;
  } finally {
    path.dispose();
  }
}
