// Colours as packed 32-bit pixels for ImageData: lookup tables built once from D3 scales (weights on a
// diverging scale, link density on a sequential one), and integer blends for the rewiring animation.
import * as d3 from 'd3';
import {
  COLOR_LEVELS, DENSITY_INTERPOLATOR, DENSITY_RAMP_START, DENSITY_SATURATION, WEIGHT_INTERPOLATOR_RANGE, WEIGHT_SATURATION_QUANTILE,
} from './config';

const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

/** One RGBA pixel as the Uint32 an ImageData's buffer holds on this machine. */
export function packRgba(r: number, g: number, b: number, a = 255): number {
  return LITTLE_ENDIAN ? ((a << 24) | (b << 16) | (g << 8) | r) >>> 0 : ((r << 24) | (g << 16) | (b << 8) | a) >>> 0;
}

/** A CSS colour (anything d3.color parses) packed; throws on an unparsable colour. */
export function packCss(css: string): number {
  const c = d3.rgb(css);
  if (Number.isNaN(c.r)) throw new Error(`src/views/topology/colors.ts: cannot parse colour "${css}"`);
  return packRgba(Math.round(c.r), Math.round(c.g), Math.round(c.b), Math.round((c.opacity ?? 1) * 255));
}

/** Channels of a packed pixel as [r, g, b, a]. */
export function unpackRgba(p: number): [number, number, number, number] {
  return LITTLE_ENDIAN
    ? [p & 255, (p >>> 8) & 255, (p >>> 16) & 255, p >>> 24]
    : [p >>> 24, (p >>> 16) & 255, (p >>> 8) & 255, p & 255];
}

/** `from` at t = 0 to `to` at t = 1, per channel; the result is opaque. */
export function blendPacked(from: number, to: number, t: number): number {
  if (!LITTLE_ENDIAN) return blendByChannel(from, to, t);
  const u = t <= 0 ? 0 : t >= 1 ? 256 : Math.round(t * 256);
  const v = 256 - u;
  // Red and blue share one multiply (their lanes are 16 bits apart, so products never overlap).
  const rb = ((((from & 0x00ff00ff) * v + (to & 0x00ff00ff) * u) >>> 8) & 0x00ff00ff) >>> 0;
  const g = ((((from & 0x0000ff00) * v + (to & 0x0000ff00) * u) >>> 8) & 0x0000ff00) >>> 0;
  return (rb | g | 0xff000000) >>> 0;
}

function blendByChannel(from: number, to: number, t: number): number {
  const a = unpackRgba(from);
  const b = unpackRgba(to);
  const mix = (i: number) => Math.round(a[i] + (b[i] - a[i]) * Math.min(1, Math.max(0, t)));
  return packRgba(mix(0), mix(1), mix(2), 255);
}

/**
 * The weight colour scale: diverging over [−wMax, wMax] with a square-root response, so that the many
 * small weights (grown links start at 0) still show their sign instead of all reading as white.
 */
export function weightScale(wMax: number): d3.ScaleDiverging<string> {
  const [lo, hi] = WEIGHT_INTERPOLATOR_RANGE;
  // RdBu runs red (0) → blue (1): negative weights red, positive blue.
  return d3.scaleDivergingSqrt((t: number) => d3.interpolateRdBu(lo + (hi - lo) * t)).domain([-wMax, 0, wMax]).clamp(true);
}

/** Density colours over [0, top] (share of a block's cells that hold a link). */
export function densityScale(top = 1): d3.ScaleSequential<string> {
  const ramp = d3[DENSITY_INTERPOLATOR];
  return d3.scaleSequential((t: number) => ramp(DENSITY_RAMP_START + (1 - DENSITY_RAMP_START) * t)).domain([0, top]).clamp(true);
}

/** Where the density scale saturates for a layer: a few times its overall density, at most 1. */
export function densityTop(links: number, nIn: number, nOut: number): number {
  return Math.min(1, (DENSITY_SATURATION * links) / Math.max(1, nIn * nOut));
}

export interface ColorTable {
  /** COLOR_LEVELS packed colours from −wMax to wMax. */
  colors: Uint32Array;
  wMax: number;
  /** Table index of weight w (clamped). */
  index(w: number): number;
  color(w: number): number;
}

/** A lookup table of the weight scale, so drawing a link is one multiply and one array read. */
export function weightColorTable(wMax: number, levels = COLOR_LEVELS): ColorTable {
  if (!(wMax > 0) || !Number.isFinite(wMax)) throw new RangeError(`src/views/topology/colors.ts: weight range ±${wMax} is not a positive number`);
  const scale = weightScale(wMax);
  const colors = new Uint32Array(levels);
  for (let k = 0; k < levels; k++) colors[k] = packCss(scale(-wMax + (2 * wMax * k) / (levels - 1)));
  const per = (levels - 1) / (2 * wMax);
  const index = (w: number) => {
    const k = Math.round((w + wMax) * per);
    return k < 0 ? 0 : k >= levels ? levels - 1 : k;
  };
  return { colors, wMax, index, color: (w) => colors[index(w)] };
}

/** A lookup table of the density ramp: entry k is the colour at k/(levels − 1) of the scale's top. */
export function densityColorTable(levels = COLOR_LEVELS): Uint32Array {
  const scale = densityScale(1);
  const colors = new Uint32Array(levels);
  for (let k = 0; k < levels; k++) colors[k] = packCss(scale(k / (levels - 1)));
  return colors;
}

/** The `quantile` of |w| over one set of weights (0 for none). */
export function absQuantile(weights: Float32Array, quantile = WEIGHT_SATURATION_QUANTILE): number {
  if (weights.length === 0) return 0;
  const abs = new Float32Array(weights.length);
  for (let k = 0; k < weights.length; k++) abs[k] = Math.abs(weights[k]);
  abs.sort();
  const q = abs[Math.min(abs.length - 1, Math.max(0, Math.floor(quantile * (abs.length - 1))))];
  return Number.isFinite(q) ? q : 0;
}

/** The largest of `values` rounded up to two significant digits; 1 when none is positive. */
export function niceWeightMax(values: Iterable<number>): number {
  let best = 0;
  for (const v of values) if (Number.isFinite(v) && v > best) best = v;
  if (best === 0) return 1;
  const magnitude = 10 ** (Math.floor(Math.log10(best)) - 1);
  return Number((Math.ceil(best / magnitude - 1e-9) * magnitude).toPrecision(2));
}
