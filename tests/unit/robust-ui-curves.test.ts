// The robustness chart's data side: series from a sweep (baselines dashed), validation of what the
// chart is given, the x domain, and the CSV export.
import { describe, expect, it } from 'vitest';
import { summarise } from '../../src/engine/robustness';
import type { SweepOutcome } from '../../src/state/robustness';
import { chartDataOf, exportName, levelDomain, sweepCsv, validateCurveData, type CurveChartData } from '../../src/views/robustness/curveData';

const looks: Record<string, { label: string; color: string }> = {
  m1: { label: 'SET · H=1000', color: '#4e79a7' },
  m2: { label: 'static, "no decay"', color: '#f28e2b' },
};
const lookOf = (id: string) => looks[id];

function outcome(kind: SweepOutcome['kind'], withBaseline: boolean): SweepOutcome {
  const curve = (id: string, base: number) => ({
    modelId: id,
    points: [0, 0.1, 0.2].map((level, k) => summarise(level, [base - k * 0.1, base - k * 0.1 - 0.02, base - k * 0.1 + 0.01])),
  });
  return {
    kind, dataset: 'mnist', levels: [0, 0.1, 0.2], repeats: 3, limit: withBaseline ? 1000 : null,
    curves: [curve('m1', 0.9), curve('m2', 0.8)],
    baseline: withBaseline ? [curve('m1', 0.95), curve('m2', 0.85)] : null,
  };
}

describe('chart data from a sweep', () => {
  it('one solid series per model, then a dashed noise baseline each, with the axis wording of the kind', () => {
    const data = chartDataOf(outcome('pgd', true), lookOf);
    expect(data.xLabel).toBe('PGD budget ε (L∞)');
    expect(data.series.map((s) => [s.id, s.dashed, s.color])).toEqual([
      ['m1', false, '#4e79a7'], ['m2', false, '#f28e2b'], ['m1-noise', true, '#4e79a7'], ['m2-noise', true, '#f28e2b'],
    ]);
    expect(data.series[2].label).toBe('SET · H=1000 — uniform noise');
    expect(data.series[0].points[1]).toEqual({ level: 0.1, mean: expect.closeTo(0.7967, 3), min: 0.78, max: expect.closeTo(0.81, 6) });
    expect(validateCurveData(data)).toEqual([]);
    expect(chartDataOf(outcome('removal', false), lookOf).xLabel).toBe('Fraction of links removed');
    expect(chartDataOf(outcome('removal', false), lookOf).series).toHaveLength(2);
  });

  it('rejects repeated ids, levels out of order and accuracies outside [0, 1] or inconsistent', () => {
    const good = chartDataOf(outcome('removal', false), lookOf);
    const bad: CurveChartData = {
      xLabel: '',
      series: [
        good.series[0],
        { ...good.series[0] },
        { ...good.series[1], id: 'x', points: [{ level: 0.2, mean: 0.5, min: 0.4, max: 0.6 }, { level: 0.1, mean: 1.2, min: 0.6, max: 0.7 }] },
      ],
    };
    expect(validateCurveData(bad)).toEqual([
      'the x axis needs a label',
      'series id "m1" is used twice',
      'series "x": levels must increase (0.1 after 0.2)',
      'series "x": mean at level 0.1 is 1.2, not an accuracy in [0, 1]',
      'series "x": at level 0.1 min ≤ mean ≤ max does not hold',
    ]);
  });

  it('spans the x axis from 0 to the largest level, never a zero-width axis', () => {
    expect(levelDomain(chartDataOf(outcome('fgsm', true), lookOf))).toEqual([0, 0.2]);
    expect(levelDomain({ xLabel: 'x', series: [{ id: 'a', label: 'a', color: '#000', dashed: false, points: [{ level: 0, mean: 0.5, min: 0.5, max: 0.5 }] }] })).toEqual([0, 0.1]);
  });
});

describe('CSV export', () => {
  it('writes a header and one row per model, curve and level, quoting fields that need it', () => {
    const o = outcome('fgsm', true);
    const lines = sweepCsv(o, lookOf).trimEnd().split('\n');
    expect(lines[0]).toBe('model_id,model,dataset,perturbation,curve,level,repeats,test_images,mean,std,min,max,accuracies,order,seeds,ci95_low,ci95_high');
    expect(lines).toHaveLength(1 + 2 * 3 * 2);
    expect(lines[1].startsWith('m1,SET · H=1000,mnist,fgsm,fgsm,0,3,1000,0.896667,0.015275,0.880000,0.910000,0.900000 0.880000 0.910000,,1,')).toBe(true);
    // 95% t-interval of three draws: mean ± 4.303·sd/√3.
    const [low, high] = lines[1].split(',').slice(-2).map(Number);
    const sd = Math.sqrt(((0.9 - 0.896667) ** 2 + (0.88 - 0.896667) ** 2 + (0.91 - 0.896667) ** 2) / 2);
    expect(low).toBeCloseTo(0.896667 - (4.303 * sd) / Math.sqrt(3), 5);
    expect(high).toBeCloseTo(0.896667 + (4.303 * sd) / Math.sqrt(3), 5);
    expect(lines[4]).toMatch(/^m2,"static, ""no decay""",mnist,fgsm,fgsm,0,3,1000,/);
    expect(lines[7]).toMatch(/^m1,SET · H=1000,mnist,fgsm,noise,0,/);
    expect(sweepCsv(outcome('removal', false), lookOf).split('\n')[1]).toContain(',removal,removal,0,3,all,');
    expect(exportName(o, 'png')).toBe('robustness-mnist-fgsm.png');
  });
});
