// Plain data and pure functions behind the Train panel's several runs: what one run is, which runs
// hold a worker, which queued run starts next when a worker frees, and the words the panel prints.
import type { TrainConfig } from '../engine/types';
import type { PathKind } from '../worker/protocol';

export type RunStatus =
  | 'idle' | 'queued' | 'loading-data' | 'starting' | 'running' | 'paused' | 'stopping' | 'finished' | 'stopped' | 'failed';

export interface LiveProgress {
  epoch: number;
  batch: number;
  batchesPerEpoch: number;
  samplesPerSecond: number;
  etaSeconds: number | null;
}

export interface RunState {
  status: RunStatus;
  runToken: number;
  /** 1-based, in the order the runs were started this session (0 for the idle placeholder). */
  number: number;
  modelId: string | null;
  config: TrainConfig | null;
  path: PathKind | null;
  /** Why the run failed, how it ended early, or why it waits. */
  message: string | null;
  /** Live progress of the epoch in training (null before the first batch and after the end). */
  progress: LiveProgress | null;
}

export const IDLE_RUN: RunState = Object.freeze({
  status: 'idle', runToken: 0, number: 0, modelId: null, config: null, path: null, message: null, progress: null,
}) as RunState;

const ACTIVE: ReadonlySet<RunStatus> = new Set(['queued', 'loading-data', 'starting', 'running', 'paused', 'stopping']);

/** A run that has not ended (queued runs included). */
export function isRunActive(status: RunStatus): boolean {
  return ACTIVE.has(status);
}

/** A run that holds (or is about to hold) a worker: active and no longer waiting in the queue. */
export function holdsWorker(status: RunStatus): boolean {
  return ACTIVE.has(status) && status !== 'queued';
}

/** The queued run to start now, oldest first, when fewer than `workers` runs hold a worker; else null. */
export function nextToStart(runs: readonly RunState[], workers: number): RunState | null {
  const busy = runs.filter((r) => holdsWorker(r.status)).length;
  if (busy >= Math.max(1, workers)) return null;
  return runs.find((r) => r.status === 'queued') ?? null;
}

/** What a queued run says while it waits: `workers` in the pool, `elsewhere` of them busy with the Experiment's networks. */
export function queueMessage(runs: readonly RunState[], workers: number, elsewhere = 0): string {
  const busy = runs.filter((r) => holdsWorker(r.status)).length;
  const ahead = runs.filter((r) => r.status === 'queued').length;
  const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
  const users = [busy > 0 && `${plural(busy, 'run')} here`, elsewhere > 0 && `${plural(elsewhere, 'network')} of the Experiment`].filter(Boolean).join(' and ');
  const pool = workers === 1 ? 'the only worker' : `all ${workers} workers`;
  return `waiting for a free worker: ${users || 'other work'} use${busy + elsewhere === 1 ? 's' : ''} ${pool}; ${ahead} waiting`;
}

/** `runs` with the run of `runToken` changed by `patch` (the same array when there is no such run). */
export function patchRun(runs: readonly RunState[], runToken: number, patch: Partial<RunState>): RunState[] {
  const index = runs.findIndex((r) => r.runToken === runToken);
  if (index < 0) return runs as RunState[];
  const next = runs.slice();
  next[index] = { ...runs[index], ...patch };
  return next;
}

const STRATEGY_WORDS: Record<string, string> = { set: 'SET', rigl: 'RigL', static: 'static', dense: 'dense' };

/** "Run 2 · SET · H=32 · seed 5": a run's name in the run list and its buttons. */
export function runName(run: RunState): string {
  const c = run.config;
  if (!c) return `Run ${run.number}`;
  return `Run ${run.number} · ${STRATEGY_WORDS[c.strategy] ?? c.strategy} · H=${c.hidden} · seed ${c.seed}`;
}

/** A run a worker crash interrupted: its model (null before training started) and whether an epoch had finished. */
export interface InterruptedRun { modelId: string | null; hadEpoch: boolean; status: RunStatus }
/** A model a restarted worker was given back (the supervisor's `workerRestarted` list). */
export interface RestoredModel { modelId: string; epoch: number; epochs: number; fromFile: boolean }

/**
 * What becomes of an interrupted run once a worker restarted: its model came back unfinished, so it
 * continues from that checkpoint (unless it crashed there before); it came back finished, or nothing
 * of it did, and the status line says so; or its model is not the restarted worker's, so it was on
 * another worker of the pool and trains on (its status before the crash comes back).
 */
export function afterRestart(
  run: InterruptedRun, said: string, restored: readonly RestoredModel[], continuedAt: ReadonlyMap<string, number>,
): { kind: 'continue'; modelId: string; fromEpoch: number } | { kind: 'trains-on'; status: RunStatus } | { kind: 'message'; message: string } {
  const kept = run.modelId === null ? undefined : restored.find((m) => m.modelId === run.modelId && !m.fromFile);
  if (!kept) {
    return run.hadEpoch ? { kind: 'trains-on', status: run.status }
      : { kind: 'message', message: `${said}; no epoch had finished, so there was nothing to keep: press Train to start again` };
  }
  if (kept.epoch >= kept.epochs) return { kind: 'message', message: `${said}; all ${kept.epochs} epochs had finished, and the model was restored` };
  if (continuedAt.get(kept.modelId) === kept.epoch) {
    return { kind: 'message', message: `${said}; it crashed again from the checkpoint of epoch ${kept.epoch}, so it is not continued again` };
  }
  return { kind: 'continue', modelId: kept.modelId, fromEpoch: kept.epoch };
}
