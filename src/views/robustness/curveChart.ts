// The robustness chart: test accuracy against perturbation strength, one colour per model, the mean
// as a line over a min–max band of the repeats, noise baselines dashed, axes and a legend below the
// plot (curves fill any corner inside it). D3 owns the <svg> React created; colours and fonts are
// attributes, so an exported SVG looks the same.
import * as d3 from 'd3';
import { ROBUSTNESS_CHART as C } from './config';
import { levelDomain, validateCurveData, type CurveChartData, type CurvePoint, type CurveSeries } from './curveData';

export interface CurveChart {
  update(data: CurveChartData): void;
  destroy(): void;
}

const FILE = 'src/views/robustness/curveChart.ts';

export function createCurveChart(svgElement: SVGSVGElement): CurveChart {
  const innerW = C.width - C.margin.left - C.margin.right;
  const innerH = C.height - C.margin.top - C.margin.bottom;
  const svg = d3.select(svgElement)
    .attr('viewBox', `0 0 ${C.width} ${C.height}`)
    .attr('font-family', C.font)
    .attr('class', 'robustness-chart');
  const background = svg.append('rect').attr('class', 'background').attr('width', C.width).attr('height', C.height).attr('fill', C.background);
  const root = svg.append('g').attr('transform', `translate(${C.margin.left},${C.margin.top})`);
  const grid = root.append('g').attr('class', 'grid').attr('color', C.grid);
  const xAxis = root.append('g').attr('class', 'axis axis-x').attr('transform', `translate(0,${innerH})`).attr('color', C.axis);
  const yAxis = root.append('g').attr('class', 'axis axis-y').attr('color', C.axis);
  const xLabel = root.append('text').attr('class', 'axis-label').attr('x', innerW / 2).attr('y', innerH + 40)
    .attr('text-anchor', 'middle').attr('font-size', 12).attr('fill', C.muted);
  root.append('text').attr('class', 'axis-label').attr('transform', `translate(-44,${innerH / 2}) rotate(-90)`)
    .attr('text-anchor', 'middle').attr('font-size', 12).attr('fill', C.muted).text('Test accuracy');
  const bands = root.append('g').attr('class', 'bands');
  const lines = root.append('g').attr('class', 'lines');
  const legend = root.append('g').attr('class', 'legend').attr('font-size', 11);
  const x = d3.scaleLinear().range([0, innerW]);
  const y = d3.scaleLinear().domain([0, 1]).range([innerH, 0]);

  /** Two columns of entries under the axis label; the chart grows by as many rows as it needs. */
  const drawLegend = (series: readonly CurveSeries[]) => {
    legend.selectAll('*').remove();
    legend.attr('transform', `translate(0,${innerH + C.legendTop})`);
    const columnWidth = innerW / 2;
    series.forEach((s, k) => {
      const row = legend.append('g').attr('data-series', s.id)
        .attr('transform', `translate(${(k % 2) * columnWidth},${Math.floor(k / 2) * C.legendRow})`);
      row.append('line').attr('x1', 0).attr('x2', 22).attr('y1', 0).attr('y2', 0).attr('stroke', s.color)
        .attr('stroke-width', C.lineWidth).attr('stroke-dasharray', s.dashed ? C.dash : null);
      row.append('text').attr('x', 28).attr('y', 4).attr('fill', C.ink).text(s.label);
    });
    const rows = Math.ceil(series.length / 2);
    svg.attr('viewBox', `0 0 ${C.width} ${C.height + rows * C.legendRow}`);
    background.attr('height', C.height + rows * C.legendRow);
  };

  return {
    update(data) {
      const problems = validateCurveData(data);
      if (problems.length > 0) throw new Error(`${FILE}: cannot draw: ${problems.join('; ')}`);
      x.domain(levelDomain(data));
      xLabel.text(data.xLabel);
      xAxis.call(d3.axisBottom(x).ticks(8).tickSizeOuter(0));
      yAxis.call(d3.axisLeft(y).ticks(5).tickFormat(d3.format('.0%')).tickSizeOuter(0));
      grid.call(d3.axisLeft(y).ticks(5).tickSize(-innerW).tickFormat(() => ''));
      grid.select('.domain').remove();
      for (const axis of [xAxis, yAxis]) axis.selectAll('text').attr('fill', C.muted).attr('font-family', C.font);

      const area = d3.area<CurvePoint>().x((p) => x(p.level)).y0((p) => y(p.min)).y1((p) => y(p.max));
      const line = d3.line<CurvePoint>().x((p) => x(p.level)).y((p) => y(p.mean));
      const banded = data.series.filter((s) => !s.dashed && s.points.length > 1);
      bands.selectAll<SVGPathElement, CurveSeries>('path.band').data(banded, (s) => s.id).join('path')
        .attr('class', 'band').attr('data-series', (s) => s.id)
        .attr('fill', (s) => s.color).attr('fill-opacity', C.bandOpacity).attr('stroke', 'none')
        .attr('d', (s) => area(s.points) ?? '');

      const groups = lines.selectAll<SVGGElement, CurveSeries>('g.series').data(data.series, (s) => s.id)
        .join((enter) => {
          const g = enter.append('g').attr('class', 'series');
          g.append('path').attr('class', 'mean-line').attr('fill', 'none').attr('stroke-linejoin', 'round').attr('stroke-linecap', 'round');
          return g;
        });
      groups.attr('data-series', (s) => s.id);
      groups.select('path.mean-line')
        .attr('stroke', (s) => s.color).attr('stroke-width', C.lineWidth)
        .attr('stroke-dasharray', (s) => (s.dashed ? C.dash : null))
        .attr('d', (s) => line(s.points) ?? '');
      groups.selectAll<SVGCircleElement, CurvePoint & { s: CurveSeries }>('circle')
        .data((s) => s.points.map((p) => ({ ...p, s })), (p) => String(p.level))
        .join('circle')
        .attr('r', (p) => (p.s.dashed ? C.pointRadius * 0.7 : C.pointRadius))
        .attr('cx', (p) => x(p.level))
        .attr('cy', (p) => y(p.mean))
        .attr('fill', (p) => (p.s.dashed ? C.background : p.s.color))
        .attr('stroke', (p) => p.s.color)
        .attr('stroke-width', 1.4)
        .call((c) => c.selectAll('title').remove())
        .call((c) => c.append('title').text((p) => `${p.s.label} at ${p.level}: ${(p.mean * 100).toFixed(1)}% (min ${(p.min * 100).toFixed(1)}%, max ${(p.max * 100).toFixed(1)}%)`));
      drawLegend(data.series);
    },
    destroy() {
      svg.selectAll('*').remove();
    },
  };
}
