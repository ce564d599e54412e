// Draws one adjacency matrix into a Uint32 pixel buffer (an ImageData's): background, separators, links
// coloured by weight or by link density, and the rewiring animation (removed links flash and fade,
// grown links flash and settle, kept links move from their old weight's colour). Pure; tested in Node.
import { easeCubicInOut } from 'd3';
import { binLinks, blockDensity, cellSpan, pixelOfLink, type LinkBins, type MatrixViewport } from './binning';
import { blendPacked, type ColorTable } from './colors';

export type ColorMode = 'weight' | 'density';

export interface RasterPalette {
  background: number;
  separator: number;
  removed: number;
  grown: number;
  weights: ColorTable;
  /** Density ramp from 0 to the scale's top (see densityColorTable). */
  density: Uint32Array;
}

export interface RasterStyle {
  palette: RasterPalette;
  mode: ColorMode;
  /** Link density at which the density ramp saturates. */
  densityTop: number;
  /** Side of a density block, device pixels. */
  densityBlockPx: number;
  /** Cells at least this wide (device pixels) get a 1-pixel gap. */
  cellGapMinPx: number;
  /** Side of a flash dot, device pixels, used while cells are smaller than that. */
  flashDotPx: number;
}

export interface RasterMatrix {
  nOut: number;
  slots: number;
  slotOf: Int32Array;
  separators: Int32Array;
  links: Int32Array;
  weights: Float32Array;
}

/** The diff being animated towards the matrix drawn. */
export interface RasterAnimation {
  /** Progress in [0, 1]. */
  t: number;
  /** Flash colours hold until this progress, then fade/settle. */
  hold: number;
  /** Weight of each current link in the previous frame; NaN marks a grown link. */
  previousWeights: Float32Array;
  removed: Int32Array;
}

/** Scratch sums reused between redraws: one per canvas pixel, one per density block. */
export interface RasterScratch {
  pixels: LinkBins;
  blocks: LinkBins;
}

/** How far a flash has faded at progress t: 0 while held, 1 at the end (eased). */
export function flashFade(t: number, hold: number): number {
  if (t <= hold) return 0;
  if (t >= 1) return 1;
  return easeCubicInOut((t - hold) / (1 - hold));
}

function fillRect(buf: Uint32Array, width: number, x0: number, x1: number, y0: number, y1: number, color: number): void {
  if (x1 - x0 > 32) {
    for (let y = y0; y < y1; y++) buf.fill(color, y * width + x0, y * width + x1);
    return;
  }
  // Small rects (cells, density blocks) are thousands per frame: a plain loop beats fill()'s call cost.
  for (let y = y0; y < y1; y++) {
    const row = y * width;
    for (let x = x0; x < x1; x++) buf[row + x] = color;
  }
}

/** The matrix's area on the canvas, clipped: [x0, x1) × [y0, y1). */
function matrixRect(vp: MatrixViewport, m: RasterMatrix): [number, number, number, number] {
  return [
    Math.max(0, Math.floor(vp.originX)), Math.min(vp.width, Math.ceil(vp.originX + m.nOut * vp.cellX)),
    Math.max(0, Math.floor(vp.originY)), Math.min(vp.height, Math.ceil(vp.originY + m.slots * vp.cellY)),
  ];
}

/** Background of the matrix area and its separator rows; everything outside stays transparent. */
function drawBackground(buf: Uint32Array, vp: MatrixViewport, m: RasterMatrix, palette: RasterPalette): void {
  buf.fill(0);
  const [x0, x1, y0, y1] = matrixRect(vp, m);
  if (x1 <= x0 || y1 <= y0) return;
  fillRect(buf, vp.width, x0, x1, y0, y1, palette.background);
  for (const s of m.separators) {
    const [sy0, sy1] = cellSpan(vp.originY, vp.cellY, s, vp.height);
    if (sy1 > sy0) fillRect(buf, vp.width, x0, x1, sy0, sy1, palette.separator);
  }
}

function drawCell(buf: Uint32Array, vp: MatrixViewport, m: RasterMatrix, id: number, color: number, gap: number): void {
  const column = id % m.nOut;
  const slot = m.slotOf[(id - column) / m.nOut];
  const [x0, x1] = cellSpan(vp.originX, vp.cellX, column, vp.width);
  if (x1 <= x0) return;
  const [y0, y1] = cellSpan(vp.originY, vp.cellY, slot, vp.height);
  if (y1 <= y0) return;
  fillRect(buf, vp.width, x0, Math.max(x0 + 1, x1 - gap), y0, Math.max(y0 + 1, y1 - gap), color);
}

/** Weights as shown at this moment: kept links part-way from their old weight; grown ones at their new. */
function shownWeights(m: RasterMatrix, anim: RasterAnimation | null, move: number): Float32Array {
  if (!anim || move >= 1) return m.weights;
  const w = new Float32Array(m.weights.length);
  for (let k = 0; k < w.length; k++) {
    const before = anim.previousWeights[k];
    w[k] = Number.isNaN(before) ? m.weights[k] : before + (m.weights[k] - before) * move;
  }
  return w;
}

/**
 * Redraws `buf` (vp.width × vp.height) from scratch. Weight colouring: zoomed out (cells under a pixel)
 * each pixel shows the mean weight of the links it covers, zoomed in each link is a cell. Density
 * colouring: each block of `densityBlockPx` shows the share of its cells that hold a link.
 */
export function drawMatrix(
  buf: Uint32Array, vp: MatrixViewport, m: RasterMatrix, style: RasterStyle, scratch: RasterScratch,
  anim: RasterAnimation | null = null,
): void {
  if (buf.length !== vp.width * vp.height) throw new RangeError(`src/views/topology/raster.ts: buffer of ${buf.length} pixels for a ${vp.width}×${vp.height} canvas`);
  const { palette } = style;
  drawBackground(buf, vp, m, palette);
  const fade = anim ? flashFade(anim.t, anim.hold) : 1;
  const move = anim ? easeCubicInOut(Math.min(1, Math.max(0, anim.t))) : 1;
  const weights = shownWeights(m, anim, move);
  const smallest = Math.min(vp.cellX, vp.cellY);
  const gap = smallest >= style.cellGapMinPx ? 1 : 0;
  const top = palette.density[palette.density.length - 1];
  if (style.mode === 'density' && smallest < style.densityBlockPx) drawDensityBlocks(buf, vp, m, style, scratch.blocks);
  else if (smallest < 1) drawMeanWeights(buf, vp, m, palette, weights, scratch.pixels);
  else for (let k = 0; k < m.links.length; k++) drawCell(buf, vp, m, m.links[k], style.mode === 'density' ? top : palette.weights.color(weights[k]), gap);
  if (!anim || fade >= 1) return;

  // Grown links flash over their new colour, removed ones over whatever is now in their place.
  const dot = smallest < style.flashDotPx ? Math.max(1, Math.round(style.flashDotPx)) : 0;
  for (let k = 0; k < m.links.length; k++) {
    if (Number.isNaN(anim.previousWeights[k])) flash(buf, vp, m, m.links[k], palette.grown, fade, dot, gap);
  }
  for (let k = 0; k < anim.removed.length; k++) flash(buf, vp, m, anim.removed[k], palette.removed, fade, dot, gap);
}

/** Blends `color` (weight 1 − fade) over the link's cell, or over a dot of `dot` pixels when cells are tiny. */
function flash(buf: Uint32Array, vp: MatrixViewport, m: RasterMatrix, id: number, color: number, fade: number, dot: number, gap: number): void {
  if (dot === 0) {
    const column = id % m.nOut;
    const slot = m.slotOf[(id - column) / m.nOut];
    const [x0, x1] = cellSpan(vp.originX, vp.cellX, column, vp.width);
    const [y0, y1] = cellSpan(vp.originY, vp.cellY, slot, vp.height);
    if (x1 <= x0 || y1 <= y0) return;
    const xe = Math.max(x0 + 1, x1 - gap);
    const ye = Math.max(y0 + 1, y1 - gap);
    for (let y = y0; y < ye; y++) for (let x = x0; x < xe; x++) buf[y * vp.width + x] = blendPacked(color, buf[y * vp.width + x], fade);
    return;
  }
  const p = pixelOfLink(id, m.nOut, m.slotOf, vp);
  if (p < 0) return;
  const px = p % vp.width;
  const py = (p - px) / vp.width;
  const x0 = Math.max(0, px - ((dot - 1) >> 1));
  const y0 = Math.max(0, py - ((dot - 1) >> 1));
  const x1 = Math.min(vp.width, x0 + dot);
  const y1 = Math.min(vp.height, y0 + dot);
  for (let y = y0; y < y1; y++) for (let x = x0; x < x1; x++) buf[y * vp.width + x] = blendPacked(color, buf[y * vp.width + x], fade);
}

function drawMeanWeights(buf: Uint32Array, vp: MatrixViewport, m: RasterMatrix, palette: RasterPalette, weights: Float32Array, bins: LinkBins): void {
  binLinks(bins, m.links, weights, m.nOut, m.slotOf, vp);
  const { count, sumWeight, touched, touchedCount } = bins;
  // Along an axis whose cells are wider than a pixel, a bin still spans its cell's pixels.
  const w = Math.max(1, Math.floor(vp.cellX));
  const h = Math.max(1, Math.floor(vp.cellY));
  for (let k = 0; k < touchedCount; k++) {
    const p = touched[k];
    const color = palette.weights.color(sumWeight[p] / count[p]);
    if (w === 1 && h === 1) {
      buf[p] = color;
      continue;
    }
    const x = p % vp.width;
    const y = (p - x) / vp.width;
    fillRect(buf, vp.width, x, Math.min(vp.width, x + w), y, Math.min(vp.height, y + h), color);
  }
}

/** The grid of density blocks over a canvas: block (bx, by) covers pixels [bx·B, bx·B + B). */
export function blockViewport(vp: MatrixViewport, block: number): MatrixViewport {
  return {
    width: Math.ceil(vp.width / block), height: Math.ceil(vp.height / block),
    originX: vp.originX / block, originY: vp.originY / block, cellX: vp.cellX / block, cellY: vp.cellY / block,
  };
}

function drawDensityBlocks(buf: Uint32Array, vp: MatrixViewport, m: RasterMatrix, style: RasterStyle, bins: LinkBins): void {
  const block = Math.max(1, Math.round(style.densityBlockPx));
  const coarse = blockViewport(vp, block);
  binLinks(bins, m.links, m.weights, m.nOut, m.slotOf, coarse);
  const ramp = style.palette.density;
  const levels = ramp.length - 1;
  const [mx0, mx1, my0, my1] = matrixRect(vp, m);
  const { count, touched, touchedCount } = bins;
  for (let k = 0; k < touchedCount; k++) {
    const p = touched[k];
    const bx = p % coarse.width;
    const by = (p - bx) / coarse.width;
    const share = blockDensity(count[p], coarse.cellX, coarse.cellY) / style.densityTop;
    const color = ramp[Math.round(Math.min(1, share) * levels)];
    fillRect(buf, vp.width, Math.max(mx0, bx * block), Math.min(mx1, bx * block + block), Math.max(my0, by * block), Math.min(my1, by * block + block), color);
  }
}
