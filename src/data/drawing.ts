// Turns a free-hand drawing into a 28×28 input the way MNIST was made: crop to the ink, scale into a
// 20×20 box keeping the aspect ratio (area-averaged, so grey levels are antialiased), then translate so
// the centre of mass sits at the centre of the 28×28 field. Options follow Fashion-MNIST instead (fill
// the frame, centre the bounding box).
import { IMAGE_SIDE, IMAGE_SIZE } from '../engine/constants';
import type { DatasetName } from '../engine/types';

export const MNIST_BOX = 20;

export interface InkBox { x0: number; y0: number; x1: number; y1: number }

/** Smallest box (exclusive ends) holding every pixel above `threshold`; null when there is no ink. */
export function inkBoundingBox(ink: ArrayLike<number>, width: number, height: number, threshold = 0.05): InkBox | null {
  let x0 = width;
  let y0 = height;
  let x1 = -1;
  let y1 = -1;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      if (ink[y * width + x] > threshold) {
        if (x < x0) x0 = x;
        if (x > x1) x1 = x;
        if (y < y0) y0 = y;
        if (y > y1) y1 = y;
      }
    }
  }
  return x1 < 0 ? null : { x0, y0, x1: x1 + 1, y1: y1 + 1 };
}

/** Coverage weights of source cells [0, srcLen) for each of `dstLen` target cells (area averaging). */
function coverage(srcLen: number, dstLen: number): Array<Array<[number, number]>> {
  const scale = srcLen / dstLen;
  const rows: Array<Array<[number, number]>> = [];
  for (let d = 0; d < dstLen; d++) {
    const a = d * scale;
    const b = (d + 1) * scale;
    const cells: Array<[number, number]> = [];
    for (let s = Math.floor(a); s < Math.ceil(b) && s < srcLen; s++) {
      const w = Math.min(b, s + 1) - Math.max(a, s);
      if (w > 1e-9) cells.push([s, w / scale]);
    }
    rows.push(cells);
  }
  return rows;
}

/** Area-averaging resample of a w×h region to tw×th (separable: rows, then columns). */
export function resampleArea(src: ArrayLike<number>, w: number, h: number, tw: number, th: number): Float32Array {
  const cx = coverage(w, tw);
  const cy = coverage(h, th);
  const tmp = new Float32Array(tw * h);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < tw; x++) {
      let s = 0;
      for (const [sx, wt] of cx[x]) s += src[y * w + sx] * wt;
      tmp[y * tw + x] = s;
    }
  }
  const out = new Float32Array(tw * th);
  for (let y = 0; y < th; y++) {
    for (const [sy, wt] of cy[y]) {
      for (let x = 0; x < tw; x++) out[y * tw + x] += tmp[sy * tw + x] * wt;
    }
  }
  return out;
}

/** Centre of mass (x, y) of an image with pixel centres at i + 0.5; null for an empty image. */
export function centreOfMass(img: ArrayLike<number>, w: number, h: number): [number, number] | null {
  let m = 0;
  let sx = 0;
  let sy = 0;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const v = img[y * w + x];
      m += v;
      sx += v * (x + 0.5);
      sy += v * (y + 0.5);
    }
  }
  return m > 0 ? [sx / m, sy / m] : null;
}

export interface PreprocessResult {
  /** 784 values in [0, 1], row-major 28×28. */
  pixels: Float32Array;
  /** False when the drawing had no ink (pixels are then all zero). */
  hasInk: boolean;
}

export interface PreprocessOptions {
  /** Side of the box the ink is scaled into: MNIST's 20 (default), or 28 for Fashion-MNIST's full frame. */
  box?: number;
  /** Where the ink is placed: MNIST centres its centre of mass (default); Fashion-MNIST its bounding box. */
  centre?: 'mass' | 'box';
}

/** How each dataset was made: MNIST digits fit 20×20 and sit by their centre of mass; Fashion-MNIST items fill the frame. */
export const DATASET_PREPROCESSING: Readonly<Record<DatasetName, Required<PreprocessOptions>>> = {
  mnist: { box: MNIST_BOX, centre: 'mass' },
  'fashion-mnist': { box: IMAGE_SIDE, centre: 'box' },
};

/**
 * MNIST-style preprocessing of an ink image (`ink[y*width+x]` in [0, 1], 1 = full ink) of any size.
 */
export function preprocessDrawing(ink: ArrayLike<number>, width: number, height: number, options: PreprocessOptions = {}): PreprocessResult {
  const boxSide = Math.min(IMAGE_SIDE, Math.max(1, Math.round(options.box ?? MNIST_BOX)));
  const pixels = new Float32Array(IMAGE_SIZE);
  const box = inkBoundingBox(ink, width, height);
  if (!box) return { pixels, hasInk: false };
  const bw = box.x1 - box.x0;
  const bh = box.y1 - box.y0;
  const crop = new Float32Array(bw * bh);
  for (let y = 0; y < bh; y++) {
    for (let x = 0; x < bw; x++) crop[y * bw + x] = clamp01(ink[(box.y0 + y) * width + box.x0 + x]);
  }
  const scale = boxSide / Math.max(bw, bh);
  const tw = Math.max(1, Math.round(bw * scale));
  const th = Math.max(1, Math.round(bh * scale));
  const small = resampleArea(crop, bw, bh, tw, th);
  // A thin stroke averaged over many source pixels comes out grey; MNIST's strokes peak at full ink.
  let max = 0;
  for (const v of small) if (v > max) max = v;
  if (max > 0) for (let i = 0; i < small.length; i++) small[i] = Math.min(1, small[i] / max);
  const com = options.centre === 'box' ? [tw / 2, th / 2] : (centreOfMass(small, tw, th) ?? [tw / 2, th / 2]);
  const offX = Math.round(IMAGE_SIDE / 2 - com[0]);
  const offY = Math.round(IMAGE_SIDE / 2 - com[1]);
  for (let y = 0; y < th; y++) {
    const ty = y + offY;
    if (ty < 0 || ty >= IMAGE_SIDE) continue;
    for (let x = 0; x < tw; x++) {
      const tx = x + offX;
      if (tx < 0 || tx >= IMAGE_SIDE) continue;
      pixels[ty * IMAGE_SIDE + tx] = small[y * tw + x];
    }
  }
  return { pixels, hasInk: true };
}

/** Ink from canvas RGBA pixels drawn dark-on-light or light-on-dark: uses alpha when present, else luminance. */
export function inkFromRgba(rgba: Uint8ClampedArray, width: number, height: number, inkIsDark: boolean): Float32Array {
  const ink = new Float32Array(width * height);
  for (let i = 0; i < ink.length; i++) {
    const r = rgba[4 * i];
    const g = rgba[4 * i + 1];
    const b = rgba[4 * i + 2];
    const a = rgba[4 * i + 3] / 255;
    const lum = (0.299 * r + 0.587 * g + 0.114 * b) / 255;
    ink[i] = a * (inkIsDark ? 1 - lum : lum);
  }
  return ink;
}

function clamp01(v: number): number {
  return v < 0 ? 0 : v > 1 ? 1 : v;
}
