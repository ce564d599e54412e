// Turns one 28×28 grey image (bytes 0..255) into RGBA pixels for canvas ImageData, blending from
// the tile's background colour (ink 0) to white (ink 255).
import { IMAGE_SIDE, IMAGE_SIZE } from '../../engine/constants';

export function digitToRgba(images: Uint8Array, index: number, background: readonly [number, number, number]): Uint8ClampedArray<ArrayBuffer> {
  const offset = index * IMAGE_SIZE;
  if (!Number.isInteger(index) || index < 0 || offset + IMAGE_SIZE > images.length) {
    throw new RangeError(`src/views/gallery/digitPixels.ts: image ${index} is outside the ${Math.floor(images.length / IMAGE_SIZE)} images given`);
  }
  const [r0, g0, b0] = background;
  const rgba = new Uint8ClampedArray(IMAGE_SIZE * 4);
  for (let p = 0; p < IMAGE_SIZE; p++) {
    const t = images[offset + p] / 255;
    rgba[p * 4] = r0 + (255 - r0) * t;
    rgba[p * 4 + 1] = g0 + (255 - g0) * t;
    rgba[p * 4 + 2] = b0 + (255 - b0) * t;
    rgba[p * 4 + 3] = 255;
  }
  return rgba;
}

export const DIGIT_SIDE = IMAGE_SIDE;
