import { describe, expect, it } from 'vitest';
import { gini, histogram, inDegreeOf, outDegreeOf, pixelDegreeSummary } from '../../src/engine/stats';

describe('gini', () => {
  it('is 0 for equal values and for all zeros', () => {
    expect(gini([3, 3, 3, 3])).toBeCloseTo(0, 12);
    expect(gini([0, 0, 0])).toBe(0);
  });
  it('is (n−1)/n when one value holds everything', () => {
    expect(gini([0, 0, 0, 10])).toBeCloseTo(3 / 4, 12);
  });
  it('matches the mean-absolute-difference definition on an uneven example', () => {
    const xs = [1, 2, 3, 10];
    let mad = 0;
    for (const a of xs) for (const b of xs) mad += Math.abs(a - b);
    const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
    expect(gini(xs)).toBeCloseTo(mad / (2 * xs.length * xs.length * mean), 12);
  });
  it('rejects negative values', () => {
    expect(() => gini([1, -1])).toThrow(RangeError);
  });
});

describe('degrees', () => {
  // 3×4 layer: links (0,1) (0,3) (2,1) → ids 1, 3, 9
  const links = Int32Array.from([1, 3, 9]);
  it('counts out-degrees per input and in-degrees per output', () => {
    expect(Array.from(outDegreeOf(links, 3, 4))).toEqual([2, 0, 1]);
    expect(Array.from(inDegreeOf(links, 4))).toEqual([0, 2, 0, 1]);
  });
});

describe('pixelDegreeSummary', () => {
  it('counts isolated pixels and concentration on a hand-made topology', () => {
    const nOut = 5;
    // Only pixels 0 and 100 have links: pixel 0 has all 5, pixel 100 has 1.
    const ids = [0, 1, 2, 3, 4, 100 * nOut + 2];
    const s = pixelDegreeSummary(Int32Array.from(ids), nOut);
    expect(s.isolatedPixels).toBe(782);
    expect(s.maxDegree).toBe(5);
    expect(s.degrees[0]).toBe(5);
    expect(s.degrees[100]).toBe(1);
    expect(s.gini).toBeGreaterThan(0.99);
  });
  it('gives a low Gini for a uniform topology', () => {
    const nOut = 3;
    const ids: number[] = [];
    for (let p = 0; p < 784; p++) ids.push(p * nOut + (p % nOut));
    const s = pixelDegreeSummary(Int32Array.from(ids), nOut);
    expect(s.isolatedPixels).toBe(0);
    expect(s.gini).toBeCloseTo(0, 12);
  });
});

describe('histogram', () => {
  it('bins values into equal-width bins including the top edge', () => {
    const h = histogram([0, 1, 2, 3, 4], 2, [0, 4]);
    expect(h.edges).toEqual([0, 2, 4]);
    expect(h.counts).toEqual([2, 3]);
  });
  it('ignores non-finite values and handles a constant input', () => {
    const h = histogram([5, 5, Number.NaN, Infinity], 3);
    expect(h.counts.reduce((a, b) => a + b, 0)).toBe(2);
  });
});
