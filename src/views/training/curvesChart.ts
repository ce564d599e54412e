// One small D3 chart of per-epoch curves (a line and points per model) inside an <svg> that React
// created and never touches again; update(series) validates its input and redraws. No transitions:
// the chart changes once per epoch, and d3's tree-shaken bundle may lack selection.transition.
import * as d3 from 'd3';
import { CURVE_CHART } from '../config';
import { curveDomains, validateSeries, type CurveSeries, type DomainMode } from './curvesData';

export interface CurvesChart {
  update(series: readonly CurveSeries[], minEpochs?: number): void;
  destroy(): void;
}

export function createCurvesChart(svgElement: SVGSVGElement, options: { yLabel: string; mode: DomainMode }): CurvesChart {
  const { width, height, margin, pointRadius, lineWidth } = CURVE_CHART;
  const innerW = width - margin.left - margin.right;
  const innerH = height - margin.top - margin.bottom;
  const svg = d3.select(svgElement).attr('viewBox', `0 0 ${width} ${height}`).attr('class', 'curves-chart');
  const root = svg.append('g').attr('transform', `translate(${margin.left},${margin.top})`);
  const grid = root.append('g').attr('class', 'grid');
  const xAxis = root.append('g').attr('class', 'axis axis-x').attr('transform', `translate(0,${innerH})`);
  const yAxis = root.append('g').attr('class', 'axis axis-y');
  root.append('text').attr('class', 'axis-label').attr('x', innerW / 2).attr('y', innerH + 30).attr('text-anchor', 'middle').text('epoch');
  root.append('text').attr('class', 'axis-label').attr('transform', `translate(${-36},${innerH / 2}) rotate(-90)`).attr('text-anchor', 'middle').text(options.yLabel);
  const plot = root.append('g').attr('class', 'plot');
  const x = d3.scaleLinear().range([0, innerW]);
  const y = d3.scaleLinear().range([innerH, 0]);

  return {
    update(series, minEpochs = 2) {
      const problems = validateSeries(series);
      if (problems.length > 0) throw new Error(`src/views/training/curvesChart.ts: cannot draw: ${problems.join('; ')}`);
      const domains = curveDomains(series, options.mode, minEpochs);
      x.domain(domains.x);
      y.domain(domains.y).nice();
      const epochTicks = Math.min(domains.x[1] - domains.x[0], 8);
      xAxis.call(d3.axisBottom(x).ticks(epochTicks).tickFormat(d3.format('d')));
      yAxis.call(d3.axisLeft(y).ticks(5));
      grid.call(d3.axisLeft(y).ticks(5).tickSize(-innerW).tickFormat(() => ''));
      const line = d3.line<{ epoch: number; value: number }>().x((p) => x(p.epoch)).y((p) => y(p.value));

      const groups = plot.selectAll<SVGGElement, CurveSeries>('g.series').data(series, (s) => s.id)
        .join((enter) => {
          const g = enter.append('g').attr('class', 'series');
          g.append('path').attr('fill', 'none').attr('stroke-width', lineWidth).attr('stroke-linejoin', 'round');
          return g;
        });
      groups.attr('data-series', (s) => s.id);
      groups.select('path').attr('stroke', (s) => s.color).attr('d', (s) => line(s.points) ?? '');
      groups.selectAll<SVGCircleElement, { epoch: number; value: number }>('circle')
        .data((s) => s.points.map((p) => ({ ...p, color: s.color, label: s.label })), (p) => String(p.epoch))
        .join('circle')
        .attr('r', pointRadius)
        .attr('cx', (p) => x(p.epoch))
        .attr('cy', (p) => y(p.value))
        .attr('fill', (p) => p.color)
        .call((c) => c.selectAll('title').remove())
        .call((c) => c.append('title').text((p) => `${p.label}, epoch ${p.epoch}: ${p.value.toFixed(4)}`));
    },
    destroy() {
      svg.selectAll('*').remove();
    },
  };
}
