// Maps an adjacency matrix onto a canvas: where each cell lands under the zoom, and — when zoomed out
// so that one canvas pixel covers a block of cells — the links each pixel aggregates. Pure; tested in Node.

/** Where the matrix sits on the canvas, in device pixels. */
export interface MatrixViewport {
  /** Canvas size. */
  width: number;
  height: number;
  /** Canvas position of the matrix's top-left corner. */
  originX: number;
  originY: number;
  /** Width and height of one cell (square unless the matrix is far taller than wide). */
  cellX: number;
  cellY: number;
}

/** Pixel span [start, end) of cell index `i` along an axis, clipped to [0, size); empty when off-canvas. */
export function cellSpan(origin: number, cell: number, i: number, size: number): [number, number] {
  const start = Math.floor(origin + i * cell);
  let end = Math.floor(origin + (i + 1) * cell);
  if (end <= start) end = start + 1;
  const from = Math.min(size, Math.max(0, start));
  return [from, Math.max(from, Math.min(size, end))];
}

/** The matrix cell (slot, column) under canvas point (x, y), or null outside the matrix. */
export function cellAt(vp: MatrixViewport, slots: number, nOut: number, x: number, y: number): { slot: number; column: number } | null {
  const column = Math.floor((x - vp.originX) / vp.cellX);
  const slot = Math.floor((y - vp.originY) / vp.cellY);
  if (column < 0 || column >= nOut || slot < 0 || slot >= slots) return null;
  return { slot, column };
}

/** Per-pixel sums of the links a canvas pixel covers; reused between redraws (see clearBins). */
export interface LinkBins {
  width: number;
  height: number;
  count: Uint32Array;
  sumWeight: Float32Array;
  sumAbsWeight: Float32Array;
  /** Pixels with at least one link: the first `touchedCount` entries. */
  touched: Int32Array;
  touchedCount: number;
}

export function createBins(width: number, height: number): LinkBins {
  const n = width * height;
  return {
    width, height, count: new Uint32Array(n), sumWeight: new Float32Array(n), sumAbsWeight: new Float32Array(n),
    touched: new Int32Array(n), touchedCount: 0,
  };
}

/** Zeroes only the pixels the last binning touched (a full clear would cost as much as a redraw). */
export function clearBins(bins: LinkBins): void {
  for (let k = 0; k < bins.touchedCount; k++) {
    const p = bins.touched[k];
    bins.count[p] = 0;
    bins.sumWeight[p] = 0;
    bins.sumAbsWeight[p] = 0;
  }
  bins.touchedCount = 0;
}

/** Canvas pixel index of link `id` (input row via `slotOf`, output column), or -1 off-canvas. */
export function pixelOfLink(id: number, nOut: number, slotOf: Int32Array, vp: MatrixViewport): number {
  const column = id % nOut;
  const slot = slotOf[(id - column) / nOut];
  const x = Math.floor(vp.originX + column * vp.cellX);
  const y = Math.floor(vp.originY + slot * vp.cellY);
  if (x < 0 || y < 0 || x >= vp.width || y >= vp.height) return -1;
  return y * vp.width + x;
}

/**
 * Adds every link to the canvas pixel its cell starts in (meant for cells under a pixel, where each cell
 * lands in exactly one pixel). `weights[k]` belongs to `links[k]`. Clears the bins first.
 */
export function binLinks(
  bins: LinkBins, links: Int32Array, weights: ArrayLike<number>, nOut: number, slotOf: Int32Array, vp: MatrixViewport,
): LinkBins {
  if (bins.width !== vp.width || bins.height !== vp.height) {
    throw new RangeError(`src/views/topology/binning.ts: bins are ${bins.width}×${bins.height}, the canvas ${vp.width}×${vp.height}`);
  }
  clearBins(bins);
  const { count, sumWeight, sumAbsWeight, touched } = bins;
  let touchedCount = 0;
  for (let k = 0; k < links.length; k++) {
    const p = pixelOfLink(links[k], nOut, slotOf, vp);
    if (p < 0) continue;
    if (count[p] === 0) touched[touchedCount++] = p;
    count[p]++;
    const w = weights[k];
    sumWeight[p] += w;
    sumAbsWeight[p] += Math.abs(w);
  }
  bins.touchedCount = touchedCount;
  return bins;
}

/** Fraction of the cells of a pixel's block that hold a link (a block is 1/(cellX·cellY) cells; at most 1). */
export function blockDensity(count: number, cellX: number, cellY: number): number {
  return Math.min(1, count * cellX * cellY);
}
