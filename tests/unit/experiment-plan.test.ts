// The guided experiment's plan and table maths: configurations per step, the finished experiment's
// file names, accuracy read at a level, concentration figures on hand-made wirings, the findings line.
import { describe, expect, it } from 'vitest';
import type { SweepPoint } from '../../src/engine/robustness';
import { validateConfig } from '../../src/engine/types';
import {
  accuracyAt, EXPERIMENT_SIZES, experimentConfig, findings, finishedFiles, resultRow, runLabel, strategiesOf, SWEEP_LEVELS,
  type ResultRow, type RowInput,
} from '../../src/state/experimentPlan';

const curve = (values: number[]): SweepPoint[] =>
  values.map((mean, k) => ({ level: SWEEP_LEVELS[k], accuracies: [mean], mean, std: 0, min: mean, max: mean }));

describe('experiment plan', () => {
  it('every size gives valid configurations that differ between steps only in weight decay', () => {
    for (const size of Object.values(EXPERIMENT_SIZES)) {
      for (const strategy of strategiesOf({ rigl: true, dense: true })) {
        const on = experimentConfig(size, 'fashion-mnist', strategy, 'decay');
        const off = experimentConfig(size, 'fashion-mnist', strategy, 'nodecay');
        expect(validateConfig(on, 60000)).toEqual([]);
        expect(on.weightDecay).toBe(1e-4);
        expect({ ...off, weightDecay: on.weightDecay }).toEqual(on);
        expect(off.weightDecay).toBe(0);
        expect(on.density).toBe(strategy === 'dense' ? 1 : size.density);
      }
    }
    expect(EXPERIMENT_SIZES.full).toMatchObject({ hidden: 1000, density: 0.01, trainLimit: null, epochs: 10, batchSize: 128, learningRate: 1e-3 });
    expect(strategiesOf({ rigl: false, dense: false })).toEqual(['set', 'static']);
    expect(strategiesOf({ rigl: false, dense: true })).toEqual(['set', 'static', 'dense']);
  });

  it('levels run 0 to 0.9; labels and file names follow the publish convention', () => {
    expect(SWEEP_LEVELS).toEqual([0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9]);
    expect(runLabel('set', 'decay')).toBe('SET · decay 1e-4');
    expect(runLabel('static', 'nodecay')).toBe('static · no decay');
    expect(finishedFiles('mnist').map((f) => f.file)).toEqual(['mnist-set.rlm', 'mnist-static.rlm', 'mnist-set-nodecay.rlm', 'mnist-static-nodecay.rlm']);
    expect(finishedFiles('fashion-mnist')[3]).toEqual({ step: 'nodecay', strategy: 'static', file: 'fashion-mnist-static-nodecay.rlm' });
  });
});

describe('results table', () => {
  it('reads the mean at a level, tolerating float noise, and null where the sweep has none', () => {
    const points = curve([0.9, 0.8, 0.7, 0.6]);
    points[3] = { ...points[3], level: 0.30000000000000004 };
    expect(accuracyAt(points, 0.3)).toBe(0.6);
    expect(accuracyAt(points, 0.1)).toBe(0.8);
    expect(accuracyAt(points, 0.5)).toBeNull();
    expect(accuracyAt(undefined, 0.1)).toBeNull();
  });

  it('a row takes removal at 10/30/50%, shuffling at 30%, and the input pixels\' Gini and isolated count', () => {
    const run: RowInput = {
      key: 'decay:set', label: 'SET · decay 1e-4', strategy: 'set', step: 'decay', accuracy: 0.95,
      sweeps: { removal: curve([0.95, 0.9, 0.8, 0.7, 0.6, 0.5, 0.4, 0.3, 0.2, 0.1]), shuffle: curve([0.95, 0.85, 0.75, 0.65]) },
    };
    // Every pixel linked to 2 of 4 neurons: equal degrees, Gini 0, none isolated.
    const uniform = Int32Array.from({ length: 784 * 2 }, (_, k) => Math.floor(k / 2) * 4 + (k % 2));
    expect(resultRow(run, { links: uniform, nOut: 4 })).toEqual({
      key: 'decay:set', label: 'SET · decay 1e-4', strategy: 'set', step: 'decay', accuracy: 0.95,
      removal: [0.9, 0.7, 0.5], shuffle: 0.65, gini: 0, isolatedPixels: 0,
    });
    // All links on pixel 0: 783 isolated pixels, Gini (n − 1)/n.
    const oneHub = Int32Array.from({ length: 4 }, (_, j) => j);
    const row = resultRow({ ...run, sweeps: {} }, { links: oneHub, nOut: 4 });
    expect(row.isolatedPixels).toBe(783);
    expect(row.gini).toBeCloseTo(783 / 784, 12);
    expect(row.removal).toEqual([null, null, null]);
    // Half the pixels with one link each, half with none: Gini 0.5.
    const half = Int32Array.from({ length: 392 }, (_, p) => p * 4);
    expect(resultRow(run, { links: half, nOut: 4 })).toMatchObject({ gini: 0.5, isolatedPixels: 392 });
    expect(resultRow(run, null)).toMatchObject({ gini: null, isolatedPixels: null });
  });

  it('findings compare SET and static at 30% removal per step, whichever way the gap goes', () => {
    const row = (strategy: 'set' | 'static', step: 'decay' | 'nodecay', at30: number | null, gini: number | null): ResultRow => ({
      key: `${step}:${strategy}`, label: '', strategy, step, accuracy: 0.9, removal: [0.9, at30, 0.3], shuffle: 0.5, gini, isolatedPixels: 0,
    });
    expect(findings([row('set', 'decay', 0.7, 0.33), row('static', 'decay', 0.55, 0.17), row('set', 'nodecay', 0.6, 0.17), row('static', 'nodecay', 0.625, 0.17)])).toEqual([
      'With weight decay, with 30% of the links removed: SET 70.0%, static 55.0% — SET keeps 15.0 points more. Input-pixel Gini: SET 0.33, static 0.17.',
      'Without weight decay, with 30% of the links removed: SET 60.0%, static 62.5% — static keeps 2.5 points more. Input-pixel Gini: SET 0.17, static 0.17.',
    ]);
    expect(findings([row('set', 'decay', 0.7, null), row('static', 'decay', null, null)])).toEqual([]);
    expect(findings([row('set', 'nodecay', 0.6, null), row('static', 'nodecay', 0.6, null)])).toEqual([
      'Without weight decay, with 30% of the links removed: SET 60.0%, static 60.0% — no difference.',
    ]);
  });
});
