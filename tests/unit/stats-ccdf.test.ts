// The degree CCDF behind the Statistics panel's log–log chart: P(D ≥ k) at every distinct degree
// k ≥ 1, checked against counting by hand; and the chart's refusal of data that is not a CCDF.
import { describe, expect, it } from 'vitest';
import { degreeCcdf } from '../../src/engine/stats';
import { validateCcdfData } from '../../src/views/stats/ccdfChart';

/** Slow reference: for each k, count the nodes with degree ≥ k. */
function reference(degrees: number[]): Array<{ degree: number; fraction: number }> {
  const ks = [...new Set(degrees)].filter((k) => k >= 1).sort((a, b) => a - b);
  return ks.map((k) => ({ degree: k, fraction: degrees.filter((d) => d >= k).length / degrees.length }));
}

describe('degreeCcdf', () => {
  it('gives P(D ≥ k) at each distinct degree, leaving degree 0 out', () => {
    expect(degreeCcdf([0, 1, 1, 3, 10])).toEqual([{ degree: 1, fraction: 0.8 }, { degree: 3, fraction: 0.4 }, { degree: 10, fraction: 0.2 }]);
    expect(degreeCcdf([])).toEqual([]);
    expect(degreeCcdf([0, 0])).toEqual([]);
  });

  it('matches counting by hand on a heavy-tailed sample', () => {
    const degrees = Array.from({ length: 500 }, (_, i) => Math.floor(1000 / (i + 1)) % 97);
    expect(degreeCcdf(Int32Array.from(degrees))).toEqual(reference(degrees));
    expect(validateCcdfData({ series: [{ id: 'a', label: 'a', color: '#000', dashed: false, points: degreeCcdf(degrees) }] })).toEqual([]);
  });

  it('the chart refuses a rising CCDF or a zero degree', () => {
    const bad = [{ degree: 1, fraction: 0.5 }, { degree: 2, fraction: 0.9 }];
    expect(validateCcdfData({ series: [{ id: 'x', label: 'x', color: '#000', dashed: false, points: bad }] })[0]).toMatch(/never grows/);
    expect(validateCcdfData({ series: [{ id: 'y', label: 'y', color: '#000', dashed: false, points: [{ degree: 0, fraction: 1 }] }] })[0]).toMatch(/≥ 1/);
  });
});
