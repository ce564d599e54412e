// The adjacency views' legend: the weight (or density) colour ramp with a D3 axis, and swatches for
// an absent link and the two rewiring flashes.
import * as d3 from 'd3';
import { densityScale, weightScale } from './colors';
import { DENSITY_BLOCK_PX, FLASH_GROWN, FLASH_REMOVED, LEGEND_SIZE, MATRIX_BACKGROUND } from './config';
import type { ColorMode } from './raster';

export interface LegendData {
  colorBy: ColorMode;
  weightMax: number;
  /** Link density at which the density ramp saturates. */
  densityTop: number;
}

export interface LegendChart {
  update(data: LegendData): void;
  destroy(): void;
}

let legendCount = 0;

export function createLegendChart(svgElement: SVGSVGElement): LegendChart {
  const { width, height } = LEGEND_SIZE;
  const swatchX = width + 40;
  const svg = d3.select(svgElement).attr('viewBox', `0 0 ${swatchX + 400} 40`).attr('class', 'matrix-legend');
  const id = `matrix-legend-gradient-${++legendCount}`;
  const gradient = svg.append('defs').append('linearGradient').attr('id', id);
  const title = svg.append('text').attr('class', 'legend-title').attr('x', 10).attr('y', 10);
  svg.append('rect').attr('x', 10).attr('y', 15).attr('width', width).attr('height', height).attr('fill', `url(#${id})`);
  const axis = svg.append('g').attr('class', 'axis').attr('transform', `translate(10,${15 + height})`);
  const swatches = svg.append('g').attr('transform', `translate(${swatchX},15)`);
  const items = [
    { color: MATRIX_BACKGROUND, label: 'no link' },
    { color: FLASH_REMOVED, label: 'removed this epoch' },
    { color: FLASH_GROWN, label: 'grown this epoch' },
  ];
  const item = swatches.selectAll('g').data(items).join('g').attr('transform', (_, i) => `translate(${i * 135},0)`);
  item.append('rect').attr('width', 12).attr('height', 12).attr('rx', 2).attr('fill', (d) => d.color);
  item.append('text').attr('x', 17).attr('y', 10).text((d) => d.label);

  return {
    update(data) {
      if (!(data.weightMax > 0)) throw new Error(`src/views/topology/legendChart.ts: weight range ${data.weightMax} is not positive`);
      if (!(data.densityTop > 0 && data.densityTop <= 1)) throw new Error(`src/views/topology/legendChart.ts: density top ${data.densityTop} is not in (0, 1]`);
      const density = data.colorBy === 'density';
      const color = density ? densityScale(data.densityTop) : weightScale(data.weightMax);
      const domain: [number, number] = density ? [0, data.densityTop] : [-data.weightMax, data.weightMax];
      const stops = d3.range(0, 1.0001, 0.05);
      gradient.selectAll('stop').data(stops).join('stop')
        .attr('offset', (t) => `${t * 100}%`)
        .attr('stop-color', (t) => color(domain[0] + t * (domain[1] - domain[0])));
      title.text(density ? `link density: share of cells linked in each ${DENSITY_BLOCK_PX}×${DENSITY_BLOCK_PX}-pixel block` : 'weight (zoomed out: mean weight of the links under a screen pixel)');
      const x = d3.scaleLinear().domain(domain).range([0, width]);
      axis.call(d3.axisBottom(x).ticks(5, density ? '.1~%' : '.2~f').tickSize(3));
      axis.select('.domain').remove();
    },
    destroy() {
      svg.selectAll('*').remove();
    },
  };
}
