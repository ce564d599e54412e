// A compact layered picture of the whole network: a column of hub neurons per layer (sized by their
// links), and the links among them coloured by sign and weighted by |w|. SVG: a few hundred marks.
import * as d3 from 'd3';
import { IMAGE_SIDE } from '../../engine/constants';
import { NETWORK_GRAPH } from './config';
import type { HubGraph } from './statsData';

export interface NetworkData {
  graph: HubGraph;
  /** |w| drawn at full width and opacity. */
  weightMax: number;
  columnLabels: string[];
}

export interface NetworkChart {
  update(data: NetworkData): void;
  destroy(): void;
}

export function validateNetworkData(d: NetworkData): string[] {
  const problems: string[] = [];
  const { columns, links } = d.graph;
  if (d.columnLabels.length !== columns.length) problems.push(`${d.columnLabels.length} column labels for ${columns.length} columns`);
  for (const l of links) {
    if (!columns[l.layer]?.[l.from] || !columns[l.layer + 1]?.[l.to]) problems.push(`link ${l.layer}:${l.from}→${l.to} joins no drawn neurons`);
  }
  if (!(d.weightMax > 0)) problems.push(`weight range ${d.weightMax} is not positive`);
  return problems;
}

function nodeName(column: number, neuron: number): string {
  return column === 0 ? `pixel ${neuron} (row ${Math.floor(neuron / IMAGE_SIDE)}, col ${neuron % IMAGE_SIDE})` : `hidden ${column} neuron ${neuron}`;
}

export function createNetworkChart(svgElement: SVGSVGElement): NetworkChart {
  const { width, height, margin, minRadius, maxRadius } = NETWORK_GRAPH;
  const svg = d3.select(svgElement).attr('viewBox', `0 0 ${width} ${height}`).attr('class', 'network-chart');
  const root = svg.append('g').attr('transform', `translate(${margin.left},${margin.top})`);
  const linkLayer = root.append('g').attr('class', 'links');
  const nodeLayer = root.append('g').attr('class', 'nodes');
  const labelLayer = root.append('g').attr('class', 'column-labels');
  const innerW = width - margin.left - margin.right;
  const innerH = height - margin.top - margin.bottom;

  return {
    update(data) {
      const problems = validateNetworkData(data);
      if (problems.length > 0) throw new Error(`src/views/stats/networkChart.ts: cannot draw: ${problems.join('; ')}`);
      const { columns, links } = data.graph;
      const x = d3.scalePoint<number>().domain(d3.range(columns.length)).range([maxRadius, innerW - maxRadius]);
      const rows = d3.max(columns, (c) => c.length) ?? 1;
      const y = d3.scalePoint<number>().domain(d3.range(rows)).range([maxRadius, innerH - maxRadius]);
      const maxDegree = d3.max(columns.flat(), (n) => n.degree) ?? 1;
      const radius = d3.scaleSqrt().domain([0, Math.max(1, maxDegree)]).range([minRadius, maxRadius]);
      const strength = d3.scaleLinear().domain([0, data.weightMax]).range([0, 1]).clamp(true);
      const nodes = columns.flatMap((c, ci) => c.map((n, i) => ({ ...n, column: ci, row: i, key: `${ci}:${n.neuron}` })));

      linkLayer.selectAll<SVGLineElement, (typeof links)[number]>('line').data(links)
        .join('line')
        .attr('x1', (l) => x(l.layer)!).attr('y1', (l) => y(l.from)!)
        .attr('x2', (l) => x(l.layer + 1)!).attr('y2', (l) => y(l.to)!)
        .attr('stroke', (l) => (l.weight < 0 ? '#c4473d' : '#3b73b9'))
        .attr('stroke-width', (l) => 0.6 + 2.4 * strength(Math.abs(l.weight)))
        .attr('stroke-opacity', (l) => 0.25 + 0.7 * strength(Math.abs(l.weight)))
        .call((sel) => sel.selectAll('title').remove())
        .call((sel) => sel.append('title').text((l) => {
          const from = columns[l.layer][l.from].neuron;
          const to = columns[l.layer + 1][l.to].neuron;
          return `${nodeName(l.layer, from)} → ${nodeName(l.layer + 1, to)}: weight ${l.weight.toPrecision(3)}`;
        }));

      nodeLayer.selectAll<SVGCircleElement, (typeof nodes)[number]>('circle').data(nodes, (n) => n.key)
        .join('circle')
        .attr('cx', (n) => x(n.column)!).attr('cy', (n) => y(n.row)!)
        .attr('r', (n) => radius(n.degree))
        .call((sel) => sel.selectAll('title').remove())
        .call((sel) => sel.append('title').text((n) => `${nodeName(n.column, n.neuron)}: ${n.degree} links${n.column > 0 ? `, ${n.fromHubs} from the hubs before` : ''}`));

      labelLayer.selectAll<SVGTextElement, string>('text').data(data.columnLabels)
        .join('text').attr('class', 'axis-label').attr('text-anchor', 'middle')
        .attr('x', (_, i) => x(i)!).attr('y', -10).text((t) => t);
      svg.attr('data-links', links.length);
    },
    destroy() {
      svg.selectAll('*').remove();
    },
  };
}
