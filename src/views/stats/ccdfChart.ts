// The degree distribution as a complementary CDF, P(degree ≥ k), on log–log axes: one step line per
// series (solid for the selected model, dashed for the compared one), out- and in-degree together.
// A heavy tail (hubs) falls slowly; an Erdős–Rényi-like static layer drops off a cliff.
import * as d3 from 'd3';
import { STATS_CHART } from './config';

export interface CcdfSeries {
  id: string;
  label: string;
  color: string;
  dashed: boolean;
  points: Array<{ degree: number; fraction: number }>;
}

export interface CcdfData {
  series: CcdfSeries[];
}

export interface CcdfChart {
  update(data: CcdfData): void;
  destroy(): void;
}

export function validateCcdfData(data: CcdfData): string[] {
  const problems: string[] = [];
  for (const s of data.series) {
    if (s.points.some((p) => !(p.degree >= 1) || !(p.fraction > 0 && p.fraction <= 1))) problems.push(`series "${s.id}": degrees must be ≥ 1 and fractions in (0, 1]`);
    if (s.points.some((p, i) => i > 0 && (p.degree <= s.points[i - 1].degree || p.fraction > s.points[i - 1].fraction))) problems.push(`series "${s.id}": a CCDF rises with the degree and never grows`);
  }
  return problems;
}

export function createCcdfChart(svgElement: SVGSVGElement): CcdfChart {
  const { width, height, margin } = STATS_CHART;
  const innerW = width - margin.left - margin.right;
  const innerH = height - margin.top - margin.bottom;
  const svg = d3.select(svgElement).attr('viewBox', `0 0 ${width} ${height}`).attr('class', 'stats-chart');
  const root = svg.append('g').attr('transform', `translate(${margin.left},${margin.top})`);
  const lines = root.append('g').attr('class', 'ccdf-lines');
  const xAxis = root.append('g').attr('class', 'axis axis-x').attr('transform', `translate(0,${innerH})`);
  const yAxis = root.append('g').attr('class', 'axis axis-y');
  root.append('text').attr('class', 'axis-label').attr('x', innerW / 2).attr('y', innerH + 29).attr('text-anchor', 'middle').text('degree k (log)');
  root.append('text').attr('class', 'axis-label').attr('transform', `translate(${-36},${innerH / 2}) rotate(-90)`).attr('text-anchor', 'middle').text('P(degree ≥ k)');

  return {
    update(data) {
      const problems = validateCcdfData(data);
      if (problems.length > 0) throw new Error(`src/views/stats/ccdfChart.ts: cannot draw: ${problems.join('; ')}`);
      const pts = data.series.flatMap((s) => s.points);
      const maxDegree = Math.max(2, d3.max(pts, (p) => p.degree) ?? 2);
      const minFraction = Math.min(0.5, d3.min(pts, (p) => p.fraction) ?? 0.5);
      const x = d3.scaleLog().domain([1, maxDegree]).range([0, innerW]);
      const y = d3.scaleLog().domain([minFraction, 1]).range([innerH, 0]);
      xAxis.call(d3.axisBottom(x).ticks(4, '~s').tickSizeOuter(0));
      yAxis.call(d3.axisLeft(y).ticks(4, '~g').tickSizeOuter(0));
      const line = d3.line<{ degree: number; fraction: number }>().x((p) => x(p.degree)).y((p) => y(p.fraction)).curve(d3.curveStepAfter);
      lines.selectAll<SVGPathElement, CcdfSeries>('path').data(data.series, (s) => s.id)
        .join('path')
        .attr('class', 'ccdf-line')
        .attr('fill', 'none').attr('stroke', (s) => s.color).attr('stroke-width', 1.6)
        .attr('stroke-dasharray', (s) => (s.dashed ? '4 3' : null))
        .attr('data-label', (s) => s.label)
        .attr('d', (s) => line(s.points) ?? '');
    },
    destroy() {
      svg.selectAll('*').remove();
    },
  };
}
