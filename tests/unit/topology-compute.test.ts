// What the adjacency views compute before anything is drawn: row orders, where cells land on the canvas,
// binning a matrix into fewer pixels, colour tables and blends, and the pixels the raster writes.
import { describe, expect, it } from 'vitest';
import { cellAt, cellSpan, binLinks, blockDensity, createBins, type MatrixViewport } from '../../src/views/topology/binning';
import { absQuantile, blendPacked, densityTop, niceWeightMax, packCss, packRgba, unpackRgba, weightColorTable } from '../../src/views/topology/colors';
import { blockViewport, drawMatrix, flashFade, type RasterMatrix, type RasterStyle } from '../../src/views/topology/raster';
import { degreeLayout, naturalLayout, pixelGridLayout, rowLayout } from '../../src/views/topology/rowOrder';
import { densityColorTable } from '../../src/views/topology/colors';

describe('row orders', () => {
  it('natural: neuron i in row i', () => {
    const l = naturalLayout(5);
    expect(Array.from(l.neuronAt)).toEqual([0, 1, 2, 3, 4]);
    expect(Array.from(l.slotOf)).toEqual([0, 1, 2, 3, 4]);
    expect(l.slots).toBe(5);
  });

  it('by degree: largest first, ties in natural order, and slotOf inverts neuronAt', () => {
    const l = degreeLayout([2, 5, 2, 0, 5, 1]);
    expect(Array.from(l.neuronAt)).toEqual([1, 4, 0, 2, 5, 3]);
    for (let s = 0; s < l.slots; s++) expect(l.slotOf[l.neuronAt[s]]).toBe(s);
  });

  it('pixel grid: image rows as blocks of 28 with a separator between consecutive rows', () => {
    const l = pixelGridLayout();
    expect(l.slots).toBe(784 + 27);
    expect(l.groups).toHaveLength(28);
    expect(l.separators).toHaveLength(27);
    expect(l.slotOf[0]).toBe(0);
    expect(l.slotOf[27]).toBe(27);
    expect(l.neuronAt[28]).toBe(-1);
    expect(l.separators[0]).toBe(28);
    expect(l.slotOf[28]).toBe(29); // pixel (1, 0)
    expect(l.slotOf[14 * 28 + 3]).toBe(14 * 29 + 3);
    expect(l.groups[14]).toEqual({ start: 14 * 29, end: 14 * 29 + 28, label: '14' });
    const seen = new Set<number>();
    for (const n of l.neuronAt) if (n >= 0) seen.add(n);
    expect(seen.size).toBe(784);
  });

  it('falls back to natural order when the pixel grid does not apply', () => {
    expect(rowLayout('pixel-grid', 1000, () => []).name).toBe('natural');
    expect(rowLayout('pixel-grid', 784, () => []).name).toBe('pixel-grid');
    expect(Array.from(rowLayout('degree', 3, () => [0, 0, 9]).neuronAt)).toEqual([2, 0, 1]);
  });
});

describe('cells on the canvas and binning', () => {
  const vp = (cell: number, width = 8, height = 8, originX = 0, originY = 0): MatrixViewport => ({ width, height, originX, originY, cellX: cell, cellY: cell });

  it('spans at least one pixel per cell and clips to the canvas', () => {
    expect(cellSpan(0, 3, 2, 100)).toEqual([6, 9]);
    expect(cellSpan(0, 0.25, 5, 100)).toEqual([1, 2]);
    expect(cellSpan(-10, 4, 1, 100)).toEqual([0, 0]);
    expect(cellSpan(90, 4, 3, 100)).toEqual([100, 100]);
  });

  it('finds the cell under a point, or nothing outside the matrix', () => {
    const v = vp(4, 40, 40, 2, 2);
    expect(cellAt(v, 5, 6, 2, 2)).toEqual({ slot: 0, column: 0 });
    expect(cellAt(v, 5, 6, 13.9, 6.5)).toEqual({ slot: 1, column: 2 });
    expect(cellAt(v, 5, 6, 1, 5)).toBeNull();
    expect(cellAt(v, 5, 6, 10, 22.5)).toBeNull();
  });

  it('adds each link to the pixel its cell falls in: a 4×4 matrix into 2×2 pixels', () => {
    // Links (i, j) of a 4×4 matrix: (0,0) (0,1) (1,1) in the top-left block, (3,3) bottom-right.
    const links = Int32Array.from([0, 1, 5, 15]);
    const weights = Float32Array.from([0.2, -0.4, 0.5, 1]);
    const v = vp(0.5, 2, 2);
    const bins = binLinks(createBins(2, 2), links, weights, 4, naturalLayout(4).slotOf, v);
    expect(Array.from(bins.count)).toEqual([3, 0, 0, 1]);
    expect(bins.sumWeight[0]).toBeCloseTo(0.3);
    expect(bins.sumAbsWeight[0]).toBeCloseTo(1.1);
    expect(bins.touchedCount).toBe(2);
    expect(blockDensity(bins.count[0], v.cellX, v.cellY)).toBeCloseTo(0.75);
    // Binning again clears the previous sums.
    binLinks(bins, Int32Array.from([10]), Float32Array.from([2]), 4, naturalLayout(4).slotOf, v);
    expect(Array.from(bins.count)).toEqual([0, 0, 0, 1]);
    expect(bins.sumWeight[3]).toBeCloseTo(2);
  });

  it('bins under a row order and a pan; links off the canvas are skipped', () => {
    const order = degreeLayout([0, 0, 0, 3]); // neuron 3 goes to row 0
    const bins = binLinks(createBins(2, 2), Int32Array.from([12, 13, 14, 15]), new Float32Array(4).fill(1), 4, order.slotOf, vp(0.5, 2, 2));
    expect(Array.from(bins.count)).toEqual([2, 2, 0, 0]);
    const panned = binLinks(createBins(2, 2), Int32Array.from([0, 15]), new Float32Array(2), 4, naturalLayout(4).slotOf, vp(1, 2, 2, -2, -2));
    expect(Array.from(panned.count)).toEqual([0, 0, 0, 1]); // link 0 is off-canvas, link 15 = (3, 3) lands at (1, 1)
    expect(() => binLinks(createBins(3, 2), Int32Array.from([0]), new Float32Array(1), 4, naturalLayout(4).slotOf, vp(1, 2, 2))).toThrow(/bins are 3×2/);
  });

  it('lays density blocks over the canvas', () => {
    expect(blockViewport(vp(0.5, 10, 7, 2, 4), 4)).toEqual({ width: 3, height: 2, originX: 0.5, originY: 1, cellX: 0.125, cellY: 0.125 });
  });
});

describe('colours', () => {
  it('packs RGBA the way ImageData stores it and unpacks it again', () => {
    const p = packRgba(10, 20, 30, 255);
    const bytes = new Uint8Array(new Uint32Array([p]).buffer);
    expect(Array.from(bytes)).toEqual([10, 20, 30, 255]);
    expect(unpackRgba(p)).toEqual([10, 20, 30, 255]);
    expect(unpackRgba(packCss('#ff8a1e'))).toEqual([255, 138, 30, 255]);
    expect(() => packCss('not a colour')).toThrow(/cannot parse colour/);
  });

  it('blends two pixels channel by channel', () => {
    const a = packRgba(0, 100, 200);
    const b = packRgba(200, 0, 100);
    expect(blendPacked(a, b, 0)).toBe(a);
    expect(blendPacked(a, b, 1)).toBe(b);
    expect(unpackRgba(blendPacked(a, b, 0.5))).toEqual([100, 50, 150, 255]);
    expect(unpackRgba(blendPacked(packRgba(255, 255, 255), packRgba(0, 0, 0), 0.25))).toEqual([191, 191, 191, 255]);
  });

  it('maps weights through a diverging table: red below 0, neutral at 0, blue above, clamped', () => {
    const t = weightColorTable(0.5);
    const [r0, g0, b0] = unpackRgba(t.color(0));
    expect(Math.abs(r0 - b0)).toBeLessThan(12);
    expect(g0).toBeGreaterThan(200);
    const [rn, , bn] = unpackRgba(t.color(-0.5));
    const [rp, , bp] = unpackRgba(t.color(0.5));
    expect(rn).toBeGreaterThan(bn + 60);
    expect(bp).toBeGreaterThan(rp + 60);
    expect(t.color(-7)).toBe(t.color(-0.5));
    expect(t.index(0)).toBe((t.colors.length - 1) / 2);
    expect(() => weightColorTable(0)).toThrow(/not a positive number/);
  });

  it('chooses a weight range from a high quantile of |w|, rounded up to two digits', () => {
    const w = Float32Array.from({ length: 101 }, (_, i) => (i % 2 ? -1 : 1) * i * 0.01);
    expect(absQuantile(w, 0.99)).toBeCloseTo(0.99);
    expect(niceWeightMax([0.0123, 0.2141])).toBeCloseTo(0.22);
    expect(niceWeightMax([])).toBe(1);
    expect(densityTop(100, 100, 100)).toBeCloseTo(0.04);
    expect(densityTop(10_000, 10, 10)).toBe(1);
  });
});

describe('raster', () => {
  const bg = packRgba(0, 0, 0);
  const style = (mode: RasterStyle['mode'] = 'weight'): RasterStyle => ({
    palette: { background: bg, separator: packRgba(40, 40, 40), removed: packRgba(255, 128, 0), grown: packRgba(0, 255, 0), weights: weightColorTable(1), density: densityColorTable() },
    mode, densityTop: 0.5, densityBlockPx: 2, cellGapMinPx: Infinity, flashDotPx: 1,
  });
  const matrix = (links: number[], weights: number[]): RasterMatrix => ({
    nOut: 4, slots: 3, slotOf: naturalLayout(3).slotOf, separators: new Int32Array(0), links: Int32Array.from(links), weights: Float32Array.from(weights),
  });
  const scratch = (w: number, h: number) => ({ pixels: createBins(w, h), blocks: createBins(Math.ceil(w / 2), Math.ceil(h / 2)) });

  it('draws each link as its cell in its weight colour over the background; outside stays transparent', () => {
    const v: MatrixViewport = { width: 10, height: 7, originX: 1, originY: 0, cellX: 2, cellY: 2 };
    const buf = new Uint32Array(70);
    drawMatrix(buf, v, matrix([1, 6], [0.8, -0.8]), style(), scratch(10, 7));
    const table = weightColorTable(1);
    expect(buf[0 * 10 + 0]).toBe(0);
    expect(buf[0 * 10 + 1]).toBe(bg);
    expect(buf[0 * 10 + 3]).toBe(table.color(0.8));
    expect(buf[1 * 10 + 4]).toBe(table.color(0.8));
    expect(buf[3 * 10 + 5]).toBe(table.color(-0.8)); // link 6 = (1, 2): rows 2–3, columns 5–6
    expect(buf[6 * 10 + 3]).toBe(0); // below the 3 rows of the matrix
    expect(buf[5 * 10 + 8]).toBe(bg);
  });

  it('zoomed out, each pixel shows the mean weight of the links it covers', () => {
    const v: MatrixViewport = { width: 2, height: 2, originX: 0, originY: 0, cellX: 0.5, cellY: 0.5 };
    const m = { ...matrix([0, 1, 5], [0.6, 0.2, -1]), slots: 4, slotOf: naturalLayout(4).slotOf };
    const buf = new Uint32Array(4);
    drawMatrix(buf, v, m, style(), scratch(2, 2));
    expect(buf[0]).toBe(weightColorTable(1).color((0.6 + 0.2 - 1) / 3));
    expect(buf[1]).toBe(bg);
  });

  it('a tall, narrow matrix gets wide cells: rows are binned, each bin spans its cell’s width', () => {
    // 8 rows × 2 columns into a 6×4 canvas: cells 3 px wide and ½ px tall, so two rows share a pixel row.
    const v: MatrixViewport = { width: 6, height: 4, originX: 0, originY: 0, cellX: 3, cellY: 0.5 };
    const m: RasterMatrix = { nOut: 2, slots: 8, slotOf: naturalLayout(8).slotOf, separators: new Int32Array(0), links: Int32Array.from([0, 2, 7]), weights: Float32Array.from([0.4, -0.2, 1]) };
    const buf = new Uint32Array(24);
    drawMatrix(buf, v, m, style(), scratch(6, 4));
    const table = weightColorTable(1);
    // Links 0 = (0, 0) and 2 = (1, 0) share pixel row 0 of column 0 (x 0–2); link 7 = (3, 1) is row 1, x 3–5.
    expect([buf[0], buf[1], buf[2]]).toEqual(new Array(3).fill(table.color(0.1)));
    expect([buf[6 + 3], buf[6 + 4], buf[6 + 5]]).toEqual(new Array(3).fill(table.color(1)));
    expect(buf[3]).toBe(bg);
    expect(buf[6]).toBe(bg);
  });

  it('density colouring: blocks show the share of their cells that hold a link', () => {
    const v: MatrixViewport = { width: 4, height: 4, originX: 0, originY: 0, cellX: 1, cellY: 1 };
    const m = { ...matrix([0, 1, 4], [1, 1, 1]), slots: 4, slotOf: naturalLayout(4).slotOf };
    const buf = new Uint32Array(16);
    drawMatrix(buf, v, m, style('density'), scratch(4, 4));
    const ramp = densityColorTable();
    // Block (0,0) covers 4 cells with 3 links: 0.75 ≥ the top 0.5, so the ramp's end.
    expect(buf[0]).toBe(ramp[ramp.length - 1]);
    expect(buf[5]).toBe(ramp[ramp.length - 1]);
    expect(buf[2]).toBe(bg);
  });

  it('animates a diff: flashes hold, then removed links fade to the background and grown ones settle', () => {
    const v: MatrixViewport = { width: 8, height: 6, originX: 0, originY: 0, cellX: 2, cellY: 2 };
    const m = matrix([0, 5], [0.5, 0]);
    const prev = Float32Array.from([-0.5, NaN]); // link 0 kept (weight −0.5 → 0.5), link 5 grown
    const anim = (t: number) => ({ t, hold: 0.25, previousWeights: prev, removed: Int32Array.from([3]) });
    const s = style();
    const buf = new Uint32Array(48);
    drawMatrix(buf, v, m, s, scratch(8, 6), anim(0.1));
    expect(buf[2 * 8 + 2]).toBe(s.palette.grown); // link 5 = (1, 1)
    expect(buf[0 * 8 + 6]).toBe(s.palette.removed); // link 3 = (0, 3)
    expect(buf[0]).toBe(s.palette.weights.color(-0.5 + easeAt(0.1)));
    drawMatrix(buf, v, m, s, scratch(8, 6), anim(1));
    expect(buf[2 * 8 + 2]).toBe(s.palette.weights.color(0));
    expect(buf[0 * 8 + 6]).toBe(bg);
    expect(buf[0]).toBe(s.palette.weights.color(0.5));
    expect(flashFade(0.2, 0.25)).toBe(0);
    expect(flashFade(0.6, 0.25)).toBeGreaterThan(0);
    expect(flashFade(1, 0.25)).toBe(1);
  });

  it('refuses a buffer of the wrong size', () => {
    expect(() => drawMatrix(new Uint32Array(3), { width: 2, height: 2, originX: 0, originY: 0, cellX: 1, cellY: 1 }, matrix([], []), style(), scratch(2, 2))).toThrow(/buffer of 3 pixels/);
  });
});

/** d3.easeCubicInOut, written out so the test does not reuse the code under test. */
function easeAt(t: number): number {
  const u = t * 2;
  const v = u - 2;
  return (u <= 1 ? u * u * u : v * v * v + 2) / 2;
}
