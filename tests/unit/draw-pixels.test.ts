// The Draw panel's pixel helpers: grey images as white-on-black RGBA, perturbations on a diverging
// blue–white–red scale (brighter = red, darker = blue, ±scale = full colour), and pointer positions.
import { describe, expect, it } from 'vitest';
import { PAD_SIDE } from '../../src/views/draw/config';
import { divergingColor, greyToRgba, maxAbs, perturbationToRgba } from '../../src/views/draw/imagePixels';
import { toPadPoint } from '../../src/views/draw/padPainting';

describe('greyToRgba', () => {
  it('maps 0 to black, 1 to white, clips outside [0, 1], and is opaque', () => {
    const pixels = new Float32Array(784);
    pixels[1] = 1;
    pixels[2] = 0.5;
    pixels[3] = 7;
    pixels[4] = -2;
    const rgba = greyToRgba(pixels);
    expect(Array.from(rgba.subarray(0, 20))).toEqual([0, 0, 0, 255, 255, 255, 255, 255, 128, 128, 128, 255, 255, 255, 255, 255, 0, 0, 0, 255]);
  });
  it('rejects an image that is not 28×28', () => {
    expect(() => greyToRgba(new Float32Array(100))).toThrow(/784 values \(28×28\), got 100/);
  });
});

describe('perturbation colours', () => {
  it('shows no change as white, brighter pixels red and darker ones blue, symmetric in strength', () => {
    const [r0, g0, b0] = divergingColor(0, 0.1);
    expect([r0, g0, b0]).toEqual([255, 255, 255]);
    const red = divergingColor(0.1, 0.1);
    const blue = divergingColor(-0.1, 0.1);
    expect(red[0]).toBeGreaterThan(red[2] + 50);
    expect(blue[2]).toBeGreaterThan(blue[0] + 50);
    // Half the budget is a paler tint of the same hue; beyond the budget saturates.
    const pale = divergingColor(0.05, 0.1);
    expect(pale[1]).toBeGreaterThan(red[1]);
    expect(divergingColor(0.5, 0.1)).toEqual(red);
    expect(divergingColor(0.3, 0)).toEqual(divergingColor(0, 1)); // no budget: nothing to show
  });
  it('amplifies a small perturbation to full colour at ±scale', () => {
    const p = new Float32Array(784);
    p[0] = 0.02;
    p[1] = -0.02;
    const rgba = perturbationToRgba(p, 0.02);
    expect(Array.from(rgba.subarray(0, 3))).toEqual([...divergingColor(1, 1)]);
    expect(Array.from(rgba.subarray(4, 7))).toEqual([...divergingColor(-1, 1)]);
    expect(rgba[11]).toBe(255);
    expect(maxAbs(p)).toBeCloseTo(0.02, 7);
  });
});

describe('toPadPoint', () => {
  it('maps CSS pixels inside the canvas box to pad pixels and clamps outside points', () => {
    expect(toPadPoint(70, 35, 140, 140)).toEqual({ x: PAD_SIDE / 2, y: PAD_SIDE / 4 });
    expect(toPadPoint(-10, 500, 140, 140)).toEqual({ x: 0, y: PAD_SIDE });
  });
});
