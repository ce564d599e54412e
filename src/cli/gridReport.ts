// A grid's results as text and a picture: grid.csv (one row per cell, kind and level, with its 95%
// interval), a Markdown table, and grid.svg — accuracy at 30% link removal against density, one line
// per strategy, solid with weight decay and dashed without, each point with its interval.
import { densityLabel, type GridCell, type Interval } from './grid';
import { csvField, markdownTable } from './tables';

/** The removal level the figure and the table's headline column show. */
export const FIGURE_REMOVAL = 0.3;

export function gridCsv(cells: readonly GridCell[]): string {
  const header = ['strategy', 'density', 'zeta', 'weight_decay', 'seeds', 'perturbation', 'level', 'samples', 'mean', 'ci95_low', 'ci95_high'];
  const lines = [header.join(',')];
  for (const c of cells) {
    const row = (kind: string, level: number | string, i: Interval) =>
      [c.strategy, c.density, c.zeta, c.weightDecay, c.seeds.join(' '), kind, level, i.n, i.mean, i.low, i.high].map(csvField).join(',');
    lines.push(row('none', '', c.accuracy));
    if (c.pixelGini !== null) lines.push(row('pixel_gini', '', c.pixelGini));
    for (const p of c.perturbed) lines.push(row(p.kind, p.level, p.interval));
  }
  return `${lines.join('\n')}\n`;
}

const ci = (i: Interval) => `${i.mean.toFixed(3)} [${i.low.toFixed(3)}, ${i.high.toFixed(3)}]`;
const strategyName = (s: string) => (s === 'set' ? 'SET' : s === 'rigl' ? 'RigL' : s);

export function gridMarkdown(cells: readonly GridCell[]): string {
  const columns = [...new Map(cells.flatMap((c) => c.perturbed).map((p) => [`${p.kind}|${p.level}`, p])).values()];
  const header = ['strategy', 'weight decay', 'density', 'ζ', 'seeds', 'test accuracy', ...columns.map((p) => `${p.kind} ${Math.round(p.level * 100)}%`), 'pixel-degree Gini'];
  const rows = cells.map((c) => [
    strategyName(c.strategy), String(c.weightDecay), c.strategy === 'dense' ? 'dense' : densityLabel(c.density), String(c.zeta), c.seeds.join(', '), ci(c.accuracy),
    ...columns.map((col) => {
      const p = c.perturbed.find((q) => q.kind === col.kind && q.level === col.level);
      return p === undefined ? '–' : ci(p.interval);
    }),
    c.pixelGini === null ? '–' : ci(c.pixelGini),
  ]);
  return [
    'Mean and 95% interval (Student\'s t) of the accuracy: clean accuracy over seeds; perturbed accuracy over every seed\'s every draw ' +
      '(seeds × repeats samples; the draws of one seed are not independent, so these intervals are narrower than ' +
      'an interval over seeds alone). Gini: how unevenly layer 1\'s links spread over the 784 input pixels (static: ~0.18). ' +
      'grid.svg plots the link-removal column at 30%.',
    '',
    markdownTable(header, rows),
  ].join('\n');
}

const COLORS: Record<string, string> = { set: '#1f77b4', rigl: '#2ca02c', static: '#d62728', dense: '#7f7f7f' };

/** The figure as a standalone SVG; null when no cell was measured at FIGURE_REMOVAL. */
export function gridSvg(cells: readonly GridCell[], title: string): string | null {
  const points = cells.filter((c) => c.strategy !== 'dense').flatMap((c) => {
    const p = c.perturbed.find((q) => q.kind === 'removal' && q.level === FIGURE_REMOVAL);
    return p === undefined ? [] : [{ cell: c, interval: p.interval }];
  });
  if (points.length === 0) return null;
  const W = 640, H = 420, left = 64, right = 170, top = 48, bottom = 56;
  const densities = [...new Set(points.map((p) => p.cell.density))].sort((a, b) => a - b);
  const logMin = Math.log10(densities[0]), logMax = Math.log10(densities[densities.length - 1]);
  const span = logMax - logMin || 1;
  // 8% of the plot's width as a margin on each side keeps the end points and their bars off the axis.
  const x = (d: number) => left + (0.08 + 0.84 * (densities.length === 1 ? 0.5 : (Math.log10(d) - logMin) / span)) * (W - left - right);
  const lows = points.map((p) => p.interval.low), highs = points.map((p) => p.interval.high);
  const yMin = Math.max(0, Math.floor(Math.min(...lows) * 10) / 10), yMax = Math.min(1, Math.ceil(Math.max(...highs) * 10) / 10);
  const y = (a: number) => top + (1 - (a - yMin) / (yMax - yMin || 1)) * (H - top - bottom);
  const f = (n: number) => n.toFixed(1);
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="12">`,
    `<rect width="${W}" height="${H}" fill="white"/>`,
    `<text x="${W / 2 - right / 2 + left / 2}" y="20" text-anchor="middle" font-size="14">${escapeXml(title)}</text>`,
    `<line x1="${left}" y1="${H - bottom}" x2="${W - right}" y2="${H - bottom}" stroke="black"/>`,
    `<line x1="${left}" y1="${top}" x2="${left}" y2="${H - bottom}" stroke="black"/>`,
  ];
  for (const d of densities) {
    out.push(`<line x1="${f(x(d))}" y1="${H - bottom}" x2="${f(x(d))}" y2="${H - bottom + 5}" stroke="black"/>`,
      `<text x="${f(x(d))}" y="${H - bottom + 18}" text-anchor="middle">${densityLabel(d)}</text>`);
  }
  for (let t = Math.round(yMin * 10); t <= Math.round(yMax * 10); t++) {
    const a = t / 10;
    out.push(`<line x1="${left - 5}" y1="${f(y(a))}" x2="${W - right}" y2="${f(y(a))}" stroke="#ddd"/>`,
      `<text x="${left - 8}" y="${f(y(a) + 4)}" text-anchor="end">${a.toFixed(1)}</text>`);
  }
  out.push(`<text x="${(left + W - right) / 2}" y="${H - 16}" text-anchor="middle">density of the sparse layers (log scale)</text>`,
    `<text transform="translate(18 ${(top + H - bottom) / 2}) rotate(-90)" text-anchor="middle">test accuracy, ${Math.round(FIGURE_REMOVAL * 100)}% of links removed</text>`);
  const series = new Map<string, typeof points>();
  for (const p of points) {
    const key = `${p.cell.strategy}|${p.cell.weightDecay}|${p.cell.zeta}`;
    series.set(key, [...(series.get(key) ?? []), p]);
  }
  const multipleZetas = new Set(points.map((p) => p.cell.zeta)).size > 1;
  [...series.values()].forEach((line, i) => {
    const { strategy, weightDecay, zeta } = line[0].cell;
    const color = COLORS[strategy] ?? 'black';
    const dash = weightDecay === 0 ? ' stroke-dasharray="6 4"' : '';
    const sorted = [...line].sort((a, b) => a.cell.density - b.cell.density);
    // A small horizontal offset per series keeps overlapping intervals apart.
    const dx = (i - (series.size - 1) / 2) * 3;
    out.push(`<polyline fill="none" stroke="${color}" stroke-width="2"${dash} points="${sorted.map((p) => `${f(x(p.cell.density) + dx)},${f(y(p.interval.mean))}`).join(' ')}"/>`);
    for (const p of sorted) {
      const px = f(x(p.cell.density) + dx);
      out.push(`<line x1="${px}" y1="${f(y(p.interval.low))}" x2="${px}" y2="${f(y(p.interval.high))}" stroke="${color}"/>`,
        `<circle cx="${px}" cy="${f(y(p.interval.mean))}" r="3" fill="${weightDecay === 0 ? 'white' : color}" stroke="${color}"/>`);
    }
    const ly = top + 10 + i * 20;
    out.push(`<line x1="${W - right + 12}" y1="${ly}" x2="${W - right + 40}" y2="${ly}" stroke="${color}" stroke-width="2"${dash}/>`,
      `<text x="${W - right + 46}" y="${ly + 4}">${strategyName(strategy)}, decay ${weightDecay}${multipleZetas ? `, ζ ${zeta}` : ''}</text>`);
  });
  out.push(`<text x="${W - right + 12}" y="${top + 20 + series.size * 20}" font-size="10">bars: 95% interval over</text>`,
    `<text x="${W - right + 12}" y="${top + 33 + series.size * 20}" font-size="10">seeds × removal draws</text>`, '</svg>');
  return `${out.join('\n')}\n`;
}

function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
