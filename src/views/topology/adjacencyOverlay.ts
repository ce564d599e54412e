// The SVG over an adjacency canvas: D3 axes that follow the zoom, pixel-row labels for the pixel-grid
// order, the outline of the hovered cell, and a tooltip naming the link under the pointer.
import * as d3 from 'd3';
import { IMAGE_SIDE } from '../../engine/constants';
import type { RowLayout } from './rowOrder';

export interface OverlayGeometry {
  /** CSS size of the plot (the canvas) and its offset in the SVG. */
  plotWidth: number;
  plotHeight: number;
  left: number;
  top: number;
  nOut: number;
  /** Width and height of one cell at zoom 1, CSS pixels. */
  cellX: number;
  cellY: number;
}

export interface HoverInfo {
  slot: number;
  column: number;
  lines: string[];
}

export interface AdjacencyOverlay {
  update(geometry: OverlayGeometry, layout: RowLayout, transform: d3.ZoomTransform): void;
  hover(info: HoverInfo | null, transform: d3.ZoomTransform, pointer?: [number, number]): void;
  destroy(): void;
}

/** Describes input neuron i of a layer in words (the input layer's neurons are pixels). */
export function inputName(i: number, layerIndex: number): string {
  if (layerIndex === 0) return `pixel ${i} (row ${Math.floor(i / IMAGE_SIDE)}, col ${i % IMAGE_SIDE})`;
  return `neuron ${i} of hidden layer ${layerIndex}`;
}

/** Distinguishes the clip paths of several overlays on one page. */
let overlayCount = 0;

export function createAdjacencyOverlay(svgElement: SVGSVGElement, labels: { rows: () => string; columns: string }): AdjacencyOverlay {
  const svg = d3.select(svgElement);
  const root = svg.append('g');
  const xAxis = root.append('g').attr('class', 'axis axis-x');
  const yAxis = root.append('g').attr('class', 'axis axis-y');
  const xLabel = root.append('text').attr('class', 'axis-label').attr('text-anchor', 'middle');
  const yLabel = root.append('text').attr('class', 'axis-label').attr('text-anchor', 'middle');
  const outline = root.append('rect').attr('class', 'hover-cell').attr('fill', 'none').style('display', 'none');
  const tip = root.append('g').attr('class', 'matrix-tooltip').style('display', 'none');
  const tipBox = tip.append('rect').attr('rx', 4);
  const tipText = tip.append('text');
  let geometry: OverlayGeometry | null = null;

  const clipPath = `adjacency-clip-${++overlayCount}`;
  const clipRect = svg.append('defs').append('clipPath').attr('id', clipPath).append('rect');
  outline.attr('clip-path', `url(#${clipPath})`);

  return {
    update(g, layout, transform) {
      geometry = g;
      root.attr('transform', `translate(${g.left},${g.top})`);
      clipRect.attr('width', g.plotWidth).attr('height', g.plotHeight);
      const x = transform.rescaleX(d3.scaleLinear().domain([-0.5, g.nOut - 0.5]).range([0, g.plotWidth]));
      const y = transform.rescaleY(d3.scaleLinear().domain([-0.5, layout.slots - 0.5]).range([0, g.plotHeight]));
      const inside = (v: number, max: number) => v >= -0.5 && v <= max - 0.5;
      const xTicks = x.ticks(Math.max(2, Math.floor(g.plotWidth / 70))).filter((v) => Number.isInteger(v) && inside(v, g.nOut));
      xAxis.call(d3.axisTop(x).tickValues(xTicks).tickFormat(d3.format('d')).tickSizeOuter(0));
      xAxis.select('.domain').remove();
      if (layout.groups.length > 0) {
        // Pixel grid: one tick per image row, thinned out until the labels no longer collide.
        const spacing = (layout.groups[0].end - layout.groups[0].start) * g.cellY * transform.k;
        const every = Math.max(1, Math.ceil(12 / Math.max(1e-6, spacing)));
        const shown = layout.groups.filter((_, r) => r % every === 0);
        const yy = transform.rescaleY(d3.scaleLinear().domain([0, layout.slots]).range([0, g.plotHeight]));
        const labelAt = new Map(shown.map((s) => [(s.start + s.end) / 2, s.label]));
        const centres = [...labelAt.keys()].filter((c) => yy(c) >= 0 && yy(c) <= g.plotHeight);
        yAxis.call(d3.axisLeft(yy).tickValues(centres).tickFormat((v) => labelAt.get(Number(v)) ?? '').tickSizeOuter(0));
      } else {
        const yTicks = y.ticks(Math.max(2, Math.floor(g.plotHeight / 40))).filter((v) => Number.isInteger(v) && inside(v, layout.slots));
        yAxis.call(d3.axisLeft(y).tickValues(yTicks).tickFormat(d3.format('d')).tickSizeOuter(0));
      }
      yAxis.select('.domain').remove();
      xLabel.attr('x', g.plotWidth / 2).attr('y', -20).text(labels.columns);
      yLabel.attr('transform', `translate(${-38},${g.plotHeight / 2}) rotate(-90)`).text(labels.rows());
    },

    hover(info, transform, pointer) {
      if (!info || !geometry || !pointer) {
        outline.style('display', 'none');
        tip.style('display', 'none');
        return;
      }
      const cx = geometry.cellX * transform.k;
      const cy = geometry.cellY * transform.k;
      outline.style('display', Math.min(cx, cy) >= 3 ? 'inline' : 'none')
        .attr('x', transform.x + info.column * cx - 0.5).attr('y', transform.y + info.slot * cy - 0.5)
        .attr('width', cx + 1).attr('height', cy + 1);
      tip.style('display', null);
      tipText.selectAll('tspan').data(info.lines).join('tspan').attr('x', 8).attr('dy', (_, i) => (i === 0 ? '1.2em' : '1.25em')).text((d) => d);
      const box = (tipText.node() as SVGTextElement).getBBox();
      const w = box.width + 16;
      const h = box.height + 10;
      // Keep the tooltip inside the plot: flip left/up near the right/bottom edges.
      const [px, py] = pointer;
      const tx = px + 14 + w > geometry.plotWidth ? px - 14 - w : px + 14;
      const ty = py + 14 + h > geometry.plotHeight ? Math.max(0, py - 14 - h) : py + 14;
      tipBox.attr('width', w).attr('height', h);
      tip.attr('transform', `translate(${tx},${ty})`);
    },

    destroy() {
      svg.selectAll('*').remove();
    },
  };
}
