// Turns the panel's 28×28 float images into canvas pixels: grey images as white ink on black, and
// perturbations on a diverging blue–white–red scale, amplified so that ±ε is full colour.
import { interpolateLab, rgb } from 'd3';
import { IMAGE_SIDE, IMAGE_SIZE } from '../../engine/constants';

const FILE = 'src/views/draw/imagePixels.ts';

function checkSize(values: ArrayLike<number>, what: string): void {
  if (values.length !== IMAGE_SIZE) throw new RangeError(`${FILE}: ${what} must have ${IMAGE_SIZE} values (28×28), got ${values.length}`);
}

/** RGBA of a 28×28 image with values in [0, 1]: 0 black, 1 white (clipped). */
export function greyToRgba(pixels: ArrayLike<number>): Uint8ClampedArray<ArrayBuffer> {
  checkSize(pixels, 'an image');
  const rgba = new Uint8ClampedArray(IMAGE_SIZE * 4);
  for (let p = 0; p < IMAGE_SIZE; p++) {
    const v = Math.round(Math.min(1, Math.max(0, pixels[p])) * 255);
    rgba.set([v, v, v, 255], p * 4);
  }
  return rgba;
}

/** Ends of the diverging scale (ColorBrewer RdBu's outer hues); no change is pure white. */
export const DARKER_COLOR = '#2166ac';
export const BRIGHTER_COLOR = '#b2182b';
const LEVELS = 257;
const toBlue = interpolateLab('#ffffff', DARKER_COLOR);
const toRed = interpolateLab('#ffffff', BRIGHTER_COLOR);
/** Sampled once: index 0 is the most negative change (blue), the middle white, the end red. */
const DIVERGING: ReadonlyArray<readonly [number, number, number]> = Array.from({ length: LEVELS }, (_, i) => {
  const t = (2 * i) / (LEVELS - 1) - 1;
  const c = rgb(t < 0 ? toBlue(-t) : toRed(t));
  return [Math.round(c.r), Math.round(c.g), Math.round(c.b)] as const;
});

/** The colour of a change `delta` when `scale` (usually ε) is full colour. */
export function divergingColor(delta: number, scale: number): readonly [number, number, number] {
  const t = scale > 0 ? Math.max(-1, Math.min(1, delta / scale)) : 0;
  return DIVERGING[Math.round(((t + 1) / 2) * (LEVELS - 1))];
}

/** RGBA of a perturbation (adversarial − original): blue darker, white unchanged, red brighter. */
export function perturbationToRgba(perturbation: ArrayLike<number>, scale: number): Uint8ClampedArray<ArrayBuffer> {
  checkSize(perturbation, 'a perturbation');
  const rgba = new Uint8ClampedArray(IMAGE_SIZE * 4);
  for (let p = 0; p < IMAGE_SIZE; p++) {
    const [r, g, b] = divergingColor(perturbation[p], scale);
    rgba.set([r, g, b, 255], p * 4);
  }
  return rgba;
}

/** The largest |value| (the L∞ size of a perturbation). */
export function maxAbs(values: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < values.length; i++) m = Math.max(m, Math.abs(values[i]));
  return m;
}

export const IMAGE_PIXELS_SIDE = IMAGE_SIDE;
