// Link lists: exact counts at a density, sorted unique ids, degrees, diffs, id helpers.
import { describe, expect, it } from 'vitest';
import { createRng } from '../../src/engine/rng';
import {
  diffLinks, indexOfLink, inDegrees, initLinks, isValidLinkList, linkCount, linkFrom, linkTo, outDegrees, sampleIds,
} from '../../src/engine/topology';

function isStrictlyIncreasing(a: Int32Array): boolean {
  for (let k = 1; k < a.length; k++) if (a[k] <= a[k - 1]) return false;
  return true;
}

describe('initLinks', () => {
  it('draws exactly round(d·nIn·nOut) sorted, unique, in-range links', () => {
    for (const [nIn, nOut, d] of [[784, 1000, 0.01], [1000, 1000, 0.01], [784, 256, 0.013], [7, 5, 0.5], [10, 10, 1], [3, 3, 0.05]] as const) {
      const links = initLinks(nIn, nOut, d, createRng(nIn + nOut));
      expect(links.length).toBe(Math.round(d * nIn * nOut));
      expect(isStrictlyIncreasing(links)).toBe(true);
      expect(links[0] ?? 0).toBeGreaterThanOrEqual(0);
      expect(links[links.length - 1] ?? 0).toBeLessThan(nIn * nOut);
    }
  });

  it('is reproducible from the seed and differs across seeds', () => {
    const a = initLinks(784, 1000, 0.01, createRng(5));
    const b = initLinks(784, 1000, 0.01, createRng(5));
    const c = initLinks(784, 1000, 0.01, createRng(6));
    expect(a).toEqual(b);
    expect(a).not.toEqual(c);
  });

  it('spreads links uniformly over inputs and outputs', () => {
    // 100 000 links over 1000×1000: every output's in-degree ~ Binomial(1000, 0.1), mean 100, sd ≈ 9.5.
    const links = initLinks(1000, 1000, 0.1, createRng(1));
    const fanIn = inDegrees(links, 1000);
    const fanOut = outDegrees(links, 1000, 1000);
    for (const deg of [fanIn, fanOut]) {
      let sum = 0;
      let min = Infinity;
      let max = -Infinity;
      for (const v of deg) { sum += v; min = Math.min(min, v); max = Math.max(max, v); }
      expect(sum).toBe(100000);
      expect(min).toBeGreaterThan(55);
      expect(max).toBeLessThan(145);
    }
  });

  it('uses both sampling regimes (sparse: Floyd, dense: partial shuffle) without bias in the count', () => {
    expect(sampleIds(100, 90, createRng(1)).length).toBe(90);
    expect(sampleIds(100, 100, createRng(1))).toEqual(Int32Array.from({ length: 100 }, (_, i) => i));
    expect(sampleIds(100, 0, createRng(1)).length).toBe(0);
    expect(() => sampleIds(10, 11, createRng(1))).toThrow(/topology\.ts/);
  });
});

describe('degrees and id helpers', () => {
  it('linkFrom/linkTo invert i·nOut + j', () => {
    expect(linkFrom(3 * 17 + 5, 17)).toBe(3);
    expect(linkTo(3 * 17 + 5, 17)).toBe(5);
    expect(linkFrom(0, 4)).toBe(0);
    expect(linkTo(15, 4)).toBe(3);
  });

  it('counts in- and out-degrees from link ids', () => {
    // 3 inputs × 4 outputs: links 0→1, 0→3, 2→1, 2→2.
    const links = Int32Array.from([1, 3, 9, 10]);
    expect(Array.from(inDegrees(links, 4))).toEqual([0, 2, 1, 1]);
    expect(Array.from(outDegrees(links, 3, 4))).toEqual([2, 0, 2]);
  });

  it('finds links by binary search and validates lists', () => {
    const links = Int32Array.from([2, 5, 9, 40]);
    expect(indexOfLink(links, 9)).toBe(2);
    expect(indexOfLink(links, 10)).toBe(-1);
    expect(isValidLinkList(links, 41)).toBe(true);
    expect(isValidLinkList(links, 40)).toBe(false);
    expect(isValidLinkList(Int32Array.from([1, 1]), 5)).toBe(false);
    expect(isValidLinkList(Int32Array.from([3, 2]), 5)).toBe(false);
    expect(linkCount(784, 1000, 0.01)).toBe(7840);
  });
});

describe('diffLinks', () => {
  it('matches a set-based diff', () => {
    const rng = createRng(9);
    for (let trial = 0; trial < 20; trial++) {
      const before = sampleIds(500, rng.int(200), rng);
      const after = sampleIds(500, rng.int(200), rng);
      const d = diffLinks(before, after);
      const inBefore = new Set(before);
      const inAfter = new Set(after);
      expect(Array.from(d.removed)).toEqual(Array.from(before).filter((id) => !inAfter.has(id)));
      expect(Array.from(d.added)).toEqual(Array.from(after).filter((id) => !inBefore.has(id)));
      expect(d.kept).toBe(Array.from(before).filter((id) => inAfter.has(id)).length);
    }
  });
});
