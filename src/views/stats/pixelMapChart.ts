// The 28×28 map of how many links each input pixel has: a canvas of one pixel per image pixel
// (scaled up by CSS), isolated pixels in their own colour, and an SVG legend with a D3 axis.
import * as d3 from 'd3';
import { IMAGE_SIDE, IMAGE_SIZE } from '../../engine/constants';
import { PIXEL_MAP } from './config';

export interface PixelMapData {
  /** Links per input pixel, row-major (784). */
  degrees: Int32Array;
  /** Top of the colour scale (shared when two maps are compared). */
  maxDegree: number;
}

export interface PixelMapChart {
  update(data: PixelMapData): void;
  destroy(): void;
}

export function validatePixelMapData(d: PixelMapData): string[] {
  const problems: string[] = [];
  if (d.degrees.length !== IMAGE_SIZE) problems.push(`${d.degrees.length} pixel degrees, expected ${IMAGE_SIZE}`);
  if (!(d.maxDegree >= 0) || !Number.isFinite(d.maxDegree)) problems.push(`maximum degree ${d.maxDegree} is not a finite number ≥ 0`);
  return problems;
}

/** The colour of a pixel with `degree` links when the scale tops out at `max`. */
export function pixelColor(degree: number, max: number): string {
  if (degree <= 0) return PIXEL_MAP.isolatedColor;
  // Start the ramp above black so one link already differs from none.
  return d3[PIXEL_MAP.interpolator](0.18 + 0.82 * Math.min(1, degree / Math.max(1, max)));
}

export function createPixelMapChart(canvas: HTMLCanvasElement, legendSvg: SVGSVGElement | null): PixelMapChart {
  const ctx = canvas.getContext('2d');
  if (!ctx) throw new Error('src/views/stats/pixelMapChart.ts: this browser gives no 2D canvas context');
  canvas.width = IMAGE_SIDE;
  canvas.height = IMAGE_SIDE;
  const image = ctx.createImageData(IMAGE_SIDE, IMAGE_SIDE);
  const legendW = PIXEL_MAP.legendWidth;
  const legend = legendSvg ? d3.select(legendSvg).attr('viewBox', `0 0 ${legendW + 20} 34`) : null;
  const gradientId = `pixel-map-gradient-${++mapCount}`;
  const gradient = legend?.append('defs').append('linearGradient').attr('id', gradientId);
  legend?.append('rect').attr('x', 10).attr('y', 2).attr('width', legendW).attr('height', 9).attr('fill', `url(#${gradientId})`);
  const axis = legend?.append('g').attr('class', 'axis').attr('transform', 'translate(10,11)');

  return {
    update(data) {
      const problems = validatePixelMapData(data);
      if (problems.length > 0) throw new Error(`src/views/stats/pixelMapChart.ts: cannot draw: ${problems.join('; ')}`);
      const colors = new Map<number, d3.RGBColor>();
      for (let p = 0; p < IMAGE_SIZE; p++) {
        const d = data.degrees[p];
        let c = colors.get(d);
        if (!c) colors.set(d, (c = d3.rgb(pixelColor(d, data.maxDegree))));
        image.data.set([c.r, c.g, c.b, 255], p * 4);
      }
      ctx.putImageData(image, 0, 0);
      canvas.dataset.maxDegree = String(data.maxDegree);
      if (!gradient || !axis) return;
      const stops = d3.range(0, 1.0001, 0.1);
      gradient.selectAll('stop').data(stops).join('stop')
        .attr('offset', (t) => `${t * 100}%`)
        .attr('stop-color', (t) => pixelColor(Math.max(1e-9, t * data.maxDegree), data.maxDegree));
      const x = d3.scaleLinear().domain([0, Math.max(1, data.maxDegree)]).range([0, legendW]);
      // Degrees are whole numbers: no tick between two of them.
      axis.call(d3.axisBottom(x).tickValues(x.ticks(4).filter(Number.isInteger)).tickFormat(d3.format('d')).tickSize(3));
      axis.select('.domain').remove();
    },
    destroy() {
      legend?.selectAll('*').remove();
    },
  };
}

/** Distinguishes the gradients of several maps on one page. */
let mapCount = 0;
