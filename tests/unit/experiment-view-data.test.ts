// What the Experiment panel shows, computed from runs: curve series for the charts (checked by the
// charts' own validators), the status line with its progress bar, and the honest path captions.
import { describe, expect, it } from 'vitest';
import type { SweepPoint } from '../../src/engine/robustness';
import type { ExperimentRun } from '../../src/state/experiment';
import { EXPERIMENT_SIZES, experimentConfig, runKey, runLabel, SWEEP_LEVELS } from '../../src/state/experimentPlan';
import type { ExperimentStep } from '../../src/state/experimentPlan';
import type { Strategy } from '../../src/engine/types';
import { validateCurveData } from '../../src/views/robustness/curveData';
import { validateSeries } from '../../src/views/training/curvesData';
import {
  accuracySeries, experimentStatus, pathCaption, robustnessData, runColor, runStatusText, sizeOptions, sweepCaption,
} from '../../src/views/experiment/experimentData';

function run(strategy: Strategy, step: ExperimentStep, patch: Partial<ExperimentRun> = {}): ExperimentRun {
  return {
    key: runKey(step, strategy), step, strategy, label: runLabel(strategy, step),
    config: experimentConfig(EXPERIMENT_SIZES.quick, 'mnist', strategy, step), source: 'trained', fileName: null,
    status: 'queued', runToken: null, modelId: null, path: null, epochs: [], progress: null, accuracy: null, sweeps: {}, message: null,
    ...patch,
  };
}

const sweep = (top: number, spread: number): SweepPoint[] => SWEEP_LEVELS.map((level) => {
  const mean = Math.max(0, top - level);
  return { level, accuracies: [mean], mean, std: 0, min: Math.max(0, mean - spread), max: Math.min(1, mean + spread) };
});

describe('experiment view data', () => {
  it('builds one valid robustness series per swept run, in run order, with its colour', () => {
    const runs = [
      run('set', 'decay', { sweeps: { removal: sweep(0.95, 0.02) } }),
      run('static', 'decay'),
      run('static', 'nodecay', { sweeps: { removal: sweep(0.9, 0), shuffle: sweep(0.9, 0.05) } }),
    ];
    const removal = robustnessData(runs, 'removal')!;
    expect(validateCurveData(removal)).toEqual([]);
    expect(removal.xLabel).toBe('Fraction of links removed');
    expect(removal.series.map((s) => [s.id, s.color, s.dashed])).toEqual([
      ['decay:set', runColor(runs[0]), false], ['nodecay:static', runColor(runs[2]), false],
    ]);
    expect(removal.series[0].points[3]).toEqual({ level: 0.3, mean: 0.95 - 0.3, min: 0.95 - 0.3 - 0.02, max: 0.95 - 0.3 + 0.02 });
    expect(robustnessData(runs, 'shuffle')!.series.map((s) => s.id)).toEqual(['nodecay:static']);
    expect(robustnessData([run('set', 'decay')], 'removal')).toBeNull();
    expect(new Set([runColor(runs[0]), runColor(runs[1]), runColor(runs[2]), runColor(run('set', 'nodecay'))]).size).toBe(4);
  });

  it('accuracy series skip runs without epochs and the NaN of a file\'s missing history', () => {
    const trained = run('set', 'decay', { epochs: [1, 2, 3].map((epoch) => ({ epoch, testAccuracy: [0.81, 0.82, 0.83][epoch - 1], trainLoss: 1, samplesPerSecond: 100 })) });
    const series = accuracySeries([trained, run('static', 'decay'), run('set', 'nodecay', { epochs: [{ epoch: 1, testAccuracy: Number.NaN, trainLoss: 1, samplesPerSecond: 1 }] })]);
    expect(validateSeries(series)).toEqual([]);
    expect(series.map((s) => [s.id, s.points.map((p) => p.value)])).toEqual([['decay:set', [0.81, 0.82, 0.83]]]);
  });

  it('the status line follows the phase: training with a progress bar over all epochs, then sweeping', () => {
    const training = run('static', 'decay', {
      status: 'training', path: 'masked-dense', progress: { epoch: 2, batch: 50, batchesPerEpoch: 188, samplesPerSecond: 4321.4 },
      epochs: [{ epoch: 1, testAccuracy: 0.9, trainLoss: 0.3, samplesPerSecond: 4000 }],
    });
    const runs = [run('set', 'decay', { status: 'trained' }), training];
    const t = experimentStatus({ phase: 'training', runs, sweep: null, message: null });
    const { epochs } = EXPERIMENT_SIZES.quick;
    expect(t.text).toBe(`Training static · decay 1e-4 (2 of 2) · epoch 2 of ${epochs}, batch 50/188 · accuracy 90.0%`);
    expect(t.bar).toEqual({ value: 188 + 50, max: epochs * 188, label: 'Training static · decay 1e-4' });
    expect(pathCaption(training)).toBe('masked dense · 4,321 samples/s');
    const sw = experimentStatus({ phase: 'sweeping', runs, sweep: { kind: 'shuffle', requestId: 3, done: 12, total: 56 }, message: null });
    expect(sw).toEqual({ text: 'Measuring weight shuffling: 12 of 56 evaluations', bar: { value: 12, max: 56, label: 'Measuring weight shuffling' } });
    expect(experimentStatus({ phase: 'stopped', runs, sweep: null, message: 'Stopped.' }).text).toBe('Stopped.');
    const crashed = 'The worker crashed; it is restarting, and the experiment will go on from the last finished epoch.';
    expect(experimentStatus({ phase: 'training', runs, sweep: null, message: crashed })).toEqual({ text: crashed, bar: null });
    expect(experimentStatus({ phase: 'sweeping', runs, sweep: { kind: 'shuffle', requestId: 3, done: 12, total: 56 }, message: crashed }).text).toBe(crashed);
    expect(experimentStatus({ phase: 'done', runs, sweep: null, message: null }).bar).toBeNull();
  });

  it('captions say where a number came from and how it was measured', () => {
    expect(pathCaption(run('set', 'decay', { path: 'sparse-cpu' }))).toBe('sparse CPU');
    expect(pathCaption(run('set', 'decay', { source: 'finished', fileName: 'mnist-set.json', path: 'sparse-cpu' }))).toBe('from models/mnist-set.json');
    expect(runStatusText(run('set', 'decay', { status: 'failed', message: 'out of memory' }))).toBe('failed: out of memory');
    expect(runStatusText(run('set', 'decay', { status: 'trained', accuracy: 0.9512 }))).toBe('trained · accuracy 95.1%');
    expect(sweepCaption({ limit: 2000, repeats: 3 })).toBe('Lines: mean over 3 repeats with different random links; bands: lowest to highest repeat. Measured on the first 2,000 test images, at 10 levels.');
    expect(sweepCaption({ limit: null, repeats: 3 })).toMatch(/Measured on all 10,000 test images/);
    expect(sizeOptions(false).map((s) => s.id)).toEqual(['quick', 'full']);
    expect(sizeOptions(true).map((s) => s.id)).toEqual(['quick', 'full', 'tiny']);
  });
});
