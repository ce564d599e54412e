// A small D3 histogram in an <svg> React created and never touches again: bars for the selected model,
// an outline for the model compared with it, linear or log counts. update(data) validates its input.
import * as d3 from 'd3';
import type { Histogram } from '../../engine/stats';
import { STATS_CHART } from './config';

export interface HistogramSeries {
  id: string;
  label: string;
  color: string;
  histogram: Histogram;
  style: 'bars' | 'outline';
}

export interface HistogramData {
  series: HistogramSeries[];
  logScale: boolean;
  xLabel: string;
  /** What one count is ("neurons", "links"), for bar tooltips. */
  unit: string;
  /** Integer-valued bins (degrees): labels say "12" or "12–15" instead of a float range. */
  integer: boolean;
}

export interface HistogramChart {
  update(data: HistogramData): void;
  destroy(): void;
}

/** Problems with the data, in words (empty when it can be drawn). */
export function validateHistogramData(data: HistogramData): string[] {
  const problems: string[] = [];
  for (const s of data.series) {
    const { edges, counts } = s.histogram;
    if (edges.length !== counts.length + 1) problems.push(`series "${s.id}": ${edges.length} edges for ${counts.length} bins`);
    if (counts.some((c) => !Number.isFinite(c) || c < 0)) problems.push(`series "${s.id}": a count is negative or not finite`);
    if (edges.some((e, i) => !Number.isFinite(e) || (i > 0 && e <= edges[i - 1]))) problems.push(`series "${s.id}": bin edges must increase`);
  }
  return problems;
}

/** Tick values 0, 1, 10, 100… up to `max` for a symlog count axis (D3's own ticks suit linear scales). */
export function logTicks(max: number): number[] {
  const ticks = [0];
  for (let t = 1; t <= max; t *= 10) ticks.push(t);
  return ticks;
}

export function createHistogramChart(svgElement: SVGSVGElement): HistogramChart {
  const { width, height, margin, transitionMs } = STATS_CHART;
  const innerW = width - margin.left - margin.right;
  const innerH = height - margin.top - margin.bottom;
  const svg = d3.select(svgElement).attr('viewBox', `0 0 ${width} ${height}`).attr('class', 'stats-chart');
  const root = svg.append('g').attr('transform', `translate(${margin.left},${margin.top})`);
  const grid = root.append('g').attr('class', 'grid');
  const bars = root.append('g').attr('class', 'bars');
  const outlines = root.append('g').attr('class', 'outlines');
  const xAxis = root.append('g').attr('class', 'axis axis-x').attr('transform', `translate(0,${innerH})`);
  const yAxis = root.append('g').attr('class', 'axis axis-y');
  const xLabel = root.append('text').attr('class', 'axis-label').attr('x', innerW / 2).attr('y', innerH + 29).attr('text-anchor', 'middle');
  root.append('text').attr('class', 'axis-label').attr('transform', `translate(${-36},${innerH / 2}) rotate(-90)`).attr('text-anchor', 'middle').text('count');

  return {
    update(data) {
      const problems = validateHistogramData(data);
      if (problems.length > 0) throw new Error(`src/views/stats/histogramChart.ts: cannot draw: ${problems.join('; ')}`);
      const all = data.series.flatMap((s) => s.histogram.edges);
      const x = d3.scaleLinear().domain(all.length > 0 ? [d3.min(all)!, d3.max(all)!] : [0, 1]).range([0, innerW]);
      const maxCount = Math.max(1, d3.max(data.series.flatMap((s) => s.histogram.counts)) ?? 1);
      const y = (data.logScale ? d3.scaleSymlog().constant(1) : d3.scaleLinear()).domain([0, maxCount]).range([innerH, 0]);
      if (!data.logScale) (y as d3.ScaleLinear<number, number>).nice();
      const yTicks = data.logScale ? logTicks(maxCount) : (y as d3.ScaleLinear<number, number>).ticks(4);
      const xTicks = data.integer ? x.ticks(6).filter(Number.isInteger) : x.ticks(6);
      xAxis.call(d3.axisBottom(x).tickValues(xTicks).tickFormat(d3.format(data.integer ? 'd' : '.2~f')).tickSizeOuter(0));
      yAxis.transition().duration(transitionMs).call(d3.axisLeft(y).tickValues(yTicks).tickFormat(d3.format('~s')).tickSizeOuter(0));
      grid.transition().duration(transitionMs).call(d3.axisLeft(y).tickValues(yTicks).tickSize(-innerW).tickFormat(() => ''));
      xLabel.text(data.xLabel);

      const binLabel = (lo: number, hi: number) => {
        if (!data.integer) return `${lo.toFixed(3)} to ${hi.toFixed(3)}`;
        return hi - lo <= 1 ? `${lo}` : `${lo}–${hi - 1}`;
      };
      const barSeries = data.series.filter((s) => s.style === 'bars');
      const rows = barSeries.flatMap((s) => s.histogram.counts.map((count, i) => ({
        key: `${s.id}:${i}`, lo: s.histogram.edges[i], hi: s.histogram.edges[i + 1], count, color: s.color, label: s.label,
      })));
      bars.selectAll<SVGRectElement, (typeof rows)[number]>('rect').data(rows, (r) => r.key)
        .join((enter) => enter.append('rect').attr('y', innerH).attr('height', 0))
        .attr('x', (r) => x(r.lo) + 0.5)
        .attr('width', (r) => Math.max(0.5, x(r.hi) - x(r.lo) - 1))
        .attr('fill', (r) => r.color)
        .call((sel) => sel.selectAll('title').remove())
        .call((sel) => sel.append('title').text((r) => `${r.label}: ${binLabel(r.lo, r.hi)} → ${r.count} ${data.unit}`))
        .transition().duration(transitionMs)
        .attr('y', (r) => y(r.count))
        .attr('height', (r) => innerH - y(r.count));

      const step = (h: Histogram) => {
        const points: Array<[number, number]> = [];
        h.counts.forEach((c, i) => { points.push([x(h.edges[i]), y(c)], [x(h.edges[i + 1]), y(c)]); });
        return d3.line()(points) ?? '';
      };
      outlines.selectAll<SVGPathElement, HistogramSeries>('path').data(data.series.filter((s) => s.style === 'outline'), (s) => s.id)
        .join('path')
        .attr('fill', 'none').attr('stroke', (s) => s.color).attr('stroke-width', 1.8)
        .attr('d', (s) => step(s.histogram));
    },
    destroy() {
      svg.interrupt();
      svg.selectAll('*').interrupt().remove();
    },
  };
}
