// What the Experiment panel's charts and captions show, computed from the experiment's runs and the
// topology store's frames (pure; tested in Node): colours, curve series, the status of each run.
import type { ExperimentRun, ExperimentState } from '../../state/experiment';
import { EXPERIMENT_SIZES, PUBLIC_SIZES, SWEEP_LEVELS, type ExperimentSize, type ExperimentSweepKind } from '../../state/experimentPlan';
import type { LayerFrame, ModelTopology } from '../../state/topology';
import { PATH_LABELS } from '../../worker/protocol';
import { X_LABELS, type CurveChartData, type CurveSeries as RobustnessSeries } from '../robustness/curveData';
import type { CurveSeries as EpochSeries } from '../training/curvesData';
import { RUN_COLORS } from './config';

export function runColor(run: Pick<ExperimentRun, 'strategy' | 'step'>): string {
  return RUN_COLORS[run.strategy][run.step];
}

/** The input layer (784 → H) of a model's newest frame, or null (dense, or nothing reported yet). */
export function inputLayerOf(model: ModelTopology | undefined): LayerFrame | null {
  return model?.frames.at(-1)?.layers[0] ?? null;
}

/** Test accuracy per epoch, one series per run with at least one epoch. */
export function accuracySeries(runs: readonly ExperimentRun[]): EpochSeries[] {
  return runs
    .map((r) => ({
      id: r.key, label: r.label, color: runColor(r),
      points: r.epochs.filter((e) => Number.isFinite(e.testAccuracy)).map((e) => ({ epoch: e.epoch, value: e.testAccuracy })),
    }))
    .filter((s) => s.points.length > 0);
}

/** One curve (mean line over a min–max band) per run swept with `kind`; null before any. */
export function robustnessData(runs: readonly ExperimentRun[], kind: ExperimentSweepKind): CurveChartData | null {
  const series: RobustnessSeries[] = runs.flatMap((r) => {
    const points = r.sweeps[kind];
    if (!points || points.length === 0) return [];
    return [{
      id: r.key, label: r.label, color: runColor(r), dashed: false,
      points: points.map((p) => ({ level: p.level, mean: p.mean, min: p.min, max: p.max })),
    }];
  });
  return series.length === 0 ? null : { xLabel: X_LABELS[kind], series };
}

const count = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });

/** "masked dense · 12,345 samples/s", "sparse CPU", "from models/mnist-set.rlm": honest about the cost. */
export function pathCaption(run: ExperimentRun): string {
  if (run.source === 'finished') return run.fileName ? `from models/${run.fileName}` : 'from a file';
  if (!run.path) return '';
  const speed = run.progress?.samplesPerSecond ?? run.epochs.at(-1)?.samplesPerSecond;
  return speed !== undefined && Number.isFinite(speed) ? `${PATH_LABELS[run.path]} · ${count.format(speed)} samples/s` : PATH_LABELS[run.path];
}

/** One line on where a run is: waiting, epoch and batch, its accuracy, or why it ended. */
export function runStatusText(run: ExperimentRun): string {
  const pct = (x: number | null) => (x === null ? '–' : `${(x * 100).toFixed(1)}%`);
  switch (run.status) {
    case 'queued': return 'waiting for its turn';
    case 'loading': return 'loading…';
    case 'training': {
      const p = run.progress;
      const last = run.epochs.at(-1);
      const where = p ? `epoch ${p.epoch} of ${run.config.epochs}, batch ${p.batch}/${p.batchesPerEpoch}` : 'starting…';
      return last ? `${where} · accuracy ${pct(last.testAccuracy)}` : where;
    }
    case 'trained': return `trained · accuracy ${pct(run.accuracy)}`;
    case 'loaded': return `finished model · accuracy ${pct(run.accuracy)}`;
    case 'stopped': return run.message ? `stopped (${run.message})` : `stopped after ${run.epochs.length} epoch(s)`;
    case 'skipped': return 'not trained';
    case 'failed': return `failed: ${run.message ?? 'no reason given'}`;
  }
}

/** The status line under the buttons, and the progress bar's value and maximum (null: no bar). */
export function experimentStatus(s: Pick<ExperimentState, 'phase' | 'runs' | 'sweep' | 'message'>): { text: string; bar: { value: number; max: number; label: string } | null } {
  const training = s.runs.find((r) => r.status === 'training');
  const queue = s.runs.filter((r) => r.source === 'trained' && r.step === training?.step);
  switch (s.phase) {
    case 'idle': return { text: s.message ?? 'Choose a size, then start with step 1.', bar: null };
    case 'loading-data': return { text: 'Loading the training and test images…', bar: null };
    case 'loading-models': return { text: 'Loading the finished experiment’s networks…', bar: null };
    case 'training': {
      // A note while training or measuring: the worker crashed and the experiment waits for its restart.
      if (s.message) return { text: s.message, bar: null };
      if (!training) return { text: 'Starting…', bar: null };
      const p = training.progress;
      const epochs = training.config.epochs;
      const text = `Training ${training.label} (${queue.indexOf(training) + 1} of ${queue.length}) · ${runStatusText(training)}`;
      const done = p ? (p.epoch - 1) * p.batchesPerEpoch + p.batch : 0;
      return { text, bar: p ? { value: done, max: epochs * p.batchesPerEpoch, label: `Training ${training.label}` } : null };
    }
    case 'sweeping': {
      if (s.message) return { text: s.message, bar: null };
      const sw = s.sweep;
      if (!sw) return { text: 'Measuring robustness…', bar: null };
      const what = sw.kind === 'removal' ? 'link removal' : 'weight shuffling';
      return { text: `Measuring ${what}: ${sw.done} of ${sw.total} evaluations`, bar: { value: sw.done, max: sw.total, label: `Measuring ${what}` } };
    }
    case 'stopping': return { text: 'Stopping…', bar: null };
    case 'done': return { text: s.message ?? 'Done: the curves and the table below are complete.', bar: null };
    case 'stopped': return { text: s.message ?? 'Stopped.', bar: null };
    case 'failed': return { text: s.message ?? 'The experiment failed.', bar: null };
  }
}

/** "Lines: mean over 3 repeats; bands: lowest to highest. On the first 2,000 test images." */
export function sweepCaption(setup: ExperimentState['sweepSetup']): string {
  if (!setup) return '';
  const images = setup.limit === null ? 'all 10,000 test images' : `the first ${setup.limit.toLocaleString('en-US')} test images`;
  return `Lines: mean over ${setup.repeats} repeats with different random links; bands: lowest to highest repeat. Measured on ${images}, at ${SWEEP_LEVELS.length} levels.`;
}

/** The size select's options: Quick and Full, and Tiny when the page was opened for a smoke test. */
export function sizeOptions(offerTiny: boolean): ExperimentSize[] {
  return [...PUBLIC_SIZES, ...(offerTiny ? (['tiny'] as const) : [])].map((id) => EXPERIMENT_SIZES[id]);
}
