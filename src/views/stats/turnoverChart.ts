// Link turnover per epoch: the fraction of each sparse layer's links that rewiring removed, one line
// per layer (dashed for the compared model), with a marker at the epoch the timeline shows.
import * as d3 from 'd3';
import { STATS_CHART } from './config';

export interface TurnoverSeries {
  id: string;
  label: string;
  color: string;
  dashed: boolean;
  points: Array<{ epoch: number; value: number }>;
}

export interface TurnoverData {
  series: TurnoverSeries[];
  /** Epoch shown by the timeline (null: no marker). */
  cursorEpoch: number | null;
  maxEpoch: number;
}

export interface TurnoverChart {
  update(data: TurnoverData): void;
  destroy(): void;
}

export function validateTurnoverData(d: TurnoverData): string[] {
  const problems: string[] = [];
  for (const s of d.series) {
    for (const p of s.points) {
      if (!Number.isInteger(p.epoch) || p.epoch < 1) problems.push(`series "${s.id}": epoch ${p.epoch} is not a positive integer`);
      if (!(p.value >= 0 && p.value <= 1)) problems.push(`series "${s.id}": epoch ${p.epoch} has turnover ${p.value} outside [0, 1]`);
    }
  }
  return problems;
}

export function createTurnoverChart(svgElement: SVGSVGElement): TurnoverChart {
  const { width, height, margin } = STATS_CHART;
  const innerW = width - margin.left - margin.right;
  const innerH = height - margin.top - margin.bottom;
  const svg = d3.select(svgElement).attr('viewBox', `0 0 ${width} ${height}`).attr('class', 'stats-chart');
  const root = svg.append('g').attr('transform', `translate(${margin.left},${margin.top})`);
  const grid = root.append('g').attr('class', 'grid');
  const xAxis = root.append('g').attr('class', 'axis axis-x').attr('transform', `translate(0,${innerH})`);
  const yAxis = root.append('g').attr('class', 'axis axis-y');
  const marker = root.append('line').attr('class', 'cursor-marker').attr('y1', 0).attr('y2', innerH);
  const plot = root.append('g');
  root.append('text').attr('class', 'axis-label').attr('x', innerW / 2).attr('y', innerH + 29).attr('text-anchor', 'middle').text('epoch');
  root.append('text').attr('class', 'axis-label').attr('transform', `translate(${-36},${innerH / 2}) rotate(-90)`).attr('text-anchor', 'middle').text('links removed');

  return {
    update(data) {
      const problems = validateTurnoverData(data);
      if (problems.length > 0) throw new Error(`src/views/stats/turnoverChart.ts: cannot draw: ${problems.join('; ')}`);
      const x = d3.scaleLinear().domain([1, Math.max(2, data.maxEpoch)]).range([0, innerW]);
      const top = d3.max(data.series.flatMap((s) => s.points.map((p) => p.value))) ?? 0;
      const y = d3.scaleLinear().domain([0, Math.max(0.05, top * 1.15)]).nice().range([innerH, 0]);
      xAxis.call(d3.axisBottom(x).ticks(Math.min(8, Math.max(1, data.maxEpoch - 1))).tickFormat(d3.format('d')).tickSizeOuter(0));
      yAxis.call(d3.axisLeft(y).ticks(4, '.0%').tickSizeOuter(0));
      grid.call(d3.axisLeft(y).ticks(4).tickSize(-innerW).tickFormat(() => ''));
      const line = d3.line<{ epoch: number; value: number }>().x((p) => x(p.epoch)).y((p) => y(p.value));
      const groups = plot.selectAll<SVGGElement, TurnoverSeries>('g.series').data(data.series, (s) => s.id)
        .join((enter) => {
          const g = enter.append('g').attr('class', 'series');
          g.append('path').attr('fill', 'none').attr('stroke-width', 1.8);
          return g;
        });
      groups.select('path').attr('stroke', (s) => s.color).attr('stroke-dasharray', (s) => (s.dashed ? '4 3' : null)).attr('d', (s) => line(s.points) ?? '');
      groups.selectAll<SVGCircleElement, { epoch: number; value: number }>('circle')
        .data((s) => s.points.map((p) => ({ ...p, color: s.color, label: s.label })), (p) => String(p.epoch))
        .join('circle').attr('r', 2.5).attr('cx', (p) => x(p.epoch)).attr('cy', (p) => y(p.value)).attr('fill', (p) => p.color)
        .call((c) => c.selectAll('title').remove())
        .call((c) => c.append('title').text((p) => `${p.label}, epoch ${p.epoch}: ${(p.value * 100).toFixed(1)}% of links removed`));
      const cursor = data.cursorEpoch;
      marker.style('display', cursor !== null && cursor >= 1 ? 'inline' : 'none').attr('x1', x(cursor ?? 1)).attr('x2', x(cursor ?? 1));
    },
    destroy() {
      svg.selectAll('*').remove();
    },
  };
}
