// Plain arithmetic behind the Training panel's read-outs: time left, durations, and the per-epoch
// summary (numbers only) that the training history keeps instead of whole topology arrays.
import type { EpochReport } from '../worker/protocol';

export interface ProgressPoint {
  /** 1-based epoch in progress. */
  epoch: number;
  /** Batches done in this epoch. */
  batch: number;
  batchesPerEpoch: number;
  epochs: number;
  batchSize: number;
  samplesPerSecond: number;
  /**
   * Seconds an epoch spends outside its training steps (evaluation, read-back, rewiring), as
   * measured on the previous epoch; 0 before the first epoch ends.
   */
  epochOverheadSeconds?: number;
}

/**
 * Seconds left in the run at the measured speed: the batches left in this epoch and in the
 * epochs after it, plus each remaining epoch's end (evaluation and rewiring) once one has been
 * measured. Null while the speed is unknown.
 */
export function estimateEtaSeconds(p: ProgressPoint): number | null {
  if (!(p.samplesPerSecond > 0) || !(p.batchesPerEpoch > 0)) return null;
  const epochsAfter = Math.max(0, p.epochs - p.epoch);
  const batchesLeft = Math.max(0, p.batchesPerEpoch - p.batch) + epochsAfter * p.batchesPerEpoch;
  const overhead = Math.max(0, p.epochOverheadSeconds ?? 0) * (epochsAfter + 1);
  return (batchesLeft * p.batchSize) / p.samplesPerSecond + overhead;
}

/** Time an epoch spent beyond its training steps, from its summary and its batch count. */
export function epochOverheadSeconds(summary: Pick<EpochSummary, 'seconds' | 'samplesPerSecond'>, trainedImages: number): number {
  if (!(summary.samplesPerSecond > 0)) return 0;
  return Math.max(0, summary.seconds - trainedImages / summary.samplesPerSecond);
}

/** "42 s", "3 min 05 s", "1 h 02 min". */
export function formatDuration(seconds: number | null): string {
  if (seconds === null || !Number.isFinite(seconds) || seconds < 0) return '—';
  const s = Math.round(seconds);
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ${String(s % 60).padStart(2, '0')} s`;
  return `${Math.floor(m / 60)} h ${String(m % 60).padStart(2, '0')} min`;
}

/** Rewiring of one layer as counts. */
export interface RewireCounts {
  links: number;
  removed: number;
  added: number;
  kept: number;
}

/** One epoch of a model's history, without the arrays. */
export interface EpochSummary {
  epoch: number;
  trainLoss: number;
  testAccuracy: number;
  testLoss: number;
  seconds: number;
  samplesPerSecond: number;
  zeta: number;
  rewire: RewireCounts[];
}

export function summarizeEpoch(report: EpochReport): EpochSummary {
  return {
    epoch: report.epoch,
    trainLoss: report.trainLoss,
    testAccuracy: report.testAccuracy,
    testLoss: report.testLoss,
    seconds: report.seconds,
    samplesPerSecond: report.samplesPerSecond,
    zeta: report.zeta,
    rewire: report.layers.map((l) => ({ links: l.links, removed: l.removed.length, added: l.added.length, kept: l.kept })),
  };
}

/** Adds an epoch to a history kept in epoch order; a repeated epoch replaces the earlier entry. */
export function appendEpoch(history: readonly EpochSummary[], summary: EpochSummary): EpochSummary[] {
  const rest = history.filter((h) => h.epoch !== summary.epoch);
  rest.push(summary);
  rest.sort((a, b) => a.epoch - b.epoch);
  return rest;
}
