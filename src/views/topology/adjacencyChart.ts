// One adjacency matrix view: a <canvas> drawn through ImageData (raster.ts) on requestAnimationFrame,
// d3-zoom for zoom and pan down to single links, the SVG overlay for axes and the tooltip, and the
// rewiring animation between two frames. update(data) validates its input; destroy() releases it all.
import * as d3 from 'd3';
import { indexOfLink } from '../../engine/topology';
import type { LayerFrame } from '../../state/topology';
import { createBins, type MatrixViewport } from './binning';
import { densityColorTable, densityTop, packCss, weightColorTable, type ColorTable } from './colors';
import {
  ADJACENCY_MAX_HEIGHT, ADJACENCY_MIN_WIDTH, CELL_GAP_MIN_PX, DENSITY_BLOCK_PX, FLASH_DOT_PX, FLASH_GROWN, FLASH_HOLD_FRACTION, FLASH_REMOVED, MATRIX_BACKGROUND,
  MATRIX_SEPARATOR, MAX_CELL_PX, MAX_DEVICE_PIXEL_RATIO,
} from './config';
import { alignPreviousWeights } from './history';
import { createAdjacencyOverlay, inputName, type OverlayGeometry } from './adjacencyOverlay';
import { blockViewport, drawMatrix, type ColorMode, type RasterAnimation, type RasterPalette, type RasterScratch } from './raster';
import type { RowLayout } from './rowOrder';

export interface AdjacencyData {
  frame: LayerFrame;
  /** The frame before (same layer); with `animate`, the diff between them is played. */
  previous: LayerFrame | null;
  animate: boolean;
  layout: RowLayout;
  layerIndex: number;
  epoch: number;
  /** |w| that saturates the colour scale. */
  weightMax: number;
  colorBy: ColorMode;
  animationMs: number;
}

export interface AdjacencyChart {
  update(data: AdjacencyData): void;
  /** Sets the CSS width the plot may use; the height follows the matrix's aspect, up to a maximum. */
  resize(availableWidth: number, margin: { top: number; left: number; right: number; bottom: number }): void;
  zoomBy(factor: number): void;
  resetZoom(): void;
  /** Applies a zoom transform (to link two views); no-op when it is already current. */
  setTransform(t: d3.ZoomTransform): void;
  destroy(): void;
}

export interface AdjacencyChartOptions {
  onZoom?(t: d3.ZoomTransform): void;
  onSizeChange?(size: { width: number; height: number }): void;
}

/** Problems with the data, in words (empty when it can be drawn). */
export function validateAdjacencyData(d: AdjacencyData): string[] {
  const problems: string[] = [];
  const { frame, layout } = d;
  if (frame.links.length !== frame.weights.length) problems.push(`${frame.links.length} links but ${frame.weights.length} weights`);
  if (layout.slotOf.length !== frame.nIn) problems.push(`the row order covers ${layout.slotOf.length} inputs, the layer has ${frame.nIn}`);
  if (d.previous && (d.previous.nIn !== frame.nIn || d.previous.nOut !== frame.nOut)) problems.push('the previous frame has another shape');
  if (!(d.weightMax > 0)) problems.push(`weight range ${d.weightMax} is not positive`);
  if (!(d.animationMs >= 0)) problems.push(`animation time ${d.animationMs} ms is negative`);
  return problems;
}

export function createAdjacencyChart(canvas: HTMLCanvasElement, svgElement: SVGSVGElement, options: AdjacencyChartOptions = {}): AdjacencyChart {
  const ctx = canvas.getContext('2d');
  if (!ctx) throw new Error('src/views/topology/adjacencyChart.ts: this browser gives no 2D canvas context');
  const overlay = createAdjacencyOverlay(svgElement, {
    rows: () => (data?.layout.name === 'degree' ? 'inputs, by degree' : data?.layout.name === 'pixel-grid' ? 'input pixel row' : 'input neuron'),
    columns: 'output neuron',
  });
  const palette: Omit<RasterPalette, 'weights'> = {
    background: packCss(MATRIX_BACKGROUND), separator: packCss(MATRIX_SEPARATOR),
    removed: packCss(FLASH_REMOVED), grown: packCss(FLASH_GROWN), density: densityColorTable(),
  };
  let table: ColorTable | null = null;
  let data: AdjacencyData | null = null;
  let animation: { start: number; previousWeights: Float32Array; removed: Int32Array } | null = null;
  let availableWidth = 0;
  let plotWidth = 0;
  let plotHeight = 0;
  let margin = { top: 0, left: 0, right: 0, bottom: 0 };
  let dpr = 1;
  let image: ImageData | null = null;
  let pixels: Uint32Array | null = null;
  let scratch: RasterScratch | null = null;
  let transform = d3.zoomIdentity;
  let frameRequest = 0;
  let pointer: [number, number] | null = null;
  let redraws = 0;

  // Cells at zoom 1 (CSS pixels): square, unless a tall, narrow matrix would then be too thin to see.
  const cellX = () => (data ? plotWidth / data.frame.nOut : 1);
  const cellY = () => (data ? plotHeight / data.layout.slots : 1);
  const zoom = d3.zoom<HTMLCanvasElement, unknown>()
    .on('zoom', (event: d3.D3ZoomEvent<HTMLCanvasElement, unknown>) => {
      transform = event.transform;
      options.onZoom?.(transform);
      requestDraw();
    });
  const selection = d3.select(canvas).call(zoom).on('dblclick.zoom', null);

  function configureZoom(): void {
    if (!data || plotWidth <= 0) return;
    const maxScale = Math.max(1, MAX_CELL_PX / Math.min(cellX(), cellY()));
    zoom.scaleExtent([1, maxScale])
      .extent([[0, 0], [plotWidth, plotHeight]])
      .translateExtent([[0, 0], [plotWidth, plotHeight]]);
  }

  /** Lays the canvas out for the current data and width; keeps the same part of the matrix in view. */
  function layoutCanvas(): void {
    if (!data || availableWidth <= 0) return;
    const { nOut } = data.frame;
    const { slots } = data.layout;
    const squareWidth = Math.floor((ADJACENCY_MAX_HEIGHT * nOut) / slots);
    const nextWidth = Math.max(1, Math.min(availableWidth, Math.max(squareWidth, ADJACENCY_MIN_WIDTH)));
    const ratio = plotWidth > 0 ? nextWidth / plotWidth : 1;
    plotWidth = nextWidth;
    plotHeight = Math.max(1, Math.min(ADJACENCY_MAX_HEIGHT, Math.round((plotWidth / nOut) * slots)));
    dpr = Math.min(MAX_DEVICE_PIXEL_RATIO, Math.max(1, globalThis.devicePixelRatio || 1));
    const w = Math.max(1, Math.round(plotWidth * dpr));
    const h = Math.max(1, Math.round(plotHeight * dpr));
    Object.assign(canvas.style, { width: `${plotWidth}px`, height: `${plotHeight}px`, left: `${margin.left}px`, top: `${margin.top}px` });
    svgElement.setAttribute('width', String(plotWidth + margin.left + margin.right));
    svgElement.setAttribute('height', String(plotHeight + margin.top + margin.bottom));
    if (canvas.width !== w || canvas.height !== h || !image) {
      canvas.width = w;
      canvas.height = h;
      image = ctx!.createImageData(w, h);
      pixels = new Uint32Array(image.data.buffer);
      const blocks = blockViewport({ width: w, height: h, originX: 0, originY: 0, cellX: 1, cellY: 1 }, densityBlock());
      scratch = { pixels: createBins(w, h), blocks: createBins(blocks.width, blocks.height) };
    }
    configureZoom();
    if (ratio !== 1 && transform.k !== 1) selection.call(zoom.transform, new d3.ZoomTransform(transform.k, transform.x * ratio, transform.y * ratio));
    options.onSizeChange?.({ width: plotWidth + margin.left + margin.right, height: plotHeight + margin.top + margin.bottom });
  }

  const densityBlock = () => Math.max(1, Math.round(DENSITY_BLOCK_PX * dpr));

  function geometry(): OverlayGeometry {
    return { plotWidth, plotHeight, left: margin.left, top: margin.top, nOut: data?.frame.nOut ?? 1, cellX: cellX(), cellY: cellY() };
  }

  function viewport(): MatrixViewport {
    return {
      width: canvas.width, height: canvas.height, originX: transform.x * dpr, originY: transform.y * dpr,
      cellX: cellX() * transform.k * dpr, cellY: cellY() * transform.k * dpr,
    };
  }

  function draw(now: number): void {
    frameRequest = 0;
    if (!data || !image || !pixels || !scratch || !table) return;
    const t0 = performance.now();
    let anim: RasterAnimation | null = null;
    if (animation) {
      const t = data.animationMs > 0 ? (now - animation.start) / data.animationMs : 1;
      if (t < 1) anim = { t: Math.max(0, t), hold: FLASH_HOLD_FRACTION, previousWeights: animation.previousWeights, removed: animation.removed };
      else animation = null;
    }
    const { frame, layout } = data;
    drawMatrix(pixels, viewport(), {
      nOut: frame.nOut, slots: layout.slots, slotOf: layout.slotOf, separators: layout.separators, links: frame.links, weights: frame.weights,
    }, {
      palette: { ...palette, weights: table },
      mode: data.colorBy,
      densityTop: densityTop(frame.links.length, frame.nIn, frame.nOut),
      densityBlockPx: densityBlock(),
      cellGapMinPx: CELL_GAP_MIN_PX,
      flashDotPx: FLASH_DOT_PX * dpr,
    }, scratch, anim);
    ctx!.putImageData(image, 0, 0);
    const ms = performance.now() - t0;
    redraws++;
    canvas.dataset.redrawMs = ms.toFixed(2);
    canvas.dataset.redrawCount = String(redraws);
    canvas.dataset.animating = anim ? 'true' : 'false';
    // The epoch whose picture is on the canvas now (data-epoch changes at update, before the next frame draws it).
    canvas.dataset.drawnEpoch = String(data.epoch);
    overlay.update(geometry(), layout, transform);
    refreshHover();
    if (animation) requestDraw();
  }

  function requestDraw(): void {
    if (frameRequest === 0) frameRequest = requestAnimationFrame(draw);
  }

  function refreshHover(): void {
    if (!data || !pointer) {
      overlay.hover(null, transform);
      return;
    }
    const [px, py] = pointer;
    const cx = cellX() * transform.k;
    const cy = cellY() * transform.k;
    const column = Math.floor((px - transform.x) / cx);
    const slot = Math.floor((py - transform.y) / cy);
    const cellArea = cx * cy * dpr * dpr;
    const { frame, layout } = data;
    const neuron = slot >= 0 && slot < layout.slots ? layout.neuronAt[slot] : -1;
    if (column < 0 || column >= frame.nOut || neuron < 0) {
      overlay.hover(null, transform);
      return;
    }
    const id = neuron * frame.nOut + column;
    const k = indexOfLink(frame.links, id);
    const lines = [`${inputName(neuron, data.layerIndex)} → output ${column}`];
    if (k >= 0) lines.push(`weight ${frame.weights[k].toPrecision(3)}${indexOfLink(frame.added, id) >= 0 ? ` · grown at epoch ${data.epoch}` : ''}`);
    else lines.push(indexOfLink(frame.removed, id) >= 0 ? `no link · removed at epoch ${data.epoch}` : 'no link');
    const bins = scratch?.pixels;
    if (data.colorBy === 'density' && scratch && Math.min(cx, cy) * dpr < densityBlock()) {
      // Density colouring: the block under the pointer is what the colour stands for.
      const b = densityBlock();
      const blocks = scratch.blocks;
      const q = Math.floor((py * dpr) / b) * blocks.width + Math.floor((px * dpr) / b);
      const n = q >= 0 && q < blocks.count.length ? blocks.count[q] : 0;
      const cells = Math.max(1, Math.round((b * b) / cellArea));
      lines.push(`this block: ${n} link${n === 1 ? '' : 's'} among ~${cells} cells (${((100 * n) / cells).toFixed(1)}%)`);
    } else if (Math.min(cx, cy) * dpr < 1 && bins) {
      // Zoomed out: the pixel under the pointer stands for a block of cells; say what it holds.
      const p = Math.floor(py * dpr) * bins.width + Math.floor(px * dpr);
      const n = p >= 0 && p < bins.count.length ? bins.count[p] : 0;
      const block = Math.max(1, Math.round(1 / cellArea));
      lines.push(n === 0 ? `this pixel: no links among ~${block} cells` : `this pixel: ${n} link${n > 1 ? 's' : ''} among ~${block} cells, mean |w| ${(bins.sumAbsWeight[p] / n).toPrecision(3)}`);
    }
    overlay.hover({ slot, column, lines }, transform, pointer);
  }

  selection
    .on('pointermove.tooltip', (event: PointerEvent) => {
      pointer = d3.pointer(event, canvas) as [number, number];
      refreshHover();
    })
    .on('pointerleave.tooltip', () => {
      pointer = null;
      refreshHover();
    });

  return {
    update(next) {
      const problems = validateAdjacencyData(next);
      if (problems.length > 0) throw new Error(`src/views/topology/adjacencyChart.ts: cannot draw: ${problems.join('; ')}`);
      const reshaped = !data || data.frame.nOut !== next.frame.nOut || data.layout.slots !== next.layout.slots;
      if (!table || table.wMax !== next.weightMax) table = weightColorTable(next.weightMax);
      if (next.animate && next.previous) {
        animation = {
          start: performance.now(),
          previousWeights: alignPreviousWeights(next.previous.links, next.previous.weights, next.frame.links),
          removed: next.frame.removed,
        };
      } else if (!data || next.frame !== data.frame) {
        animation = null;
      }
      // Same frame with another colour scale (e.g. the compared model's epoch arrived): the running
      // animation carries on with the new colours.
      data = next;
      canvas.dataset.epoch = String(next.epoch);
      canvas.dataset.layer = String(next.layerIndex + 1);
      if (reshaped) {
        layoutCanvas();
        if (transform.k !== 1 || transform.x !== 0 || transform.y !== 0) selection.call(zoom.transform, d3.zoomIdentity);
      }
      requestDraw();
    },
    resize(width, m) {
      const w = Math.max(50, Math.floor(width));
      if (w === availableWidth && m.top === margin.top && m.left === margin.left) return;
      availableWidth = w;
      margin = { ...m };
      layoutCanvas();
      requestDraw();
    },
    zoomBy(factor) {
      selection.call(zoom.scaleBy, factor);
    },
    resetZoom() {
      selection.call(zoom.transform, d3.zoomIdentity);
    },
    setTransform(t) {
      if (t.k === transform.k && t.x === transform.x && t.y === transform.y) return;
      selection.call(zoom.transform, t);
    },
    destroy() {
      if (frameRequest !== 0) cancelAnimationFrame(frameRequest);
      frameRequest = 0;
      selection.on('.zoom', null).on('.tooltip', null);
      overlay.destroy();
      data = null;
      animation = null;
    },
  };
}
