import { describe, expect, it } from 'vitest';
import { centreOfMass, inkBoundingBox, inkFromRgba, preprocessDrawing, resampleArea } from '../../src/data/drawing';

function canvas(w: number, h: number, fill: (x: number, y: number) => number): Float32Array {
  const a = new Float32Array(w * h);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) a[y * w + x] = fill(x, y);
  return a;
}

function box28(p: Float32Array) {
  return inkBoundingBox(p, 28, 28, 0.01)!;
}

describe('inkBoundingBox', () => {
  it('finds the exact box of the ink and null for an empty canvas', () => {
    const img = canvas(50, 40, (x, y) => (x >= 10 && x < 20 && y >= 5 && y < 35 ? 1 : 0));
    expect(inkBoundingBox(img, 50, 40)).toEqual({ x0: 10, y0: 5, x1: 20, y1: 35 });
    expect(inkBoundingBox(new Float32Array(100), 10, 10)).toBeNull();
  });
});

describe('resampleArea', () => {
  it('preserves the mean intensity when downscaling', () => {
    const src = canvas(60, 60, (x, y) => ((x * 7 + y * 3) % 10) / 10);
    const out = resampleArea(src, 60, 60, 20, 20);
    const mean = (a: Float32Array) => a.reduce((s, v) => s + v, 0) / a.length;
    expect(mean(out)).toBeCloseTo(mean(src), 5);
  });
  it('averages a 2×2 block into one pixel', () => {
    const out = resampleArea(Float32Array.from([1, 0, 0, 1]), 2, 2, 1, 1);
    expect(out[0]).toBeCloseTo(0.5, 6);
  });
});

describe('preprocessDrawing', () => {
  it('scales a tall stroke so its longer side spans 20 pixels and keeps the aspect ratio', () => {
    // A 10×100 vertical bar on a 200×200 canvas → 2×20 after scaling.
    const img = canvas(200, 200, (x, y) => (x >= 50 && x < 60 && y >= 30 && y < 130 ? 1 : 0));
    const { pixels, hasInk } = preprocessDrawing(img, 200, 200);
    expect(hasInk).toBe(true);
    const b = box28(pixels);
    expect(b.y1 - b.y0).toBe(20);
    expect(b.x1 - b.x0).toBe(2);
  });

  it('puts the centre of mass at the centre of the 28×28 field, wherever the ink was drawn', () => {
    for (const [ox, oy] of [[5, 5], [140, 20], [60, 150]]) {
      const img = canvas(200, 200, (x, y) => {
        const dx = x - ox - 20;
        const dy = y - oy - 20;
        // An off-centre blob: a disc plus a tail to the right.
        return dx * dx + dy * dy < 400 || (dy >= 0 && dy < 4 && dx >= 0 && dx < 35) ? 1 : 0;
      });
      const { pixels } = preprocessDrawing(img, 200, 200);
      const com = centreOfMass(pixels, 28, 28)!;
      expect(Math.abs(com[0] - 14)).toBeLessThanOrEqual(0.5);
      expect(Math.abs(com[1] - 14)).toBeLessThanOrEqual(0.5);
    }
  });

  it('gives antialiased grey levels in [0, 1] with full ink at the stroke centre', () => {
    const img = canvas(280, 280, (x, y) => (Math.abs(x - y) < 12 && x > 40 && x < 240 ? 1 : 0));
    const { pixels } = preprocessDrawing(img, 280, 280);
    let grey = 0;
    let max = 0;
    for (const v of pixels) {
      expect(v).toBeGreaterThanOrEqual(0);
      expect(v).toBeLessThanOrEqual(1);
      if (v > 0.05 && v < 0.95) grey++;
      max = Math.max(max, v);
    }
    expect(max).toBeCloseTo(1, 5);
    expect(grey).toBeGreaterThan(5);
  });

  it('returns an all-zero image for an empty drawing', () => {
    const { pixels, hasInk } = preprocessDrawing(new Float32Array(64 * 64), 64, 64);
    expect(hasInk).toBe(false);
    expect(pixels.every((v) => v === 0)).toBe(true);
  });

  it('handles a single dot', () => {
    const img = canvas(100, 100, (x, y) => (x === 70 && y === 10 ? 1 : 0));
    const { pixels } = preprocessDrawing(img, 100, 100);
    expect(pixels.filter((v) => v > 0).length).toBeGreaterThan(0);
  });
});

describe('inkFromRgba', () => {
  it('reads dark ink on a white canvas and light ink on a dark one', () => {
    const rgba = Uint8ClampedArray.from([0, 0, 0, 255, 255, 255, 255, 255]);
    expect(Array.from(inkFromRgba(rgba, 2, 1, true))).toEqual([1, 0]);
    expect(Array.from(inkFromRgba(rgba, 2, 1, false))).toEqual([0, 1]);
  });
});
